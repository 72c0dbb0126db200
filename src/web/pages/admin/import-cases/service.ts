import type { ImportMapping, ImportResult } from '../../../../shared/schemas/imports.js';
import { api } from '../../../app/api.js';

/**
 * `POST /api/imports/cases` (importCases, src/server/modules/imports/imports.routes.ts): the file with its column
 * mapping. Without `batch` every row is checked and nothing saved (`dryRun=true`); with it, those rows are imported.
 */
export function importCases(file: File, mapping: ImportMapping, batch?: { offset: number; limit: number }): Promise<ImportResult> {
  const form = new FormData();
  form.append('mapping', JSON.stringify(mapping));
  form.append('file', file);
  const query = batch ? `dryRun=false&offset=${batch.offset}&limit=${batch.limit}` : 'dryRun=true';
  return api(`/api/imports/cases?${query}`, { method: 'POST', body: form });
}
