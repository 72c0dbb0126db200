import type { Role } from './enums.js';
import { ROLES } from './enums.js';

const HANDLERS: readonly Role[] = ['mediator', 'unit_handler', 'grid_worker', 'counsellor'];

/**
 * Who may do what, per entity, in one place. Case state changes are declared in `case-lifecycle.ts`
 * (role + jurisdiction scope per action); these are the rest. The signed-in user's list reaches the UI
 * (`GET /api/auth/me` → `permissions`) so menus and buttons show only what the user may use.
 */
export const PERMISSIONS = {
  'case.register': ['reception', 'dispatcher', 'admin', 'grid_worker', 'mediator'],
  'case.list': ROLES,
  'case.dispatchBoard': ['dispatcher', 'admin'],
  'case.mine': HANDLERS,
  /** 督办: the dispatchers and leaders watch what is overdue. */
  'case.overdueBoard': ['dispatcher', 'leader', 'admin'],
  'report.threeFailures': ['dispatcher', 'leader', 'admin'],
  'case.attach': [...HANDLERS, 'dispatcher', 'reception', 'admin'],
  /** Earlier cases of a person at intake (信访工作条例 Art.19: show the earlier case). */
  'person.lookup': ['reception', 'dispatcher', 'admin', 'mediator', 'grid_worker'],
  /** See an ID number, phone or address in full; every reveal is logged (个人信息保护法 Art.51). */
  'person.reveal': ['reception', 'dispatcher', 'mediator', 'unit_handler', 'admin'],
  /** Confirm two person records are one person (merge, reversible and logged) or that they are not. */
  'person.merge': ['reception', 'dispatcher', 'admin'],
  /** Full-text search may also look in parties' names and addresses (the same roles that may reveal them). */
  'case.searchParties': ['reception', 'dispatcher', 'mediator', 'unit_handler', 'admin'],
  'unit.list': ROLES,
  'calendar.view': ROLES,
  /** Load or correct a year's holidays and make-up working days (the State Council publishes them each autumn). */
  'calendar.edit': ['admin'],
  'timeLimit.view': ROLES,
  /** Change the district's time limits; running deadlines move only by an explicit, logged recompute. */
  'timeLimit.edit': ['admin'],
  /** 一揽子化解: make packages of related cases, add and remove members, record joint meetings, conclude. */
  'package.manage': ['dispatcher', 'admin'],
  /** See the packages in one's jurisdiction (leaders: all open packages with size, people, age and risk). */
  'package.view': ['dispatcher', 'leader', 'admin', 'mediator', 'unit_handler', 'reception'],
  /** The thresholds and threat words of the risk signals (群体性, 重复访, 扬言…). */
  'riskRules.edit': ['admin'],
  'riskRules.view': ['dispatcher', 'leader', 'admin', 'reception'],
  /** Issue and revoke the API keys of other systems (12345, 110, court, petition bureau, video analytics). */
  'integration.manage': ['admin'],
  'camera.view': ['dispatcher', 'leader', 'admin', 'grid_worker'],
  'camera.edit': ['admin'],
  /** The live board of arriving cases and camera alerts. */
  'live.view': ['dispatcher', 'leader', 'admin', 'reception'],
  /** The command centre: cockpit, big screen, map, monthly forms (figures of the viewer's jurisdiction only). */
  'stats.view': ['dispatcher', 'leader', 'admin'],
  /** Import the units' and grids' boundaries (GeoJSON) drawn on the offline map. */
  'map.editBoundaries': ['admin'],
  /** "三零" creation: add assessed units, enter accident and criminal-case figures, set the year's targets. */
  'threeZero.edit': ['dispatcher', 'admin'],
  /** Download a case list as Excel (no personal data). */
  'case.export': ['reception', 'dispatcher', 'leader', 'admin'],
  /** Download a case list with the parties' names and phone numbers; every export is logged per person. */
  'case.exportPersonal': ['dispatcher', 'admin'],
  /** 心理服务: refer a party of a case to the psychological service room (its status is all the referrer sees after). */
  'counselling.request': ['mediator', 'unit_handler', 'reception', 'dispatcher', 'grid_worker', 'counsellor', 'admin'],
  /** The counsellors' workspace: services, appointments, sealed notes, scales, crisis alerts, referrals out. */
  'counselling.work': ['counsellor'],
  /**
   * Rooms, the scale library and the duty roster: administrators — and counselling supervisors (a counsellor heading
   * the unit), whom the server adds by `counselling.policy.ts` `canSuperviseCounselling`, not by role alone.
   */
  'counselling.supervise': ['admin'],
  /** Counts only (services, sessions, referrals, alerts answered in time), never content. */
  'counselling.figures': ['leader', 'admin', 'counsellor'],
  /** Routing suggestions (kind, category, lead unit) for staff who register or dispatch. */
  'routing.suggest': ['reception', 'dispatcher', 'admin', 'grid_worker', 'mediator'],
  /** The routing model's report: per-category precision/recall/F1, confusion matrix, accepted share. */
  'routing.viewModel': ['dispatcher', 'leader', 'admin'],
  /** Train the routing model now (it is also retrained on a schedule). */
  'routing.train': ['admin'],
  /** 类案参考: the district's most similar concluded cases, on a case page. */
  'case.similar': ['mediator', 'dispatcher', 'admin'],
  /** At dispatch: the chosen unit's handlers ranked by their record with the case's category and their open load. */
  'case.suggestHandlers': ['dispatcher', 'admin'],
  /** Bring in an older system's case records (XLSX/CSV). */
  'case.import': ['admin'],
  /** 巡查打卡 and the offline reporting app. */
  'grid.patrol': ['grid_worker'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function hasPermission(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => hasPermission(role, p));
}
