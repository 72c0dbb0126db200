import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { uniqueIdNumber, uniquePhone } from '../../../../test/support/identities.js';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import { MEASURE_KEYS } from '../../../shared/indicators.js';
import { connectDatabase } from '../../db/client.js';
import { buildCaseBody, loadActor as loadActorByName } from '../cases/cases.factory.js';
import { actOnCase, actOnCaseWithDetail } from './act-on-case.js';
import type { CaseActionBody } from '../../../shared/schemas/cases.js';
import { findVisibleCaseDetail } from './case-detail.js';
import { recordCaseChange, recordCaseEvent, stepEntry } from './record-case-change.js';
import { rewriteRunningClocks, RUNNING_CLOCKS_JSON } from '../deadlines/case-clocks.js';
import { runDeadlineSweep } from '../supervision/deadline-sweep.js';
import { ASSESS_CONCURRENCY, MAX_DEFER_SECONDS, runRiskAssessments } from '../related/assess-risk.js';
import { backfillSearchIndex } from '../search/case-search-index.js';
import { backfillCaseStats, columnOf, foldCaseStats, rebuildCaseStats } from '../stats/case-stats.js';

/**
 * The one write path (record-case-change.ts): every kind of change moves the version by one, writes its timeline row,
 * and leaves statistics that a recount from the cases reproduces exactly — under concurrency and across a fold that
 * dies half-way. An isolated database: the recount locks the statistics tables and reads every case.
 */
let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  ctx = await startTestApp({ isolated: true });
  for (const u of ['reception', 'dispatcher', 'mediator', 'leader', 'admin']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

const call = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  ctx.app.inject({ method, url, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });
const as = (who: string) => ({ cookie: cookies[who]!, readerCookie: cookies.dispatcher! });
const register = async (body = buildCaseBody()) => {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; version: number; parties: { id: string }[] };
};
const detail = async (id: string) =>
  (await call('dispatcher', 'GET', `/api/cases/${id}`)).json() as { version: number; timeline: { action: string }[]; riskLevel: string };

let sfs: string;
async function inMediation(body = buildCaseBody()) {
  sfs ??= (await ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
  const c = await register(body);
  await actOnCaseOk(ctx.app, as('dispatcher'), c.id, { action: 'accept' });
  await actOnCaseOk(ctx.app, as('dispatcher'), c.id, { action: 'dispatch', leadUnitId: sfs });
  await actOnCaseOk(ctx.app, as('mediator'), c.id, { action: 'start' });
  return c;
}

interface PlanNode {
  'Relation Name'?: string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}
/** Every node of an EXPLAIN (FORMAT JSON) plan. */
const planNodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(planNodes)];

/** Moves the version by exactly one and adds exactly one timeline row `action`. */
async function expectOneChange(id: string, action: string, change: () => Promise<unknown>) {
  const before = await detail(id);
  await change();
  const after = await detail(id);
  expect(after.version, action).toBe(before.version + 1);
  expect(after.timeline.length, action).toBe(before.timeline.length + 1);
  expect(after.timeline.at(-1)!.action).toBe(action);
}

const KEYS = {
  case_stats_units: 'grain, period, unit_id, kind',
  case_stats_breakdown: 'grain, period, unit_id, kind, dimension, key',
} as const;
/** Every rollup row that counts something, and every case's statistics row, in a stable order. */
async function statistics() {
  const nonZero = (columns: string[]) => columns.map((c) => `${c} <> 0`).join(' or ');
  const units = await ctx.database.pool.query(
    `select * from case_stats_units where ${nonZero(MEASURE_KEYS.map(columnOf))} order by ${KEYS.case_stats_units}`,
  );
  const breakdown = await ctx.database.pool.query(
    `select * from case_stats_breakdown where ${nonZero(['received', 'concluded', 'settled'])} order by ${KEYS.case_stats_breakdown}`,
  );
  const rows = await ctx.database.pool.query('select * from case_stats order by case_id');
  return { units: units.rows, breakdown: breakdown.rows, cases: rows.rows };
}

/** What the incremental upkeep left (pending changes folded in) is exactly what a recount from the cases finds. */
async function expectStatisticsExact() {
  await ctx.settle();
  const kept = await statistics();
  await rebuildCaseStats(ctx.database.db, '410871');
  expect(await statistics()).toEqual(kept);
}

describe('the one write path', () => {
  it('every formerly hand-written change moves the version by one, writes one timeline row, and keeps the statistics exact', async () => {
    // Mediation sessions: scheduled, then held (an hour ago).
    const m = await inMediation();
    let sessionId = '';
    await expectOneChange(m.id, 'session_scheduled', async () => {
      const res = await call('mediator', 'POST', `/api/cases/${m.id}/sessions`, {
        scheduledAt: new Date(Date.now() - 3_600_000).toISOString(),
        room: '调解室（一）',
        mediatorNames: '赵敏',
        invitedPartyIds: m.parties.map((p) => p.id),
      });
      expect(res.statusCode, res.body).toBe(201);
      sessionId = res.json().id;
    });
    await expectOneChange(m.id, 'session_held', async () => {
      const res = await call('mediator', 'PUT', `/api/cases/${m.id}/sessions/${sessionId}/record`, {
        rightsNote: '已告知',
        record: '调解笔录',
        statements: [],
        attendedPartyIds: [m.parties[0]!.id],
        outcome: 'continue',
      });
      expect(res.statusCode, res.body).toBe(200);
    });
    // The agreement: finalised.
    await call('mediator', 'PUT', `/api/cases/${m.id}/agreement`, {
      form: 'written',
      subjectMatter: 'wages',
      facts: '申请人在被申请人处务工，被拖欠工资。',
      disputedMatters: '应否支付拖欠工资。',
      responsibilities: '被申请人应承担支付责任。',
      terms: [{ text: '支付工资12000元', method: '银行转账', dueDate: addDays(shanghaiDate(new Date()), 14) }],
    });
    await expectOneChange(m.id, 'agreement_finalize', async () =>
      expect((await call('mediator', 'POST', `/api/cases/${m.id}/agreement/finalize`)).statusCode).toBe(200),
    );
    // The police referral raises the risk on the same row.
    await expectOneChange(m.id, 'police_referral', async () =>
      expect((await call('mediator', 'POST', `/api/cases/${m.id}/refer-police`, { reason: '双方发生推搡' })).statusCode).toBe(200),
    );
    expect((await detail(m.id)).riskLevel).toBe('high');

    // A petition reply.
    const p = await inMediation(
      buildCaseBody({
        kind: 'petition',
        category: 'land_acquisition',
        parties: [{ role: 'applicant', type: 'person', name: '高老汉', idNumber: uniqueIdNumber() }],
      }),
    );
    await expectOneChange(p.id, 'petition_reply', async () => {
      const res = await call('mediator', 'POST', `/api/cases/${p.id}/petition-replies`, {
        stage: 'reply',
        request: '补发补偿款',
        factsAndReasons: '已足额发放',
        decision: 'explain',
        legalBasis: '《信访工作条例》第三十二条',
      });
      expect(res.statusCode, res.body).toBe(201);
    });

    // Package membership: the case joins a package.
    const [k, k2] = [await register(), await register()];
    await expectOneChange(k.id, 'package_add', async () => {
      const res = await call('dispatcher', 'POST', '/api/packages', {
        name: `一揽子 ${randomUUID().slice(0, 4)}`,
        leadUnitId: sfs,
        coUnitIds: [],
        handlerId: null,
        deadline: null,
        caseIds: [k.id, k2!.id],
      });
      expect(res.statusCode, res.body).toBe(201);
    });

    // A risk signal, written a moment after registration by the assessment task.
    const r = await register(
      buildCaseBody({
        narrative: '拖欠工资半年，申请人扬言再不解决就去跳楼。',
        parties: [{ role: 'applicant', type: 'person', name: '钱七', phone: uniquePhone() }],
      }),
    );
    await expectOneChange(r.id, 'risk_signal', () => ctx.settle());

    // The sweep's automatic escalation of a long-overdue handling clock.
    const e = await inMediation();
    await ctx.database.pool.query(`update case_clocks set started_on = $1, due_date = $2 where case_id = $3 and stage = 'handling'`, [
      addDays(shanghaiDate(new Date()), -40),
      addDays(shanghaiDate(new Date()), -20),
      e.id,
    ]);
    await expectOneChange(e.id, 'auto_escalate', async () =>
      expect(
        (await runDeadlineSweep({ db: ctx.database.db, calendar: await ctx.app.deps.calendar.get(), escalateAfterWorkingDays: 3 }))
          .escalations,
      ).toBeGreaterThanOrEqual(1),
    );

    await expectStatisticsExact();
  });

  it('200 concurrent registrations and steps, with folds running meanwhile, leave figures identical to a recount', async () => {
    const base = await Promise.all(Array.from({ length: 40 }, () => register()));
    let folding = true;
    const folder = (async () => {
      while (folding) await foldCaseStats(ctx.database.db, { batchSize: 7 });
    })();
    const leader = { ...as('dispatcher') };
    const steps = base.map(async (c, i) => {
      await actOnCaseOk(ctx.app, leader, c.id, {
        action: i % 5 === 0 ? 'reject' : 'accept',
        ...(i % 5 === 0 ? { reason: '不属于受理范围' } : {}),
      });
      if (i % 5 === 0) return;
      await actOnCaseOk(ctx.app, leader, c.id, { action: 'dispatch', leadUnitId: sfs });
      await actOnCaseOk(ctx.app, as('mediator'), c.id, { action: 'start' });
      if (i % 2 === 0)
        await actOnCaseOk(ctx.app, as('mediator'), c.id, {
          action: 'conclude',
          outcome: i % 4 === 0 ? 'agreement' : 'no_agreement',
          note: '已办结',
        });
    });
    await Promise.all([...steps, ...Array.from({ length: 40 }, () => register())]);
    folding = false;
    await folder;
    // 80 registrations and 40 cases' steps (about 120 of them) ran at once.
    expect(
      (
        await ctx.database.pool.query(
          "select count(*)::int as n from case_events where action in ('accept', 'reject', 'dispatch', 'start', 'conclude')",
        )
      ).rows[0].n,
    ).toBeGreaterThanOrEqual(120);
    await expectStatisticsExact();
  });

  it('a fold that dies half-way loses and repeats nothing: the figures read meanwhile and after are exact', async () => {
    for (let i = 0; i < 6; i++) await register();
    await actOnCaseOk(ctx.app, as('dispatcher'), (await register()).id, { action: 'accept' });
    const today = shanghaiDate(new Date());
    const cockpit = async () => {
      const res = await call('leader', 'GET', `/api/stats/cockpit?from=${today.slice(0, 4)}-01-01&to=${today}`);
      expect(res.statusCode, res.body).toBe(200);
      const { counts, byUnit, byCategory, byChannel, trend } = res.json();
      return { counts, byUnit, byCategory, byChannel, trend };
    };
    const pending = async () => Number((await ctx.database.pool.query('select count(*)::int as n from case_stats_pending')).rows[0].n);
    const before = await cockpit();
    expect(await pending()).toBeGreaterThan(0);
    // The fold moves one batch, then its process dies before the commit.
    await expect(
      foldCaseStats(ctx.database.db, { batchSize: 2, afterBatch: () => Promise.reject(new Error('killed mid-batch')) }),
    ).rejects.toThrow('killed mid-batch');
    expect(await pending()).toBeGreaterThan(0);
    expect(await cockpit()).toEqual(before);
    // The next fold moves everything once; a recount agrees with what was shown all along.
    await foldCaseStats(ctx.database.db);
    expect(await pending()).toBe(0);
    expect(await cockpit()).toEqual(before);
    await rebuildCaseStats(ctx.database.db, '410871');
    expect(await cockpit()).toEqual(before);
  });

  it('the start-up backfills run beside registrations and steps without waiting on them, deadlocking or missing a case', async () => {
    // Older cases, as after an upgrade or a bulk load: rows in `cases` with no statistics row and no search vector yet.
    const template = await register();
    const { rows: older } = await ctx.database.pool.query<{ id: string }>(
      `insert into cases (district_code, code, tracking_token, channel, kind, category, summary, narrative, people_involved, risk_level, difficulty,
         unit_id, unit_path, registered_by, status, created_at, updated_at)
       select district_code, code || '-B' || g, tracking_token || g, channel, kind, category, summary, narrative, people_involved, risk_level, difficulty,
         unit_id, unit_path, registered_by, 'registered', created_at, updated_at
       from cases, generate_series(1, 30) g where id = $1
       returning id`,
      [template.id],
    );
    const [filledSearch, filledStats] = await Promise.all([
      backfillSearchIndex(ctx.database.db, ctx.app.deps.crypto, 3),
      backfillCaseStats(ctx.database.db, 3),
      ...older.map((c, i) => (i % 2 ? actOnCaseOk(ctx.app, as('dispatcher'), c.id, { action: 'accept' }) : register())),
    ]);
    expect(filledSearch + filledStats).toBeGreaterThan(0);
    // Whatever a backfill skipped because a request held it, the next round (the next start) fills.
    await backfillCaseStats(ctx.database.db);
    await backfillSearchIndex(ctx.database.db, ctx.app.deps.crypto);
    const missing = await ctx.database.pool.query(
      `select count(*)::int as n from cases c where not exists (select 1 from case_stats s where s.case_id = c.id) or not exists (select 1 from case_search s where s.case_id = c.id)`,
    );
    expect(missing.rows[0].n).toBe(0);
    await expectStatisticsExact();
  });

  it('steps never wait for a second pooled connection while holding one: more concurrent steps than connections, caches cold', async () => {
    // A database handle of its own with two connections (its caches of rules and units start empty).
    const small = connectDatabase(ctx.database.pool.options.connectionString!, 2);
    try {
      const dispatcher = await loadActorByName(small.db, 'dispatcher');
      const fresh = await Promise.all(Array.from({ length: 8 }, () => register()));
      const calendar = await ctx.app.deps.calendar.get();
      const steps = fresh.map(async (c) => {
        await actOnCase({
          db: small.db,
          calendar,
          actor: dispatcher,
          caseId: c.id,
          body: { action: 'accept', expectedVersion: c.version },
        });
        return actOnCase({
          db: small.db,
          calendar,
          actor: dispatcher,
          caseId: c.id,
          body: { action: 'dispatch', expectedVersion: c.version + 1, leadUnitId: sfs },
        });
      });
      expect((await Promise.all(steps)).map((r) => r.status)).toEqual(fresh.map(() => 'dispatched'));
    } finally {
      await small.close();
    }
  });

  it('a burst of requests defers the risk assessments, never past MAX_DEFER_SECONDS, and each case is still assessed once', async () => {
    const threat = () =>
      register(
        buildCaseBody({
          narrative: '讨薪无果，申请人扬言要跳楼。',
          parties: [{ role: 'applicant', type: 'person', name: '孙八', phone: uniquePhone() }],
        }),
      );
    await ctx.settle();
    const [fresh, waited] = [await threat(), await threat()];
    await ctx.database.pool.query(`update case_assessments set queued_at = now() - make_interval(secs => $1) where case_id = $2`, [
      MAX_DEFER_SECONDS,
      waited.id,
    ]);
    const queued = async () =>
      (await ctx.database.pool.query(`select case_id from case_assessments where case_id = any($1)`, [[fresh.id, waited.id]])).rows.map(
        (r) => r.case_id,
      );
    // Busy: only the one that has waited its time is assessed; the fresh one stays queued, unassessed.
    expect(await runRiskAssessments({ db: ctx.database.db, crypto: ctx.app.deps.crypto, isBusy: () => true })).toBe(1);
    expect(await queued()).toEqual([fresh.id]);
    expect((await detail(waited.id)).riskLevel).toBe('high');
    expect((await detail(fresh.id)).riskLevel).toBe('low');
    // The burst over: the rest, once.
    expect(await runRiskAssessments({ db: ctx.database.db, crypto: ctx.app.deps.crypto, isBusy: () => false })).toBe(1);
    expect(await queued()).toEqual([]);
    for (const c of [fresh, waited]) expect((await detail(c.id)).timeline.filter((e) => e.action === 'risk_signal')).toHaveLength(1);
  });

  it('a batch assessed side by side: each case once, its own signal on its own timeline, the statistics equal to a recount', async () => {
    await ctx.settle();
    const threats = await Promise.all(
      Array.from({ length: 2 * ASSESS_CONCURRENCY + 1 }, () =>
        register(
          buildCaseBody({
            narrative: '工资拖欠半年，申请人扬言要跳楼。',
            parties: [{ role: 'applicant', type: 'person', name: '钱九', phone: uniquePhone() }],
          }),
        ),
      ),
    );
    const plain = await register();
    const queued = await ctx.database.pool.query(`select count(*)::int as n from case_assessments where case_id = any($1)`, [
      [...threats, plain].map((c) => c.id),
    ]);
    expect(queued.rows[0].n).toBe(threats.length + 1);
    expect(await runRiskAssessments({ db: ctx.database.db, crypto: ctx.app.deps.crypto, isBusy: () => false })).toBe(threats.length + 1);
    for (const c of threats) {
      const d = await detail(c.id);
      expect(d.riskLevel).toBe('high');
      expect(d.version).toBe(c.version + 1);
      expect(d.timeline.filter((e) => e.action === 'risk_signal')).toHaveLength(1);
    }
    expect((await detail(plain.id)).timeline.filter((e) => e.action === 'risk_signal')).toHaveLength(0);
    const left = await ctx.database.pool.query(`select count(*)::int as n from case_assessments where case_id = any($1)`, [
      [...threats, plain].map((c) => c.id),
    ]);
    expect(left.rows[0].n).toBe(0);
    await expectStatisticsExact();
  });

  it("a step reads its own case's clocks only, however many the district has (its plan fixed before it knew the case)", async () => {
    const [c, other] = [await register(), await register()];
    const calendar = await ctx.app.deps.calendar.get();
    const done = new Error("rolled back: the clocks added are this test's alone");
    const counted = ctx.database.db.transaction(async (tx) => {
      // A thousand more cases with their clocks, the statistics told, and the plan that does not know which case it is for.
      await tx.execute(
        sql`with copies as (
          insert into cases select (jsonb_populate_record(c, jsonb_build_object('id', gen_random_uuid(), 'code', c.code || '-' || g,
            'tracking_token', md5(random()::text), 'idempotency_key', null))).*
          from cases c, generate_series(1, 3000) g where c.id = ${other.id}
          returning id
        )
        insert into case_clocks select (jsonb_populate_record(k, jsonb_build_object('id', gen_random_uuid(), 'case_id', copies.id))).*
        from case_clocks k, copies where k.case_id = ${other.id} and k.stopped_at is null`,
      );
      await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
      const read = async () =>
        Number(
          (
            await tx.execute<{ n: string }>(
              sql`select pg_stat_get_xact_tuples_fetched('case_clocks'::regclass) + pg_stat_get_xact_tuples_returned('case_clocks'::regclass)
                + (select sum(pg_stat_get_xact_tuples_returned(i.indexrelid)) from pg_index i where i.indrelid = 'case_clocks'::regclass) as n`,
            )
          ).rows[0]!.n,
        );
      const before = await read();
      await recordCaseChange({
        db: ctx.database.db,
        within: tx,
        calendar,
        districtCode: '410871',
        caseId: c.id,
        author: { id: null, displayName: '测试' },
        decide: async ({ row }) => ({
          set: { status: 'accepted' },
          events: [stepEntry('accept', row.status, 'accepted', null, {})],
          clockSteps: ['accept'],
        }),
      });
      // The case's own clocks, read a few times (the lock, the update, the detail): nowhere near the thousand.
      expect((await read()) - before).toBeLessThan(50);
      // The optimistic step's read of the running clocks in the generic plan that serves every case, with the
      // statistics a busy day leaves (the thousands just added not yet analysed): each lookup reads the case's clocks, a few pages, not the district's running clocks (on PostgreSQL
      // 15 the running-by-due-date index was walked through: 32 pages per lookup beside 3,000 cases).
      await tx.execute(
        sql.raw(`prepare fq_test_running_clocks(text, uuid) as select ${RUNNING_CLOCKS_JSON} as running
          from cases c where c.district_code = $1 and c.id = $2`),
      );
      for (let i = 0; i < 6; i++) await tx.execute(sql.raw(`execute fq_test_running_clocks('410871', '${c.id}')`));
      const [explained] = (
        await tx.execute<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          sql.raw(`explain (analyze, buffers, format json) execute fq_test_running_clocks('410871', '${c.id}')`),
        )
      ).rows;
      // Prepared statements outlive the transaction: not left on the pool's connection.
      await tx.execute(sql.raw(`deallocate fq_test_running_clocks`));
      const clockScans = planNodes(explained!['QUERY PLAN'][0].Plan).filter((n) => n['Relation Name'] === 'case_clocks');
      expect(clockScans).toHaveLength(1);
      for (const scan of clockScans)
        expect(scan['Shared Hit Blocks'] + scan['Shared Read Blocks'], JSON.stringify(scan)).toBeLessThanOrEqual(8);
      throw done;
    });
    await expect(counted).rejects.toBe(done);
  });

  describe('a step tried as one statement on the unlocked row (optimistic)', () => {
    const author = { id: null, displayName: '测试' };
    /** Accepts the case through the write path; `meanwhile` runs once, between the unlocked read and the write. */
    const acceptWith = async (caseId: string, meanwhile: () => Promise<unknown>, expectedVersion?: number) => {
      let decided = 0;
      const result = await recordCaseChange({
        db: ctx.database.db,
        calendar: await ctx.app.deps.calendar.get(),
        districtCode: '410871',
        caseId,
        author,
        expectedVersion,
        optimistic: true,
        decide: async ({ row }) => {
          if (decided++ === 0) await meanwhile();
          return {
            set: { status: 'accepted' },
            events: [stepEntry('accept', row.status, 'accepted', null, {})],
            clockSteps: ['accept'],
          };
        },
      });
      return { result, decided };
    };
    /** Another change of the case, committed in its own transaction: a note on its timeline. */
    const noteMeanwhile = (caseId: string) =>
      ctx.database.db.transaction((tx) =>
        recordCaseEvent({
          db: ctx.database.db,
          within: tx,
          districtCode: '410871',
          caseId,
          author,
          event: { action: 'note', reason: '其间的记录' },
        }),
      );
    const timeline = async (caseId: string) =>
      (await ctx.database.pool.query(`select action from case_events where case_id = $1 order by id`, [caseId])).rows.map((r) => r.action);

    it('writes nothing when another change came in between, and makes the change on the case as it is now', async () => {
      const c = await register();
      const { result, decided } = await acceptWith(c.id, () => noteMeanwhile(c.id));
      // Decided twice: on the row as read (its statement wrote nothing), then on the locked row.
      expect(decided).toBe(2);
      expect(result.previous.version).toBe(c.version + 1);
      expect(result.row.version).toBe(c.version + 2);
      expect((await detail(c.id)).version).toBe(c.version + 2);
      expect(await timeline(c.id)).toEqual(['register', 'note', 'accept']);
      await expectStatisticsExact();
    });

    it('answers CASE_VERSION_CONFLICT to a user who saw the version another change has since moved, writing nothing', async () => {
      const c = await register();
      const before = await statistics();
      await expect(acceptWith(c.id, () => noteMeanwhile(c.id), c.version)).rejects.toMatchObject({ code: 'CASE_VERSION_CONFLICT' });
      expect(await timeline(c.id)).toEqual(['register', 'note']);
      const { rows } = await ctx.database.pool.query(`select status from cases where id = $1`, [c.id]);
      expect(rows[0].status).toBe('registered');
      await ctx.settle();
      expect((await statistics()).cases.find((r) => r.case_id === c.id)).toEqual(before.cases.find((r) => r.case_id === c.id));
    });

    it('does not write over running clocks a recomputation rewrote in between (which leaves the version as it was)', async () => {
      const c = await register();
      const due = async () =>
        (await ctx.database.pool.query(`select due_date::text as d from case_clocks where case_id = $1 and stage = 'acceptance'`, [c.id]))
          .rows[0].d as string;
      const original = await due();
      const { decided } = await acceptWith(c.id, () =>
        rewriteRunningClocks({
          db: ctx.database.db,
          districtCode: '410871',
          candidates: sql`k.case_id = ${c.id}`,
          rewrite: (k) => ({ ...k, dueDate: addDays(k.dueDate, 1) }),
        }),
      );
      expect(decided).toBe(2);
      // The acceptance clock stopped by the step keeps the due date rewritten meanwhile, not the one first read.
      expect(await due()).toBe(addDays(original, 1));
      expect(await timeline(c.id)).toEqual(['register', 'accept']);
      await expectStatisticsExact();
    });

    it('is planned once per connection, generically, from its first call (not five custom plans first), as the case page read', async () => {
      // A database handle of its own: its connections for such statements (two) start with nothing prepared.
      const small = connectDatabase(ctx.database.pool.options.connectionString!, 2);
      try {
        const calendar = await ctx.app.deps.calendar.get();
        const dispatcher = await loadActorByName(small.db, 'dispatcher');
        for (const c of await Promise.all(Array.from({ length: 6 }, () => register()))) {
          const result = await recordCaseChange({
            db: small.db,
            calendar,
            districtCode: '410871',
            caseId: c.id,
            author,
            optimistic: true,
            decide: async ({ row }) => ({
              set: { status: 'accepted' },
              events: [stepEntry('accept', row.status, 'accepted', null, {})],
              clockSteps: ['accept'],
            }),
          });
          expect(result.row.status).toBe('accepted');
          // And the case page's read, as a dispatcher opens it after the step.
          expect((await findVisibleCaseDetail({ db: small.db, actor: dispatcher, caseId: c.id })).row.version).toBe(result.row.version);
        }
        // Every connection the statements could have run on, held at once, tells what it prepared and planned.
        const clients = await Promise.all([small.planOncePool.connect(), small.planOncePool.connect()]);
        try {
          const plans = { custom: 0, generic: 0, calls: 0 };
          for (const client of clients) {
            const { rows } = await client.query<{ custom: number; generic: number }>(
              `select custom_plans::int as custom, generic_plans::int as generic from pg_prepared_statements where name in ('fq_read_case_to_change', 'fq_case_change_stats_410871_if_unchanged', 'fq_case_with_detail')`,
            );
            for (const r of rows) {
              plans.custom += r.custom;
              plans.generic += r.generic;
              plans.calls++;
            }
          }
          expect(plans.calls).toBeGreaterThan(0);
          expect(plans.custom).toBe(0);
          expect(plans.generic).toBeGreaterThanOrEqual(18);
        } finally {
          for (const client of clients) client.release();
        }
      } finally {
        await small.close();
      }
    });
  });

  describe('a step on a case this process has just read or changed (recent-cases.ts)', () => {
    /** A database handle of its own, as another instance of the platform: its own remembered cases, its own connections. */
    async function withInstance(
      run: (db: ReturnType<typeof connectDatabase>['db'], small: ReturnType<typeof connectDatabase>) => Promise<void>,
    ) {
      const small = connectDatabase(ctx.database.pool.options.connectionString!, 2);
      try {
        await run(small.db, small);
      } finally {
        await small.close();
      }
    }
    const step = async (db: ReturnType<typeof connectDatabase>['db'], caseId: string, body: CaseActionBody) =>
      actOnCaseWithDetail({
        db,
        calendar: await ctx.app.deps.calendar.get(),
        actor: await loadActorByName(db, 'dispatcher'),
        caseId,
        body,
      });
    const page = async (db: ReturnType<typeof connectDatabase>['db'], caseId: string) =>
      findVisibleCaseDetail({ db, actor: await loadActorByName(db, 'dispatcher'), caseId });
    const state = async (caseId: string) => {
      const { rows } = await ctx.database.pool.query(
        `select c.status, c.version, (select array_agg(action order by id) from case_events e where e.case_id = c.id) as timeline,
           (select array_agg(stage || ':' || due_date::text || ':' || (stopped_at is null) order by stage) from case_clocks k where k.case_id = c.id) as clocks
         from cases c where c.id = $1`,
        [caseId],
      );
      return rows[0] as { status: string; version: number; timeline: string[]; clocks: string[] };
    };

    it('reads nothing before its write after the case page, nor before the next step: and writes what a read would have', async () => {
      sfs ??= (await ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
      const c = await register();
      await withInstance(async (db, small) => {
        const shown = await page(db, c.id);
        const accepted = await step(db, c.id, { action: 'accept', expectedVersion: shown.row.version });
        const dispatched = await step(db, c.id, { action: 'dispatch', leadUnitId: sfs, expectedVersion: accepted.row.version });
        expect(dispatched.row.version).toBe(c.version + 2);
        // Both steps' statements ran on the connections that plan once; the read that precedes a step never did.
        const clients = await Promise.all([small.planOncePool.connect(), small.planOncePool.connect()]);
        const runs: Record<string, number> = {};
        try {
          for (const client of clients) {
            const { rows } = await client.query<{ name: string; n: number }>(
              `select name, (generic_plans + custom_plans)::int as n from pg_prepared_statements where name like 'fq_%'`,
            );
            for (const r of rows) runs[r.name] = (runs[r.name] ?? 0) + r.n;
          }
        } finally {
          for (const client of clients) client.release();
        }
        expect(runs).toEqual({ fq_case_with_detail: 1, fq_case_change_stats_410871_detail_if_unchanged: 2 });
        // The answer and the stored case agree with what a step that read first writes (the clocks moved by both steps).
        const stored = await state(c.id);
        expect(stored).toMatchObject({ status: 'dispatched', version: c.version + 2, timeline: ['register', 'accept', 'dispatch'] });
        expect(dispatched.parts.clocks.map((k) => `${k.stage}:${k.dueDate}:${k.stoppedAt === null}`).sort()).toEqual(stored.clocks);
      });
      await expectStatisticsExact();
    });

    it('a case another instance changed meanwhile is judged again as it is, never written from memory', async () => {
      sfs ??= (await ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
      const c = await register();
      await withInstance(async (db) => {
        await page(db, c.id);
        // Another instance accepts it; the user here saw that (the version it moved to).
        const elsewhere = await actOnCase({
          db: ctx.database.db,
          calendar: await ctx.app.deps.calendar.get(),
          actor: await loadActorByName(ctx.database.db, 'dispatcher'),
          caseId: c.id,
          body: { action: 'accept', expectedVersion: c.version },
        });
        // As remembered here the case is still registered at the older version: judged on that, this would be a conflict.
        const dispatched = await step(db, c.id, { action: 'dispatch', leadUnitId: sfs, expectedVersion: elsewhere.version });
        expect(dispatched.row.version).toBe(elsewhere.version + 1);
      });
      expect(await state(c.id)).toMatchObject({
        status: 'dispatched',
        version: c.version + 2,
        timeline: ['register', 'accept', 'dispatch'],
      });
      await expectStatisticsExact();
    });

    it('does not write back the clocks it remembers over a recomputation (which leaves the version as it was)', async () => {
      const c = await register();
      const acceptance = async () => (await state(c.id)).clocks.find((k) => k.startsWith('acceptance:'))!;
      const original = (await acceptance()).split(':')[1]!;
      await withInstance(async (db) => {
        await page(db, c.id);
        await rewriteRunningClocks({
          db: ctx.database.db,
          districtCode: '410871',
          candidates: sql`k.case_id = ${c.id}`,
          rewrite: (k) => ({ ...k, dueDate: addDays(k.dueDate, 1) }),
        });
        await step(db, c.id, { action: 'accept', expectedVersion: c.version });
      });
      // Stopped by the step with the due date the recomputation wrote, not the one remembered from the page.
      expect(await acceptance()).toBe(`acceptance:${addDays(original, 1)}:false`);
      await expectStatisticsExact();
    });
  });

  it('is the only code that writes timeline rows or moves a case version', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) =>
        statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') && !f.endsWith('.test.ts') ? [join(dir, f)] : [],
      );
    const writers = files(join(root, 'server'))
      .filter((f) => /insert\(caseEvents\)|insert into case_events|cases\.version\}? \+ 1|version: sql/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(writers).toEqual(['server/modules/case-access/record-case-change.ts']);
  });
});
