import { z } from 'zod';
import { CASE_KINDS, CATEGORIES, CHANNELS, OUTCOMES } from '../enums.js';
import { line } from './text.js';

/** The fields an older system's case record can give, in the order the mapping step shows them. */
export const IMPORT_FIELDS = [
  'sourceCaseNumber',
  'registeredOn',
  'summary',
  'narrative',
  'kind',
  'category',
  'channel',
  'placeUnit',
  'leadUnit',
  'outcome',
  'concludedOn',
  'applicantName',
  'applicantIdNumber',
  'applicantPhone',
  'respondentName',
  'respondentIdNumber',
  'respondentPhone',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
/** Without these a row cannot become a case. */
export const REQUIRED_IMPORT_FIELDS: readonly ImportField[] = ['sourceCaseNumber', 'registeredOn', 'summary', 'category'];

/** Fields whose values map through a table the admin confirms (the old system's words → ours). */
export const MAPPED_VALUE_FIELDS = ['kind', 'category', 'channel', 'outcome', 'placeUnit', 'leadUnit'] as const;
export type MappedValueField = (typeof MAPPED_VALUE_FIELDS)[number];

/** Which column holds each field (by header), and what each of the old system's values means here. */
export const importMappingSchema = z.object({
  columns: z.partialRecord(z.enum(IMPORT_FIELDS), line(200)).default({}),
  values: z
    .object({
      kind: z.record(line(200, { min: 0 }), z.enum(CASE_KINDS)).optional(),
      category: z.record(line(200, { min: 0 }), z.enum(CATEGORIES)).optional(),
      channel: z.record(line(200, { min: 0 }), z.enum(CHANNELS)).optional(),
      outcome: z.record(line(200, { min: 0 }), z.enum(OUTCOMES)).optional(),
      placeUnit: z
        .record(line(200, { min: 0 }), line(40))
        .optional()
        .describe('Value → unit code'),
      leadUnit: z
        .record(line(200, { min: 0 }), line(40))
        .optional()
        .describe('Value → unit code'),
    })
    .default({}),
});
export type ImportMapping = z.infer<typeof importMappingSchema>;

/** The most rows one import request takes. */
export const IMPORT_BATCH_MAX = 20_000;
/**
 * Rows per import request as the import page sends them: about forty batches whatever the file's size (2,000 to
 * IMPORT_BATCH_MAX rows), so the progress bar moves and a large file is not sent a hundred times (bench:import).
 */
export const importBatchSize = (totalRows: number) => Math.min(IMPORT_BATCH_MAX, Math.max(2000, Math.ceil(totalRows / 40)));

export const importQuerySchema = z.object({
  dryRun: z.enum(['true', 'false']).default('true').describe('true: check every row and save nothing'),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0).describe('First data row of this batch (0-based)'),
  limit: z.coerce.number().int().min(1).max(IMPORT_BATCH_MAX).default(2000).describe('Rows in this batch'),
});

const unitRef = z.object({ code: z.string(), name: z.string() });

export const importResultSchema = z.object({
  dryRun: z.boolean(),
  total: z.number().int().describe('Data rows in the file'),
  headers: z.array(z.string()),
  columns: z.partialRecord(z.enum(IMPORT_FIELDS), z.string()).describe('The mapping used (guessed from the headers where not given)'),
  values: z
    .array(
      z.object({
        field: z.enum(MAPPED_VALUE_FIELDS),
        raw: z.string(),
        count: z.number().int(),
        value: z.string().nullable().describe('What it maps to (an enum value, or a unit code); null: not mapped yet'),
        isConfirmed: z.boolean().describe('Given in the mapping (true) or suggested by name (false)'),
        name: z.string().nullable().describe('The unit’s name, for units'),
      }),
    )
    .describe('Every distinct value of the mapped fields, with its mapping'),
  badRows: z
    .array(
      z.object({
        row: z.number().int().describe('Row number in the sheet (the header is row 1)'),
        sourceCaseNumber: z.string().nullable(),
        reasons: z.array(z.string()),
        closestUnit: unitRef.nullable().describe('For an unknown unit name: the closest unit by name'),
      }),
    )
    .describe('Every row that will not be imported, and why'),
  imported: z.number().int().describe('Rows of this batch written as new cases'),
  alreadyImported: z.number().int().describe('Rows of this batch whose source case number is already here (skipped)'),
  offset: z.number().int(),
  nextOffset: z.number().int().nullable().describe('Where the next batch starts; null after the last'),
});
export type ImportResult = z.infer<typeof importResultSchema>;
