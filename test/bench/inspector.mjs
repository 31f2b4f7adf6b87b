// `npm run bench -- inspector`: the event inspector webview (dist/webview) in headless chromium with the browser
// tier's harness. Feeds BENCH_INSPECTOR_EVENTS (100,000) events at BENCH_INSPECTOR_RATE (5,000/s) in the host's
// `events` messages, then reports the JS heap (CDP Runtime.getHeapUsage, before and after a forced GC), the time
// from a filter change to the redrawn rows, and the long tasks (PerformanceObserver 'longtask').
// Targets: heap < 150 MB, filter change < 100 ms, no long task over 50 ms.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { FEED_SOURCE, launchChromium, startHarness } from '../browser/harness.mjs';
import { envInt, esbuild, progress, ROOT, round } from './common.mjs';

const TARGETS = { heapMb: 150, filterMs: 100, longTaskMs: 50 };

// Runs in the page: changes one filter input like a user would and times it to the redrawn rows (the webview
// redraws in the next animation frame; a later frame callback runs after it) and to the frame after.
const FILTER_SOURCE = `async ({ selector, value }) => {
  const el = document.querySelector(selector);
  const t0 = performance.now();
  el.value = value;
  el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
  await new Promise((r) => requestAnimationFrame(() => r()));
  const drawn = performance.now() - t0;
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const nextFrame = performance.now() - t0;
  const rows = document.querySelectorAll('.spacer > [role=row]:not([hidden])').length;
  return { drawn, nextFrame, rows, count: document.querySelector('.count').textContent };
}`;

export async function benchInspector() {
  const total = envInt('BENCH_INSPECTOR_EVENTS', 100_000);
  const rate = envInt('BENCH_INSPECTOR_RATE', 5_000);
  const buffer = envInt('BENCH_INSPECTOR_BUFFER', 50_000);
  esbuild('--production');
  const harness = await startHarness();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const cdp = await page.context().newCDPSession(page);
    await page.goto(harness.url);
    await page.waitForFunction(() => globalThis.__posted?.some((m) => m.type === 'ready'));
    await page.evaluate(
      (bufferSize) => globalThis.postMessage({ type: 'init', bufferSize, language: 'en', connection: 'bench' }, '*'),
      buffer,
    );
    const heap0 = await cdp.send('Runtime.getHeapUsage');
    await page.evaluate(() => (globalThis.__longtasks.length = 0));
    progress(`feeding ${total} events at ${rate}/s (buffer ${buffer})`);
    const feed = await page.evaluate(
      `(${FEED_SOURCE})({ total: ${total}, perSecond: ${rate}, tickMs: 20, firstSeq: 1 })`,
    );
    await page.waitForTimeout(300);
    const feedTasks = await page.evaluate(() => globalThis.__longtasks.splice(0));
    const newestVisible = await page.locator(`.spacer > [role=row][data-seq="${total}"]`).isVisible();
    const heapUsed = await cdp.send('Runtime.getHeapUsage');
    await cdp.send('HeapProfiler.collectGarbage');
    const heapRetained = await cdp.send('Runtime.getHeapUsage');
    const changes = [
      ['service', '.f-service', 'ucp.v22.events.call'],
      ['service: all', '.f-service', ''],
      ['user', '.f-user', '1007'],
      ['user: clear', '.f-user', ''],
      ['call id', '.f-call', 'call-4000'],
      ['call id: clear', '.f-call', ''],
      ['text (first: builds the search text)', '.f-text', 'callee 40'],
      ['text (again)', '.f-text', 'v99'],
      ['text: clear', '.f-text', ''],
    ];
    const filter = [];
    for (const [what, selector, value] of changes) {
      const r = await page.evaluate(`(${FILTER_SOURCE})(${JSON.stringify({ selector, value })})`);
      filter.push({
        what,
        drawnMs: round(r.drawn),
        nextFrameMs: round(r.nextFrame),
        rowsInDom: r.rows,
        count: r.count,
      });
      progress(`filter ${what}: drawn in ${round(r.drawn)} ms (${r.count})`);
      await page.waitForTimeout(150);
    }
    const filterTasks = await page.evaluate(() => globalThis.__longtasks.splice(0));
    const heapAfterFilters = await cdp.send('Runtime.getHeapUsage');
    const mb = (b) => round(b / 1024 / 1024);
    const maxOf = (ts) => round(Math.max(0, ...ts.map((t) => t.duration)));
    const maxFilter = Math.max(...filter.map((f) => f.drawnMs));
    const bundle = statSync(join(ROOT, 'dist', 'webview', 'inspector.js')).size;
    const figures = {
      bench: 'inspector',
      events: total,
      ratePerSecond: rate,
      buffer,
      feedMs: Math.round(feed.ms),
      bundleBytes: bundle,
      newestRowVisible: newestVisible,
      heapMb: {
        atStart: mb(heap0.usedSize),
        afterFeed: mb(heapUsed.usedSize),
        afterFeedGc: mb(heapRetained.usedSize),
        afterFilters: mb(heapAfterFilters.usedSize),
        total: mb(heapUsed.totalSize),
      },
      longTasks: {
        duringFeed: { count: feedTasks.length, maxMs: maxOf(feedTasks) },
        duringFilters: { count: filterTasks.length, maxMs: maxOf(filterTasks) },
      },
      filterChange: { maxDrawnMs: maxFilter, changes: filter },
    };
    figures.target = {
      heapMb: {
        below: TARGETS.heapMb,
        met: figures.heapMb.afterFeed < TARGETS.heapMb && figures.heapMb.afterFilters < TARGETS.heapMb,
      },
      filterMs: { below: TARGETS.filterMs, met: maxFilter < TARGETS.filterMs },
      longTaskMs: { max: TARGETS.longTaskMs, met: maxOf(feedTasks) <= TARGETS.longTaskMs },
      newestRowVisible: { met: newestVisible },
    };
    return figures;
  } finally {
    await browser.close().catch(() => {});
    await harness.close();
    progress('rebuilding the development bundle (node esbuild.mjs)');
    esbuild();
  }
}
