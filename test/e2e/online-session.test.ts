import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseInMediationWithPhones, scheduleSessionFor, textedLinks } from '../support/online.js';
import { newPage, SCREENSHOTS, signInPage, startBrowserTest, type BrowserContext } from './browser.js';

let b: BrowserContext;
beforeAll(async () => {
  b = await startBrowserTest({
    env: { PUBLIC_BASE_URL: 'https://fq.example.gov.cn' },
    // A camera and microphone that need no person: Chromium's test pattern and beep, allowed without asking.
    chromiumArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
  });
});
afterAll(() => b?.close());

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** The other side's video is playing: it has a picture (videoWidth > 0) and its time moves on. */
async function expectRemoteVideoPlaying(page: Page) {
  const video = page.getByTestId('remote-video').first();
  await video.waitFor({ timeout: 20_000 });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0);
  const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 }).toBeGreaterThan(t0 + 0.5);
}

describe('an online mediation session in two Chromium contexts', () => {
  it(
    'the mediator starts, the party joins from a phone with the SMS code, each sees the other; the recording is uploaded as WebM; the record lists both with join and leave times',
    { timeout: 120_000 },
    async () => {
      const c = await caseInMediationWithPhones(b.ctx);
      const sessionId = await scheduleSessionFor(b.ctx, c);

      // The mediator opens the room from the case page's sessions card (its own tab).
      const mediator = await signInPage(b, 'mediator');
      await mediator.goto(`${b.baseUrl}/cases/${c.id}`);
      const href = await mediator.getByTestId('start-online').first().getAttribute('href');
      expect(href).toBe(`/online/host/${c.id}/${sessionId}`);
      await mediator.goto(`${b.baseUrl}${href}`);
      await mediator.getByTestId('local-video').waitFor();
      await mediator.getByText('已向冯建设、马德胜发送参加链接').waitFor();

      // The party: the link from the text message, the rights, the recording answer, the code from the SMS gateway.
      const [path] = await textedLinks(b.ctx, c.id, c.phones[0]);
      const party = await newPage(b, { who: 'party', contextOptions: PHONE });
      await party.goto(`${b.baseUrl}${path}`);
      await party.getByRole('heading', { level: 1, name: '参加线上调解' }).waitFor();
      await party.getByText('人民调解不收取任何费用').waitFor();
      await party.getByTestId('rights-accepted').check();
      await party.getByRole('radio', { name: '同意录音录像' }).check();
      await party.getByRole('button', { name: '获取验证码' }).click();
      await party.getByLabel('短信验证码').waitFor();
      await party.getByLabel('短信验证码').fill(b.ctx.sms.lastCode(c.phones[0]));
      await party.getByRole('button', { name: '进入调解' }).click();
      await party.getByTestId('waiting-room').waitFor();

      // The mediator admits from the waiting room; both see each other.
      await mediator.getByRole('button', { name: '准许进入' }).click();
      await party.getByTestId('waiting-room').waitFor({ state: 'detached' });
      await expectRemoteVideoPlaying(party);
      await expectRemoteVideoPlaying(mediator);
      await party.screenshot({ path: `${SCREENSHOTS}online-session-party-390.png` });
      expect(await party.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

      // Both consented: the mediator records a few seconds, uploaded in chunks as it goes.
      const recording = mediator.getByTestId('recording');
      await recording.getByRole('button', { name: '开始录像' }).click();
      await recording.getByText('正在录像').waitFor();
      await expect
        .poll(
          async () =>
            (await b.ctx.database.pool.query(`select next_seq from session_recordings where session_id = $1`, [sessionId])).rows[0]
              ?.next_seq ?? 0,
          {
            timeout: 20_000,
          },
        )
        .toBeGreaterThanOrEqual(2);
      await recording.getByRole('button', { name: '停止录像' }).click();
      await recording.getByText('录像已保存').waitFor({ timeout: 20_000 });
      const [rec] = (
        await b.ctx.database.pool.query(`select id, sha256, size, status from session_recordings where session_id = $1`, [sessionId])
      ).rows;
      expect(rec).toMatchObject({ status: 'complete' });
      const file = await readFile(
        join(b.ctx.app.deps.config.dataDir, 'recordings', rec.sha256.slice(0, 2), rec.sha256.slice(2, 4), `${rec.sha256}.webm`),
      );
      expect(file.subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // EBML: a WebM file
      expect(createHash('sha256').update(file).digest('hex')).toBe(rec.sha256);
      expect(file.length).toBe(Number(rec.size));

      // The party leaves, the mediator ends: the session record has both, with join and leave times.
      await party.getByRole('button', { name: '离开' }).click();
      await mediator.getByRole('button', { name: '结束调解' }).click();
      await mediator.getByTestId('session-ended').waitFor();
      const sessions = await b.ctx.app.inject({
        method: 'GET',
        url: `/api/cases/${c.id}/sessions`,
        headers: { cookie: c.cookies.mediator },
      });
      const online = sessions.json().find((s: { id: string }) => s.id === sessionId).online;
      expect(online.participants.map((p: { name: string; kind: string }) => [p.kind, p.name])).toEqual([
        ['mediator', '赵敏'],
        ['party', '冯建设'],
      ]);
      for (const p of online.participants) {
        expect(p.joinedAt).not.toBeNull();
        expect(p.leftAt).not.toBeNull();
        expect(new Date(p.leftAt).getTime()).toBeGreaterThan(new Date(p.joinedAt).getTime());
      }
      // Played back by those who may see the case file, each playback logged; listed in the case file by link.
      expect(online.recordings).toEqual([
        expect.objectContaining({ id: rec.id, sha256: rec.sha256, url: `/api/cases/${c.id}/recordings/${rec.id}` }),
      ]);
      const played = await b.ctx.app.inject({ method: 'GET', url: online.recordings[0].url, headers: { cookie: c.cookies.mediator } });
      expect(played.statusCode).toBe(200);
      expect(played.headers['content-type']).toBe('video/webm');
      expect(played.rawPayload.subarray(0, 4).toString('hex')).toBe('1a45dfa3');
      const logged = await b.ctx.database.pool.query(
        `select count(*)::int as n from access_log where field = 'session_recording' and purpose like $1`,
        [`%${rec.id}`],
      );
      expect(logged.rows[0].n).toBeGreaterThan(0);
      const zip = await JSZip.loadAsync(
        (await b.ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/case-file.zip`, headers: { cookie: c.cookies.mediator } }))
          .rawPayload,
      );
      expect(await zip.file('00-目录.html')!.async('string')).toContain(`/api/cases/${c.id}/recordings/${rec.id}`);
      expect(Object.keys(zip.files).some((f) => f.endsWith('.webm'))).toBe(false);
    },
  );
});
