import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from './client.js';
import { prewarm, warmConnections } from './prewarm.js';
import { warmCockpit } from '../modules/stats/indicators.js';

/** Warm start (docs/SCALING.md): what the server does before it takes its first request. */
const database = connectDatabase(inject('databaseUrl'), 6);
const log = pino({ level: 'silent' });
afterAll(() => database.close());

describe('warm start', () => {
  it('opens the pool’s idle minimum of connections, each having planned the first views’ tables', async () => {
    expect(database.pool.totalCount).toBe(0);
    expect(await warmConnections(database.pool, log)).toBe(3);
    expect(database.pool.totalCount).toBe(3);
    expect(database.pool.idleCount).toBe(3);
  });

  it('loads the rollups into PostgreSQL’s buffers', async () => {
    expect(await prewarm(database.db, log)).toBeGreaterThan(0);
  });

  it('computes the district’s cockpit of this year (and of the last 30 days) before the first request, and nothing for an unknown district', async () => {
    const cockpit = await warmCockpit(database.db, '410871');
    expect(cockpit?.unit.kind).toBe('district');
    expect(cockpit?.period.to.slice(0, 4)).toBe(cockpit?.period.from.slice(0, 4));
    expect(await warmCockpit(database.db, '999999')).toBeNull();
  });

  it('plans small reads without parallel workers on every new session (migration small_reads_serial)', async () => {
    const fresh = connectDatabase(inject('databaseUrl'), 2);
    try {
      const { rows } = await fresh.pool.query<{ parallel_setup_cost: string }>('show parallel_setup_cost');
      expect(Number(rows[0]!.parallel_setup_cost)).toBe(10000);
    } finally {
      await fresh.close();
    }
  });
});
