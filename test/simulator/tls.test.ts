// starface-sim --tls over real TLS sockets: HTTPS REST, the certificate chain against ca.pem, the ready line's
// fingerprint, WSS for UCI and SIP (sip.js), SIP over TLS with a raw client, the TLS folder across restarts, and
// input that is not TLS at all. Every client verifies the certificate against the simulator's own CA.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { WebSocket } from 'ws';
import { restLoginSecret, uciToken } from '../../shared/hashes.js';
import { ReadyLineSchema, type ReadyLine } from '../../shared/schemas/readyLine.js';
import { UCI_AUTH_PARAM } from '../../shared/schemas/uci.js';
import { FINGERPRINT_PATTERN, formatFingerprint } from '../../shared/tlsFingerprint.js';
import { createCa } from '../../simulator/src/tls/material.js';
import { ensureBuilt, killAllClis, removeTempDirs, runCli, tempDir, type CliRun } from '../support/cli.js';
import { DEMO_USERS } from '../support/rest.js';
import { Registration, SipClient } from '../support/sip-client.js';
import { loadSipJs, until } from '../support/sipjs.js';
import { UciClient } from '../support/uci-client.js';

const ADMIN_PW = 'tls-test-admin-pw';
const PBX = 'pbx.demo.starface.test';

interface Answer {
  status: number;
  body: any;
  cert: PeerCertificate;
}

function hostPort(url: string): { port: number } {
  return { port: Number(new URL(url).port) };
}

/** One HTTPS request to 127.0.0.1 verified against `ca` under `servername` (default: the IP itself). */
function https(
  url: string,
  ca: string,
  opts: { method?: string; headers?: Record<string, string>; body?: unknown; servername?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: u.port,
        path: u.pathname + u.search,
        method: opts.method ?? 'GET',
        headers: { 'Content-Type': 'application/json', 'X-Version': '2', ...opts.headers },
        ca,
        servername: opts.servername,
        agent: false,
      },
      (res) => {
        const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body, cert });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

/** A verified TLS handshake; answers the served certificate, or rejects with the verification error. */
function handshake(port: number, ca: string, servername?: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca, servername }, () => {
      const cert = s.getPeerCertificate(true);
      s.destroy();
      resolve(cert);
    });
    s.on('error', reject);
  });
}

/** Sends raw bytes and waits for the server to close; answers whatever came back. */
function rawExchange(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: '127.0.0.1', port });
    const got: Buffer[] = [];
    s.on('data', (d) => got.push(d));
    s.on('error', () => resolve(Buffer.concat(got)));
    s.on('close', () => resolve(Buffer.concat(got)));
    s.on('connect', () => s.write(bytes));
    setTimeout(() => reject(new Error('the server kept a garbage connection open for 15 s')), 15_000).unref();
  });
}

async function signIn(rest: string, ca: string, user: { login: string; password: string }): Promise<string> {
  const challenge = await https(`${rest}/login`, ca);
  assert.equal(challenge.status, 200);
  const nonce = challenge.body.nonce as string;
  const reply = await https(`${rest}/login`, ca, {
    method: 'POST',
    body: { loginType: 'Internal', nonce, secret: restLoginSecret(user.login, nonce, user.password) },
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.token as string;
}

function start(args: string[]): CliRun {
  return runCli(['--tls', '--http-port', '0', '--sip-port', '0', '--sip-tls-port', '0', '--ready-json', ...args], {
    STARFACE_SIM_ADMIN_PASSWORD: ADMIN_PW,
  });
}

function keyMaterial(dir: string): string[] {
  return ['ca-key.pem', 'server-key.pem']
    .filter((f) => existsSync(join(dir, f)))
    .map((f) =>
      readFileSync(join(dir, f), 'utf8')
        .replace(/-----[^-]+-----/g, '')
        .replace(/\s+/g, ''),
    );
}

describe('simulator --tls (HTTPS, WSS, SIP over TLS, the local CA)', function () {
  this.timeout(30_000);
  before(() => ensureBuilt());
  after(async () => {
    await killAllClis();
    removeTempDirs();
  });

  describe('one running simulator', () => {
    let run: CliRun;
    let ready: ReadyLine;
    let ca: string;
    let data: string;

    before(async () => {
      data = tempDir();
      run = start(['--data', data]);
      ready = ReadyLineSchema.parse(await run.ready());
      ca = readFileSync(ready.ca!, 'utf8');
    });
    after(async () => {
      await run?.stop();
    });

    it('the ready line names https/wss addresses, SIP over TLS, the CA file and the fingerprint', () => {
      assert.match(ready.rest, /^https:\/\/127\.0\.0\.1:\d+\/rest$/);
      assert.match(ready.uci, /^wss:\/\/127\.0\.0\.1:\d+\/uci$/);
      assert.match(ready.sipWs, /^wss:\/\/127\.0\.0\.1:\d+\/sip$/);
      assert.match(ready.xmlRpc, /^https:\/\/127\.0\.0\.1:\d+\/xml-rpc$/);
      assert.match(ready.sipTls!, /^127\.0\.0\.1:\d+$/);
      assert.ok(isAbsolute(ready.ca!));
      assert.equal(ready.ca, join(data, 'tls', 'ca.pem'));
      assert.match(ready.fingerprint!, FINGERPRINT_PATTERN);
    });

    it('REST over HTTPS: sign in and GET /users/me, verified against ca.pem', async () => {
      const token = await signIn(ready.rest, ca, { login: 'admin', password: ADMIN_PW });
      const me = await https(`${ready.rest}/users/me`, ca, { headers: { authToken: token } });
      assert.equal(me.status, 200);
      assert.equal(me.body.login, 'admin');
    });

    it('the chain verifies against ca.pem for localhost and 127.0.0.1; the served certificate is the fingerprint', async () => {
      const { port } = hostPort(ready.rest);
      const byName = await handshake(port, ca, 'localhost');
      const byIp = await handshake(port, ca);
      const fp = formatFingerprint(createHash('sha256').update(byName.raw).digest());
      assert.equal(fp, ready.fingerprint);
      assert.equal(formatFingerprint(createHash('sha256').update(byIp.raw).digest()), ready.fingerprint);
      assert.ok(new X509Certificate(byName.raw).verify(new X509Certificate(ca).publicKey));
      // And the SIP TLS port serves the same certificate.
      const sip = await handshake(Number(ready.sipTls!.split(':')[1]), ca, PBX);
      assert.equal(formatFingerprint(createHash('sha256').update(sip.raw).digest()), ready.fingerprint);
    });

    it('a client that trusts another CA, or asks for a name the certificate lacks, is refused by verification', async () => {
      const { port } = hostPort(ready.rest);
      const stranger = (await createCa('stranger')).cert;
      await assert.rejects(handshake(port, stranger), /self.signed|unable to verify|certificate/i);
      await assert.rejects(handshake(port, ca, 'not-this.example'), /altnames|Hostname/i);
    });

    it('UCI over WSS: connect with the UCI token, call a method', async () => {
      const u = new URL(ready.uci);
      u.searchParams.set(UCI_AUTH_PARAM, uciToken(DEMO_USERS.anna.login, DEMO_USERS.anna.password));
      const c = new UciClient(new WebSocket(u, { ca }));
      await c.opened;
      const r = await c.call('ucp.v22.requests.call.getCallIds');
      assert.equal(r.error, undefined, JSON.stringify(r));
      c.ws.close();
    });

    it('SIP over TLS: a raw client REGISTERs with digest (Via SIP/2.0/TLS) and is bound as TLS', async () => {
      const client = await SipClient.open('tls', {
        host: '127.0.0.1',
        port: Number(ready.sipTls!.split(':')[1]),
        ca,
      });
      try {
        const reg = new Registration(
          client,
          { username: DEMO_USERS.bernd.login, password: DEMO_USERS.bernd.password },
          { domain: PBX },
        );
        const reply = await reg.register();
        assert.equal(reply.status, 200, reply.raw);
        assert.match(reply.get('via') ?? '', /^SIP\/2\.0\/TLS /);
        const token = await signIn(ready.rest, ca, { login: 'admin', password: ADMIN_PW });
        const list = await https(`${ready.rest}/sim/registrations`, ca, { headers: { authToken: token } });
        const mine = (list.body as { login: string; transport: string }[]).find(
          (r) => r.login === DEMO_USERS.bernd.login,
        );
        assert.equal(mine?.transport, 'TLS');
      } finally {
        client.close();
      }
    });

    it('SIP over WSS: sip.js registers (transport WSS)', async () => {
      const SIP = await loadSipJs();
      const Plain = (globalThis as any).WebSocket as typeof WebSocket;
      // sip.js builds `new WebSocket(url, 'sip')`: this one adds the CA to trust.
      (globalThis as any).WebSocket = class extends Plain {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { ca });
        }
      };
      const ua = new SIP.UserAgent({
        uri: SIP.UserAgent.makeURI(`sip:${DEMO_USERS.carla.login}@${PBX}`)!,
        transportOptions: { server: ready.sipWs },
        authorizationUsername: DEMO_USERS.carla.login,
        authorizationPassword: DEMO_USERS.carla.password,
        logBuiltinEnabled: false,
        logLevel: 'error',
      });
      try {
        await ua.start();
        const registerer = new SIP.Registerer(ua);
        await registerer.register();
        await until('registered over WSS', () => registerer.state === SIP.RegistererState.Registered);
        const token = await signIn(ready.rest, ca, { login: 'admin', password: ADMIN_PW });
        const list = await https(`${ready.rest}/sim/registrations`, ca, { headers: { authToken: token } });
        const mine = (list.body as { login: string; transport: string }[]).find(
          (r) => r.login === DEMO_USERS.carla.login,
        );
        assert.equal(mine?.transport, 'WSS');
      } finally {
        await ua.stop();
        (globalThis as any).WebSocket = Plain;
      }
    });

    it('plain HTTP to the HTTPS port fails cleanly; the simulator keeps serving', async () => {
      const { port } = hostPort(ready.rest);
      const failed = await new Promise<Error | number>((resolve) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/rest/login', agent: false }, (res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
        });
        req.on('error', resolve);
        req.end();
      });
      assert.ok(failed instanceof Error, `plain HTTP was answered: ${String(failed)}`);
      assert.equal((await https(`${ready.rest}/login`, ca)).status, 200);
    });

    it('a malformed ClientHello and plain SIP on the TLS ports end that connection only', async () => {
      const hello = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff]);
      const { port } = hostPort(ready.rest);
      const sipTls = Number(ready.sipTls!.split(':')[1]);
      await rawExchange(port, hello);
      await rawExchange(sipTls, hello);
      await rawExchange(sipTls, Buffer.from(`OPTIONS sip:${PBX} SIP/2.0\r\nContent-Length: 0\r\n\r\n`));
      assert.equal(run.child.exitCode, null);
      assert.equal((await https(`${ready.rest}/login`, ca)).status, 200);
      await handshake(sipTls, ca);
    });

    it('key files are 0600; no private key on stdout, stderr or in the data folder outside the key files', () => {
      const dir = join(data, 'tls');
      for (const f of ['ca-key.pem', 'server-key.pem']) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
      const printed = run.stdout + run.stderr;
      assert.doesNotMatch(printed, /PRIVATE KEY/);
      for (const key of keyMaterial(dir)) assert.ok(!printed.includes(key.slice(20, 80)), 'a key was printed');
      for (const f of readdirSync(data).filter((n) => n !== 'tls' && statSync(join(data, n)).isFile()))
        assert.doesNotMatch(readFileSync(join(data, f), 'utf8'), /PRIVATE KEY/, f);
    });
  });

  describe('the TLS folder across restarts', () => {
    it('a restart reuses the certificate (same fingerprint); a new PBX name makes a new one; the CA stays', async () => {
      const data = tempDir();
      // broken-r14 has no PBX name: the first certificate names localhost and the address only.
      let run = start(['--data', data, '--scenario', 'broken-r14']);
      const first = await run.ready();
      await run.stop();
      const caBefore = readFileSync(first.ca!, 'utf8');

      run = start(['--data', data]);
      const again = await run.ready();
      await run.stop();
      assert.equal(again.fingerprint, first.fingerprint);
      assert.equal(readFileSync(again.ca!, 'utf8'), caBefore);

      run = start(['--data', data, '--reset', '--scenario', 'demo']);
      const renamed = await run.ready();
      await run.stop();
      assert.notEqual(renamed.fingerprint, first.fingerprint);
      assert.equal(readFileSync(renamed.ca!, 'utf8'), caBefore, 'the CA is never made anew while valid');
      const cert = new X509Certificate(readFileSync(join(data, 'tls', 'server.pem')));
      assert.equal(cert.checkHost(PBX), PBX);
      assert.ok(cert.verify(new X509Certificate(caBefore).publicKey));
      assert.match(run.stderr, /made a new server certificate/);
      assert.doesNotMatch(run.stderr, /made a new local CA/);
    });

    it('--memory: the certificates live in a private temp folder that is removed at stop', async () => {
      const run = start(['--memory']);
      const ready = await run.ready();
      const dir = dirname(ready.ca!);
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      assert.equal(statSync(join(dir, 'server-key.pem')).mode & 0o777, 0o600);
      const ca = readFileSync(ready.ca!, 'utf8');
      assert.equal((await https(`${ready.rest}/login`, ca, { servername: 'localhost' })).status, 200);
      const exit = await run.stop();
      assert.equal(exit.code, 0);
      assert.equal(existsSync(dir), false, `${dir} is still there`);
    });

    it('the banner names the https addresses, the CA file, the fingerprint and how to trust the CA', async () => {
      const data = tempDir();
      const run = runCli(['--tls', '--http-port', '0', '--sip-port', '0', '--sip-tls-port', '0', '--data', data], {
        STARFACE_SIM_ADMIN_PASSWORD: ADMIN_PW,
      });
      const out = await run.waitForStdout('Press Ctrl+C');
      await run.stop();
      const ca = join(data, 'tls', 'ca.pem');
      assert.match(out, /REST {5}https:\/\/127\.0\.0\.1:\d+\/rest/);
      assert.match(out, /wss:\/\/127\.0\.0\.1:\d+\/uci/);
      assert.match(out, /tls 127\.0\.0\.1:\d+/);
      assert.ok(out.includes(`CA ${ca}`), out);
      assert.match(out, /SHA-256 [0-9A-F]{2}(:[0-9A-F]{2}){31}/);
      assert.ok(out.includes(`NODE_EXTRA_CA_CERTS=${ca}`), out);
      assert.doesNotMatch(out + run.stderr, /PRIVATE KEY/);
    });

    it('--sip-tls-port without --tls is refused', async () => {
      const run = runCli(['--sip-tls-port', '0', '--memory']);
      const exit = await run.exited;
      assert.equal(exit.code, 2);
      assert.match(run.stderr, /need --tls/);
    });
  });
});
