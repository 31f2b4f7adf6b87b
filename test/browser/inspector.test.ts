// The inspector webview in headless chromium: the built bundle, a CSP like the panel's, a stand-in acquireVsCodeApi.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { SimEvent } from '../../shared/schemas/events.js';
import type { HostMessage } from '../../shared/schemas/inspector.js';
import { FEED_SOURCE, launchChromium, startHarness } from './harness.mjs';

const CALL = 'ucp.v22.events.call';
const XSS = '<img src=x onerror=alert(1)>';
const T0 = Date.parse('2025-01-02T10:00:00.000Z');

function ev(seq: number, service: string, event: string, data: Record<string, unknown>): SimEvent {
  return { seq, time: new Date(T0 + seq * 10).toISOString(), service, event, data };
}

function callState(
  seq: number,
  party: { userId: number; login: string; id: string },
  state: string,
  extra: Record<string, unknown> = {},
): SimEvent {
  return ev(seq, CALL, 'receiveCallState', {
    userId: party.userId,
    login: party.login,
    id: party.id,
    state,
    timestamp: T0 + seq * 10,
    callerNumber: '1001',
    callerName: 'Anna Alt',
    calledNumber: '1002',
    calledName: 'Ben Berg',
    ...extra,
  });
}

const ANNA = { userId: 1, login: '1001', id: 'a-0001' };
const BEN = { userId: 2, login: '1002', id: 'b-0002' };

/** A mixed sample: 3 user events, 2 config events, a call 1001 → 1002 with both parties (8 states). */
function sample(): SimEvent[] {
  return [
    ev(1, 'sim.events.users', 'created', { userId: 1, login: '1001' }),
    ev(2, 'sim.events.users', 'created', { userId: 2, login: '1002' }),
    ev(3, 'sim.events.config', 'changed', { autoprovisioning: false }),
    callState(4, ANNA, 'PROCEEDING'),
    callState(5, BEN, 'INCOMING'),
    callState(6, BEN, 'RINGING'),
    callState(7, ANNA, 'RINGBACK'),
    callState(8, ANNA, 'CONNECTED'),
    callState(9, BEN, 'CONNECTED'),
    ev(10, 'sim.events.config', 'changed', { pbxName: 'Zentrale Köln' }),
    callState(11, ANNA, 'HANGUP'),
    callState(12, BEN, 'HANGUP'),
    ev(13, 'sim.events.users', 'deleted', { userId: 2, login: '1002' }),
  ];
}

let browser: Browser;
let harness: { url: string; close(): Promise<void> };

async function send(page: Page, msg: HostMessage): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), msg);
}

/** Past the webview's redraw throttle (100 ms) and two animation frames: everything scheduled has been drawn. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((r) => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => r())), 120)),
  );
}

async function posted(page: Page): Promise<any[]> {
  return page.evaluate(() => (window as any).__posted);
}

async function open(page: Page, events: SimEvent[] = sample(), bufferSize = 50_000): Promise<void> {
  await page.goto(harness.url);
  await page.waitForFunction(() => (window as any).__posted?.some((m: any) => m.type === 'ready'));
  await send(page, { type: 'init', bufferSize, language: 'en', connection: 'Simulator' });
  await send(page, { type: 'status', status: { state: 'live', connection: 'Simulator' } });
  if (events.length) await send(page, { type: 'events', events });
  await settle(page);
}

/** The seqs of the rows in the DOM, top to bottom. */
async function rowSeqs(page: Page): Promise<number[]> {
  return page.$$eval('.spacer > [role=row]:not([hidden])', (rows) =>
    rows
      .map((r) => ({ seq: Number((r as HTMLElement).dataset.seq), i: Number(r.getAttribute('aria-rowindex')) }))
      .sort((a, b) => a.i - b.i)
      .map((r) => r.seq),
  );
}

async function typeFilter(page: Page, selector: string, value: string): Promise<void> {
  await page.fill(selector, value);
  await settle(page);
}

describe('browser: the event inspector webview', function () {
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
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
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
  /** A test that also fails on a page error, a console error, a dialog or a CSP violation. */
  const it = (title: string, fn: (this: Mocha.Context) => Promise<void>) =>
    globalThis.it(title, async function () {
      await fn.call(this);
      const csp: string[] = await page.evaluate(() => (window as any).__cspViolations);
      assert.deepEqual(
        [...problems, ...csp.map((v) => `CSP: ${v}`)],
        [],
        'no page errors, console errors, dialogs or CSP violations',
      );
    });

  it('posts ready first, shows the rows in an ARIA grid and the connection status', async () => {
    await open(page);
    const msgs = await posted(page);
    assert.deepEqual(msgs[0], { type: 'ready' });
    assert.equal(await page.getAttribute('[role=grid]', 'aria-rowcount'), '14');
    assert.equal(await page.locator('[role=columnheader]').count(), 6);
    assert.deepEqual(await rowSeqs(page), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    assert.equal(
      await page.locator('.spacer > [role=row]:not([hidden])').first().locator('[role=gridcell]').count(),
      6,
    );
    assert.match((await page.textContent('.status')) ?? '', /Simulator: live/);
    assert.match((await page.textContent('.count')) ?? '', /13 events/);
  });

  it('filters by service, event, user, call id and free text', async () => {
    await open(page);
    await page.selectOption('.f-service', 'sim.events.config');
    await settle(page);
    assert.deepEqual(await rowSeqs(page), [3, 10]);
    await page.selectOption('.f-service', '');
    await typeFilter(page, '.f-event', 'deleted');
    assert.deepEqual(await rowSeqs(page), [13]);
    await typeFilter(page, '.f-event', '');
    await typeFilter(page, '.f-user', '1002');
    assert.deepEqual(await rowSeqs(page), [2, 5, 6, 9, 12, 13]);
    await typeFilter(page, '.f-user', '');
    await typeFilter(page, '.f-call', ANNA.id);
    assert.deepEqual(await rowSeqs(page), [4, 7, 8, 11]);
    await typeFilter(page, '.f-call', '');
    await typeFilter(page, '.f-text', 'zentrale KÖLN');
    assert.deepEqual(await rowSeqs(page), [10]);
    assert.match((await page.textContent('.count')) ?? '', /1 of 13/);
    await page.click('.f-clear');
    await settle(page);
    assert.equal((await rowSeqs(page)).length, 13);
  });

  it('shows one call as a ladder of both parties', async () => {
    await open(page);
    await page.click('.spacer > [role=row][data-seq="7"]');
    await settle(page);
    await page.click('.show-call');
    await settle(page);
    await page.waitForSelector('.ladder');
    const heads = await page.$$eval('.ladder [role=columnheader]', (els) => els.map((e) => e.textContent));
    assert.deepEqual(heads, ['Time', 'Caller 1001 (1001)', 'Callee 1002 (1002)']);
    const steps = await page.$$eval('.ladder .lrow[data-seq]', (rows) =>
      rows.map((r) => {
        const cells = Array.from(r.querySelectorAll('.lline'));
        const col = cells.findIndex((c) => c.querySelector('.lstate'));
        return `${(r as HTMLElement).dataset.seq}:${col}:${cells[col]?.textContent}`;
      }),
    );
    assert.deepEqual(steps, [
      '4:0:PROCEEDING',
      '5:1:INCOMING',
      '6:1:RINGING',
      '7:0:RINGBACK',
      '8:0:CONNECTED',
      '9:1:CONNECTED',
      '11:0:HANGUP',
      '12:1:HANGUP',
    ]);
    assert.equal(await page.inputValue('.f-call'), ANNA.id);
    await page.click('.view-table');
    await settle(page);
    assert.deepEqual(await rowSeqs(page), [4, 7, 8, 11]);
  });

  it('exports all and the filtered rows, copies an event, asks to open a file', async () => {
    const events = sample();
    await open(page, events);
    await page.click('.export-all');
    await typeFilter(page, '.f-user', '1001');
    await page.click('.export-filtered');
    await page.click('.spacer > [role=row][data-seq="4"]');
    await settle(page);
    await page.click('.copy');
    await page.click('.open-file');
    const msgs = (await posted(page)).slice(1);
    assert.deepEqual(msgs[0], { type: 'export', scope: 'all', events });
    assert.deepEqual(msgs[1], {
      type: 'export',
      scope: 'filtered',
      events: events.filter((e) => e.data.login === '1001'),
    });
    assert.equal(msgs[2].type, 'copy');
    assert.deepEqual(JSON.parse(msgs[2].text), events[3]);
    assert.deepEqual(msgs[3], { type: 'openFile' });
  });

  it('renders a hostile caller name as text: no element, no script, no dialog', async () => {
    const evil = callState(1, { userId: 9, login: XSS, id: `${XSS}-id` }, 'INCOMING', {
      callerName: XSS,
      calledName: '"><script>alert(2)</script>',
    });
    const other = ev(2, `${XSS}.svc`, XSS, { [XSS]: XSS });
    await open(page, [evil, other]);
    await page.click('.spacer > [role=row][data-seq="1"]');
    await settle(page);
    const row = (await page.textContent('.spacer > [role=row][data-seq="1"]')) ?? '';
    assert.ok(row.includes(`${XSS}`), row);
    assert.ok(((await page.textContent('.json')) ?? '').includes(`"callerName": "${XSS}"`));
    await page.click('.show-call');
    await settle(page);
    await page.waitForSelector('.ladder');
    assert.ok(((await page.textContent('.call-view')) ?? '').includes(XSS));
    await page.click('.view-table');
    await page.selectOption('.f-service', `${XSS}.svc`);
    await settle(page);
    assert.ok(((await page.textContent('.f-service')) ?? '').includes(`${XSS}.svc`));
    await page.waitForTimeout(200);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('body script').count(), 2, 'only the harness scripts');
    assert.equal(await page.evaluate(() => document.querySelectorAll('[onerror], [onclick], [onload]').length), 0);
  });

  it('pauses: counts new events, shows them on resume', async () => {
    await open(page);
    await page.click('.pause');
    await send(page, {
      type: 'events',
      events: [ev(14, 'sim.events.log', 'line', { text: 'a' }), ev(15, 'sim.events.log', 'line', { text: 'b' })],
    });
    await settle(page);
    assert.equal((await rowSeqs(page)).length, 13);
    assert.match((await page.textContent('.banner')) ?? '', /Paused — 2 new events/);
    assert.equal(await page.getAttribute('.pause', 'aria-pressed'), 'true');
    await page.click('.pause');
    await settle(page);
    assert.deepEqual((await rowSeqs(page)).slice(-2), [14, 15]);
    assert.equal(await page.isHidden('.banner'), true);
  });

  it('restores filters, view, selection and follow tail after a reload', async () => {
    await open(page);
    await typeFilter(page, '.f-user', '1002');
    await page.click('.spacer > [role=row][data-seq="9"]');
    await page.click('.follow');
    await settle(page);
    const before = await page.evaluate(() => JSON.parse(sessionStorage.getItem('inspector-harness-state')!));
    assert.deepEqual(before, {
      filters: { services: [], event: '', user: '1002', callId: '', text: '' },
      paused: false,
      followTail: false,
      selectedSeq: 9,
      view: 'table',
    });
    await page.reload();
    await page.waitForFunction(() => (window as any).__posted?.some((m: any) => m.type === 'ready'));
    await send(page, { type: 'init', bufferSize: 50_000, language: 'en', connection: 'Simulator' });
    await send(page, { type: 'events', events: sample() });
    await settle(page);
    assert.equal(await page.inputValue('.f-user'), '1002');
    assert.equal(await page.isChecked('.follow'), false);
    assert.deepEqual(await rowSeqs(page), [2, 5, 6, 9, 12, 13]);
    assert.equal(await page.getAttribute('.spacer > [role=row][data-seq="9"]', 'aria-selected'), 'true');
    assert.match((await page.textContent('.detail-title')) ?? '', /#9 /);
  });

  it('moves the selection with the keyboard and keeps aria-activedescendant on the selected row', async () => {
    const events = Array.from({ length: 500 }, (_, i) =>
      ev(i + 1, 'sim.events.log', 'line', { text: `line ${i + 1}` }),
    );
    await open(page, events);
    await page.focus('[role=grid]');
    const selected = async () => {
      await settle(page);
      const id = await page.getAttribute('[role=grid]', 'aria-activedescendant');
      assert.ok(id, 'an active descendant');
      const row = page.locator(`#${id}`);
      assert.equal(await row.getAttribute('aria-selected'), 'true');
      assert.ok(await row.isVisible());
      return Number(await row.getAttribute('data-seq'));
    };
    await page.keyboard.press('Home');
    assert.equal(await selected(), 1);
    assert.equal(await page.isChecked('.follow'), false);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await selected(), 3);
    await page.keyboard.press('ArrowUp');
    assert.equal(await selected(), 2);
    await page.keyboard.press('PageDown');
    const afterPage = await selected();
    assert.ok(afterPage > 10, `PageDown moved to ${afterPage}`);
    await page.keyboard.press('PageUp');
    assert.equal(await selected(), 2);
    await page.keyboard.press('End');
    assert.equal(await selected(), 500);
    assert.equal(await page.isChecked('.follow'), true);
    assert.match((await page.textContent('.json')) ?? '', /"line 500"/);
    assert.ok((await page.locator('.spacer > [role=row]').count()) < 80, 'only the visible rows are in the DOM');
  });

  it('shows status, gaps, a loaded file, and clears', async () => {
    await open(page);
    await send(page, {
      type: 'status',
      status: { state: 'reconnecting', connection: 'Simulator', detail: 'socket closed', retryInMs: 4000 },
    });
    await send(page, { type: 'gap', afterSeq: 13, beforeSeq: 20, filled: false });
    await send(page, { type: 'events', events: [ev(20, 'sim.events.log', 'line', { text: 'after' })] });
    await settle(page);
    assert.match((await page.textContent('.status')) ?? '', /reconnecting \(retry in 4 s\) — socket closed/);
    assert.equal(await page.getAttribute('.spacer > [role=row][data-seq="20"]', 'class'), 'row gap');
    assert.match((await page.textContent('.banner')) ?? '', /1 gap/);
    await page.click('.reconnect');
    assert.deepEqual((await posted(page)).at(-1), { type: 'reconnect' });
    await send(page, {
      type: 'loaded',
      source: 'recording.jsonl',
      events: [ev(100, 'sim.events.log', 'line', {})],
      skipped: 2,
    });
    await send(page, { type: 'events', events: [ev(21, 'sim.events.log', 'line', {})] });
    await settle(page);
    assert.deepEqual(await rowSeqs(page), [100]);
    assert.match((await page.textContent('.status')) ?? '', /File: recording.jsonl \(2 lines skipped\)/);
    await page.click('.clear');
    await settle(page);
    assert.deepEqual(await rowSeqs(page), []);
    await send(page, { type: 'clear' });
    // An invalid message is ignored.
    await page.evaluate(() => window.postMessage({ type: 'events', events: [{ seq: 'x' }] }, '*'));
    await settle(page);
    assert.deepEqual(await rowSeqs(page), []);
  });

  it('speaks German on a German page: toolbar, column headers, filters, status, banner, ladder', async () => {
    await page.goto(`${harness.url}?lang=de`);
    await page.waitForFunction(() => (window as any).__posted?.some((m: any) => m.type === 'ready'));
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.equal(await page.textContent('.pause'), 'Pausieren');
    assert.equal(await page.textContent('.status'), 'Warte auf die Erweiterung…');
    const headers = await page.$$eval('.grid [role=columnheader]', (els) => els.map((e) => e.textContent));
    assert.deepEqual(headers, ['Zeit', 'Seq', 'Dienst', 'Ereignis', 'Benutzer / Nummer', 'Zusammenfassung']);
    assert.equal(await page.getAttribute('[role=grid]', 'aria-label'), 'Ereignisse');
    assert.equal(await page.getAttribute('.f-user', 'placeholder'), 'Benutzer (Login oder ID)');
    assert.equal(await page.textContent('.f-clear'), 'Zurücksetzen');
    assert.equal(await page.textContent('.open-file'), 'Datei öffnen…');
    assert.equal(await page.textContent('.detail-title'), 'Kein Ereignis ausgewählt');

    await send(page, { type: 'init', bufferSize: 50_000, language: 'de', connection: 'Simulator' });
    await send(page, { type: 'status', status: { state: 'reconnecting', connection: 'Simulator', retryInMs: 2000 } });
    await send(page, { type: 'events', events: sample() });
    await settle(page);
    assert.equal(await page.textContent('.count'), '13 Ereignisse');
    assert.equal(await page.textContent('.status'), 'Simulator: verbindet erneut (neuer Versuch in 2 s)');
    assert.equal(await page.textContent('.reconnect'), 'Neu verbinden');
    await page.click('.pause');
    await send(page, {
      type: 'events',
      events: [ev(14, 'sim.events.log', 'line', { text: 'a' }), ev(15, 'sim.events.log', 'line', { text: 'b' })],
    });
    await settle(page);
    assert.equal(await page.textContent('.pause'), 'Fortsetzen');
    assert.match(
      (await page.textContent('.banner')) ?? '',
      /Pausiert — 2 neue Ereignisse werden beim Fortsetzen angezeigt\./,
    );
    await page.click('.pause');
    await page.click('.spacer > [role=row][data-seq="7"]');
    await settle(page);
    assert.equal(await page.textContent('.show-call'), 'Anruf zeigen');
    await page.click('.show-call');
    await settle(page);
    await page.waitForSelector('.ladder');
    const heads = await page.$$eval('.ladder [role=columnheader]', (els) => els.map((e) => e.textContent));
    assert.deepEqual(heads, ['Zeit', 'Anrufer 1001 (1001)', 'Angerufener 1002 (1002)']);
    assert.equal(await page.textContent('.ladder-title'), 'Anruf 1001 Anna Alt → 1002 Ben Berg');
  });

  it('switches to German when the init message says so, numbers included', async () => {
    const events = Array.from({ length: 1200 }, (_, i) =>
      ev(i + 1, 'sim.events.log', 'line', { text: `line ${i + 1}` }),
    );
    await open(page, events, 1000);
    assert.equal(await page.textContent('.pause'), 'Pause');
    assert.match((await page.textContent('.banner')) ?? '', /200 older events dropped \(buffer 1,000\)/);
    await send(page, { type: 'init', bufferSize: 1000, language: 'de-DE', connection: 'Simulator' });
    await settle(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'de-DE');
    assert.equal(await page.textContent('.pause'), 'Pausieren');
    assert.equal(await page.textContent('.grid [role=columnheader]'), 'Zeit');
    assert.equal(await page.textContent('.f-service option[value=""]'), 'Alle Dienste');
    assert.equal(await page.textContent('.count'), '1.000 Ereignisse');
    assert.equal(await page.textContent('.status'), 'Simulator: live');
    assert.match((await page.textContent('.banner')) ?? '', /200 ältere Ereignisse verworfen \(Puffer 1\.000\)/);
  });

  // Behaviour only: how long the page's tasks take under this load is `npm run bench -- inspector` (long tasks).
  it('takes 100,000 events at 5,000/s: keeps the newest 50,000 in order, no gaps, no duplicates, newest row visible', async function () {
    this.timeout(180_000);
    await open(page, []);
    const feed = (await page.evaluate(
      `(${FEED_SOURCE})({ total: 100000, perSecond: 5000, tickMs: 20, firstSeq: 1 })`,
    )) as { sent: number };
    assert.equal(feed.sent, 100_000);
    await page.waitForSelector('.spacer > [role=row][data-seq="100000"]', { timeout: 60_000 });
    await settle(page);
    const last = page.locator('.spacer > [role=row][data-seq="100000"]');
    assert.ok(await last.isVisible(), 'the newest row is in the DOM');
    const [box, viewport] = await Promise.all([last.boundingBox(), page.locator('.viewport').boundingBox()]);
    assert.ok(
      box && viewport && box.y >= viewport.y - 1 && box.y + box.height <= viewport.y + viewport.height + 1,
      'the newest row is inside the viewport',
    );
    const drawn = await rowSeqs(page);
    assert.ok(drawn.length > 0);
    assert.equal(drawn.at(-1), 100_000, 'the newest row is the last one drawn');
    assert.deepEqual(
      drawn,
      Array.from({ length: drawn.length }, (_, i) => 100_000 - drawn.length + 1 + i),
      'the drawn rows are consecutive',
    );
    assert.equal(await page.getAttribute('[role=grid]', 'aria-rowcount'), '50001');
    assert.match((await page.textContent('.count')) ?? '', /50,000 events/);
    assert.match((await page.textContent('.banner')) ?? '', /50,000 older events dropped/);
    // What the buffer holds, as "export all" hands it to the host: exactly 50,001…100,000, in order.
    await page.click('.export-all');
    const exported = await page.evaluate(() => {
      const m = (window as any).__posted.findLast((x: any) => x.type === 'export');
      const seqs: number[] = m.events.map((e: { seq: number }) => e.seq);
      const gaps = seqs.filter((s, i) => i > 0 && s !== seqs[i - 1]! + 1).length;
      return {
        scope: m.scope,
        count: seqs.length,
        first: seqs[0],
        last: seqs.at(-1),
        gaps,
        distinct: new Set(seqs).size,
      };
    });
    assert.deepEqual(exported, {
      scope: 'all',
      count: 50_000,
      first: 50_001,
      last: 100_000,
      gaps: 0,
      distinct: 50_000,
    });
    assert.match((await page.textContent('.banner')) ?? '', /50,000 older events dropped/);
  });
});
