import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/shared/calendar.js';
import { confirmDialog, pick, signInPage, startBrowserTest, type BrowserContext } from './browser.js';

/** A valid resident ID (GB 11643) nobody else in the run uses, so this person has no earlier cases. */
function uniqueIdNumber(): string {
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  const seq = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const body = `4108711978${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}${day}${seq}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * w[i]!, 0);
  return body + '10X98765432'[sum % 11];
}

let b: BrowserContext;
beforeAll(async () => {
  b = await startBrowserTest();
});
afterAll(() => b?.close());

describe('a walk-in dispute from the reception desk to the archive, in Chromium', () => {
  const state: { code?: string; token?: string } = {};
  const phone = `135${String(Date.now()).slice(-8)}`;
  const idNumber = uniqueIdNumber();

  it('reception registers a walk-in dispute and hands over the tracking code', async () => {
    const page = await signInPage(b, 'reception');
    await page.goto(`${b.baseUrl}/register`);
    const party = page.getByTestId('party-0');
    await party.getByLabel('姓名/名称').fill('钱𠈌华');
    // An ID with a wrong check digit is flagged inline before anything is sent.
    await party.getByLabel('身份证号').fill('110105194912310021');
    await expect.poll(() => page.getByText('身份证号码不正确').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await party.getByLabel('身份证号').fill(idNumber);
    await party.getByLabel('手机号').fill(phone);
    // The earlier-cases panel answers as soon as the phone is valid.
    await page.getByTestId('earlier-cases').getByText('未查到既往案件').waitFor();
    await pick(page, page.getByTestId('category'), '劳动争议');
    await page.getByLabel('事由').fill('装修工地拖欠工资');
    await page.getByLabel('反映内容').fill('在文苑街道某工地务工两个月，包工头拖欠工资八千元。');
    await page.getByLabel('事发地点').fill('文苑街道东方社区某工地');
    await pick(page, page.getByTestId('place-unit'), '东方社区', { search: true });
    await page.keyboard.press('Control+Enter');
    state.code = (await page.getByTestId('created-code').textContent())!;
    state.token = (await page.getByTestId('created-token').textContent())!;
    expect(state.code).toMatch(new RegExp(`^410871-${shanghaiDate(new Date()).slice(0, 4)}-\\d{6}$`));
    expect(state.token).toMatch(/^[0-9A-Z]{20}$/);
    await page.context().close();
  });

  it('dispatcher accepts it from the board and dispatches it to 文苑街道司法所', async () => {
    const page = await signInPage(b, 'dispatcher');
    await page.getByText('待分流案件', { exact: true }).waitFor();
    // The board opens on the cases waiting for the dispatcher (已登记); the segment is chosen explicitly all the same.
    await page.locator('.ant-segmented').getByText('已登记', { exact: true }).click();
    await page.getByRole('link', { name: state.code! }).click();
    await page
      .getByTestId('case-actions')
      .getByRole('button', { name: /受\s*理/ })
      .first()
      .click();
    await confirmDialog(page);
    await page.getByTestId('case-actions').getByRole('button', { name: '分流派单' }).click();
    const dialog = page.getByRole('dialog');
    await pick(page, dialog.getByTestId('lead-unit'), '文苑街道司法所', { search: true });
    await pick(page, dialog.getByLabel('承办人'), '赵敏');
    await confirmDialog(page);
    await expect.poll(() => page.locator('[data-status="dispatched"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // The dispatcher may not conclude: the button is not there.
    expect(await page.getByTestId('case-actions').getByRole('button', { name: '办结' }).count()).toBe(0);
    await page.context().close();
  });

  it('the other street’s mediator cannot open it', async () => {
    const page = await signInPage(b, 'mediator2');
    await page.goto(`${b.baseUrl}/mine`);
    await page.getByText('我的案件', { exact: true }).last().waitFor();
    expect(await page.getByRole('link', { name: state.code! }).count()).toBe(0);
    await page.context().close();
  });

  it('the mediator starts it and concludes it with an agreement', async () => {
    const page = await signInPage(b, 'mediator');
    await page.goto(`${b.baseUrl}/mine`);
    await page.getByRole('link', { name: state.code! }).click();
    // Personal data is masked on screen.
    await page.getByText(`${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`).waitFor();
    await page.getByTestId('case-actions').getByRole('button', { name: '开始办理' }).click();
    await confirmDialog(page);
    await page
      .getByTestId('case-actions')
      .getByRole('button', { name: /办\s*结/ })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: '调解成功（达成协议）' }).check();
    await dialog.getByLabel('情况说明').fill('双方当面协商，包工头同意于月底前一次性支付工资八千元，签订人民调解协议书。');
    await confirmDialog(page);
    await expect.poll(() => page.locator('[data-status="concluded"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.context().close();
  });

  it('reception follows up (满意)', async () => {
    const reception = await signInPage(b, 'reception');
    await reception.goto(`${b.baseUrl}/cases?q=${encodeURIComponent(state.code!)}`);
    await reception.getByRole('link', { name: state.code! }).click();
    await reception
      .getByTestId('case-actions')
      .getByRole('button', { name: /回\s*访/ })
      .click();
    await reception.getByRole('dialog').getByRole('radio', { name: '满意', exact: true }).check();
    await confirmDialog(reception);
    await expect.poll(() => reception.locator('[data-status="followed_up"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await reception.context().close();
  });

  // Its own test: two signed-in browser sessions in one took 21.6 s of the 30-s limit on a slow CI run, and 30 s once.
  it('the dispatcher archives it, and the timeline names every step', async () => {
    const dispatcher = await signInPage(b, 'dispatcher');
    await dispatcher.goto(`${b.baseUrl}/cases?q=${encodeURIComponent(state.code!)}`);
    await dispatcher.getByRole('link', { name: state.code! }).click();
    await dispatcher
      .getByTestId('case-actions')
      .getByRole('button', { name: /归\s*档/ })
      .click();
    await confirmDialog(dispatcher);
    await expect.poll(() => dispatcher.locator('[data-status="archived"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const timeline = await dispatcher.getByTestId('timeline').innerText();
    for (const step of ['登记', '受理', '分流派单', '开始办理', '办结', '回访', '归档']) expect(timeline).toContain(step);
    await dispatcher.context().close();
  });

  it('the resident checks progress by token and sees no personal data', async () => {
    const context = await b.browser.newContext({ locale: 'zh-CN', reducedMotion: 'reduce' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.route(
      (url) => !url.href.startsWith(b.baseUrl),
      (route) => route.abort(),
    );
    await page.goto(`${b.baseUrl}/progress`);
    await page.getByLabel('请输入回执上的查询码').fill(state.token!.toLowerCase());
    await page.keyboard.press('Enter');
    const result = page.getByTestId('progress-result');
    await result.waitFor();
    const text = await result.innerText();
    expect(text).toContain(state.code!);
    expect(text).toContain('已归档');
    expect(text).toContain('文苑街道司法所');
    for (const secret of ['钱𠈌华', idNumber, idNumber.slice(-4), phone, '赵敏', '包工头']) expect(text).not.toContain(secret);
    // The same page in English, for the switch every page offers.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Check progress' }).waitFor();
    expect(await result.innerText()).toContain('Archived');
    await context.close();
  });
});
