import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { routingFeedback, routingModels, units as unitsTable } from '../../db/schema.js';
import { tokenize } from '../../lib/chinese-text.js';
import { runExclusive } from '../../lib/scheduled-task.js';
import { AppError } from '../../plugins/errors.js';
import type { Actor } from '../../plugins/auth.js';
import type { CaseKind, Category } from '../../../shared/enums.js';
import type { RoutingFeedbackBody, RoutingModelReport, RoutingSuggestion } from '../../../shared/schemas/learning.js';
import {
  loadRoutingModel,
  suggestWith,
  type LoadedRoutingModel,
  type RoutingHeadReport,
  type RoutingReport,
  type StoredRoutingModel,
} from './routing-model.js';
import { trainInWorker, type TrainingInput } from './train-in-worker.js';

/**
 * How many of a district's most recent labelled cases a training run reads: the recent past is what the next cases
 * resemble, and 100,000 train within the minute the schedule allows on a 2-core machine (bench:learning).
 */
const TRAINING_CASES_MAX = 100_000;

export interface RoutingSettings {
  minPerCategory: number;
  minPerUnit: number;
}

/** The lease name of a district's training: one instance at a time, scheduled or on demand. */
export const trainingTaskName = (districtCode: string) => `routing-train:${districtCode}`;

/**
 * The cases a model learns from: the district's dispatched or concluded ones (imported history included), newest
 * first up to the cap. A case's lead unit is its unit label; kind and category are what staff finally set.
 */
async function loadTrainingCases(db: Db, districtCode: string): Promise<TrainingInput['cases']> {
  const { rows } = await db.execute<{
    summary: string;
    narrative: string;
    kind: string;
    category: string;
    unit_id: string | null;
    at: number;
  }>(sql`
    select summary, narrative, kind, category, lead_unit_id as unit_id, extract(epoch from created_at)::float8 * 1000 as at
    from cases
    where district_code = ${districtCode} and (lead_unit_id is not null or concluded_at is not null)
    order by created_at desc
    limit ${TRAINING_CASES_MAX}`);
  return rows.map((r) => ({
    summary: r.summary,
    narrative: r.narrative,
    kind: r.kind,
    category: r.category,
    unitId: r.unit_id,
    createdAt: Number(r.at),
  }));
}

/**
 * One training run of a district's model, in a worker thread: kept as the next version; it becomes the active model
 * only if it is ready and not worse than the active one on the same held-out recent cases (else `rejected`).
 * Returns null when another instance is training this district right now.
 */
export async function trainDistrictModel(opts: {
  db: Db;
  districtCode: string;
  settings: RoutingSettings;
  trainedBy?: string;
}): Promise<{ version: number; status: string } | null> {
  const { db, districtCode } = opts;
  let result: { version: number; status: string } | null = null;
  const ran = await runExclusive(
    db,
    trainingTaskName(districtCode),
    async () => {
      const started = Date.now();
      const [active] = await db
        .select({ version: routingModels.version, model: routingModels.model })
        .from(routingModels)
        .where(and(eq(routingModels.districtCode, districtCode), eq(routingModels.status, 'active')));
      const cases = await loadTrainingCases(db, districtCode);
      const { model, report } = await trainInWorker({
        cases,
        options: opts.settings,
        previous: (active?.model as StoredRoutingModel | null | undefined) ?? null,
      });
      const isBetter =
        report.ready && (report.previousHeldOutAccuracy === null || report.heldOutAccuracy >= report.previousHeldOutAccuracy - 1e-9);
      const status = !report.ready ? 'not_ready' : isBetter ? 'active' : 'rejected';
      result = await db.transaction(async (tx) => {
        const [{ next }] = (
          await tx.execute<{ next: number }>(
            sql`select coalesce(max(version), 0) + 1 as next from routing_models where district_code = ${districtCode}`,
          )
        ).rows as [{ next: number }];
        if (status === 'active')
          await tx
            .update(routingModels)
            .set({ status: 'retired' })
            .where(and(eq(routingModels.districtCode, districtCode), eq(routingModels.status, 'active')));
        await tx.insert(routingModels).values({
          districtCode,
          version: next,
          status,
          model: status === 'not_ready' ? null : (model as unknown as Record<string, unknown>),
          report: report as unknown as Record<string, unknown>,
          trainedBy: opts.trainedBy ?? null,
          durationMs: Date.now() - started,
        });
        return { version: next, status };
      });
      cache.delete(districtCode);
    },
    { leaseSeconds: 900 },
  );
  return ran ? result : null;
}

/** When a district's model was last trained (null: never): the schedule retrains once this is old enough. */
export async function lastTrainedAt(db: Db, districtCode: string): Promise<Date | null> {
  const [row] = await db
    .select({ at: routingModels.createdAt })
    .from(routingModels)
    .where(eq(routingModels.districtCode, districtCode))
    .orderBy(desc(routingModels.version))
    .limit(1);
  return row?.at ?? null;
}

interface CachedModel {
  version: number | null;
  loaded: LoadedRoutingModel | null;
  units: Map<string, { code: string; name: string }>;
  reason: string | null;
  checkedAt: number;
}

/** The active model of each district in memory; another instance's newer model is noticed within this long. */
const CACHE_CHECK_MS = 15_000;
const cache = new Map<string, CachedModel>();

async function activeModel(db: Db, districtCode: string): Promise<CachedModel> {
  const now = Date.now();
  const held = cache.get(districtCode);
  if (held && now - held.checkedAt < CACHE_CHECK_MS) return held;
  const [active] = await db
    .select({ version: routingModels.version })
    .from(routingModels)
    .where(and(eq(routingModels.districtCode, districtCode), eq(routingModels.status, 'active')));
  if (held && held.version === (active?.version ?? null) && held.version !== null) {
    held.checkedAt = now;
    return held;
  }
  let entry: CachedModel;
  if (active) {
    const [row] = await db
      .select({ model: routingModels.model })
      .from(routingModels)
      .where(and(eq(routingModels.districtCode, districtCode), eq(routingModels.version, active.version)));
    const loaded = loadRoutingModel(row!.model as unknown as StoredRoutingModel);
    const unitIds = loaded.heads.unit?.classes ?? [];
    const units = new Map<string, { code: string; name: string }>();
    if (unitIds.length) {
      const rows = await db
        .select({ id: unitsTable.id, code: unitsTable.code, name: unitsTable.name })
        .from(unitsTable)
        .where(and(eq(unitsTable.districtCode, districtCode), inArray(unitsTable.id, unitIds)));
      for (const u of rows) units.set(u.id, { code: u.code, name: u.name });
    }
    entry = { version: active.version, loaded, units, reason: null, checkedAt: now };
  } else {
    const [latest] = await db
      .select({ report: routingModels.report })
      .from(routingModels)
      .where(eq(routingModels.districtCode, districtCode))
      .orderBy(desc(routingModels.version))
      .limit(1);
    const reason =
      (latest?.report as unknown as RoutingReport | undefined)?.reason ?? '尚未训练建议模型：请管理员在“智能分流”页训练，或等待定时训练';
    entry = { version: null, loaded: null, units: new Map(), reason, checkedAt: now };
  }
  cache.set(districtCode, entry);
  return entry;
}

/** Kind, category and lead unit suggested for what has been typed, from the district's active model. */
export async function suggestRouting(opts: { db: Db; actor: Actor; summary: string; narrative: string }): Promise<RoutingSuggestion> {
  const m = await activeModel(opts.db, opts.actor.districtCode);
  const none = { kind: [], category: [], unit: [], words: [] };
  if (!m.loaded) return { ready: false, reason: m.reason, modelVersion: null, ...none };
  const text = `${opts.summary}\n${opts.narrative}`.trim();
  const { guesses, words } = suggestWith(m.loaded, text ? tokenize(text) : []);
  if (guesses.category.length === 0)
    return { ready: true, reason: '请再多写几句诉求或事实经过：已写的内容里还没有模型认识的词', modelVersion: m.version, ...none };
  return {
    ready: true,
    reason: null,
    modelVersion: m.version,
    kind: guesses.kind.map((g) => ({ value: g.value as CaseKind, confidence: g.confidence })),
    category: guesses.category.map((g) => ({ value: g.value as Category, confidence: g.confidence })),
    unit: guesses.unit.flatMap((g) => {
      const u = m.units.get(g.value);
      return u ? [{ id: g.value, code: u.code, name: u.name, confidence: g.confidence }] : [];
    }),
    words,
  };
}

/** Records whether a shown suggestion was taken. */
export async function recordRoutingFeedback(db: Db, actor: Actor, body: RoutingFeedbackBody): Promise<void> {
  await db.insert(routingFeedback).values({
    districtCode: actor.districtCode,
    modelVersion: body.modelVersion,
    context: body.context,
    isAccepted: body.accepted,
    userId: actor.id,
  });
}

/** The share of shown suggestions staff accepted (all time, per place shown). */
export async function routingAcceptance(db: Db, districtCode: string): Promise<RoutingModelReport['acceptance']> {
  const { rows } = await db.execute<{ context: 'reception' | 'dispatch'; shown: number; accepted: number }>(sql`
    select context, count(*)::int as shown, count(*) filter (where is_accepted)::int as accepted
    from routing_feedback where district_code = ${districtCode} group by context order by context`);
  const shown = rows.reduce((s, r) => s + r.shown, 0);
  const accepted = rows.reduce((s, r) => s + r.accepted, 0);
  return { shown, accepted, share: shown ? accepted / shown : null, byContext: rows };
}

/** The model page: the active model's report (unit ids named), the latest runs, and the accepted share. */
export async function routingModelReport(db: Db, districtCode: string): Promise<RoutingModelReport> {
  const runs = await db
    .select({
      version: routingModels.version,
      status: routingModels.status,
      report: routingModels.report,
      trainedBy: routingModels.trainedBy,
      durationMs: routingModels.durationMs,
      createdAt: routingModels.createdAt,
    })
    .from(routingModels)
    .where(eq(routingModels.districtCode, districtCode))
    .orderBy(desc(routingModels.version))
    .limit(20);
  const present = (r: (typeof runs)[number]) => {
    const report = r.report as unknown as RoutingReport;
    return {
      version: r.version,
      status: r.status,
      createdAt: r.createdAt.toISOString(),
      trainedBy: r.trainedBy,
      durationMs: r.durationMs,
      ready: report.ready,
      reason: report.reason,
      trainedOn: report.trainedOn,
      heldOut: report.heldOut,
      heldOutAccuracy: report.heldOutAccuracy,
      previousHeldOutAccuracy: report.previousHeldOutAccuracy,
    };
  };
  const activeRow = runs.find((r) => r.status === 'active') ?? (await activeRun(db, districtCode));
  let active: RoutingModelReport['active'] = null;
  if (activeRow) {
    const report = activeRow.report as unknown as RoutingReport;
    const unitIds = [...(report.heads.unit?.classes ?? []), ...(report.heads.unit?.tooFew.map((t) => t.label) ?? [])];
    const names = new Map<string, string>();
    if (unitIds.length) {
      const rows = await db
        .select({ id: unitsTable.id, name: unitsTable.name })
        .from(unitsTable)
        .where(and(eq(unitsTable.districtCode, districtCode), inArray(unitsTable.id, unitIds)));
      for (const u of rows) names.set(u.id, u.name);
    }
    const head = (h: RoutingHeadReport | null, named: boolean) =>
      h && {
        ...h,
        names: h.classes.map((c) => (named ? (names.get(c) ?? c) : c)),
        tooFew: h.tooFew.map((t) => ({ ...t, name: named ? (names.get(t.label) ?? t.label) : t.label })),
      };
    active = {
      ...present(activeRow),
      minPerCategory: report.minPerCategory,
      minPerUnit: report.minPerUnit,
      features: report.features,
      heads: { kind: head(report.heads.kind, false), category: head(report.heads.category, false), unit: head(report.heads.unit, true) },
    };
  }
  const latest = runs[0] ? present(runs[0]) : null;
  return {
    ready: !!active,
    reason: active ? null : (latest?.reason ?? '尚未训练建议模型'),
    active,
    runs: runs.map(present),
    acceptance: await routingAcceptance(db, districtCode),
  };
}

async function activeRun(db: Db, districtCode: string) {
  const [row] = await db
    .select({
      version: routingModels.version,
      status: routingModels.status,
      report: routingModels.report,
      trainedBy: routingModels.trainedBy,
      durationMs: routingModels.durationMs,
      createdAt: routingModels.createdAt,
    })
    .from(routingModels)
    .where(and(eq(routingModels.districtCode, districtCode), eq(routingModels.status, 'active')));
  return row;
}

/** On demand (the admin's button): trains now; refused while a training of the district is running. */
export async function trainOnDemand(opts: { db: Db; actor: Actor; settings: RoutingSettings }) {
  const r = await trainDistrictModel({
    db: opts.db,
    districtCode: opts.actor.districtCode,
    settings: opts.settings,
    trainedBy: opts.actor.id,
  });
  if (!r) throw new AppError('ROUTING_TRAINING_RUNNING');
  return r;
}
