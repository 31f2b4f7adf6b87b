// The Teams App rehearsal webview in headless chromium: the built bundle (dist/webview/rehearsal.js), a CSP like
// the panel's, a stand-in acquireVsCodeApi. The host's side is played by posting its messages into the page.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { REQUIREMENTS } from '../../shared/requirements/rules.js';
import type { RehearsalHostMessage } from '../../shared/schemas/teamsRehearsal.js';
import { launchChromium, startHarness } from './harness.mjs';

const XSS = '<img src=x onerror="window.__pwned=1">';
const KEY_FILE = JSON.stringify({ configurationId: 1, pbxName: 'pbx.example.test', key: 'k'.repeat(40) });

let browser: Browser;
let harness: { url: string; close(): Promise<void> };

async function send(page: Page, msg: RehearsalHostMessage): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), msg);
}

async function posted(page: Page): Promise<any[]> {
  return page.evaluate(() => (window as any).__posted);
}

/** The newest message of `type` the webview posted, once there is one. */
async function postedOf(page: Page, type: string): Promise<any> {
  await page.waitForFunction((t) => (window as any).__posted.some((m: any) => m.type === t), type);
  return (await posted(page)).filter((m) => m.type === type).pop();
}

async function open(page: Page, lang = 'en', init: Partial<Extract<RehearsalHostMessage, { type: 'init' }>> = {}) {
  await page.goto(`${harness.url}?app=rehearsal&lang=${lang}`);
  await page.waitForFunction(() => (window as any).__posted?.some((m: any) => m.type === 'ready'));
  await send(page, {
    type: 'init',
    language: lang,
    connection: 'Local simulator',
    simulator: true,
    pbxName: 'pbx.example.test',
    login: '',
    ...init,
  });
}

const signedIn = (login = '1001', name = 'Anna Alt'): RehearsalHostMessage => ({
  type: 'signedIn',
  login,
  name,
  pbxName: 'pbx.example.test',
  rehearsed: true,
});

/** Drops a file on the element as a user's drag from the desktop would (a real DataTransfer with a File). */
async function dropFile(page: Page, selector: string, name: string, text: string): Promise<void> {
  await page.evaluate(
    ({ selector, name, text }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'application/json' }));
      const target = document.querySelector(selector)!;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { selector, name, text },
  );
}

describe('browser: the Teams App rehearsal webview', function () {
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    harness = await startHarness();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });
  beforeEach(async () => {
    problems.length = 0;
    page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
  });
  afterEach(async () => {
    await page.close();
  });
  /** A test that also fails on a page error, a console error, a dialog, a CSP violation or injected script. */
  const it = (title: string, fn: (this: Mocha.Context) => Promise<void>) =>
    globalThis.it(title, async function () {
      await fn.call(this);
      const csp: string[] = await page.evaluate(() => (window as any).__cspViolations);
      const pwned = await page.evaluate(() => (window as any).__pwned);
      assert.deepEqual(
        [...problems, ...csp.map((v) => `CSP: ${v}`)],
        [],
        'no page errors, console errors, dialogs or CSP violations',
      );
      assert.equal(pwned, undefined, 'no injected script ran');
    });

  it('posts ready first and shows the sign-in form with labelled fields and the PBX name from the host', async () => {
    await open(page);
    assert.deepEqual((await posted(page))[0], { type: 'ready' });
    assert.equal(await page.getByLabel('PBX name').inputValue(), 'pbx.example.test');
    for (const l of ['Key', 'Login', 'Password']) assert.equal(await page.getByLabel(l, { exact: true }).count(), 1, l);
    assert.equal(await page.getByRole('button', { name: /Drop the key file here/ }).count(), 1);
    assert.match((await page.textContent('.connection')) ?? '', /Local simulator/);
    assert.equal(await page.isHidden('.notice'), true, 'the simulator judges the sign-in: no notice');
  });

  it('signs in with a typed key (keyboard only) and shows the signed-in view with presence and journal', async () => {
    await open(page);
    await page.getByLabel('Key', { exact: true }).focus();
    await page.keyboard.type('0123456789abcdef');
    await page.keyboard.press('Tab'); // the drop zone
    await page.keyboard.press('Tab'); // login
    await page.keyboard.type('1001');
    await page.keyboard.press('Tab');
    await page.keyboard.type('anna-demo-1001');
    await page.keyboard.press('Enter');
    const signIn = await postedOf(page, 'signIn');
    assert.deepEqual(signIn, {
      type: 'signIn',
      pbxName: 'pbx.example.test',
      key: '0123456789abcdef',
      login: '1001',
      password: 'anna-demo-1001',
    });
    assert.equal(await page.getByRole('button', { name: 'Signing in…' }).isDisabled(), true);

    await send(page, signedIn());
    await send(page, {
      type: 'presence',
      presence: { chatPresence: 'AWAY', telephonyState: 'RINGING', message: 'At lunch' },
    });
    await send(page, {
      type: 'journal',
      total: 2,
      entries: [
        {
          id: '1',
          time: '2026-12-06T05:00:00.000Z',
          incoming: true,
          missed: true,
          number: '1003',
          name: 'Carla',
          durationSec: 0,
        },
        {
          id: '2',
          time: '2026-12-06T04:00:00.000Z',
          incoming: false,
          missed: false,
          number: '1099',
          name: 'Hotline',
          durationSec: 42,
        },
      ],
    });
    assert.equal(await page.textContent('.who'), 'Signed in as Anna Alt (1001)');
    assert.equal(await page.isHidden('form.signin'), true);
    assert.equal(await page.textContent('.chat-presence'), 'Away');
    assert.equal(await page.textContent('.telephony-state'), 'Ringing');
    assert.equal(await page.textContent('.presence-message'), 'At lunch');
    assert.deepEqual(await page.$$eval('.journal .kind', (els) => els.map((e) => e.textContent)), [
      'Missed',
      'Outgoing',
    ]);
    assert.equal(await page.textContent('.journal-count'), '2 of 2 calls');
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'the password is not kept in the form');
  });

  it("shows every unmet requirement with its Fix action and the guide's wording; a Fix click names it", async () => {
    await open(page);
    const requirements = REQUIREMENTS.map((r, i) => ({
      id: r.id,
      title: r.title.en,
      message: `${r.id} is not met`,
      guide: r.guide,
      fixes:
        i % 3 === 2
          ? []
          : [{ index: 0, title: `Fix ${r.id}` }, ...(i % 3 === 1 ? [{ index: 1, title: `Other fix ${r.id}` }] : [])],
    }));
    await send(page, { type: 'refused', login: '1002', summary: 'The sign-in is refused.', requirements });
    assert.equal(await page.textContent('#refused-heading'), 'The sign-in of 1002 is refused');
    assert.equal(await page.locator('.requirement').count(), REQUIREMENTS.length);
    assert.equal(await page.textContent('.unmet-count'), `${REQUIREMENTS.length} requirement(s) not met`);
    for (const r of requirements) {
      const item = page.locator(`.requirement[data-id="${r.id}"]`);
      assert.equal(await item.locator('h3').textContent(), `${r.id} · ${r.title}`);
      assert.equal(await item.locator('.message').textContent(), r.message);
      assert.equal(await item.locator('.guide').textContent(), `Guide: „${r.guide}“`);
      if (r.fixes.length) assert.equal(await item.getByRole('button').count(), r.fixes.length, r.id);
      else assert.equal(await item.locator('.no-fix').count(), 1, r.id);
    }
    // The form stays to try again; the heading has the focus (read out first).
    assert.equal(await page.isVisible('form.signin'), true);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'refused-heading');
    await page.getByRole('button', { name: 'Other fix R2', exact: true }).click();
    assert.deepEqual(await postedOf(page, 'fix'), { type: 'fix', requirement: 'R2', index: 1 });
    // Keyboard: the first Fix by Tab and Enter.
    await page.locator('.requirement[data-id="R1"] button').focus();
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'fix').pop(), {
      type: 'fix',
      requirement: 'R1',
      index: 0,
    });
  });

  it('takes a key file dropped onto the panel and signs in with its text instead of a key', async () => {
    await open(page);
    await page.getByLabel('Key', { exact: true }).fill('typed-but-replaced');
    await dropFile(page, '.drop-zone', 'starface-key.json', KEY_FILE);
    await page.waitForFunction(() => document.querySelector('.key-file-status')?.textContent !== '');
    assert.equal(await page.textContent('.key-file-status'), 'Key file starface-key.json loaded');
    assert.equal(await page.getByLabel('Key', { exact: true }).isDisabled(), true);
    await page.getByLabel('Login').fill('1001');
    await page.getByLabel('Password').fill('anna-demo-1001');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const signIn = await postedOf(page, 'signIn');
    assert.equal(signIn.keyFile, KEY_FILE);
    assert.equal('key' in signIn, false);
    // Back to a typed key.
    await page.getByRole('button', { name: 'Type the key instead' }).click();
    assert.equal(await page.textContent('.key-file-status'), '');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'password');
  });

  it('takes the key file from the file chooser opened with Enter on the drop zone', async () => {
    await open(page);
    // Whether headless chromium shows a chooser races with playwright's interception of it: the test checks that
    // Enter and Space open the file input, then picks the file through that input as the chooser would.
    await page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
      (window as any).__opened = 0;
      input.click = () => void (window as any).__opened++;
    });
    await page.locator('.drop-zone').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press(' ');
    assert.equal(await page.evaluate(() => (window as any).__opened), 2);
    await page.setInputFiles('input[type=file]', {
      name: 'key.json',
      mimeType: 'application/json',
      buffer: Buffer.from(KEY_FILE),
    });
    await page.waitForFunction(() => document.querySelector('.key-file-status')?.textContent !== '');
    assert.equal(await page.textContent('.key-file-status'), 'Key file key.json loaded');
  });

  it('refuses to send without the fields it needs, and says which is missing', async () => {
    await open(page, 'en', { pbxName: '' });
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.equal(await page.textContent('form.signin .form-message'), 'PBX name is missing');
    await page.getByLabel('PBX name').fill('pbx');
    await page.getByLabel('Login').fill('1001');
    await page.getByLabel('Password').fill('x');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.equal(await page.textContent('form.signin .form-message'), 'Type the key or drop the key file');
    assert.equal((await posted(page)).filter((m) => m.type === 'signIn').length, 0);
  });

  it('renders hostile names as text: no element, no script, no CSP violation', async () => {
    await open(page, 'en', { connection: XSS });
    await send(page, {
      type: 'refused',
      login: XSS,
      summary: XSS,
      requirements: [{ id: 'R10', title: XSS, message: XSS, guide: XSS, fixes: [{ index: 0, title: XSS }] }],
    });
    await send(page, signedIn(XSS, XSS));
    await send(page, { type: 'presence', presence: { chatPresence: XSS, telephonyState: XSS, message: XSS } });
    await send(page, {
      type: 'call',
      call: { id: 'c1', state: 'INCOMING', incoming: true, number: '1003', name: XSS },
    });
    await send(page, {
      type: 'journal',
      total: 1,
      entries: [{ id: '1', time: XSS, incoming: true, missed: false, number: '1', name: XSS, durationSec: 1 }],
    });
    await page.getByLabel('Search contacts').fill('x');
    await postedOf(page, 'search');
    await send(page, { type: 'contacts', query: 'x', contacts: [{ name: XSS, number: '1003' }] });
    await send(page, { type: 'error', message: XSS });
    assert.equal(await page.locator('img').count(), 0, 'no element made from data');
    assert.match((await page.textContent('.connection')) ?? '', /<img src=x/);
    assert.match((await page.textContent('.toast')) ?? '', /Incoming call from <img src=x/);
    assert.match((await page.textContent('.presence-message')) ?? '', /<img src=x/);
    assert.match((await page.textContent('.contacts')) ?? '', /<img src=x/);
    assert.match((await page.textContent('.error')) ?? '', /<img src=x/);
  });

  it('ignores messages that are not the contract', async () => {
    await open(page);
    for (const bad of [
      null,
      'signedIn',
      { type: 'evil', html: XSS },
      { type: 'call', call: { id: 'c', state: 'WHATEVER', incoming: true, number: '1', name: 'x' } },
      { type: 'signedIn', login: '1001', name: 'x', pbxName: 'p' },
      { type: 'journal', entries: 'x', total: 1 },
    ])
      await page.evaluate((m) => window.postMessage(m, '*'), bad as any);
    assert.equal(await page.isVisible('form.signin'), true);
    assert.equal(await page.locator('.toast').count(), 0);
  });

  it('shows an incoming call as an alert toast with the caller; Decline hangs up, Escape dismisses', async () => {
    await open(page);
    await send(page, signedIn());
    assert.equal(await page.getAttribute('.toasts', 'aria-live'), 'assertive');
    await send(page, {
      type: 'call',
      call: { id: 'c1', state: 'INCOMING', incoming: true, number: '1003', name: 'Carla Clausen' },
    });
    await send(page, {
      type: 'call',
      call: { id: 'c1', state: 'RINGING', incoming: true, number: '1003', name: 'Carla Clausen' },
    });
    const toast = page.getByRole('alert').filter({ hasText: 'Incoming call from Carla Clausen (1003)' });
    assert.equal(await toast.count(), 1, 'one toast per call');
    assert.match((await page.textContent('.calls')) ?? '', /Carla Clausen \(1003\): Ringing/);
    await toast.getByRole('button', { name: 'Decline' }).click();
    assert.deepEqual(await postedOf(page, 'hangup'), { type: 'hangup', callId: 'c1' });
    assert.equal(await page.locator('.toast').count(), 0);

    await send(page, {
      type: 'call',
      call: { id: 'c2', state: 'INCOMING', incoming: true, number: '1002', name: 'Bernd' },
    });
    assert.equal(await page.locator('.toast').count(), 1);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.toast').count(), 0);
    // Answered elsewhere or ended: the toast goes, and the call leaves the list on HANGUP.
    await send(page, {
      type: 'call',
      call: { id: 'c3', state: 'INCOMING', incoming: true, number: '1002', name: 'Bernd' },
    });
    await send(page, {
      type: 'call',
      call: { id: 'c3', state: 'HANGUP', incoming: true, number: '1002', name: 'Bernd' },
    });
    assert.equal(await page.locator('.toast').count(), 0);
    // An outgoing call never toasts.
    await send(page, {
      type: 'call',
      call: { id: 'c4', state: 'PROCEEDING', incoming: false, number: '1099', name: 'Hotline' },
    });
    assert.equal(await page.locator('.toast').count(), 0);
    assert.match((await page.textContent('.calls')) ?? '', /Hotline \(1099\): Dialling/);
  });

  it('dials from the dial pad by keyboard and from a contact found by search', async () => {
    await open(page);
    await send(page, signedIn());
    for (const d of ['1', '0', '0', '3']) {
      await page.locator(`.digit[data-digit="${d}"]`).focus();
      await page.keyboard.press('Enter');
    }
    assert.equal(await page.getByLabel('Number', { exact: true }).inputValue(), '1003');
    await page.getByRole('button', { name: 'Delete the last digit' }).click();
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    assert.deepEqual(await postedOf(page, 'dial'), { type: 'dial', number: '1002' });

    await page.getByLabel('Number', { exact: true }).fill('12ab');
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    assert.equal(await page.textContent('form.dial .form-message'), 'Enter digits, * or # to call');

    await page.getByLabel('Search contacts').fill('car');
    assert.deepEqual(await postedOf(page, 'search'), { type: 'search', query: 'car' });
    await send(page, { type: 'contacts', query: 'car', contacts: [{ name: 'Carla Clausen', number: '1003' }] });
    await page.getByRole('button', { name: 'Call Carla Clausen (1003)' }).click();
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'dial').pop(), { type: 'dial', number: '1003' });
  });

  it('says on a real PBX that the sign-in rehearsal needs the simulator', async () => {
    await open(page, 'en', { simulator: false });
    assert.equal(await page.isVisible('.notice'), true);
    assert.match((await page.textContent('.notice')) ?? '', /needs the simulator/);
    await send(page, { ...signedIn(), rehearsed: false } as RehearsalHostMessage);
    assert.equal(await page.isVisible('.notice'), true);
  });

  it('speaks German when VS Code does', async () => {
    await open(page, 'de');
    assert.equal(await page.getByLabel('Name der Anlage').count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Anmelden' }).count(), 1);
    await send(page, signedIn());
    await send(page, {
      type: 'presence',
      presence: { chatPresence: 'AVAILABLE', telephonyState: 'ACTIVE', message: '' },
    });
    assert.equal(await page.textContent('.telephony-state'), 'Im Gespräch');
    assert.equal(await page.textContent('.presence-message'), '(keine)');
  });
});
