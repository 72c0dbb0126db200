/**
 * The command centre's figures, defined once for the server (rollups, drill-down) and the web (labels, rates).
 * `docs/INDICATORS.md` states each in words; every figure is counted from cases, never typed in.
 *
 * Each case counts once, at its latest state (its row in `case_stats`): a case reopened after conclusion leaves
 * the period it was first concluded in and counts where it is concluded again.
 */

/** Which of a case's dates puts it in a period (Asia/Shanghai calendar days). */
export const MEASURE_DATES = ['received', 'concluded', 'followed_up', 'escalated'] as const;
export type MeasureDate = (typeof MEASURE_DATES)[number];

/** 小事不出村、大事不出镇、矛盾不上交: the level of the unit that settled the case (docs/LEGAL-BASIS.md §4). */
export const SETTLED_LEVELS = ['village', 'town', 'district'] as const;
export type SettledLevel = (typeof SETTLED_LEVELS)[number];

/**
 * Counted figures: each is a number of cases whose `date` falls in the period — as each case stands now, so `openNow`
 * and `openMassRisk` (received in the period and still open) change as those cases close.
 */
export const MEASURES = {
  received: { date: 'received' },
  accepted: { date: 'received' },
  rejected: { date: 'received' },
  concluded: { date: 'concluded' },
  settled: { date: 'concluded' },
  mediated: { date: 'concluded' },
  agreements: { date: 'concluded' },
  timed: { date: 'concluded' },
  onTime: { date: 'concluded' },
  late: { date: 'concluded' },
  levelVillage: { date: 'concluded' },
  levelTown: { date: 'concluded' },
  levelDistrict: { date: 'concluded' },
  followedUp: { date: 'followed_up' },
  satisfied: { date: 'followed_up' },
  escalated: { date: 'escalated' },
  /** 零上访 of the “三零” board (docs/LEGAL-BASIS.md §6): received in the period and settled above the village or carried up. */
  leftVillage: { date: 'received' },
  /**
   * Received in the period and still open now (status in OPEN_STATUSES), and of those the high-risk or mass ones
   * (风险高 or ≥ MASS_DISPUTE_PEOPLE people). Summed over every period, they are the cockpit's live 在办 and 高风险/群体性
   * figures: read from the rollups, not counted over the open cases at every view (docs/INDICATORS.md).
   */
  openNow: { date: 'received' },
  openMassRisk: { date: 'received' },
} as const satisfies Record<string, { date: MeasureDate }>;
export type Measure = keyof typeof MEASURES;
export const MEASURE_KEYS = Object.keys(MEASURES) as [Measure, ...Measure[]];

/** Rates: numerator ÷ denominator of the same period (each a sum of measures); null when the denominator is 0. */
export const RATES = {
  acceptanceRate: { numerator: ['accepted'], denominator: ['accepted', 'rejected'] },
  settlementRate: { numerator: ['settled'], denominator: ['concluded'] },
  mediationSuccessRate: { numerator: ['agreements'], denominator: ['mediated'] },
  onTimeRate: { numerator: ['onTime'], denominator: ['timed'] },
  satisfactionRate: { numerator: ['satisfied'], denominator: ['followedUp'] },
  /** 小事不出村 */
  villageRate: { numerator: ['levelVillage'], denominator: ['concluded'] },
  /** 大事不出镇: settled in the village or the town */
  townRate: { numerator: ['levelVillage', 'levelTown'], denominator: ['concluded'] },
  /** 矛盾不上交 */
  notCarriedUpRate: { numerator: ['concluded'], denominator: ['concluded', 'escalated'] },
} as const satisfies Record<string, { numerator: readonly Measure[]; denominator: readonly Measure[] }>;
export type Rate = keyof typeof RATES;
export const RATE_KEYS = Object.keys(RATES) as [Rate, ...Rate[]];

export type MeasureCounts = Record<Measure, number>;

export function emptyCounts(): MeasureCounts {
  return Object.fromEntries(MEASURE_KEYS.map((k) => [k, 0])) as MeasureCounts;
}

/** A rate from counted figures, rounded to 0.1 %; null when nothing is in the denominator. */
export function rateOf(counts: MeasureCounts, rate: Rate): number | null {
  const r = RATES[rate];
  const sum = (keys: readonly Measure[]) => keys.reduce((s, k) => s + counts[k], 0);
  const d = sum(r.denominator);
  return d === 0 ? null : Math.round((sum(r.numerator) / d) * 1000) / 10;
}

/** Breakdowns the cockpit draws; each groups received cases by one attribute. */
export const BREAKDOWNS = ['channel', 'kind', 'category', 'unit', 'place'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/** Trend buckets: ISO weeks (Monday first) or calendar months, in Asia/Shanghai. */
export const TREND_GRAINS = ['week', 'month'] as const;
export type TrendGrain = (typeof TREND_GRAINS)[number];

/**
 * The grains the rollups are kept at (PostgreSQL `date_trunc` names): a row's period is its first day. Weeks are ISO
 * weeks (Monday first) and are kept only for the unit rollup, where the weekly trend reads them.
 */
export const ROLLUP_GRAINS = ['day', 'week', 'month', 'year'] as const;
export type RollupGrain = (typeof ROLLUP_GRAINS)[number];

/** The measures kept per category and per channel: what the cockpit's breakdowns and the monthly mediation form show. */
export const BREAKDOWN_MEASURES = [
  'received',
  'concluded',
  'settled',
  'agreements',
  'levelVillage',
  'levelTown',
  'levelDistrict',
] as const satisfies readonly Measure[];
export type BreakdownMeasure = (typeof BREAKDOWN_MEASURES)[number];

/** A case with this many people or more is a mass dispute (群体性) for the risk figure. */
export const MASS_DISPUTE_PEOPLE = 5;
