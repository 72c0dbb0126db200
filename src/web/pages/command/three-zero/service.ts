import type {
  AssessedUnitInput,
  ThreeZeroBoard,
  ThreeZeroFiguresInput,
  ThreeZeroImportResult,
  ThreeZeroTargetsInput,
} from '../../../../shared/schemas/three-zero.js';
import { api } from '../../../app/api.js';

// “三零”创建's requests (src/server/modules/stats/three-zero.routes.ts), named after their operationIds.

/** `GET /api/three-zero?year=` (readThreeZeroBoard): the year's board of assessed units. */
export function readThreeZeroBoard(year: number): Promise<ThreeZeroBoard> {
  return api(`/api/three-zero?year=${year}`);
}

/** `PUT /api/three-zero/units/{id}/figures/{year}` (enterThreeZeroFigures): one unit's figures for a year, with their source. */
export function enterThreeZeroFigures(unitId: string, year: number, body: ThreeZeroFiguresInput): Promise<void> {
  return api(`/api/three-zero/units/${unitId}/figures/${year}`, { method: 'PUT', json: body });
}

/** `POST /api/three-zero/units` (addAssessedUnit): a village, community or organisation to assess. */
export function addAssessedUnit(body: AssessedUnitInput): Promise<{ id: string }> {
  return api('/api/three-zero/units', { method: 'POST', json: body });
}

/** `POST /api/three-zero/units/from-tree` (addAssessedVillages): every village (community) of the jurisdiction made a unit to assess. */
export function addAssessedVillages(): Promise<{ added: number }> {
  return api('/api/three-zero/units/from-tree', { method: 'POST' });
}

/** `PUT /api/three-zero/targets/{year}` (setThreeZeroTargets): the year's target shares. */
export function setThreeZeroTargets(year: number, body: ThreeZeroTargetsInput): Promise<void> {
  return api(`/api/three-zero/targets/${year}`, { method: 'PUT', json: body });
}

/** `POST /api/three-zero/figures/{year}/import` (importThreeZeroFigures): a board workbook's figures, all rows or none. */
export function importThreeZeroFigures(year: number, file: File): Promise<ThreeZeroImportResult> {
  const body = new FormData();
  body.append('file', file);
  return api(`/api/three-zero/figures/${year}/import`, { method: 'POST', body });
}
