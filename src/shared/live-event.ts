/** What the live boards hear about (`GET /api/live/events`): small, no personal data, enough to decide who may see it. */
export interface LiveEvent {
  type: 'case.registered' | 'case.changed' | 'camera.alert' | 'camera.status';
  districtCode: string;
  /** Jurisdiction of the thing: the place's unit path, and the lead/co-units once dispatched. */
  unitPath: string;
  leadUnitPath?: string | null;
  coUnitIds?: string[];
  caseId?: string;
  code?: string;
  status?: string;
  channel?: string;
  summary?: string;
  riskLevel?: string;
  cameraCode?: string;
  count?: number;
  at: string;
}
