// An HTTPS PBX for the certificate tests, on one address whose certificate can be changed: the real
// `starface-sim --tls` when the bundled simulator has it (restarted on the same port with a new data folder, so a
// new CA and certificate), else the bundled plain simulator behind a TLS front with generated certificates.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeServerCert } from '../../support/tlsCerts';
import { startTlsFront } from '../../support/tlsFront';

export interface HttpsEndpoint {
  kind: 'starface-sim --tls' | 'TLS front';
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** SHA-256 of the certificate presented now. */
  fingerprint: string;
  /** An administrator of that PBX. */
  login: string;
  password: string;
  /** The same address presents another certificate from now on; answers its fingerprint. */
  changeCertificate(): Promise<string>;
  stop(): Promise<void>;
}

/** Whether the simulator CLI knows `--tls`. */
export function cliHasTls(cli: string): boolean {
  const help = spawnSync(process.execPath, [cli, '--help'], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    timeout: 15_000,
  });
  return /--tls\b/.test(`${help.stdout}${help.stderr}`);
}

interface Ready {
  rest: string;
  fingerprint?: string;
}

function startCli(
  cli: string,
  dataDir: string,
  port: number,
  password: string,
): Promise<{ child: ChildProcess; ready: Ready }> {
  const args = ['--ready-json', '--tls', '--http-port', String(port), '--sip-port', '0', '--sip-tls-port', '0'];
  args.push('--data', dataDir, '--scenario', 'demo', '--reset');
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', STARFACE_SIM_ADMIN_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.resume();
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, ready: JSON.parse(out.slice(0, nl)) as Ready });
    });
    child.once('exit', (code) => reject(new Error(`starface-sim --tls exited (${code}) before its ready line`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The real `starface-sim --tls` (demo scenario, admin with a known password). */
export async function tlsSimulatorEndpoint(cli: string): Promise<HttpsEndpoint> {
  const dirs: string[] = [];
  const password = 'tls-endpoint-Admin-1';
  const freshDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'starface-tls-endpoint-'));
    dirs.push(d);
    return d;
  };
  let run = await startCli(cli, freshDir(), 0, password);
  const port = Number(new URL(run.ready.rest).port);
  const endpoint: HttpsEndpoint = {
    kind: 'starface-sim --tls',
    url: `https://127.0.0.1:${port}`,
    fingerprint: run.ready.fingerprint ?? '',
    login: 'admin',
    password,
    async changeCertificate() {
      await stopChild(run.child);
      // A new data folder: a new local CA and server certificate, on the same port.
      run = await startCli(cli, freshDir(), port, password);
      endpoint.fingerprint = run.ready.fingerprint ?? '';
      return endpoint.fingerprint;
    },
    async stop() {
      await stopChild(run.child);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
  return endpoint;
}

/** The bundled plain simulator (its REST port) behind a TLS front; the administrator is made by the caller. */
export async function frontEndpoint(
  simPort: number,
  admin: { login: string; password: string },
): Promise<HttpsEndpoint> {
  const [first, second] = await Promise.all([makeServerCert({ cn: 'pbx.local' }), makeServerCert({ cn: 'pbx.local' })]);
  const front = await startTlsFront(first, { port: simPort });
  const endpoint: HttpsEndpoint = {
    kind: 'TLS front',
    url: front.url,
    fingerprint: first.fingerprint,
    ...admin,
    changeCertificate() {
      front.swap(second);
      endpoint.fingerprint = second.fingerprint;
      return Promise.resolve(second.fingerprint);
    },
    stop: () => front.stop(),
  };
  return endpoint;
}
