import { EventEmitter } from 'node:events';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import type { Logger } from 'pino';
import type { LiveEvent } from '../../shared/live-event.js';
import type { Db, Tx } from '../db/client.js';

export type { LiveEvent };

const CHANNEL = 'fengqiao_live';

/**
 * Announces an event to every instance's live boards. NOTIFY inside the caller's transaction is delivered only if
 * it commits, so a board never shows a case that was rolled back.
 */
export async function announce(tx: Db | Tx, event: LiveEvent): Promise<void> {
  await tx.execute(sql`select ${liveEventSql(event)}`);
}

/** The NOTIFY of `announce` as an expression, for a write that sends it in the same statement as its rows. */
export function liveEventSql(event: LiveEvent): SQL {
  return liveNotifySql(sql`${JSON.stringify(event)}`);
}

/** The NOTIFY of a live event whose JSON text a statement computes itself (e.g. with the number it just took). */
export function liveNotifySql(payload: SQL): SQL {
  return sql`pg_notify(${CHANNEL}, ${payload})`;
}

/**
 * Hears `announce`d events over PostgreSQL LISTEN (so every API instance hears every other's) and hands them to
 * the connected boards. One dedicated connection, opened at the first subscriber, re-opened if it drops.
 */
export class LiveHub {
  private readonly emitter = new EventEmitter();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly log: Logger | undefined,
  ) {
    this.emitter.setMaxListeners(0);
  }

  async subscribe(listener: (event: LiveEvent) => void): Promise<() => void> {
    this.emitter.on('event', listener);
    await this.ensureListening();
    return () => this.emitter.off('event', listener);
  }

  private ensureListening(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url });
      client.on('notification', (msg) => {
        if (msg.channel !== CHANNEL || !msg.payload) return;
        try {
          this.emitter.emit('event', JSON.parse(msg.payload) as LiveEvent);
        } catch (err) {
          this.log?.warn({ err }, 'unreadable live event');
        }
      });
      client.on('error', (err) => {
        this.log?.warn({ err }, 'live event connection lost; reconnecting');
        this.client = undefined;
        client.end().catch(() => undefined);
        if (!this.closed && this.emitter.listenerCount('event') > 0)
          setTimeout(() => void this.ensureListening().catch(() => undefined), 1000).unref();
      });
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      this.client = client;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.emitter.removeAllListeners();
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
