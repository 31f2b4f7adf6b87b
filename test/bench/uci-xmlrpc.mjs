// `npm run bench -- uci-xmlrpc` (dispatched from run.mjs): UCI event delivery over XML-RPC callbacks, the way a
// real PBX pushes events to CRM connectors.
//   - The built simulator (dist/simulator/cli.js, in memory) with a generated scenario of BENCH_XMLRPC_ADMINS (4)
//     administrators (an administrator sees every event; one login may hold 20 XML-RPC sessions).
//   - BENCH_XMLRPC_SESSIONS (50) sessions, each with its own callback server (node:http, loopback, keep-alive) in
//     BENCH_XMLRPC_WORKERS (2) worker threads of this process: login and subscribeEvents("sim.events.server") over POST /xml-rpc, as public clients do.
//   - Load through the public API: POST /rest/sim/replay with BENCH_XMLRPC_RATE (200) events/s for
//     BENCH_XMLRPC_SECONDS (10) s; the simulator publishes each as a new bus event (its own seq and time).
//   - Per session: every seq exactly once and in order, from the X-Starface-Sim-Seq header (lost, duplicated and
//     out of order counted); latency = receipt (Date.now() in the callback server) − the event's publish time
//     (X-Starface-Sim-Time, stamped by the bus; same machine clock, 1 ms resolution).
//   Targets: p99 < 50 ms, 0 lost. Exits non-zero when one is missed.
import { URLSearchParams } from 'node:url';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envInt, histQuantile, login, progress, round, sha512hex, startCli, stopProcess } from './common.mjs';

const TARGETS = { p99Ms: 50 };
const SERVICE = 'sim.events.server';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const RESPONSE =
  '<?xml version="1.0"?><methodResponse><params><param><value><string></string></value></param></params></methodResponse>';

function methodCall(name, params = []) {
  const values = params.map((p) => `<param><value><string>${p}</string></value></param>`).join('');
  return `<?xml version="1.0"?><methodCall><methodName>${name}</methodName><params>${values}</params></methodCall>`;
}

// The callback servers run in worker threads (like the subscribers of the WebSocket bench): 50 clients of a real
// PBX are 50 processes, and one event loop answering 10,000 requests/s would itself be what the latency measures.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createServer } = require('node:http');
const RESPONSE = ${JSON.stringify(RESPONSE)};
const servers = [];
const hist = new Uint32Array(2001);
parentPort.on('message', async (msg) => {
  if (msg.cmd === 'listen') {
    const ports = [];
    for (let i = 0; i < msg.count; i++) {
      const c = { first: 0, last: 0, received: 0, lost: 0, dup: 0, params: 0 };
      const server = createServer((req, res) => {
        const now = Date.now();
        const seq = Number(req.headers['x-starface-sim-seq']);
        const lat = now - Date.parse(String(req.headers['x-starface-sim-time']));
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          // A real PBX sends exactly one struct; count any other shape.
          if ((body.match(/<param>/g) || []).length !== 1) c.params++;
          res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(RESPONSE) }).end(RESPONSE);
        });
        if (!Number.isInteger(seq)) return;
        hist[lat < 0 ? 0 : lat > 2000 ? 2000 : lat]++;
        if (c.first === 0) c.first = seq;
        else if (seq <= c.last) c.dup++;
        else if (seq !== c.last + 1) c.lost += seq - c.last - 1;
        if (seq > c.last) c.last = seq;
        c.received++;
      });
      server.keepAliveTimeout = 60000;
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      servers.push({ server, c });
      ports.push(server.address().port);
    }
    parentPort.postMessage({ ports });
  } else if (msg.cmd === 'report') {
    parentPort.postMessage({ report: { hist: [...hist], counts: servers.map((s) => s.c) } });
  } else if (msg.cmd === 'close') {
    for (const s of servers) { s.server.close(); s.server.closeAllConnections(); }
    parentPort.postMessage({ closed: true });
  }
});
`;

function ask(worker, msg, key) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m[key] === undefined) return;
      worker.off('message', on);
      resolve(m[key]);
    };
    worker.on('message', on);
    worker.postMessage(msg);
  });
}

async function report(workers) {
  const parts = await Promise.all(workers.map((w) => ask(w, { cmd: 'report' }, 'report')));
  const hist = new Array(2001).fill(0);
  for (const p of parts) p.hist.forEach((n, i) => (hist[i] += n));
  return { hist, counts: parts.flatMap((p) => p.counts) };
}

async function xmlRpc(url, name, params) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml' },
    body: methodCall(name, params),
  });
  const text = await res.text();
  if (!text.includes('<boolean>1</boolean>')) throw new Error(`${name} answered ${res.status}: ${text.slice(0, 300)}`);
}

export async function benchUciXmlRpc() {
  const sessions = envInt('BENCH_XMLRPC_SESSIONS', 50);
  const rate = envInt('BENCH_XMLRPC_RATE', 200);
  const seconds = envInt('BENCH_XMLRPC_SECONDS', 10);
  const admins = envInt('BENCH_XMLRPC_ADMINS', Math.ceil(sessions / 20) + 1);
  const workerCount = envInt('BENCH_XMLRPC_WORKERS', 2);
  const dir = mkdtempSync(join(tmpdir(), 'bench-xmlrpc-'));
  const scenario = join(dir, 'scenario.json');
  const users = Array.from({ length: admins }, (_, i) => ({
    login: `bench-admin-${i}`,
    firstName: 'Bench',
    familyName: `Admin ${i}`,
    password: `bench-admin-pw-${i}`,
    rights: ['admin_perm'],
  }));
  writeFileSync(scenario, JSON.stringify({ name: 'bench-xmlrpc', description: 'XML-RPC delivery bench', users }));
  const { child, ready } = await startCli([
    '--ready-json',
    '--memory',
    '--scenario',
    scenario,
    '--http-port',
    '0',
    '--sip-port',
    '0',
    '--log-level',
    'warn',
  ]);
  const workers = Array.from({ length: workerCount }, () => new Worker(WORKER, { eval: true }));
  try {
    const ports = (
      await Promise.all(
        workers.map((w, k) =>
          ask(
            w,
            { cmd: 'listen', count: Math.floor(sessions / workerCount) + (k < sessions % workerCount ? 1 : 0) },
            'ports',
          ),
        ),
      )
    ).flat();
    for (let i = 0; i < sessions; i++) {
      const user = users[i % users.length];
      const auth = `${user.login}:${sha512hex(`${user.login}*${sha512hex(user.password)}`)}`;
      const query = new URLSearchParams({
        'de.vertico.starface.auth': auth,
        'de.vertico.starface.callback.host': '127.0.0.1',
        'de.vertico.starface.callback.port': String(ports[i]),
        'de.vertico.starface.callback.path': '/RPC2',
      });
      const url = `${ready.xmlRpc}?${query}`;
      await xmlRpc(url, 'ucp.v22.requests.connection.login');
      await xmlRpc(url, 'ucp.v22.requests.service.subscribeEvents', [SERVICE]);
    }
    progress(`${sessions} XML-RPC sessions subscribed to ${SERVICE}`);
    const token = await login(ready.rest);
    const count = rate * seconds;
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    const events = Array.from({ length: count }, (_, i) => ({
      seq: i + 1,
      time: new Date(t0 + Math.round((i * 1000) / rate)).toISOString(),
      service: SERVICE,
      event: 'bench',
      data: { i, note: 'uci xml-rpc bench load' },
    }));
    const res = await fetch(`${ready.rest}/sim/replay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', authToken: token },
      body: JSON.stringify({ events, speed: 1, delayMs: 200 }),
    });
    if (res.status !== 202) throw new Error(`POST /sim/replay answered ${res.status}: ${await res.text()}`);
    progress(`${count} events at ${rate}/s for ${seconds} s to ${sessions} callbacks`);
    const deadline = Date.now() + seconds * 1000 + 30_000;
    let r = await report(workers);
    while (r.counts.some((c) => c.received < count) && Date.now() < deadline) {
      await sleep(200);
      r = await report(workers);
    }
    const { hist, counts: conns } = r;
    const received = conns.reduce((a, c) => a + c.received, 0);
    const lost = conns.reduce((a, c) => a + c.lost + Math.max(0, count - c.received - c.lost), 0);
    const dup = conns.reduce((a, c) => a + c.dup, 0);
    const figures = {
      bench: 'uci-xmlrpc',
      sessions,
      eventsPerSecond: rate,
      seconds,
      deliveries: { expected: count * sessions, received, lost, duplicated: dup },
      latencyMs: {
        p50: histQuantile(hist, 0.5),
        p90: histQuantile(hist, 0.9),
        p99: histQuantile(hist, 0.99),
        p99_9: histQuantile(hist, 0.999),
        max: hist.findLastIndex((n) => n > 0),
      },
      callbacksNotOneParam: conns.reduce((a, c) => a + c.params, 0),
      load: 'POST /rest/sim/replay (public API, admin); latency from the X-Starface-Sim-Time header to receipt',
    };
    figures.target = {
      p99Ms: { below: TARGETS.p99Ms, met: figures.latencyMs.p99 < TARGETS.p99Ms },
      noLost: { met: lost === 0 && dup === 0 },
      oneParam: { met: figures.callbacksNotOneParam === 0 },
    };
    figures.latencyMs.p99 = round(figures.latencyMs.p99, 0);
    if (Object.values(figures.target).some((t) => !t.met)) process.exitCode = 1;
    return figures;
  } finally {
    await Promise.all(workers.map((w) => ask(w, { cmd: 'close' }, 'closed')));
    await Promise.all(workers.map((w) => w.terminate()));
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  }
}
