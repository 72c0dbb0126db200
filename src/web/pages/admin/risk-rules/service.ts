import type { RiskRules } from '../../../../shared/schemas/related.js';
import { api } from '../../../app/api.js';

// 风险研判规则's requests (src/server/modules/related/related.routes.ts), named after their operationIds.

/** `GET /api/risk-rules` (getRiskRules): the thresholds and threat words behind the risk signals at intake. */
export function getRiskRules(): Promise<RiskRules> {
  return api('/api/risk-rules');
}

/** `PUT /api/risk-rules` (updateRiskRules): the admin's new rules. */
export function updateRiskRules(rules: RiskRules): Promise<RiskRules> {
  return api('/api/risk-rules', { method: 'PUT', json: rules });
}
