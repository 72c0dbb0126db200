/** What the live boards hear about (`GET /api/live/events`): small, no personal data, enough to decide who may see it. */
export interface LiveEvent {
  /** `case.overdue`: a clock of the case ran past its due date (the sweep says so once per clock and due date). */
  type: 'case.registered' | 'case.changed' | 'case.overdue' | 'camera.alert' | 'camera.status';
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
