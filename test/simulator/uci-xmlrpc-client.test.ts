// The extension's UCI over XML-RPC client (extension/src/live/uciXmlRpcSource.ts, pbx/liveEventsCheck.ts) against a
// real simulator's POST /xml-rpc: login with the UCI token, its own callback server, REST changes arriving in
// order as SimEvents, a sip.js call's states arriving in order at the callee, the callback down and up again
// (short: redelivered; long: the PBX drops the session and the stream logs in again and resyncs), stop()
// cleaning up, the connection test, no event injection, and every fault the client can provoke.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { serializeMethodCall } from '@foxglove/xmlrpc';
import { uciToken } from '../../shared/hashes.js';
import type { SimEvent } from '../../shared/schemas/events.js';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { CALL_EVENT_SERVICE, CALL_STATE_EVENT } from '../../shared/schemas/calls.js';
import { UCI_METHODS, UciCallStateSchema } from '../../shared/schemas/uci.js';
import {
  UCI_XMLRPC_EVENT_HEADERS,
  UCI_XMLRPC_FAULTS,
  UCI_XMLRPC_LOG_EVENTS,
  UCI_XMLRPC_MAX_BODY,
  UCI_XMLRPC_PARAMS,
} from '../../shared/schemas/uciXmlRpc.js';
import { checkLiveEvents } from '../../extension/src/pbx/liveEventsCheck.js';
import type { LiveSourceState } from '../../extension/src/live/liveSource.js';
import { UciXmlRpcClient, UciXmlRpcError, uciXmlRpcUrl } from '../../extension/src/pbx/uciXmlRpcClient.js';
import { UciXmlRpcSource, type UciXmlRpcTarget } from '../../extension/src/live/uciXmlRpcSource.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { call, loadSipJs, startPhone, stopPhones, type Phone } from '../support/sipjs.js';
import { sleep, until } from '../support/until.js';

/** A stream as PbxSession builds it, recording everything it reports. */
function follow(sim: RunningSim, extra: Partial<UciXmlRpcTarget> = {}, keepAliveMs?: number) {
  const rec = {
    events: [] as SimEvent[],
    batches: 0,
    resyncs: 0,
    states: [] as LiveSourceState['state'][],
    errors: [] as string[],
    signedOut: [] as string[],
    unavailable: [] as string[],
    gaps: [] as unknown[],
  };
  const stream = new UciXmlRpcSource(
    { restBaseUrl: sim.base, uciToken: uciToken('admin', ADMIN_PASSWORD), replay: true, ...extra },
    {
      onEvents: (events) => {
        rec.batches++;
        rec.events.push(...events);
      },
      onResync: () => rec.resyncs++,
      onError: (err) => rec.errors.push(err.message),
      onSignedOut: (reason) => rec.signedOut.push(reason),
      onUnavailable: (reason) => rec.unavailable.push(reason),
      onState: (s) => rec.states.push(s.state),
      onGap: (g) => rec.gaps.push(g),
      keepAliveMs,
      maxBackoffMs: 500,
    },
  );
  return { stream, rec };
}

async function configId(sim: RunningSim): Promise<{ id: number; name: string }> {
  const list = await sim.admin.get('/modules/configurations');
  return list.body[0];
}

async function rename(sim: RunningSim, id: number, name: string): Promise<void> {
  const r = await sim.admin.put(`/modules/configurations/${id}`, { name });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

const configEvents = (events: SimEvent[]) => events.filter((e) => e.service === SIM_SERVICES.config);

describe('extension: UCI over XML-RPC client against the simulator', function () {
  this.timeout(30_000);
  let sim: RunningSim;
  const streams: UciXmlRpcSource[] = [];
  const track = <T extends { stream: UciXmlRpcSource }>(x: T): T => {
    streams.push(x.stream);
    return x;
  };

  // Quick retries; the bound after which the simulator gives a callback up stays long (a slow machine must not
  // reach it by accident), except in the test that is about reaching it.
  const delivery = { backoffInitialMs: 50, backoffMaxMs: 200, maxFailingMs: 60_000 };
  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo', uciXmlRpcDelivery: delivery });
  });
  afterEach(async () => {
    // Every stream and the simulator, even when one of them fails to stop: nothing may outlive its test.
    const stops = await Promise.allSettled(streams.splice(0).map((s) => s.stop()));
    await sim?.stop();
    const failed = stops.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });

  it('logs in with the UCI token, subscribes, and REST changes arrive in order as the simulator logged them', async () => {
    const { stream, rec } = track(follow(sim));
    stream.start();
    await until('live', () => stream.connected);
    assert.deepEqual(rec.states, ['connecting', 'live']);
    const cb = stream.callbackTarget!;
    assert.equal(cb.host, '127.0.0.1', 'a loopback PBX: the callback is on loopback');
    assert.match(cb.path, /^\/uci-callback\/[A-Za-z0-9_-]{32}$/, 'a random, unguessable path');
    assert.ok(cb.port > 0);

    const before = sim.internals.bus.lastSeq;
    const { id, name } = await configId(sim);
    for (let i = 1; i <= 5; i++) await rename(sim, id, `${name} ${i}`);
    await sim.admin.put('/sim/users/3/app', { active: true, platform: 'windows' });
    const last = sim.internals.bus.lastSeq;
    await until('every event', () => rec.events.at(-1)?.seq === last);
    const logged = (await sim.admin.get(`/sim/events?sinceSeq=${before}`)).body.events as SimEvent[];
    assert.deepEqual(
      rec.events.map((e) => [e.seq, e.service, e.event]),
      logged.map((e) => [e.seq, e.service, e.event]),
    );
    assert.deepEqual(rec.events, logged, 'the same events, data and all, as the event log');
    assert.equal(rec.resyncs, 0);
    assert.deepEqual(rec.errors, []);
  });

  it('callback down for a moment: the PBX retries and the events arrive late, in order, without a resync', async () => {
    const { stream, rec } = track(follow(sim));
    stream.start();
    await until('live', () => stream.connected);
    const { id, name } = await configId(sim);
    await stream.callback!.close();
    assert.equal(stream.connected, false);
    await rename(sim, id, `${name} a`);
    await rename(sim, id, `${name} b`);
    const last = sim.internals.bus.lastSeq;
    await sleep(300);
    assert.equal(configEvents(rec.events).length, 0, 'nothing could arrive');
    await stream.callback!.listen();
    await until('the redelivered events', () => rec.events.at(-1)?.seq === last, 20_000);
    const seqs = rec.events.map((e) => e.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    assert.equal(configEvents(rec.events).length, 2);
    assert.equal(rec.resyncs, 0);
  });

  it('callback down too long: the PBX drops the session; keepAlive notices, the stream logs in again, resyncs and replays what it missed', async function () {
    this.timeout(90_000);
    await sim.stop();
    sim = await startSim({ scenario: 'demo', uciXmlRpcDelivery: { ...delivery, maxFailingMs: 1_500 } });
    const { stream, rec } = track(follow(sim, {}, 300));
    stream.start();
    await until('live', () => stream.connected, 20_000);
    const { id, name } = await configId(sim);
    // Replay starts after the newest event the stream saw (a real PBX has no replay; then only the resync).
    await rename(sim, id, `${name} seen`);
    // Both events of the rename (config and its log line) delivered: what is missed starts after them.
    const seenUpTo = sim.internals.bus.lastSeq;
    await until('the first rename and its log line', () => rec.events.some((e) => e.seq === seenUpTo), 20_000);
    const cb = stream.callback!;
    await cb.close();
    const missedFrom = sim.internals.bus.lastSeq;
    await rename(sim, id, `${name} missed`);
    const missed = sim.internals.bus.since(missedFrom).find((e) => e.service === SIM_SERVICES.config)!.seq;
    // Nothing listens: the simulator retries (back-off 50…200 ms) and gives up after maxFailingMs (1.5 s).
    await until(
      'the simulator to give the callback up',
      () =>
        sim.internals.bus
          .since(missedFrom)
          .some((e) => e.service === SIM_SERVICES.log && e.event === UCI_XMLRPC_LOG_EVENTS.dropped),
      20_000,
    );
    // The stream listens again itself when it reconnects; this covers the case that it has not yet.
    await cb.listen();
    await until('a resync', () => rec.resyncs > 0, 20_000);
    await until('the missed rename, replayed', () => rec.events.some((e) => e.seq === missed), 20_000);
    await until('live again', () => stream.connected, 20_000);
    // And it keeps following.
    await rename(sim, id, `${name} after`);
    const next = sim.internals.bus.lastSeq;
    await until('the next event', () => rec.events.some((e) => e.seq === next), 20_000);
    const seqs = rec.events.map((e) => e.seq);
    assert.equal(new Set(seqs).size, seqs.length, 'no event twice');
    // Nothing lost: every event from the first one seen to the last one is there.
    const first = seqs[0]!;
    const expected = sim.internals.bus
      .since(first - 1)
      .filter((e) => e.seq <= next)
      .map((e) => e.seq);
    assert.deepEqual(
      [...seqs].sort((a, b) => a - b),
      expected,
      'no gap',
    );
    // In order per service: the replay subscribes service by service, so the backlogs of two services arrive
    // one after the other, not interleaved by seq.
    for (const service of new Set(rec.events.map((e) => e.service))) {
      const own = rec.events.filter((e) => e.service === service).map((e) => e.seq);
      assert.deepEqual(
        own,
        [...own].sort((a, b) => a - b),
        `${service} in order`,
      );
    }
    assert.deepEqual(rec.signedOut, []);
  });

  it('stop() logs out, frees the callback port and reports nothing after', async () => {
    const { stream, rec } = track(follow(sim, {}, 100));
    stream.start();
    await until('live', () => stream.connected);
    const cb = { ...stream.callbackTarget! };
    await stream.stop();
    assert.equal(rec.states.at(-1), 'stopped');
    // The session is gone on the PBX: the same auth and callback are no longer logged in.
    const probe = new UciXmlRpcClient(uciXmlRpcUrl(sim.base), uciToken('admin', ADMIN_PASSWORD));
    probe.callback = cb;
    assert.equal(await probe.keepAlive(), false);
    // The port is closed.
    await assert.rejects(fetch(`http://${cb.host}:${cb.port}${cb.path}`, { method: 'POST', body: 'x' }));
    const states = rec.states.length;
    const { id, name } = await configId(sim);
    await rename(sim, id, `${name} after stop`);
    await sleep(300);
    assert.equal(rec.states.length, states, 'no timer is left to report anything');
    assert.equal(configEvents(rec.events).length, 0);
  });

  it('stop() right after start() leaves nothing open (no callback server, no session, no timers)', async () => {
    const { stream, rec } = track(follow(sim, {}, 100));
    stream.start();
    await stream.stop();
    await sleep(300);
    assert.equal(stream.callback, undefined);
    assert.equal(stream.connected, false);
    assert.deepEqual(rec.states, ['connecting', 'stopped']);
  });

  it('a call as a real PBX sends it (only the struct) becomes an event with a local seq, the current time and JSON values', async () => {
    const { stream, rec } = track(follow(sim));
    stream.start();
    await until('live', () => stream.connected);
    const cb = stream.callbackTarget!;
    const when = new Date('2025-03-01T10:00:00Z');
    const body = serializeMethodCall('ucp.v22.events.call.receiveCallState', [
      {
        id: 'c0ffee',
        state: 'RINGING',
        timestamp: when,
        callerNumber: '1001',
        callerName: '',
        calledNumber: '1002',
        calledName: 'Bernd',
        blob: Buffer.from([1, 2, 3]),
      },
    ]);
    const started = Date.now();
    const r = await fetch(`http://${cb.host}:${cb.port}${cb.path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body,
    });
    assert.match(await r.text(), /<boolean>1<\/boolean>/);
    const e = await until('the event', () => rec.events.find((x) => x.service === 'ucp.v22.events.call'));
    assert.equal(e.event, 'receiveCallState');
    assert.ok(e.seq >= 1);
    assert.ok(Date.parse(e.time) >= started - 1000 && Date.parse(e.time) <= Date.now());
    assert.deepEqual(e.data, {
      id: 'c0ffee',
      state: 'RINGING',
      timestamp: when.toISOString(),
      callerNumber: '1001',
      callerName: '',
      calledNumber: '1002',
      calledName: 'Bernd',
      blob: 'AQID',
    });
    // The next one under the v30 event name (what a v30 PBX may send), a timestamp as a string of ms and a
    // second param no source knows: numbered after the first, the service mapped, only the struct read.
    const second = serializeMethodCall('ucp.v30.events.call.receiveCallState', [
      { id: 'c0ffee', state: 'CONNECTED', timestamp: '1740823205000', callerNumber: '1001', calledNumber: '1002' },
      'ignored',
    ]);
    const r2 = await fetch(`http://${cb.host}:${cb.port}${cb.path}?de.vertico.starface.user=admin`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body: second,
    });
    assert.match(await r2.text(), /<boolean>1<\/boolean>/);
    const e2 = await until('the second event', () => rec.events.find((x) => x.data.state === 'CONNECTED'));
    assert.equal(e2.seq, e.seq + 1, 'numbered in the order they arrive');
    assert.equal(e2.service, 'ucp.v22.events.call');
    assert.equal(e2.event, 'receiveCallState');
    assert.equal(e2.data.timestamp, 1740823205000, 'a number, as the WebSocket call state has it');
  });

  it('a wrong token ends with onSignedOut, not endless retries', async () => {
    const { stream, rec } = track(follow(sim, { uciToken: uciToken('admin', 'wrong password') }));
    stream.start();
    await until('signed out', () => rec.signedOut.length > 0);
    assert.match(rec.signedOut[0]!, /authentication failed/);
    assert.equal(rec.states.at(-1), 'stopped');
    assert.ok(!rec.signedOut[0]!.includes(uciToken('admin', 'wrong password').split(':')[1]!), 'no hash in the reason');
  });

  it('nothing else can inject events: other paths get 404, bad calls a fault, and neither becomes an event', async () => {
    const { stream, rec } = track(follow(sim));
    stream.start();
    await until('live', () => stream.connected);
    const cb = stream.callbackTarget!;
    const body = serializeMethodCall('sim.events.config.configuration-changed', [
      { id: 1 },
      { seq: 999_999, time: new Date().toISOString(), service: 'sim.events.config', event: 'configuration-changed' },
    ]);
    const base = `http://${cb.host}:${cb.port}`;
    for (const path of ['/', '/RPC2', '/uci-callback/', `${cb.path}x`, cb.path.toUpperCase()]) {
      const r = await fetch(base + path, { method: 'POST', body });
      assert.equal(r.status, 404, path);
    }
    assert.equal((await fetch(base + cb.path)).status, 405, 'GET');
    const big = await fetch(base + cb.path, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) }).catch(
      () => undefined,
    );
    assert.ok(!big || big.status === 413, 'an oversized body is refused');
    const H = UCI_XMLRPC_EVENT_HEADERS;
    const meta = {
      [H.seq]: '5',
      [H.time]: new Date().toISOString(),
      [H.service]: 'sim.events.config',
      [H.event]: 'changed',
    };
    const event = serializeMethodCall('sim.events.config.changed', [{ id: 1 }]);
    for (const [bad, headers] of [
      [serializeMethodCall('not an event', [{}]), {}],
      [serializeMethodCall('sim.events.config.changed', ['not a struct']), {}],
      [serializeMethodCall('sim.events.config.changed', []), {}],
      // Simulator headers that are broken or name another event would mislead the order and gap checks.
      [event, { ...meta, [H.seq]: 'x' }],
      [event, { ...meta, [H.seq]: '0' }],
      [event, { [H.seq]: '5' }],
      [event, { ...meta, [H.event]: 'other' }],
      ['<methodCall><methodName>x', {}],
    ] as const) {
      const r = await fetch(base + cb.path, { method: 'POST', body: bad, headers });
      const text = await r.text();
      // A fault, or (for XML that does not parse at all) HTTP 500 from the XML-RPC server.
      assert.ok(/<fault>/.test(text) || r.status === 500, `${r.status} ${text}`);
    }
    await sleep(50);
    assert.equal(rec.events.length, 0);
    assert.ok(stream.connected, 'still following');
  });

  it('the connection test passes against the simulator: every step ok, the probe message restored', async () => {
    const before = (await sim.admin.get('/users')).status;
    assert.equal(before, 200);
    const result = await checkLiveEvents({
      restBaseUrl: sim.base,
      uciToken: uciToken('admin', ADMIN_PASSWORD),
      waitMs: 20_000,
    });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual(
      result.steps.map((s) => [s.step, s.ok]),
      [
        ['callback-listen', true],
        ['login', true],
        ['subscribe', true],
        ['event', true],
      ],
    );
    assert.equal(result.failedSide, undefined);
    assert.match(result.advice, /Live events work/);
    // The user's message is what it was.
    const probe = new UciXmlRpcClient(uciXmlRpcUrl(sim.base), uciToken('admin', ADMIN_PASSWORD));
    await probe.login();
    const state = (await probe.getUserState()) as { chatPresenceMessage: string };
    assert.equal(state.chatPresenceMessage, '');
    await probe.logout();
  });

  it('the connection test names the callback side when the PBX cannot reach the advertised address', async () => {
    // 127.0.0.2 is not an interface address (only 127.0.0.1 is listed), so the server binds to 127.0.0.1
    // and advertises 127.0.0.2, where nothing listens: deterministic "connection refused" for the PBX.
    const result = await checkLiveEvents({
      restBaseUrl: sim.base,
      uciToken: uciToken('admin', ADMIN_PASSWORD),
      callbackAddress: '127.0.0.2',
      waitMs: 1_500,
    });
    assert.equal(result.ok, false);
    assert.equal(result.failedSide, 'callback-unreachable');
    assert.deepEqual(
      result.steps.map((s) => [s.step, s.ok]),
      [
        ['callback-listen', true],
        ['login', true],
        ['subscribe', true],
        ['event', false],
      ],
    );
    const port = result.callback!.port;
    assert.equal(result.callback!.host, '127.0.0.2');
    assert.ok(result.advice.includes(`could not reach 127.0.0.2:${port}`), result.advice);
    assert.ok(result.advice.includes(`open TCP ${port} inbound`), result.advice);
    // The configured wait (1.5 s) ended the test, not the default (10 s).
    assert.match(result.steps.at(-1)!.detail, /^no event reached 127\.0\.0\.2:\d+ within 2 s/);
  });

  it('the connection test names the PBX side (unreachable, wrong password) and the local side (port taken)', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await checkLiveEvents({
      restBaseUrl: `http://127.0.0.1:${deadPort}/rest`,
      uciToken: uciToken('admin', ADMIN_PASSWORD),
      waitMs: 500,
    });
    assert.equal(down.failedSide, 'pbx-unreachable');
    assert.deepEqual(
      down.steps.map((s) => [s.step, s.ok]),
      [
        ['callback-listen', true],
        ['login', false],
      ],
    );

    const wrong = await checkLiveEvents({ restBaseUrl: sim.base, uciToken: uciToken('admin', 'nope'), waitMs: 500 });
    assert.equal(wrong.failedSide, 'auth');
    assert.ok(!JSON.stringify(wrong).includes(uciToken('admin', 'nope').split(':')[1]!), 'no hash in the result');

    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const port = (taken.address() as { port: number }).port;
      const local = await checkLiveEvents({
        restBaseUrl: sim.base,
        uciToken: uciToken('admin', ADMIN_PASSWORD),
        callbackPort: port,
        waitMs: 500,
      });
      assert.equal(local.failedSide, 'local');
      assert.match(local.advice, /EADDRINUSE/);
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  });

  it("a sip.js call: the callee's stream gets receiveCallState INCOMING, RINGING, CONNECTED, HANGUP for one call id, in order", async () => {
    const SIP = await loadSipJs();
    const wsUrl = sim.addresses.sipWs;
    const phones: Phone[] = [];
    try {
      const anna = await startPhone(SIP, wsUrl, DEMO_USERS.anna);
      phones.push(anna);
      const carla = await startPhone(SIP, wsUrl, DEMO_USERS.carla);
      phones.push(carla);
      carla.onInvite = (inv: any) => setTimeout(() => void inv.accept(), 100);
      const { stream, rec } = track(
        follow(sim, {
          uciToken: uciToken(DEMO_USERS.carla.login, DEMO_USERS.carla.password),
          services: [CALL_EVENT_SERVICE],
        }),
      );
      stream.start();
      await until('live', () => stream.connected);
      const outcome = call(SIP, anna, DEMO_USERS.carla.login);
      await outcome.accepted;
      const states = () => rec.events.map((e) => (e.data as { state?: string }).state);
      await until('CONNECTED at the callee', () => states().includes('CONNECTED'));
      await outcome.inviter.bye();
      await until('HANGUP at the callee', () => states().includes('HANGUP'));
      assert.deepEqual(states(), ['INCOMING', 'RINGING', 'CONNECTED', 'HANGUP']);
      const ids = new Set<string>();
      for (const e of rec.events) {
        assert.equal(e.service, CALL_EVENT_SERVICE);
        assert.equal(e.event, CALL_STATE_EVENT);
        const s = UciCallStateSchema.parse(e.data);
        assert.equal(s.callerNumber, DEMO_USERS.anna.login);
        assert.equal(s.calledNumber, DEMO_USERS.carla.login);
        ids.add(s.id);
      }
      assert.equal(ids.size, 1, 'one call id for all four states');
      // Each one is the simulator's event; the data is the real call-state struct (the bus's routing fields
      // login/userId stay on the PBX).
      for (const e of rec.events) {
        const {
          login: _login,
          userId: _userId,
          ...data
        } = sim.internals.bus.since(e.seq - 1)[0]!.data as Record<string, unknown>;
        assert.deepEqual(e, { ...sim.internals.bus.since(e.seq - 1)[0]!, data });
      }
      const seqs = rec.events.map((e) => e.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        'in seq order',
      );
      assert.deepEqual(rec.errors, []);
    } finally {
      await stopPhones(phones);
    }
  });

  describe("every fault, through the client: the code and the simulator's faultString, never the token", () => {
    const token = () => uciToken('admin', ADMIN_PASSWORD);
    const client = (t = token(), endpoint = uciXmlRpcUrl(sim.base)) => new UciXmlRpcClient(endpoint, t);
    async function fault(p: Promise<unknown>, code: number, text: RegExp, t = token()): Promise<UciXmlRpcError> {
      const err = await p.then(
        () => assert.fail('no fault'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof UciXmlRpcError, String(err));
      assert.equal(err.kind, 'fault');
      assert.equal(err.faultCode, code, err.message);
      assert.match(err.faultString ?? '', text);
      assert.ok(err.message.includes(err.faultString!), 'the message carries the faultString');
      assert.ok(err.message.includes(String(code)), 'the message carries the code');
      const secret = t.split(':')[1]!;
      assert.ok(!err.message.includes(secret) && !err.stack?.includes(secret), 'no hash in the error');
      return err;
    }

    it('not logged in (-32001): a lost session', async () => {
      const c = client();
      c.callback = { host: '127.0.0.1', port: 9, path: '/never-logged-in' };
      const err = await fault(
        c.subscribe('sim.events.config'),
        UCI_XMLRPC_FAULTS.notLoggedIn,
        /^not logged in: call ucp\.v22\.requests\.connection\.login first/,
      );
      assert.equal(err.sessionLost, true);
      assert.equal(err.authRefused, false);
      await fault(c.getUserState(), UCI_XMLRPC_FAULTS.notLoggedIn, /^not logged in/);
      assert.equal(await c.keepAlive(), false, 'keepAlive answers false without a session, as a real PBX');
    });

    it('unknown method (-32601)', async () => {
      const c = client();
      await c.login();
      await fault(
        c.call('ucp.v22.requests.nothing.here'),
        UCI_XMLRPC_FAULTS.unknownMethod,
        /^Method not found: 'ucp\.v22\.requests\.nothing\.here'/,
      );
    });

    it('not simulated (-32007): a method a real STARFACE has', async () => {
      const c = client();
      await c.login();
      await fault(c.call('ucp.v22.requests.fax.getFaxIds'), UCI_XMLRPC_FAULTS.notSimulated, /not simulated/);
    });

    it('wrong param types and counts (-32602), naming the param', async () => {
      const c = client();
      await c.login();
      await fault(
        c.call(UCI_METHODS.setDoNotDisturbSetting, ['yes']),
        UCI_XMLRPC_FAULTS.invalidParams,
        /setDoNotDisturbSetting: param 1 \(doNotDisturb\) must be a boolean/,
      );
      await fault(
        c.call(UCI_METHODS.keepAlive, [1]),
        UCI_XMLRPC_FAULTS.invalidParams,
        /keepAlive: takes no params, got 1/,
      );
      c.callback = { host: '127.0.0.1', port: 9, path: '/' };
      await fault(
        c.subscribe('not-a-service'),
        UCI_XMLRPC_FAULTS.invalidParams,
        /subscribeEvents: param 1 \(services\[0\]\) not a service name/,
      );
    });

    it('authentication failed (-32005) with a wrong token: refused, no hash in the error', async () => {
      const wrong = uciToken('admin', 'wrong password');
      const err = await fault(client(wrong).login(), UCI_XMLRPC_FAULTS.authFailed, /^authentication failed/, wrong);
      assert.equal(err.authRefused, true);
      assert.equal(err.sessionLost, false);
    });

    it('JWT sign-in (-32012) on a PBX below 10 says what to use instead', async () => {
      // The client signs in with the UCI token only; a fetch that swaps it for a JWT (as a PBX 10 client would
      // send) shows how the client surfaces that fault. The request still goes to the real endpoint.
      const jwtFetch: typeof fetch = (input, init) => {
        const url = new URL(String(input));
        url.searchParams.delete(UCI_XMLRPC_PARAMS.auth);
        url.searchParams.set(UCI_XMLRPC_PARAMS.jwt, 'a.b.c');
        return fetch(url, init);
      };
      const c = new UciXmlRpcClient(uciXmlRpcUrl(sim.base), token(), { fetch: jwtFetch });
      await fault(
        c.login(),
        UCI_XMLRPC_FAULTS.unsupportedAuth,
        /^de\.vertico\.starface\.jwt sign-in needs STARFACE 10 or later; this PBX reports 8\.1\.0\.4\. Use de\.vertico\.starface\.auth=/,
      );
    });

    it('a bad callback (-32013) and subscribing without one (-32014)', async () => {
      const bad = client();
      bad.callback = { host: 'evil host!', port: 80, path: '/x' };
      await fault(bad.login(), UCI_XMLRPC_FAULTS.badCallback, /^bad callback: /);
      bad.callback = { host: '127.0.0.1', port: 80, path: 'no-slash' };
      await fault(bad.login(), UCI_XMLRPC_FAULTS.badCallback, /^bad callback: /);
      const none = client();
      await none.login();
      await fault(
        none.subscribe('sim.events.config'),
        UCI_XMLRPC_FAULTS.noCallback,
        /subscribeEvents needs a callback/,
      );
    });

    it('a body over 1 MiB (-32011, HTTP 413); the client still works afterwards', async () => {
      const c = client();
      await c.login();
      const err = await fault(
        c.setChatPresenceMessage('x'.repeat(UCI_XMLRPC_MAX_BODY)),
        UCI_XMLRPC_FAULTS.bodyTooLarge,
        /^request body over 1048576 bytes/,
      );
      assert.equal(err.status, 413);
      assert.equal(await c.keepAlive(), true);
    });
  });
});
