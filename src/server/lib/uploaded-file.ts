import type { FastifyRequest } from 'fastify';
import { AppError } from '../plugins/errors.js';

/** The one file of a multipart request, read whole; a file over the multipart limit is ATTACHMENT_TOO_LARGE. */
export async function readUploadedFile(request: FastifyRequest): Promise<{ fileName: string; content: Buffer }> {
  const file = await request.file();
  if (!file) throw new AppError('VALIDATION_FAILED', { file: 'missing' });
  try {
    return { fileName: file.filename, content: await file.toBuffer() };
  } catch {
    throw new AppError('ATTACHMENT_TOO_LARGE');
  }
}
