import { z } from 'zod';
import { CHANNELS } from '../enums.js';
import { createCaseFieldsSchema, requirePartiesUnlessPartyless } from './cases.js';
import { line } from './text.js';

const httpUrl = line(500)
  .url()
  .max(500)
  .refine((u) => /^https?:\/\//.test(u), { message: 'http(s) only' });

export const apiClientInputSchema = z.object({
  name: line(100).describe('e.g. 12345政务服务便民热线'),
  channels: z.array(z.enum(CHANNELS)).min(1).describe('The case channels it may file under'),
  mayPostCameraAlerts: z.boolean().default(false),
  callbackUrl: httpUrl.nullable().default(null).describe('Where status callbacks are POSTed'),
});

export const apiClientSchema = z.object({
  id: z.string(),
  name: z.string(),
  channels: z.array(z.enum(CHANNELS)),
  mayPostCameraAlerts: z.boolean(),
  keyPrefix: z.string().describe('The first characters of the key, to tell keys apart'),
  callbackUrl: z.string().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiClient = z.infer<typeof apiClientSchema>;

/** Shown once, at creation or rotation: the platform keeps only the key's hash. */
export const apiClientSecretsSchema = z.object({
  client: apiClientSchema,
  apiKey: z.string(),
  signingSecret: z.string().describe('HMAC-SHA256 secret for callbacks we send and webhooks it sends'),
});

export const transferCaseBodySchema = createCaseFieldsSchema
  .extend({ externalRef: line(100).describe('The sender’s own reference: the same one twice makes one case') })
  .superRefine(requirePartiesUnlessPartyless);
export type TransferCaseBody = z.infer<typeof transferCaseBodySchema>;

export const transferCaseSchema = z.object({
  code: z.string(),
  externalRef: z.string(),
  status: z.string(),
  trackingToken: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  dueDate: z.string().nullable().describe('The running clock’s due date (Asia/Shanghai), if any'),
});

/** `GET /api/admin/api-clients`: the connected systems. */
export const apiClientListSchema = z.array(apiClientSchema);

/** A case a connected system transferred in, by that system's own reference: `/api/transfer/cases/:externalRef`. */
export const externalRefParamsSchema = z.object({ externalRef: line(100) });
