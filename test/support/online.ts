import { randomUUID } from 'node:crypto';
import { PNG } from 'pngjs';
import { addDays, shanghaiDate } from '../../src/shared/calendar.js';
import { buildCaseBody } from '../../src/server/modules/cases/cases.factory.js';
import { createPersonalDataCrypto } from '../../src/server/lib/personal-data-crypto.js';
import { actOnCaseOk, signIn, type TestContext } from './app.js';
import { uniqueIdNumber, uniquePhone } from './identities.js';

/** Helpers of the online-mediation tests (docs/ONLINE-MEDIATION.md): a case in mediation, the texts the outbox sends. */

/** A case in mediation at 文苑街道司法所 whose two parties both have mobile numbers. */
export async function caseInMediationWithPhones(ctx: TestContext) {
  const reception = await signIn(ctx.app, 'reception');
  const dispatcher = await signIn(ctx.app, 'dispatcher');
  const mediator = await signIn(ctx.app, 'mediator');
  const phones = [uniquePhone(), uniquePhone()] as const;
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: reception, 'idempotency-key': randomUUID() },
    payload: buildCaseBody({
      summary: `线上调解 ${randomUUID().slice(0, 6)}`,
      parties: [
        {
          role: 'applicant',
          type: 'person',
          name: '冯建设',
          idNumber: uniqueIdNumber(),
          phone: phones[0],
          address: '文苑街道东方社区2号楼',
        },
        { role: 'respondent', type: 'person', name: '马德胜', idNumber: uniqueIdNumber(), phone: phones[1] },
      ],
    }),
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  const c = created.json();
  const sfs = (await ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
  await actOnCaseOk(ctx.app, { cookie: dispatcher, readerCookie: dispatcher }, c.id, { action: 'accept' });
  await actOnCaseOk(ctx.app, { cookie: dispatcher, readerCookie: dispatcher }, c.id, { action: 'dispatch', leadUnitId: sfs });
  await actOnCaseOk(ctx.app, { cookie: mediator, readerCookie: dispatcher }, c.id, { action: 'start' });
  return {
    id: c.id as string,
    code: c.code as string,
    partyIds: (c.parties as { id: string }[]).map((p) => p.id),
    phones,
    cookies: { reception, dispatcher, mediator },
  };
}

export const AGREEMENT_BODY = {
  form: 'written',
  subjectMatter: 'wages',
  facts: '申请人在被申请人处务工三个月，被申请人拖欠工资一万二千元。',
  disputedMatters: '被申请人应否支付及何时支付拖欠的工资。',
  responsibilities: '被申请人未按约定支付劳动报酬，应承担支付责任。',
  terms: [{ text: '被申请人向申请人支付拖欠工资12000元', method: '银行转账', dueDate: addDays(shanghaiDate(new Date()), 14) }],
};

/** The case above with a finalised written agreement. */
export async function caseWithFinalAgreement(ctx: TestContext) {
  const c = await caseInMediationWithPhones(ctx);
  const put = await ctx.app.inject({
    method: 'PUT',
    url: `/api/cases/${c.id}/agreement`,
    headers: { cookie: c.cookies.mediator },
    payload: AGREEMENT_BODY,
  });
  if (put.statusCode !== 200) throw new Error(put.body);
  const fin = await ctx.app.inject({
    method: 'POST',
    url: `/api/cases/${c.id}/agreement/finalize`,
    headers: { cookie: c.cookies.mediator },
  });
  if (fin.statusCode !== 200) throw new Error(fin.body);
  return c;
}

/** The link paths the outbox holds for `phone` on case `caseId` (the texts as they will be sent), oldest first. */
export async function textedLinks(ctx: TestContext, caseId: string, phone: string): Promise<string[]> {
  const crypto = createPersonalDataCrypto(Buffer.alloc(32, 7));
  const { rows } = await ctx.database.pool.query(
    `select body, recipient_phone_enc from outbox where case_id = $1 and channel = 'sms' order by created_at, id`,
    [caseId],
  );
  return rows
    .filter((r) => r.recipient_phone_enc && crypto.decrypt(r.recipient_phone_enc) === phone)
    .flatMap((r) => [...(r.body as string).matchAll(/https?:\/\/[^/\s]+(\/online\/[^\s]+)/g)].map((x) => x[1]!));
}

/** A small PNG with a stroke on it, as a signature pad makes. */
export function signaturePng(): string {
  const png = new PNG({ width: 120, height: 40 });
  for (let x = 10; x < 110; x++) {
    const i = (20 * 120 + x) * 4;
    png.data[i + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/** A session of the case scheduled a few minutes from now, with both parties invited. */
export async function scheduleSessionFor(ctx: TestContext, c: Awaited<ReturnType<typeof caseInMediationWithPhones>>) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/cases/${c.id}/sessions`,
    headers: { cookie: c.cookies.mediator },
    payload: {
      scheduledAt: new Date(Date.now() + 5 * 60_000).toISOString(),
      room: '线上调解室',
      mediatorNames: '赵敏',
      invitedPartyIds: c.partyIds,
      isPublic: false,
    },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().id as string;
}

/** The mediator opens the room: answers the mediator's participant token. */
export async function startOnline(ctx: TestContext, c: { id: string; cookies: { mediator: string } }, sessionId: string) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/cases/${c.id}/sessions/${sessionId}/online`,
    headers: { cookie: c.cookies.mediator },
    payload: {},
  });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json() as { participantId: string; participantToken: string; links: { sent: boolean }[] };
}
