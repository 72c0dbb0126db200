import type pg from 'pg';

/**
 * The backend that comes to wait for backend `pid`'s locks while `going` (the work expected to wait) has not ended, or
 * undefined if it ended without waiting. `statement` (a LIKE pattern of the waiter's statement text) tells the waiter
 * from another test file's backends on the shared database. Gives up, failing, after `timeoutMs`.
 */
export async function waiterOf(
  pool: pg.Pool,
  pid: number,
  going: Promise<unknown>,
  statement = '%',
  timeoutMs = 20_000,
): Promise<number | undefined> {
  let ended = false;
  void going.finally(() => (ended = true)).catch(() => undefined);
  for (const until = Date.now() + timeoutMs; ;) {
    const { rows } = await pool.query<{ pid: number }>(
      `select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid)) and query like $2`,
      [pid, statement],
    );
    if (rows.length) return rows[0]!.pid;
    if (ended) return undefined;
    if (Date.now() > until) throw new Error(`nothing came to wait for backend ${pid} within ${timeoutMs} ms, and the work did not end`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
