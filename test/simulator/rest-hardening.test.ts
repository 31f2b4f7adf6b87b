/**
 * The REST API and the XML-RPC endpoint against cheap CPU and memory attacks: the authToken is checked before a
 * body is read, the sign-in entries take small bodies, JSON and XML nest at most 64 deep, a body is parsed only
 * as application/json, and every answer says nosniff.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { UCI_XMLRPC_FAULTS as F } from '../../shared/schemas/uciXmlRpc.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';
import { assertError } from '../support/apiErrors.js';
import { xmlRpcQuery } from '../support/xmlrpc-callback.js';

/** node:http or node:https by the URL's scheme (https under --tls, verified against the run's CA). */
const request = ((url: string, ...rest: never[]) =>
  url.startsWith('https:') ? httpsRequest(url, ...rest) : httpRequest(url, ...rest)) as unknown as typeof httpRequest;

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Sends the headers and the first part of a body, then waits for the answer before sending the rest. */
function answerBeforeBody(url: string, total: number): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(total), 'X-Version': '2' },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, sent });
        req.destroy();
      });
    });
    // The server may close while the rest is unsent; the answer is what the test looks at.
    req.on('error', (err) => (sent < total ? undefined : reject(err)));
    const first = Buffer.alloc(64 * 1024, '[');
    sent = first.length;
    req.write(first);
  });
}

describe('simulator: REST and XML-RPC hardening', function () {
  this.timeout(20_000);
  let sim: RunningSim;
  let origin: string;

  before(async () => {
    sim = await startSim({ scenario: 'demo' });
    origin = new URL(sim.base).origin;
  });
  after(() => sim.stop());

  it('an unauthenticated request is 401 before its body is read', async () => {
    const total = 900 * 1024;
    const r = await answerBeforeBody(`${sim.base}/users`, total);
    assert.equal(r.status, 401);
    assert.ok(r.sent < total);
    assert.equal((JSON.parse(r.body) as { code: string }).code, 'UNAUTHORIZED');
  });

  it('an unauthenticated nested body is 401, not a parse error', async () => {
    const reply = await sim.client().call('POST', '/users', undefined, { raw: nested(100_000) });
    assertError(reply, 401, 'UNAUTHORIZED');
  });

  it('a sign-in body over 4 KiB is 413 {code, message, details}', async () => {
    const reply = await sim.client().call('POST', '/login', undefined, {
      raw: JSON.stringify({ loginType: 'Internal', nonce: 'x'.repeat(5000), secret: 'y' }),
    });
    assertError(reply, 413, 'PAYLOAD_TOO_LARGE');
    assert.deepEqual(reply.body.details, { limit: 4096 });
    assert.equal(typeof reply.body.message, 'string');
  });

  it('JSON nested 65 deep is 400 BODY_TOO_DEEP, on sign-in and signed in; 64 deep is parsed', async () => {
    assertError(await sim.client().call('POST', '/login', undefined, { raw: nested(65) }), 400, 'BODY_TOO_DEEP');
    const deep = await sim.admin.call('POST', '/users', undefined, { raw: nested(65) });
    assertError(deep, 400, 'BODY_TOO_DEEP');
    assert.deepEqual(deep.body.details, { limit: 64 });
    // Brackets inside strings do not count.
    const inString = await sim.admin.call('POST', '/users', undefined, { raw: JSON.stringify({ x: nested(100) }) });
    assertError(inString, 400, 'VALIDATION_FAILED');
    // 64 deep gets past the scan and the parser: the schema is what refuses it.
    assertError(await sim.admin.call('POST', '/users', undefined, { raw: nested(64) }), 400, 'VALIDATION_FAILED');
  });

  it('a body with another content type is 415; application/json with a charset works', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/xml']) {
      const reply = await sim.admin.call('PUT', '/permissions/users/3', undefined, {
        raw: '[1]',
        headers: { 'Content-Type': type },
      });
      assertError(reply, 415, 'UNSUPPORTED_MEDIA_TYPE');
      assert.equal(reply.body.details.contentType, type);
    }
    const ok = await sim.admin.call('PUT', '/permissions/users/3', undefined, {
      raw: '[1]',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    // A request without a body needs no content type.
    const me = await fetch(`${sim.base}/users/me`, { headers: { authToken: sim.admin.token!, 'X-Version': '2' } });
    assert.equal(me.status, 200);
  });

  it('XML-RPC values nested 65 deep are fault -32700; 64 elements deep is not refused for depth', async () => {
    const xml = (arrays: number) =>
      '<methodCall><methodName>ucp.v22.requests.connection.keepAlive</methodName><params><param>' +
      '<value><array><data>'.repeat(arrays) +
      '</data></array></value>'.repeat(arrays) +
      '</param></params></methodCall>';
    const post = async (body: string) => {
      const res = await fetch(`${sim.addresses.xmlRpc}?${xmlRpcQuery({ login: 'admin', password: ADMIN_PASSWORD })}`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml' },
        body,
      });
      return { text: await res.text(), nosniff: res.headers.get('x-content-type-options') };
    };
    // methodCall, params, param = 3; each array level is value + array + data = 3 elements.
    const tooDeep = await post(xml(21));
    assert.match(tooDeep.text, new RegExp(`<int>${F.malformed}</int>`));
    assert.match(tooDeep.text, /nested deeper than 64/);
    const fine = await post(xml(20));
    assert.doesNotMatch(fine.text, /nested deeper/);
    assert.equal(fine.nosniff, 'nosniff');
  });

  it('REST, XML-RPC and the web root answer with X-Content-Type-Options: nosniff', async () => {
    for (const url of [`${origin}/`, `${origin}/nowhere`, `${sim.base}/login`, `${sim.base}/users`]) {
      const res = await fetch(url);
      await res.arrayBuffer();
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', url);
    }
    const rpc = await fetch(sim.addresses.xmlRpc, { method: 'GET' });
    await rpc.arrayBuffer();
    assert.equal(rpc.headers.get('x-content-type-options'), 'nosniff');
  });
});
