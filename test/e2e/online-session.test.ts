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
    'the mediator starts, the party joins from a phone with the SMS code, each sees the other; the record lists both with join and leave times',
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
    },
  );
});
