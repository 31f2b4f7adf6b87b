import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { PbxApi } from '../../extension/src/pbx/api.js';
import { PbxRestClient, REST_MAX_RESPONSE_BYTES } from '../../extension/src/pbx/restClient.js';
import { loopbackHttp, pbxRejection } from '../support/loopbackHttp.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback HTTP server that records every request it gets (headers and body) before the handler answers. */
async function recordingServer(handler: (req: Seen, res: ServerResponse) => void = (_, res) => res.end('{}')) {
  const seen: Seen[] = [];
  const server = await loopbackHttp((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      handler(s, res);
    });
  });
  return { ...server, seen };
}

/** A PBX that signs in for real and then sends the rest of its answers on to `elsewhere` with `status`. */
function redirectingPbx(elsewhere: string, status: number, redirectLogin: boolean) {
  return (req: Seen, res: ServerResponse) => {
    if (req.url === '/rest/login' && req.method === 'GET') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ loginType: 'Internal', nonce: 'n-1', secret: null }));
    } else if (req.url === '/rest/login' && req.method === 'POST' && !redirectLogin) {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ token: 'TOKEN-SECRET' }));
    } else {
      res.writeHead(status, { Location: `${elsewhere}${req.url}?authToken=TOKEN-SECRET` });
      res.end();
    }
  };
}

describe('extension REST client: redirects and answer size', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function servers(status: number, redirectLogin: boolean) {
    const other = await recordingServer();
    const pbx = await recordingServer(redirectingPbx(other.origin, status, redirectLogin));
    cleanups.push(other.close, pbx.close);
    return { other, pbx };
  }

  for (const status of [302, 307]) {
    it(`a ${status} to another origin at login: the login secret is not re-posted there, the error names the origin`, async () => {
      const { other, pbx } = await servers(status, true);
      const err = await pbxRejection(new PbxRestClient(pbx.base).login('admin', 'pw'));
      assert.equal(err.code, 'REDIRECT');
      assert.equal(err.status, status);
      assert.match(err.message, new RegExp(`redirects \\(HTTP ${status}\\) to ${other.origin}/rest/login;`));
      assert.doesNotMatch(err.message, /TOKEN-SECRET/, 'the Location query is left out of the message');
      assert.equal(other.seen.length, 0);
      assert.ok(
        pbx.seen.some((s) => s.method === 'POST' && s.body.includes('secret')),
        'the PBX itself got the login',
      );
    });

    it(`a ${status} to another origin after sign-in: the authToken header does not travel there`, async () => {
      const { other, pbx } = await servers(status, false);
      const client = new PbxRestClient(pbx.base);
      await client.login('admin', 'pw');
      const err = await pbxRejection(client.get('/users', z.unknown()));
      assert.equal(err.code, 'REDIRECT');
      assert.match(err.message, new RegExp(`to ${other.origin}/rest/users;`));
      assert.equal(other.seen.length, 0);
      assert.equal(pbx.seen.at(-1)!.headers.authtoken, 'TOKEN-SECRET');
      assert.equal(client.signedIn, true, 'a redirect is not a lost session');
    });

    it(`a ${status} of the Teams sign-in rehearsal: the password is not posted to the other origin`, async () => {
      const { other, pbx } = await servers(status, true);
      const api = new PbxApi(new PbxRestClient(pbx.base));
      const err = await pbxRejection(
        api.teamsLogin({ pbxName: 'pbx', key: 'k', login: 'alice', password: 'PASSWORD-SECRET' }),
      );
      assert.equal(err.code, 'REDIRECT');
      assert.equal(other.seen.length, 0);
    });
  }

  it('a same-origin redirect is not followed either (the PBX does not redirect; the URL is fixed once)', async () => {
    const pbx = await recordingServer((req, res) => {
      res.writeHead(301, { Location: '/moved/rest/login' });
      res.end();
    });
    cleanups.push(pbx.close);
    const err = await pbxRejection(new PbxRestClient(pbx.base).login('admin', 'pw'));
    assert.equal(err.code, 'REDIRECT');
    assert.match(err.message, new RegExp(`to ${pbx.origin}/moved/rest/login;`));
    assert.deepEqual(
      pbx.seen.map((s) => s.url),
      ['/rest/login'],
    );
  });

  /** A server that streams a JSON array without end (with backpressure) and says how much it wrote once closed. */
  async function endlessServer(declareLength: boolean) {
    let written = 0;
    let closed!: () => void;
    const done = new Promise<void>((resolve) => (closed = resolve));
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const server = await recordingServer((_, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        ...(declareLength ? { 'Content-Length': String(REST_MAX_RESPONSE_BYTES * 8) } : {}),
      });
      let open = true;
      res.on('close', () => {
        open = false;
        closed();
      });
      const pump = () => {
        // A hard stop far beyond the cap, so a client that reads on is caught by the assertion, not by a hang.
        while (open && written < REST_MAX_RESPONSE_BYTES * 8) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (open) res.end();
      };
      res.write('[');
      pump();
    });
    cleanups.push(server.close);
    return { base: server.base, done, written: () => written };
  }

  for (const declareLength of [false, true]) {
    it(`an answer over the cap (${declareLength ? 'declared' : 'streamed'}) is refused and its reading stops`, async () => {
      const server = await endlessServer(declareLength);
      const client = new PbxRestClient(server.base);
      const err = await pbxRejection(client.request('GET', '/version', { auth: false }));
      assert.equal(err.code, 'TOO_LARGE');
      assert.match(err.message, new RegExp(`GET /version: the answer is over ${REST_MAX_RESPONSE_BYTES} bytes`));
      await server.done;
      // What the server wrote before the socket closed: the cap plus what the socket buffers held, not the whole.
      assert.ok(
        server.written() <= REST_MAX_RESPONSE_BYTES * 2,
        `the server wrote ${server.written()} bytes before the client hung up`,
      );
    });
  }
});
