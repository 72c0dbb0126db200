import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import pLimit from 'p-limit';
import { createHash } from 'node:crypto';
import { shanghaiDate, type WorkCalendar } from '../../../shared/calendar.js';
import { CAMERA_ALERT_TYPES, type CameraAlertType } from '../../../shared/enums.js';
import { zhCN } from '../../../shared/locales/zh-CN.js';
import type { AlertMessage } from '../../../shared/schemas/cameras.js';
import type { Db, Tx } from '../../db/client.js';
import { listDistricts } from '../../lib/districts.js';
import { attachments, caseEvents, cameraAlerts, cameraPoints, units } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import { AppError } from '../../plugins/errors.js';
import { ensureCaseNumberSequence } from '../case-access/case-numbers.js';
import { registerCase } from '../case-access/register-case.js';
import { systemActor } from '../integrations/system-actors.js';
import { announce } from '../../lib/live-hub.js';
import { findCameraByCode } from './cameras.repository.js';

const SNAPSHOT_MAX_BYTES = 2 * 1024 * 1024;
const SNAPSHOT_TYPES = ['image/jpeg', 'image/png'];

/**
 * Alerts handled at once in this process. A burst of duplicates queues here rather than holding database
 * connections while it waits for the per-camera lock, so the rest of the platform keeps its connections.
 */
const alertSlots = pLimit(4);

const typeOf = (raw: string): CameraAlertType =>
  (CAMERA_ALERT_TYPES as readonly string[]).includes(raw) ? (raw as CameraAlertType) : 'other';

export interface AlertOutcome {
  caseId: string;
  caseCode: string;
  count: number;
  /** True when this delivery made the event (and its case); false when it was folded into an existing one. */
  isNew: boolean;
}

/**
 * One alert from a video-analytics device. Within the folding window, every repeat of the same camera's alert type
 * adds one to the existing event's count; otherwise a grid event (case: kind grid_event, channel camera) is
 * registered in the camera's grid with its snapshot. A transaction-scoped advisory lock per camera and type makes
 * concurrent duplicates take turns, so they fold instead of racing to create twins.
 */
export function receiveCameraAlert(opts: Parameters<typeof handleCameraAlert>[0]): Promise<AlertOutcome> {
  return alertSlots(() => handleCameraAlert(opts));
}

async function handleCameraAlert(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  calendar: WorkCalendar;
  districtCode: string;
  cameraCode: string;
  message: AlertMessage;
  foldWindowSeconds: number;
}): Promise<AlertOutcome> {
  const { db, crypto, calendar, districtCode, cameraCode, message, foldWindowSeconds } = opts;
  const found = await findCameraByCode(db, districtCode, cameraCode);
  if (!found) throw new AppError('CAMERA_NOT_FOUND', { cameraCode });
  const { camera, unit } = found;
  const alertType = message.type;
  const snapshot = message.snapshot ? await readSnapshot(message.snapshot) : undefined;
  const actor = await systemActor(db, districtCode, 'camera', '视频监控预警');
  const now = new Date();
  await ensureCaseNumberSequence(db, districtCode, Number(shanghaiDate(now).slice(0, 4)));

  const outcome = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`camera-alert:${districtCode}:${camera.id}:${alertType}`}, 0))`);
    await tx
      .update(cameraPoints)
      .set({ status: 'online', lastHeartbeatAt: now })
      .where(and(eq(cameraPoints.districtCode, districtCode), eq(cameraPoints.id, camera.id)));
    const [open] = await tx
      .select()
      .from(cameraAlerts)
      .where(
        and(
          eq(cameraAlerts.districtCode, districtCode),
          eq(cameraAlerts.cameraId, camera.id),
          eq(cameraAlerts.alertType, alertType),
          gte(cameraAlerts.lastAt, new Date(now.getTime() - foldWindowSeconds * 1000)),
        ),
      )
      .orderBy(desc(cameraAlerts.lastAt))
      .limit(1);
    if (open) {
      const [folded] = await tx
        .update(cameraAlerts)
        .set({ count: sql`${cameraAlerts.count} + 1`, lastAt: now })
        .where(and(eq(cameraAlerts.districtCode, districtCode), eq(cameraAlerts.id, open.id)))
        .returning({ count: cameraAlerts.count });
      const { caseCode } = await caseCodeOf(tx, districtCode, open.caseId);
      return { caseId: open.caseId, caseCode, count: folded!.count, isNew: false };
    }
    const label = zhCN[`cameraAlert.${typeOf(alertType)}`];
    const typeText = typeOf(alertType) === 'other' ? `${label}（${alertType}）` : label;
    const { row } = await registerCase({
      db,
      within: tx,
      crypto,
      calendar,
      actor,
      idempotencyKey: `camera:${camera.id}:${alertType}:${now.getTime()}`,
      body: {
        channel: 'camera',
        kind: 'grid_event',
        category: 'other',
        summary: `${camera.name}：${typeText}`,
        narrative: `视频监控点位 ${camera.code}（${camera.name}）智能分析告警：${typeText}${message.confidence !== undefined ? `，置信度 ${Math.round(message.confidence * 100)}%` : ''}。设备时间 ${message.at ?? now.toISOString()}。`,
        peopleInvolved: 1,
        riskLevel:
          alertType === 'fight' || alertType === 'fire_smoke'
            ? 'high'
            : alertType === 'crowd_gathering' || alertType === 'banner'
              ? 'medium'
              : 'low',
        difficulty: 'simple',
        parties: [],
        place: { address: `${camera.name}（点位 ${camera.code}）`, unitCode: unit.code, lat: camera.lat, lng: camera.lng },
      },
      alsoInTransaction: async (inner, created) => {
        await inner
          .insert(cameraAlerts)
          .values({ districtCode, cameraId: camera.id, alertType, caseId: created.id, count: 1, firstAt: now, lastAt: now });
        if (snapshot) {
          const [event] = await inner
            .select({ id: caseEvents.id })
            .from(caseEvents)
            .where(and(eq(caseEvents.districtCode, districtCode), eq(caseEvents.caseId, created.id)))
            .limit(1);
          await inner.insert(attachments).values({
            districtCode,
            caseId: created.id,
            eventId: event?.id ?? null,
            kind: 'photo',
            fileName: `${camera.code}-${now.toISOString().replace(/[:.]/g, '')}.${snapshot.ext}`,
            mimeType: snapshot.mime,
            size: snapshot.content.length,
            sha256: createHash('sha256').update(snapshot.content).digest('hex'),
            content: snapshot.content,
            uploadedBy: actor.id,
          });
        }
      },
    });
    return { caseId: row.id, caseCode: row.code, count: 1, isNew: true };
  });
  // The board hears of repeats too (the count rises live); a new event's case was announced by registerCase.
  await announce(db, {
    type: 'camera.alert',
    districtCode,
    unitPath: unit.path,
    caseId: outcome.caseId,
    code: outcome.caseCode,
    cameraCode: camera.code,
    summary: `${camera.name}：${zhCN[`cameraAlert.${typeOf(alertType)}`]}`,
    count: outcome.count,
    at: now.toISOString(),
  });
  return outcome;
}

async function caseCodeOf(tx: Tx, districtCode: string, caseId: string) {
  const { rows } = await tx.execute<{ code: string }>(sql`select code from cases where district_code = ${districtCode} and id = ${caseId}`);
  return { caseCode: rows[0]!.code };
}

async function readSnapshot(base64: string) {
  const content = Buffer.from(base64, 'base64');
  if (content.length === 0) return undefined;
  if (content.length > SNAPSHOT_MAX_BYTES) throw new AppError('ATTACHMENT_TOO_LARGE', { maxBytes: SNAPSHOT_MAX_BYTES });
  const type = await fileTypeFromBuffer(content);
  if (!type || !SNAPSHOT_TYPES.includes(type.mime)) throw new AppError('ATTACHMENT_TYPE_NOT_ALLOWED', { allowed: SNAPSHOT_TYPES });
  return { content, mime: type.mime, ext: type.ext };
}

/** A camera's heartbeat: online from now. A camera coming back online is announced to the boards. */
export async function receiveHeartbeat(db: Db, districtCode: string, cameraCode: string): Promise<void> {
  const found = await findCameraByCode(db, districtCode, cameraCode);
  if (!found) throw new AppError('CAMERA_NOT_FOUND', { cameraCode });
  const [before] = await db
    .update(cameraPoints)
    .set({ lastHeartbeatAt: new Date(), status: 'online' })
    .where(and(eq(cameraPoints.districtCode, districtCode), eq(cameraPoints.id, found.camera.id)))
    .returning({ status: cameraPoints.status });
  if (before && found.camera.status === 'offline') {
    await announce(db, {
      type: 'camera.status',
      districtCode,
      unitPath: found.unit.path,
      cameraCode,
      status: 'online',
      at: new Date().toISOString(),
    });
  }
}

/** Marks cameras silent for longer than `afterSeconds` offline (run periodically); returns their codes. */
export async function markSilentCamerasOffline(db: Db, afterSeconds: number): Promise<string[]> {
  const codes: string[] = [];
  for (const district of await listDistricts(db)) codes.push(...(await markDistrictSilent(db, district, afterSeconds)));
  return codes;
}

async function markDistrictSilent(db: Db, district: string, afterSeconds: number): Promise<string[]> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(cameraPoints)
      .set({ status: 'offline' })
      .where(
        and(
          eq(cameraPoints.districtCode, district),
          eq(cameraPoints.status, 'online'),
          lt(cameraPoints.lastHeartbeatAt, sql`now() - make_interval(secs => ${afterSeconds})`),
        ),
      )
      .returning({ districtCode: cameraPoints.districtCode, code: cameraPoints.code, unitId: cameraPoints.unitId });
    for (const r of rows) {
      const [unit] = await tx
        .select({ path: units.path })
        .from(units)
        .where(and(eq(units.districtCode, r.districtCode), eq(units.id, r.unitId)));
      await announce(tx, {
        type: 'camera.status',
        districtCode: r.districtCode,
        unitPath: unit?.path ?? '/',
        cameraCode: r.code,
        status: 'offline',
        at: new Date().toISOString(),
      });
    }
    return rows.map((r) => r.code);
  });
}
