#!/usr/bin/env node
// Benchmarks of the built simulator CLI. `npm run bench -- <name>`; prints one JSON object of figures on stdout
// (progress goes to stderr) and exits 1 when one of its targets (`target.….met: false`) is missed. Never part of
// `npm test`.
//   startup  spawn → ready line of `--ready-json --data <fresh dir> --scenario demo --http-port 0`, 20 runs
//   rest     a generated scenario file of 1,000 users, 3,000 numbers and 10,000 contacts (its start-up to the ready
//            line, target < 1 s); then GET /rest/contacts with a search term and paging and GET /rest/users?searchTerm=…,
//            each at 50 connections for 10 s (autocannon: ≥ 2,000 requests/s, p99 < 50 ms), and the peak RSS (< 200 MB).
//            BENCH_REST_RUNS (3) runs, a fresh simulator each: every run's figures, the median and spread ([min, max])
//            of each; requests/s, p99 and start-up judged on the medians, errors and peak RSS on every run.
//   extension  the VS Code extension: size of dist/extension.js as `node esbuild.mjs --production` builds it; in
//            BENCH_WINDOWS (5) fresh code-server windows (test/vscode/run.mjs --production with the in-host bench
//            test/vscode/bench/extension.bench.ts): the time of `await ext.activate()` and VS Code's marks for our
//            code loading + activate() call, and the first level of the tree (root, connection, the 1,000+ users
//            under Users, with a TreeItem each) against the bundled simulator with 1,000 extra users, in the host.
//            Rebuilds the normal (development) bundle at the end.
//   sip      the SIP registrar: sipp closed loops against a bare Node UDP responder (the ceiling), the simulator and
//            Kamailio 5.6 with 1 and 2 workers, in alternating rounds; exits 1 on a missed target (test/bench/sip.mjs).
//   uci      the UCI connector: 200 subscribers, 500 events/s for 10 s (p99 < 20 ms, p99.9 < 50 ms, 0 lost), burst
//            throughput ≥ 1.5 × a bare ws broadcast; BENCH_UCI_RUNS (3) runs, median and spread (test/bench/uci.mjs).
//   uci-xmlrpc  UCI events over XML-RPC callbacks: 50 sessions, 200 events/s for 10 s, p99 < 50 ms publish →
//            receipt, 0 lost (test/bench/uci-xmlrpc.mjs).
//   inspector  the event inspector webview in headless chromium: 100,000 events at 5,000/s, JS heap, filter redraw
//            time, long tasks (test/bench/inspector.mjs).
//   preflight  starface-preflight against the simulator with 100 extra Teams users: median of 15 checks, target < 2 s
//            (test/bench/preflight.mjs).
//   auth     the failed sign-in limiter: legitimate REST GETs, REST logins and SIP REGISTERs with the limiter
//            empty vs holding 50,000 foreign failure entries, in one process, interleaved (test/bench/auth.mjs).
//   https    REST over HTTPS vs HTTP: two simulators (--tls and not), autocannon at 50 connections on GET /rest/users,
//            alternating rounds; the HTTPS/HTTP requests/s ratio, target median ≥ 0.7 (test/bench/https.mjs).
//   teams    Teams app package validation: warm (median/p95, target < 200 ms) and the CLI start → verdict (median,
//            target < 600 ms) (test/bench/teams.mjs).
// Environment: BENCH_RUNS (startup, default 20), BENCH_REST_RUNS (rest, default 3), BENCH_DURATION (rest, seconds, default 10),
// BENCH_CONNECTIONS (rest, default 50), BENCH_USERS (rest, default 1000), BENCH_CONTACTS (rest, default 10000), BENCH_WINDOWS (extension, default 5),
// BENCH_TREE_USERS (extension, default 1000), BENCH_TREE_RUNS (extension, per window, default 15); BENCH_NODE_ARGS: node flags for the
// simulator's process (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ADMIN_PASSWORD,
  call,
  ensureBuilt,
  envInt,
  esbuild,
  login,
  procStatus,
  progress,
  quantile,
  ROOT,
  round,
  startCli,
  stopProcess,
} from './common.mjs';
import { benchSip } from './sip.mjs';
import { benchUci } from './uci.mjs';
import { benchUciXmlRpc } from './uci-xmlrpc.mjs';
import { benchInspector } from './inspector.mjs';
import { benchPreflight } from './preflight.mjs';
import { benchTeams } from './teams.mjs';
import { benchAuth } from './auth.mjs';
import { benchHttps } from './https.mjs';
import { aggregate, missedTargets, repeatRuns } from './runs.mjs';

const TARGETS = {
  startupMedianMs: 400,
  requestsPerSecond: 2000,
  p99Ms: 50,
  rssMb: 200,
  scenarioStartupMs: 1000,
  extensionBytes: 1.5 * 1024 * 1024,
  activationMs: 150,
  treeFirstLevelMs: 200,
};

async function benchStartup() {
  const runs = envInt('BENCH_RUNS', 20);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'starface-bench-startup-'));
    try {
      const { child, ms } = await startCli([
        '--ready-json',
        '--data',
        dir,
        '--scenario',
        'demo',
        '--http-port',
        '0',
        '--sip-port',
        '0',
      ]);
      times.push(ms);
      await stopProcess(child);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // A bare `node -e ""` for comparison: the floor no CLI can go below.
  const floor = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '']);
    floor.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  return {
    bench: 'startup',
    runs,
    unit: 'ms',
    median: round(median),
    p90: round(quantile(sorted, 0.9)),
    min: round(sorted[0]),
    max: round(sorted[sorted.length - 1]),
    nodeBareStartMedian: round(
      quantile(
        [...floor].sort((a, b) => a - b),
        0.5,
      ),
    ),
    target: { medianBelowMs: TARGETS.startupMedianMs, met: median < TARGETS.startupMedianMs },
  };
}

const FIRST = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Eva',
  'Felix',
  'Greta',
  'Hans',
  'Ida',
  'Jonas',
  'Karla',
  'Lars',
  'Mia',
  'Nils',
  'Olga',
  'Paul',
];
/** Every 200th user is a "Zimmermann": searching "zimmer" matches a few users (5 of 1,000). */
const SEARCH_TERM = 'zimmer';
const familyName = (i) => (i % 200 === 7 ? 'Zimmermann' : `Nachname${i}`);

/** Every 250th contact works at "Zimmerei …": searching "zimmerei" matches 40 of 10,000. */
const CONTACT_TERM = 'zimmerei';

/**
 * The bench PBX as a scenario file (built in one go at start-up, instead of thousands of POSTs): `users` users
 * with an extension each, two external numbers per user in one block (3,000 numbers for 1,000 users), and
 * `contacts` central contacts with tags.
 */
function benchScenario(users, contacts) {
  const tags = ['Kunde', 'Lieferant', 'Partner'];
  return {
    name: 'bench-rest',
    description: `${users} users, ${users * 3} numbers, ${contacts} contacts`,
    users: Array.from({ length: users }, (_, i) => ({
      login: String(20000 + i),
      firstName: FIRST[i % FIRST.length],
      familyName: familyName(i),
      email: `user${i}@bench.example.test`,
      language: i % 2 ? 'de' : 'en',
      password: `bench-pw-${i}`,
      extension: String(20000 + i),
    })),
    numberBlocks: [{ countryCode: '49', localAreaCode: '30', baseNumber: '5550', exitCode: '0', nationalPrefix: '0' }],
    phoneNumbers: Array.from({ length: users * 2 }, (_, i) => ({
      type: 'EXTERNAL',
      number: String(100000 + i),
      block: '5550',
      user: String(20000 + Math.floor(i / 2)),
    })),
    tags: tags.map((name) => ({ name })),
    contacts: Array.from({ length: contacts }, (_, i) => ({
      tags: [tags[i % tags.length]],
      values: {
        firstname: FIRST[(i * 7) % FIRST.length],
        lastname: `Kontakt${i}`,
        company: i % 250 === 3 ? `Zimmerei ${i}` : `Firma ${i % 997} GmbH`,
        phone: `+4930${7000000 + i}`,
        email: `kontakt${i}@bench.example.test`,
        city: i % 2 ? 'Berlin' : 'Hamburg',
      },
    })),
  };
}

/** autocannon on one path at `connections`, sampling the simulator's RSS; answers its figures. */
async function load(autocannon, base, path, token, pid, connections, duration) {
  let peakSampledRssKb = 0;
  const sampler = setInterval(() => {
    const { rssKb } = procStatus(pid);
    if (rssKb > peakSampledRssKb) peakSampledRssKb = rssKb;
  }, 100);
  try {
    const result = await autocannon({
      url: base + path,
      connections,
      duration,
      headers: { authToken: token, 'X-Version': '2' },
    });
    const figures = {
      request: `GET ${new URL(base).pathname}${path}`,
      requestsPerSecond: { mean: round(result.requests.average), p50: result.requests.p50, min: result.requests.min },
      latencyMs: {
        mean: round(result.latency.average, 2),
        p50: result.latency.p50,
        p97_5: result.latency.p97_5,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      requests: result.requests.total,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      peakSampledRssMb: round(peakSampledRssKb / 1024),
    };
    return figures;
  } finally {
    clearInterval(sampler);
  }
}

/** One run of the REST bench: a fresh simulator with the bench scenario, both loads, its memory. */
async function benchRestOnce({ duration, connections, userCount, contactCount }) {
  const { default: autocannon } = await import('autocannon');
  const dir = mkdtempSync(join(tmpdir(), 'starface-bench-rest-'));
  const file = join(dir, 'bench-rest.json');
  writeFileSync(file, JSON.stringify(benchScenario(userCount, contactCount)));
  const {
    child,
    ready,
    ms: startupMs,
  } = await startCli(['--ready-json', '--memory', '--scenario', file, '--http-port', '0', '--sip-port', '0']);
  const pid = child.pid;
  try {
    const base = ready.rest;
    const token = await login(base, 'admin', ADMIN_PASSWORD);
    const contactsPath = `/contacts?searchTerms=${CONTACT_TERM}&page=1&pagesize=10`;
    const usersPath = `/users?searchTerm=${SEARCH_TERM}`;
    const contactCheck = await call(base, 'GET', contactsPath, token);
    if (contactCheck.status !== 200) throw new Error(`GET ${contactsPath} answered ${contactCheck.status}`);
    const userCheck = await call(base, 'GET', usersPath, token);
    if (userCheck.status !== 200) throw new Error(`GET ${usersPath} answered ${userCheck.status}`);
    const totals = {
      users: (await call(base, 'GET', '/users', token)).body.length,
      contacts: (await call(base, 'GET', '/contacts?pagesize=1', token)).body.metadata.totalPages,
    };
    progress(
      `${totals.users} users, ${totals.contacts} contacts, started in ${Math.round(startupMs)} ms; "${CONTACT_TERM}" → ${contactCheck.body.metadata.totalPages} pages of 10, "${SEARCH_TERM}" → ${userCheck.body.length} users; ${connections} connections for ${duration} s each`,
    );
    const rssAfterSetupKb = procStatus(pid).rssKb;
    const contacts = await load(autocannon, base, contactsPath, token, pid, connections, duration);
    const users = await load(autocannon, base, usersPath, token, pid, connections, duration);
    progress(
      `contacts ${contacts.requestsPerSecond.mean} req/s p99 ${contacts.latencyMs.p99} ms; users ${users.requestsPerSecond.mean} req/s p99 ${users.latencyMs.p99} ms`,
    );
    const { hwmKb, rssKb } = procStatus(pid);
    const mb = (kb) => round(kb / 1024);
    return {
      scenario: { ...totals, numbers: userCount * 3, startupMs: Math.round(startupMs) },
      contacts,
      users,
      rssMb: { peak: mb(hwmKb), afterSetup: mb(rssAfterSetupKb), atEnd: mb(rssKb) },
    };
  } finally {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The targets of one load, judged on the median over the runs (errors: none in any run). */
function restLoadTarget(median, runs) {
  return {
    requestsPerSecond: {
      min: TARGETS.requestsPerSecond,
      of: "median of the runs' mean requests/s",
      met: median.requestsPerSecond.mean >= TARGETS.requestsPerSecond,
    },
    p99Ms: { below: TARGETS.p99Ms, of: "median of the runs' p99", met: median.latencyMs.p99 < TARGETS.p99Ms },
    noErrors: {
      of: 'every run',
      met: runs.every((r) => r.errors === 0 && r.non2xx === 0 && r.timeouts === 0),
    },
  };
}

async function benchRest() {
  const options = {
    duration: envInt('BENCH_DURATION', 10),
    connections: envInt('BENCH_CONNECTIONS', 50),
    userCount: envInt('BENCH_USERS', 1000),
    contactCount: envInt('BENCH_CONTACTS', 10000),
  };
  const runs = await repeatRuns('rest', envInt('BENCH_REST_RUNS', 3), () => benchRestOnce(options));
  const { median, spread } = aggregate(runs);
  const peakRss = Math.max(...runs.map((r) => r.rssMb.peak));
  return {
    bench: 'rest',
    runs: runs.length,
    connections: options.connections,
    durationS: options.duration,
    median,
    spread,
    note: 'the machine may be shared: figures are noisy; see loadAverage1m of each run',
    target: {
      rssMb: { below: TARGETS.rssMb, of: 'the peak of every run', max: peakRss, met: peakRss < TARGETS.rssMb },
      scenarioStartupMs: {
        below: TARGETS.scenarioStartupMs,
        of: 'median',
        met: median.scenario.startupMs < TARGETS.scenarioStartupMs,
      },
      contacts: restLoadTarget(
        median.contacts,
        runs.map((r) => r.contacts),
      ),
      users: restLoadTarget(
        median.users,
        runs.map((r) => r.users),
      ),
    },
    each: runs,
  };
}

/** One fresh code-server window running the in-host bench; resolves with the figures it printed. */
function benchWindow() {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'test', 'vscode', 'run.mjs'), '--files=test/vscode/bench/extension.bench.ts', '--production'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = /STARFACE_BENCH (\{.*\})/.exec(out);
      if (code !== 0 || !line)
        return reject(
          new Error(`the in-host bench failed (exit ${code}):\n${(out + err).split('\n').slice(-30).join('\n')}`),
        );
      resolve(JSON.parse(line[1]));
    });
  });
}

async function benchExtension() {
  const windows = envInt('BENCH_WINDOWS', 5);
  const file = join(ROOT, 'dist', 'extension.js');
  try {
    esbuild('--production');
    const bytes = statSync(file).size;
    progress(`dist/extension.js (--production): ${bytes} bytes`);
    const runs = [];
    for (let i = 0; i < windows; i++) {
      const r = await benchWindow();
      progress(
        `window ${i + 1}/${windows}: activate() ${r.activation.wallMs} ms (code ${r.activation.codeLoadingMs} + activate ${r.activation.activateCallMs} ms); tree first level ${r.tree.firstMs} ms cold, ${r.tree.medianMs} ms median over ${r.tree.users} users`,
      );
      runs.push(r);
    }
    const med = (xs) =>
      round(
        quantile(
          [...xs].sort((a, b) => a - b),
          0.5,
        ),
      );
    const act = runs.map((r) => r.activation);
    const ours = act.map((a) => a.codeLoadingMs + a.activateCallMs);
    const samples = runs.flatMap((r) => r.tree.samplesMs);
    const cold = runs.map((r) => r.tree.firstMs);
    const figures = {
      bench: 'extension',
      build: 'node esbuild.mjs --production',
      bundle: { bytes, mb: round(bytes / 1024 / 1024, 2) },
      activation: {
        windows,
        unit: 'ms',
        wallMedian: med(act.map((a) => a.wallMs)),
        wall: act.map((a) => a.wallMs),
        oursMedian: med(ours),
        codeLoadingMedian: med(act.map((a) => a.codeLoadingMs)),
        activateCallMedian: med(act.map((a) => a.activateCallMs)),
        note: 'wall = await ext.activate() from the suite (includes VS Code creating the context and loading l10n); ours = extension-host marks will/didLoadExtensionCode + will/didActivateExtension (1 ms resolution)',
      },
      tree: {
        where: 'in the extension host, against the bundled simulator',
        users: runs[0].tree.users,
        unit: 'ms',
        median: med(samples),
        coldFirstMedian: med(cold),
        max: round(Math.max(...samples)),
        samples: samples.length,
        reloadMedian: med(runs.map((r) => r.tree.reloadMs)),
        measures: 'getChildren() of the root, the connection and Users, and getTreeItem() of every node returned',
      },
    };
    figures.target = {
      bundleBytes: { below: TARGETS.extensionBytes, met: bytes < TARGETS.extensionBytes },
      activationMs: {
        below: TARGETS.activationMs,
        of: 'wallMedian',
        met: figures.activation.wallMedian < TARGETS.activationMs,
      },
      treeFirstLevelMs: {
        below: TARGETS.treeFirstLevelMs,
        of: 'max (every sample, cold ones included)',
        met: figures.tree.max < TARGETS.treeFirstLevelMs,
      },
    };
    return figures;
  } finally {
    progress('rebuilding the development bundle (node esbuild.mjs)');
    esbuild();
  }
}

const BENCHES = {
  startup: benchStartup,
  rest: benchRest,
  extension: benchExtension,
  sip: benchSip,
  uci: benchUci,
  'uci-xmlrpc': benchUciXmlRpc,
  inspector: benchInspector,
  preflight: benchPreflight,
  teams: benchTeams,
  auth: benchAuth,
  https: benchHttps,
};

const name = process.argv[2];
if (!BENCHES[name]) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>\n`);
  process.exit(2);
}
try {
  ensureBuilt();
  const figures = await BENCHES[name]();
  process.stdout.write(JSON.stringify(figures) + '\n');
  const missed = missedTargets(figures);
  if (missed.length) {
    progress(`target(s) missed: ${missed.join(', ')}`);
    process.exitCode = 1;
  }
} catch (err) {
  process.stderr.write(`bench ${name} failed: ${err.stack ?? err}\n`);
  process.exit(1);
}
