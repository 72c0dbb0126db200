import { and, asc, eq, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { line } from '../../../shared/schemas/text.js';
import type { CaseKind, Category } from '../../../shared/enums.js';
import { publicProgressSchema } from '../../../shared/schemas/cases.js';
import { publicReceiptSchema } from '../../../shared/schemas/receipt.js';
import { caseClocks, caseEvents, cases, units } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { AppError, errorBody } from '../../plugins/errors.js';
import { findUnitById } from '../units/units.repository.js';

/**
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

const tokenRateLimit = {
  rateLimit: { max: 60, timeWindow: '1 minute', errorResponseBuilder: () => ({ statusCode: 429, ...errorBody('RATE_LIMITED') }) },
};

export const publicRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  app.get(
    '/progress/:trackingToken',
    {
      config: tokenRateLimit,
      schema: {
        operationId: 'getPublicProgress',
        tags: ['public'],
        params: z.object({ trackingToken: line(64) }),
        response: { 200: publicProgressSchema },
      },
    },
    async (request) => {
      const row = await findCaseByToken(db, request.params.trackingToken);
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
    },
  );

  app.get(
    '/progress/:trackingToken/receipt',
    {
      config: tokenRateLimit,
      schema: {
        operationId: 'getPublicReceipt',
        summary: '受理回执：中心名称、地址、电话，登记时间，案件编号与查询码，进度查询地址，下一步及期限',
        tags: ['public'],
        params: z.object({ trackingToken: line(64) }),
        response: { 200: publicReceiptSchema },
      },
    },
    async (request) => {
      const row = await findCaseByToken(db, request.params.trackingToken);
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
      // Without PUBLIC_BASE_URL, the address this request came to: right for a phone on the portal, and for a
      // receipt printed at the desk it is the address the centre's own network reaches.
      const base = config.PUBLIC_BASE_URL ?? `${request.protocol}://${request.host}`;
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
        progressUrl: `${base.replace(/\/+$/, '')}/progress/${row.trackingToken}`,
        acceptBy: acceptance?.dueDate ?? null,
        acceptWithin: acceptance ? { days: acceptance.days, unit: acceptance.unit } : null,
        handleBy: handling?.dueDate ?? null,
      };
    },
  );
};
