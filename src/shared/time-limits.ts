import { addDays, type IsoDate, type WorkCalendar } from './calendar.js';
import type { CaseAction } from './case-lifecycle.js';
import type { CaseKind, Category, Channel } from './enums.js';

/**
 * The clocks a case can carry (信访工作条例, 人民调解法 and the centre's own limits: docs/LEGAL-BASIS.md §2–§4). The four review clocks (复查/复核: the petitioner's time to ask,
 * the body's time to decide) have their limits here already; the petition review flow starts them.
 */
export const CLOCK_STAGES = [
  'acceptance',
  'transfer_objection',
  'handling',
  'follow_up',
  'review_request',
  'review_decision',
  're_review_request',
  're_review_decision',
] as const;
export type ClockStage = (typeof CLOCK_STAGES)[number];

/** 简易 / 一般 / 复杂: the centre's own practice (docs/LEGAL-BASIS.md §4). */
export const DIFFICULTIES = ['simple', 'ordinary', 'complex'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export const DAY_UNITS = ['working', 'calendar'] as const;
export type DayUnit = (typeof DAY_UNITS)[number];

/**
 * One time limit. Policies are tried in `priority` order and the first whose conditions all match the case wins;
 * a condition left empty matches anything.
 */
export interface TimeLimitRule {
  priority: number;
  stage: ClockStage;
  kind: CaseKind | null;
  category: Category | null;
  channel: Channel | null;
  difficulty: Difficulty | null;
  days: number;
  unit: DayUnit;
  /** The most an extension may add (信访工作条例 Art.34: 30 days); null = no extension. */
  maxExtensionDays: number | null;
  /** Yellow once this share of the time has passed (percent). */
  warnPercent: number;
  legalBasis: string;
}

const rule = (
  r: Omit<TimeLimitRule, 'kind' | 'category' | 'channel' | 'difficulty' | 'maxExtensionDays' | 'warnPercent'> & Partial<TimeLimitRule>,
): TimeLimitRule => ({
  kind: null,
  category: null,
  channel: null,
  difficulty: null,
  maxExtensionDays: null,
  warnPercent: 80,
  ...r,
});

/** The defaults every district starts with; the administrator may change any of them. */
export const DEFAULT_TIME_LIMITS: readonly TimeLimitRule[] = [
  rule({
    priority: 10,
    stage: 'acceptance',
    kind: 'petition',
    days: 15,
    unit: 'calendar',
    legalBasis: '《信访工作条例》第二十三条：收到信访事项之日起15日内书面告知是否受理',
  }),
  rule({
    priority: 100,
    stage: 'acceptance',
    days: 1,
    unit: 'working',
    legalBasis: '本中心规定（全量受理，当场或1个工作日内作出受理决定）',
  }),
  rule({
    priority: 10,
    stage: 'transfer_objection',
    days: 5,
    unit: 'working',
    legalBasis: '《信访工作条例》第二十三条：认为不属于本单位职责的，5个工作日内提出异议',
  }),
  rule({
    priority: 10,
    stage: 'handling',
    kind: 'petition',
    days: 60,
    unit: 'calendar',
    maxExtensionDays: 30,
    legalBasis: '《信访工作条例》第三十四条：受理之日起60日内办结；延长不超过30日',
  }),
  rule({
    priority: 20,
    stage: 'handling',
    kind: 'dispute',
    days: 30,
    unit: 'calendar',
    maxExtensionDays: 30,
    legalBasis: '司法部《人民调解工作若干规定》（2002）第三十三条：一般在一个月内调结（地方做法）',
  }),
  rule({
    priority: 30,
    stage: 'handling',
    difficulty: 'simple',
    days: 1,
    unit: 'working',
    maxExtensionDays: 5,
    legalBasis: '本中心规定：简易事项1个工作日',
  }),
  rule({
    priority: 31,
    stage: 'handling',
    difficulty: 'ordinary',
    days: 7,
    unit: 'working',
    maxExtensionDays: 10,
    legalBasis: '本中心规定：一般事项7个工作日',
  }),
  rule({
    priority: 32,
    stage: 'handling',
    difficulty: 'complex',
    days: 20,
    unit: 'working',
    maxExtensionDays: 20,
    legalBasis: '本中心规定：复杂事项20个工作日',
  }),
  rule({ priority: 100, stage: 'follow_up', days: 5, unit: 'working', legalBasis: '本中心规定：办结后5个工作日内回访' }),
  rule({
    priority: 10,
    stage: 'review_request',
    kind: 'petition',
    days: 30,
    unit: 'calendar',
    legalBasis: '《信访工作条例》第三十五条：收到书面答复之日起30日内请求复查',
  }),
  rule({
    priority: 10,
    stage: 'review_decision',
    kind: 'petition',
    days: 30,
    unit: 'calendar',
    legalBasis: '《信访工作条例》第三十五条：收到复查请求之日起30日内提出复查意见',
  }),
  rule({
    priority: 10,
    stage: 're_review_request',
    kind: 'petition',
    days: 30,
    unit: 'calendar',
    legalBasis: '《信访工作条例》第三十六条：收到复查意见之日起30日内请求复核',
  }),
  rule({
    priority: 10,
    stage: 're_review_decision',
    kind: 'petition',
    days: 30,
    unit: 'calendar',
    legalBasis: '《信访工作条例》第三十六条：收到复核请求之日起30日内提出复核意见（听证时间不计入）',
  }),
];

/** What a policy is matched against. */
export interface ClockSubject {
  kind: CaseKind;
  category: Category;
  channel: Channel;
  difficulty: Difficulty;
}

/** The first rule for that stage, in priority order, whose conditions the case meets. */
export function matchTimeLimit<R extends TimeLimitRule>(rules: readonly R[], stage: ClockStage, c: ClockSubject): R | undefined {
  return [...rules]
    .filter((r) => r.stage === stage)
    .sort((a, b) => a.priority - b.priority)
    .find(
      (r) =>
        (r.kind === null || r.kind === c.kind) &&
        (r.category === null || r.category === c.category) &&
        (r.channel === null || r.channel === c.channel) &&
        (r.difficulty === null || r.difficulty === c.difficulty),
    );
}

/** Which clocks each step stops, starts, pauses or resumes. */
export const CLOCK_EFFECTS: Readonly<
  Partial<
    Record<CaseAction | 'register', { stop?: readonly ClockStage[] | 'all'; start?: readonly ClockStage[]; pause?: true; resume?: true }>
  >
> = {
  register: { start: ['acceptance'] },
  accept: { stop: ['acceptance'], start: ['handling'] },
  reject: { stop: ['acceptance'] },
  dispatch: { start: ['transfer_objection'] },
  start: { stop: ['transfer_objection'] },
  return: { stop: ['transfer_objection'] },
  conclude: { stop: ['handling'], start: ['follow_up'] },
  resolve_on_spot: { stop: ['handling', 'transfer_objection'], start: ['follow_up'] },
  follow_up: { stop: ['follow_up'] },
  // 信访工作条例 counts handling from acceptance; a reopened case gets a new handling period.
  reopen: { stop: ['follow_up'], start: ['handling'] },
  suspend: { pause: true },
  resume: { resume: true },
  escalate: { stop: 'all' },
  archive: { stop: 'all' },
};

/** The due date of a period of `days` in `unit` from `start` (the start day not counted). */
export function dueDateOf(calendar: WorkCalendar, start: IsoDate, days: number, unit: DayUnit) {
  return unit === 'working' ? calendar.addWorkingDays(start, days) : calendar.addCalendarDays(start, days);
}

/**
 * A clock's due date computed from its start: the period plus extensions, then the days it spent paused. Used when
 * something about the clock changes (an extension, a recompute, a year loaded) so every path computes it alike.
 */
export function recomputeDueDate(
  calendar: WorkCalendar,
  clock: { startedOn: IsoDate; days: number; unit: DayUnit; extendedDays: number; pausedDays: number },
) {
  const base = dueDateOf(calendar, clock.startedOn, clock.days + clock.extendedDays, clock.unit);
  if (clock.pausedDays === 0) return base;
  const paused = dueDateOf(calendar, base.date, clock.pausedDays, clock.unit);
  return { date: paused.date, provisional: base.provisional || paused.provisional };
}

/**
 * The due date after a pause from `pausedOn` to `resumedOn`: a working-day clock moves by the working days paused,
 * a calendar-day clock by the calendar days paused (then the last-day rule).
 */
export function extendByPause(calendar: WorkCalendar, due: IsoDate, unit: DayUnit, pausedOn: IsoDate, resumedOn: IsoDate) {
  if (unit === 'working') {
    const paused = calendar.countWorkingDays(pausedOn, resumedOn);
    const moved = calendar.addWorkingDays(due, paused.days);
    return { date: moved.date, provisional: moved.provisional || paused.provisional, pausedDays: paused.days };
  }
  const pausedDays = Math.max(0, Math.round((Date.parse(resumedOn) - Date.parse(pausedOn)) / 86_400_000));
  const moved = calendar.addCalendarDays(addDays(due, 0), pausedDays);
  return { date: moved.date, provisional: moved.provisional, pausedDays };
}

export type ClockLevel = 'normal' | 'warning' | 'overdue';

/**
 * How a running clock looks today: working days left (negative when overdue) and its colour — yellow when
 * `warnPercent` of the time has passed or one working day remains, red when past the due date.
 */
export function clockStatus(calendar: WorkCalendar, clock: { startedOn: IsoDate; dueDate: IsoDate; warnPercent: number }, today: IsoDate) {
  if (today > clock.dueDate) {
    return { level: 'overdue' as ClockLevel, workingDaysLeft: -calendar.countWorkingDays(clock.dueDate, today).days };
  }
  const left = calendar.countWorkingDays(today, clock.dueDate).days;
  const total = Math.max(1, calendar.countWorkingDays(clock.startedOn, clock.dueDate).days);
  const used = total - left;
  const level: ClockLevel = left <= 1 || used * 100 >= total * clock.warnPercent ? 'warning' : 'normal';
  return { level, workingDaysLeft: left };
}
