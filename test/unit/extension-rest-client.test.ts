import assert from 'node:assert/strict';
import { z } from 'zod';
import { PbxApi } from '../../extension/src/pbx/api.js';
import { PbxRestClient } from '../../extension/src/pbx/restClient.js';
import { restBaseUrl } from '../../shared/schemas/connection.js';
import { loopbackHttp, pbxRejection } from '../support/loopbackHttp.js';
import { closedPort } from '../support/net.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';

describe('extension PbxRestClient', () => {
  let sim: RunningSim;
  before(async () => {
    sim = await startSim();
  });
  after(async () => {
    await sim.stop();
  });

  describe('against the simulator', () => {
    it('signs in with the real handshake and reads zod-checked answers', async () => {
      const client = new PbxRestClient(sim.base);
      assert.equal(client.signedIn, false);
      await client.login('admin', ADMIN_PASSWORD);
      assert.equal(client.signedIn, true);
      const api = new PbxApi(client);
      const me = await api.me();
      assert.equal(me.login, 'admin');
      const version = await api.version();
      assert.equal(version.version, '8.1.0.4');
      const users = await api.users();
      assert.deepEqual(
        users.map((u) => u.login),
        ['admin', '1001', '1002', '1003'],
      );
      await client.logout();
      assert.equal(client.signedIn, false);
    });

    it('refuses a wrong password with "wrong login or password"', async () => {
      const client = new PbxRestClient(sim.base);
      const err = await pbxRejection(client.login(DEMO_USERS.carla.login, 'not-the-password'));
      assert.match(err.message, /wrong login or password/);
      assert.match(err.message, /1003/);
      assert.equal(err.status, 400);
      assert.equal(err.code, 'LOGIN_FAILED');
      assert.equal(err.isWrongCredentials, true, 'the extension asks for the password again');
      assert.equal(client.signedIn, false);
    });

    it('refuses calls before sign-in without touching the network', async () => {
      const client = new PbxRestClient('http://127.0.0.1:1/rest');
      const err = await pbxRejection(client.get('/users/me', z.unknown()));
      assert.equal(err.code, 'NOT_SIGNED_IN');
      assert.equal(err.status, 401);
      assert.equal(err.isAuth, true);
    });

    it('forgets the token when the PBX answers 401', async () => {
      const client = new PbxRestClient(sim.base);
      await client.login(DEMO_USERS.anna.login, DEMO_USERS.anna.password);
      const api = new PbxApi(client);
      assert.equal((await api.me()).login, '1001');
      // Applying a scenario revokes every token but the admin's: 1001's token now answers 401.
      const applied = await sim.admin.post('/sim/scenario', { name: 'demo' });
      assert.equal(applied.status, 200);
      const err = await pbxRejection(api.me());
      assert.equal(err.status, 401);
      assert.equal(err.isAuth, true);
      assert.equal(client.signedIn, false);
      // The next call fails locally: there is no token to send.
      const again = await pbxRejection(api.me());
      assert.equal(again.code, 'NOT_SIGNED_IN');
      // Signing in again works.
      await client.login(DEMO_USERS.anna.login, DEMO_USERS.anna.password);
      assert.equal((await api.me()).login, '1001');
    });

    it("reports a 404 with the PBX's message and code", async () => {
      const client = new PbxRestClient(sim.base);
      await client.login('admin', ADMIN_PASSWORD);
      const err = await pbxRejection(client.get('/modules/configurations/999', z.unknown()));
      assert.equal(err.status, 404);
      assert.equal(err.isNotFound, true);
      assert.notEqual(err.message, '');
      assert.doesNotMatch(err.code, /^HTTP_/);
    });

    it('checks answers against the schema (UNEXPECTED_SHAPE names the path)', async () => {
      const client = new PbxRestClient(sim.base);
      await client.login('admin', ADMIN_PASSWORD);
      const err = await pbxRejection(client.get('/server/version', z.object({ version: z.number() })));
      assert.equal(err.code, 'UNEXPECTED_SHAPE');
      assert.match(err.message, /"version"/);
    });
  });

  describe('network failures', () => {
    it('says "connection refused" for a closed port (UNREACHABLE)', async () => {
      const port = await closedPort();
      const base = `http://127.0.0.1:${port}/rest`;
      const err = await pbxRejection(new PbxRestClient(base).login('admin', 'x'));
      assert.equal(err.code, 'UNREACHABLE');
      assert.equal(err.status, undefined);
      assert.match(err.message, /connection refused/);
      assert.ok(err.message.includes(base), err.message);
    });

    it('says "did not answer in time" for a server that never answers', async () => {
      const server = await loopbackHttp(() => {
        // never answers
      });
      try {
        // The configured 300 ms ended it: the default timeout would outlast this test.
        const err = await pbxRejection(new PbxRestClient(server.base, { timeoutMs: 300 }).login('admin', 'x'));
        assert.equal(err.code, 'UNREACHABLE');
        assert.match(err.message, /did not answer in time/);
        assert.ok(err.message.includes(server.base), err.message);
      } finally {
        await server.close();
      }
    });

    it('says "did not answer in time" for a server that sends headers but never the whole body', async () => {
      const server = await loopbackHttp((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"loginType":');
        // ...and nothing more
      });
      try {
        const err = await pbxRejection(new PbxRestClient(server.base, { timeoutMs: 300 }).login('admin', 'x'));
        assert.equal(err.code, 'UNREACHABLE');
        assert.match(err.message, /did not answer in time/);
      } finally {
        await server.close();
      }
    });
  });

  describe('answers that are not the STARFACE REST API', () => {
    it('calls an HTML page NOT_JSON', async () => {
      const server = await loopbackHttp((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<!doctype html><html><body>Welcome to nginx!</body></html>');
      });
      try {
        const err = await pbxRejection(new PbxRestClient(server.base).login('admin', 'x'));
        assert.equal(err.code, 'NOT_JSON');
        assert.equal(err.status, 200);
        assert.match(err.message, /not JSON/);
        assert.match(err.message, /STARFACE/);
      } finally {
        await server.close();
      }
    });

    it('takes a 401 at POST /login for a wrong login or password, as a 400', async () => {
      const server = await loopbackHttp((req, res) => {
        res.writeHead(req.method === 'GET' ? 200 : 401, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify(
            req.method === 'GET'
              ? { loginType: 'Internal', nonce: 'n-1', secret: null }
              : { code: 'UNAUTHORIZED', message: 'Unauthorized' },
          ),
        );
      });
      try {
        const err = await pbxRejection(new PbxRestClient(server.base).login('1001', 'not-the-password'));
        assert.equal(err.status, 401);
        assert.equal(err.isWrongCredentials, true);
        assert.equal(err.message, 'Sign-in as 1001 failed: wrong login or password');
      } finally {
        await server.close();
      }
    });

    it('names the HTTP status of an HTML error page', async () => {
      const server = await loopbackHttp((_req, res) => {
        res.writeHead(502, { 'Content-Type': 'text/html' });
        res.end('<html><body>Bad Gateway</body></html>');
      });
      try {
        const err = await pbxRejection(new PbxRestClient(server.base).login('admin', 'x'));
        assert.equal(err.code, 'HTTP_502');
        assert.equal(err.status, 502);
        assert.match(err.message, /HTTP 502/);
      } finally {
        await server.close();
      }
    });

    it('calls JSON of the wrong shape UNEXPECTED_SHAPE', async () => {
      const server = await loopbackHttp((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ hello: 'world' }));
      });
      try {
        const err = await pbxRejection(new PbxRestClient(server.base).login('admin', 'x'));
        assert.equal(err.code, 'UNEXPECTED_SHAPE');
        assert.equal(err.status, 200);
        assert.match(err.message, /GET \/login: unexpected answer/);
        assert.equal(new PbxRestClient(server.base).signedIn, false);
      } finally {
        await server.close();
      }
    });

    it('checks the token answer too: a login reply without a token is refused and does not sign in', async () => {
      const server = await loopbackHttp((req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify(req.method === 'GET' ? { loginType: 'Internal', nonce: 'abc', secret: null } : { token: 42 }),
        );
      });
      try {
        const client = new PbxRestClient(server.base);
        const err = await pbxRejection(client.login('admin', 'x'));
        assert.equal(err.code, 'UNEXPECTED_SHAPE');
        assert.match(err.message, /POST \/login/);
        assert.equal(client.signedIn, false);
      } finally {
        await server.close();
      }
    });
  });

  describe('restBaseUrl', () => {
    it('adds https:// and /rest to a bare host name', () => {
      assert.equal(restBaseUrl('pbx.example.com'), 'https://pbx.example.com/rest');
      assert.equal(restBaseUrl('  pbx.example.com  '), 'https://pbx.example.com/rest');
      assert.equal(restBaseUrl('pbx.example.com:8443'), 'https://pbx.example.com:8443/rest');
    });
    it('keeps http:// and the port, drops the trailing slash', () => {
      assert.equal(restBaseUrl('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080/rest');
      assert.equal(restBaseUrl('http://127.0.0.1:8080'), 'http://127.0.0.1:8080/rest');
    });
    it('keeps a /rest that is already there', () => {
      assert.equal(restBaseUrl('https://pbx.example.com/rest'), 'https://pbx.example.com/rest');
      assert.equal(restBaseUrl('https://pbx.example.com/rest/'), 'https://pbx.example.com/rest');
      assert.equal(restBaseUrl('http://127.0.0.1:8080/rest'), 'http://127.0.0.1:8080/rest');
    });
    it('drops query and fragment', () => {
      assert.equal(restBaseUrl('https://pbx.example.com/?a=1#x'), 'https://pbx.example.com/rest');
    });
    it('refuses other schemes', () => {
      assert.throws(() => restBaseUrl('ftp://pbx.example.com'), /not an http or https address/);
    });
    it('gives the simulator URL back unchanged', () => {
      assert.equal(restBaseUrl(sim.base), sim.base);
      assert.equal(restBaseUrl(sim.base.replace(/\/rest$/, '')), sim.base);
    });
  });
});
