import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseOk, signIn } from '../support/app.js';
import { newPage, signInPage, startBrowserTest, type BrowserContext } from './browser.js';

let b: BrowserContext;
beforeAll(async () => {
  b = await startBrowserTest();
});
afterAll(() => b?.close());

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe('a resident files on the portal; the dispatcher sees it arrive live; the resident follows it by token', () => {
  it('works end to end with nothing fetched from outside the platform', async () => {
    const dispatcher = await signInPage(b, 'dispatcher');
    await dispatcher.goto(`${b.baseUrl}/dispatch`);
    await dispatcher.locator('[data-testid="live-state"][data-state="open"]').waitFor();

    const resident = await newPage(b, { who: 'resident', contextOptions: PHONE });
    const outside: string[] = [];
    resident.on('request', (r) => {
      if (!r.url().startsWith(b.baseUrl)) outside.push(r.url());
    });
    const phone = `137${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    const tag = randomUUID().slice(0, 8);
    await resident.goto(`${b.baseUrl}/portal`);
    await resident.getByLabel('手机号码').fill(phone);
    await resident.getByRole('button', { name: '获取验证码' }).click();
    await resident.getByLabel('短信验证码').waitFor();
    await resident.getByLabel('短信验证码').fill(b.ctx.sms.lastCode(phone));
    await resident.getByRole('button', { name: '验证并继续' }).click();

    await resident.getByLabel('纠纷类别').selectOption({ label: '邻里' });
    const narrative = `楼上邻居家卫生间漏水三个月 ${tag}，多次协商无果，墙面发霉，希望社区协调维修。`;
    await resident.getByLabel('事情经过').fill(narrative);
    await resident.getByLabel('发生地（街道/乡镇）').selectOption({ label: '文苑街道' });
    await resident.getByLabel('社区/村（可不选）').selectOption({ label: '东方社区' });
    await resident.getByLabel('详细地点').fill('东方社区7号楼2单元');
    await resident.getByLabel('您的姓名').fill('刘桂兰');
    await resident.getByRole('button', { name: /提\s*交/ }).click();
    await resident.getByTestId('receipt').waitFor();
    const token = (await resident.getByTestId('portal-token').textContent())!.trim();
    const code = (await resident.getByTestId('portal-code').textContent())!.trim();
    expect(token).toMatch(/^[0-9A-Z]{20}$/);
    expect(code).toMatch(/^410871-\d{4}-\d{6}$/);

    // The dispatcher's board shows it without a reload.
    const summary = narrative.slice(0, 20);
    await expect
      .poll(() => dispatcher.getByTestId('live-arrivals').getByText(summary, { exact: false }).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);

    // The centre accepts and dispatches it; the resident sees that by token.
    const cookie = await signIn(b.ctx.app, 'dispatcher');
    const { rows } = await b.ctx.database.pool.query('select id from cases where code = $1', [code]);
    const sfs = (await b.ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
    await actOnCaseOk(b.ctx.app, { cookie, readerCookie: cookie }, rows[0].id, { action: 'accept' });
    await actOnCaseOk(b.ctx.app, { cookie, readerCookie: cookie }, rows[0].id, { action: 'dispatch', leadUnitId: sfs });
    await resident.goto(`${b.baseUrl}/progress/${token}`);
    const result = resident.getByTestId('progress-result');
    await result.waitFor();
    expect(await result.innerText()).toContain('已分流');
    expect(await result.innerText()).toContain('文苑街道司法所');
    expect(outside).toEqual([]);
    await resident.context().close();
    await dispatcher.context().close();
  });
});

describe('the grid worker’s app offline', () => {
  const tag = () => randomUUID().slice(0, 8);

  async function fileReport(page: Awaited<ReturnType<typeof signInPage>>, summary: string) {
    const form = page.getByTestId('grid-report-form');
    await form.getByLabel('事由').fill(summary);
    await form.getByLabel('情况描述').fill(`${summary}：巡查发现楼道堆放杂物，影响通行。`);
    await form.getByLabel('地点').fill('东方社区5号楼楼道');
    await form.getByRole('button', { name: /^上\s*报$/ }).click();
    // The form is cleared once the report is in the phone's queue.
    await expect.poll(() => form.getByLabel('事由').inputValue()).toBe('');
  }

  const summariesOnServer = async (prefix: string) =>
    (await b.ctx.database.pool.query(`select summary from cases where summary like $1 order by created_at, code`, [`${prefix}%`])).rows.map(
      (r) => r.summary as string,
    );

  it('files three reports offline and, back online, the server has exactly three in the order filed — even when the connection drops mid-sync', async () => {
    // Service workers off here, so every request passes the test's network hooks (the next test covers the shell).
    const page = await signInPage(b, 'grid', {
      ...PHONE,
      serviceWorkers: 'block',
      geolocation: { latitude: 35.2405, longitude: 113.2401 },
      permissions: ['geolocation'],
    });
    await page.goto(`${b.baseUrl}/grid`);
    await expect.poll(() => page.getByTestId('gps').innerText()).toContain('35.2405');
    await page.context().setOffline(true);
    await expect.poll(() => page.getByTestId('network-state').getAttribute('data-online')).toBe('false');

    const prefix = `离线上报-${tag()}`;
    const summaries = [1, 2, 3].map((n) => `${prefix}-${n}`);
    for (const s of summaries) await fileReport(page, s);
    await page.getByTestId('queue-tab').click();
    await expect.poll(() => page.locator('[data-testid="queue-list"] [data-state="queued"]').count()).toBe(3);
    expect(await summariesOnServer(prefix)).toEqual([]);

    // The second registration reaches the server, but its answer is lost: the phone must send it again.
    let posts = 0;
    await page.route(`${b.baseUrl}/api/cases`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posts++;
      if (posts === 2) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await page.context().setOffline(false);
    await expect.poll(() => page.locator('[data-testid="queue-list"] [data-state="synced"]').count(), { timeout: 30_000 }).toBe(3);
    expect(posts).toBe(4);
    expect(await summariesOnServer(prefix)).toEqual(summaries);
    await page.context().close();
  });

  it('opens offline from the service worker, keeps the queue across a reload, and sends it when the network returns', async () => {
    const page = await signInPage(b, 'grid', PHONE);
    await page.goto(`${b.baseUrl}/grid`);
    // The service worker is installed once it has cached the grid app's own files; from the
    // next load on it controls the page.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    // Signed in once online (the app remembers the worker for offline use from then on).
    await page.getByTestId('grid-report-form').waitFor();
    await page.context().setOffline(true);
    const prefix = `离线重开-${tag()}`;
    await fileReport(page, `${prefix}-1`);
    await page.reload();
    await page.getByTestId('grid-report-form').waitFor();
    await page.getByTestId('queue-tab').click();
    await expect.poll(() => page.locator('[data-testid="queue-list"] [data-state="queued"]').count()).toBe(1);
    await page.context().setOffline(false);
    await expect.poll(() => page.locator('[data-testid="queue-list"] [data-state="synced"]').count(), { timeout: 30_000 }).toBe(1);
    expect(await summariesOnServer(prefix)).toEqual([`${prefix}-1`]);
    await page.context().close();
  });
});
