/**
 * sipp (Debian package sip-tester) for tests: found on PATH, installed with apt-get when running as root (see
 * apt.mjs), else a clear error naming the command to run. Never skips silently.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackages, which } from './apt.mjs';

let found: string | undefined;

/** The path of sipp; installs sip-tester when missing and running as root (waiting for apt locks), else throws with the command to run. */
export async function findSipp(): Promise<string> {
  if (found) return found;
  let path = which('sipp');
  if (!path) {
    await ensureDebianPackages(['sip-tester'], { why: 'the sipp tests' });
    path = which('sipp');
    if (!path) throw new Error('apt-get install -y sip-tester succeeded but there is still no sipp on PATH');
  }
  found = path;
  return path;
}

/** A port free for both UDP and TCP on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
    const udp = createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (ok) return port;
  }
  throw new Error('no free port for sipp');
}

export interface SippRun {
  /** sipp's exit code: 0 all calls succeeded, 1 some failed, 97/99/255/254 other endings. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From the final statistics: successful and failed calls (NaN when not found). */
  successful: number;
  failed: number;
  /** Contents of the -trace_err file(s), when any. */
  errors: string;
  /** The complete command line, for messages. */
  command: string;
}

export interface SippOptions {
  /** host:port of the SIP server. */
  remote: string;
  transport: 'udp' | 'tcp';
  /** Scenario XML text. */
  scenario: string;
  /** -m: number of calls; default 1. */
  calls?: number;
  /** -s: the service (Request-URI user part). */
  service?: string;
  /** -au / -ap: digest user and password. */
  authUser?: string;
  authPassword?: string;
  /** -timeout in seconds; default 10. */
  timeoutSeconds?: number;
  /** -p: the local port; default a free one (pass the same one to keep the Contact across runs). */
  localPort?: number;
  /** -cid_str: the Call-ID format (`%u` call number, `%p` pid, `%s` local IP); fixed to keep a Call-ID across runs. */
  callIdFormat?: string;
  /** Further sipp arguments. */
  extra?: string[];
}

/** Writes the scenario to a temp dir, runs sipp there and collects the outcome; the temp dir is removed. */
export async function runSipp(opts: SippOptions): Promise<SippRun> {
  const sipp = await findSipp();
  const dir = await mkdtemp(join(tmpdir(), 'sipp-'));
  try {
    const scenarioFile = join(dir, 'scenario.xml');
    await writeFile(scenarioFile, opts.scenario);
    const localPort = opts.localPort ?? (await freePort());
    const timeout = opts.timeoutSeconds ?? 10;
    const args = [
      opts.remote,
      '-sf',
      scenarioFile,
      '-m',
      String(opts.calls ?? 1),
      '-t',
      opts.transport === 'udp' ? 'u1' : 't1',
      '-i',
      '127.0.0.1',
      '-p',
      String(localPort),
      '-timeout',
      `${timeout}s`,
      '-timeout_error',
      '-nostdin',
      '-trace_err',
      '-trace_stat',
      '-stf',
      join(dir, 'stats.csv'),
      ...(opts.service ? ['-s', opts.service] : []),
      ...(opts.callIdFormat ? ['-cid_str', opts.callIdFormat] : []),
      ...(opts.authUser ? ['-au', opts.authUser] : []),
      ...(opts.authPassword ? ['-ap', opts.authPassword] : []),
      ...(opts.extra ?? []),
    ];
    const command = `sipp ${args.join(' ')}`;
    const child = spawn(sipp, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    // A hard stop a little after sipp's own -timeout, so a stuck sipp never outlives the test.
    const killer = setTimeout(() => child.kill('SIGKILL'), (timeout + 5) * 1000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      child.on('error', (err) => {
        stderr += String(err);
        resolve([null, null]);
      });
      child.on('exit', (c, s) => resolve([c, s]));
    });
    clearTimeout(killer);
    let errors = '';
    for (const f of await readdir(dir)) if (f.endsWith('_errors.log')) errors += await readFile(join(dir, f), 'utf8');
    let successful = Number.NaN;
    let failed = Number.NaN;
    const stats = await readFile(join(dir, 'stats.csv'), 'utf8').catch(() => '');
    const rows = stats.trim().split('\n');
    if (rows.length >= 2) {
      const head = rows[0]!.split(';');
      const last = rows[rows.length - 1]!.split(';');
      const col = (name: string) => {
        const i = head.indexOf(name);
        return i < 0 ? Number.NaN : Number(last[i]);
      };
      successful = col('SuccessfulCall(C)');
      failed = col('FailedCall(C)');
    }
    return { code, signal, stdout, stderr, successful, failed, errors, command };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A readable account of a run for assertion messages. */
export function describeRun(run: SippRun): string {
  const tail = (s: string) => s.split('\n').slice(-15).join('\n');
  return `${run.command}\nexit ${run.code}${run.signal ? ` (${run.signal})` : ''}, successful ${run.successful}, failed ${run.failed}\nerrors:\n${tail(run.errors)}\nstderr:\n${tail(run.stderr)}`;
}
