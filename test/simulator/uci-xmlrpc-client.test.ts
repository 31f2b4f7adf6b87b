// The extension's UCI over XML-RPC client (extension/src/pbx/uciXmlRpcStream.ts, uciConnectionTest.ts) against a
// real simulator's POST /xml-rpc: login with the UCI token, its own callback server, REST changes arriving in
// order as SimEvents, the callback down and up again (short: redelivered; long: the PBX drops the session and
// the stream logs in again and resyncs), stop() cleaning up, the connection test, and no event injection.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { serializeMethodCall } from '@foxglove/xmlrpc';
import { uciToken } from '../../shared/hashes.js';
import type { SimEvent } from '../../shared/schemas/events.js';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { UCI_XMLRPC_FAULTS, UCI_XMLRPC_LOG_EVENTS } from '../../shared/schemas/uciXmlRpc.js';
import { testUciCallback } from '../../extension/src/pbx/uciConnectionTest.js';
import type { UciStreamState } from '../../extension/src/pbx/uciEvents.js';
import { UciXmlRpcClient, UciXmlRpcError, uciXmlRpcUrl } from '../../extension/src/pbx/uciXmlRpcClient.js';
import { UciXmlRpcStream, type UciXmlRpcTarget } from '../../extension/src/pbx/uciXmlRpcStream.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => T | undefined | false, ms = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() - started > ms) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** A stream as PbxSession builds it, recording everything it reports. */
function follow(sim: RunningSim, extra: Partial<UciXmlRpcTarget> = {}, keepAliveMs?: number) {
  const rec = { events: [] as SimEvent[], batches: 0, resyncs: 0, states: [] as UciStreamState['state'][], errors: [] as string[], signedOut: [] as string[], unavailable: [] as string[], gaps: [] as unknown[] };
  const stream = new UciXmlRpcStream(
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
  const streams: UciXmlRpcStream[] = [];
  const track = <T extends { stream: UciXmlRpcStream }>(x: T): T => {
    streams.push(x.stream);
    return x;
  };

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo', uciXmlRpcDelivery: { backoffInitialMs: 50, backoffMaxMs: 200, maxFailingMs: 1_500 } });
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) await s.stop();
    await sim.stop();
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

    const before = sim.sim.bus.lastSeq;
    const { id, name } = await configId(sim);
    for (let i = 1; i <= 5; i++) await rename(sim, id, `${name} ${i}`);
    await sim.admin.put('/sim/users/3/app', { active: true, platform: 'windows' });
    const last = sim.sim.bus.lastSeq;
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
    const last = sim.sim.bus.lastSeq;
    await sleep(300);
    assert.equal(configEvents(rec.events).length, 0, 'nothing could arrive');
    await stream.callback!.listen();
    await until('the redelivered events', () => rec.events.at(-1)?.seq === last, 5_000);
    const seqs = rec.events.map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.equal(configEvents(rec.events).length, 2);
    assert.equal(rec.resyncs, 0);
  });

  it('callback down too long: the PBX drops the session; keepAlive notices, the stream logs in again, resyncs and replays what it missed', async () => {
    const { stream, rec } = track(follow(sim, {}, 300));
    stream.start();
    await until('live', () => stream.connected);
    const { id, name } = await configId(sim);
    // Replay starts after the newest event the stream saw (a real PBX has no replay; then only the resync).
    await rename(sim, id, `${name} seen`);
    await until('the first rename', () => configEvents(rec.events).length === 1);
    const cb = stream.callback!;
    await cb.close();
    const missedFrom = sim.sim.bus.lastSeq;
    await rename(sim, id, `${name} missed`);
    // The simulator gives up after maxFailingMs (1.5 s) and logs it.
    await until(
      'the simulator to give the callback up',
      () => sim.sim.bus.since(missedFrom).some((e) => e.service === SIM_SERVICES.log && e.event === UCI_XMLRPC_LOG_EVENTS.dropped),
      10_000,
    );
    const missed = sim.sim.bus.since(missedFrom).find((e) => e.service === SIM_SERVICES.config)!.seq;
    // The stream listens again itself when it reconnects; this covers the case that it has not yet.
    await cb.listen();
    await until('a resync', () => rec.resyncs > 0, 5_000);
    await until('the missed rename, replayed', () => rec.events.some((e) => e.seq === missed), 5_000);
    await until('live again', () => stream.connected);
    // And it keeps following.
    await rename(sim, id, `${name} after`);
    const next = sim.sim.bus.lastSeq;
    await until('the next event', () => rec.events.some((e) => e.seq === next));
    const seqs = rec.events.map((e) => e.seq);
    assert.equal(new Set(seqs).size, seqs.length, 'no event twice');
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in order');
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
      { id: 'c0ffee', state: 'RINGING', timestamp: when, callerNumber: '1001', callerName: '', calledNumber: '1002', calledName: 'Bernd', blob: Buffer.from([1, 2, 3]) },
    ]);
    const started = Date.now();
    const r = await fetch(`http://${cb.host}:${cb.port}${cb.path}`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });
    assert.match(await r.text(), /<boolean>1<\/boolean>/);
    const e = await until('the event', () => rec.events.find((x) => x.service === 'ucp.v22.events.call'));
    assert.equal(e.event, 'receiveCallState');
    assert.ok(e.seq >= 1);
    assert.ok(Date.parse(e.time) >= started - 1000 && Date.parse(e.time) <= Date.now());
    assert.deepEqual(e.data, { id: 'c0ffee', state: 'RINGING', timestamp: when.toISOString(), callerNumber: '1001', callerName: '', calledNumber: '1002', calledName: 'Bernd', blob: 'AQID' });
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
    const body = serializeMethodCall('sim.events.config.configuration-changed', [{ id: 1 }, { seq: 999_999, time: new Date().toISOString(), service: 'sim.events.config', event: 'configuration-changed' }]);
    const base = `http://${cb.host}:${cb.port}`;
    for (const path of ['/', '/RPC2', '/uci-callback/', `${cb.path}x`, cb.path.toUpperCase()]) {
      const r = await fetch(base + path, { method: 'POST', body });
      assert.equal(r.status, 404, path);
    }
    assert.equal((await fetch(base + cb.path)).status, 405, 'GET');
    const big = await fetch(base + cb.path, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) }).catch(() => undefined);
    assert.ok(!big || big.status === 413, 'an oversized body is refused');
    for (const bad of [
      serializeMethodCall('not an event', [{}]),
      serializeMethodCall('sim.events.config.changed', ['not a struct']),
      serializeMethodCall('sim.events.config.changed', [{}, { seq: 'x' }]),
      '<methodCall><methodName>x',
    ]) {
      const r = await fetch(base + cb.path, { method: 'POST', body: bad });
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
    const result = await testUciCallback({ restBaseUrl: sim.base, uciToken: uciToken('admin', ADMIN_PASSWORD), waitMs: 5_000 });
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
    const started = Date.now();
    const result = await testUciCallback({ restBaseUrl: sim.base, uciToken: uciToken('admin', ADMIN_PASSWORD), callbackAddress: '127.0.0.2', waitMs: 1_500 });
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
    assert.ok(Date.now() - started < 5_000);
  });

  it('the connection test names the PBX side (unreachable, wrong password) and the local side (port taken)', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await testUciCallback({ restBaseUrl: `http://127.0.0.1:${deadPort}/rest`, uciToken: uciToken('admin', ADMIN_PASSWORD), waitMs: 500 });
    assert.equal(down.failedSide, 'pbx-unreachable');
    assert.deepEqual(down.steps.map((s) => [s.step, s.ok]), [['callback-listen', true], ['login', false]]);

    const wrong = await testUciCallback({ restBaseUrl: sim.base, uciToken: uciToken('admin', 'nope'), waitMs: 500 });
    assert.equal(wrong.failedSide, 'auth');
    assert.ok(!JSON.stringify(wrong).includes(uciToken('admin', 'nope').split(':')[1]!), 'no hash in the result');

    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const port = (taken.address() as { port: number }).port;
      const local = await testUciCallback({ restBaseUrl: sim.base, uciToken: uciToken('admin', ADMIN_PASSWORD), callbackPort: port, waitMs: 500 });
      assert.equal(local.failedSide, 'local');
      assert.match(local.advice, /EADDRINUSE/);
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  });

  it('faults from the PBX carry their code; "not logged in" is a lost session', async () => {
    const c = new UciXmlRpcClient(uciXmlRpcUrl(sim.base), uciToken('admin', ADMIN_PASSWORD));
    c.callback = { host: '127.0.0.1', port: 9, path: '/never-logged-in' };
    const err = await c.subscribe(['sim.events.config']).then(
      () => assert.fail('subscribed without login'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof UciXmlRpcError);
    assert.equal(err.faultCode, UCI_XMLRPC_FAULTS.notLoggedIn);
    assert.equal(err.sessionLost, true);
  });
});
