/**
 * `npx tsx bench/online.bench.ts [-- --sessions 50 --seconds 10 --rate 10 --json out.json]`
 *
 * Online mediation's signalling (docs/ONLINE-MEDIATION.md) against a separate server process over real HTTP and
 * WebSockets: S online sessions, each with its mediator and two parties.
 *  - joinSession: a party's join (link + SMS code → participant token, `joinOnlineSession`), then the signalling
 *    WebSocket opened until its `welcome` — what signalling adds to a join;
 *  - signal: one relayed message (a party → its mediator, through the platform), while every session signals at once
 *    (each session's first party at `--rate` messages a second; `--rate 0` floods, to find the relay's ceiling);
 *  - health during the signalling load against idle: the other requests must not slow down (ratio of p95s).
 * The SMS codes are made known to the bench by writing a code's keyed hash into the verification (the bench holds the
 * key), since no phone receives them. Uses the embedded PostgreSQL unless DATABASE_URL is set.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import WebSocket from 'ws';
import { addDays, shanghaiDate } from '../src/shared/calendar.js';
import { connectDatabase, runMigrations } from '../src/server/db/client.js';
import { startEmbeddedDatabase } from '../src/server/db/embedded.js';
import { seedDemoData } from '../src/server/db/seed-demo.js';
import { createPersonalDataCrypto } from '../src/server/lib/personal-data-crypto.js';
import { buildCaseBody } from '../src/server/modules/cases/cases.factory.js';
import { cpuSeconds, http, load, percentile, report, startBenchServer, writeJsonReport, type Result } from './support.js';

const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
    // Messages per second each party sends its mediator. A real negotiation is an offer, an answer and a few dozen
    // ICE candidates in its first seconds, then almost nothing: 10/s for the whole run is well above that. 0 = as
    // fast as each party's previous message is relayed (a flood, to find the relay's ceiling).
    rate: { type: 'string', default: '10' },
    json: { type: 'string' },
  },
});
const S = Number(args.sessions);
const SECONDS = Number(args.seconds);
const RATE = Number(args.rate);
const KEY = Buffer.alloc(32, 11);
const log = pino({ level: 'warn' });
const crypto = createPersonalDataCrypto(KEY);

/** A mobile number of its own for each party (the per-phone code limits are not what is measured). */
let phoneSeq = 0;
const phone = () => `139${String(Date.now() % 10_000).padStart(4, '0')}${String(phoneSeq++).padStart(4, '0')}`;

interface Socket {
  ws: WebSocket;
  next(type: string): Promise<Record<string, unknown>>;
  onSignal?: (data: { n: number }) => void;
}

function open(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const waiting = new Map<string, (m: Record<string, unknown>) => void>();
    const seen = new Map<string, Record<string, unknown>>();
    const socket: Socket = {
      ws,
      next: (type) =>
        seen.has(type) ? Promise.resolve(seen.get(type)!) : new Promise((r) => waiting.set(type, (m) => (seen.delete(type), r(m)))),
    };
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as Record<string, unknown> & { type: string };
      if (m.type === 'signal') return socket.onSignal?.(m.data as { n: number });
      const w = waiting.get(m.type);
      if (!w) return void seen.set(m.type, m);
      waiting.delete(m.type);
      w(m);
    });
    ws.on('open', () => resolve(socket));
    ws.on('error', reject);
  });
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-bench-online-'));
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedDatabase({ dataDir: join(dataDir, 'db'), log, database: 'fengqiao_bench' });
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const database = connectDatabase(url, 10);
  await runMigrations(database.pool);
  await seedDemoData({ db: database.db, log });
  process.env.PUBLIC_BASE_URL = 'https://fq.example.gov.cn';
  process.env.PORTAL_RATE_LIMIT = '100000';
  const server = await startBenchServer({ url, dataDir, key: KEY });
  const { base } = server;
  const wsBase = base.replace(/^http/, 'ws');
  const reception = await server.signIn('reception');
  const dispatcher = await server.signIn('dispatcher');
  const mediator = await server.signIn('mediator');
  const sfs = (await database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
  const call = async (cookie: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const json = res.status === 204 ? null : await res.json();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  // S cases in mediation, each with a session opened online by the mediator.
  console.log(`${S} online sessions, ${SECONDS} s of signalling`);
  const sessions: { caseId: string; sessionId: string; mediator: Socket; mediatorId: string; phones: string[] }[] = [];
  for (let s = 0; s < S; s++) {
    const phones: [string, string] = [phone(), phone()];
    const created = await fetch(`${base}/api/cases`, {
      method: 'POST',
      headers: { cookie: reception, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(
        buildCaseBody({
          summary: `线上调解压测 ${s}`,
          parties: [
            { role: 'applicant', type: 'person', name: '申请人', phone: phones[0] },
            { role: 'respondent', type: 'person', name: '被申请人', phone: phones[1] },
          ],
        }),
      ),
    });
    const c = await created.json();
    if (created.status !== 201) throw new Error(JSON.stringify(c));
    for (const [who, body] of [
      [dispatcher, { action: 'accept' }],
      [dispatcher, { action: 'dispatch', leadUnitId: sfs }],
      [mediator, { action: 'start' }],
    ] as const) {
      const version = (await call(dispatcher, 'GET', `/api/cases/${c.id}`)).version;
      await call(who, 'POST', `/api/cases/${c.id}/actions`, { ...body, expectedVersion: version });
    }
    const session = await call(mediator, 'POST', `/api/cases/${c.id}/sessions`, {
      scheduledAt: `${addDays(shanghaiDate(new Date()), 1)}T10:00:00+08:00`,
      room: '线上调解室',
      mediatorNames: '赵敏',
      invitedPartyIds: c.parties.map((p: { id: string }) => p.id),
      isPublic: false,
    });
    const started = await call(mediator, 'POST', `/api/cases/${c.id}/sessions/${session.id}/online`, {});
    const socket = await open(`${wsBase}/api/public/online/sessions/${session.id}/signal?token=${started.participantToken}`);
    await socket.next('welcome');
    sessions.push({ caseId: c.id, sessionId: session.id, mediator: socket, mediatorId: started.participantId, phones });
  }

  // joinSession: each party's link + code → token, then the WebSocket until welcome.
  const joins: number[] = [];
  let joinErrors = 0;
  const parties: { session: (typeof sessions)[number]; socket: Socket; id: string }[] = [];
  const t0 = performance.now();
  for (const s of sessions) {
    const { rows } = await database.pool.query<{ body: string }>(
      `select body from outbox where case_id = $1 and dedupe_key like 'online-link:%' order by created_at, id`,
      [s.caseId],
    );
    for (const row of rows) {
      const [, link] = row.body.match(/\/online\/join\/[^/]+\/([\w-]+)/) ?? [];
      if (!link) continue;
      const code = await fetch(`${base}/api/public/online/links/${link}/code`, { method: 'POST' }).then((r) => r.json());
      await database.pool.query(`update phone_verifications set code_hash = $1 where id = $2`, [
        crypto.lookupHash('code:000000'),
        code.verificationId,
      ]);
      const started = performance.now();
      try {
        const res = await fetch(`${base}/api/public/online/sessions/${s.sessionId}/join`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ link, verificationId: code.verificationId, code: '000000', rightsAccepted: true, recordingConsent: true }),
        });
        const joined = await res.json();
        if (!res.ok) throw new Error(JSON.stringify(joined));
        const socket = await open(`${wsBase}/api/public/online/sessions/${s.sessionId}/signal?token=${joined.participantToken}`);
        await socket.next('welcome');
        joins.push(performance.now() - started);
        parties.push({ session: s, socket, id: joined.participantId });
      } catch (err) {
        joinErrors++;
        if (joinErrors === 1) console.error(err);
      }
    }
  }
  const joinResult: Result = {
    name: 'joinSession (join + WebSocket welcome)',
    count: joins.length,
    errors: joinErrors,
    seconds: (performance.now() - t0) / 1000,
    latencies: joins.sort((a, b) => a - b),
  };

  // Everyone admitted, then: each party signals its mediator, one message at a time, every session at once.
  for (const p of parties) {
    p.session.mediator.ws.send(JSON.stringify({ type: 'admit', participantId: p.id }));
    await p.socket.next('admitted');
  }
  const health = () => async () => (await http(`${base}/api/health`)).ok;
  const idle = await load('health, idle', health(), { clients: 4, seconds: Math.max(1, SECONDS / 2) });
  const pending = new Map<number, (v: boolean) => void>();
  for (const s of sessions) s.mediator.onSignal = (data) => pending.get(data.n)?.(true);
  const senders = parties.filter((p, i) => parties.findIndex((q) => q.session === p.session) === i);
  const relay = (n: number, p: (typeof senders)[number]) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => (pending.delete(n), resolve(false)), 5000);
      pending.set(n, (ok) => (clearTimeout(timer), pending.delete(n), resolve(ok)));
      p.socket.ws.send(JSON.stringify({ type: 'signal', to: p.session.mediatorId, data: { n } }));
    });
  /** Each party sends at RATE messages a second (open loop: the pace does not count in a message's latency). */
  const paced = async (): Promise<Result> => {
    const latencies: number[] = [];
    let errors = 0;
    let n = 0;
    const cpu0 = cpuSeconds();
    const start = performance.now();
    const until = start + SECONDS * 1000;
    await Promise.all(
      senders.map(async (p) => {
        let due = performance.now() + Math.random() * (1000 / RATE);
        while (due < until) {
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          due += 1000 / RATE;
          const t0 = performance.now();
          if (await relay(n++, p)) latencies.push(performance.now() - t0);
          else errors++;
        }
      }),
    );
    const cpu1 = cpuSeconds();
    const count = latencies.length;
    return {
      name: `signal (party → mediator, ${RATE}/s each)`,
      count,
      errors,
      seconds: (performance.now() - start) / 1000,
      latencies: latencies.sort((a, b) => a - b),
      cpuPerOp: Object.fromEntries(
        Object.keys(cpu1).map((k) => [k, Math.round(((cpu1[k]! - (cpu0[k] ?? 0)) * 1e5) / Math.max(1, count)) / 100]),
      ),
    };
  };
  const [signal, busy] = await Promise.all([
    RATE > 0
      ? paced()
      : load('signal (party → mediator, flood)', (n) => relay(n, senders[n % senders.length]!), {
          clients: senders.length,
          seconds: SECONDS,
        }),
    load('health, during signalling', health(), { clients: 4, seconds: SECONDS }),
  ]);

  console.log(`\n${''.padEnd(34)}    rate      p50      p95      p99  (ms)`);
  for (const r of [joinResult, signal, idle, busy]) console.log(report(r));
  const ratios = { healthP95UnderSignalling: percentile(busy.latencies, 95) / percentile(idle.latencies, 95) };
  console.log(`health p95 under signalling / idle: ${ratios.healthP95UnderSignalling.toFixed(2)}`);
  if (args.json) {
    writeJsonReport(args.json, { joinSession: joinResult, signal, healthIdle: idle, healthDuringSignalling: busy }, ratios, {
      sessions: S,
      participants: sessions.length + parties.length,
      ratePerParty: RATE,
    });
    console.log(`figures written to ${args.json}`);
  }

  for (const s of sessions) s.mediator.ws.close();
  for (const p of parties) p.socket.ws.close();
  await server.stop();
  await database.close();
  await embedded?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

await main();
