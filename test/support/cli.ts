// Black-box helpers: run the built simulator CLI (dist/simulator/cli.js) as a child process, build the bundles a
// single-file run needs, and temp folders.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadyLine } from '../../shared/schemas/readyLine.js';
import { testTlsArgs } from './testTls.js';

export const ROOT = join(__dirname, '..', '..');
/** The built CLI; STARFACE_SIM_CLI points the black-box tests at another build (e.g. an installed package). */
export const CLI = process.env.STARFACE_SIM_CLI ?? join(ROOT, 'dist', 'simulator', 'cli.js');

export interface BuildNeeds {
  /** Other outputs of the build that must exist too (e.g. dist/teams-schemas/v1.30). */
  alongside?: string[];
  /** Sources (files, or folders whose .ts files count) the bundle must not be older than; relative to ROOT. */
  staleAgainst?: string[];
}

function newestSource(paths: string[]): number {
  const times = paths.flatMap((p) => {
    const abs = join(ROOT, p);
    if (!statSync(abs).isDirectory()) return [statSync(abs).mtimeMs];
    return readdirSync(abs)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => statSync(join(abs, f)).mtimeMs);
  });
  return Math.max(0, ...times);
}

/**
 * Builds the bundles (node esbuild.mjs) when `bundle` (default: the simulator CLI) or one of `needs.alongside` is
 * missing, or the bundle is older than `needs.staleAgainst`. The test tiers normally run after the build, so this
 * only builds for a single-file run.
 */
export function ensureBuilt(bundle: string = CLI, needs: BuildNeeds = {}): void {
  const present = [bundle, ...(needs.alongside ?? [])].every((f) => existsSync(f));
  if (present && (!needs.staleAgainst || statSync(bundle).mtimeMs >= newestSource(needs.staleAgainst))) return;
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(bundle)) throw new Error(`node esbuild.mjs failed (${r.status}): ${r.stderr}`);
}

export type { ReadyLine };

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliRun {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the first stdout line parsed as JSON (`--ready-json`); rejects when the process ends first. */
  ready(timeoutMs?: number): Promise<ReadyLine>;
  /** Resolves once stdout holds `text`; rejects when the process ends first. */
  waitForStdout(text: string | RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<Exit>;
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

const running = new Set<ChildProcess>();

/** Under --tls (test/support/testTls.ts) a simulator start gets the TLS flags; subcommands, --help, --version not. */
function withTestTls(args: string[]): string[] {
  const start = !['record', 'replay', 'admin-password', 'story'].includes(args[0] ?? '');
  const info = args.some((a) => ['--help', '-h', '--version', '-v', '--tls', '--sip-tls-port', '--tls-ca'].includes(a));
  return start && !info ? [...testTlsArgs(), ...args] : args;
}

/** Starts `node dist/simulator/cli.js ...args`. `env` entries set to undefined are removed from the environment. */
/** `as` runs the CLI under another uid/gid (the tests run as root on CI, where mode bits alone stop no write). */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  as: { uid: number; gid: number } | undefined = undefined,
): CliRun {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) childEnv[k] = v;
  const child = spawn(process.execPath, [CLI, ...withTestTls(args)], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...as,
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (d: string) => {
    stdout += d;
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (d: string) => (stderr += d));
  const exited = new Promise<Exit>((resolve) => {
    // 'close' waits for the pipes to drain, so stdout/stderr are complete afterwards.
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
      for (const l of listeners) l();
    });
  });
  let ended = false;
  void exited.then(() => (ended = true));

  function waitFor<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          done(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stdout: ${stdout} stderr: ${stderr}`)),
        timeoutMs,
      );
      const done = (err?: Error, value?: T) => {
        clearTimeout(timer);
        listeners.delete(tick);
        if (err) reject(err);
        else resolve(value as T);
      };
      const tick = () => {
        let v: T | undefined;
        try {
          v = check();
        } catch (err) {
          return done(err as Error);
        }
        if (v !== undefined) return done(undefined, v);
        if (ended || child.exitCode !== null)
          done(
            new Error(
              `the simulator ended (code ${child.exitCode}) before ${what}; stdout: ${stdout} stderr: ${stderr}`,
            ),
          );
      };
      listeners.add(tick);
      tick();
    });
  }

  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    ready(timeoutMs = 10_000) {
      return waitFor(
        () => {
          const nl = stdout.indexOf('\n');
          if (nl < 0) return undefined;
          return JSON.parse(stdout.slice(0, nl)) as ReadyLine;
        },
        'the ready line',
        timeoutMs,
      );
    },
    waitForStdout(text, timeoutMs = 10_000) {
      return waitFor(
        () => ((typeof text === 'string' ? stdout.includes(text) : text.test(stdout)) ? stdout : undefined),
        `stdout to show ${text}`,
        timeoutMs,
      );
    },
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** SIGKILLs every CLI child still running (for `after` hooks). */
export async function killAllClis(): Promise<void> {
  const waits = [...running].map(
    (c) =>
      new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) return resolve();
        c.once('close', () => resolve());
        c.kill('SIGKILL');
      }),
  );
  await Promise.all(waits);
}

const tmpDirs: string[] = [];

/** A fresh folder under the OS temp dir, removed by `removeTempDirs`. */
export function tempDir(prefix = 'starface-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
