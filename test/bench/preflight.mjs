// `npm run bench -- preflight` (dispatched from run.mjs): the prerequisites check against the built simulator
// (in memory, demo) with BENCH_PREFLIGHT_USERS (100) extra users holding the right "Integration mit Microsoft Teams"
// (103 users checked in all). Runs the built CLI dist/cli/starface-preflight.js --json --no-machine
// BENCH_PREFLIGHT_RUNS (15) times; `check` is the report's durationMs (checkPrerequisites in the CLI's process: every
// REST read and every rule, without the CLI's start-up and sign-in), `process` the wall time of the whole CLI
// process. Then a few runs with the machine checks on (R5 browser probe, R6 against a closed loopback port, R7).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ADMIN_PASSWORD,
  call,
  closedPort,
  envInt,
  login,
  progress,
  ROOT,
  startCli,
  stats,
  stopProcess,
} from './common.mjs';

const TARGET_MS = 2000;
const CLI = join(ROOT, 'dist', 'cli', 'starface-preflight.js');

function checkPrerequisites(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, STARFACE_PASSWORD: ADMIN_PASSWORD }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const ms = performance.now() - t0;
        // Exit 1 means "a requirement fails" (the demo's 1002 and 1003): still a complete report.
        if (err && err.code !== 1) return reject(new Error(`starface-preflight failed (${err.code}): ${stderr}`));
        resolve({ ms, report: JSON.parse(stdout) });
      },
    );
  });
}

export async function benchPreflight() {
  const extra = envInt('BENCH_PREFLIGHT_USERS', 100);
  const runs = envInt('BENCH_PREFLIGHT_RUNS', 15);
  const { child, ready } = await startCli([
    '--ready-json',
    '--memory',
    '--scenario',
    'demo',
    '--http-port',
    '0',
    '--sip-port',
    '0',
  ]);
  try {
    const base = ready.rest;
    const token = await login(base, 'admin', ADMIN_PASSWORD);
    const ids = [];
    for (let i = 0; i < extra; i++) {
      const r = await call(base, 'POST', '/users', token, {
        login: String(40000 + i),
        firstName: 'Bench',
        familyName: `User ${i}`,
        email: '',
        language: 'de',
        password: `bench-pw-${i}`,
      });
      if (r.status !== 201) throw new Error(`POST /users answered ${r.status} ${JSON.stringify(r.body)}`);
      ids.push(r.body.id);
    }
    const grant = await call(base, 'PUT', '/permissions/13/users?granted=true', token, ids);
    if (grant.status !== 204) throw new Error(`granting the Teams right answered ${grant.status}`);
    const url = base.replace(/\/rest$/, '');
    const args = ['--url', url, '--login', 'admin', '--json', '--no-machine'];
    await checkPrerequisites(args); // warm-up: the simulator's JIT, the file cache
    const checks = [];
    const wall = [];
    let report;
    for (let i = 0; i < runs; i++) {
      const r = await checkPrerequisites(args);
      report = r.report;
      checks.push(r.report.durationMs);
      wall.push(r.ms);
    }
    progress(`${report.users.length} users, ${report.results.length} results; check median ${stats(checks).median} ms`);
    const port = await closedPort();
    const machine = [];
    for (let i = 0; i < 3; i++) {
      const r = await checkPrerequisites([
        '--url',
        url,
        '--login',
        'admin',
        '--json',
        '--hosts',
        `127.0.0.1:${port}`,
        '--timeout',
        '1000',
      ]);
      machine.push(r.report.durationMs);
    }
    const check = stats(checks);
    return {
      bench: 'preflight',
      users: report.users.length,
      results: report.results.length,
      summary: report.summary,
      runs,
      unit: 'ms',
      check,
      process: stats(wall),
      withMachineChecks: {
        runs: machine.length,
        ...stats(machine),
        note: 'R5 probes the browsers on PATH, R6 a closed loopback port (1000 ms timeout per stage), R7 env and desktop settings; in parallel with the PBX reads',
      },
      target: {
        checkMedianBelowMs: TARGET_MS,
        met: check.median < TARGET_MS,
        processMedianMet: stats(wall).median < TARGET_MS,
      },
    };
  } finally {
    await stopProcess(child);
  }
}
