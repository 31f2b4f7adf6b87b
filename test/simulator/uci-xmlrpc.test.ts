/**
 * The UCI over XML-RPC (POST /xml-rpc) with a real XML-RPC callback server: login, subscribe, events from REST
 * changes and from a sip.js call arriving at the callback in order, each as a real PBX sends it (one struct, the
 * user and auth in the callback URL) with the simulator's metadata in headers; the callback down and up again,
 * the delivery bound, keepAlive (false without a session) and logout; the v30 and v20 event names.
 */
import assert from 'node:assert/strict';
import type { XmlRpcStruct, XmlRpcValue } from '@foxglove/xmlrpc';
import { uciToken } from '../../shared/hashes.js';
import { CALL_EVENT_SERVICE, CALL_STATE_EVENT } from '../../shared/schemas/calls.js';
import { SIM_SERVICES, type SimEvent } from '../../shared/schemas/events.js';
import { UCI_METHODS as M, UciUserStateSchema } from '../../shared/schemas/uci.js';
import {
  UCI_V20_CALL_SERVICE,
  UCI_V20_CONNECTION_SERVICE,
  UCI_V20_RESET_METHOD,
} from '../../shared/schemas/uciNames.js';
import {
  UCI_XMLRPC_CALLBACK_QUERY,
  UCI_XMLRPC_FAULTS,
  UCI_XMLRPC_LOG_EVENTS,
  UCI_XMLRPC_RESULTS,
  UciXmlRpcCallStateParamSchema,
  xmlRpcEventParamSchema,
} from '../../shared/schemas/uciXmlRpc.js';
import type { SimulatorOptions } from '../../simulator/src/simulator.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { call, loadSipJs, startPhone, stopPhones, until, type Phone, type SipModule } from '../support/sipjs.js';
import {
  CallbackServer,
  faultOf,
  metaOf,
  seqsOf,
  xmlRpcClient,
  xmlRpcQuery,
  type CallbackCall,
} from '../support/xmlrpc-callback.js';
import { cleanUp, each } from '../support/cleanup.js';

const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };
const FAST = { backoffInitialMs: 20, backoffMaxMs: 100, timeoutMs: 1000 };
const INT32 = 2 ** 31;

/** What every XML-RPC reader takes: no nil anywhere, no <int> beyond 32 bits. */
function assertXmlRpcSafe(value: XmlRpcValue, where: string): void {
  assert.ok(value !== undefined && value !== null, `${where}: nil`);
  if (typeof value === 'number')
    assert.ok(!Number.isInteger(value) || (value >= -INT32 && value < INT32), `${where}: ${value} beyond 32 bits`);
  if (Array.isArray(value)) value.forEach((v, i) => assertXmlRpcSafe(v, `${where}[${i}]`));
  else if (typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array))
    for (const [k, v] of Object.entries(value)) assertXmlRpcSafe(v, `${where}.${k}`);
}

/** A callback as a real PBX sends it: exactly one struct, the user (and the client's own auth) in the URL's query. */
function assertRealShape(x: CallbackCall, user: { login: string; password: string }): void {
  assert.equal(x.args.length, 1, `${x.method}: exactly one param`);
  assert.ok(typeof x.args[0] === 'object' && !Array.isArray(x.args[0]), `${x.method}: a struct`);
  assertXmlRpcSafe(x.args[0], x.method);
  const query = new URL(x.url, 'http://callback').searchParams;
  assert.equal(query.get(UCI_XMLRPC_CALLBACK_QUERY.user), user.login, x.url);
  assert.equal(query.get(UCI_XMLRPC_CALLBACK_QUERY.auth), uciToken(user.login, user.password));
}

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
  const seqs = seqsOf;

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

  it('login and subscribe answer true; REST changes reach the callback in bus order with the real names, one struct each, the user and auth in the URL and {seq,time,service,event} in headers', async () => {
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
    assert.equal(await c.methodCall(M.setDoNotDisturbSetting, [true]), true, 'a boolean, as a real PBX answers');
    assert.equal(UciUserStateSchema.parse(await c.methodCall(M.getUserState)).doNotDisturb, true);
    assert.equal(await c.methodCall(M.setChatPresenceMessage, ['in a meeting']), true, 'a boolean too');
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
      assertRealShape(x, ADMIN);
      const meta = metaOf(x);
      assert.equal(meta.service, expected[i]!.service);
      assert.equal(meta.event, expected[i]!.event);
      assert.equal(meta.time, expected[i]!.time);
      xmlRpcEventParamSchema(x.method).parse(x.args[0]);
      assert.deepEqual(x.args[0], JSON.parse(JSON.stringify(expected[i]!.data)));
    }
    assert.equal(await c.methodCall(M.keepAlive), true);
    assert.equal(await c.methodCall(M.unsubscribeEvents, ['sim.events.licences']), true);
    await sim.admin.post('/licenses', { type: 'Fax', count: 1 });
    assert.equal(await c.methodCall(M.logout), true);
    assert.equal(cb.calls.length, expected.length, 'nothing after unsubscribing');
    // IAH's test: after logout keepAlive answers false (not a fault); the session is gone for other requests.
    assert.equal(await c.methodCall(M.keepAlive), false, 'logged out');
    assert.equal((await faultOf(c.methodCall(M.getUserState))).faultCode, UCI_XMLRPC_FAULTS.notLoggedIn);
    assert.equal(await c.methodCall(M.login), true);
    assert.equal(await c.methodCall(M.keepAlive), true, 'logged in again');
  });

  it('keepAlive answers false before any login (a probe), with or without a callback, and true once logged in', async () => {
    await start();
    const cb = await callback();
    const withCallback = client(DEMO_USERS.anna, cb);
    const without = client(DEMO_USERS.anna);
    assert.equal(await withCallback.methodCall(M.keepAlive), false);
    assert.equal(await without.methodCall(M.keepAlive), false);
    assert.equal(await withCallback.methodCall(M.login), true);
    assert.equal(await withCallback.methodCall(M.keepAlive), true);
    assert.equal(await without.methodCall(M.keepAlive), false, 'another callback is another session');
    const wrong = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery({ login: 'admin', password: 'wrong' }));
    assert.equal(
      (await faultOf(wrong.methodCall(M.keepAlive))).faultCode,
      UCI_XMLRPC_FAULTS.authFailed,
      'the probe still checks the credentials',
    );
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
    for (const x of cb.calls) assertRealShape(x, DEMO_USERS.anna);
    assert.deepEqual(
      cb.calls.map((x) => (x.args[0] as XmlRpcStruct).login),
      ['1001'],
    );
  });

  /** The simulator, real sip.js phones for anna and carla (carla answers after 100 ms) and a callback for each. */
  async function annaAndCarlaWithPhones() {
    await start();
    const SIP: SipModule = await loadSipJs();
    const wsUrl = sim.addresses.sipWs;
    const anna = await startPhone(SIP, wsUrl, DEMO_USERS.anna);
    const carla = await startPhone(SIP, wsUrl, DEMO_USERS.carla);
    phones.push(anna, carla);
    carla.onInvite = (inv: any) => setTimeout(() => void inv.accept(), 100);
    return { SIP, anna, carla, cbAnna: await callback(), cbCarla: await callback() };
  }

  it("a sip.js call: the callee's callback gets receiveCallState INCOMING, RINGING, CONNECTED, HANGUP with the real call-state struct", async () => {
    const { SIP, anna, cbAnna, cbCarla } = await annaAndCarlaWithPhones();
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
    // The same struct as the callback's, its timestamp a string of milliseconds.
    const live = UCI_XMLRPC_RESULTS.getCallState.parse(await c.methodCall(M.getCallState, [ids[0]!]));
    assert.equal(live.state, 'CONNECTED');
    await outcome.inviter.bye();
    await cbCarla.waitFor('HANGUP at the callee', () => states(cbCarla).includes('HANGUP'));
    await cbAnna.waitFor('HANGUP at the caller', () => states(cbAnna).includes('HANGUP'));
    assert.deepEqual(states(cbCarla), ['INCOMING', 'RINGING', 'CONNECTED', 'HANGUP']);
    assert.deepEqual(states(cbAnna).slice(-2), ['CONNECTED', 'HANGUP']);
    for (const x of cbCarla.calls) {
      assert.equal(x.method, 'ucp.v22.events.call.receiveCallState');
      assertRealShape(x, DEMO_USERS.carla);
      const s = UciXmlRpcCallStateParamSchema.strict().parse(x.args[0]);
      assert.match(s.timestamp, /^\d+$/, 'a string of milliseconds');
      const bus = sim.internals.bus.since(metaOf(x).seq - 1)[0]!;
      assert.equal(s.timestamp, String(bus.data.timestamp), "the bus event's timestamp");
      assert.equal(s.id, ids[0]);
      assert.equal(s.callerNumber, '1001');
      assert.equal(s.calledNumber, '1003');
      assert.deepEqual(
        { ...metaOf(x), seq: undefined },
        { seq: undefined, time: bus.time, service: CALL_EVENT_SERVICE, event: CALL_STATE_EVENT },
      );
    }
    const carlaSeqs = seqs(cbCarla.calls);
    assert.deepEqual(
      [...carlaSeqs].sort((p, q) => p - q),
      carlaSeqs,
      'in seq order',
    );
  });

  it('a v30-alias subscription gets ucp.v30.events.call.receiveCallState; a v20 client (setProvidedServices) gets ucp.v20.client.communication.call.receiveCallState and, when the simulator stops, ucp.v20.client.connection.reset without params', async () => {
    const { SIP, anna, cbAnna, cbCarla } = await annaAndCarlaWithPhones();
    const v30 = client(DEMO_USERS.anna, cbAnna);
    assert.equal(await v30.methodCall('ucp.v30.requests.connection.login'), true);
    assert.equal(await v30.methodCall('ucp.v30.requests.service.subscribeEvents', ['ucp.v30.events.call']), true);
    const v20 = client(DEMO_USERS.carla, cbCarla);
    assert.equal(await v20.methodCall('ucp.v20.server.connection.probe'), false, 'probe before login');
    assert.equal(await v20.methodCall('ucp.v20.server.connection.login'), true);
    assert.equal(
      await v20.methodCall('ucp.v20.server.connection.setProvidedServices', [
        [UCI_V20_CALL_SERVICE, UCI_V20_CONNECTION_SERVICE],
      ]),
      true,
    );
    assert.equal(await v20.methodCall('ucp.v20.server.connection.probe'), true);

    const outcome = call(SIP, anna, DEMO_USERS.carla.login);
    await outcome.accepted;
    const states = (cb: CallbackServer) => cb.calls.map((x) => (x.args[0] as XmlRpcStruct).state);
    await cbCarla.waitFor('CONNECTED at the v20 callee', () => states(cbCarla).includes('CONNECTED'));
    await outcome.inviter.bye();
    await cbCarla.waitFor('HANGUP at the v20 callee', () => states(cbCarla).includes('HANGUP'));
    await cbAnna.waitFor('HANGUP at the v30 caller', () => states(cbAnna).includes('HANGUP'));
    assert.deepEqual(states(cbCarla), ['INCOMING', 'RINGING', 'CONNECTED', 'HANGUP']);
    assert.deepEqual(states(cbAnna).slice(-2), ['CONNECTED', 'HANGUP']);
    for (const [cb, user, method] of [
      [cbAnna, DEMO_USERS.anna, 'ucp.v30.events.call.receiveCallState'],
      [cbCarla, DEMO_USERS.carla, `${UCI_V20_CALL_SERVICE}.${CALL_STATE_EVENT}`],
    ] as const) {
      for (const x of cb.calls) {
        assert.equal(x.method, method);
        assertRealShape(x, user);
        UciXmlRpcCallStateParamSchema.strict().parse(x.args[0]);
        xmlRpcEventParamSchema(x.method).parse(x.args[0]);
        // The headers name the service the simulator published on, whatever name the client used.
        assert.equal(metaOf(x).service, CALL_EVENT_SERVICE);
      }
      const own = seqsOf(cb.calls);
      assert.deepEqual(
        own,
        [...own].sort((p, q) => p - q),
        `${method} in seq order`,
      );
      assert.equal(new Set(own).size, own.length, `${method}: each event once`);
    }

    // The phones first: the simulator is stopped here, not in afterEach.
    await stopPhones(phones.splice(0));
    const before = { anna: cbAnna.calls.length, carla: cbCarla.calls.length };
    const stopping = sim;
    sim = undefined as unknown as RunningSim;
    // stop() waits (bounded) until the reset was delivered.
    await stopping.stop();
    assert.equal(cbCarla.calls.length, before.carla + 1);
    const reset = cbCarla.calls.at(-1)!;
    assert.equal(reset.method, UCI_V20_RESET_METHOD);
    assert.deepEqual(reset.args, [], 'no params');
    assert.equal(
      new URL(reset.url, 'http://callback').searchParams.get(UCI_XMLRPC_CALLBACK_QUERY.user),
      DEMO_USERS.carla.login,
    );
    assert.equal(
      cbAnna.calls.length,
      before.anna,
      'no reset for a client that did not declare the v20 connection service',
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
    assert.equal(await c.methodCall(M.keepAlive), false, 'the session ended: keepAlive says so');
    assert.equal((await faultOf(c.methodCall(M.getUserState))).faultCode, UCI_XMLRPC_FAULTS.notLoggedIn);
    assert.equal(await c.methodCall(M.login), true, 'a new login is possible');
    assert.equal(await c.methodCall(M.keepAlive), true);
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
    assert.equal(await c.methodCall(M.keepAlive), false, 'timed out: keepAlive answers false');
    const f = await faultOf(c.methodCall(M.getUserState));
    assert.equal(f.faultCode, UCI_XMLRPC_FAULTS.notLoggedIn);
    assert.match(f.faultString, /not logged in/);
    assert.equal(timedOut('admin')!.data.login, 'admin');
    assert.equal(await c.methodCall(M.login), true);
    assert.equal(await c.methodCall(M.keepAlive), true, 'logged in again');
  });
});
