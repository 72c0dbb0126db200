import { hostname } from 'node:os';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { scheduledTasks } from '../db/schema.js';

/** This process, as lease owner. */
export const INSTANCE_ID = `${hostname()}:${process.pid}`;

/**
 * Runs `fn` as the named task if no other instance holds its lease; returns false when another one does.
 * The lease expires by itself, so a crashed instance does not block the task for longer than `leaseSeconds`.
 */
export async function runExclusive(
  db: Db,
  name: string,
  fn: () => Promise<void>,
  opts: { leaseSeconds?: number; owner?: string } = {},
): Promise<boolean> {
  const owner = opts.owner ?? INSTANCE_ID;
  await db.insert(scheduledTasks).values({ name }).onConflictDoNothing();
  const [acquired] = await db
    .update(scheduledTasks)
    .set({ leaseOwner: owner, leaseUntil: sql`now() + make_interval(secs => ${opts.leaseSeconds ?? 300})`, lastStartedAt: sql`now()` })
    .where(and(eq(scheduledTasks.name, name), or(isNull(scheduledTasks.leaseUntil), lt(scheduledTasks.leaseUntil, sql`now()`))))
    .returning({ name: scheduledTasks.name });
  if (!acquired) return false;
  const release = (fields: Partial<typeof scheduledTasks.$inferInsert>) =>
    db
      .update(scheduledTasks)
      .set({ ...fields, leaseUntil: null, leaseOwner: null })
      .where(and(eq(scheduledTasks.name, name), eq(scheduledTasks.leaseOwner, owner)));
  try {
    await fn();
    await release({ lastFinishedAt: new Date(), lastError: null });
  } catch (err) {
    await release({ lastError: String((err as Error).message ?? err).slice(0, 1000) });
    throw err;
  }
  return true;
}

export interface PeriodicTask {
  stop(): Promise<void>;
}

/**
 * Runs a task every `intervalMs`, never two runs of it at a time in this process. The first run is at once, or
 * `firstRunAfterMs` after the start for a task whose first run reads a lot (the deadline sweep reads every running
 * clock): the first views after a restart are not read behind it (main.ts).
 */
export function startPeriodic(opts: {
  name: string;
  intervalMs: number;
  firstRunAfterMs?: number;
  log: Logger;
  run: () => Promise<unknown>;
}): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> | undefined;
  let isStopped = false;
  const tick = () => {
    current = opts
      .run()
      .catch((err: unknown) => opts.log.error({ err, task: opts.name }, 'scheduled task failed'))
      .finally(() => {
        current = undefined;
        if (!isStopped) timer = setTimeout(tick, opts.intervalMs).unref();
      });
  };
  if (opts.firstRunAfterMs) timer = setTimeout(tick, opts.firstRunAfterMs).unref();
  else tick();
  return {
    async stop() {
      isStopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
