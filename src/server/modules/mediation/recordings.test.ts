import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { caseInMediationWithPhones, scheduleSessionFor, startOnline, textedLinks } from '../../../../test/support/online.js';
import { contentPath } from './recordings.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp({ env: { PUBLIC_BASE_URL: 'https://fq.example.gov.cn' } });
});
afterAll(() => ctx.close());

/** The first bytes of a WebM file (EBML header), then anything: what MediaRecorder's first chunk starts with. */
const WEBM_START = Buffer.concat([Buffer.from('1a45dfa3', 'hex'), Buffer.from('9f4286810142f7810142f2810442f381084282847765626d', 'hex')]);

async function sessionWithParty(recordingConsent: boolean) {
  const c = await caseInMediationWithPhones(ctx);
  const sessionId = await scheduleSessionFor(ctx, c);
  await startOnline(ctx, c, sessionId);
  const [path] = await textedLinks(ctx, c.id, c.phones[0]);
  const link = path!.split('/').pop()!;
  const code = await ctx.app.inject({ method: 'POST', url: `/api/public/online/links/${link}/code` });
  const joined = await ctx.app.inject({
    method: 'POST',
    url: `/api/public/online/sessions/${sessionId}/join`,
    payload: {
      link,
      verificationId: code.json().verificationId,
      code: ctx.sms.lastCode(c.phones[0]),
      rightsAccepted: true,
      recordingConsent,
    },
  });
  expect(joined.statusCode, joined.body).toBe(200);
  return { c, sessionId, base: `/api/cases/${c.id}/sessions/${sessionId}` };
}

const put = (url: string, chunk: Buffer, cookie: string) =>
  ctx.app.inject({ method: 'PUT', url, headers: { cookie, 'content-type': 'application/octet-stream' }, payload: chunk });

describe('recording an online session (uploadSessionRecording)', () => {
  it('chunks in order, a repeat acknowledged, out of order refused; complete: a content-addressed WebM with its SHA-256', async () => {
    const { c, base } = await sessionWithParty(true);
    const started = await ctx.app.inject({
      method: 'POST',
      url: `${base}/recordings`,
      headers: { cookie: c.cookies.mediator },
      payload: {},
    });
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json().recordingId;
    const chunks = [WEBM_START, Buffer.alloc(5000, 1), Buffer.alloc(3000, 2)];
    expect((await put(`${base}/recordings/${id}/chunks/0`, chunks[0]!, c.cookies.mediator)).json().nextSeq).toBe(1);
    // A retry of chunk 0 is acknowledged, not appended twice.
    expect((await put(`${base}/recordings/${id}/chunks/0`, chunks[0]!, c.cookies.mediator)).json()).toMatchObject({
      nextSeq: 1,
      size: chunks[0]!.length,
    });
    const gap = await put(`${base}/recordings/${id}/chunks/2`, chunks[2]!, c.cookies.mediator);
    expect(gap.statusCode).toBe(409);
    expect(gap.json()).toMatchObject({ code: 'RECORDING_CHUNK_OUT_OF_ORDER', details: { expected: 1 } });
    await put(`${base}/recordings/${id}/chunks/1`, chunks[1]!, c.cookies.mediator);
    const done = await put(`${base}/recordings/${id}/chunks/2?final=true`, chunks[2]!, c.cookies.mediator);
    expect(done.json()).toMatchObject({ status: 'complete', size: 8000 + WEBM_START.length });
    const file = await readFile(contentPath(ctx.app.deps.config.dataDir, done.json().sha256));
    expect(file.subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
    expect(file).toEqual(Buffer.concat(chunks));
    // Only the mediator of the case uploads; another street's mediator does not see the case.
    const other = await put(`${base}/recordings/${id}/chunks/3`, Buffer.alloc(10), await signIn(ctx.app, 'mediator2'));
    expect(other.statusCode).toBe(404);
  });

  it('a refusal means no recording, and the session record says who refused', async () => {
    const { c, sessionId, base } = await sessionWithParty(false);
    const refused = await ctx.app.inject({
      method: 'POST',
      url: `${base}/recordings`,
      headers: { cookie: c.cookies.mediator },
      payload: {},
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('RECORDING_NOT_CONSENTED');
    const sessions = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/sessions`, headers: { cookie: c.cookies.mediator } });
    expect(sessions.json().find((s: { id: string }) => s.id === sessionId).online.recordingNote).toMatch(/^冯建设不同意录音录像/);
  });

  it('a first chunk that is not WebM is refused', async () => {
    const { c, base } = await sessionWithParty(true);
    const id = (
      await ctx.app.inject({ method: 'POST', url: `${base}/recordings`, headers: { cookie: c.cookies.mediator }, payload: {} })
    ).json().recordingId;
    const res = await put(`${base}/recordings/${id}/chunks/0`, Buffer.from('not a video at all'), c.cookies.mediator);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('RECORDING_NOT_WEBM');
  });
});
