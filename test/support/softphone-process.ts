// What the softphone drivers (baresip.ts, linphone.ts) share: Debian provisioning, a child process in its own
// process group (optionally under strace), its output, and its removal with the temp folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackages, which } from './apt.mjs';
import { until } from './until.js';

/** Installs baresip, linphone-cli and strace when missing (as root), else throws naming the command: never a silent skip. */
export async function ensureSoftphones(): Promise<void> {
  await ensureDebianPackages(['baresip', 'linphone-cli', 'strace'], { why: 'the softphone tests' });
  for (const cmd of ['baresip', 'linphonec', 'strace']) {
    if (!which(cmd)) throw new Error(`the Debian packages are installed but there is no ${cmd} on PATH`);
  }
}

export interface PhoneProcess {
  readonly dir: string;
  readonly child: ChildProcess;
  /** stdout and stderr as received so far. */
  output(): string;
  /** Waits until the output matches (after `from`, an earlier output length); fails naming `what`. */
  waitOutput(re: RegExp, what: string, ms?: number, from?: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<void>;
  /**
   * SIGTERM to the process group, SIGKILL after `graceMs`; removes the temp folder and resolves with the strace
   * log (every thread and child) read just before. Safe to call twice.
   */
  stop(graceMs?: number): Promise<string>;
}

const live = new Set<PhoneProcess>();

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone already
  }
}

/** The processes of process group `pgid` (from /proc: field 5 of /proc/PID/stat). */
function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

/** A fresh folder for one softphone: its configuration, its HOME and its strace log. */
export function phoneDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Starts `cmd args` in `dir` as the leader of a new process group, HOME=dir (linphone writes ~/.linphonerc and
 * ~/.local/share), under `strace -f -e trace=%network` so the test can check every address it talks to.
 */
export function startPhoneProcess(
  dir: string,
  cmd: string,
  args: string[],
  opts: { stdin?: boolean } = {},
): PhoneProcess {
  const straceFile = join(dir, 'strace.log');
  const child = spawn('strace', ['-f', '-qq', '-e', 'trace=%network', '-o', straceFile, cmd, ...args], {
    cwd: dir,
    detached: true,
    env: {
      ...process.env,
      HOME: dir,
      XDG_DATA_HOME: join(dir, '.local', 'share'),
      XDG_CONFIG_HOME: join(dir, '.config'),
      LANG: 'C',
    },
    stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stdin?.on('error', () => undefined);
  let ended = false;
  const exited = new Promise<void>((resolve) =>
    child.on('close', () => {
      ended = true;
      resolve();
    }),
  );
  const group = (sig: NodeJS.Signals) => signal(-child.pid!, sig);
  let stopped: Promise<string> | undefined;
  const straceLog = () => {
    try {
      return readdirSync(dir)
        .filter((f) => f.startsWith('strace.log'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n');
    } catch {
      return '';
    }
  };
  const proc: PhoneProcess = {
    dir,
    child,
    output: () => out,
    async waitOutput(re, what, ms = 15_000, from = 0) {
      await until(
        `${cmd}: ${what}; output so far:\n${out.slice(-2000)}`,
        () => re.test(out.slice(from)) || ended,
        ms,
        50,
      );
      const m = out.slice(from).match(re);
      if (!m) throw new Error(`${cmd} ended before ${what}; output:\n${out.slice(-3000)}`);
      return m;
    },
    exited,
    stop(graceMs = 5_000) {
      stopped ??= (async () => {
        if (!ended) {
          // The phone, not strace: strace would detach on SIGTERM, cutting the log and orphaning the phone.
          for (const pid of groupMembers(child.pid!)) if (pid !== child.pid) signal(pid, 'SIGTERM');
          const timer = setTimeout(() => group('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
        // strace may outlive its tracee for a moment; nothing of the group may stay behind.
        group('SIGKILL');
        live.delete(proc);
        const log = straceLog();
        rmSync(dir, { recursive: true, force: true });
        return log;
      })();
      return stopped;
    },
  };
  live.add(proc);
  return proc;
}

/** Stops every softphone still running (for after-hooks, also after a failure). */
export async function stopAllPhoneProcesses(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(2_000)));
}
