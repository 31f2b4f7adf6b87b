/**
 * Web pages must not act on the simulator (issue #18, finding 2): a WebSocket upgrade or HTTP request that carries
 * a foreign Origin, or a Host that is not the simulator's (DNS rebinding), is refused with 403 before anything
 * runs; requests without Origin (node, curl, softphones) go on as before; `allowOrigins` / `--allow-origin` lets
 * exactly the named pages in, with CORS answers for exactly them. Every request goes to 127.0.0.1 / ::1; the
 * foreign names are header strings only.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { TEST_TLS, testTlsOptions } from '../support/testTls.js';

// Under --tls (test/support/testTls.ts) the same requests go over HTTPS, verified against the run's CA.
const request = TEST_TLS ? httpsRequest : httpRequest;
const connect = (port: number, host: string, done: () => void) =>
  TEST_TLS ? tlsConnect({ port, host }, done) : netConnect(port, host, done);
/** The simulator's own scheme, and the other one. */
const OWN = TEST_TLS ? 'https' : 'http';
const OTHER = TEST_TLS ? 'http' : 'https';
import { WebSocket } from 'ws';
import { uciToken } from '../../shared/hashes.js';
import { UCI_AUTH_PARAM, UCI_METHODS as M } from '../../shared/schemas/uci.js';
import { createSimulator } from '../../simulator/src/simulator.js';
import { ensureBuilt, runCli } from '../support/cli.js';
import { ADMIN_PASSWORD, DEMO_USERS, RestClient, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';
import { xmlRpcQuery } from '../support/xmlrpc-callback.js';

const EVIL = 'https://evil.example';
const DEMO = 'https://demo.example';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request to 127.0.0.1 (or ::1) with exactly these headers; `host: null` sends none. */
function send(
  target: { host?: string; port: number },
  opts: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    host?: string | null;
    body?: string;
  },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (typeof opts.host === 'string') headers.Host = opts.host;
    const req = request({
      host: target.host ?? '127.0.0.1',
      port: target.port,
      method: opts.method ?? 'GET',
      path: opts.path,
      headers,
      setHost: opts.host === undefined,
      agent: false,
      // Under --tls the certificate is checked for localhost, whatever Host header the test sends.
      ...(TEST_TLS && { servername: 'localhost' }),
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The headers of a WebSocket upgrade (subprotocol "sip" for /sip, as RFC 7118 wants). */
function upgradeHeaders(path: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    ...(path === '/sip' ? { 'Sec-WebSocket-Protocol': 'sip' } : {}),
    ...extra,
  };
}

function assertRefused(answer: Answer, code: 'ORIGIN_NOT_ALLOWED' | 'HOST_NOT_ALLOWED', what: string): void {
  assert.equal(answer.status, 403, `${what}: ${answer.status} ${answer.body}`);
  assert.match(String(answer.headers['content-type']), /^application\/json/, what);
  const body = JSON.parse(answer.body) as { code: string; message: string; details: unknown };
  assert.equal(body.code, code, what);
  assert.equal(typeof body.message, 'string', what);
  assert.ok(body.details, what);
  assert.equal(answer.headers['access-control-allow-origin'], undefined, what);
}

describe('simulator: Origin and Host of browser requests', function () {
  this.timeout(20_000);

  describe('without an allowlist', () => {
    let sim: RunningSim;
    let port: number;
    const target = () => ({ port });

    before(async () => {
      sim = await startSim({ scenario: 'demo', rateLimit: { perLogin: 2, perAddress: 100 } });
      port = sim.addresses.httpPort;
    });
    after(() => sim.stop());

    for (const path of ['/sip', '/uci']) {
      it(`a WebSocket upgrade to ${path} from a foreign page is 403, not 101; without Origin it is 101`, async () => {
        const query = path === '/uci' ? `?${UCI_AUTH_PARAM}=${uciToken('1001', DEMO_USERS.anna.password)}` : '';
        const refused = await send(target(), {
          path: path + query,
          headers: upgradeHeaders(path, { Origin: EVIL }),
        });
        assertRefused(refused, 'ORIGIN_NOT_ALLOWED', path);
        const nullOrigin = await send(target(), { path, headers: upgradeHeaders(path, { Origin: 'null' }) });
        assertRefused(nullOrigin, 'ORIGIN_NOT_ALLOWED', `${path} from Origin: null`);
        const plain = await send(target(), { path: path + query, headers: upgradeHeaders(path) });
        assert.equal(plain.status, 101, `${path} without Origin: ${plain.body}`);
      });
    }

    it('REST sign-in and a signed-in request from a foreign page are 403, also a simple text/plain POST', async () => {
      const nonce = await send(target(), { path: '/rest/login', headers: { Origin: EVIL } });
      assertRefused(nonce, 'ORIGIN_NOT_ALLOWED', 'GET /rest/login');
      for (const type of ['application/json', 'text/plain;charset=UTF-8']) {
        const login = await send(target(), {
          method: 'POST',
          path: '/rest/login',
          headers: { Origin: EVIL, 'Content-Type': type },
          body: JSON.stringify({ loginType: 'Internal', nonce: 'x', secret: 'admin:wrong' }),
        });
        assertRefused(login, 'ORIGIN_NOT_ALLOWED', `POST /rest/login (${type})`);
      }
      const me = await send(target(), {
        path: '/rest/users/me',
        headers: { Origin: EVIL, authToken: sim.admin.token!, 'X-Version': '2' },
      });
      assertRefused(me, 'ORIGIN_NOT_ALLOWED', 'GET /rest/users/me');
      const page = await send(target(), { path: '/', headers: { Origin: EVIL } });
      assertRefused(page, 'ORIGIN_NOT_ALLOWED', 'GET /');
      // The same token without Origin: the REST clients outside browsers are unaffected.
      assert.equal((await sim.admin.get('/users/me')).status, 200);
    });

    it('failed sign-ins a foreign page sends (REST, XML-RPC) do not lock the admin out', async () => {
      const wrong = xmlRpcQuery({ login: 'admin', password: 'not-the-password' });
      for (let i = 0; i < 4; i++) {
        const rpc = await send(target(), {
          method: 'POST',
          path: `/xml-rpc?${wrong}`,
          headers: { Origin: EVIL, 'Content-Type': 'text/plain' },
          body: '<methodCall><methodName>ucp.v22.requests.connection.keepAlive</methodName></methodCall>',
        });
        assertRefused(rpc, 'ORIGIN_NOT_ALLOWED', 'POST /xml-rpc');
        const rest = await send(target(), {
          method: 'POST',
          path: '/rest/login',
          headers: { Origin: EVIL, 'Content-Type': 'application/json' },
          body: JSON.stringify({ loginType: 'Internal', nonce: 'x', secret: 'admin:wrong' }),
        });
        assertRefused(rest, 'ORIGIN_NOT_ALLOWED', 'POST /rest/login');
      }
      await new RestClient(sim.base).login('admin', ADMIN_PASSWORD);
    });

    it('XML-RPC takes only text/xml: text/plain or no type is 415 before the credentials count', async () => {
      const wrong = xmlRpcQuery({ login: 'admin', password: 'not-the-password' });
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
        for (let i = 0; i < 3; i++) {
          const r = await send(target(), {
            method: 'POST',
            path: `/xml-rpc?${wrong}`,
            headers: type ? { 'Content-Type': type } : {},
            body: '<methodCall><methodName>ucp.v22.requests.connection.keepAlive</methodName></methodCall>',
          });
          assert.equal(r.status, 415, `${type}: ${r.body}`);
          assert.match(r.body, /Content-Type: text\/xml/);
        }
      }
      // perLogin is 2: had any of those counted, the admin would be locked now.
      const ok = await send(target(), {
        method: 'POST',
        path: `/xml-rpc?${xmlRpcQuery({ login: 'admin', password: ADMIN_PASSWORD })}`,
        headers: { 'Content-Type': 'text/xml; charset=utf-8' },
        body: `<methodCall><methodName>${M.keepAlive}</methodName></methodCall>`,
      });
      assert.equal(ok.status, 200);
      assert.doesNotMatch(ok.body, /<fault>/, ok.body);
    });

    it('a foreign Host (DNS rebinding) is 403 on REST, XML-RPC, the web page and both WebSockets', async () => {
      for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, 'a@127.0.0.1']) {
        assertRefused(await send(target(), { path: '/rest/login', host }), 'HOST_NOT_ALLOWED', `${host} /rest/login`);
        assertRefused(await send(target(), { path: '/', host }), 'HOST_NOT_ALLOWED', `${host} /`);
        const rpc = await send(target(), {
          method: 'POST',
          path: `/xml-rpc?${xmlRpcQuery({ login: 'admin', password: ADMIN_PASSWORD })}`,
          host,
          headers: { 'Content-Type': 'text/xml' },
          body: `<methodCall><methodName>${M.keepAlive}</methodName></methodCall>`,
        });
        assertRefused(rpc, 'HOST_NOT_ALLOWED', `${host} /xml-rpc`);
        for (const path of ['/sip', '/uci'])
          assertRefused(
            await send(target(), { path, host, headers: upgradeHeaders(path) }),
            'HOST_NOT_ALLOWED',
            `${host} ${path}`,
          );
      }
      // The page's own origin does not help a rebound name either.
      const rebound = await send(target(), {
        path: '/rest/login',
        host: `evil.example:${port}`,
        headers: { Origin: `http://evil.example:${port}` },
      });
      assertRefused(rebound, 'HOST_NOT_ALLOWED', 'rebound same-origin');
    });

    it('Host localhost or the bound address, with or without a port, is taken; so is none (HTTP/1.0)', async () => {
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, 'localhost', '127.0.0.1', `LocalHost:${port}`]) {
        const r = await send(target(), { path: '/rest/login', host });
        assert.equal(r.status, 200, `${host}: ${r.body}`);
        for (const path of ['/sip', '/uci']) {
          const up = await send(target(), { path, host, headers: upgradeHeaders(path) });
          assert.equal(up.status, 101, `${host} ${path}`);
        }
      }
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end('GET /rest/login HTTP/1.0\r\n\r\n'));
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (d: string) => (text += d));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      assert.match(raw, /^HTTP\/1\.1 200 /);
    });

    it("the simulator's own origin (http:// + Host) is taken; another port, scheme or name is foreign", async () => {
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
        const own = await send(target(), { path: '/rest/login', host, headers: { Origin: `${OWN}://${host}` } });
        assert.equal(own.status, 200, `${host}: ${own.body}`);
        assert.equal(own.headers['access-control-allow-origin'], undefined);
        const up = await send(target(), {
          path: '/uci',
          host,
          headers: upgradeHeaders('/uci', { Origin: `${OWN}://${host}` }),
        });
        assert.equal(up.status, 101, host);
      }
      for (const origin of [
        `${OWN}://localhost:${port}`,
        `${OTHER}://127.0.0.1:${port}`,
        `${OWN}://127.0.0.1:${port + 1}`,
      ]) {
        const r = await send(target(), { path: '/rest/login', host: `127.0.0.1:${port}`, headers: { Origin: origin } });
        assertRefused(r, 'ORIGIN_NOT_ALLOWED', origin);
      }
    });

    it('a CORS preflight from a foreign page is 403 without any CORS header', async () => {
      const r = await send(target(), {
        method: 'OPTIONS',
        path: '/rest/login',
        headers: {
          Origin: EVIL,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
      assertRefused(r, 'ORIGIN_NOT_ALLOWED', 'preflight');
      for (const name of Object.keys(r.headers)) assert.doesNotMatch(name, /^access-control-/, name);
    });
  });

  describe('with allowOrigins', () => {
    let sim: RunningSim;
    let port: number;
    const target = () => ({ port });

    before(async () => {
      sim = await startSim({ scenario: 'demo', allowOrigins: [`${DEMO}/`, 'http://LOCALHOST:3000'] });
      port = sim.addresses.httpPort;
    });
    after(() => sim.stop());

    it('an allowlisted page opens /sip and /uci and signs in over UCI', async () => {
      const sip = new WebSocket(sim.addresses.sipWs, ['sip'], { origin: DEMO });
      await new Promise<void>((resolve, reject) => {
        sip.once('open', resolve);
        sip.once('error', reject);
      });
      assert.equal(sip.protocol, 'sip');
      sip.close();
      const u = new URL(sim.addresses.uci);
      u.searchParams.set(UCI_AUTH_PARAM, uciToken(DEMO_USERS.anna.login, DEMO_USERS.anna.password));
      const uci = new UciClient(new WebSocket(u, { origin: 'http://localhost:3000' }));
      await uci.opened;
      const answer = await uci.call(M.keepAlive);
      assert.equal(answer.error, undefined, JSON.stringify(answer));
      uci.ws.close();
    });

    it('another origin is still refused, and an allowlisted one under a foreign Host too', async () => {
      for (const path of ['/sip', '/uci'])
        assertRefused(
          await send(target(), { path, headers: upgradeHeaders(path, { Origin: 'https://other.example' }) }),
          'ORIGIN_NOT_ALLOWED',
          path,
        );
      assertRefused(
        await send(target(), { path: '/rest/login', headers: { Origin: 'https://demo.example:8443' } }),
        'ORIGIN_NOT_ALLOWED',
        'another port',
      );
      assertRefused(
        await send(target(), { path: '/rest/login', host: 'evil.example', headers: { Origin: DEMO } }),
        'HOST_NOT_ALLOWED',
        'foreign Host',
      );
    });

    it('a preflight from an allowlisted origin is answered with exactly that origin', async () => {
      const r = await send(target(), {
        method: 'OPTIONS',
        path: '/rest/users/me',
        headers: {
          Origin: DEMO,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authtoken,x-version',
          'Access-Control-Request-Private-Network': 'true',
        },
      });
      assert.equal(r.status, 204);
      assert.equal(r.headers['access-control-allow-origin'], DEMO);
      assert.match(String(r.headers.vary), /\bOrigin\b/);
      const allowed = String(r.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/);
      for (const h of ['authtoken', 'content-type', 'x-version']) assert.ok(allowed.includes(h), h);
      assert.match(String(r.headers['access-control-allow-methods']), /\bPUT\b/);
      assert.equal(r.headers['access-control-allow-private-network'], 'true');
      assert.equal(r.headers['access-control-allow-credentials'], undefined);
    });

    it('its requests carry Access-Control-Allow-Origin and Vary: Origin; requests without Origin no CORS', async () => {
      const me = await send(target(), {
        path: '/rest/users/me',
        headers: { Origin: DEMO, authToken: sim.admin.token!, 'X-Version': '2' },
      });
      assert.equal(me.status, 200, me.body);
      assert.equal(me.headers['access-control-allow-origin'], DEMO);
      assert.match(String(me.headers.vary), /\bOrigin\b/);
      assert.equal(JSON.parse(me.body).login, 'admin');
      const plain = await send(target(), {
        path: '/rest/users/me',
        headers: { authToken: sim.admin.token!, 'X-Version': '2' },
      });
      assert.equal(plain.status, 200);
      assert.equal(plain.headers['access-control-allow-origin'], undefined);
      assert.match(String(plain.headers.vary), /\bOrigin\b/);
    });
  });

  it('bound to ::1, Host [::1] and localhost are taken and 127.0.0.1 is not', async () => {
    const sim = createSimulator({
      memory: true,
      httpPort: 0,
      sipPort: 0,
      host: '::1',
      logger: () => undefined,
      ...testTlsOptions(),
    });
    const { httpPort: port } = await sim.start();
    try {
      const target = { host: '::1', port };
      for (const host of [`[::1]:${port}`, '[0:0:0:0:0:0:0:1]', `localhost:${port}`])
        assert.equal((await send(target, { path: '/rest/login', host })).status, 200, host);
      assertRefused(await send(target, { path: '/rest/login', host: `127.0.0.1:${port}` }), 'HOST_NOT_ALLOWED', 'v4');
    } finally {
      await sim.stop();
    }
  });

  it('createSimulator refuses an allowOrigins entry that is not an origin', () => {
    for (const [bad, why] of [
      ['*', /wildcard/],
      ['https://*.example', /wildcard/],
      ['demo.example', /not an origin/],
      ['https://demo.example/app', /no path/],
      ['ftp://demo.example', /http:\/\/ or https:\/\//],
      ['null', /not an origin/],
    ] as const)
      assert.throws(() => createSimulator({ memory: true, allowOrigins: [bad] }), why, bad);
  });

  describe('CLI --allow-origin', () => {
    before(() => ensureBuilt());

    it('takes repeated origins: each gets CORS answers, others are refused', async () => {
      const run = runCli([
        '--ready-json',
        '--memory',
        '--http-port',
        '0',
        '--sip-port',
        '0',
        '--allow-origin',
        DEMO,
        '--allow-origin=http://localhost:5173',
      ]);
      try {
        const ready = await run.ready();
        const port = Number(new URL(ready.rest).port);
        for (const origin of [DEMO, 'http://localhost:5173']) {
          const r = await send(
            { port },
            {
              method: 'OPTIONS',
              path: '/rest/login',
              headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
            },
          );
          assert.equal(r.status, 204, origin);
          assert.equal(r.headers['access-control-allow-origin'], origin);
        }
        assertRefused(
          await send({ port }, { path: '/rest/login', headers: { Origin: EVIL } }),
          'ORIGIN_NOT_ALLOWED',
          EVIL,
        );
      } finally {
        await run.stop();
      }
    });

    for (const [bad, why] of [
      ['demo.example', /--allow-origin: "demo\.example" is not an origin such as https:\/\/demo\.example/],
      ['https://demo.example/path', /--allow-origin: .*no path/],
      ['*', /--allow-origin: .*wildcard/],
    ] as const) {
      it(`--allow-origin ${bad} exits 2 with a message`, async () => {
        const run = runCli(['--memory', '--allow-origin', bad]);
        const exit = await run.exited;
        assert.equal(exit.code, 2);
        assert.match(run.stderr, why);
      });
    }
  });
});
