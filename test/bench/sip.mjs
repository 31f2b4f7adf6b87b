// `npm run bench -- sip` (dispatched from run.mjs): the SIP registrar under a sipp closed loop, side by side with
// Kamailio 5.6 as an in-memory registrar with the same users and the same digest authentication, in one run.
//   - 10,000 users 20000..29999, password and SIP secret "<login>-pw": a scenario file for the simulator; for Kamailio the
//     cfg accepts that login range and derives the password from the login (no database on either side).
//   - sipp 3.6.1, UDP (-t u1), REGISTER → 401 (digest MD5, qop=auth) → REGISTER with credentials → 200, Expires
//     3600; the credentials come per call from the -inf CSV: sipp expands keywords inside
//     [authentication username="[field0]" password="[field1]"] when the values are quoted (unquoted, the first
//     "]" ends the keyword). Closed loop: -l BENCH_SIP_CONCURRENT (200) calls at a time, -m BENCH_SIP_REGISTRATIONS
//     (20,000), so every user registers twice (a new binding, then a refresh from a new Call-ID).
//   - Simulator first, then Kamailio, each on a free UDP port of 127.0.0.1 (the domain and realm of both).
//   - After the simulator's run: its bindings (GET /rest/sim/registrations as admin) and its peak RSS (VmHWM).
// Provisioning: sipp (sip-tester) and kamailio are installed with apt-get when missing and running as root; else
// the bench exits 1 naming the command. Kamailio runs in the foreground (-DD -E) from a temp dir with its own cfg;
// its process group is stopped at the end. Environment: BENCH_SIP_REGISTRATIONS, BENCH_SIP_CONCURRENT,
// BENCH_SIP_USERS, BENCH_KAMAILIO_CHILDREN (UDP worker processes, default 4), BENCH_NODE_ARGS (node flags for the
// simulator, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), BENCH_SIP_KEEP=1 keeps the temp dir (logs, stats).
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
const TARGETS = { rateRatio: 0.6, rssMb: 200, bindings: 10_000 };
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

const REGISTER = (cseq, auth) => `
      REGISTER sip:[remote_ip] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: <sip:[field0]@[remote_ip]>;tag=[call_number]
      To: <sip:[field0]@[remote_ip]>
      Call-ID: [call_id]
      CSeq: ${cseq} REGISTER
      Contact: <sip:[field0]@[local_ip]:[local_port]>
${auth ? '      [authentication username="[field0]" password="[field1]"]\n' : ''}      Expires: 3600
      User-Agent: sipp-bench
      Content-Length: 0

`;

function writeSippScenario(dir) {
  const file = join(dir, 'register.xml');
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="REGISTER with digest (per-user credentials from the -inf CSV)">
  <send retrans="500"><![CDATA[${REGISTER(1, false)}]]></send>
  <recv response="401" auth="true"/>
  <send retrans="500"><![CDATA[${REGISTER(2, true)}]]></send>
  <recv response="200"/>
</scenario>
`,
  );
  return file;
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

export async function benchSip() {
  const registrations = envInt('BENCH_SIP_REGISTRATIONS', 20_000);
  const concurrent = envInt('BENCH_SIP_CONCURRENT', 200);
  const userCount = envInt('BENCH_SIP_USERS', 10_000);
  const children = envInt('BENCH_KAMAILIO_CHILDREN', 4);
  const { sipp, kamailio } = await provision();
  const dir = mkdtempSync(join(tmpdir(), 'starface-bench-sip-'));
  const cleanup = [];
  try {
    const { scenario, usersCsv } = writeUsers(dir, userCount);
    const scenarioFile = writeSippScenario(dir);
    const common = { dir, scenarioFile, usersCsv, registrations, concurrent };

    // The simulator.
    progress(`starting the simulator with ${userCount} users`);
    let t0 = performance.now();
    const sim = await startSimulator(scenario);
    const stopSim = () => stopProcess(sim.child);
    cleanup.push(stopSim);
    const simPort = Number(sim.ready.sipUdp.split(':').pop());
    const rssBeforeKb = procStatus(sim.child.pid).rssKb;
    progress(
      `simulator ready in ${Math.round(performance.now() - t0)} ms (SIP ${sim.ready.sipUdp}, RSS ${round(rssBeforeKb / 1024)} MB); sipp -l ${concurrent} -m ${registrations}`,
    );
    const simulator = await runSipp(sipp, { ...common, name: 'simulator', port: simPort });
    const token = await login(sim.ready.rest, 'admin', ADMIN_PASSWORD);
    const regs = await call(sim.ready.rest, 'GET', '/sim/registrations', token);
    if (regs.status !== 200) throw new Error(`GET /sim/registrations answered ${regs.status}`);
    simulator.bindings = regs.body.length;
    simulator.aors = new Set(regs.body.map((r) => r.aor)).size;
    const { hwmKb, rssKb } = procStatus(sim.child.pid);
    simulator.rssPeakMb = round(hwmKb / 1024);
    simulator.rssAtEndMb = round(rssKb / 1024);
    simulator.rssBeforeLoadMb = round(rssBeforeKb / 1024);
    progress(
      `simulator: ${simulator.rate}/s, ${simulator.failed} failed, ${simulator.elapsedMs} ms, ${simulator.bindings} bindings, peak RSS ${simulator.rssPeakMb} MB`,
    );
    await stopSim();
    cleanup.pop();

    // Kamailio.
    const kamPort = await freePort();
    progress(`starting kamailio (children=${children}) on ${HOST}:${kamPort}`);
    t0 = performance.now();
    const kam = await startKamailio(kamailio, dir, kamPort, children, userCount);
    const stopKam = () => stopProcess(kam.child, { group: true, graceMs: 5000 });
    cleanup.push(stopKam);
    progress(`kamailio ready in ${Math.round(performance.now() - t0)} ms`);
    const kam_ = await runSipp(sipp, { ...common, name: 'kamailio', port: kamPort });
    kam_.children = children;
    progress(`kamailio: ${kam_.rate}/s, ${kam_.failed} failed, ${kam_.elapsedMs} ms`);
    await stopKam();
    cleanup.pop();

    const ratio = round(simulator.rate / kam_.rate, 3);
    const figures = {
      bench: 'sip',
      registrations,
      concurrent,
      users: userCount,
      transport: 'UDP',
      auth: 'digest MD5 qop=auth, per-user credentials',
      simulator,
      kamailio: { version: kamailioVersion(kamailio), ...kam_ },
      ratio,
    };
    figures.target = {
      noFailures: { met: simulator.failed === 0 && kam_.failed === 0 },
      rateRatio: { min: TARGETS.rateRatio, met: ratio >= TARGETS.rateRatio },
      rssMb: {
        below: TARGETS.rssMb,
        of: 'simulator VmHWM',
        withBindings: simulator.bindings,
        met: simulator.rssPeakMb < TARGETS.rssMb && simulator.bindings >= Math.min(TARGETS.bindings, userCount),
      },
    };
    figures.target.met = figures.target.noFailures.met && figures.target.rateRatio.met && figures.target.rssMb.met;
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
