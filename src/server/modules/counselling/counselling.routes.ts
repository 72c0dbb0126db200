import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { scaleDefinitionSchema } from '../../../shared/scales.js';
import {
  addRoomSchema,
  addSessionSchema,
  administeredSchema,
  administerSchema,
  alertListSchema,
  alertsQuerySchema,
  appointmentListSchema,
  appointmentsQuerySchema,
  appointmentStatusBodySchema,
  assessAlertSchema,
  bookAppointmentSchema,
  caseCounsellingSchema,
  counsellingCreatedSchema,
  counsellingFiguresSchema,
  counsellingRoomListSchema,
  counsellingRoomSchema,
  counsellorListSchema,
  createKioskLinkSchema,
  dutyDayParamsSchema,
  dutyQuerySchema,
  dutyRosterSchema,
  figuresQuerySchema,
  kioskLinkSchema,
  kioskReceiptSchema,
  kioskScaleSchema,
  kioskTokenParamsSchema,
  listServicesQuerySchema,
  referOutSchema,
  referralFollowUpSchema,
  requestFromCaseSchema,
  scaleCreatedSchema,
  scaleDefinitionListSchema,
  serviceDetailSchema,
  serviceListSchema,
  sessionMetaListSchema,
  sessionNotesSchema,
  setDutySchema,
  submitKioskSchema,
  walkInSchema,
} from '../../../shared/schemas/counselling.js';
import { actorOf } from '../../plugins/auth.js';
import { bookAppointment, listAppointments, setAppointmentStatus } from './appointments.js';
import { XLSX_TYPE, attachmentName, buildWorkbook } from '../../lib/workbook.js';
import { fileResponse } from '../../lib/openapi.js';
import { MEDIA_TYPES } from '../../lib/media-types.js';
import { listCounsellors, readDuty, setDuty } from './duty.js';
import { addRoom, listRooms } from './rooms.js';
import { counsellingFiguresSheet, readCounsellingFigures } from './figures.js';
import { listReferrals, recordReferralFollowUp, referOut } from './referrals.js';
import {
  addScale,
  administerScale,
  assessAlert,
  createKioskLink,
  kioskSmsState,
  listAdministrations,
  listAlerts,
  listScales,
  readKiosk,
  submitKiosk,
} from './screening.js';
import { addSession, listSessions, readSession } from './session-notes.js';
import { caseServices, closeService, createWalkIn, findService, listServices, requestFromCase } from './services.js';
import { idParamsSchema, noContentSchema } from '../../../shared/schemas/common.js';

const id = idParamsSchema;
const tags = ['counselling'];

/** 心理服务区 (`/api/counselling`): requests, appointments, sealed session notes, scales, crisis alerts, referrals. */
export const counsellingRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto, config } = app.deps;
  const work = { onRequest: [app.requirePermission('counselling.work')] };

  app.post(
    '/walk-ins',
    {
      ...work,
      schema: {
        operationId: 'createWalkIn',
        tags,
        summary: '登记来访者并建立心理服务',
        body: walkInSchema,
        response: { 201: counsellingCreatedSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createWalkIn({ db, crypto, actor: actorOf(request), ...request.body })),
  );

  app.get(
    '/services',
    {
      ...work,
      schema: {
        operationId: 'listCounsellingServices',
        tags,
        querystring: listServicesQuerySchema,
        response: { 200: serviceListSchema },
      },
    },
    async (request) => ({
      items: await listServices(db, actorOf(request), { status: request.query.status ? [request.query.status] : undefined }),
    }),
  );

  app.get(
    '/services/:id',
    { ...work, schema: { operationId: 'getCounsellingService', tags, params: id, response: { 200: serviceDetailSchema } } },
    async (request) => {
      const actor = actorOf(request);
      const service = await findService(db, actor, request.params.id);
      const summary = (await listServices(db, actor)).find((s) => s.id === service.id)!;
      const [appointments, sessions, administrations, alerts, referrals] = await Promise.all([
        listAppointments(db, actor, { serviceId: service.id }),
        listSessions(db, actor, service.id),
        listAdministrations(db, actor, service.id),
        listAlerts(db, actor, { serviceId: service.id }),
        listReferrals(db, actor, service.id),
      ]);
      const kioskSms = await kioskSmsState({
        db,
        districtCode: actor.districtCode,
        personId: service.personId,
        publicBaseUrl: config.PUBLIC_BASE_URL,
      });
      return {
        ...summary,
        reason: crypto.decrypt(service.reasonEnc),
        appointments,
        sessions,
        administrations,
        alerts,
        referrals,
        kioskSms,
      };
    },
  );

  app.get(
    '/rooms',
    {
      ...work,
      schema: { operationId: 'listCounsellingRooms', tags, response: { 200: counsellingRoomListSchema } },
    },
    async (request) => listRooms(db, actorOf(request).districtCode),
  );

  app.post(
    '/rooms',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'addCounsellingRoom',
        tags,
        summary: '添加咨询室（心理督导或管理员）',
        body: addRoomSchema,
        response: { 201: counsellingRoomSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await addRoom({ db, actor: actorOf(request), body: request.body })),
  );

  app.get(
    '/duty',
    {
      ...work,
      schema: {
        operationId: 'readCounsellingDuty',
        tags,
        summary: '值班安排（每天的值班咨询师）',
        querystring: dutyQuerySchema,
        response: { 200: dutyRosterSchema },
      },
    },
    async (request) => readDuty({ db, actor: actorOf(request), from: request.query.from, to: request.query.to }),
  );

  app.put(
    '/duty/:day',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'setCounsellingDuty',
        tags,
        summary: '设置某天的值班咨询师（心理督导或管理员；危机预警同时通知当天值班人员）',
        params: dutyDayParamsSchema,
        body: setDutySchema,
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      await setDuty({ db, actor: actorOf(request), day: request.params.day, counsellorIds: request.body.counsellorIds });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/counsellors',
    {
      ...work,
      schema: {
        operationId: 'listCounsellors',
        tags,
        response: { 200: counsellorListSchema },
      },
    },
    async (request) => listCounsellors(db, actorOf(request).districtCode),
  );

  app.get(
    '/appointments',
    {
      ...work,
      schema: {
        operationId: 'listAppointments',
        tags,
        querystring: appointmentsQuerySchema,
        response: { 200: appointmentListSchema },
      },
    },
    async (request) => listAppointments(db, actorOf(request), { from: new Date(request.query.from), to: new Date(request.query.to) }),
  );

  app.post(
    '/appointments',
    {
      ...work,
      schema: {
        operationId: 'bookAppointment',
        tags,
        summary: '预约（同一咨询师或咨询室同一时段不能重复预约）',
        body: bookAppointmentSchema,
        response: { 201: counsellingCreatedSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await bookAppointment({ db, actor: actorOf(request), body: request.body })),
  );

  app.post(
    '/appointments/:id/status',
    {
      ...work,
      schema: {
        operationId: 'setAppointmentStatus',
        tags,
        summary: '到访 / 取消 / 爽约',
        params: id,
        body: appointmentStatusBodySchema,
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      await setAppointmentStatus({ db, actor: actorOf(request), id: request.params.id, ...request.body });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/services/:id/close',
    {
      ...work,
      schema: {
        operationId: 'closeCounsellingService',
        tags,
        summary: '结案（有未评估的危机预警时不能结案）',
        params: id,
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      await closeService(db, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/services/:id/sessions',
    { ...work, schema: { operationId: 'listCounsellingSessions', tags, params: id, response: { 200: sessionMetaListSchema } } },
    async (request) => listSessions(db, actorOf(request), request.params.id),
  );

  app.post(
    '/services/:id/sessions',
    {
      ...work,
      schema: {
        operationId: 'addSession',
        tags,
        summary: '咨询记录（加密封存）',
        params: id,
        body: addSessionSchema,
        response: { 201: counsellingCreatedSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addSession({ db, crypto, actor: actorOf(request), serviceId: request.params.id, ...request.body })),
  );

  // Any signed-in user may ask; only the author and a supervisor are answered (others: 404, other counsellors: 403).
  app.get(
    '/sessions/:id',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'readSession',
        tags,
        summary: '查阅咨询记录（仅撰写人与心理督导，逐次留痕）',
        params: id,
        response: { 200: sessionNotesSchema },
      },
    },
    async (request) => readSession({ db, crypto, actor: actorOf(request), id: request.params.id, requestId: request.id, ip: request.ip }),
  );

  app.get(
    '/scales',
    { ...work, schema: { operationId: 'listScales', tags, response: { 200: scaleDefinitionListSchema } } },
    async (request) => listScales(db, actorOf(request).districtCode),
  );

  app.post(
    '/scales',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'addScale',
        tags,
        summary: '添加量表（数据定义：条目、选项、计分分级、危机条目）',
        body: scaleDefinitionSchema,
        response: { 201: scaleCreatedSchema },
      },
    },
    async (request, reply) => {
      await addScale(db, actorOf(request), request.body);
      return reply.status(201).send({ code: request.body.code });
    },
  );

  app.post(
    '/services/:id/administrations',
    {
      ...work,
      schema: {
        operationId: 'administerScale',
        tags,
        params: id,
        body: administerSchema,
        response: { 201: administeredSchema },
      },
    },
    async (request, reply) => {
      const r = await administerScale({ db, crypto, actor: actorOf(request), serviceId: request.params.id, ...request.body });
      return reply.status(201).send({
        id: r.id,
        scaleCode: request.body.scaleCode,
        total: r.total,
        band: r.band,
        mode: 'counsellor',
        crisis: r.crisis,
        alertId: r.alertId,
        createdAt: r.createdAt.toISOString(),
      });
    },
  );

  app.post(
    '/services/:id/kiosk-links',
    {
      ...work,
      schema: {
        operationId: 'createKioskLink',
        tags,
        summary: '生成一次性自评链接（在平板上打开，或短信发到来访者手机：需配置 PUBLIC_BASE_URL）',
        params: id,
        body: createKioskLinkSchema,
        response: { 201: kioskLinkSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await createKioskLink({
          db,
          actor: actorOf(request),
          serviceId: request.params.id,
          scaleCode: request.body.scaleCode,
          bySms: request.body.bySms,
          publicBaseUrl: config.PUBLIC_BASE_URL,
        }),
      ),
  );

  app.get(
    '/alerts',
    {
      ...work,
      schema: {
        operationId: 'listCrisisAlerts',
        tags,
        querystring: alertsQuerySchema,
        response: { 200: alertListSchema },
      },
    },
    async (request) => listAlerts(db, actorOf(request), { openOnly: request.query.open === 'true' }),
  );

  app.post(
    '/alerts/:id/assessment',
    {
      ...work,
      schema: {
        operationId: 'assessCrisisAlert',
        tags,
        summary: '记录风险评估（关闭危机预警）',
        params: id,
        body: assessAlertSchema,
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      await assessAlert({ db, crypto, actor: actorOf(request), id: request.params.id, ...request.body });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/services/:id/referrals',
    {
      ...work,
      schema: {
        operationId: 'referOut',
        tags,
        summary: '转介至医疗机构',
        params: id,
        body: referOutSchema,
        response: { 201: counsellingCreatedSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await referOut({ db, crypto, actor: actorOf(request), serviceId: request.params.id, ...request.body })),
  );

  app.post(
    '/referrals/:id/follow-up',
    {
      ...work,
      schema: { operationId: 'followUpReferral', tags, params: id, body: referralFollowUpSchema, response: { 204: noContentSchema } },
    },
    async (request, reply) => {
      await recordReferralFollowUp({ db, crypto, actor: actorOf(request), id: request.params.id, note: request.body.note });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/figures',
    {
      onRequest: [app.requirePermission('counselling.figures')],
      schema: {
        operationId: 'counsellingFigures',
        tags,
        summary: '心理服务数据（仅数量，不含任何内容）',
        querystring: figuresQuerySchema,
        response: { 200: counsellingFiguresSchema },
      },
    },
    async (request) =>
      readCounsellingFigures({ db, districtCode: actorOf(request).districtCode, from: request.query.from, to: request.query.to }),
  );

  app.get(
    '/figures.xlsx',
    {
      onRequest: [app.requirePermission('counselling.figures')],
      schema: {
        operationId: 'exportCounsellingFigures',
        tags,
        summary: '心理服务数据导出 Excel（仅数量）',
        querystring: figuresQuerySchema,
        response: { 200: fileResponse({ description: '心理服务数据 (XLSX)', mediaTypes: [MEDIA_TYPES.xlsx] }) },
      },
    },
    async (request, reply) => {
      const f = await readCounsellingFigures({
        db,
        districtCode: actorOf(request).districtCode,
        from: request.query.from,
        to: request.query.to,
      });
      const file = await buildWorkbook([counsellingFiguresSheet(f)]);
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', attachmentName(`心理服务数据-${f.from}至${f.to}.xlsx`))
        .header('cache-control', 'no-store')
        .send(file);
    },
  );
};

/** On a case: refer a party, and see only that services exist and their status. */
export const caseCounsellingRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto } = app.deps;
  app.get(
    '/:id/counselling',
    {
      onRequest: [app.requireActor],
      schema: { operationId: 'caseCounselling', tags, params: id, response: { 200: caseCounsellingSchema } },
    },
    async (request) => caseServices(db, actorOf(request), request.params.id),
  );
  app.post(
    '/:id/counselling',
    {
      onRequest: [app.requirePermission('counselling.request')],
      schema: {
        operationId: 'referToCounselling',
        tags,
        summary: '转介当事人到心理服务区',
        params: id,
        body: requestFromCaseSchema,
        response: { 201: counsellingCreatedSchema },
      },
    },
    async (request, reply) => {
      const created = await requestFromCase({ db, crypto, actor: actorOf(request), caseId: request.params.id, ...request.body });
      return reply.status(201).send({ id: created.id });
    },
  );
};

/** The tablet / phone self-assessment by one-time link (no sign-in; the link is the permission). */
export const kioskRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto } = app.deps;
  const token = kioskTokenParamsSchema;
  app.get(
    '/:token',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        operationId: 'readKiosk',
        tags,
        params: token,
        response: { 200: kioskScaleSchema },
      },
    },
    async (request) => readKiosk(db, request.params.token),
  );
  app.post(
    '/:token',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        operationId: 'submitKiosk',
        tags,
        params: token,
        body: submitKioskSchema,
        response: { 200: kioskReceiptSchema },
      },
    },
    async (request) => submitKiosk({ db, crypto, token: request.params.token, answers: request.body.answers }),
  );
};
