import { and, asc, eq, isNull } from 'drizzle-orm';
import type { CaseKind, Category } from '../../../shared/enums.js';
import type { PublicProgress } from '../../../shared/schemas/cases.js';
import type { PublicReceipt } from '../../../shared/schemas/receipt.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { caseClocks, caseEvents, cases, units } from '../../db/schema.js';
import { AppError } from '../../plugins/errors.js';
import { findUnitById } from '../units/units.repository.js';

/*
 * What a resident sees with the tracking token from their receipt: status, handling unit and dated steps.
 * Deliberately no names, ID numbers, phones, addresses, narratives, reasons or staff names: a token can be lost.
 */

type CaseRow = typeof cases.$inferSelect;

/** The case a resident's tracking token names (typed as people type it: lower case, spaces, dashes). */
async function findCaseByToken(db: Db, typed: string): Promise<CaseRow> {
  const token = typed.toUpperCase().replace(/[\s-]/g, '');
  const [row] = await db.select().from(cases).where(eq(cases.trackingToken, token)).limit(1);
  if (!row) throw new AppError('TRACKING_TOKEN_NOT_FOUND');
  return row;
}

/** The unit a resident is told has their matter: the lead unit once dispatched, before that the case's own unit. The progress page and the receipt both show this one. */
async function publicHandlingUnit(db: Db, row: CaseRow): Promise<string | null> {
  return (await findUnitById(db, row.districtCode, row.leadUnitId ?? row.unitId))?.name ?? null;
}

/** The progress page: status, handling unit, the registration and the status-changing steps with their dates. */
export async function getPublicProgress(db: Db, trackingToken: string): Promise<PublicProgress> {
  const row = await findCaseByToken(db, trackingToken);
  const events = await db
    .select({ at: caseEvents.at, action: caseEvents.action, toStatus: caseEvents.toStatus })
    .from(caseEvents)
    .where(and(eq(caseEvents.districtCode, row.districtCode), eq(caseEvents.caseId, row.id)))
    .orderBy(asc(caseEvents.id));
  return {
    code: row.code,
    status: row.status,
    kind: row.kind as CaseKind,
    category: row.category as Category,
    handlingUnit: await publicHandlingUnit(db, row),
    registeredAt: row.createdAt.toISOString(),
    // Internal notes, risk assessments and urges are not the resident's business; the registration and the
    // status-changing steps are.
    steps: events
      .filter((e) => e.action === 'register' || e.toStatus !== null)
      .map((e) => ({ at: e.at.toISOString(), action: e.action, toStatus: e.toStatus })),
    canRate: row.status === 'concluded',
    satisfaction: row.satisfaction,
  };
}

/**
 * 受理回执: the centre's name, address and phone, when the matter was registered, its number and tracking code, where
 * to follow it (`baseUrl` + /progress/…), and the next step with its time limit.
 */
export async function getPublicReceipt(opts: {
  db: Db;
  config: Pick<Config, 'CENTRE_NAME' | 'CENTRE_ADDRESS' | 'CENTRE_PHONE' | 'DEMO_DATA' | 'NODE_ENV'>;
  trackingToken: string;
  baseUrl: string;
}): Promise<PublicReceipt> {
  const { db, config } = opts;
  const row = await findCaseByToken(db, opts.trackingToken);
  const clocks = await db
    .select({ stage: caseClocks.stage, dueDate: caseClocks.dueDate, days: caseClocks.days, unit: caseClocks.unit })
    .from(caseClocks)
    .where(and(eq(caseClocks.districtCode, row.districtCode), eq(caseClocks.caseId, row.id), isNull(caseClocks.stoppedAt)));
  const acceptance = clocks.find((c) => c.stage === 'acceptance');
  const handling = clocks.find((c) => c.stage === 'handling');
  const [centre] = await db
    .select({ name: units.name })
    .from(units)
    .where(and(eq(units.districtCode, row.districtCode), isNull(units.parentId)))
    .limit(1);
  // The demo has no real centre to send people to: say so rather than leave the lines empty.
  const isDemo = config.DEMO_DATA === 'true' && config.NODE_ENV !== 'production';
  return {
    centre: {
      name: config.CENTRE_NAME ?? centre?.name ?? '综治中心',
      address: config.CENTRE_ADDRESS ?? (isDemo ? '（演示）示范区综治中心一楼群众接待区' : null),
      phone: config.CENTRE_PHONE ?? (isDemo ? '（演示）0391-0000000' : null),
    },
    code: row.code,
    trackingToken: row.trackingToken,
    kind: row.kind as CaseKind,
    category: row.category as Category,
    status: row.status,
    registeredAt: row.createdAt.toISOString(),
    handlingUnit: await publicHandlingUnit(db, row),
    progressUrl: `${opts.baseUrl.replace(/\/+$/, '')}/progress/${row.trackingToken}`,
    acceptBy: acceptance?.dueDate ?? null,
    acceptWithin: acceptance ? { days: acceptance.days, unit: acceptance.unit } : null,
    handleBy: handling?.dueDate ?? null,
  };
}
