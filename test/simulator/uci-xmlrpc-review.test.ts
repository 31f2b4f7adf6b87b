/**
 * Regressions of the UCI over XML-RPC review: replay backlog beyond the queue, one service per subscribe,
 * the connection test next to live events on a fixed port, restarts on a fixed port, faults from the callback,
 * the per-login session cap, unauthenticated slow bodies, redacted callback paths, callback hosts of a simulator
 * on the network, redirects and huge answers, a restarted simulator, and the callback server's 413.
 */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  Deserializer,
  serializeFault,
  serializeMethodCall,
  serializeMethodResponse,
  XmlRpcFault,
  type XmlRpcStruct,
} from '@foxglove/xmlrpc';
import { uciToken } from '../../shared/hashes.js';
import { CALL_EVENT_SERVICE } from '../../shared/schemas/calls.js';
import { SIM_SERVICES, type SimEvent } from '../../shared/schemas/events.js';
import { UCI_METHODS as M, USER_STATE_SERVICE } from '../../shared/schemas/uci.js';
import {
  UCI_XMLRPC_FAULTS as F,
  UCI_XMLRPC_LOG_EVENTS,
  UCI_XMLRPC_PARAMS as P,
} from '../../shared/schemas/uciXmlRpc.js';
import { UciCallbackServer } from '../../extension/src/pbx/uciCallbackServer.js';
import { checkLiveEvents } from '../../extension/src/pbx/liveEventsCheck.js';
import { UciXmlRpcClient, UciXmlRpcError, uciXmlRpcUrl } from '../../extension/src/pbx/uciXmlRpcClient.js';
import { UciXmlRpcSource, type UciXmlRpcTarget } from '../../extension/src/live/uciXmlRpcSource.js';
import { PbxSession, type LiveState } from '../../extension/src/model/pbxSession.js';
import { createSimulator } from '../../simulator/src/simulator.js';
import { simulatorInternals } from '../../simulator/src/internals.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';
import { sleep, until } from '../support/until.js';
import { CallbackServer, faultOf, xmlRpcClient, xmlRpcQuery } from '../support/xmlrpc-callback.js';
import { cleanUp } from '../support/cleanup.js';
import { TEST_TLS, testTlsOptions } from '../support/testTls.js';

/** Requests to the simulator: over HTTPS under --tls (verified against the run's CA). */
const request = TEST_TLS ? httpsRequest : httpRequest;

const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };
const TOKEN = uciToken('admin', ADMIN_PASSWORD);
const FAST = { backoffInitialMs: 20, backoffMaxMs: 100, timeoutMs: 1000 };

function follow(sim: RunningSim, extra: Partial<UciXmlRpcTarget> = {}, keepAliveMs?: number) {
  const rec = {
    events: [] as SimEvent[],
    resyncs: 0,
    states: [] as string[],
    errors: [] as string[],
    gaps: [] as { afterSeq: number; beforeSeq: number; filled: boolean }[],
    notices: [] as string[],
  };
  const stream = new UciXmlRpcSource(
    { restBaseUrl: sim.base, uciToken: TOKEN, replay: true, onNotice: (m) => rec.notices.push(m), ...extra },
    {
      onEvents: (events) => rec.events.push(...events),
      onResync: () => rec.resyncs++,
      onError: (err) => rec.errors.push(err.message),
      onState: (s) => rec.states.push(s.state),
      onGap: (g) => rec.gaps.push(g),
      keepAliveMs,
      maxBackoffMs: 300,
    },
  );
  return { stream, rec };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const logEvents = (sim: RunningSim, event: string) =>
  sim.internals.bus.since(0).filter((e) => e.service === SIM_SERVICES.log && e.event === event);

describe('simulator + extension: UCI over XML-RPC review regressions', function () {
  this.timeout(30_000);
  let sim: RunningSim;
  const cleanup: (() => unknown)[] = [];

  afterEach(() => cleanUp(...cleanup.splice(0).reverse(), () => sim?.stop()));

  it('1. a replay backlog over maxQueue: subscribe answers sinceSeqGone (never true with the session gone); the stream reports the gap, resyncs and stays live', async () => {
    sim = await startSim({ scenario: 'demo', uciXmlRpcDelivery: { ...FAST, maxQueue: 50 } });
    const cb = await CallbackServer.start();
    cleanup.push(() => cb.close());
    const c = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ADMIN, cb.port));
    await c.methodCall(M.login);
    const from = sim.internals.bus.lastSeq;
    for (let i = 0; i < 60; i++) await c.methodCall(M.setChatPresenceMessage, [`m${i}`]);
    const f = await faultOf(c.methodCall(M.subscribeEvents, [USER_STATE_SERVICE, from]));
    assert.equal(f.faultCode, F.sinceSeqGone);
    assert.match(f.faultString, /more than the callback queue takes/);
    assert.equal(await c.methodCall(M.keepAlive), true, 'the session lives on');
    assert.equal(
      await c.methodCall(M.subscribeEvents, [USER_STATE_SERVICE, sim.internals.bus.lastSeq - 10]),
      true,
      'a backlog that fits is replayed',
    );
    await cb.waitFor('10 replayed', (calls) => calls.length === 10);
    // Done with this session: the burst below would overflow its queue of 50 and drop it.
    await c.methodCall(M.logout);

    // loop.mts: the PBX drops the stream's session, 60 events happen meanwhile, the stream comes back.
    const { stream, rec } = follow(sim, { services: [USER_STATE_SERVICE] }, 300);
    cleanup.push(() => stream.stop());
    stream.start();
    await until('live', () => stream.connected);
    const other = new UciXmlRpcClient(sim.addresses.xmlRpc, TOKEN);
    await other.login();
    await other.setChatPresenceMessage('first');
    await until('first event', () => rec.events.length === 1);
    const same = new UciXmlRpcClient(sim.addresses.xmlRpc, TOKEN);
    same.callback = stream.callbackTarget;
    await same.logout();
    // The 60 events happen in one tick, as a burst on a real PBX would: made one request at a time, the stream could
    // notice the drop (keepAlive every 300 ms) and resubscribe halfway, within the 50 the queue takes, and then
    // rightly report no gap — the test would depend on how fast this machine is.
    const [first] = rec.events;
    for (let i = 0; i < 60; i++)
      sim.internals.bus.publish({
        service: first!.service,
        event: first!.event,
        data: { ...first!.data, chatPresenceMessage: `x${i}` },
      });
    await until('resync', () => rec.resyncs === 1 && stream.connected, 10_000);
    assert.equal(rec.gaps.length, 0, 'no event yet, so no gap yet');
    await other.setChatPresenceMessage('live one');
    await until('the live event after the resync', () =>
      rec.events.some((e) => e.data.chatPresenceMessage === 'live one'),
    );
    assert.equal(rec.gaps.length, 1, JSON.stringify(rec.gaps));
    assert.equal(rec.gaps[0]!.filled, false);
    await sleep(700);
    assert.equal(rec.resyncs, 1, 'no loop of re-logins');
    assert.equal(logEvents(sim, UCI_XMLRPC_LOG_EVENTS.dropped).length, 0, 'no session was dropped');
  });

  it('2. the client subscribes one service per call with a single string; an optional service refused is a notice; the connection test says inconclusive when the probe cannot be made', async () => {
    sim = await startSim({ scenario: 'demo' });
    const bodies: string[] = [];
    const spy: typeof fetch = async (input, init) => {
      bodies.push(String(init?.body));
      return fetch(input, init);
    };
    const c = new UciXmlRpcClient(sim.addresses.xmlRpc, TOKEN, { fetch: spy });
    c.callback = { host: '127.0.0.1', port: 9, path: '/' };
    await c.login();
    await c.subscribe(CALL_EVENT_SERVICE);
    assert.equal(bodies[1], serializeMethodCall(M.subscribeEvents, [CALL_EVENT_SERVICE]));
    assert.match(
      bodies[1]!,
      /<params><param><value><string>ucp\.v22\.events\.call<\/string><\/value><\/param><\/params>/,
    );
    await c.logout();

    const { stream, rec } = follow(sim, {
      services: [CALL_EVENT_SERVICE, 'ucp.v22.events.nothing', USER_STATE_SERVICE],
      optionalServices: ['ucp.v22.events.nothing'],
      replay: false,
    });
    cleanup.push(() => stream.stop());
    stream.start();
    await until('live', () => stream.connected);
    // The simulator refuses no ucp.* name; a real PBX does. Stand in for it with an invalid name instead.
    assert.equal(rec.errors.length, 0, rec.errors.join('; '));
    assert.ok(stream.hasSubscribed(CALL_EVENT_SERVICE) && stream.hasSubscribed(USER_STATE_SERVICE));
    await stream.stop();

    const bad = follow(sim, {
      services: [CALL_EVENT_SERVICE, 'not a service'],
      optionalServices: ['not a service'],
      replay: false,
    });
    cleanup.push(() => bad.stream.stop());
    bad.stream.start();
    await until('live without the optional service', () => bad.stream.connected);
    assert.equal(bad.rec.notices.length, 1);
    assert.match(bad.rec.notices[0]!, /refused the subscription of not a service/);
    assert.equal(bad.stream.hasSubscribed('not a service'), false);

    // A PBX that refuses the userState subscription, or the probe request: inconclusive, not callback-unreachable.
    const refusing =
      (what: string): typeof fetch =>
      async (input, init) => {
        if (String(init?.body).includes(what))
          return new Response(serializeFault(new XmlRpcFault('unknown service', 1)), {
            headers: { 'Content-Type': 'text/xml' },
          });
        return fetch(input, init);
      };
    // A real PBX answers setChatPresenceMessage with a boolean: false means it did not change it (no event).
    const answeringFalse =
      (what: string): typeof fetch =>
      async (input, init) => {
        if (String(init?.body).includes(what))
          return new Response(serializeMethodResponse(false), { headers: { 'Content-Type': 'text/xml' } });
        return fetch(input, init);
      };
    for (const f of [
      refusing(`<string>${USER_STATE_SERVICE}</string>`),
      refusing(M.setChatPresenceMessage),
      answeringFalse(M.setChatPresenceMessage),
    ]) {
      const r = await checkLiveEvents({ restBaseUrl: sim.base, uciToken: TOKEN, waitMs: 1000, fetch: f });
      assert.equal(r.ok, false);
      assert.equal(r.failedSide, 'inconclusive', JSON.stringify(r));
      assert.match(r.advice, /Place a test call and watch the inspector/);
    }
  });

  it("3 + 4. with a fixed callback port: the connection test runs through the live stream's server; a restart finds the port free and reconnects without a spurious error", async () => {
    sim = await startSim({ scenario: 'demo' });
    const port = await freePort();
    const { stream, rec } = follow(sim, { callbackPort: port });
    cleanup.push(() => stream.stop());
    stream.start();
    await until('live', () => stream.connected);
    const r = await checkLiveEvents({
      restBaseUrl: sim.base,
      uciToken: TOKEN,
      callbackPort: port,
      waitMs: 5000,
      via: { server: stream.callback!, host: stream.callbackTarget!.host },
    });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.callback!.port, port);
    assert.ok(stream.connected, 'the live stream is untouched');
    const other = new UciXmlRpcClient(sim.addresses.xmlRpc, TOKEN);
    await other.login();
    await other.setChatPresenceMessage('after the test');
    await until('live events still flow', () =>
      rec.events.some((e) => e.data.chatPresenceMessage === 'after the test'),
    );

    // PbxSession.restartLive with a fixed port: the next stream starts once the old one has closed the port.
    const live: LiveState[] = [];
    const logs: string[] = [];
    const session = new PbxSession(
      { name: 'Sim', url: sim.base.replace(/\/rest$/, ''), login: 'admin', kind: 'simulator' } as never,
      (level, m) => logs.push(`${level} ${m}`),
      undefined,
      () => ({
        transport: 'xml-rpc',
        callbackAddress: '',
        callbackPort: port,
      }),
    );
    cleanup.push(() => session.dispose());
    await stream.stop();
    session.onDidChangeLive((l) => live.push(l));
    await session.signIn(ADMIN_PASSWORD);
    await until('session live', () => session.live.state === 'live');
    for (let i = 0; i < 3; i++) {
      session.restartLive();
      await until(`live again (${i})`, () => session.live.state === 'live');
    }
    await sleep(300);
    assert.deepEqual(
      live.filter((l) => l.state === 'reconnecting'),
      [],
      logs.join('\n'),
    );
    assert.equal(logs.filter((l) => l.startsWith('warn')).length, 0, logs.join('\n'));
  });

  it('5. a fault from the callback: the event counts as delivered and refused (logged), the queue moves on; a slow answer repeats the event (at-least-once)', async () => {
    sim = await startSim({ scenario: 'demo', uciXmlRpcDelivery: { ...FAST, timeoutMs: 200 } });
    let mode: 'fault' | 'ok' | 'slow' = 'fault';
    const seqs: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        const [, args] = await new Deserializer().deserializeMethodCall(body);
        seqs.push(`${mode}:${(args[0] as XmlRpcStruct).chatPresenceMessage}`);
        const ok =
          '<?xml version="1.0"?><methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>';
        if (mode === 'fault') res.end(serializeFault(new XmlRpcFault('no thanks', 7)));
        else if (mode === 'slow') setTimeout(() => res.end(ok), 300);
        else res.end(ok);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
    const c = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ADMIN, (server.address() as AddressInfo).port));
    await c.methodCall(M.login);
    await c.methodCall(M.subscribeEvents, [USER_STATE_SERVICE]);
    await c.methodCall(M.setChatPresenceMessage, ['a']);
    await c.methodCall(M.setChatPresenceMessage, ['b']);
    await until('both delivered once', () => seqs.length >= 2);
    await sleep(200);
    assert.deepEqual(seqs, ['fault:a', 'fault:b'], 'refused events are not resent and do not block the queue');
    const rejected = logEvents(sim, UCI_XMLRPC_LOG_EVENTS.rejected);
    assert.equal(rejected.length, 1, 'one report per 10 s, with a count');
    assert.equal(rejected[0]!.data.faultString, 'no thanks');
    assert.equal(rejected[0]!.data.faultCode, 7);
    mode = 'slow';
    await c.methodCall(M.setChatPresenceMessage, ['c']);
    await until('repeated after the timeout', () => seqs.filter((s) => s === 'slow:c').length >= 2, 10_000);
    mode = 'ok';
    assert.equal(await c.methodCall(M.keepAlive), true);
  });

  it('6. sessions are capped per login and address: one more replaces the least recently used; another login is not affected', async () => {
    sim = await startSim({ scenario: 'demo', uciXmlRpcMaxSessionsPerLogin: 3 });
    const sessions = [1, 2, 3].map((i) => xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ADMIN, 20_000 + i)));
    for (const c of sessions) assert.equal(await c.methodCall(M.login), true);
    assert.equal(await sessions[0]!.methodCall(M.keepAlive), true, 'the first is now the most recently used');
    assert.equal(await xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ADMIN, 20_004)).methodCall(M.login), true);
    assert.equal(await sessions[1]!.methodCall(M.keepAlive), false, 'the least recently used one was replaced');
    assert.equal(await sessions[0]!.methodCall(M.keepAlive), true);
    assert.equal(await sessions[2]!.methodCall(M.keepAlive), true);
    const replaced = await until('the replaced event', () =>
      sim.internals.bus
        .since(0)
        .find((e) => e.service === SIM_SERVICES.log && e.event === UCI_XMLRPC_LOG_EVENTS.replaced),
    );
    assert.match(String(replaced.data.message), /least recently used of 3 from 127\.0\.0\.1/);
    assert.equal(
      await xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ADMIN, 20_003)).methodCall(M.login),
      true,
      'a repeated login of an open session is fine',
    );
    assert.equal(await sessions[0]!.methodCall(M.keepAlive), true, 'and replaces nothing');
    const other = DEMO_USERS.anna;
    assert.equal(
      await xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(other, 20_009)).methodCall(M.login),
      true,
      'the cap is per login',
    );
    for (const c of sessions.slice(2)) assert.equal(await c.methodCall(M.keepAlive), true);
  });

  it('7. credentials are checked before the body is read: a slow body without valid auth is answered at once', async () => {
    // The body never ends: only an answer before it can carry the auth fault. Were the body awaited first, the
    // request timeout would answer 408 instead (short here, so that such a failure is quick and clear).
    sim = await startSim({ scenario: 'demo', httpRequestTimeoutMs: 10_000 });
    const url = new URL(sim.addresses.xmlRpc);
    const q = xmlRpcQuery({ login: 'admin', password: 'wrong' });
    const reply = await new Promise<{ status: number | undefined; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}?${q}`,
          method: 'POST',
          headers: { 'Content-Type': 'text/xml', 'Content-Length': 100_000 },
        },
        (res) => {
          let b = '';
          res.on('data', (c) => (b += c));
          res.on('end', () => resolve({ status: res.statusCode, text: b }));
        },
      );
      req.on('error', reject);
      req.write('<methodCall>'); // and never the rest
    });
    assert.equal(reply.status, 200, 'a fault, not a 408');
    assert.match(reply.text, new RegExp(`<int>${F.authFailed}</int>`));
  });

  it('7. an authenticated body that never finishes is cut at the request timeout (408), the socket freed', async () => {
    sim = await startSim({ scenario: 'demo', httpRequestTimeoutMs: 600 });
    // A WebSocket on the same server is no request once upgraded: it must outlive the timeout.
    const ws = await UciClient.as(sim.addresses.uci, ADMIN);
    const url = new URL(sim.addresses.xmlRpc);
    const outcome = await new Promise<string>((resolve) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}?${xmlRpcQuery(ADMIN)}`,
          method: 'POST',
          headers: { 'Content-Type': 'text/xml', 'Content-Length': 100_000 },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(`status ${res.statusCode}`));
        },
      );
      req.on('error', (err) => resolve(`closed: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      req.write('<methodCall>'); // and never the rest
    });
    // Only the request timeout (600 ms here, 30 s by default) answers 408 or drops a request still sending.
    assert.match(outcome, /^(status 408|closed: ECONNRESET)$/, outcome);
    assert.equal(
      await xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ADMIN)).methodCall(M.login),
      true,
      'the server still answers',
    );
    await sleep(400); // well past the timeout since the WebSocket opened
    assert.equal(await ws.request(M.keepAlive), true, 'the UCI WebSocket outlived the request timeout');
    ws.close();
  });

  it('10 + 11. logs show the callback redacted; a simulator on the network calls back only the requester unless allowed', async () => {
    sim = await startSim({ scenario: 'demo', host: '0.0.0.0', uciKeepAliveMs: 200 });
    const base = `${TEST_TLS ? 'https' : 'http'}://127.0.0.1:${sim.addresses.httpPort}/xml-rpc`;
    const secret = '/uci-callback/abcdefghijklmnopqrstuvwxyz012345';
    const q = (host: string) =>
      xmlRpcQuery(ADMIN, undefined, { [P.callbackHost]: host, [P.callbackPort]: '20001', [P.callbackPath]: secret });
    // 192.0.2.1 (TEST-NET-1) is only a parameter: refused before any connection is attempted.
    const f = await faultOf(xmlRpcClient(base, q('192.0.2.1')).methodCall(M.login));
    assert.equal(f.faultCode, F.badCallback);
    assert.match(f.faultString, /must be your own address \(127\.0\.0\.1\)/);
    assert.equal(
      (await faultOf(xmlRpcClient(base, q('callback.example.invalid')).methodCall(M.login))).faultCode,
      F.badCallback,
      'a host name other than localhost is not resolved, so it is not the requester',
    );
    assert.equal(await xmlRpcClient(base, q('127.0.0.1')).methodCall(M.login), true);
    await until(
      'keepAlive timeout logged',
      () => logEvents(sim, UCI_XMLRPC_LOG_EVENTS.keepAliveTimeout).length === 1,
      10_000,
    );
    const logged = JSON.stringify(logEvents(sim, UCI_XMLRPC_LOG_EVENTS.keepAliveTimeout));
    assert.ok(!logged.includes('abcdefghij'), logged);
    assert.ok(logged.includes('http://127.0.0.1:20001/uci-callback/abcd…'), logged);
    await sim.stop();

    // The unsafe opt-in: any host. Only a login (no subscription), so nothing is ever sent to 192.0.2.1.
    sim = await startSim({ scenario: 'demo', host: '0.0.0.0', uciXmlRpcAnyCallbackHost: true });
    assert.equal(
      await xmlRpcClient(
        `${TEST_TLS ? 'https' : 'http'}://127.0.0.1:${sim.addresses.httpPort}/xml-rpc`,
        q('192.0.2.1'),
      ).methodCall(M.login),
      true,
    );
  });

  it('12. the client follows no redirect (names the Location, never the token) and refuses an answer over 4 MiB', async () => {
    sim = await startSim({ scenario: 'demo' });
    let answer: 'redirect' | 'huge' = 'redirect';
    const server: Server = createServer((req, res) => {
      req.resume();
      if (answer === 'redirect')
        res.writeHead(302, { Location: `http://elsewhere.example/xml-rpc?${P.auth}=${TOKEN}` }).end();
      else {
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end('<methodResponse>' + 'x'.repeat(5 * 1024 * 1024));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const c = new UciXmlRpcClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/xml-rpc`, TOKEN);
    const err = await c.login().then(
      () => assert.fail('expected an error'),
      (e: unknown) => e as UciXmlRpcError,
    );
    assert.equal(err.status, 302);
    assert.match(err.message, /redirects \(HTTP 302\) to http:\/\/elsewhere\.example\/xml-rpc;/);
    assert.ok(!err.message.includes(TOKEN.split(':')[1]!));
    answer = 'huge';
    const big = await c.login().then(
      () => assert.fail('expected an error'),
      (e: unknown) => e as UciXmlRpcError,
    );
    assert.match(big.message, /over 4194304 bytes/);
    assert.equal(uciXmlRpcUrl(sim.base), sim.addresses.xmlRpc);
  });

  it('13. after a simulator restart (seq from 1 again) the first events are not dropped as repeats', async () => {
    sim = await startSim({ scenario: 'demo' });
    const port = sim.addresses.httpPort;
    const { stream, rec } = follow(sim, { services: [USER_STATE_SERVICE] }, 200);
    cleanup.push(() => stream.stop());
    stream.start();
    await until('live', () => stream.connected);
    const c1 = new UciXmlRpcClient(sim.addresses.xmlRpc, TOKEN);
    await c1.login();
    for (let i = 0; i < 20; i++) await c1.setChatPresenceMessage(`before ${i}`);
    await until('20 events', () => rec.events.length === 20);
    await sim.stop();
    // A bare simulator: the REST client's pooled sockets to the old one on this port are gone.
    const again = createSimulator({
      memory: true,
      httpPort: port,
      sipPort: 0,
      adminPassword: ADMIN_PASSWORD,
      logger: () => {},
      ...testTlsOptions(),
    });
    const addresses = await again.start();
    cleanup.push(() => again.stop());
    await until('live on the new simulator', () => rec.resyncs >= 1 && stream.connected, 10_000);
    const oldLast = Math.max(...rec.events.map((e) => e.seq));
    const { bus: againBus } = simulatorInternals(again);
    assert.ok(
      againBus.lastSeq + 5 < oldLast,
      `the new simulator counts from 1 again (${againBus.lastSeq} < ${oldLast})`,
    );
    const c2 = new UciXmlRpcClient(addresses.xmlRpc, TOKEN);
    await c2.login();
    await c2.setChatPresenceMessage('after restart');
    await until(
      'the first event of the new simulator',
      () => rec.events.some((e) => e.data.chatPresenceMessage === 'after restart'),
      10_000,
    );
  });

  it('13. stop() while the subscribe is on its way still logs the session out', async () => {
    sim = await startSim({ scenario: 'demo' });
    // A proxy in front of /xml-rpc that holds subscribeEvents back and records every method in order.
    const target = new URL(sim.addresses.xmlRpc);
    const methods: string[] = [];
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const method = /<methodName>([^<]*)<\/methodName>/.exec(body.toString('utf8'))?.[1] ?? '?';
        methods.push(method);
        const forward = () => {
          const out = request(
            {
              host: target.hostname,
              port: target.port,
              path: req.url,
              method: 'POST',
              headers: { 'Content-Type': 'text/xml', 'Content-Length': body.length },
            },
            (answer) => {
              res.writeHead(answer.statusCode ?? 502, { 'Content-Type': 'text/xml' });
              answer.pipe(res);
            },
          );
          out.on('error', () => res.destroy());
          out.end(body);
        };
        if (method === M.subscribeEvents) setTimeout(forward, 400);
        else forward();
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => proxy.close(resolve)));
    const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/rest`;
    const stream = new UciXmlRpcSource(
      { restBaseUrl: base, uciToken: TOKEN, services: [USER_STATE_SERVICE] },
      { onEvents: () => undefined },
    );
    stream.start();
    await until('the subscribe on its way', () => methods.includes(M.subscribeEvents), 10_000);
    await stream.stop();
    await until(
      'a logout after the subscribe',
      () => methods.lastIndexOf(M.logout) > methods.indexOf(M.subscribeEvents),
      10_000,
    );
    assert.ok(!stream.connected);
  });

  it('14. the callback server answers 413 before it drops an oversized body without Content-Length', async () => {
    const server = new UciCallbackServer({ host: '127.0.0.1', port: 0, onCall: () => true, maxBodyBytes: 1024 });
    await server.listen();
    cleanup.push(() => server.close());
    sim = await startSim({ scenario: 'demo' });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: server.port,
          path: server.path,
          method: 'POST',
          headers: { 'Transfer-Encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('x'.repeat(4096));
    });
    assert.equal(status, 413);
  });
});
