import type { FastifyRequest } from 'fastify';
import { stripForbiddenCharacters } from '../../shared/schemas/text.js';
import { AppError } from '../plugins/errors.js';

/** What routes that take one uploaded file declare (`config`): the input boundary refuses any other body. */
export const UPLOAD_ROUTE_CONFIG = { accepts: ['multipart/form-data'] } as const;

/**
 * The one file of a multipart request, read whole. A file over the multipart limit is ATTACHMENT_TOO_LARGE; a body
 * the multipart parser cannot read (cut short, a boundary that never comes) is MULTIPART_INVALID, never a 500.
 * The file name is the browser's, not typed by anyone here: control characters are stripped rather than refused
 * (the text type's rule, `stripForbiddenCharacters`), so a name from an odd file system still uploads.
 */
export async function readUploadedFile(request: FastifyRequest): Promise<{ fileName: string; content: Buffer }> {
  let file: Awaited<ReturnType<FastifyRequest['file']>>;
  try {
    file = await request.file();
  } catch (err) {
    throw new AppError((err as { statusCode?: number }).statusCode === 413 ? 'ATTACHMENT_TOO_LARGE' : 'MULTIPART_INVALID');
  }
  if (!file) throw new AppError('VALIDATION_FAILED', { file: 'missing' });
  let content: Buffer;
  try {
    content = await file.toBuffer();
  } catch (err) {
    throw new AppError((err as { statusCode?: number }).statusCode === 413 ? 'ATTACHMENT_TOO_LARGE' : 'MULTIPART_INVALID');
  }
  return { fileName: stripForbiddenCharacters(file.filename, 200) || 'file', content };
}
