import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import jsQR from 'jsqr';
import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../src/shared/calendar.js';
import { buildCaseBody } from '../../src/server/modules/cases/cases.factory.js';
import { actOnCaseOk, signIn } from '../support/app.js';
import { newPage, pick, SCREENSHOTS, signInPage, startBrowserTest, type BrowserContext } from './browser.js';

const PUBLIC_BASE_URL = 'https://fq.example.gov.cn';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const DESK = { viewport: { width: 1366, height: 768 } };
const SHOTS = join(SCREENSHOTS, 'people');
mkdirSync(SHOTS, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const webRoot = new URL('../../dist/web/', import.meta.url);

let b: BrowserContext;
beforeAll(async () => {
  b = await startBrowserTest({ env: { PUBLIC_BASE_URL, CENTRE_ADDRESS: '示范区文苑路1号', CENTRE_PHONE: '0391-1234567' } });
});
afterAll(() => b?.close());

/** Console errors and failed requests of a page: normal use leaves none. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** axe-core run in the page (evaluated, not an injected script tag, so a strict CSP does not stop it). */
async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // Each violating node with the start of its HTML, so a failure says what to fix.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: object,
          ) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[]; html: string }[] }[] }>;
        };
      }
    ).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`) }));
}

async function fileOnPortal(resident: Page, name: string) {
  const phone = `137${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
  await resident.goto(`${b.baseUrl}/portal`);
  await resident.getByLabel('手机号码').fill(phone);
  await resident.getByRole('button', { name: '获取验证码' }).click();
  await resident.getByLabel('短信验证码').waitFor();
  await resident.getByLabel('短信验证码').fill(b.ctx.sms.lastCode(phone));
  await resident.getByRole('button', { name: '验证并继续' }).click();
  await resident.getByLabel('纠纷类别').selectOption({ label: '物业' });
  await resident.getByLabel('事情经过').fill(`小区电梯停运两周 ${randomUUID().slice(0, 8)}，物业一直没有维修，老人上下楼困难。`);
  await resident.getByLabel('发生地（街道/乡镇）').selectOption({ label: '文苑街道' });
  await resident.getByLabel('详细地点').fill('东方社区9号楼');
  await resident.getByLabel('您的姓名').fill(name);
  await resident.getByRole('button', { name: '提交' }).click();
  await resident.getByTestId('receipt-qr').waitFor();
}

describe('the resident on a phone', () => {
  it('loads /portal with at most 200 KB of JavaScript over the wire, compressed, from one build', async () => {
    const page = await newPage(b, { who: 'resident', contextOptions: PHONE });
    const scripts: { url: string; bytes: number; body: number; encoding: string | undefined }[] = [];
    page.on('response', async (res) => {
      if (res.request().resourceType() !== 'script') return;
      const sizes = await res.request().sizes();
      scripts.push({
        url: res.url(),
        bytes: sizes.responseBodySize + sizes.responseHeadersSize,
        body: sizes.responseBodySize,
        encoding: (await res.allHeaders())['content-encoding'],
      });
    });
    await page.goto(`${b.baseUrl}/portal`, { waitUntil: 'networkidle' });
    const total = scripts.reduce((n, s) => n + s.bytes, 0);
    expect(scripts.length).toBeGreaterThan(0);
    expect(total, JSON.stringify(scripts)).toBeLessThanOrEqual(200 * 1024);
    // The build precompresses every file of 1 KiB or more (scripts/web-build/release-plugin.ts): each script comes
    // brotli-encoded, or is smaller than that and goes as it is.
    for (const s of scripts) expect(s.encoding === 'br' || (!s.encoding && s.body < 1024), JSON.stringify(s)).toBe(true);
    // The light page brings neither the staff app's Ant Design nor ECharts.
    expect(await page.evaluate(() => document.querySelectorAll('[class*="ant-"]').length)).toBe(0);

    // Hashed assets are immutable; one that is not in this build is a 404, never the app's HTML. A script that came
    // precompressed (scripts arrive in any order, and one under 1 KiB has no compressed copy to send gzip-encoded).
    const asset = scripts.find((s) => s.encoding === 'br')!.url;
    const res = await fetch(asset, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const missing = await fetch(`${b.baseUrl}/assets/index-NotThere1.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).not.toContain('text/html');
    await page.context().close();
  });

  it('is always the production build (no React development runtime in any bundle)', () => {
    const assets = new URL('assets/', webRoot);
    for (const f of readdirSync(assets).filter((x) => x.endsWith('.js')))
      expect(readFileSync(new URL(f, assets), 'utf8'), f).not.toContain('jsxDEV');
  });

  it('files a report and gets a receipt: centre, codes, QR code of the progress address, what happens next by when', async () => {
    const resident = await newPage(b, { who: 'resident', contextOptions: PHONE });
    const errors = watchErrors(resident);
    await fileOnPortal(resident, '㐀桂芳');
    const receipt = resident.getByTestId('receipt');
    const token = (await resident.getByTestId('portal-token').textContent())!.trim();
    const text = await receipt.innerText();
    expect(text).toContain('受理回执');
    expect(text).toContain('综治中心');
    expect(text).toContain('示范区文苑路1号');
    expect(text).toContain('0391-1234567');
    expect(text).toContain(shanghaiDate(new Date()));
    expect(text).not.toContain('交给');
    // The acceptance deadline from the case's clock: 1 working day (the centre's rule), i.e. within the next days.
    const next = await resident.getByTestId('receipt-next').innerText();
    const due = next.match(/\d{4}-\d{2}-\d{2}/)?.[0];
    expect(due! > shanghaiDate(new Date()) && due! <= addDays(shanghaiDate(new Date()), 10), next).toBe(true);
    // The unit is the one the progress page shows.
    const progress = await (await fetch(`${b.baseUrl}/api/public/progress/${token}`)).json();
    expect(await resident.getByTestId('receipt-unit').innerText()).toBe(progress.handlingUnit);

    // The tracking code is all on screen on a 390 px phone: no group cut off at the right.
    const box = await resident.getByTestId('receipt-token').boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    const overflow = await resident.getByTestId('receipt-token').evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect((await resident.getByTestId('receipt-token').innerText()).replace(/\s/g, '')).toBe(token);

    // The QR code decodes to the progress address with the token.
    const png = PNG.sync.read(await resident.getByTestId('receipt-qr').screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(`${PUBLIC_BASE_URL}/progress/${token}`);
    await resident.screenshot({ path: join(SHOTS, 'portal-receipt-390.png'), fullPage: true });
    expect(errors).toEqual([]);
    await resident.context().close();
  });

  it('finds the matter by token on /progress with no console error, also for a mistyped token', async () => {
    const resident = await newPage(b, { who: 'resident', contextOptions: PHONE });
    const errors = watchErrors(resident);
    await resident.goto(`${b.baseUrl}/progress`);
    await resident.getByLabel('请输入回执上的查询码').fill('not-a-token');
    await resident.getByRole('button', { name: '查询' }).click();
    await resident.getByRole('alert').waitFor();
    // The 404 of a wrong token is the answer shown, logged by the browser as a failed request only.
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
    await resident.context().close();
  });
});

describe('every name renders (GB 18030-2022)', () => {
  it(
    'registers 𠈌秀兰 at the desk; the case page draws the name with a font that has 𠈌, and the DOCX names SimSun-ExtB for it',
    { timeout: 60_000 },
    async () => {
      const page = await signInPage(b, 'reception', DESK);
      await page.goto(`${b.baseUrl}/register`);
      const party = page.getByTestId('party-0');
      await party.getByLabel('姓名/名称').fill('𠈌秀兰');
      await pick(page, page.getByTestId('category'), '邻里');
      await page.getByLabel('事由').fill('邻里噪音纠纷');
      await page.getByLabel('反映内容').fill('楼上住户夜间噪音，多次沟通无果。');
      await page.keyboard.press('Control+Enter');
      const code = (await page.getByTestId('created-code').textContent())!;
      await page.getByTestId('receipt-qr').waitFor();
      await page.screenshot({ path: join(SHOTS, 'register-receipt-1366.png'), fullPage: true });

      const { rows } = await b.ctx.database.pool.query('select id from cases where code = $1', [code]);
      const caseId = rows[0].id as string;
      await page.goto(`${b.baseUrl}/cases/${caseId}`);
      const name = page.getByText('𠈌秀兰').first();
      await name.waitFor();
      // Which fonts Chromium drew the name's text with: 𠈌 needs one that has it (the served fallback on a machine
      // whose fonts lack Extension B), never the last-resort boxes.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('DOM.enable');
      await cdp.send('CSS.enable');
      const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
      const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: '*' });
      const fontsOfName = async () => {
        for (const nodeId of nodeIds) {
          const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: 1 });
          if (!node.children?.some((c) => c.nodeType === 3 && c.nodeValue.includes('𠈌'))) continue;
          return (await cdp.send('CSS.getPlatformFontsForNode', { nodeId })).fonts.map((f) => `${f.familyName}:${f.glyphCount}`).join(', ');
        }
        return 'no text node with 𠈌';
      };
      await expect
        .poll(fontsOfName, { timeout: 10_000 })
        .toMatch(/LXGW|SimSun-ExtB|MingLiU-ExtB|Songti|Source Han|Noto (Sans|Serif) CJK|Plangothic|HanaMin/i);
      const hasGlyph = await page.evaluate(() => document.fonts.check('16px "FQ Rare Han"', '𠈌'));
      expect(hasGlyph).toBe(true);
      await name.screenshot({ path: join(SHOTS, 'rare-name-case-page.png') });

      // The mediator drafts the agreement; its DOCX (a draft, marked 草稿) names SimSun-ExtB for 𠈌.
      const dispatcher = await signIn(b.ctx.app, 'dispatcher');
      const mediator = await signIn(b.ctx.app, 'mediator');
      const sfs = (await b.ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
      await actOnCaseOk(b.ctx.app, { cookie: dispatcher, readerCookie: dispatcher }, caseId, { action: 'accept' });
      await actOnCaseOk(b.ctx.app, { cookie: dispatcher, readerCookie: dispatcher }, caseId, { action: 'dispatch', leadUnitId: sfs });
      await actOnCaseOk(b.ctx.app, { cookie: mediator, readerCookie: mediator }, caseId, { action: 'start' });
      const draft = await b.ctx.app.inject({
        method: 'PUT',
        url: `/api/cases/${caseId}/agreement`,
        headers: { cookie: mediator },
        payload: {
          form: 'written',
          subjectMatter: 'neighbourhood',
          facts: '楼上住户夜间噪音。',
          disputedMatters: '噪音',
          responsibilities: '双方协商',
          terms: [{ text: '晚十点后不再产生噪音', method: '自行履行', dueDate: addDays(shanghaiDate(new Date()), 7) }],
        },
      });
      expect(draft.statusCode, draft.body).toBeLessThan(300);
      const docx = await b.ctx.app.inject({ method: 'GET', url: `/api/cases/${caseId}/agreement.docx`, headers: { cookie: mediator } });
      expect(docx.statusCode).toBe(200);
      expect(docx.headers['content-disposition']).toContain('draft');
      const zip = await JSZip.loadAsync(docx.rawPayload);
      const xml = await zip.file('word/document.xml')!.async('string');
      const run = [...xml.matchAll(/<w:r>(.*?)<\/w:r>/g)].map((m) => m[1]!).find((r) => r.includes('𠈌'));
      expect(run, 'a run holding 𠈌').toBeDefined();
      expect(run).toMatch(/w:rFonts[^>]*w:eastAsia="SimSun-ExtB"/);
      expect(xml).toContain('秀兰');
      const headers = await Promise.all(
        Object.keys(zip.files)
          .filter((f) => /word\/header\d*\.xml$/.test(f))
          .map((f) => zip.file(f)!.async('string')),
      );
      expect(headers.join('')).toContain('草稿');
      const html = await b.ctx.app.inject({ method: 'GET', url: `/api/cases/${caseId}/agreement.html`, headers: { cookie: mediator } });
      expect(html.body).toContain('人民调解协议书（草稿）');
      expect(html.body).toMatch(/font-family: "SimSun", "SimSun-ExtB"/);
      await page.context().close();
    },
  );
});

/** A case to open (registered through the API when this file's tests run alone). */
async function someCase(): Promise<string> {
  const res = await b.ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: await signIn(b.ctx.app, 'reception'), 'idempotency-key': randomUUID() },
    payload: buildCaseBody(),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json().id as string;
}

describe('pages anyone can use', () => {
  /** The pages of the issue, each as its user opens it. */
  const PAGES: { name: string; user?: string; path: () => Promise<string> }[] = [
    { name: 'portal', path: async () => '/portal' },
    { name: 'progress', path: async () => '/progress' },
    { name: 'login', path: async () => '/login' },
    { name: 'register', user: 'reception', path: async () => '/register' },
    { name: 'case', user: 'dispatcher', path: async () => `/cases/${await someCase()}` },
    { name: 'dispatch', user: 'dispatcher', path: async () => '/dispatch' },
    { name: 'cockpit', user: 'leader', path: async () => '/command/cockpit' },
  ];

  for (const p of PAGES) {
    it(
      `${p.name}: axe finds nothing critical or serious at 1366 and 390 px, and normal use logs no console error`,
      { timeout: 60_000 },
      async () => {
        for (const [width, height] of [
          [1366, 768],
          [390, 844],
        ] as const) {
          const options = { viewport: { width, height }, ...(width < 500 ? { isMobile: true, hasTouch: true } : {}) };
          const page = p.user ? await signInPage(b, p.user, options) : await newPage(b, { who: p.name, contextOptions: options });
          const errors = watchErrors(page);
          await page.goto(`${b.baseUrl}${await p.path()}`, { waitUntil: 'networkidle' });
          await page.locator('main').first().waitFor();
          const violations = await axeViolations(page);
          await page.screenshot({ path: join(SHOTS, `${p.name}-${width}.png`), fullPage: true });
          expect(violations, `${p.name} at ${width} px`).toEqual([]);
          expect(errors, `${p.name} at ${width} px`).toEqual([]);
          await page.context().close();
        }
      },
    );
  }

  it(
    'every staff page has one h1, in the header, naming it as its menu entry does (and the window title follows)',
    // Four users × every menu entry of theirs (about 60 page loads in all).
    { timeout: 240_000 },
    async () => {
      for (const user of ['admin', 'leader', 'counsellor', 'mediator']) {
        const page = await signInPage(b, user, DESK);
        const entries = await page.locator('.ant-layout-sider .ant-menu-item').allInnerTexts();
        expect(entries.length, user).toBeGreaterThan(3);
        for (const entry of entries) {
          await page.goto(`${b.baseUrl}/cases`);
          // The whole entry (心理服务 is also the start of 心理服务数据).
          await page
            .locator('.ant-layout-sider .ant-menu-item', { hasText: new RegExp(`^${entry.trim().replace(/[()[\]/.*+?^$|]/g, '\\$&')}$`) })
            .click();
          // Until the new page has rendered, the list's own title is still there: wait for the entry's page, whose
          // header names it — or, for the wall screen (its own frame) and the grid app (a light page), which carry
          // their own single h1 and no header title, for that h1 alone.
          await expect
            .poll(
              async () => {
                const titles = await page.getByTestId('page-title').allInnerTexts();
                if (titles.length) return titles[0]!.trim();
                return (await page.locator('h1').count()) === 1 ? entry.trim() : '(no h1 yet)';
              },
              { timeout: 15_000 },
            )
            .toBe(entry.trim());
          if (await page.getByTestId('page-title').count()) await expect.poll(() => page.title()).toContain(entry.trim());
          expect(await page.locator('h1').count(), `${user}: ${entry}`).toBe(1);
        }
        await page.context().close();
      }
      // Pages reached from a list name themselves too; an unknown address is named 页面不存在.
      const page = await signInPage(b, 'dispatcher', DESK);
      await page.goto(`${b.baseUrl}/cases/${await someCase()}`);
      await expect.poll(() => page.getByTestId('page-title').innerText()).toBe('案件详情');
      await page.goto(`${b.baseUrl}/no-such-page`);
      await expect.poll(() => page.getByTestId('page-title').innerText()).toBe('页面不存在');
      expect(await page.locator('h1').count()).toBe(1);
      await page.context().close();
    },
  );

  it('an unknown address is a real 404 page, not another page', async () => {
    const page = await signInPage(b, 'reception', DESK);
    await page.goto(`${b.baseUrl}/no-such-page`);
    await page.getByTestId('not-found').waitFor();
    expect(new URL(page.url()).pathname).toBe('/no-such-page');
    await page.context().close();
  });
});

describe('English', () => {
  /**
   * What the server sent the page as data: its JSON answers and its live events (a board shows cases that other test
   * files register meanwhile, told by the WebSocket; their summaries are data, not labels).
   */
  async function collectData(page: Page) {
    const texts: string[] = [];
    const pending: Promise<unknown>[] = [];
    // The live board's server-sent events (case summaries registered by other test files meanwhile) are data too;
    // their stream never ends, so Playwright cannot read its body: the page keeps each event's data where `untranslated`
    // reads it (one extra listener per event type, beside the app's own).
    await page.addInitScript(() => {
      const w = window as unknown as { __liveData: string[] };
      w.__liveData = [];
      const add = EventSource.prototype.addEventListener;
      const recorded = new WeakMap<EventSource, Set<string>>();
      EventSource.prototype.addEventListener = function (this: EventSource, type: string, ...rest: unknown[]) {
        const types = recorded.get(this) ?? new Set<string>();
        recorded.set(this, types);
        if (!types.has(type)) {
          types.add(type);
          add.call(this, type, (e: Event) => w.__liveData.push(String((e as MessageEvent).data ?? '')));
        }
        return (add as (...a: unknown[]) => void).call(this, type, ...rest);
      } as typeof EventSource.prototype.addEventListener;
    });
    page.on('response', (res) => {
      if (res.url().includes('/api/') && (res.headers()['content-type'] ?? '').includes('json'))
        pending.push(
          res.text().then(
            (t) => texts.push(t),
            () => undefined,
          ),
        );
    });
    page.on('websocket', (ws) => ws.on('framereceived', (f) => texts.push(String(f.payload))));
    return { texts, settled: () => Promise.all(pending) };
  }

  /** Chinese text on screen that no API answer or live event carried: a label that is not in the locale files. */
  async function untranslated(page: Page, path: string, sent: Awaited<ReturnType<typeof collectData>>): Promise<string[]> {
    await page.goto(`${b.baseUrl}${path}`, { waitUntil: 'networkidle' });
    await page.locator('main').first().waitFor();
    const texts = await page.evaluate(() => {
      const out: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || !el.checkVisibility?.() || el.closest('[lang^="zh"]')) continue;
        const t = n.nodeValue?.trim();
        if (t && /[\u3400-\u9fff]/.test(t)) out.push(t);
      }
      for (const el of document.querySelectorAll<HTMLInputElement>('input[placeholder], textarea[placeholder]'))
        if (/[\u3400-\u9fff]/.test(el.placeholder)) out.push(el.placeholder);
      return out;
    });
    // Data (names of units, people, categories typed by staff…) and legal titles come from the server in Chinese.
    await sent.settled();
    const live = await page.evaluate(() => (window as unknown as { __liveData?: string[] }).__liveData ?? []);
    const data = [...sent.texts, ...live].join('\n');
    return texts.filter(
      (t) =>
        !t
          .split(/[\s·,:：、（）()/]+/)
          .filter((w) => /[\u3400-\u9fff]/.test(w))
          .every((w) => data.includes(w)),
    );
  }

  /**
   * English labels the page shortens with an ellipsis ("Ord…", "Mediation monthl…"): in English mode any text without
   * Chinese is the interface's own, so a shortened one is a label that does not fit (Chinese data in a narrow column
   * may be shortened; it is not a label).
   */
  async function cutLabels(page: Page): Promise<string[]> {
    return page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((el) => el.checkVisibility?.() && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).textOverflow === 'ellipsis')
        .map((el) => el.textContent?.trim() ?? '')
        .filter((t) => t && !/[\u3400-\u9fff]/.test(t)),
    );
  }

  for (const p of [
    { user: undefined, paths: ['/portal', '/progress', '/login'] },
    { user: 'reception', paths: ['/register'] },
    { user: 'dispatcher', paths: ['/dispatch', '/cases'] },
    {
      user: 'leader',
      paths: [
        '/command/cockpit',
        '/command/screen',
        '/command/map',
        '/command/three-zero',
        '/command/mediation-form',
        '/counselling/figures',
        '/packages',
      ],
    },
    { user: 'counsellor', paths: ['/counselling'] },
    {
      user: 'admin',
      paths: ['/admin/cameras', '/admin/api-clients', '/admin/risk-rules', '/admin/time-limits', '/admin/calendar', '/command/three-zero'],
    },
  ]) {
    it(`shows no Chinese outside data and no shortened label on ${p.paths.join(', ')} in English`, { timeout: 90_000 }, async () => {
      const page = p.user ? await signInPage(b, p.user, DESK) : await newPage(b, { who: 'english', contextOptions: DESK });
      await page.addInitScript(() => localStorage.setItem('fq.lang', 'en-US'));
      const sent = await collectData(page);
      for (const path of p.paths) {
        expect(await untranslated(page, path, sent), path).toEqual([]);
        // The page says it is English (screen readers pronounce by it; `untranslated` skips what is marked Chinese).
        expect(await page.evaluate(() => document.documentElement.lang), path).toBe('en-US');
        expect(await cutLabels(page), path).toEqual([]);
      }
      await page.context().close();
    });
  }
});
