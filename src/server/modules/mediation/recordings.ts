import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { and, asc, eq, isNotNull, ne } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accessLog, caseParties, mediationSessions, onlineParticipants, sessionRecordings } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canMediate, canSeeCase } from '../case-access/cases.policy.js';
import { findCaseRow } from '../case-access/case-row.js';
import { findCaseSession } from './mediation-queries.js';

/**
 * 调解录像 (docs/ONLINE-MEDIATION.md): the mediator's browser records the room (MediaRecorder, WebM) and uploads it in
 * chunks of a few seconds as it goes, so a closed tab loses at most the last chunk. Only with every participant's
 * consent. The bytes live outside the database, under DATA_DIR, content-addressed by their SHA-256 once complete
 * (`recordings/ab/cd/<sha256>.webm`); the metadata and the digest are rows of `session_recordings`.
 */
export type RecordingRow = typeof sessionRecordings.$inferSelect;

/** A chunk of a few seconds of 640×480 WebM is far below this. */
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
/** What the page asks MediaRecorder for: a chunk every two seconds. */
export const CHUNK_SECONDS = 2;
const WEBM_MAGIC = Buffer.from('1a45dfa3', 'hex');

const recordingsDir = (dataDir: string) => join(dataDir, 'recordings');
const partPath = (dataDir: string, id: string) => join(recordingsDir(dataDir), 'incoming', `${id}.webm.part`);
/** Where a complete recording lives: its own SHA-256 names it. */
export const contentPath = (dataDir: string, sha256: string) =>
  join(recordingsDir(dataDir), sha256.slice(0, 2), sha256.slice(2, 4), `${sha256}.webm`);

/** The case's online session the actor mediates, while it runs. */
async function mediatedSession(db: Db, opts: { actor: Actor; caseId: string; sessionId: string }) {
  const { actor, caseId, sessionId } = opts;
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  if (!canMediate(actor, row)) throw new AppError('CASE_ACTION_FORBIDDEN', { action: 'session' });
  const session = await findCaseSession(db, { districtCode: actor.districtCode, caseId, sessionId });
  if (!session || !session.onlineStartedAt) throw new AppError('ONLINE_SESSION_NOT_STARTED');
  if (session.onlineEndedAt) throw new AppError('ONLINE_SESSION_ENDED');
  return session;
}

/**
 * Recording needs everyone's yes: no refusal on the session record and every party who has come in consented (the
 * mediator consents by starting). Anyone who refuses later stops it (their refusal is written when they join).
 */
async function requireConsent(db: Db, session: typeof mediationSessions.$inferSelect) {
  if (session.recordingNote) throw new AppError('RECORDING_NOT_CONSENTED', { note: session.recordingNote });
  const refusing = await db
    .select({ name: onlineParticipants.displayName })
    .from(onlineParticipants)
    .where(
      and(
        eq(onlineParticipants.districtCode, session.districtCode),
        eq(onlineParticipants.sessionId, session.id),
        ne(onlineParticipants.state, 'removed'),
        eq(onlineParticipants.recordingConsent, false),
      ),
    );
  if (refusing.length) throw new AppError('RECORDING_NOT_CONSENTED', { refused: refusing.map((r) => r.name) });
}

/** Starts a recording of an online session in progress (the mediator's browser then sends its chunks). */
export async function startSessionRecording(opts: { db: Db; actor: Actor; caseId: string; sessionId: string; mimeType: string }) {
  const { db, actor } = opts;
  const session = await mediatedSession(db, { actor, caseId: opts.caseId, sessionId: opts.sessionId });
  await requireConsent(db, session);
  const [row] = await db
    .insert(sessionRecordings)
    .values({
      districtCode: actor.districtCode,
      sessionId: session.id,
      caseId: session.caseId,
      startedBy: actor.id,
      mimeType: opts.mimeType,
    })
    .returning();
  return { recordingId: row!.id, chunkSeconds: CHUNK_SECONDS, maxChunkBytes: MAX_CHUNK_BYTES };
}

/**
 * uploadSessionRecording: chunk `seq` (0, 1, 2, …) of a recording, appended in order. A chunk sent twice (a retry
 * after a lost answer) is acknowledged without being written again; one out of order is refused with the expected
 * number. `final` completes the recording: its SHA-256 is taken and the file moves to its content address.
 */
export async function uploadSessionRecording(opts: {
  db: Db;
  dataDir: string;
  actor: Actor;
  caseId: string;
  sessionId: string;
  recordingId: string;
  seq: number;
  final: boolean;
  chunk: Buffer;
}) {
  const { db, dataDir, actor } = opts;
  const session = await mediatedSession(db, { actor, caseId: opts.caseId, sessionId: opts.sessionId });
  const [rec] = await db
    .select()
    .from(sessionRecordings)
    .where(
      and(
        eq(sessionRecordings.districtCode, actor.districtCode),
        eq(sessionRecordings.id, opts.recordingId),
        eq(sessionRecordings.sessionId, session.id),
      ),
    );
  if (!rec) throw new AppError('RECORDING_NOT_FOUND');
  if (rec.status === 'complete' || opts.seq < rec.nextSeq) return presentUpload(rec);
  if (opts.seq > rec.nextSeq) throw new AppError('RECORDING_CHUNK_OUT_OF_ORDER', { expected: rec.nextSeq });
  try {
    await requireConsent(db, session);
  } catch (err) {
    // Someone refused meanwhile: what was recorded before is kept, nothing more is.
    await completeRecording(db, dataDir, rec);
    throw err;
  }
  if (opts.seq === 0 && opts.chunk.length > 0 && !opts.chunk.subarray(0, 4).equals(WEBM_MAGIC)) throw new AppError('RECORDING_NOT_WEBM');
  if (opts.chunk.length) {
    await mkdir(join(recordingsDir(dataDir), 'incoming'), { recursive: true });
    await appendFile(partPath(dataDir, rec.id), opts.chunk);
  }
  // The row moves only if no other request appended this chunk meanwhile (the file and the row agree on `nextSeq`).
  const [moved] = await db
    .update(sessionRecordings)
    .set({ nextSeq: rec.nextSeq + 1, size: rec.size + opts.chunk.length, updatedAt: new Date() })
    .where(
      and(
        eq(sessionRecordings.districtCode, rec.districtCode),
        eq(sessionRecordings.id, rec.id),
        eq(sessionRecordings.nextSeq, rec.nextSeq),
      ),
    )
    .returning();
  if (!moved) throw new AppError('RECORDING_CHUNK_OUT_OF_ORDER', { expected: rec.nextSeq + 1 });
  return presentUpload(opts.final ? await completeRecording(db, dataDir, moved) : moved);
}

function presentUpload(r: RecordingRow) {
  return { recordingId: r.id, nextSeq: r.nextSeq, size: r.size, status: r.status, sha256: r.sha256 };
}

/** Hashes the uploaded file and moves it to its content address; the row records the digest and the end. */
export async function completeRecording(db: Db, dataDir: string, rec: RecordingRow): Promise<RecordingRow> {
  if (rec.status === 'complete') return rec;
  const part = partPath(dataDir, rec.id);
  const size = await stat(part).then(
    (s) => s.size,
    () => 0,
  );
  if (size === 0) {
    const [done] = await db
      .update(sessionRecordings)
      .set({ status: 'complete', endedAt: new Date(), size: 0, updatedAt: new Date() })
      .where(and(eq(sessionRecordings.districtCode, rec.districtCode), eq(sessionRecordings.id, rec.id)))
      .returning();
    return done!;
  }
  const hash = createHash('sha256');
  for await (const piece of createReadStream(part)) hash.update(piece as Buffer);
  const sha256 = hash.digest('hex');
  const target = contentPath(dataDir, sha256);
  await mkdir(join(target, '..'), { recursive: true });
  const exists = await stat(target).then(
    () => true,
    () => false,
  );
  if (exists) await rm(part);
  else await rename(part, target);
  const [done] = await db
    .update(sessionRecordings)
    .set({ status: 'complete', sha256, size, endedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(sessionRecordings.districtCode, rec.districtCode), eq(sessionRecordings.id, rec.id)))
    .returning();
  return done!;
}

/** The session has ended: recordings still open (a tab closed mid-recording) are completed with what arrived. */
export async function completeSessionRecordings(opts: { db: Db; dataDir: string; districtCode: string; sessionId: string }) {
  const { db, dataDir, districtCode, sessionId } = opts;
  const open = await db
    .select()
    .from(sessionRecordings)
    .where(
      and(
        eq(sessionRecordings.districtCode, districtCode),
        eq(sessionRecordings.sessionId, sessionId),
        eq(sessionRecordings.status, 'recording'),
      ),
    );
  for (const rec of open) await completeRecording(db, dataDir, rec);
}

/** The recordings of a case, for its sessions' records and the case file's index (links, never the bytes). */
export async function listRecordings(db: Db, districtCode: string, caseId: string) {
  return db
    .select()
    .from(sessionRecordings)
    .where(and(eq(sessionRecordings.districtCode, districtCode), eq(sessionRecordings.caseId, caseId), isNotNull(sessionRecordings.sha256)))
    .orderBy(asc(sessionRecordings.createdAt));
}

export const recordingUrl = (caseId: string, recordingId: string) => `/api/cases/${caseId}/recordings/${recordingId}`;

/**
 * playSessionRecording: for those who may see the case file; every playback is a view of the parties' personal data,
 * logged (个人信息保护法 Art.56).
 */
export async function openRecordingForPlayback(opts: {
  db: Db;
  dataDir: string;
  actor: Actor;
  caseId: string;
  recordingId: string;
  requestId: string;
  ip: string;
}) {
  const { db, actor } = opts;
  const row = await findCaseRow(db, actor.districtCode, opts.caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  const [rec] = await db
    .select()
    .from(sessionRecordings)
    .where(
      and(
        eq(sessionRecordings.districtCode, actor.districtCode),
        eq(sessionRecordings.id, opts.recordingId),
        eq(sessionRecordings.caseId, opts.caseId),
      ),
    );
  if (!rec || !rec.sha256) throw new AppError('RECORDING_NOT_FOUND');
  const path = contentPath(opts.dataDir, rec.sha256);
  const handle = await open(path).catch(() => null);
  if (!handle) throw new AppError('RECORDING_NOT_FOUND');
  await handle.close();
  const people = await db
    .select({ personId: caseParties.personId })
    .from(caseParties)
    .where(and(eq(caseParties.districtCode, actor.districtCode), eq(caseParties.caseId, opts.caseId)));
  if (people.length)
    await db.insert(accessLog).values(
      people.map((p) => ({
        districtCode: actor.districtCode,
        actorId: actor.id,
        entityType: 'person',
        entityId: p.personId,
        field: 'session_recording',
        purpose: `观看调解录像 ${rec.id}`,
        requestId: opts.requestId,
        ip: opts.ip,
      })),
    );
  return { rec, path };
}
