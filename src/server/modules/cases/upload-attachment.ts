import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { AttachmentKind } from '../../../shared/enums.js';
import { ATTACHMENT_LIMITS } from '../../../shared/limits.js';
import type { Db } from '../../db/client.js';
import { attachments } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canSeeCase } from './cases.policy.js';
import { findCaseRow } from './cases.repository.js';

/**
 * Stores a file for a case, to be linked to a timeline step by the next action (`attachmentIds`).
 * The type is read from the bytes, not from the name or the browser's claim.
 */
export async function uploadAttachment(opts: {
  db: Db;
  actor: Actor;
  caseId: string;
  kind: AttachmentKind;
  fileName: string;
  content: Buffer;
}) {
  const { db, actor, caseId, kind, content } = opts;
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  const limit = ATTACHMENT_LIMITS[kind];
  if (content.length > limit.maxBytes) throw new AppError('ATTACHMENT_TOO_LARGE', { maxBytes: limit.maxBytes });
  const detected = await fileTypeFromBuffer(content);
  if (!detected || !limit.mimeTypes.includes(detected.mime)) {
    throw new AppError('ATTACHMENT_TYPE_NOT_ALLOWED', { allowed: limit.mimeTypes, detected: detected?.mime ?? null });
  }
  const fileName = opts.fileName.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200) || `file.${detected.ext}`;
  const [created] = await db
    .insert(attachments)
    .values({
      districtCode: actor.districtCode,
      caseId,
      kind,
      fileName,
      mimeType: detected.mime,
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      content,
      uploadedBy: actor.id,
    })
    .returning();
  return created!;
}
