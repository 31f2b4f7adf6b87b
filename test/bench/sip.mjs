// `npm run bench -- sip` (dispatched from run.mjs): the SIP registrar under a sipp closed loop, beside two yardsticks
// measured in the same run, in alternating rounds:
//   - responder  a bare Node UDP responder (one thread, 4 MB receive buffer, no parsing, no auth): every request is
//                answered with itself behind a canned "SIP/2.0 200 OK" status line. sipp sends one REGISTER per call, so
//                its calls/s are requests/s; the Node ceiling in registrations/s is that ÷ 2 (a digest registration
//                takes two requests).
//   - simulator  the built CLI with 10,000 users; REGISTER → 401 (digest MD5, qop=auth) → REGISTER with
//                credentials → 200. After its run: its bindings (GET /rest/sim/registrations as admin) and its peak
//                RSS (VmHWM).
//   - kamailio1, kamailio2  Kamailio 5.6 as an in-memory registrar with the same users and the same digest
//                authentication, with 1 and with 2 UDP worker processes.
//   Users 20000..29999, password and SIP secret "<login>-pw": a scenario file for the simulator; for Kamailio the
//   cfg accepts that login range and derives the password from the login (no database on either side). sipp 3.6.1,
//   UDP (-t u1), 4 MB socket buffers (-buff_size), Expires 3600; the credentials come per call from the -inf CSV:
//   sipp expands keywords inside [authentication username="[field0]" password="[field1]"] when the values are
//   quoted (unquoted, the first "]" ends the keyword). Closed loop: -l BENCH_SIP_CONCURRENT (200) calls at a time,
//   -m BENCH_SIP_REGISTRATIONS (20,000; twice that for the responder), so every user registers twice (a new binding,
//   then a refresh from a new Call-ID). Every target is a fresh process per round on a free UDP port of 127.0.0.1.
//   Rounds: BENCH_SIP_ROUNDS (3); the order of the four targets is reversed every other round. Before its timed
//   pass every target gets a warm-up of BENCH_SIP_WARMUP (4,000; 0: none) REGISTERs with Expires: 0 (the same
//   digest exchange; no binding is made or left), reported apart as `warmUp`; its failures count.
// Output (JSON on stdout): per round the figures of each target and the ratios; then median, min and max of every
// figure and ratio; `target` with `met`. Targets, on the medians: simulator registrations/s ≥ 0.5 × the ceiling
// (ratios.ceiling) and ≥ 0.4 × Kamailio with one worker (ratios.kamailio1); 0 failed registrations (any target,
// any round: a yardstick that lost some would make the ratios meaningless); ≥ 10,000 bindings with a peak RSS
// below 200 MB in every round. A missed target makes the bench exit 1 (after printing the figures).
// Provisioning: sipp (sip-tester) and kamailio are installed with apt-get when missing and running as root; else
// the bench exits 1 naming the command. Kamailio runs in the foreground (-DD -E) from a temp dir with its own cfg;
// its process group is stopped at the end. Environment: BENCH_SIP_ROUNDS, BENCH_SIP_REGISTRATIONS,
// BENCH_SIP_CONCURRENT, BENCH_SIP_USERS, BENCH_NODE_ARGS (node flags for the simulator, e.g. "--cpu-prof
// --cpu-prof-dir=/tmp/prof": one profile per round), BENCH_SIP_KEEP=1 keeps the temp dir (logs, stats).
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureDebianPackages, ProvisionError, which } from '../support/apt.mjs';
import { ADMIN_PASSWORD, call, envInt, login, procStatus, progress, round, startCli, stopProcess } from './common.mjs';

const HOST = '127.0.0.1';
const FIRST_LOGIN = 20000;
const TARGETS = { ceilingRatio: 0.5, kamailio1Ratio: 0.4, rssMb: 200, bindings: 10_000 };
const loginOf = (i) => String(FIRST_LOGIN + i);
const passwordOf = (login) => `${login}-pw`;

// ---------------------------------------------------------------------------------------------------------------
// Tools

/** sipp and kamailio: found, or installed with apt-get as root (test/support/apt.mjs), or exit 1 with the command. */
async function provision() {
  try {
    await ensureDebianPackages(['sip-tester', 'kamailio'], { why: 'bench sip', log: progress });
  } catch (e) {
    if (!(e instanceof ProvisionError)) throw e;
    process.stderr.write(`bench sip: ${e.message}\n`);
    process.exit(1);
  }
  const sipp = which('sipp');
  const kamailio = which('kamailio');
  if (!sipp || !kamailio) throw new Error('apt-get install succeeded but sipp or kamailio is still not on PATH');
  return { sipp, kamailio };
}

/** A port free for UDP (and TCP, which the simulator also opens) on 127.0.0.1 right now. */
async function freePort() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = createServer();
    const port = await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, HOST, () => resolve(server.address().port));
    });
    const udp = createSocket('udp4');
    const ok = await new Promise((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, HOST, () => resolve(true));
    });
    await new Promise((resolve) => udp.close(() => resolve()));
    await new Promise((resolve) => server.close(() => resolve()));
    if (ok) return port;
  }
  throw new Error('no free port');
}

// ---------------------------------------------------------------------------------------------------------------
// Files: users, sipp scenario, Kamailio cfg

function writeUsers(dir, count) {
  const users = [];
  const csv = ['SEQUENTIAL'];
  for (let i = 0; i < count; i++) {
    const login = loginOf(i);
    users.push({
      login,
      firstName: 'Sip',
      familyName: `Bench${i}`,
      email: '',
      language: 'en',
      password: passwordOf(login),
      sipPassword: passwordOf(login), // the SIP secret sipp and Kamailio answer with; never defaulted to the password
      extension: login,
    });
    csv.push(`${login};${passwordOf(login)}`);
  }
  const scenario = join(dir, 'scenario.json');
  writeFileSync(
    scenario,
    JSON.stringify({ name: 'sip-bench', description: `${count} users for npm run bench -- sip`, users }),
  );
  const usersCsv = join(dir, 'users.csv');
  writeFileSync(usersCsv, csv.join('\n') + '\n');
  return { scenario, usersCsv };
}

const REGISTER = (cseq, auth, expires) => `
      REGISTER sip:[remote_ip] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: <sip:[field0]@[remote_ip]>;tag=[call_number]
      To: <sip:[field0]@[remote_ip]>
      Call-ID: [call_id]
      CSeq: ${cseq} REGISTER
      Contact: <sip:[field0]@[local_ip]:[local_port]>
${auth ? '      [authentication username="[field0]" password="[field1]"]\n' : ''}      Expires: ${expires}
      User-Agent: sipp-bench
      Content-Length: 0

`;

/** A sipp scenario file: REGISTER answered 200, or with `digest` first challenged (401) and sent again with it. */
function writeRegisterScenario(file, name, { digest, expires }) {
  const send = (cseq, auth) => `  <send retrans="500"><![CDATA[${REGISTER(cseq, auth, expires)}]]></send>\n`;
  const challenge = digest ? `  <recv response="401" auth="true"/>\n${send(2, true)}` : '';
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="${name}">\n${send(1, false)}${challenge}` +
      `  <recv response="200"/>\n</scenario>\n`,
  );
  return file;
}

function writeSippScenarios(dir) {
  return {
    register: writeRegisterScenario(
      join(dir, 'register.xml'),
      'REGISTER with digest (per-user credentials from the -inf CSV)',
      { digest: true, expires: 3600 },
    ),
    // For the bare responder: one request per call, answered 200 at once.
    plain: writeRegisterScenario(join(dir, 'register-plain.xml'), 'REGISTER answered 200 (the bare responder)', {
      digest: false,
      expires: 3600,
    }),
    // The warm-ups: the same exchanges with Expires: 0, which finds no binding to remove and leaves none.
    warmUp: writeRegisterScenario(
      join(dir, 'warmup.xml'),
      'REGISTER with digest and Expires: 0 (warm-up: leaves no binding)',
      { digest: true, expires: 0 },
    ),
    warmUpPlain: writeRegisterScenario(
      join(dir, 'warmup-plain.xml'),
      "REGISTER with Expires: 0 answered 200 (the bare responder's warm-up)",
      { digest: false, expires: 0 },
    ),
  };
}

function kamailioModules() {
  for (const dir of [
    '/usr/lib/x86_64-linux-gnu/kamailio/modules',
    '/usr/lib/aarch64-linux-gnu/kamailio/modules',
    '/usr/lib64/kamailio/modules',
    '/usr/lib/kamailio/modules',
  ]) {
    if (existsSync(join(dir, 'registrar.so'))) return dir;
  }
  for (const arch of existsSync('/usr/lib') ? readdirSync('/usr/lib') : []) {
    const dir = join('/usr/lib', arch, 'kamailio', 'modules');
    if (existsSync(join(dir, 'registrar.so'))) return dir;
  }
  return undefined;
}

/**
 * Kamailio as an in-memory registrar: usrloc db_mode 0, the users a range of logins whose password the cfg
 * derives from the login (the same credentials as the simulator's scenario; no database), digest MD5
 * with qop=auth and nonce-count checking (auth nonce_count, like the simulator's replay protection), realm = the
 * From domain (127.0.0.1), and the auth user must be the To user (pv_auth_check flag 1, the simulator's 403).
 */
function writeKamailioCfg(dir, port, children, userCount) {
  const mpath = kamailioModules();
  const cfg = `#!KAMAILIO
# Generated by test/bench/sip.mjs
debug=1
log_stderror=yes
memdbg=5
memlog=5
children=${children}
disable_tcp=yes
auto_aliases=no
listen=udp:${HOST}:${port}
${mpath ? `mpath="${mpath}/"` : ''}

loadmodule "kex.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "auth.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"

modparam("usrloc", "db_mode", 0)
modparam("usrloc", "hash_size", 14)
modparam("auth", "nonce_count", 1)
modparam("auth", "qop", "auth")
modparam("registrar", "max_expires", 7200)

request_route {
	if (!is_method("REGISTER")) {
		sl_send_reply("405", "Method Not Allowed");
		exit;
	}
	# The users: logins ${loginOf(0)}..${loginOf(userCount - 1)}, password "<login>-pw" (as in the simulator's scenario).
	if (is_present_hf("Authorization") && $au =~ "^[0-9]{1,9}$" && $(au{s.int}) >= ${FIRST_LOGIN} && $(au{s.int}) < ${FIRST_LOGIN + userCount}) {
		$var(password) = $au + "-pw";
		if (pv_auth_check("$fd", "$var(password)", "0", "1")) {
			consume_credentials();
			if (!save("location")) sl_reply_error();
			exit;
		}
	}
	auth_challenge("$fd", "1");
	exit;
}
`;
  const file = join(dir, 'kamailio.cfg');
  writeFileSync(file, cfg);
  return file;
}

// ---------------------------------------------------------------------------------------------------------------
// Targets

/**
 * The Node ceiling: one thread that answers each datagram with the datagram itself behind a canned status line
 * (Via, From, To, Call-ID and CSeq are then the request's, which is all sipp matches on). No parsing, no state; the
 * same 4 MB receive buffer as the simulator; one plain dgram send per request, at once.
 */
const RESPONDER = `
const { createSocket } = require('node:dgram');
const STATUS = Buffer.from('SIP/2.0 200 OK\\r\\n');
const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
socket.on('error', () => {});
socket.on('message', (msg, rinfo) => {
  const eol = msg.indexOf(10);
  socket.send([STATUS, msg.subarray(eol + 1)], rinfo.port, rinfo.address);
});
socket.bind(0, '${HOST}', () => process.stdout.write(JSON.stringify({ port: socket.address().port }) + '\\n'));
`;

function startResponder() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', RESPONDER], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, port: JSON.parse(out.slice(0, nl)).port });
    });
    child.once('exit', (code) => reject(new Error(`the responder exited (${code}): ${err}`)));
  });
}

function startSimulator(scenario) {
  return startCli([
    '--ready-json',
    '--memory',
    '--http-port',
    '0',
    '--sip-port',
    '0',
    '--scenario',
    scenario,
    '--admin-password',
    ADMIN_PASSWORD,
    '--log-level',
    'warn',
  ]);
}

/** Resolves once something answers a SIP OPTIONS on host:port (any response), rejects after timeoutMs. */
function waitForSip(port, timeoutMs, alive) {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const t0 = performance.now();
    let timer;
    const done = (err) => {
      clearInterval(timer);
      socket.close();
      if (err) reject(err);
      else resolve();
    };
    socket.on('message', () => done());
    socket.on('error', () => {});
    socket.bind(0, HOST, () => {
      const { port: local } = socket.address();
      const probe = () => {
        if (!alive()) return done(new Error('the process exited before it answered SIP'));
        if (performance.now() - t0 > timeoutMs)
          return done(new Error(`no SIP answer on ${HOST}:${port} within ${timeoutMs} ms`));
        const msg = [
          `OPTIONS sip:${HOST}:${port} SIP/2.0`,
          `Via: SIP/2.0/UDP ${HOST}:${local};branch=z9hG4bK-probe-${Date.now()}`,
          'Max-Forwards: 70',
          `From: <sip:probe@${HOST}>;tag=probe`,
          `To: <sip:${HOST}>`,
          `Call-ID: probe-${Date.now()}@${HOST}`,
          'CSeq: 1 OPTIONS',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
        socket.send(msg, port, HOST);
      };
      timer = setInterval(probe, 200);
      probe();
    });
  });
}

async function startKamailio(kamailio, dir, port, children, userCount) {
  const cfg = writeKamailioCfg(dir, port, children, userCount);
  const check = spawnSync(kamailio, ['-c', '-f', cfg], { encoding: 'utf8' });
  if (check.status !== 0)
    throw new Error(
      `kamailio -c -f ${cfg} failed:\n${(check.stderr || check.stdout).split('\n').slice(-20).join('\n')}`,
    );
  // Foreground (-DD: the creator is not daemonized, workers are forked), logs to stderr (-E), its own work and
  // runtime dirs, no pid file; its own process group so that stopping it leaves no worker behind.
  const args = ['-f', cfg, '-DD', '-E', '-w', dir, '-Y', dir, '-m', '256', '-M', '16'];
  const child = spawn(kamailio, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    err += d;
    if (err.length > 1_000_000) err = err.slice(-200_000);
  });
  try {
    await waitForSip(port, 20_000, () => child.exitCode === null && child.signalCode === null);
  } catch (e) {
    await stopProcess(child, { group: true, graceMs: 5000 });
    throw new Error(`kamailio did not start: ${e.message}\n${err.split('\n').slice(-20).join('\n')}`);
  }
  return { child, stderr: () => err };
}

// ---------------------------------------------------------------------------------------------------------------
// sipp

function parseSippStats(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const rows = text.trim().split('\n');
  if (rows.length < 2) return undefined;
  const head = rows[0].split(';');
  const last = rows[rows.length - 1].split(';');
  const col = (name) => last[head.indexOf(name)];
  const epoch = (v) => Number(String(v ?? '').split('\t')[2]);
  return {
    successful: Number(col('SuccessfulCall(C)')),
    failed: Number(col('FailedCall(C)')),
    retransmissions: Number(col('Retransmissions(C)')),
    elapsedMs: (epoch(col('CurrentTime')) - epoch(col('StartTime'))) * 1000,
  };
}

async function runSipp(sipp, { dir, name, port, scenarioFile, usersCsv, registrations, concurrent }) {
  const localPort = await freePort();
  const statFile = join(dir, `${name}-stats.csv`);
  const errFile = join(dir, `${name}-errors.log`);
  const screenFile = join(dir, `${name}-screen.log`);
  const args = [
    `${HOST}:${port}`,
    '-sf',
    scenarioFile,
    '-inf',
    usersCsv,
    '-t',
    'u1',
    '-i',
    HOST,
    '-p',
    String(localPort),
    '-m',
    String(registrations),
    '-l',
    String(concurrent),
    '-r',
    '100000',
    '-rp',
    '1000',
    '-timeout',
    '300s',
    '-timeout_error',
    '-buff_size',
    '4194304',
    '-nostdin',
    '-trace_stat',
    '-stf',
    statFile,
    '-fd',
    '1',
    '-trace_err',
    '-error_file',
    errFile,
    '-trace_screen',
    '-screen_file',
    screenFile,
  ];
  const t0 = performance.now();
  const child = spawn(sipp, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 330_000);
  const code = await new Promise((resolve) => {
    child.once('error', (e) => {
      stderr += String(e);
      resolve(null);
    });
    child.once('exit', (c) => resolve(c));
  });
  clearTimeout(killer);
  const wallMs = performance.now() - t0;
  const stats = parseSippStats(statFile);
  let errors = '';
  try {
    errors = readFileSync(errFile, 'utf8');
  } catch {
    // none
  }
  if (!stats) throw new Error(`sipp (${name}) left no statistics (exit ${code}): ${stderr.slice(-2000)}`);
  const elapsedMs = Number.isFinite(stats.elapsedMs) && stats.elapsedMs > 0 ? stats.elapsedMs : wallMs;
  const failed = stats.failed + Math.max(0, registrations - stats.successful - stats.failed);
  if (failed)
    progress(`${name}: ${failed} failed registrations (sipp exit ${code}); first errors:\n${errors.slice(0, 1500)}`);
  return {
    rate: round(stats.successful / (elapsedMs / 1000)),
    successful: stats.successful,
    failed,
    elapsedMs: Math.round(elapsedMs),
    retransmissions: stats.retransmissions,
    sippExit: code,
  };
}

// ---------------------------------------------------------------------------------------------------------------

const TARGET_NAMES = ['responder', 'simulator', 'kamailio1', 'kamailio2'];

/** Median, min and max of a list of numbers. */
function spread(xs, digits = 1) {
  const sorted = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!sorted.length) return { median: null, min: null, max: null };
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: round(median, digits), min: round(sorted[0], digits), max: round(sorted.at(-1), digits) };
}

export async function benchSip() {
  const rounds = envInt('BENCH_SIP_ROUNDS', 3);
  const registrations = envInt('BENCH_SIP_REGISTRATIONS', 20_000);
  const concurrent = envInt('BENCH_SIP_CONCURRENT', 200);
  const userCount = envInt('BENCH_SIP_USERS', 10_000);
  const warmUp = envInt('BENCH_SIP_WARMUP', 4000, 0);
  const { sipp, kamailio } = await provision();
  const dir = mkdtempSync(join(tmpdir(), 'starface-bench-sip-'));
  const cleanup = [];
  /** Starts something, remembers how to stop it, and forgets that once stopped. */
  const started = (stop) => {
    cleanup.push(stop);
    return async () => {
      cleanup.splice(cleanup.indexOf(stop), 1);
      await stop();
    };
  };
  try {
    const { scenario, usersCsv } = writeUsers(dir, userCount);
    const scenarios = writeSippScenarios(dir);
    const common = { dir, usersCsv, concurrent };
    /** The bare responder answers requests: a digest registration takes two of them. */
    const responderRates = (requestsPerSecond) => ({
      requestsPerSecond,
      registrationsPerSecond: round(requestsPerSecond / 2),
    });
    /**
     * Every target's warm-up before its timed pass (the yardsticks too): BENCH_SIP_WARMUP registrations with
     * Expires: 0. The timed pass is about two seconds, and a fresh simulator spent about 30 % of its CPU in them
     * on V8's helper threads (5 runs: main thread 1.32–1.47 s, the four helpers 0.62–0.67 s; with
     * --single-threaded-gc still 0.46–0.56 s, so mostly compiling, not GC); on two cores they take CPU that sipp
     * needs. Its rate is reported apart; its failures count.
     */
    const warm = async (name, port, plain) => {
      if (warmUp === 0) return undefined;
      const res = await runSipp(sipp, {
        ...common,
        name: `${name}-warmup`,
        port,
        scenarioFile: plain ? scenarios.warmUpPlain : scenarios.warmUp,
        registrations: plain ? 2 * warmUp : warmUp,
      });
      return plain
        ? { ...responderRates(res.rate), failed: res.failed }
        : { registrationsPerSecond: res.rate, failed: res.failed };
    };

    const run = {
      async responder(r) {
        const responder = await startResponder();
        const stop = started(() => stopProcess(responder.child));
        const warmed = await warm(`responder-${r}`, responder.port, true);
        const res = await runSipp(sipp, {
          ...common,
          name: `responder-${r}`,
          port: responder.port,
          scenarioFile: scenarios.plain,
          registrations: 2 * registrations,
        });
        await stop();
        const { rate, ...rest } = res;
        return { ...responderRates(rate), ...rest, warmUp: warmed };
      },
      async simulator(r) {
        const t0 = performance.now();
        const sim = await startSimulator(scenario);
        const stop = started(() => stopProcess(sim.child));
        const simPort = Number(sim.ready.sipUdp.split(':').pop());
        const rssBeforeKb = procStatus(sim.child.pid).rssKb;
        progress(`simulator ready in ${Math.round(performance.now() - t0)} ms (RSS ${round(rssBeforeKb / 1024)} MB)`);
        const warmed = await warm(`simulator-${r}`, simPort, false);
        const res = await runSipp(sipp, {
          ...common,
          name: `simulator-${r}`,
          port: simPort,
          scenarioFile: scenarios.register,
          registrations,
        });
        const token = await login(sim.ready.rest, 'admin', ADMIN_PASSWORD);
        const regs = await call(sim.ready.rest, 'GET', '/sim/registrations', token);
        if (regs.status !== 200) throw new Error(`GET /sim/registrations answered ${regs.status}`);
        const { hwmKb, rssKb } = procStatus(sim.child.pid);
        await stop();
        const { rate, ...rest } = res;
        return {
          registrationsPerSecond: rate,
          ...rest,
          bindings: regs.body.length,
          aors: new Set(regs.body.map((b) => b.aor)).size,
          rssPeakMb: round(hwmKb / 1024),
          rssAtEndMb: round(rssKb / 1024),
          rssBeforeLoadMb: round(rssBeforeKb / 1024),
          warmUp: warmed,
        };
      },
      kamailio1: (r) => runKamailio(1, r),
      kamailio2: (r) => runKamailio(2, r),
    };
    const runKamailio = async (children, r) => {
      const port = await freePort();
      const kam = await startKamailio(kamailio, dir, port, children, userCount);
      const stop = started(() => stopProcess(kam.child, { group: true, graceMs: 5000 }));
      const warmed = await warm(`kamailio${children}-${r}`, port, false);
      const res = await runSipp(sipp, {
        ...common,
        name: `kamailio${children}-${r}`,
        port,
        scenarioFile: scenarios.register,
        registrations,
      });
      await stop();
      const { rate, ...rest } = res;
      return { children, registrationsPerSecond: rate, ...rest, warmUp: warmed };
    };

    const perRound = [];
    for (let r = 1; r <= rounds; r++) {
      const order = r % 2 ? TARGET_NAMES : [...TARGET_NAMES].reverse();
      const figures = {};
      for (const name of order) {
        figures[name] = await run[name](r);
        const f = figures[name];
        progress(
          `round ${r}/${rounds} ${name}: ${f.registrationsPerSecond} registrations/s` +
            (name === 'responder' ? ` (${f.requestsPerSecond} requests/s)` : '') +
            `, ${f.failed} failed` +
            (f.warmUp ? ` (warm-up ${f.warmUp.registrationsPerSecond}/s, ${f.warmUp.failed} failed)` : '') +
            (name === 'simulator' ? `, ${f.bindings} bindings, peak RSS ${f.rssPeakMb} MB` : ''),
        );
      }
      const sim = figures.simulator.registrationsPerSecond;
      const ratios = {
        ceiling: round(sim / figures.responder.registrationsPerSecond, 3),
        kamailio1: round(sim / figures.kamailio1.registrationsPerSecond, 3),
        kamailio2: round(sim / figures.kamailio2.registrationsPerSecond, 3),
      };
      progress(`round ${r}/${rounds} ratios: ${JSON.stringify(ratios)}`);
      perRound.push({ round: r, order, ...figures, ratios });
    }

    const summary = (name, field) => spread(perRound.map((p) => p[name][field]));
    const ratios = {
      ceiling: spread(
        perRound.map((p) => p.ratios.ceiling),
        3,
      ),
      kamailio1: spread(
        perRound.map((p) => p.ratios.kamailio1),
        3,
      ),
      kamailio2: spread(
        perRound.map((p) => p.ratios.kamailio2),
        3,
      ),
    };
    const failed = Object.fromEntries(
      TARGET_NAMES.map((name) => [
        name,
        perRound.reduce((n, p) => n + p[name].failed + (p[name].warmUp?.failed ?? 0), 0),
      ]),
    );
    const figures = {
      bench: 'sip',
      rounds,
      registrations,
      concurrent,
      users: userCount,
      warmUp: { registrations: warmUp, expires: 0, of: 'every target, before its timed pass; not in the rates' },
      transport: 'UDP',
      auth: 'digest MD5 qop=auth, per-user credentials',
      kamailioVersion: kamailioVersion(kamailio),
      responder: {
        requestsPerSecond: summary('responder', 'requestsPerSecond'),
        registrationsPerSecond: summary('responder', 'registrationsPerSecond'),
        note: 'the Node ceiling: canned 200 per request, registrations/s = requests/s ÷ 2',
      },
      simulator: {
        registrationsPerSecond: summary('simulator', 'registrationsPerSecond'),
        rssPeakMb: summary('simulator', 'rssPeakMb'),
        bindings: summary('simulator', 'bindings'),
      },
      kamailio1: { registrationsPerSecond: summary('kamailio1', 'registrationsPerSecond') },
      kamailio2: { registrationsPerSecond: summary('kamailio2', 'registrationsPerSecond') },
      ratios,
      failed,
      perRound,
    };
    const minBindings = Math.min(TARGETS.bindings, userCount);
    const rssPeakMax = Math.max(...perRound.map((p) => p.simulator.rssPeakMb));
    figures.target = {
      ceilingRatio: { min: TARGETS.ceilingRatio, of: 'median', met: ratios.ceiling.median >= TARGETS.ceilingRatio },
      kamailio1Ratio: {
        min: TARGETS.kamailio1Ratio,
        of: 'median',
        met: ratios.kamailio1.median >= TARGETS.kamailio1Ratio,
      },
      noFailures: { met: Object.values(failed).every((n) => n === 0) },
      rssMb: {
        below: TARGETS.rssMb,
        of: 'simulator VmHWM, the highest of the rounds',
        value: rssPeakMax,
        withBindings: minBindings,
        met: rssPeakMax < TARGETS.rssMb && perRound.every((p) => p.simulator.bindings >= minBindings),
      },
    };
    figures.target.met = Object.values(figures.target).every((t) => t.met);
    if (!figures.target.met) {
      const missed = Object.entries(figures.target)
        .filter(([k, t]) => k !== 'met' && !t.met)
        .map(([k]) => k);
      progress(`target missed: ${missed.join(', ')}`);
      // run.mjs prints the figures, then the process exits with this code.
      process.exitCode = 1;
    }
    return figures;
  } finally {
    for (const stop of cleanup.reverse()) await stop();
    if (process.env.BENCH_SIP_KEEP === '1') progress(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function kamailioVersion(kamailio) {
  const r = spawnSync(kamailio, ['-v'], { encoding: 'utf8' });
  return /version:\s*kamailio\s+(\S+)/i.exec(r.stdout ?? '')?.[1] ?? null;
}
