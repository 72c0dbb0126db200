import { and, asc, desc, eq, gte, like, sql } from 'drizzle-orm';
import type { Camera, CameraInput } from '../../../shared/schemas/cameras.js';
import type { Db, Tx } from '../../db/client.js';
import { adminLog, cameraAlerts, cameraPoints, cases, units } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { findUnitByCode } from '../units/units.repository.js';

export type CameraRow = typeof cameraPoints.$inferSelect;

const cameraColumns = { camera: cameraPoints, unit: { id: units.id, code: units.code, name: units.name, path: units.path } };

/** The cameras in the actor's jurisdiction (the unit each watches lies under the actor's unit). */
export async function listCameras(db: Db, actor: Actor): Promise<Camera[]> {
  const rows = await db
    .select({
      ...cameraColumns,
      openAlerts: sql<number>`(select count(*)::int from ${cameraAlerts} a where a.district_code = ${cameraPoints.districtCode}
        and a.camera_id = ${cameraPoints.id} and a.last_at > now() - interval '24 hours')`,
    })
    .from(cameraPoints)
    .innerJoin(units, and(eq(units.districtCode, cameraPoints.districtCode), eq(units.id, cameraPoints.unitId)))
    .where(and(eq(cameraPoints.districtCode, actor.districtCode), like(units.path, `${actor.unitPath}%`)))
    .orderBy(asc(cameraPoints.code));
  return rows.map((r) => presentCamera(r.camera, r.unit, r.openAlerts));
}

function presentCamera(c: CameraRow, unit: { id: string; code: string; name: string }, openAlerts: number): Camera {
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    lat: c.lat,
    lng: c.lng,
    unit: { id: unit.id, code: unit.code, name: unit.name },
    streamUrl: c.streamUrl,
    status: c.status,
    lastHeartbeatAt: c.lastHeartbeatAt?.toISOString() ?? null,
    openAlerts,
  };
}

export async function findCameraByCode(db: Db | Tx, districtCode: string, code: string) {
  const [row] = await db
    .select(cameraColumns)
    .from(cameraPoints)
    .innerJoin(units, and(eq(units.districtCode, cameraPoints.districtCode), eq(units.id, cameraPoints.unitId)))
    .where(and(eq(cameraPoints.districtCode, districtCode), eq(cameraPoints.code, code)));
  return row;
}

async function findVisibleCamera(db: Db, actor: Actor, id: string) {
  const [row] = await db
    .select(cameraColumns)
    .from(cameraPoints)
    .innerJoin(units, and(eq(units.districtCode, cameraPoints.districtCode), eq(units.id, cameraPoints.unitId)))
    .where(and(eq(cameraPoints.districtCode, actor.districtCode), eq(cameraPoints.id, id), like(units.path, `${actor.unitPath}%`)));
  if (!row) throw new AppError('CAMERA_NOT_FOUND');
  return row;
}

async function gridOf(db: Db, actor: Actor, unitCode: string) {
  const unit = await findUnitByCode(db, actor.districtCode, unitCode);
  if (!unit) throw new AppError('UNIT_NOT_FOUND', { unitCode });
  if (unit.kind !== 'grid') throw new AppError('UNIT_NOT_A_GRID', { unitCode });
  return unit;
}

export async function createCamera(opts: { db: Db; actor: Actor; input: CameraInput }): Promise<Camera> {
  const { db, actor, input } = opts;
  const unit = await gridOf(db, actor, input.unitCode);
  const [row] = await db
    .insert(cameraPoints)
    .values({
      districtCode: actor.districtCode,
      code: input.code,
      name: input.name,
      lat: input.lat,
      lng: input.lng,
      unitId: unit.id,
      streamUrl: input.streamUrl,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError('CAMERA_CODE_TAKEN', { code: input.code });
  await db
    .insert(adminLog)
    .values({ districtCode: actor.districtCode, actorId: actor.id, action: 'camera.create', entity: row.id, data: { code: input.code } });
  return presentCamera(row, unit, 0);
}

export async function updateCamera(opts: { db: Db; actor: Actor; id: string; input: CameraInput }): Promise<Camera> {
  const { db, actor, id, input } = opts;
  await findVisibleCamera(db, actor, id);
  const unit = await gridOf(db, actor, input.unitCode);
  const [row] = await db
    .update(cameraPoints)
    .set({ code: input.code, name: input.name, lat: input.lat, lng: input.lng, unitId: unit.id, streamUrl: input.streamUrl })
    .where(and(eq(cameraPoints.districtCode, actor.districtCode), eq(cameraPoints.id, id)))
    .returning()
    .catch((err: { code?: string }) => {
      if (err.code === '23505') throw new AppError('CAMERA_CODE_TAKEN', { code: input.code });
      throw err;
    });
  await db
    .insert(adminLog)
    .values({ districtCode: actor.districtCode, actorId: actor.id, action: 'camera.update', entity: id, data: { code: input.code } });
  return presentCamera(row!, unit, 0);
}

/** A camera's events, newest first (the alerts folded into each, and the case each became). */
export async function listCameraAlerts(opts: { db: Db; actor: Actor; id: string; sinceDays?: number }) {
  const { db, actor, id, sinceDays = 30 } = opts;
  await findVisibleCamera(db, actor, id);
  const rows = await db
    .select({ alert: cameraAlerts, code: cases.code, status: cases.status })
    .from(cameraAlerts)
    .innerJoin(cases, and(eq(cases.districtCode, cameraAlerts.districtCode), eq(cases.id, cameraAlerts.caseId)))
    .where(
      and(
        eq(cameraAlerts.districtCode, actor.districtCode),
        eq(cameraAlerts.cameraId, id),
        gte(cameraAlerts.lastAt, sql`now() - make_interval(days => ${sinceDays})`),
      ),
    )
    .orderBy(desc(cameraAlerts.lastAt))
    .limit(200);
  return rows.map(({ alert, code, status }) => ({
    id: alert.id,
    alertType: alert.alertType,
    count: alert.count,
    firstAt: alert.firstAt.toISOString(),
    lastAt: alert.lastAt.toISOString(),
    caseId: alert.caseId,
    caseCode: code,
    caseStatus: status,
  }));
}
