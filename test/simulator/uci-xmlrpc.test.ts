/**
 * The UCI over XML-RPC (POST /xml-rpc) with a real XML-RPC callback server: login, subscribe, events from REST
 * changes and from a sip.js call arriving at the callback in order, the callback down and up again, the
 * delivery bound, keepAlive and logout.
 */
import assert from 'node:assert/strict';
import type { XmlRpcStruct } from '@foxglove/xmlrpc';
import { CALL_EVENT_SERVICE } from '../../shared/schemas/calls.js';
import { SIM_SERVICES, type SimEvent } from '../../shared/schemas/events.js';
import { UCI_METHODS as M, UciCallStateSchema } from '../../shared/schemas/uci.js';
import {
  UCI_XMLRPC_FAULTS,
  UCI_XMLRPC_LOG_EVENTS,
  UciXmlRpcEventMetaSchema,
  xmlRpcEventParamSchema,
} from '../../shared/schemas/uciXmlRpc.js';
import type { SimulatorOptions } from '../../simulator/src/simulator.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { call, loadSipJs, startPhone, stopPhones, until, type Phone, type SipModule } from '../support/sipjs.js';
import { CallbackServer, faultOf, xmlRpcClient, xmlRpcQuery, type CallbackCall } from '../support/xmlrpc-callback.js';
import { cleanUp, each } from '../support/cleanup.js';

const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };
const FAST = { backoffInitialMs: 20, backoffMaxMs: 100, timeoutMs: 1000 };

describe('simulator: UCI over XML-RPC with callbacks', function () {
  this.timeout(30_000);
  let sim: RunningSim;
  let callbacks: CallbackServer[];
  let phones: Phone[];

  async function start(opts: SimulatorOptions = {}): Promise<void> {
    sim = await startSim({ scenario: 'demo', uciXmlRpcDelivery: FAST, ...opts });
  }
  async function callback(port = 0, calls: CallbackCall[] = []): Promise<CallbackServer> {
    const cb = await CallbackServer.start(port, calls);
    callbacks.push(cb);
    return cb;
  }
  function client(user: { login: string; password: string }, cb?: CallbackServer) {
    return xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(user, cb?.port));
  }
  const busEvents = (since: number, services: string[]): SimEvent[] =>
    sim.internals.bus.since(since).filter((e) => services.includes(e.service));
  const seqs = (calls: CallbackCall[]) => calls.map((c) => (c.args[1] as XmlRpcStruct).seq as number);

  beforeEach(() => {
    callbacks = [];
    phones = [];
  });
  afterEach(() =>
    cleanUp(
      each(callbacks, (cb) => cb.close()),
      () => stopPhones(phones),
      () => sim?.stop(),
    ),
  );

  it('login and subscribe answer true; REST changes reach the callback in bus order with the real names and a {seq,time,service,event} second param', async () => {
    await start();
    const cb = await callback();
    const c = client(ADMIN, cb);
    assert.equal(await c.methodCall(M.login), true);
    assert.equal(await c.methodCall(M.login), true, 'a repeated login keeps the session');
    assert.equal(await c.methodCall(M.subscribeEvents, [['sim.events.licences', 'ucp.v22.events.userState']]), true);
    const from = sim.internals.bus.lastSeq;
    for (let i = 0; i < 3; i++)
      assert.equal((await sim.admin.post('/licenses', { type: 'Fax', count: 1 })).status, 201);
    await sim.admin.put('/licenses/users/2', []);
    const state = (await c.methodCall(M.setDoNotDisturbSetting, [true])) as XmlRpcStruct;
    assert.equal(state.doNotDisturb, true);
    const expected = busEvents(from, ['sim.events.licences', 'ucp.v22.events.userState']);
    assert.ok(expected.length >= 5);
    await cb.waitFor('every event', (calls) => calls.length === expected.length);
    assert.deepEqual(
      cb.calls.map((x) => x.method),
      expected.map((e) => `${e.service}.${e.event}`),
    );
    assert.deepEqual(
      seqs(cb.calls),
      expected.map((e) => e.seq),
      'same order, none missing (admin sees every event)',
    );
    for (const [i, x] of cb.calls.entries()) {
      assert.equal(x.args.length, 2);
      const meta = UciXmlRpcEventMetaSchema.parse(x.args[1]);
      assert.equal(meta.service, expected[i]!.service);
      xmlRpcEventParamSchema(x.method).parse(x.args[0]);
      assert.deepEqual(x.args[0], JSON.parse(JSON.stringify(expected[i]!.data)));
    }
    assert.equal(await c.methodCall(M.keepAlive), true);
    assert.equal(await c.methodCall(M.unsubscribeEvents, ['sim.events.licences']), true);
    await sim.admin.post('/licenses', { type: 'Fax', count: 1 });
    assert.equal(await c.methodCall(M.logout), true);
    assert.equal(cb.calls.length, expected.length, 'nothing after unsubscribing');
    assert.equal((await faultOf(c.methodCall(M.keepAlive))).faultCode, UCI_XMLRPC_FAULTS.notLoggedIn, 'logged out');
  });

  it('a non-admin session gets only the events about its own user', async () => {
    await start();
    const cb = await callback();
    const anna = client(DEMO_USERS.anna, cb);
    await anna.methodCall(M.login);
    await anna.methodCall(M.subscribeEvents, ['sim.events.licences']);
    await sim.admin.put('/licenses/users/3', []);
    await sim.admin.put('/licenses/users/2', []);
    await cb.waitFor("anna's event", (calls) => calls.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      cb.calls.map((x) => (x.args[0] as XmlRpcStruct).login),
      ['1001'],
    );
  });

  it("a sip.js call: the callee's callback gets receiveCallState INCOMING, RINGING, CONNECTED, HANGUP with the real call-state struct", async () => {
    await start();
    const SIP: SipModule = await loadSipJs();
    const wsUrl = `ws://${new URL(sim.base).host}/sip`;
    const anna = await startPhone(SIP, wsUrl, DEMO_USERS.anna);
    const carla = await startPhone(SIP, wsUrl, DEMO_USERS.carla);
    phones.push(anna, carla);
    carla.onInvite = (inv: any) => setTimeout(() => void inv.accept(), 100);
    const cbAnna = await callback();
    const cbCarla = await callback();
    const a = client(DEMO_USERS.anna, cbAnna);
    const c = client(DEMO_USERS.carla, cbCarla);
    for (const x of [a, c]) {
      await x.methodCall(M.login);
      await x.methodCall(M.subscribeEvents, [CALL_EVENT_SERVICE]);
    }
    const outcome = call(SIP, anna, '1003');
    await outcome.accepted;
    const states = (cb: CallbackServer) => cb.calls.map((x) => (x.args[0] as XmlRpcStruct).state);
    await cbCarla.waitFor('CONNECTED at the callee', () => states(cbCarla).includes('CONNECTED'));
    const ids = (await c.methodCall(M.getCallIds)) as string[];
    assert.equal(ids.length, 1);
    const live = UciCallStateSchema.parse(await c.methodCall(M.getCallState, [ids[0]!]));
    assert.equal(live.state, 'CONNECTED');
    await outcome.inviter.bye();
    await cbCarla.waitFor('HANGUP at the callee', () => states(cbCarla).includes('HANGUP'));
    await cbAnna.waitFor('HANGUP at the caller', () => states(cbAnna).includes('HANGUP'));
    assert.deepEqual(states(cbCarla), ['INCOMING', 'RINGING', 'CONNECTED', 'HANGUP']);
    assert.deepEqual(states(cbAnna).slice(-2), ['CONNECTED', 'HANGUP']);
    for (const x of cbCarla.calls) {
      assert.equal(x.method, 'ucp.v22.events.call.receiveCallState');
      const s = UciCallStateSchema.strict().parse(x.args[0]);
      assert.equal(s.id, ids[0]);
      assert.equal(s.callerNumber, '1001');
      assert.equal(s.calledNumber, '1003');
    }
    const carlaSeqs = seqs(cbCarla.calls);
    assert.deepEqual(
      [...carlaSeqs].sort((p, q) => p - q),
      carlaSeqs,
      'in seq order',
    );
  });

  it('callback down, then up again on the same port: every queued event arrives, in order', async () => {
    // A give-up bound far beyond the time the callback is down here, however slow this machine is.
    await start({ uciXmlRpcDelivery: { ...FAST, maxFailingMs: 60_000 } });
    let cb = await callback();
    const port = cb.port;
    const c = client(ADMIN, cb);
    await c.methodCall(M.login);
    await c.methodCall(M.subscribeEvents, ['sim.events.licences']);
    await sim.admin.post('/licenses', { type: 'Fax', count: 1 });
    await cb.waitFor('the first event', (calls) => calls.length === 1);
    cb.close();
    const from = sim.internals.bus.lastSeq;
    for (let i = 0; i < 5; i++) await sim.admin.post('/licenses', { type: 'Fax', count: 1 });
    await new Promise((r) => setTimeout(r, 400)); // several failed attempts with back-off
    cb = await callback(port);
    const expected = busEvents(from, ['sim.events.licences']).map((e) => e.seq);
    await cb.waitFor('the queued events', (calls) => calls.length === expected.length);
    assert.deepEqual(seqs(cb.calls), expected);
    assert.equal(await c.methodCall(M.keepAlive), true, 'the session survived');
  });

  it('callback down beyond the bound: the queue is dropped, a log event says how many, the session ends', async () => {
    await start({ uciXmlRpcDelivery: { ...FAST, maxFailingMs: 300 } });
    const cb = await callback();
    const c = client(ADMIN, cb);
    await c.methodCall(M.login);
    await c.methodCall(M.subscribeEvents, ['sim.events.licences']);
    cb.close();
    const from = sim.internals.bus.lastSeq;
    for (let i = 0; i < 3; i++) await sim.admin.post('/licenses', { type: 'Fax', count: 1 });
    let log: SimEvent | undefined;
    await until(
      'the drop log event',
      () => !!(log = busEvents(from, [SIM_SERVICES.log]).find((e) => e.event === UCI_XMLRPC_LOG_EVENTS.dropped)),
      10_000,
    );
    assert.equal(log!.data.dropped, 3);
    assert.equal(log!.data.login, 'admin');
    assert.match(String(log!.data.message), /3 event\(s\) dropped/);
    assert.match(String(log!.data.reason), /failed for \d+ ms/);
    assert.equal((await faultOf(c.methodCall(M.keepAlive))).faultCode, UCI_XMLRPC_FAULTS.notLoggedIn);
    assert.equal(await c.methodCall(M.login), true, 'a new login is possible');
  });

  it('more than maxQueue events waiting: dropped at once', async () => {
    await start({ uciXmlRpcDelivery: { ...FAST, maxQueue: 2, maxFailingMs: 60_000 } });
    const cb = await callback();
    const c = client(ADMIN, cb);
    await c.methodCall(M.login);
    await c.methodCall(M.subscribeEvents, ['sim.events.licences']);
    cb.close();
    const from = sim.internals.bus.lastSeq;
    for (let i = 0; i < 3; i++) await sim.admin.post('/licenses', { type: 'Fax', count: 1 });
    let log: SimEvent | undefined;
    await until(
      'the drop log event',
      () => !!(log = busEvents(from, [SIM_SERVICES.log]).find((e) => e.event === UCI_XMLRPC_LOG_EVENTS.dropped)),
      10_000,
    );
    assert.equal(log!.data.dropped, 3);
    assert.match(String(log!.data.reason), /more than 2 events waiting/);
  });

  it('without keepAlive the session ends (and a log event records it); with keepAlive it lives on', async () => {
    // Long enough that a keepAlive every 50 ms cannot miss it on a busy machine; an idle session shows when it passed.
    await start({ uciKeepAliveMs: 1_500 });
    const cb = await callback();
    const c = client(ADMIN, cb);
    const from = sim.internals.bus.lastSeq;
    const timedOut = (login: string) =>
      busEvents(from, [SIM_SERVICES.log]).find(
        (e) => e.event === UCI_XMLRPC_LOG_EVENTS.keepAliveTimeout && e.data.login === login,
      );
    await c.methodCall(M.login);
    await c.methodCall(M.subscribeEvents, ['sim.events.licences']);
    // Signed in after c: when its session times out, c's own first timeout has passed too.
    const idle = client(DEMO_USERS.anna, await callback());
    await idle.methodCall(M.login);
    while (!timedOut(DEMO_USERS.anna.login)) {
      assert.equal(await c.methodCall(M.keepAlive), true);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await c.methodCall(M.keepAlive), true, "kept alive past the idle session's timeout");
    await until('the keepAlive timeout of the session left alone', () => !!timedOut('admin'));
    const f = await faultOf(c.methodCall(M.keepAlive));
    assert.equal(f.faultCode, UCI_XMLRPC_FAULTS.notLoggedIn);
    assert.match(f.faultString, /not logged in/);
    assert.equal(timedOut('admin')!.data.login, 'admin');
  });
});
