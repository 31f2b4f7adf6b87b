// What every benchmark shares: the built CLI, starting and stopping it, its memory, and the REST sign-in.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = process.env.STARFACE_SIM_CLI ?? join(ROOT, 'dist', 'simulator', 'cli.js');
export const ADMIN_PASSWORD = 'bench-admin-password';

export const progress = (msg) => process.stderr.write(`bench: ${msg}\n`);
export const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
export const sha512hex = (s) => createHash('sha512').update(s, 'utf8').digest('hex');

/** An integer from the environment, at least `min` (1 unless said: 0 only where it means "none"). */
export function envInt(name, dflt, min = 1) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${name} must be ${min === 0 ? 'a whole number ≥ 0' : 'a positive integer'}, not "${v}"`);
  return n;
}

/** Nearest-rank quantile of an ascending array. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/** Median, the `upper` quantile (as pNN), min and max of `xs`, rounded to `digits`. */
/** The q-quantile of a histogram of whole milliseconds (index = ms). */
export function histQuantile(hist, q) {
  const total = hist.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let i = 0; i < hist.length; i++) {
    acc += hist[i];
    if (acc >= q * total) return i;
  }
  return hist.length - 1;
}

export function stats(xs, { upper = 0.9, digits = 1 } = {}) {
  const sorted = [...xs].sort((a, b) => a - b);
  return {
    median: round(quantile(sorted, 0.5), digits),
    [`p${Math.round(upper * 100)}`]: round(quantile(sorted, upper), digits),
    min: round(sorted[0], digits),
    max: round(sorted[sorted.length - 1], digits),
  };
}

/** A TCP port on 127.0.0.1 that nothing listens on: bound once, then released. */
export function closedPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `node esbuild.mjs ...args` in the repository, its output shown; throws when it fails. */
export function esbuild(...args) {
  const r = spawnSync(process.execPath, ['esbuild.mjs', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`node ${['esbuild.mjs', ...args].join(' ')} failed (exit ${r.status})`);
}

/** Builds the development bundles when one of `outputs` (default: the simulator CLI) is missing. */
export function ensureBuilt(outputs = [CLI]) {
  const missing = outputs.filter((f) => !existsSync(f));
  if (missing.length === 0) return;
  progress(`${missing.map((f) => relative(ROOT, f)).join(', ')} missing; building with node esbuild.mjs`);
  esbuild();
  const still = outputs.filter((f) => !existsSync(f));
  if (still.length) throw new Error(`node esbuild.mjs did not build ${still.map((f) => relative(ROOT, f)).join(', ')}`);
}

/**
 * Spawns the CLI (with BENCH_NODE_ARGS as node flags, e.g. "--cpu-prof"); resolves with the child, the parsed
 * ready line and the milliseconds from spawn to it.
 */
export function startCli(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STARFACE_SIM_ADMIN_PASSWORD: ADMIN_PASSWORD },
    });
    let out = '';
    let err = '';
    let ready = false;
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0 || ready) return;
      ready = true;
      const ms = performance.now() - t0;
      try {
        resolve({ child, ready: JSON.parse(out.slice(0, nl)), ms, stderr: () => err });
      } catch (e) {
        reject(new Error(`not a ready line: ${out.slice(0, nl)} (${e.message})`));
      }
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before it was ready: ${err}`)));
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; `group` signals the child's whole process group. */
export function stopProcess(child, { group = false, graceMs = 3000 } = {}) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = (sig) => {
      try {
        if (group) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // already gone
      }
    };
    const force = setTimeout(() => kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    kill('SIGTERM');
  });
}

/** Resident memory now and at its peak, from /proc. */
export function procStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return { rssKb: NaN, hwmKb: NaN };
  }
}

export async function call(base, method, path, token, body) {
  const headers = { 'Content-Type': 'application/json', 'X-Version': '2' };
  if (token) headers.authToken = token;
  const res = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The real REST login handshake; answers the authToken. */
export async function login(base, user = 'admin', password = ADMIN_PASSWORD) {
  const { body: challenge } = await call(base, 'GET', '/login');
  const secret = `${user}:${sha512hex(user + challenge.nonce + sha512hex(password))}`;
  const r = await call(base, 'POST', '/login', undefined, { loginType: 'Internal', nonce: challenge.nonce, secret });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}
