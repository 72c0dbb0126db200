import { z } from 'zod';
import { line } from './text.js';
import { ASSESSED_UNIT_TYPES } from '../enums.js';

/** Villages and communities form one group, organisations the other (the provincial “三零” targets name one for each: docs/LEGAL-BASIS.md §6). */
export const THREE_ZERO_GROUPS = ['village', 'organisation'] as const;
export type ThreeZeroGroup = (typeof THREE_ZERO_GROUPS)[number];
export const groupOf = (type: (typeof ASSESSED_UNIT_TYPES)[number]): ThreeZeroGroup =>
  type === 'village' || type === 'community' ? 'village' : 'organisation';
/** Targets when the district has set none for the year (the upper ends of the provincial ranges, docs/LEGAL-BASIS.md §6). */
export const DEFAULT_TARGETS: Record<ThreeZeroGroup, number> = { village: 80, organisation: 90 };

export const threeZeroQuerySchema = z.object({ year: z.coerce.number().int().min(2000).max(2100) });
/** `/units/:id/figures/:year`: one assessed unit's figures for a year. */
export const threeZeroFiguresParamsSchema = threeZeroQuerySchema.extend({ id: z.string().uuid() });

export const assessedUnitInputSchema = z.object({
  name: line(100, { minMessage: '请填写单位名称' }),
  type: z.enum(ASSESSED_UNIT_TYPES),
  unitId: z.string().uuid().describe('A village/community: the unit itself; an organisation: the community it lies in'),
});
export type AssessedUnitInput = z.infer<typeof assessedUnitInputSchema>;
export const threeZeroCreatedSchema = z.object({ id: z.string() });
export const threeZeroVillagesAddedSchema = z.object({ added: z.number() });

export const threeZeroFiguresInputSchema = z.object({
  accidents: z.number().int().min(0).max(10000),
  criminalCases: z.number().int().min(0).max(10000),
  source: line(200, { min: 2, minMessage: '请注明数据来源（如：区应急管理局 2026 年事故台账）' }),
});
export type ThreeZeroFiguresInput = z.infer<typeof threeZeroFiguresInputSchema>;
/** A board workbook's import: every row checked first, then all of it or nothing. */
export const threeZeroImportResultSchema = z.object({
  imported: z.number(),
  unchanged: z.number(),
  skipped: z.number().describe('Rows with neither figure filled'),
});
export type ThreeZeroImportResult = z.infer<typeof threeZeroImportResultSchema>;

export const threeZeroTargetsInputSchema = z.object({
  village: z.number().int().min(0).max(100),
  organisation: z.number().int().min(0).max(100),
});
export type ThreeZeroTargetsInput = z.infer<typeof threeZeroTargetsInputSchema>;

export const threeZeroBoardSchema = z.object({
  year: z.number(),
  targets: z.object({ village: z.number(), organisation: z.number(), isDefault: z.boolean() }),
  groups: z.object({
    village: z.object({ total: z.number(), meeting: z.number(), share: z.number().nullable() }),
    organisation: z.object({ total: z.number(), meeting: z.number(), share: z.number().nullable() }),
  }),
  units: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      type: z.enum(ASSESSED_UNIT_TYPES),
      group: z.enum(THREE_ZERO_GROUPS),
      placeName: z.string(),
      carriedUp: z.number().describe('Cases of the year carried above the unit’s level (settled by the town or district, or escalated)'),
      accidents: z.number().nullable(),
      criminalCases: z.number().nullable(),
      source: z.string().nullable(),
      enteredBy: z.string().nullable(),
      enteredAt: z.string().nullable(),
      zeroPetition: z.boolean(),
      zeroAccident: z.boolean().nullable().describe('null: no figure entered for the year'),
      zeroCrime: z.boolean().nullable(),
      meets: z.boolean(),
    }),
  ),
});
export type ThreeZeroBoard = z.infer<typeof threeZeroBoardSchema>;
