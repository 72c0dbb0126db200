import { ATTACHMENT_LIMITS } from '../../shared/limits.js';

/**
 * The media types of the answers that are not JSON, named once for the routes that send them and for the OpenAPI
 * document that announces them (a generated client needs them to download the agreement or an export).
 */
export const MEDIA_TYPES = {
  json: 'application/json',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
  html: 'text/html',
  xml: 'text/xml',
  eventStream: 'text/event-stream',
  webm: 'video/webm',
} as const;

/** Every type an attachment may have: a stored file is sent back with the type read from its bytes at upload. */
export const ATTACHMENT_MEDIA_TYPES: readonly string[] = [...new Set(Object.values(ATTACHMENT_LIMITS).flatMap((l) => l.mimeTypes))];
