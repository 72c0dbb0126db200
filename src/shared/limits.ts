import type { AttachmentKind } from './enums.js';

/** What an attachment of each kind may be. Checked on the server from the bytes, and in the browser before upload. */
export const ATTACHMENT_LIMITS: Readonly<Record<AttachmentKind, { mimeTypes: readonly string[]; maxBytes: number }>> = {
  photo: { mimeTypes: ['image/jpeg', 'image/png', 'image/webp'], maxBytes: 10 * 1024 * 1024 },
  document: { mimeTypes: ['application/pdf'], maxBytes: 20 * 1024 * 1024 },
  audio: { mimeTypes: ['audio/mpeg', 'audio/wav', 'audio/x-wav'], maxBytes: 30 * 1024 * 1024 },
};

export const MAX_ATTACHMENTS_PER_NOTE = 10;
export const PAGE_SIZE_MAX = 100;
export const NARRATIVE_MAX = 10_000;
