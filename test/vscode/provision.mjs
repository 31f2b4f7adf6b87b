#!/usr/bin/env node
// Provisions what the `vscode` tier needs to run the extension in a real VS Code extension host, offline:
//  - Debian packages: chromium (always), and — only while code-server has to be installed — ripgrep, libkrb5-dev,
//    build-essential and python3 (code-server's postinstall compiles native modules with node-gyp).
//    Installed with apt-get when running as root; otherwise a clear message with the exact command.
//  - code-server@4.100.3 (VS Code 1.100.3, the newest that runs on Node 20) installed with npm into
//    .test-cache/vscode-host/ (about 600 MB, so never a devDependency of the project). Reused when present.
// Usable on its own: `node test/vscode/provision.mjs` (exit code 0 = ready).
import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages as ensureAptPackages, ProvisionError } from '../support/apt.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const hostDir = join(root, '.test-cache', 'vscode-host');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const markerFile = join(hostDir, '.provisioned.json');
const codeServerDir = join(hostDir, 'node_modules', 'code-server');
export const codeServerEntry = join(codeServerDir, 'out', 'node', 'entry.js');
// Values pinned for code-server 4.100.3: its lib/vscode uses @vscode/ripgrep 1.15.11, which wants rg v13.0.0-10.
const RG_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RG_TARGETS = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' };

const log = (msg) => process.stderr.write(`[vscode-provision] ${msg}\n`);

export { ProvisionError };

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when a usable code-server of the pinned version is in the cache (a finished install wrote the marker). */
export function codeServerReady() {
  const marker = readJson(markerFile);
  const pkg = readJson(join(codeServerDir, 'package.json'));
  return Boolean(
    marker &&
    marker.codeServer === CODE_SERVER_VERSION &&
    marker.node === process.versions.node.split('.')[0] &&
    pkg &&
    pkg.version === CODE_SERVER_VERSION &&
    existsSync(codeServerEntry) &&
    existsSync(join(codeServerDir, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg')),
  );
}

/** Debian packages that are missing; `build` adds the ones only the code-server install needs. */
export function missingDebianPackages({ build }) {
  const need = [];
  if (!existsSync(chromiumPath)) need.push('chromium');
  if (build) {
    if (!onPath('rg')) need.push('ripgrep');
    if (!existsSync('/usr/include/gssapi/gssapi.h')) need.push('libkrb5-dev'); // code-server's kerberos native module
    if (!onPath('g++') || !onPath('make')) need.push('build-essential');
    if (!onPath('python3')) need.push('python3'); // node-gyp
  }
  return need;
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let tail = '';
    const onData = (d) => {
      tail = (tail + d).slice(-20000);
      if (opts.logStream) opts.logStream.write(d);
      else process.stderr.write(d);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => resolve({ code: 127, tail: String(e) }));
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}

export async function ensureDebianPackages({ build }) {
  const need = missingDebianPackages({ build });
  if (need.length === 0) return;
  const why =
    need.includes('chromium') && !build
      ? 'the vscode and browser tiers (chromium drives the pages)'
      : 'the vscode tier (chromium drives the VS Code workbench; ripgrep, libkrb5-dev and build tools install code-server)';
  await ensureAptPackages(need, { why, log });
  const still = missingDebianPackages({ build });
  if (still.length) throw new ProvisionError(`still missing after apt-get: ${still.join(', ')}`);
}

/** @vscode/ripgrep's postinstall downloads rg from GitHub (unreachable); seed its download cache with Debian's rg. */
function seedRipgrepCache(tmp) {
  const target = RG_TARGETS[process.arch];
  if (!target) throw new ProvisionError(`no ripgrep cache name known for arch ${process.arch}`);
  const dir = join(tmp, RG_CACHE);
  const tgz = join(dir, `ripgrep-v13.0.0-10-${target}.tar.gz`);
  if (existsSync(tgz) && statSync(tgz).size > 0) return;
  mkdirSync(dir, { recursive: true });
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  const stage = mkdtempSync(join(tmpdir(), 'rg-seed-'));
  copyFileSync(rg, join(stage, 'rg'));
  const r = spawnSync('tar', ['czf', tgz, '-C', stage, 'rg'], { stdio: 'inherit' });
  rmSync(stage, { recursive: true, force: true });
  if (r.status !== 0) throw new ProvisionError('could not build the ripgrep cache tarball');
}

export async function ensureCodeServer() {
  if (codeServerReady()) return { installed: false, seconds: 0 };
  await ensureDebianPackages({ build: true });
  log(
    `installing code-server@${CODE_SERVER_VERSION} into ${hostDir} (first run only; about a minute of downloads and native builds)`,
  );
  const t0 = Date.now();
  rmSync(join(hostDir, 'node_modules'), { recursive: true, force: true });
  rmSync(markerFile, { force: true });
  const tmp = join(hostDir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  writeFileSync(
    join(hostDir, 'package.json'),
    JSON.stringify(
      {
        name: 'vscode-test-host',
        private: true,
        description: 'code-server for the vscode test tier (test/vscode/provision.mjs); not part of the project',
        dependencies: { 'code-server': CODE_SERVER_VERSION },
        allowScripts: { 'code-server': true, argon2: true },
      },
      null,
      2,
    ) + '\n',
  );
  seedRipgrepCache(tmp);
  // Settings from the offline study: unsafe-perm (code-server's postinstall refuses to run as root otherwise),
  // yes (node-pty's postinstall runs `npx node-gyp`, which aborts without a TTY otherwise). Given as environment
  // variables so that the nested `npm install` runs in lib/vscode and lib/vscode/extensions inherit them.
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|command$|config_local_prefix$)/i.test(k)) delete env[k];
  }
  Object.assign(env, {
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_foreground_scripts: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
    TMPDIR: tmp,
  });
  const logFile = join(hostDir, 'install.log');
  const logStream = createWriteStream(logFile);
  // A registry hiccup or a native build racing another job should not fail the tier: one retry, then the command.
  let res = await run('npm', ['install', '--prefix', hostDir], { cwd: hostDir, env, logStream });
  if (res.code !== 0) {
    log(`npm install of code-server failed (exit ${res.code}); retrying once`);
    res = await run('npm', ['install', '--prefix', hostDir], { cwd: hostDir, env, logStream });
  }
  await new Promise((r) => logStream.end(r));
  const seconds = (Date.now() - t0) / 1000;
  if (
    res.code !== 0 ||
    !existsSync(join(codeServerDir, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'))
  ) {
    process.stderr.write(res.tail.split('\n').slice(-60).join('\n') + '\n');
    throw new ProvisionError(
      `installing code-server@${CODE_SERVER_VERSION} failed (npm exit ${res.code}) after ${seconds.toFixed(0)} s; full log: ${logFile}\n` +
        `Retry by hand: cd ${hostDir} && npm_config_unsafe_perm=true npm_config_yes=true TMPDIR=${tmp} npm install`,
    );
  }
  writeFileSync(
    markerFile,
    JSON.stringify({
      codeServer: CODE_SERVER_VERSION,
      node: process.versions.node.split('.')[0],
      installedAt: new Date().toISOString(),
      seconds,
    }) + '\n',
  );
  log(`code-server@${CODE_SERVER_VERSION} installed in ${seconds.toFixed(1)} s (log: ${logFile})`);
  return { installed: true, seconds };
}

/** Everything the tier needs; throws ProvisionError with a readable message. */
export async function provision() {
  const cs = await ensureCodeServer();
  await ensureDebianPackages({ build: false });
  return cs;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  provision().then(
    () => log('ready'),
    (e) => {
      log(e instanceof ProvisionError ? e.message : e?.stack || String(e));
      process.exit(1);
    },
  );
}
