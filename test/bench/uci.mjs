// `npm run bench -- uci` (dispatched from run.mjs): the UCI connector fanning events out to many subscribers.
//   - The built simulator (dist/simulator/cli.js, in memory, demo) in its own process; BENCH_UCI_SUBSCRIBERS (200)
//     WebSocket clients in worker threads of this process, signed in as admin with the UCI token in the query,
//     each subscribed to `sim.events.server`.
//   - Load, honestly produced through the public API (no bench-only endpoint): POST /rest/sim/replay with a
//     generated recording of BENCH_UCI_RATE (5,000) events/s, one request per second of recording (≈ 650 KB,
//     under the 1 MiB body limit), each with `delayMs` so that the parts join up; BENCH_UCI_SECONDS (10) s.
//     The simulator publishes each as a new bus event (new seq, its own `time`) and the connector fans it out.
//   - Per subscriber: every seq of the run exactly once and in order (lost / duplicated / out of order counted);
//     latency = receipt (Date.now() in the client) − the event's `time` (stamped by the bus when published;
//     1 ms resolution, same machine clock); RSS of the simulator (VmRSS) sampled every 100 ms, growth over the
//     value after the subscribers connected.
//   - Throughput, in the same run: the simulator with a zero-spaced recording of BENCH_UCI_BURST (20,000)
//     events (published as fast as the connector goes, 500 per event-loop turn) against a bare `ws` server
//     in its own process broadcasting the same number of frames of the same size to the same clients
//     (500 per turn, a fresh JSON string per message, like the bus). Delivered messages per second, from the
//     first send to the last receipt at every client.
import { spawn } from 'node:child_process';
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
  ROOT,
  round,
  sha512hex,
  startCli,
  stopProcess,
} from './common.mjs';

const TARGETS = { p99Ms: 20, rssGrowthMb: 50, throughputRatio: 0.8 };
const SERVICE = 'sim.events.server';
const WS_PATH = createRequire(import.meta.url).resolve('ws');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const rssKb = (pid) => procStatus(pid).rssKb;

// ---- subscriber workers ----

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocket } = require(workerData.ws);
const conns = [];
let hist = new Uint32Array(2001); // latency in ms, last bucket = ≥ 2000
function reset() {
  hist = new Uint32Array(2001);
  for (const c of conns) Object.assign(c, { first: 0, last: 0, received: 0, lost: 0, dup: 0, lastAt: 0 });
}
parentPort.on('message', async (msg) => {
  if (msg.cmd === 'connect') {
    await Promise.all(Array.from({ length: msg.count }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(msg.url, { perMessageDeflate: false });
      const c = { ws, first: 0, last: 0, received: 0, lost: 0, dup: 0, lastAt: 0 };
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
        const lat = now - Date.parse(s.slice(t + 8, t + 32));
        hist[lat < 0 ? 0 : lat > 2000 ? 2000 : lat]++;
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
    parentPort.postMessage({ report: { hist, conns: conns.map(({ first, last, received, lost, dup, lastAt }) => ({ first, last, received, lost, dup, lastAt })) } });
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
  async report() {
    const parts = await Promise.all(this.workers.map((w) => this.ask(w, { cmd: 'report' }, 'report')));
    const hist = new Array(2001).fill(0);
    for (const p of parts) p.hist.forEach((n, i) => (hist[i] += n));
    return { hist, conns: parts.flatMap((p) => p.conns) };
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

async function waitDelivered(subs, expectedPerConn, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const r = await subs.report();
    if (r.conns.every((c) => c.received >= expectedPerConn) || performance.now() > deadline) return r;
    await sleep(100);
  }
}

const BARE_SERVER = `
import ws from '${pathToFileURL(WS_PATH).href}';
const { WebSocketServer } = ws;
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('listening', () => process.stdout.write(JSON.stringify({ port: wss.address().port }) + '\\n'));
let seq = 0;
process.stdin.setEncoding('utf8').on('data', (d) => {
  const { count } = JSON.parse(d);
  const clients = [...wss.clients];
  let sent = 0;
  const burst = () => {
    for (let k = 0; k < 500 && sent < count; k++, sent++) {
      const ev = { seq: ++seq, time: new Date().toISOString(), service: '${SERVICE}', event: 'bench', data: { i: sent, note: 'uci bench load', replayed: true, originalSeq: sent + 1, originalTime: '2026-01-01T00:00:00.000Z' } };
      const frame = Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: '${SERVICE}.bench', params: ev }));
      for (const c of clients) c.send(frame, { binary: false });
    }
    if (sent < count) setImmediate(burst);
  };
  burst();
});
`;

export async function benchUci() {
  const subscribers = envInt('BENCH_UCI_SUBSCRIBERS', 200);
  const rate = envInt('BENCH_UCI_RATE', 5000);
  const seconds = envInt('BENCH_UCI_SECONDS', 10);
  const burst = envInt('BENCH_UCI_BURST', 20_000);
  const workers = envInt('BENCH_UCI_WORKERS', 4);
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

    // ---- rate phase ----
    await subs.reset();
    let peakKb = rssBaseKb;
    sampler = setInterval(() => (peakKb = Math.max(peakKb, rssKb(child.pid))), 100);
    const total = rate * seconds;
    const spacing = 1000 / rate;
    const lead = 300;
    const t0 = performance.now();
    for (let s = 0; s < seconds; s++) {
      const part = recording(rate, spacing, s * rate);
      await postReplay(ready.rest, token, part, Math.max(0, Math.round(lead + s * 1000 - (performance.now() - t0))));
    }
    progress(`rate phase: ${total} events at ${rate}/s scheduled through POST /rest/sim/replay (${seconds} parts)`);
    const r1 = await waitDelivered(subs, total, seconds * 1000 + lead + 15_000);
    clearInterval(sampler);
    sampler = undefined;
    const rssEndKb = rssKb(child.pid);
    const gaps = r1.conns.reduce((a, c) => a + c.lost, 0);
    const notDeliveredInTime = r1.conns.reduce((a, c) => a + Math.max(0, total - c.received - c.lost), 0);
    const lost = gaps + notDeliveredInTime;
    const dup = r1.conns.reduce((a, c) => a + c.dup, 0);
    const complete = r1.conns.filter(
      (c) => c.received === total && c.lost === 0 && c.dup === 0 && c.last - c.first + 1 === total,
    ).length;
    const rateFigures = {
      events: total,
      subscribers,
      deliveries: r1.conns.reduce((a, c) => a + c.received, 0),
      subscribersWithEverySeqOnceInOrder: complete,
      lost,
      gapsInSeq: gaps,
      notDeliveredWithin15sAfterTheLastEvent: notDeliveredInTime,
      duplicated: dup,
      latencyMs: {
        p50: histQuantile(r1.hist, 0.5),
        p90: histQuantile(r1.hist, 0.9),
        p99: histQuantile(r1.hist, 0.99),
        p999: histQuantile(r1.hist, 0.999),
        max: r1.hist.findLastIndex((n) => n > 0),
      },
      rssMb: {
        afterConnect: round(rssBaseKb / 1024),
        peakSampled: round(peakKb / 1024),
        atEnd: round(rssEndKb / 1024),
        growth: round((peakKb - rssBaseKb) / 1024),
      },
    };
    progress(
      `rate phase: p99 ${rateFigures.latencyMs.p99} ms, lost ${lost}, duplicated ${dup}, RSS growth ${rateFigures.rssMb.growth} MB`,
    );

    // ---- throughput: simulator ----
    await subs.reset();
    const tb = Date.now();
    // In parts under the REST body limit, all due at once.
    for (let from = 0; from < burst; from += 5000)
      await postReplay(ready.rest, token, recording(Math.min(5000, burst - from), 0, from), 0);
    const r2 = await waitDelivered(subs, burst, 60_000);
    const simDelivered = r2.conns.reduce((a, c) => a + c.received, 0);
    const simMs = Math.max(...r2.conns.map((c) => c.lastAt)) - tb;
    const simRate = simDelivered / (simMs / 1000);
    progress(`throughput, simulator: ${simDelivered} deliveries in ${simMs} ms = ${Math.round(simRate)}/s`);
    await subs.close();

    // ---- throughput: bare ws broadcast loop ----
    bare = await new Promise((resolve, reject) => {
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

    const figures = {
      bench: 'uci',
      rate: { eventsPerSecond: rate, seconds, ...rateFigures },
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
      load: 'POST /rest/sim/replay with generated recordings (public API, admin)',
    };
    figures.target = {
      noLostOrDuplicated: { met: lost === 0 && dup === 0 && complete === subscribers },
      p99Ms: { below: TARGETS.p99Ms, met: rateFigures.latencyMs.p99 < TARGETS.p99Ms },
      rssGrowthMb: { below: TARGETS.rssGrowthMb, met: rateFigures.rssMb.growth < TARGETS.rssGrowthMb },
      throughputRatio: { min: TARGETS.throughputRatio, met: figures.throughput.ratio >= TARGETS.throughputRatio },
    };
    return figures;
  } finally {
    if (sampler) clearInterval(sampler);
    await subs.terminate();
    if (bare) await stopProcess(bare.child);
    await stopProcess(child);
  }
}
