// `npm run bench -- uci` (dispatched from run.mjs): the UCI connector fanning events out to many subscribers.
//   - BENCH_UCI_RUNS (3) runs, each with a fresh simulator (dist/simulator/cli.js, in memory, demo) in its own
//     process; printed: every run's figures, and the median and spread ([min, max]) of each figure over the runs.
//     Targets (issue #21): rate phase p99 < 20 ms and p99.9 < 50 ms (medians over the runs), 0 lost and
//     0 duplicated (in every run), RSS growth < 50 MB (in every run), burst throughput ≥ 1.5 × the bare `ws` loop
//     (median of the per-run ratios). `npm run bench` exits 1 when one is missed.
//   - BENCH_UCI_SUBSCRIBERS (200) WebSocket clients in BENCH_UCI_WORKERS (4) worker threads of this process,
//     signed in as admin with the UCI token in the query, each subscribed to `sim.events.server`.
//   - Load, honestly produced through the public API (no bench-only endpoint): POST /rest/sim/replay with a
//     generated recording of BENCH_UCI_RATE (500) events/s for BENCH_UCI_SECONDS (10) s, in parts of at most
//     5,000 events (≈ 650 KB, under the 1 MiB body limit). Every part is posted *before* the first event is due
//     (each with the `delayMs` that makes the parts join up), so that parsing the load is not measured as
//     latency. The simulator publishes each as a new bus event (new seq, its own `time`) and the connector fans
//     it out.
//   - Before it, a warm-up at the same rate for BENCH_UCI_WARMUP_SECONDS (2; 0: none) s, reported apart
//     (`warmUp`, its own latency; lost and duplicated count against the target): in a fresh process the first
//     events run interpreted until V8 has compiled the paths, and in two instrumented cold runs 92–98 % of the
//     deliveries over 20 ms fell in the first 0.7 s of the rate phase. The bare ws loop below runs after the
//     simulator, on warm subscribers.
//   - Per subscriber: every seq of the run exactly once and in order (lost / duplicated / out of order counted);
//     latency = receipt (Date.now() in the client) − the event's `time` (stamped by the bus when published;
//     1 ms resolution, same machine clock); RSS of the simulator (VmRSS) sampled every 100 ms, growth over the
//     value after the subscribers connected.
//   - Is the measurement sound? Printed beside the latency: `publishLagMs`, how far behind its schedule the
//     replay published (from the events' `time`, relative to the earliest: bursts of a late timer show here, and
//     are a simulator behaviour, not hidden); CPU of the simulator and of this process (% of one core; and the
//     simulator's CPU µs per delivery, the figure other load moves least) and each
//     subscriber worker's event-loop utilisation and event-loop delay p99 (a worker near 1.0 would be the
//     bottleneck, not the simulator); and `bareWsRate`, the same rate and clients against a bare `ws` server
//     publishing on the same timer scheme — the latency floor of this machine and of the measurement itself —
//     with `publishedPerSecond`, the rate each publisher really reached (the bare loop does not catch up in
//     bursts, so when the machine cannot carry the rate it publishes fewer events per second, a lighter load).
//   - Throughput, in the same run: the simulator with a zero-spaced recording of BENCH_UCI_BURST (20,000)
//     events (all parts posted before they are due; published as fast as the connector goes, the replay's 25 per
//     event-loop turn) against a bare `ws` server in its own process broadcasting the same number of frames of
//     the same size to the same clients (500 per turn, each event serialised once, `ws.send` per client).
//     Delivered messages per second, from the moment the first event was due to the last receipt at every client.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  ADMIN_PASSWORD,
  envInt,
  histQuantile,
  login,
  procStatus,
  progress,
  quantile,
  ROOT,
  round,
  sha512hex,
  startCli,
  stopProcess,
} from './common.mjs';
import { aggregate, repeatRuns } from './runs.mjs';

const TARGETS = { p99Ms: 20, p999Ms: 50, rssGrowthMb: 50, throughputRatio: 1.5 };
const SERVICE = 'sim.events.server';
const WS_PATH = createRequire(import.meta.url).resolve('ws');
/** Events per POST /rest/sim/replay: ≈ 650 KB, under the REST body limit. */
const PART = 5000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const rssKb = (pid) => procStatus(pid).rssKb;

/** CPU seconds (user + system) a process used so far, from /proc (Linux; NaN elsewhere). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * CPU use of a process and of this one over a phase, in % of one core, and the process's CPU per delivery (µs):
 * the figure least moved by other load on the machine (10 ms resolution of /proc over the phase).
 */
function cpuMeter(pid) {
  const t0 = performance.now();
  const c0 = cpuSeconds(pid);
  const own0 = process.cpuUsage();
  return (deliveries) => {
    const s = (performance.now() - t0) / 1000;
    const own = process.cpuUsage(own0);
    const used = cpuSeconds(pid) - c0;
    return {
      simulatorPercent: round((used / s) * 100),
      benchProcessPercent: round(((own.user + own.system) / 1e6 / s) * 100),
      simulatorUsPerDelivery: round((used * 1e6) / deliveries, 2),
    };
  };
}

// ---- subscriber workers ----

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance, monitorEventLoopDelay } = require('node:perf_hooks');
const { WebSocket } = require(workerData.ws);
const conns = [];
let hist = new Uint32Array(2001); // latency in ms, last bucket = ≥ 2000
let elu = performance.eventLoopUtilization();
let delay = monitorEventLoopDelay({ resolution: 1 });
// The publish time of every event, as the first connection of this worker saw it (seq → ms).
let published = [];
function reset() {
  hist = new Uint32Array(2001);
  published = [];
  for (const c of conns) Object.assign(c, { first: 0, last: 0, received: 0, lost: 0, dup: 0, lastAt: 0 });
  elu = performance.eventLoopUtilization();
  delay.disable();
  delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
}
parentPort.on('message', async (msg) => {
  if (msg.cmd === 'connect') {
    await Promise.all(Array.from({ length: msg.count }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(msg.url, { perMessageDeflate: false });
      const c = { ws, first: 0, last: 0, received: 0, lost: 0, dup: 0, lastAt: 0 };
      const recordsPublish = conns.length === 0;
      conns.push(c);
      ws.on('error', reject);
      ws.on('close', (code) => code !== 1000 && code !== 1005 && code !== 1006 && parentPort.postMessage({ closed: code }));
      ws.on('message', (raw) => {
        const s = raw.toString();
        if (s.includes('"result"')) return resolve();
        const now = Date.now();
        const i = s.indexOf('"seq":');
        const seq = Number(s.slice(i + 6, s.indexOf(',', i)));
        const t = s.indexOf('"time":"');
        const at = Date.parse(s.slice(t + 8, t + 32));
        const lat = now - at;
        hist[lat < 0 ? 0 : lat > 2000 ? 2000 : lat]++;
        if (recordsPublish) published.push(seq, at);
        if (c.first === 0) c.first = seq;
        else if (seq <= c.last) c.dup++;
        else if (seq !== c.last + 1) c.lost += seq - c.last - 1;
        if (seq > c.last) c.last = seq;
        c.received++;
        c.lastAt = now;
      });
      ws.on('open', () => {
        if (msg.subscribe) ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ucp.v22.requests.service.subscribeEvents', params: { services: [msg.service] } }));
        else resolve();
      });
    })));
    parentPort.postMessage({ connected: conns.length });
  } else if (msg.cmd === 'reset') {
    reset();
    parentPort.postMessage({ reset: true });
  } else if (msg.cmd === 'report') {
    parentPort.postMessage({ report: {
      hist,
      conns: conns.map(({ first, last, received, lost, dup, lastAt }) => ({ first, last, received, lost, dup, lastAt })),
      published: msg.published ? published : [],
      eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
      eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    } });
  } else if (msg.cmd === 'close') {
    for (const c of conns) c.ws.terminate();
    conns.length = 0;
    parentPort.postMessage({ closed: true });
  }
});
`;

class Subscribers {
  constructor(workers) {
    this.workers = Array.from(
      { length: workers },
      () => new Worker(WORKER, { eval: true, workerData: { ws: WS_PATH } }),
    );
  }
  ask(w, msg, key) {
    return new Promise((resolve) => {
      const on = (m) => {
        if (m.closed !== undefined && key !== 'closed') {
          progress(`a subscriber was closed by the server with ${m.closed}`);
          return;
        }
        if (m[key] !== undefined) {
          w.off('message', on);
          resolve(m[key]);
        }
      };
      w.on('message', on);
      w.postMessage(msg);
    });
  }
  async connect(url, total, subscribe) {
    const per = Math.ceil(total / this.workers.length);
    let left = total;
    await Promise.all(
      this.workers.map((w) => {
        const count = Math.min(per, left);
        left -= count;
        return this.ask(w, { cmd: 'connect', url, count, subscribe, service: SERVICE }, 'connected');
      }),
    );
  }
  reset() {
    return Promise.all(this.workers.map((w) => this.ask(w, { cmd: 'reset' }, 'reset')));
  }
  /** `published`: also the publish times the first worker's first connection saw. */
  async report(published = false) {
    const parts = await Promise.all(
      this.workers.map((w, i) => this.ask(w, { cmd: 'report', published: published && i === 0 }, 'report')),
    );
    const hist = new Array(2001).fill(0);
    for (const p of parts) p.hist.forEach((n, i) => (hist[i] += n));
    return {
      hist,
      conns: parts.flatMap((p) => p.conns),
      published: parts[0].published,
      workers: parts.map((p) => ({
        eventLoopUtilization: round(p.eventLoopUtilization, 2),
        eventLoopDelayP99Ms: round(p.eventLoopDelayP99Ms),
      })),
    };
  }
  async close() {
    await Promise.all(this.workers.map((w) => this.ask(w, { cmd: 'close' }, 'closed')));
  }
  async terminate() {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A recording: `count` events of the bench service, `spacingMs` apart. */
function recording(count, spacingMs, from = 0) {
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i + 1,
    time: new Date(t0 + Math.round((from + i) * spacingMs * 1000) / 1000).toISOString(),
    service: SERVICE,
    event: 'bench',
    data: { i: from + i, note: 'uci bench load' },
  }));
}

async function postReplay(base, token, events, delayMs) {
  const res = await fetch(`${base}/sim/replay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', authToken: token },
    body: JSON.stringify({ events, speed: 1, delayMs }),
  });
  if (res.status !== 202) throw new Error(`POST /sim/replay answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * Posts `total` events `spacingMs` apart in parts, every part before the first event is due; answers the wall
 * clock time (Date.now()) the first event is due at, and whether posting ran past it (then the figures say so).
 */
async function scheduleLoad(base, token, total, spacingMs) {
  const parts = Math.ceil(total / PART);
  const startAt = Date.now() + 500 + 150 * parts;
  for (let from = 0; from < total; from += PART) {
    const events = recording(Math.min(PART, total - from), spacingMs, from);
    await postReplay(base, token, events, Math.max(0, Math.round(startAt - Date.now() + from * spacingMs)));
  }
  return { startAt, postedLate: Date.now() > startAt };
}

async function waitDelivered(subs, expectedPerConn, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const r = await subs.report();
    if (r.conns.every((c) => c.received >= expectedPerConn) || performance.now() > deadline) return r;
    await sleep(100);
  }
}

const latencyOf = (hist) => ({
  p50: histQuantile(hist, 0.5),
  p90: histQuantile(hist, 0.9),
  p99: histQuantile(hist, 0.99),
  p999: histQuantile(hist, 0.999),
  max: hist.findLastIndex((n) => n > 0),
});

/**
 * How far behind its schedule each event was published (its `time` against first + i × spacing, relative to
 * the earliest, so that the clock offset of the start drops out): a timer firing late and catching up in a
 * burst shows here.
 */
function publishLag(published, spacingMs) {
  if (published.length < 4) return { p99: NaN, max: NaN };
  const firstSeq = published[0];
  const lags = [];
  for (let k = 0; k < published.length; k += 2)
    lags.push(published[k + 1] - (published[1] + (published[k] - firstSeq) * spacingMs));
  const base = Math.min(...lags);
  const sorted = lags.map((l) => l - base).sort((a, b) => a - b);
  return { p99: round(quantile(sorted, 0.99)), max: round(sorted[sorted.length - 1]) };
}

/**
 * Events per second the publisher really got out, from the first to the last publish time a subscriber saw: the
 * bare ws loop, unlike the replay, does not catch up in bursts, so on a busy machine it runs below the asked rate
 * and its latency is that of a lighter load.
 */
function publishedRate(published) {
  const n = published.length / 2;
  if (n < 2) return NaN;
  return round((n - 1) / ((published[published.length - 1] - published[1]) / 1000));
}

const BARE_SERVER = `
import ws from '${pathToFileURL(WS_PATH).href}';
const { WebSocketServer } = ws;
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('listening', () => process.stdout.write(JSON.stringify({ port: wss.address().port }) + '\\n'));
let seq = 0;
const publish = (clients, i) => {
  const ev = { seq: ++seq, time: new Date().toISOString(), service: '${SERVICE}', event: 'bench', data: { i, note: 'uci bench load', replayed: true, originalSeq: i + 1, originalTime: '2026-01-01T00:00:00.000Z' } };
  const frame = Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: '${SERVICE}.bench', params: ev }));
  for (const c of clients) c.send(frame, { binary: false });
};
process.stdin.setEncoding('utf8').on('data', (d) => {
  const { count, spacingMs } = JSON.parse(d);
  const clients = [...wss.clients];
  let sent = 0;
  if (!spacingMs) {
    const burst = () => {
      for (let k = 0; k < 500 && sent < count; k++, sent++) publish(clients, sent);
      if (sent < count) setImmediate(burst);
    };
    return burst();
  }
  // The replay's timer scheme: one timer to the next due event, everything due by then published at once.
  const start = performance.now();
  const tick = () => {
    const elapsed = performance.now() - start;
    for (let k = 0; sent < count && sent * spacingMs <= elapsed && k < 500; k++, sent++) publish(clients, sent);
    if (sent < count) setTimeout(tick, Math.max(0, sent * spacingMs - elapsed));
  };
  tick();
});
`;

function startBare() {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--input-type=module', '-e', BARE_SERVER], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    c.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ child: c, port: JSON.parse(out).port });
    });
    c.once('exit', (code) => reject(new Error(`the bare ws server exited (${code})`)));
  });
}

function deliveryFigures(r, total, subscribers) {
  const gaps = r.conns.reduce((a, c) => a + c.lost, 0);
  const notDeliveredInTime = r.conns.reduce((a, c) => a + Math.max(0, total - c.received - c.lost), 0);
  const complete = r.conns.filter(
    (c) => c.received === total && c.lost === 0 && c.dup === 0 && c.last - c.first + 1 === total,
  ).length;
  return {
    deliveries: r.conns.reduce((a, c) => a + c.received, 0),
    subscribersWithEverySeqOnceInOrder: complete,
    subscribersIncomplete: subscribers - complete,
    lost: gaps + notDeliveredInTime,
    gapsInSeq: gaps,
    notDeliveredWithin15sAfterTheLastEvent: notDeliveredInTime,
    duplicated: r.conns.reduce((a, c) => a + c.dup, 0),
  };
}

async function benchUciOnce({ subscribers, rate, seconds, warmUpSeconds, burst, workers }) {
  const spawnedAt = Date.now();
  const { child, ready } = await startCli([
    '--ready-json',
    '--memory',
    '--scenario',
    'demo',
    '--http-port',
    '0',
    '--sip-port',
    '0',
    '--log-level',
    'warn',
  ]);
  const subs = new Subscribers(workers);
  let bare;
  let sampler;
  try {
    if (!ready.uci) throw new Error('the ready line has no "uci" address: rebuild (node esbuild.mjs)');
    const token = await login(ready.rest);
    const uciUrl = `${ready.uci}?de.vertico.starface.auth=${encodeURIComponent(`admin:${sha512hex('admin*' + sha512hex(ADMIN_PASSWORD))}`)}`;
    await subs.connect(uciUrl, subscribers, true);
    await sleep(500);
    const rssBaseKb = rssKb(child.pid);
    progress(
      `${subscribers} subscribers connected (${workers} worker threads); simulator RSS ${round(rssBaseKb / 1024)} MB`,
    );

    const total = rate * seconds;
    const spacing = 1000 / rate;

    // ---- warm-up: the same rate, measured apart ----
    // A fresh process runs its first events in V8's interpreter until it has compiled them, at both ends (the
    // simulator's fan-out, the subscribers' message handler). In two instrumented cold runs, 92–98 % of the
    // deliveries over 20 ms fell in the first 0.7 s of the rate phase. The bare ws loop is measured after the
    // simulator, with the subscriber code already warm; this makes the two phases alike.
    let warmUp;
    if (warmUpSeconds > 0) {
      await subs.reset();
      const warmTotal = rate * warmUpSeconds;
      const warmLoad = await scheduleLoad(ready.rest, token, warmTotal, spacing);
      await sleep(Math.max(0, warmLoad.startAt - Date.now()) + warmUpSeconds * 1000);
      const rw = await waitDelivered(subs, warmTotal, 15_000);
      const d = deliveryFigures(rw, warmTotal, subscribers);
      warmUp = {
        seconds: warmUpSeconds,
        events: warmTotal,
        lost: d.lost,
        duplicated: d.duplicated,
        latencyMs: latencyOf(rw.hist),
      };
      progress(
        `warm-up: ${warmTotal} events, p99 ${warmUp.latencyMs.p99} p99.9 ${warmUp.latencyMs.p999} max ${warmUp.latencyMs.max} ms (not in the rate phase)`,
      );
    }

    // ---- rate phase ----
    await subs.reset();
    let peakKb = rssBaseKb;
    sampler = setInterval(() => (peakKb = Math.max(peakKb, rssKb(child.pid))), 100);
    const load = await scheduleLoad(ready.rest, token, total, spacing);
    progress(`rate phase: ${total} events at ${rate}/s scheduled through POST /rest/sim/replay`);
    await sleep(Math.max(0, load.startAt - Date.now()));
    const cpu = cpuMeter(child.pid);
    await sleep(seconds * 1000);
    const r1 = await waitDelivered(subs, total, 15_000);
    const cpuRate = cpu(r1.conns.reduce((a, c) => a + c.received, 0));
    // For a --cpu-prof of the simulator (BENCH_NODE_ARGS): the window of the rate phase in its profile.
    progress(
      `rate phase ran ${round((load.startAt - spawnedAt) / 1000, 2)}–${round((Date.now() - spawnedAt) / 1000, 2)} s after the simulator was spawned`,
    );
    clearInterval(sampler);
    sampler = undefined;
    const full = await subs.report(true);
    const rssEndKb = rssKb(child.pid);
    const rateFigures = {
      events: total,
      subscribers,
      ...deliveryFigures(r1, total, subscribers),
      latencyMs: latencyOf(r1.hist),
      publishLagMs: publishLag(full.published, spacing),
      publishedPerSecond: publishedRate(full.published),
      loadPostedBeforeFirstEventDue: !load.postedLate,
      cpuPercentOfOneCore: cpuRate,
      subscriberWorkers: {
        eventLoopUtilizationMax: Math.max(...full.workers.map((w) => w.eventLoopUtilization)),
        eventLoopDelayP99MsMax: Math.max(...full.workers.map((w) => w.eventLoopDelayP99Ms)),
      },
      rssMb: {
        afterConnect: round(rssBaseKb / 1024),
        peakSampled: round(peakKb / 1024),
        atEnd: round(rssEndKb / 1024),
        growth: round((peakKb - rssBaseKb) / 1024),
      },
    };
    progress(
      `rate phase: p50 ${rateFigures.latencyMs.p50} p99 ${rateFigures.latencyMs.p99} p99.9 ${rateFigures.latencyMs.p999} ms, publish lag p99 ${rateFigures.publishLagMs.p99} ms (${rateFigures.publishedPerSecond} events/s), lost ${rateFigures.lost}, duplicated ${rateFigures.duplicated}, RSS growth ${rateFigures.rssMb.growth} MB, CPU simulator ${cpuRate.simulatorPercent}% (${cpuRate.simulatorUsPerDelivery} µs per delivery) bench ${cpuRate.benchProcessPercent}%, worker ELU max ${rateFigures.subscriberWorkers.eventLoopUtilizationMax}`,
    );

    // ---- throughput: simulator ----
    await subs.reset();
    const burstLoad = await scheduleLoad(ready.rest, token, burst, 0);
    const r2 = await waitDelivered(subs, burst, 60_000 + Math.max(0, burstLoad.startAt - Date.now()));
    const simDelivered = r2.conns.reduce((a, c) => a + c.received, 0);
    const simMs = Math.max(...r2.conns.map((c) => c.lastAt)) - burstLoad.startAt;
    const simRate = simDelivered / (simMs / 1000);
    progress(`throughput, simulator: ${simDelivered} deliveries in ${simMs} ms = ${Math.round(simRate)}/s`);
    await subs.close();

    // ---- the bare ws loop: throughput, then the same rate ----
    bare = await startBare();
    await subs.connect(`ws://127.0.0.1:${bare.port}/`, subscribers, false);
    await sleep(300);
    await subs.reset();
    const tw = Date.now();
    bare.child.stdin.write(JSON.stringify({ count: burst }) + '\n');
    const r3 = await waitDelivered(subs, burst, 60_000);
    const bareDelivered = r3.conns.reduce((a, c) => a + c.received, 0);
    const bareMs = Math.max(...r3.conns.map((c) => c.lastAt)) - tw;
    const bareRate = bareDelivered / (bareMs / 1000);
    progress(`throughput, bare ws: ${bareDelivered} deliveries in ${bareMs} ms = ${Math.round(bareRate)}/s`);

    await subs.reset();
    const bareCpu = cpuMeter(bare.child.pid);
    bare.child.stdin.write(JSON.stringify({ count: total, spacingMs: spacing }) + '\n');
    await sleep(seconds * 1000);
    const r4 = await waitDelivered(subs, total, 15_000);
    const bareCpuRate = bareCpu(r4.conns.reduce((a, c) => a + c.received, 0));
    const bareFull = await subs.report(true);
    const bareRateFigures = {
      latencyMs: latencyOf(r4.hist),
      publishLagMs: publishLag(bareFull.published, spacing),
      publishedPerSecond: publishedRate(bareFull.published),
      lost: deliveryFigures(r4, total, subscribers).lost,
      cpuPercentOfOneCore: { server: bareCpuRate.simulatorPercent, benchProcess: bareCpuRate.benchProcessPercent },
      serverCpuUsPerDelivery: bareCpuRate.simulatorUsPerDelivery,
    };
    progress(
      `bare ws at ${rate}/s: p50 ${bareRateFigures.latencyMs.p50} p99 ${bareRateFigures.latencyMs.p99} p99.9 ${bareRateFigures.latencyMs.p999} ms, published ${bareRateFigures.publishedPerSecond} events/s, CPU ${bareRateFigures.serverCpuUsPerDelivery} µs per delivery`,
    );

    return {
      warmUp,
      rate: { eventsPerSecond: rate, seconds, ...rateFigures },
      bareWsRate: bareRateFigures,
      throughput: {
        burstEvents: burst,
        simulator: {
          deliveries: simDelivered,
          ms: simMs,
          deliveriesPerSecond: Math.round(simRate),
          lost: r2.conns.reduce((a, c) => a + c.lost, 0),
          duplicated: r2.conns.reduce((a, c) => a + c.dup, 0),
        },
        bareWs: { deliveries: bareDelivered, ms: bareMs, deliveriesPerSecond: Math.round(bareRate) },
        ratio: round(simRate / bareRate, 2),
      },
    };
  } finally {
    if (sampler) clearInterval(sampler);
    await subs.terminate();
    if (bare) await stopProcess(bare.child);
    await stopProcess(child);
  }
}

export async function benchUci() {
  const options = {
    subscribers: envInt('BENCH_UCI_SUBSCRIBERS', 200),
    rate: envInt('BENCH_UCI_RATE', 500),
    seconds: envInt('BENCH_UCI_SECONDS', 10),
    warmUpSeconds: envInt('BENCH_UCI_WARMUP_SECONDS', 2, 0),
    burst: envInt('BENCH_UCI_BURST', 20_000),
    workers: envInt('BENCH_UCI_WORKERS', 4),
  };
  const runs = await repeatRuns('uci', envInt('BENCH_UCI_RUNS', 3), () => benchUciOnce(options));
  const { median, spread } = aggregate(runs);
  const everyRun = (ok) => runs.every(ok);
  const maxOf = (get) => Math.max(...runs.map(get));
  return {
    bench: 'uci',
    runs: runs.length,
    load: 'POST /rest/sim/replay with generated recordings (public API, admin), posted before the first event is due',
    median,
    spread,
    target: {
      noLostOrDuplicated: {
        of: 'every run: warm-up, rate and burst',
        met: everyRun(
          (r) =>
            (r.warmUp === undefined || (r.warmUp.lost === 0 && r.warmUp.duplicated === 0)) &&
            r.rate.lost === 0 &&
            r.rate.duplicated === 0 &&
            r.rate.subscribersIncomplete === 0 &&
            r.throughput.simulator.lost === 0 &&
            r.throughput.simulator.duplicated === 0 &&
            r.throughput.simulator.deliveries === options.burst * options.subscribers,
        ),
      },
      p99Ms: { below: TARGETS.p99Ms, of: 'median', met: median.rate.latencyMs.p99 < TARGETS.p99Ms },
      p999Ms: { below: TARGETS.p999Ms, of: 'median', met: median.rate.latencyMs.p999 < TARGETS.p999Ms },
      rssGrowthMb: {
        below: TARGETS.rssGrowthMb,
        of: 'every run',
        max: maxOf((r) => r.rate.rssMb.growth),
        met: maxOf((r) => r.rate.rssMb.growth) < TARGETS.rssGrowthMb,
      },
      throughputRatio: {
        min: TARGETS.throughputRatio,
        of: 'median of the per-run ratios to the bare ws loop',
        met: median.throughput.ratio >= TARGETS.throughputRatio,
      },
    },
    each: runs,
  };
}
