import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CreateCaseInput } from '../../../shared/schemas/cases.js';
import { ApiError } from '../../app/api.js';
import { createCase, uploadAttachment } from '../../app/services/cases.js';
import { checkIn, type CheckinBody } from './service.js';

/**
 * The grid worker's outbox on the phone. Reports and patrol check-ins are written to IndexedDB first (so they survive
 * closing the page, a dead battery, no network) and sent in the order they were made, one at a time, when the network
 * is there. Each carries an id made on the phone that the server keys on (Idempotency-Key / check-in id), so a send
 * whose answer was lost is simply sent again and still makes one case.
 */
export type QueueState = 'queued' | 'synced' | 'failed';

export interface QueuedReport {
  type: 'report';
  body: CreateCaseInput;
  photos: Blob[];
  /** Filled as the steps succeed: the case exists, then each photo is on it. */
  caseId?: string;
  caseCode?: string;
  photosDone?: number;
}
export interface QueuedCheckin {
  type: 'checkin';
  body: CheckinBody;
}
export type QueueItem = (QueuedReport | QueuedCheckin) & {
  id: string;
  seq: number;
  createdAt: string;
  state: QueueState;
  /** Why the last try did not finish (shown to the worker). */
  error?: string;
  syncedAt?: string;
};

interface GridDb extends DBSchema {
  queue: { key: string; value: QueueItem; indexes: { bySeq: number } };
}

let dbPromise: Promise<IDBPDatabase<GridDb>> | undefined;
function db() {
  dbPromise ??= openDB<GridDb>('fengqiao-grid', 1, {
    upgrade(d) {
      d.createObjectStore('queue', { keyPath: 'id' }).createIndex('bySeq', 'seq');
    },
  });
  return dbPromise;
}

/** Every item, in the order made. */
export async function listQueue(): Promise<QueueItem[]> {
  return (await db()).getAllFromIndex('queue', 'bySeq');
}

export async function enqueue(item: QueuedReport | QueuedCheckin): Promise<QueueItem> {
  const d = await db();
  const all = await d.getAllFromIndex('queue', 'bySeq');
  const full: QueueItem = {
    ...item,
    id: item.type === 'checkin' ? item.body.id : crypto.randomUUID(),
    seq: (all.at(-1)?.seq ?? 0) + 1,
    createdAt: new Date().toISOString(),
    state: 'queued',
  };
  await d.put('queue', full);
  return full;
}

export async function removeItem(id: string) {
  await (await db()).delete('queue', id);
}

export async function retryItem(id: string) {
  const d = await db();
  const item = await d.get('queue', id);
  if (item) await d.put('queue', { ...item, state: 'queued', error: undefined });
}

async function save(item: QueueItem) {
  await (await db()).put('queue', item);
}

/** Network gone or server unwell: stop here and try the same item again later. Anything else is the item's fault. */
const isTransient = (err: unknown) => !(err instanceof ApiError) || err.status === 0 || err.status >= 500 || err.status === 429;

export type SyncResult = 'done' | 'offline' | 'signed-out';

let running: Promise<SyncResult> | undefined;

/** Sends what is queued, oldest first. Concurrent calls share one run, so nothing is sent twice in parallel. */
export function syncQueue(onChange?: () => void): Promise<SyncResult> {
  running ??= runSync(onChange).finally(() => {
    running = undefined;
  });
  return running;
}

async function runSync(onChange?: () => void): Promise<SyncResult> {
  for (const item of await listQueue()) {
    if (item.state !== 'queued') continue;
    try {
      if (item.type === 'report') await sendReport(item, onChange);
      else await checkIn(item.body);
      await save({ ...item, ...(await latest(item.id)), state: 'synced', error: undefined, syncedAt: new Date().toISOString() });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof ApiError && err.status === 401) {
        await save({ ...(await latest(item.id)), error: message });
        onChange?.();
        return 'signed-out';
      }
      if (isTransient(err)) {
        await save({ ...(await latest(item.id)), error: message });
        onChange?.();
        return 'offline';
      }
      await save({ ...(await latest(item.id)), state: 'failed', error: message });
    }
    onChange?.();
  }
  return 'done';
}

async function latest(id: string): Promise<QueueItem> {
  return (await (await db()).get('queue', id))!;
}

async function sendReport(item: QueueItem & QueuedReport, onChange?: () => void) {
  let current = item;
  if (!current.caseId) {
    const created = await createCase(current.body, current.id);
    current = { ...current, caseId: created.id, caseCode: created.code, photosDone: 0 };
    await save(current);
    onChange?.();
  }
  for (let i = current.photosDone ?? 0; i < current.photos.length; i++) {
    const data = new FormData();
    data.append('file', current.photos[i]!, `现场照片-${i + 1}.jpg`);
    // The same bytes sent twice are kept once by the server, so a lost answer here is harmless too.
    await uploadAttachment(current.caseId!, { kind: 'photo', step: 'registration' }, data);
    current = { ...current, photosDone: i + 1 };
    await save(current);
  }
}
