import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startTestApp, type TestContext } from '../support/app.js';

/** Debian's Chromium (installed by .ci/run); Playwright's own browser download cannot work offline. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserContext {
  ctx: TestContext;
  browser: Browser;
  baseUrl: string;
  /** Content-Security-Policy violations any page reported (plugins/security-headers.ts): `close()` fails on any. */
  cspViolations: string[];
  close(): Promise<void>;
}

/** The real app with its built web UI on a real port, and a headless Chromium that can reach nothing else. */
export async function startBrowserTest(
  opts: { isolated?: boolean; env?: Record<string, string>; chromiumArgs?: string[] } = {},
): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium fonts-wqy-microhei`);
  // `isolated`: a database of the file's own, for journeys that count every case (the command centre).
  const ctx = await startTestApp({ withWeb: true, isolated: opts.isolated, env: opts.env });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const address = ctx.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // e.g. a camera and microphone that need no person (`--use-fake-device-for-media-stream`): the video journeys.
      ...(opts.chromiumArgs ?? []),
    ],
    // Under `faketime` (the suite run as if on another day: README) Chromium itself runs on the real clock — libfaketime
    // in a browser's processes makes them spin — and each page's clock is set to the faked day instead (newPage).
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'LD_PRELOAD' && !k.startsWith('FAKETIME'))) as Record<
      string,
      string
    >,
  });
  const cspViolations: string[] = [];
  return {
    ctx,
    browser,
    baseUrl: `http://127.0.0.1:${port}`,
    cspViolations,
    async close() {
      await browser.close();
      await ctx.close();
      // The journeys double as the check that the UI, ECharts and the service worker work under the platform's CSP.
      if (cspViolations.length) throw new Error(`the page broke its Content-Security-Policy:\n${cspViolations.join('\n')}`);
    },
  };
}

/**
 * A fresh browser session (its own cookies, storage and service workers) that can reach nothing outside the
 * platform, with refused API calls written to the test output.
 */
export async function newPage(
  b: BrowserContext,
  opts: { who: string; contextOptions?: Parameters<Browser['newContext']>[0] },
): Promise<Page> {
  // Reduced motion: the UI then draws dialogs and dropdowns without animations, so no click lands mid-animation.
  const context = await b.browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 1440, height: 900 },
    reducedMotion: 'reduce',
    ...opts.contextOptions,
  });
  context.setDefaultTimeout(10_000);
  // The pages' clock follows the server's: the day the suite is run as (Date.now() is the faked one under faketime).
  if (process.env.FAKETIME) await context.clock.install({ time: Date.now() });
  const page = await context.newPage();
  // Nothing may come from outside the platform (government intranets are offline).
  await page.route(
    (url) => !url.href.startsWith(b.baseUrl),
    (route) => route.abort(),
  );
  page.on('console', (msg) => {
    if (msg.type() === 'error' && msg.text().includes('Content Security Policy')) b.cspViolations.push(`[${opts.who}] ${msg.text()}`);
  });
  // A refused action shows up in the test output, not only as a toast nobody reads.
  page.on('response', async (res) => {
    if (res.url().includes('/api/') && res.status() >= 400 && res.request().method() !== 'GET') {
      console.warn(
        `[${opts.who}] ${res.request().method()} ${new URL(res.url()).pathname} → ${res.status()} ${await res.text().catch(() => '')}`,
      );
    }
  });
  return page;
}

/** Where the browser tests leave their screenshots (kept by CI as the run's pictures; not in git). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/** A fresh browser session signed in as a demo user through the sign-in page. */
export async function signInPage(
  b: BrowserContext,
  username: string,
  contextOptions?: Parameters<Browser['newContext']>[0],
): Promise<Page> {
  const page = await newPage(b, { who: username, contextOptions });
  await page.goto(`${b.baseUrl}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('fengqiao-demo');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('current-user').waitFor();
  return page;
}

/**
 * Picks an option of an Ant Design Select or TreeSelect by its visible text, and checks that the dropdown closed
 * (the choice took); on a busy machine a click can land while the filtered list re-renders, so it tries again.
 */
export async function pick(page: Page, field: ReturnType<Page['locator']>, text: string, opts: { search?: boolean } = {}) {
  const open = page.locator('.ant-select-dropdown:visible');
  for (let attempt = 1; ; attempt++) {
    await field.click();
    if (opts.search) {
      await page.keyboard.press('Control+A');
      await page.keyboard.type(text);
    }
    await open.locator(`:is(.ant-select-item-option, .ant-select-tree-node-content-wrapper)[title="${text}"]`).first().click();
    try {
      await open.first().waitFor({ state: 'hidden', timeout: 3_000 });
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Clicks 确定 in the open dialog and waits for it to close; if it stays open (a form error, say), fails with
 * what the dialog shows instead of timing out somewhere later.
 */
export async function confirmDialog(page: Page) {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: /确\s*定/ }).click();
  try {
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  } catch {
    const shot = join(tmpdir(), `fengqiao-dialog-${Date.now()}.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    throw new Error(`the dialog did not close (screenshot ${shot}): ${await dialog.innerText().catch(() => '?')}`);
  }
}

/** A text an ECharts chart drew on its canvas (a label, a legend entry, an axis label), its box in the chart's pixels. */
export interface DrawnText {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The texts a chart (components/chart.tsx) has drawn, read from its ECharts instance once `data-drawn` says the current
 * option is on the canvas: a canvas shows no text to the DOM, and a shortened label ("12…") is only visible here.
 * Labels ECharts hid (`hideOverlap`) are not drawn and not listed.
 */
export async function drawnTexts(chart: Locator): Promise<{ width: number; height: number; texts: DrawnText[] }> {
  await chart.and(chart.page().locator('[data-drawn="true"]')).waitFor();
  return chart.evaluate((el) => {
    interface Rect {
      x: number;
      y: number;
      width: number;
      height: number;
      clone(): Rect;
      applyTransform(m: number[]): void;
    }
    interface Drawn {
      type: string;
      style: { text?: string };
      transform?: number[];
      getBoundingRect(): Rect;
    }
    interface Instance {
      getWidth(): number;
      getHeight(): number;
      getZr(): { storage: { getDisplayList(update: boolean): Drawn[] } };
    }
    const instance = (el as HTMLElement & { chart?: Instance }).chart;
    if (!instance) throw new Error('no ECharts instance on the chart element');
    // Each line of a text is a `tspan` (zrender), its transform already the chart's after the update.
    const texts = instance
      .getZr()
      .storage.getDisplayList(true)
      .filter((d) => d.type === 'tspan' && d.style.text)
      .map((d) => {
        const r = d.getBoundingRect().clone();
        if (d.transform) r.applyTransform(d.transform);
        return { text: d.style.text!, x: r.x, y: r.y, width: r.width, height: r.height };
      });
    return { width: instance.getWidth(), height: instance.getHeight(), texts };
  });
}

/**
 * What is wrong with a chart's texts, for a leader reading them: one ECharts shortened ("30.5…"), one reaching past the
 * canvas (cut by its edge), two drawn over each other. Empty when every text is whole and readable.
 */
export function textProblems(drawn: { width: number; height: number; texts: DrawnText[] }): string[] {
  const problems: string[] = [];
  const edge = 1; // antialiasing: a glyph box may touch the edge by a pixel
  for (const t of drawn.texts) {
    if (/(\.\.\.|…)$/.test(t.text)) problems.push(`shortened: "${t.text}"`);
    if (t.x < -edge || t.y < -edge || t.x + t.width > drawn.width + edge || t.y + t.height > drawn.height + edge) {
      problems.push(
        `past the edge (${drawn.width}×${drawn.height}): "${t.text}" at ${Math.round(t.x)},${Math.round(t.y)} ${Math.round(t.width)}×${Math.round(t.height)}`,
      );
    }
  }
  const overlap = 2; // boxes of neighbouring lines may share a pixel row
  drawn.texts.forEach((a, i) =>
    drawn.texts.slice(i + 1).forEach((b) => {
      const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (w > overlap && h > overlap) problems.push(`over each other: "${a.text}" and "${b.text}"`);
    }),
  );
  return problems;
}
