import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  agreementByLinkSchema,
  linkCodeBodySchema,
  linkCodeResponseSchema,
  linkTicketHeader,
  linkTicketSchema,
  linkTokenParams,
  onlineLinkInfoSchema,
  signByLinkBodySchema,
  signLinksResultSchema,
} from '../../../shared/schemas/online.js';
import { actorOf } from '../../plugins/auth.js';
import { errorBody } from '../../plugins/errors.js';
import { describeLink, sendLinkCode, verifyLink } from './online-links.js';
import { readAgreementByLink, sendSignLinks, signAgreementByLink } from './sign-by-link.js';

const tags = ['online'];
const params = z.object({ id: z.string().uuid() });

/** The mediator's side of online mediation, under a case (`/api/cases/{id}/…`). */
export const onlineCaseRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  app.post(
    '/:id/agreement/sign-links',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'sendAgreementSignLinks',
        tags,
        summary: '把手机签署链接发给尚未签名的当事人（短信，需配置 PUBLIC_BASE_URL）',
        params,
        response: { 200: signLinksResultSchema },
      },
    },
    async (request) => sendSignLinks({ db, actor: actorOf(request), caseId: request.params.id, publicBaseUrl: config.PUBLIC_BASE_URL }),
  );
};

/**
 * What a party's phone calls (`/api/public/online/…`, no account): the one-time link is the party's name for the
 * platform, the SMS code to the phone on the case is the proof. Per-IP limits here, per-phone limits on the codes.
 */
export const onlinePublicRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto, sms, config, calendar: calendarCache } = app.deps;
  const showCode = config.SMS_DRIVER === 'log' && config.DEMO_DATA === 'true' && config.NODE_ENV !== 'production';
  const perIp = (max: number) => ({
    rateLimit: { max, timeWindow: '1 minute', errorResponseBuilder: () => ({ statusCode: 429, ...errorBody('RATE_LIMITED') }) },
  });

  app.get(
    '/links/:token',
    {
      config: perIp(60),
      schema: { operationId: 'readOnlineLink', tags, params: linkTokenParams, response: { 200: onlineLinkInfoSchema } },
    },
    async (request) => describeLink(db, crypto, request.params.token),
  );
  app.post(
    '/links/:token/code',
    {
      config: perIp(Math.max(10, config.PORTAL_RATE_LIMIT)),
      schema: {
        operationId: 'sendOnlineLinkCode',
        tags,
        summary: 'SMS code to the phone on the case (one a minute, five an hour per phone)',
        params: linkTokenParams,
        response: { 201: linkCodeResponseSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await sendLinkCode({ db, crypto, sms, token: request.params.token, ip: request.ip, showCode })),
  );
  app.post(
    '/links/:token/verify',
    {
      config: perIp(Math.max(20, config.PORTAL_RATE_LIMIT * 2)),
      schema: {
        operationId: 'verifyOnlineLink',
        tags,
        summary: 'The SMS code → a ticket for reading and signing (30 minutes)',
        params: linkTokenParams,
        body: linkCodeBodySchema,
        response: { 200: linkTicketSchema },
      },
    },
    async (request) => verifyLink({ db, crypto, token: request.params.token, ...request.body }),
  );
  app.get(
    '/links/:token/agreement',
    {
      config: perIp(60),
      schema: {
        operationId: 'readAgreementByLink',
        tags,
        params: linkTokenParams,
        headers: linkTicketHeader,
        response: { 200: agreementByLinkSchema },
      },
    },
    async (request) => readAgreementByLink({ db, token: request.params.token, ticket: request.headers['x-link-ticket'] }),
  );
  app.post(
    '/links/:token/signature',
    {
      config: perIp(20),
      schema: {
        operationId: 'signAgreementByLink',
        tags,
        summary: '手机签名: the drawn signature, consent and the digest of the text read',
        params: linkTokenParams,
        headers: linkTicketHeader,
        body: signByLinkBodySchema,
        response: { 201: z.object({ signedAt: z.string() }) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await signAgreementByLink({
          db,
          crypto,
          calendar: await calendarCache.get(),
          token: request.params.token,
          ticket: request.headers['x-link-ticket'],
          body: request.body,
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        }),
      ),
  );
};
