// `npm run bench -- https` (dispatched from run.mjs): what TLS costs the REST API.
//   - Two simulators (the built CLI, in memory, demo scenario): one with --tls, one without. Each signed in as admin.
//   - autocannon at BENCH_CONNECTIONS (50) keep-alive connections on GET /rest/users (authToken), BENCH_HTTPS_ROUNDS
//     (6) rounds of BENCH_DURATION (5) s per simulator, HTTP and HTTPS taking turns (the order flips every round: a
//     shared machine's load falls on both alike). Client and simulators share the machine.
//   - Printed per round: requests/s and p99 of both, and the HTTPS/HTTP ratio; then the ratio's median, min and max.
//     Target: median ratio ≥ 0.7. Also the simulator's own CPU time per request (from /proc) and its HTTP/HTTPS
//     ratio: the server's share of the cost without the load generator's TLS.
// Certificates are verified: the HTTPS client trusts the simulator's CA (ready line `ca`). autocannon 8 hands
// `rejectUnauthorized: false` to tls.connect whatever its tlsOptions say, so this process wraps tls.connect to put
// verification back on (a connection the CA does not vouch for fails the run instead of being measured).
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import tls from 'node:tls';
import {
  ADMIN_PASSWORD,
  ensureBuilt,
  envInt,
  login,
  progress,
  round,
  sha512hex,
  startCli,
  stats,
  stopProcess,
} from './common.mjs';

const TARGET_RATIO = 0.7;
const PATH = '/users';

/** The REST login handshake over HTTPS, trusting `ca`; answers the authToken. */
function httpsJson(url, ca, { method = 'GET', body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, ca, agent: false, headers: { 'Content-Type': 'application/json', 'X-Version': '2' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function httpsLogin(base, ca) {
  const { body: challenge } = await httpsJson(`${base}/login`, ca);
  const secret = `admin:${sha512hex('admin' + challenge.nonce + sha512hex(ADMIN_PASSWORD))}`;
  const r = await httpsJson(`${base}/login`, ca, {
    method: 'POST',
    body: { loginType: 'Internal', nonce: challenge.nonce, secret },
  });
  if (r.status !== 200) throw new Error(`HTTPS login failed: ${r.status}`);
  return r.body.token;
}

/** Every TLS connection of this process verifies the peer, whatever the caller asked for. */
function verifyEveryTlsConnection() {
  const original = tls.connect;
  tls.connect = function (...args) {
    const i = args.findIndex((a) => a !== null && typeof a === 'object');
    if (i >= 0) args[i] = { ...args[i], rejectUnauthorized: true };
    return original.apply(this, args);
  };
}

/** CPU seconds (user + system) a process used so far, from /proc (Linux; NaN elsewhere). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function round1(autocannon, target, connections, duration) {
  const cpu0 = cpuSeconds(target.pid);
  const result = await autocannon({
    url: target.base + PATH,
    connections,
    duration,
    headers: { authToken: target.token, 'X-Version': '2' },
    ...(target.ca && { tlsOptions: { ca: target.ca } }),
  });
  const bad = result.errors + result.timeouts + result.non2xx;
  if (bad > 0)
    throw new Error(`${target.name}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
  // The simulator's own CPU per request: what TLS costs the server, apart from the client sharing the machine.
  const cpuUsPerRequest = round(((cpuSeconds(target.pid) - cpu0) * 1e6) / result.requests.total);
  return { rps: round(result.requests.average), p99: result.latency.p99, cpuUsPerRequest };
}

export async function benchHttps() {
  ensureBuilt();
  const { default: autocannon } = await import('autocannon');
  verifyEveryTlsConnection();
  const connections = envInt('BENCH_CONNECTIONS', 50);
  const duration = envInt('BENCH_DURATION', 5);
  const rounds = envInt('BENCH_HTTPS_ROUNDS', 6);
  const common = ['--ready-json', '--memory', '--http-port', '0', '--sip-port', '0', '--log-level', 'warn'];
  const plain = await startCli(common);
  const secure = await startCli([...common, '--tls', '--sip-tls-port', '0']);
  try {
    const ca = readFileSync(secure.ready.ca, 'utf8');
    const targets = {
      http: { name: 'HTTP', pid: plain.child.pid, base: plain.ready.rest, token: await login(plain.ready.rest) },
      https: {
        name: 'HTTPS',
        pid: secure.child.pid,
        base: secure.ready.rest,
        token: await httpsLogin(secure.ready.rest, ca),
        ca,
      },
    };
    progress(`warm-up: 2 s each`);
    await round1(autocannon, targets.http, connections, 2);
    await round1(autocannon, targets.https, connections, 2);
    const perRound = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ['http', 'https'] : ['https', 'http'];
      const figures = {};
      for (const kind of order) figures[kind] = await round1(autocannon, targets[kind], connections, duration);
      const ratio = round(figures.https.rps / figures.http.rps, 3);
      progress(
        `round ${r + 1}/${rounds}: HTTP ${figures.http.rps} req/s p99 ${figures.http.p99} ms ${figures.http.cpuUsPerRequest} µs CPU/req · ` +
          `HTTPS ${figures.https.rps} req/s p99 ${figures.https.p99} ms ${figures.https.cpuUsPerRequest} µs CPU/req · ratio ${ratio}`,
      );
      perRound.push({ round: r + 1, first: order[0], http: figures.http, https: figures.https, ratio });
    }
    const ratio = stats(
      perRound.map((p) => p.ratio),
      { digits: 3 },
    );
    const cpuRatio = stats(
      perRound.map((p) => round(p.http.cpuUsPerRequest / p.https.cpuUsPerRequest, 3)),
      { digits: 3 },
    );
    return {
      request: `GET /rest${PATH}`,
      /** Requests/s HTTPS ÷ HTTP, end to end (the client's TLS shares the machine). */
      connections,
      secondsPerRun: duration,
      rounds: perRound,
      ratio,
      /** The simulator's CPU per request, HTTP ÷ HTTPS: the server side of the cost alone (1 = free). */
      serverCpuRatio: cpuRatio,
      target: { ratioMedian: { min: TARGET_RATIO, met: ratio.median >= TARGET_RATIO } },
      fingerprint: secure.ready.fingerprint,
    };
  } finally {
    await Promise.all([stopProcess(plain.child), stopProcess(secure.child)]);
  }
}
