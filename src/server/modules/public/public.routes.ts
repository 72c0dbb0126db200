import { and, asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { line } from '../../../shared/schemas/text.js';
import type { CaseStatus } from '../../../shared/case-lifecycle.js';
import type { CaseKind, Category, Satisfaction } from '../../../shared/enums.js';
import { publicProgressSchema } from '../../../shared/schemas/cases.js';
import { caseEvents, cases } from '../../db/schema.js';
import { AppError, errorBody } from '../../plugins/errors.js';
import { findUnitById } from '../units/units.repository.js';

/**
 * What a resident sees with the tracking token from their receipt: status, handling unit and dated steps.
 * Deliberately no names, ID numbers, phones, addresses, narratives, reasons or staff names: a token can be lost.
 */
export const publicRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  app.get(
    '/progress/:trackingToken',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute', errorResponseBuilder: () => ({ statusCode: 429, ...errorBody('RATE_LIMITED') }) } },
      schema: {
        operationId: 'getPublicProgress',
        tags: ['public'],
        params: z.object({ trackingToken: line(64) }),
        response: { 200: publicProgressSchema },
      },
    },
    async (request) => {
      const token = request.params.trackingToken.toUpperCase().replace(/[\s-]/g, '');
      const [row] = await db.select().from(cases).where(eq(cases.trackingToken, token)).limit(1);
      if (!row) throw new AppError('TRACKING_TOKEN_NOT_FOUND');
      const events = await db
        .select({ at: caseEvents.at, action: caseEvents.action, toStatus: caseEvents.toStatus })
        .from(caseEvents)
        .where(and(eq(caseEvents.districtCode, row.districtCode), eq(caseEvents.caseId, row.id)))
        .orderBy(asc(caseEvents.id));
      const unit = await findUnitById(db, row.districtCode, row.leadUnitId ?? row.unitId);
      return {
        code: row.code,
        status: row.status as CaseStatus,
        kind: row.kind as CaseKind,
        category: row.category as Category,
        handlingUnit: unit?.name ?? null,
        registeredAt: row.createdAt.toISOString(),
        // Internal notes, risk assessments and urges are not the resident's business; the registration and the
        // status-changing steps are.
        steps: events
          .filter((e) => e.action === 'register' || e.toStatus !== null)
          .map((e) => ({ at: e.at.toISOString(), action: e.action, toStatus: e.toStatus as CaseStatus | null })),
        canRate: row.status === 'concluded',
        satisfaction: (row.satisfaction as Satisfaction | null) ?? null,
      };
    },
  );
};
