/**
 * Every fault of the UCI over XML-RPC (POST /xml-rpc): malformed XML, not a methodCall, unknown methods, wrong
 * params, authentication, sessions, callback parameters, oversized bodies and entity bombs.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import type { XmlRpcStruct } from '@foxglove/xmlrpc';
import { Deserializer, serializeMethodCall } from '@foxglove/xmlrpc';
import { uciToken } from '../../shared/hashes.js';
import { UCI_METHODS as M } from '../../shared/schemas/uci.js';
import { UCI_XMLRPC_FAULTS as F, UCI_XMLRPC_MAX_BODY, UCI_XMLRPC_PARAMS as P } from '../../shared/schemas/uciXmlRpc.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { faultOf, xmlRpcClient, xmlRpcQuery } from '../support/xmlrpc-callback.js';

/** node:http or node:https by the URL's scheme (https under --tls, verified against the run's CA). */
const request = ((url: string, ...rest: never[]) =>
  url.startsWith('https:') ? httpsRequest(url, ...rest) : httpRequest(url, ...rest)) as unknown as typeof httpRequest;

const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };

describe('simulator: UCI over XML-RPC faults', function () {
  this.timeout(20_000);
  let sim: RunningSim;

  before(async () => {
    sim = await startSim({ scenario: 'demo', rateLimit: { perLogin: 3 } });
  });
  after(() => sim.stop());

  /** POSTs a raw body; answers the status, content type and the fault (or result) parsed. */
  async function post(body: string, query = xmlRpcQuery(ADMIN)) {
    const res = await fetch(`${sim.addresses.xmlRpc}?${query}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body,
    });
    const text = await res.text();
    let fault: { faultCode: number; faultString: string } | undefined;
    let result: unknown;
    try {
      result = await new Deserializer().deserializeMethodResponse(text);
    } catch (err) {
      fault = err as { faultCode: number; faultString: string };
    }
    return { status: res.status, type: res.headers.get('content-type'), fault, result };
  }
  const call = (method: string, params: unknown[] = [], query = xmlRpcQuery(ADMIN)) =>
    faultOf(xmlRpcClient(sim.addresses.xmlRpc, query).methodCall(method, params as never));

  it('malformed XML → -32700 "malformed XML-RPC request: …" (HTTP 200, text/xml)', async () => {
    for (const body of [
      '<methodCall><methodName>x',
      'not xml at all',
      '',
      '<methodCall><methodName>ucp.v22.requests.connection.keepAlive</methodName><params><param><value><int>abc</int></value></param></params></methodCall>',
      '<methodCall><bogus/></methodCall>',
    ]) {
      const r = await post(body);
      assert.equal(r.status, 200);
      assert.match(r.type ?? '', /^text\/xml/);
      assert.equal(r.fault?.faultCode, F.malformed, body);
      assert.match(r.fault!.faultString, /^malformed XML-RPC request: /);
    }
  });

  it('well-formed but not a methodCall → -32600', async () => {
    const r = await post(
      '<?xml version="1.0"?><methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>',
    );
    assert.equal(r.fault?.faultCode, F.notMethodCall);
    assert.match(r.fault!.faultString, /not an XML-RPC methodCall/);
  });

  it('unknown method → -32601 "Method not found: \'x\'" with how methods are named', async () => {
    for (const name of ['ucp.v22.requests.nothing.here', 'ucp.v22.requests.system.getServerVersion']) {
      const f = await call(name);
      assert.equal(f.faultCode, F.unknownMethod, name);
      assert.ok(f.faultString.startsWith(`Method not found: '${name}'`), f.faultString);
      assert.match(
        f.faultString,
        /ucp\.v22\.requests\.<service>\.<method>, ucp\.v30\.requests\.… or ucp\.v20\.server\.…/,
      );
    }
  });

  it('a method a real STARFACE has but the simulator does not simulate → -32007 "… not simulated", in v22 and v30', async () => {
    const c = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ADMIN));
    await c.methodCall(M.login);
    for (const name of [
      'ucp.v22.requests.fax.getFaxIds',
      'ucp.v30.requests.fax.getFaxIds',
      'ucp.v30.requests.call.holdCall',
    ]) {
      const f = await faultOf(c.methodCall(name));
      assert.equal(f.faultCode, F.notSimulated, name);
      assert.equal(f.faultCode, -32007);
      assert.match(f.faultString, /not simulated/);
      assert.ok(f.faultString.startsWith(`'${name}' is known to STARFACE`), f.faultString);
    }
  });

  it('the same methods under the v20 and v30 names: keepAlive is probe in v20, getServerVersion only in v30', async () => {
    const c = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(DEMO_USERS.bernd, 40010));
    assert.equal(await c.methodCall('ucp.v20.server.connection.probe'), false, 'no session yet');
    assert.equal(await c.methodCall('ucp.v20.server.connection.login'), true);
    assert.equal(await c.methodCall('ucp.v20.server.connection.probe'), true);
    assert.equal(await c.methodCall('ucp.v30.requests.connection.keepAlive'), true, 'one session, any family');
    assert.equal(typeof (await c.methodCall('ucp.v30.requests.system.getServerVersion')), 'string');
    assert.deepEqual(await c.methodCall('ucp.v20.server.communication.call.getCallIds'), []);
    assert.equal(await c.methodCall('ucp.v30.requests.connection.logout'), true);
    assert.equal(await c.methodCall('ucp.v20.server.connection.probe'), false, 'logged out');
  });

  it('wrong param types and counts → -32602 naming the param by position', async () => {
    const c = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ADMIN));
    await c.methodCall(M.login);
    const cases: [string, unknown[], RegExp][] = [
      [
        M.placeCallWithPhone,
        [5],
        /^ucp\.v22\.requests\.call\.placeCallWithPhone: param 1 \(destination\) must be a string/,
      ],
      [M.placeCallWithPhone, [], /param 1 \(destination\)/],
      [M.setDoNotDisturbSetting, ['yes'], /setDoNotDisturbSetting: param 1 \(doNotDisturb\) must be a boolean/],
      [M.getCallState, [{ id: 'x' }], /getCallState: param 1 \(callId\) must be a string/],
      [M.subscribeEvents, ['not-a-service'], /subscribeEvents: param 1 \(services\[0\]\) not a service name/],
      [M.subscribeEvents, [['ucp.v22.events.call'], 'x'], /subscribeEvents: param 2 \(sinceSeq\) must be a number/],
      [M.keepAlive, [1], /keepAlive: takes no params, got 1/],
      [M.login, ['token'], /login: takes no params/],
    ];
    for (const [method, params, re] of cases) {
      const f = await faultOf(c.methodCall(method, params as never));
      assert.equal(f.faultCode, F.invalidParams, method);
      assert.match(f.faultString, re);
    }
  });

  it('authentication: missing, wrong hash, unknown login, user+hash form, jwt, REST token, then the shared lockout', async () => {
    const none = await call(M.login, [], new URLSearchParams());
    assert.equal(none.faultCode, F.authFailed);
    assert.match(none.faultString, /missing authentication/);
    const jwt = await call(M.login, [], new URLSearchParams({ [P.jwt]: 'a.b.c' }));
    assert.equal(jwt.faultCode, F.unsupportedAuth);
    const unknown = await call(M.login, [], new URLSearchParams({ [P.auth]: uciToken('9999', 'x') }));
    assert.equal(unknown.faultCode, F.authFailed);
    assert.match(unknown.faultString, /^authentication failed/);
    // user + bare hash, as some clients send it
    const hash = uciToken(DEMO_USERS.bernd.login, DEMO_USERS.bernd.password).split(':')[1]!;
    const ok = xmlRpcClient(
      sim.addresses.xmlRpc,
      new URLSearchParams({ [P.user]: DEMO_USERS.bernd.login, [P.auth]: hash }),
    );
    assert.equal(await ok.methodCall(M.login), true);
    const token = (await sim.as(DEMO_USERS.anna)).token!;
    assert.equal(
      await xmlRpcClient(sim.addresses.xmlRpc, new URLSearchParams({ [P.authToken]: token })).methodCall(M.login),
      true,
    );
    // 3 failures lock the login (rateLimit.perLogin 3), also for the right hash
    for (let i = 0; i < 3; i++) {
      const wrong = await call(
        M.login,
        [],
        new URLSearchParams({ [P.auth]: uciToken(DEMO_USERS.carla.login, `wrong-${i}`) }),
      );
      assert.equal(wrong.faultCode, F.authFailed);
    }
    const locked = await call(M.login, [], xmlRpcQuery(DEMO_USERS.carla));
    assert.equal(locked.faultCode, F.rateLimited);
    assert.match(locked.faultString, /too many failed sign-ins; try again in \d+ s/);
  });

  it('requests without a login → -32001 "not logged in"; a different callback is a different session', async () => {
    const f = await call(M.getUserState, [], xmlRpcQuery(DEMO_USERS.anna, 40001));
    assert.equal(f.faultCode, F.notLoggedIn);
    assert.match(f.faultString, /^not logged in: call ucp\.v22\.requests\.connection\.login first/);
    const c = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(DEMO_USERS.anna, 40001));
    assert.equal(await c.methodCall(M.login), true);
    assert.equal(((await c.methodCall(M.getUserState)) as XmlRpcStruct).chatPresence, 'AVAILABLE');
    assert.equal((await call(M.getUserState, [], xmlRpcQuery(DEMO_USERS.anna, 40002))).faultCode, F.notLoggedIn);
    // "" for phoneId and callId, as real clients send them, is accepted: the fault is about the missing phone
    assert.equal((await faultOf(c.methodCall(M.placeCallWithPhone, ['1003', '', '']))).faultCode, F.noPhone);
  });

  it('bad callback parameters → -32013; subscribing without a callback → -32014', async () => {
    const bad: Record<string, string>[] = [
      { [P.callbackHost]: 'evil host!', [P.callbackPort]: '80' },
      { [P.callbackHost]: 'http://x', [P.callbackPort]: '80' },
      { [P.callbackHost]: '127.0.0.1', [P.callbackPort]: '0' },
      { [P.callbackHost]: '127.0.0.1', [P.callbackPort]: '65536' },
      { [P.callbackHost]: '127.0.0.1', [P.callbackPort]: '80', [P.callbackType]: 'ftp' },
      { [P.callbackHost]: '127.0.0.1', [P.callbackPort]: '80', [P.callbackPath]: 'no-slash' },
      { [P.callbackHost]: '127.0.0.1' },
    ];
    for (const extra of bad) {
      const f = await call(M.login, [], xmlRpcQuery(ADMIN, undefined, extra));
      assert.equal(f.faultCode, F.badCallback, JSON.stringify(extra));
      assert.match(f.faultString, /^bad callback: /);
    }
    // Other host names parse but are refused by the callback policy (uci-hardening.test.ts); localhost is a name.
    for (const host of ['::1', '[::1]', 'localhost', '127.0.0.2']) {
      assert.equal(
        await xmlRpcClient(
          sim.addresses.xmlRpc,
          xmlRpcQuery(ADMIN, undefined, {
            [P.callbackHost]: host,
            [P.callbackPort]: '8000',
            [P.callbackType]: 'xml-rpc',
          }),
        ).methodCall(M.login),
        true,
        host,
      );
    }
    const c = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ADMIN));
    await c.methodCall(M.login);
    const f = await faultOf(c.methodCall(M.subscribeEvents, ['ucp.v22.events.call']));
    assert.equal(f.faultCode, F.noCallback);
    assert.match(f.faultString, /subscribeEvents needs a callback/);
  });

  it('a body over 1 MiB → HTTP 413 with a -32011 fault, with and without Content-Length; other methods than POST → 405', async () => {
    const r = await post('x'.repeat(UCI_XMLRPC_MAX_BODY + 1));
    assert.equal(r.status, 413);
    assert.equal(r.fault?.faultCode, F.bodyTooLarge);
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${sim.addresses.xmlRpc}?${xmlRpcQuery(ADMIN)}`,
        { method: 'POST', headers: { 'Content-Type': 'text/xml' } },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      const chunk = '<'.repeat(64 * 1024);
      for (let i = 0; i < 17; i++) req.write(chunk); // 1.06 MiB, streamed
      req.end();
    });
    assert.equal(chunked.status, 413);
    assert.match(chunked.body, /-32011/);
    const get = await fetch(sim.addresses.xmlRpc);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    // the endpoint still answers afterwards
    assert.equal(await xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ADMIN)).methodCall(M.login), true);
  });

  it('any DOCTYPE (an entity bomb, an external entity, an empty one) → -32700 "DOCTYPE is not allowed in XML-RPC", nothing expanded, memory flat', async () => {
    const lol = ['<!ENTITY lol0 "lol">'];
    for (let i = 1; i <= 9; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [${lol.join('')}]><methodCall><methodName>&lol9;</methodName><params><param><value><string>&lol9;</string></value></param></params></methodCall>`;
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    const r = await post(bomb);
    assert.equal(r.fault?.faultCode, F.malformed);
    assert.equal(r.fault!.faultString, 'DOCTYPE is not allowed in XML-RPC');
    // Refused before any entity is expanded: the fault names the DOCTYPE, and neither heap nor RSS grew.
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 50 * 1024 * 1024, 'heap flat');
    assert.ok(process.memoryUsage().rss - rssBefore < 100 * 1024 * 1024, 'rss flat');

    const c = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ADMIN));
    await c.methodCall(M.login);
    const body = serializeMethodCall(M.setChatPresenceMessage, ['PLACEHOLDER']);
    const xxe = body
      .replace('PLACEHOLDER', '&xxe;')
      .replace('<methodCall>', '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><methodCall>');
    const plain = body.replace('<methodCall>', '<!DOCTYPE methodCall><methodCall>');
    for (const b of [xxe, plain]) {
      const f = await post(b);
      assert.equal(f.fault?.faultCode, F.malformed);
      assert.equal(f.fault!.faultString, 'DOCTYPE is not allowed in XML-RPC');
    }
  });

  it('strict structure: two <methodName>s, junk or a second element after the root, <int>1.5</int> → -32700; an <i4> beyond 32 bits → -32602', async () => {
    await xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ADMIN)).methodCall(M.login);
    const keepAlive = serializeMethodCall(M.keepAlive, []);
    const twoNames = keepAlive.replace('</methodName>', `</methodName><methodName>${M.logout}</methodName>`);
    const cases: [string, number, RegExp][] = [
      [twoNames, F.malformed, /^malformed XML-RPC request: more than one <methodName>$/],
      [`${keepAlive}junk`, F.malformed, /^malformed XML-RPC request: /],
      [`${keepAlive}<methodCall/>`, F.malformed, /^malformed XML-RPC request: more than one root element$/],
      [
        serializeMethodCall(M.setChatPresenceMessage, [1]).replace(/<int>1<\/int>/, '<int>1.5</int>'),
        F.malformed,
        /<int> must hold a whole number, got '1\.5'/,
      ],
      [
        serializeMethodCall(M.setChatPresenceMessage, [1]).replace(/<int>1<\/int>/, '<i4>4294967296</i4>'),
        F.invalidParams,
        /^<i4> 4294967296 is out of range \(-2147483648 to 2147483647\)$/,
      ],
    ];
    for (const [body, code, text] of cases) {
      const r = await post(body);
      assert.equal(r.fault?.faultCode, code, body);
      assert.match(r.fault!.faultString, text, body);
    }
    // Whitespace after the root and an in-range <i4> are fine.
    assert.equal((await post(`${keepAlive}\n  `)).result, true);
  });
});
