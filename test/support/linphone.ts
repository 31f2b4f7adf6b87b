/**
 * linphonec 5.1 (Debian linphone-cli) as a test softphone, driven through its stdin (one command a line) and read
 * from its stdout. Not linphonecsh: that talks to the daemon over /tmp/linphonec-<uid>, one per user, so two
 * phones (or two test runs) would share it. Configured for loopback only (see linphoneConfig()).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PhoneOptions } from './baresip.js';
import { freePort } from './sipp.js';
import { phoneDir, startPhoneProcess, type PhoneProcess } from './softphone-process.js';
import { sleep } from './until.js';

/**
 * The linphonerc: bound to 127.0.0.1, IPv6 off, no STUN/ICE/TURN, no network-reachability monitor (its timer
 * asks the kernel every few seconds for the route towards a public address), no OPTIONS pings, no presence
 * PUBLISH. Only the transport in use gets a port (0 disables one; -1 would mean a random port).
 */
export function linphoneConfig(o: PhoneOptions, sipPort: number, name: string): string {
  return `[sip]
sip_port=${o.transport === 'udp' ? sipPort : 0}
sip_tcp_port=${o.transport === 'tcp' ? sipPort : 0}
sip_tls_port=0
use_ipv6=0
bind_address=127.0.0.1
guess_hostname=0
ping_with_options=0
default_proxy=0

[net]
auto_net_state_mon=0
stun_server=
firewall_policy=0

[proxy_0]
reg_proxy=<sip:${o.server};transport=${o.transport}>
reg_identity="${name}" <sip:${o.user.login}@${o.server.split(':')[0]}>
reg_expires=300
reg_sendregister=1
publish=0

[auth_info_0]
username=${o.user.login}
userid=${o.user.login}
passwd=${o.user.password}
domain=${o.server.split(':')[0]}
`;
}

export class Linphone {
  private constructor(
    readonly proc: PhoneProcess,
    readonly options: PhoneOptions,
  ) {}

  static async start(options: PhoneOptions & { name?: string }): Promise<Linphone> {
    const dir = phoneDir('linphone-');
    let proc: PhoneProcess | undefined;
    try {
      // Without this folder liblinphone 5.1 cannot open its database and the core never leaves GlobalStartup.
      mkdirSync(join(dir, '.local', 'share', 'linphone'), { recursive: true });
      const rc = join(dir, 'linphonerc');
      writeFileSync(rc, linphoneConfig(options, await freePort(), options.name ?? options.user.login));
      proc = startPhoneProcess(dir, 'linphonec', ['-c', rc, ...(options.autoAnswer ? ['-a'] : [])], { stdin: true });
      const phone = new Linphone(proc, options);
      await phone.run('states global', /LinphoneGlobalOn/, 'the core started');
      return phone;
    } catch (err) {
      if (proc) await proc.stop(1_000);
      else rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Writes one command line; with `expect`, waits until the output after it matches (polling with the command). */
  async run(command: string, expect?: RegExp, what = command, ms = 15_000): Promise<RegExpMatchArray | undefined> {
    const from = this.proc.output().length;
    this.proc.child.stdin!.write(`${command}\n`);
    if (!expect) return undefined;
    return this.proc.waitOutput(expect, what, ms, from);
  }

  /** Waits for output (from offset `from`) matching `re`. */
  wait(re: RegExp, what: string, from = 0, ms = 15_000): Promise<RegExpMatchArray> {
    return this.proc.waitOutput(re, what, ms, from);
  }

  get outputLength(): number {
    return this.proc.output().length;
  }

  uri(login: string): string {
    return `sip:${login}@${this.options.server};transport=${this.options.transport}`;
  }

  /** Quits linphonec (it unregisters when it ends) and resolves with its strace log. */
  async stop(): Promise<string> {
    this.proc.child.stdin?.end('quit\n');
    await Promise.race([this.proc.exited, sleep(5_000)]);
    return this.proc.stop(5_000);
  }
}
