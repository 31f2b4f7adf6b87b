import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { DescribedError } from '../text/errorText.js';
import { ReadyLineSchema, type ReadyLine } from '../../../shared/schemas/readyLine.js';

export interface LocalSimulatorOptions {
  /** The bundled CLI, dist/simulator/cli.js. */
  cliPath: string;
  dataDir: string;
  /** Built-in name or a scenario file; undefined continues with the stored PBX. */
  scenario?: string;
  adminPassword: string;
  /** Node to run it with; in Electron the host's own binary in node mode. */
  execPath?: string;
  log?: (level: string, message: string) => void;
  startTimeoutMs?: number;
  /** `--tls`: HTTPS/WSS with a local CA; the ready line names the CA file (`ca`) and the certificate's fingerprint. */
  tls?: boolean;
}

export type { ReadyLine };

/** Runs the bundled simulator as a child process on free ports and stops it with SIGTERM. */
export class LocalSimulator {
  private child: ChildProcess | undefined;
  private _ready: ReadyLine | undefined;

  constructor(private readonly opts: LocalSimulatorOptions) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this._ready !== undefined;
  }
  get ready(): ReadyLine | undefined {
    return this._ready;
  }

  static newPassword(): string {
    return randomBytes(18).toString('base64url');
  }

  async start(): Promise<ReadyLine> {
    if (this.running) return this._ready!;
    mkdirSync(this.opts.dataDir, { recursive: true });
    const args = [
      this.opts.cliPath,
      '--ready-json',
      '--http-port',
      '0',
      '--sip-port',
      '0',
      '--data',
      this.opts.dataDir,
    ];
    if (this.opts.scenario) args.push('--scenario', this.opts.scenario, '--reset');
    // SIP over TLS on a free port too, like every other listener (its default, 5061, may be taken).
    if (this.opts.tls) args.push('--tls', '--sip-tls-port', '0');
    // The password goes through the environment, not argv, which other users of the machine can read.
    const child = spawn(this.opts.execPath ?? process.execPath, args, {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', STARFACE_SIM_ADMIN_PASSWORD: this.opts.adminPassword },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const log = this.opts.log ?? (() => {});
    let stderrTail = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-4000);
      for (const line of chunk.split('\n').filter(Boolean)) log('info', `[simulator] ${line}`);
    });
    return new Promise<ReadyLine>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        reject(new DescribedError({ code: 'SIM_START_TIMEOUT', seconds: (this.opts.startTimeoutMs ?? 15000) / 1000 }));
        child.kill('SIGKILL');
      }, this.opts.startTimeoutMs ?? 15000);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const nl = out.indexOf('\n');
        if (nl < 0 || this._ready) return;
        clearTimeout(timer);
        try {
          this._ready = ReadyLineSchema.parse(JSON.parse(out.slice(0, nl)));
          resolve(this._ready);
        } catch {
          reject(new DescribedError({ code: 'SIM_BAD_READY_LINE', line: out.slice(0, nl) }));
          child.kill('SIGKILL');
        }
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      // 'close', not 'exit': only then has stderr been read to the end, so the reason is in stderrTail.
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const wasReady = this._ready !== undefined;
        this._ready = undefined;
        this.child = undefined;
        if (!wasReady)
          reject(
            new DescribedError({
              code: 'SIM_EXITED',
              how: signal ?? `code ${code}`,
              reason: stderrTail.trim().split('\n').pop() ?? '',
            }),
          );
        else log(code === 0 ? 'info' : 'warn', `simulator exited (${signal ?? `code ${code}`})`);
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('close', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
