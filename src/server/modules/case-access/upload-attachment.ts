import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import type { AttachmentKind } from '../../../shared/enums.js';
import { ATTACHMENT_LIMITS } from '../../../shared/limits.js';
import type { Db } from '../../db/client.js';
import { attachments, caseEvents } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canSeeCase } from './cases.policy.js';
import { findCaseRow } from './case-row.js';

export type AttachmentRow = typeof attachments.$inferSelect;

/**
 * Checks and keeps a file of a case. The type is read from the bytes, not from the name or the browser's claim.
 * The same bytes sent twice to one case (a phone re-sending after a lost answer) are kept once: the first is returned.
 */
export async function storeAttachment(opts: {
  db: Db;
  districtCode: string;
  caseId: string;
  kind: AttachmentKind;
  fileName: string;
  content: Buffer;
  uploadedBy: string;
  /** Link it to a timeline step now (the portal links photos to the registration). */
  eventId?: number | null;
}): Promise<AttachmentRow> {
  const { db, districtCode, caseId, kind, content } = opts;
  const limit = ATTACHMENT_LIMITS[kind];
  if (content.length > limit.maxBytes) throw new AppError('ATTACHMENT_TOO_LARGE', { maxBytes: limit.maxBytes });
  const detected = await fileTypeFromBuffer(content);
  if (!detected || !limit.mimeTypes.includes(detected.mime)) {
    throw new AppError('ATTACHMENT_TYPE_NOT_ALLOWED', { allowed: limit.mimeTypes, detected: detected?.mime ?? null });
  }
  const sha256 = createHash('sha256').update(content).digest('hex');
  const [same] = await db
    .select()
    .from(attachments)
    .where(and(eq(attachments.districtCode, districtCode), eq(attachments.caseId, caseId), eq(attachments.sha256, sha256)))
    .limit(1);
  if (same) return same;
  // A file name is shown and sent back in headers: path separators and control characters go (no-control-regex is
  // about matching them by accident).
  // eslint-disable-next-line no-control-regex
  const fileName = opts.fileName.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200) || `file.${detected.ext}`;
  const [created] = await db
    .insert(attachments)
    .values({
      districtCode,
      caseId,
      kind,
      fileName,
      mimeType: detected.mime,
      size: content.length,
      sha256,
      content,
      uploadedBy: opts.uploadedBy,
      eventId: opts.eventId ?? null,
    })
    .returning();
  return created!;
}

/**
 * Stores a file for a case, to be linked to a timeline step by the next action (`attachmentIds`) — or, with
 * `step: 'registration'`, to the registration itself, for whoever registered the case (a grid worker's photos
 * arriving after the report they belong to).
 */
export async function uploadAttachment(opts: {
  db: Db;
  actor: Actor;
  caseId: string;
  kind: AttachmentKind;
  fileName: string;
  content: Buffer;
  step?: 'registration';
}) {
  const { db, actor, caseId } = opts;
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  let eventId: number | null = null;
  if (opts.step === 'registration') {
    if (row.registeredBy !== actor.id) throw new AppError('CASE_ACTION_FORBIDDEN', { step: 'registration' });
    const [register] = await db
      .select({ id: caseEvents.id })
      .from(caseEvents)
      .where(and(eq(caseEvents.districtCode, actor.districtCode), eq(caseEvents.caseId, caseId), eq(caseEvents.action, 'register')))
      .limit(1);
    eventId = register?.id ?? null;
  }
  return storeAttachment({ ...opts, districtCode: actor.districtCode, uploadedBy: actor.id, eventId });
}
