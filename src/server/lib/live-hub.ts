import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from 'pino';
import type { LiveEvent } from '../../shared/live-event.js';
import { afterCommit, type Db, type Tx } from '../db/client.js';

export type { LiveEvent };

const CHANNEL = 'fengqiao_live';

/**
 * Announces an event to every instance's live boards once the caller's transaction commits — never for a change that
 * was rolled back. The NOTIFY is not sent inside that transaction: PostgreSQL serialises every committing transaction
 * that has notified (a database-wide lock held until its commit is on disk), which capped all case changes of the
 * platform at about 280 per second on this machine (docs/PERFORMANCE.md). Events are sent after the commit instead,
 * many per NOTIFY transaction. A crash between the commit and the send loses the hint, not the change: a board
 * re-reads its figures when it reconnects.
 */
export async function announce(tx: Db | Tx, event: LiveEvent): Promise<void> {
  afterCommit(tx, (db) => notifierOf(db).send(JSON.stringify(event)));
}

/** Sends announced events a batch per transaction, one transaction at a time, without waiting for the disk. */
class Notifier {
  private readonly queue: string[] = [];
  private sending = false;

  constructor(private readonly pool: pg.Pool) {}

  send(payload: string) {
    this.queue.push(payload);
    if (!this.sending) void this.drain();
  }

  private async drain() {
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, 500);
        // One statement, its own transaction. A lost notification costs nothing durable: its commit need not wait for
        // the disk (nor hold the notify lock meanwhile) — the setting is the transaction's, still in force at its commit.
        await this.pool
          .query(
            `select set_config('synchronous_commit', 'off', true), (select count(pg_notify($1, payload)) from unnest($2::text[]) as payload)`,
            [CHANNEL, batch],
          )
          .catch(() => undefined); // the database is unreachable: these hints are lost, the changes are not
      }
    } finally {
      this.sending = false;
    }
  }
}

const notifiers = new WeakMap<Db, Notifier>();
function notifierOf(db: Db): Notifier {
  let n = notifiers.get(db);
  if (!n) notifiers.set(db, (n = new Notifier((db as unknown as { $client: pg.Pool }).$client)));
  return n;
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
