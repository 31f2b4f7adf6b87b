// Debian packages for the test tiers and benches: found, or installed with apt-get when running as root, or a
// ProvisionError naming the exact command to run by hand. Never a silent skip.
//
// Why the waiting and the retry: CI and users' pipelines run on shared machines, where another apt process (an
// unattended upgrade, a second clone's `npm test`, another tier) may hold the dpkg or the package-list lock. apt's
// own `DPkg::Lock::Timeout` waits for the dpkg lock; the list lock of `apt-get update` is not covered by it on every
// apt version, so a lock failure is also waited out here. Any other failure is retried once, then reported with the
// command to run by hand.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export class ProvisionError extends Error {}

/** How long one apt-get call may wait for a lock held by someone else. */
const LOCK_WAIT_SECONDS = 900;
const LOCK_RETRY_PAUSE_MS = 5_000;

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** The path of an executable on PATH (or in the sbin folders, where Debian puts daemons such as kamailio). */
export function which(cmd) {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin']) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

/** True when dpkg reports the package as installed. */
export function debianPackageInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /\binstall ok installed\b/.test(r.stdout);
}

/** The command a user runs by hand to install `packages`. */
export function installCommand(packages) {
  return `sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`;
}

function aptGet(args, log) {
  return new Promise((resolve) => {
    const child = spawn('apt-get', ['-o', `DPkg::Lock::Timeout=${LOCK_WAIT_SECONDS}`, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    let tail = '';
    const keep = (d) => {
      tail = (tail + d).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', (d) => {
      keep(d);
      log(String(d).trimEnd());
    });
    child.on('error', (e) => resolve({ code: 127, tail: String(e) }));
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}

const lockHeld = (tail) =>
  /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock directory|is held by process/i.test(tail);

/** One apt-get call: waits out locks held by others (up to LOCK_WAIT_SECONDS), retries any other failure once. */
async function aptGetPatiently(args, log) {
  const deadline = Date.now() + LOCK_WAIT_SECONDS * 1000;
  let otherFailures = 0;
  for (;;) {
    const r = await aptGet(args, log);
    if (r.code === 0) return r;
    if (lockHeld(r.tail) && Date.now() < deadline) {
      log(`apt-get ${args[0]}: another apt process holds the lock; waiting`);
      await new Promise((res) => setTimeout(res, LOCK_RETRY_PAUSE_MS));
      continue;
    }
    if (++otherFailures > 1) return r;
    log(`apt-get ${args.join(' ')} failed (exit ${r.code}); retrying once`);
    await new Promise((res) => setTimeout(res, LOCK_RETRY_PAUSE_MS));
  }
}

/** True when apt knows an installation candidate for every package (so `apt-get update` can be skipped). */
function candidatesKnown(packages) {
  const r = spawnSync('apt-cache', ['policy', ...packages], { encoding: 'utf8' });
  if (r.status !== 0) return false;
  const candidates = [...r.stdout.matchAll(/Candidate: (\S+)/g)].map((m) => m[1]);
  return candidates.length === packages.length && candidates.every((c) => c !== '(none)');
}

/**
 * Makes sure every Debian package in `packages` is installed.
 * `why` completes the sentence "… needs them for <why>" in the error a non-root user sees.
 */
export async function ensureDebianPackages(
  packages,
  { why = 'the tests', log = (m) => process.stderr.write(`[apt] ${m}\n`) } = {},
) {
  const missing = () => packages.filter((p) => !debianPackageInstalled(p));
  let need = missing();
  if (need.length === 0) return { installed: [] };
  const command = installCommand(need);
  if (!isRoot()) {
    throw new ProvisionError(
      `missing Debian package(s): ${need.join(', ')} (${why} needs them), and not running as root to install them.\nInstall them with:\n  ${command}`,
    );
  }
  if (!which('apt-get')) {
    throw new ProvisionError(
      `missing: ${need.join(', ')} (${why} needs them), and there is no apt-get here; install the equivalent packages with your package manager.`,
    );
  }
  log(`installing Debian packages for ${why}: ${need.join(' ')}`);
  if (!candidatesKnown(need)) {
    const upd = await aptGetPatiently(['update', '-qq'], log);
    if (upd.code !== 0)
      throw new ProvisionError(`apt-get update failed (exit ${upd.code}).\nRun by hand:\n  ${command}`);
  }
  // Someone else (another tier or clone) may have installed them while we waited for the lock.
  need = missing();
  if (need.length > 0) {
    const inst = await aptGetPatiently(['install', '-y', '-qq', ...need], log);
    if (inst.code !== 0)
      throw new ProvisionError(
        `apt-get install ${need.join(' ')} failed (exit ${inst.code}).\nRun by hand:\n  ${command}`,
      );
  }
  const still = missing();
  if (still.length)
    throw new ProvisionError(
      `still missing after apt-get install: ${still.join(', ')}.\nRun by hand:\n  ${installCommand(still)}`,
    );
  return { installed: need };
}
