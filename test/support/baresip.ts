/**
 * baresip 1.0.0 (Debian) as a test softphone, driven over its ctrl_tcp control interface (netstring-framed JSON
 * commands and events) on a loopback port. Configured for loopback only: bound to 127.0.0.1, no IPv6, no
 * STUN/TURN/ICE modules, no DNS server used (every URI holds an IP address), audio through the aubridge module
 * (no sound hardware here).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePort } from './sipp.js';
import { phoneDir, startPhoneProcess, type PhoneProcess } from './softphone-process.js';
import { until } from './until.js';

export interface SipAccount {
  login: string;
  password: string;
}

export interface PhoneOptions {
  user: SipAccount;
  /** host:port of the simulator's SIP listener. */
  server: string;
  transport: 'udp' | 'tcp';
  /** Answer incoming calls at once. */
  autoAnswer?: boolean;
}

/** The `config` file: loopback only, nothing probing the network (shown in the README). */
export function baresipConfig(sipPort: number, ctrlPort: number): string {
  return `# baresip 1.0.0: loopback only
poll_method		epoll
sip_listen		127.0.0.1:${sipPort}
net_interface		127.0.0.1
audio_player		aubridge,player
audio_source		aubridge,source
audio_alert		aubridge,alert
module_path		/usr/lib/baresip/modules
module			g711.so
module			aubridge.so
module_tmp		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:${ctrlPort}
`;
}

/** One line of the `accounts` file. */
export function baresipAccount(o: PhoneOptions): string {
  const answer = o.autoAnswer ? 'auto' : 'manual';
  return `<sip:${o.user.login}@${o.server};transport=${o.transport}>;auth_user=${o.user.login};auth_pass=${o.user.password};answermode=${answer};regint=300;medianat=;mwi=no\n`;
}

export interface BaresipEvent {
  event: true;
  type: string;
  class?: string;
  accountaor?: string;
  direction?: string;
  peeruri?: string;
  id?: string;
  param?: string;
}

export class Baresip {
  readonly events: BaresipEvent[] = [];
  private buffer = Buffer.alloc(0);
  private readonly replies = new Map<string, (r: { ok: boolean; data: string }) => void>();
  private nextToken = 1;

  private constructor(
    readonly proc: PhoneProcess,
    private readonly ctrl: Socket,
    readonly options: PhoneOptions,
  ) {
    ctrl.on('data', (chunk: Buffer) => this.onData(chunk));
    ctrl.on('error', () => undefined);
  }

  static async start(options: PhoneOptions): Promise<Baresip> {
    const dir = phoneDir('baresip-');
    const cfg = join(dir, 'cfg');
    let proc: PhoneProcess | undefined;
    try {
      const sipPort = await freePort();
      const ctrlPort = await freePort();
      mkdirSync(cfg);
      writeFileSync(join(cfg, 'config'), baresipConfig(sipPort, ctrlPort));
      writeFileSync(join(cfg, 'accounts'), baresipAccount(options));
      writeFileSync(join(cfg, 'contacts'), '');
      proc = startPhoneProcess(dir, 'baresip', ['-f', cfg]);
      await proc.waitOutput(/baresip is ready/, 'baresip is ready');
      const ctrl = await new Promise<Socket>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port: ctrlPort }, () => resolve(s));
        s.once('error', reject);
      });
      return new Baresip(proc, ctrl, options);
    } catch (err) {
      if (proc) await proc.stop(1_000);
      else rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const len = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + len + 1) return;
      const msg = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + len).toString('utf8'));
      this.buffer = this.buffer.subarray(colon + 1 + len + 1);
      if (msg.response) {
        this.replies.get(String(msg.token))?.({ ok: msg.ok, data: msg.data ?? '' });
        this.replies.delete(String(msg.token));
      } else if (msg.event) this.events.push(msg);
    }
  }

  /** Sends a command of the menu module (dial, hangup, accept, uadel, …); resolves with its answer. */
  command(command: string, params = ''): Promise<{ ok: boolean; data: string }> {
    const token = String(this.nextToken++);
    const body = Buffer.from(JSON.stringify({ command, params, token }), 'utf8');
    return new Promise((resolve) => {
      this.replies.set(token, resolve);
      this.ctrl.write(Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]));
    });
  }

  /** The first event of `type` from index `from` on. */
  async waitEvent(type: string, from = 0, ms = 15_000): Promise<BaresipEvent> {
    return until(
      `baresip ${this.options.user.login}: event ${type}; events: ${this.events.map((e) => `${e.type}(${e.param ?? ''})`).join(', ')}; output:\n${this.proc.output().slice(-1500)}`,
      () => this.events.slice(from).find((e) => e.type === type),
      ms,
      50,
    );
  }

  /** The SIP URI of `login` on the simulator, as this phone dials it. */
  uri(login: string): string {
    return `sip:${login}@${this.options.server};transport=${this.options.transport}`;
  }

  /** The account's AOR as baresip names it (for uadel). */
  get aor(): string {
    return `sip:${this.options.user.login}@${this.options.server};transport=${this.options.transport}`;
  }

  /** Quits baresip (it unregisters on SIGTERM) and resolves with its strace log. */
  async stop(): Promise<string> {
    this.ctrl.destroy();
    return this.proc.stop();
  }
}
