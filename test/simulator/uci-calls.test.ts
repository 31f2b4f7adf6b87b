/**
 * UCI call control with real sip.js 0.21.2 user agents: placeCallWithPhone (click-to-dial, RFC 3725 flow I:
 * the user's phone first, then the destination), getCallIds/getCallState, hangupCall of click-to-dial and of
 * proxied calls, and the error cases.
 */
import assert from 'node:assert/strict';
import { CALL_EVENT_SERVICE } from '../../shared/schemas/calls.js';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { UCI_ERRORS, UCI_METHODS } from '../../shared/schemas/uci.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { call, loadSipJs, startPhone, stopPhones, until, type Phone, type SipModule } from '../support/sipjs.js';
import { UciClient, type Notification } from '../support/uci-client.js';
import { cleanUp, each } from '../support/cleanup.js';

const M = UCI_METHODS;
const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };
let SIP: SipModule;

describe('simulator: UCI call control (placeCallWithPhone, hangupCall)', function () {
  this.timeout(30_000);
  let sim: RunningSim;
  let wsUrl: string;
  let phones: Phone[];
  let clients: UciClient[];

  before(async () => {
    SIP = await loadSipJs();
  });

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
    wsUrl = sim.addresses.sipWs;
    phones = [];
    clients = [];
  });

  afterEach(() =>
    cleanUp(
      each(clients, (c) => c.ws.terminate()),
      () => stopPhones(phones),
      () => sim?.stop(),
    ),
  );

  /** A registered phone that records the Reason of every BYE it gets; `answerAfterMs` null: never answers. */
  async function phone(
    user: { login: string; password: string },
    answerAfterMs: number | null = 0,
  ): Promise<Phone & { byes: string[] }> {
    const p = Object.assign(await startPhone(SIP, wsUrl, user), { byes: [] as string[] });
    p.onInvite = (inv) => {
      inv.delegate = {
        onBye: (bye: any) => {
          p.byes.push(bye.request.getHeader('reason') ?? '');
          void bye.accept();
        },
      };
      if (answerAfterMs !== null) setTimeout(() => void inv.accept(), answerAfterMs);
    };
    phones.push(p);
    return p;
  }

  async function uci(
    user: { login: string; password: string },
    services: string[] = [CALL_EVENT_SERVICE],
  ): Promise<UciClient> {
    const c = await UciClient.as(sim.addresses.uci, user);
    clients.push(c);
    await c.request(M.subscribeEvents, { services });
    return c;
  }

  const callStates = (c: UciClient, login: string): string[] =>
    c.notifications
      .filter((n) => n.params.service === CALL_EVENT_SERVICE && n.params.data.login === login)
      .map((n) => n.params.data.state);
  const isState = (login: string, state: string) => (n: Notification) =>
    n.params.service === CALL_EVENT_SERVICE && n.params.data.login === login && n.params.data.state === state;
  const established = (p: Phone) => p.invitations[0]?.state === SIP.SessionState.Established;
  const terminated = (p: Phone) => p.invitations[0]?.state === SIP.SessionState.Terminated;

  it('click-to-dial 1003: the phone of 1001 rings first (showing 1003), then 1003; both CONNECTED; hangupCall BYEs both', async () => {
    const anna = await phone(DEMO_USERS.anna);
    const carla = await phone(DEMO_USERS.carla, 150);
    const a = await uci(DEMO_USERS.anna);
    const c = await uci(DEMO_USERS.carla);

    const { callId } = await a.request(M.placeCallWithPhone, ['1003']);
    assert.match(callId, /^[0-9a-f-]{36}$/);
    await until('1001 answered', () => established(anna));
    const first = anna.invitations[0];
    assert.equal(first.remoteIdentity.uri.user, '1003', 'the phone shows whom it will call');
    assert.equal(first.remoteIdentity.displayName, 'Carla Conrad');
    assert.equal(first.request.body ?? '', '', 'INVITE without SDP: the phone makes the offer');
    await until('1003 answered', () => established(carla));
    assert.equal(carla.invitations[0].remoteIdentity.uri.user, '1001');
    assert.match(
      carla.invitations[0].request.body,
      /m=audio 50000 RTP\/AVP 8 0 101/,
      "the phone's offer reaches the destination",
    );
    await until("the phone's ACK carried the answer", () =>
      /m=audio/.test(first.sessionDescriptionHandler?.remote ?? ''),
    );

    await a.waitFor(isState('1001', 'CONNECTED'));
    await c.waitFor(isState('1003', 'CONNECTED'));
    assert.deepEqual(callStates(a, '1001'), ['PROCEEDING', 'RINGBACK', 'CONNECTED']);
    assert.deepEqual(callStates(c, '1003'), ['INCOMING', 'RINGING', 'CONNECTED']);
    assert.ok(a.notifications.every((n) => n.params.data.id === callId));
    assert.deepEqual(await a.request(M.getCallIds), [callId]);
    const state = await a.request(M.getCallState, [callId]);
    assert.equal(state.state, 'CONNECTED');
    assert.equal(state.callerNumber, '1001');
    assert.equal(state.calledNumber, '1003');
    assert.equal(state.calledName, 'Carla Conrad');
    const listed = (await sim.admin.get('/sim/calls')).body;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].callee.state, 'CONNECTED');

    // Another user may not hang it up.
    const b = await uci(DEMO_USERS.bernd);
    assert.equal((await b.call(M.hangupCall, [callId])).error.code, UCI_ERRORS.notFound);

    assert.equal(await a.request(M.hangupCall, [callId]), true);
    await until('both legs got BYE', () => terminated(anna) && terminated(carla));
    assert.match(anna.byes[0] ?? '', /hung up by 1001 over UCI/);
    assert.equal(carla.byes.length, 1);
    await a.waitFor(isState('1001', 'HANGUP'));
    await c.waitFor(isState('1003', 'HANGUP'));
    assert.deepEqual(await a.request(M.getCallIds), []);
    assert.deepEqual((await sim.admin.get('/sim/calls')).body, []);
  });

  it('click-to-dial virtual phone 1099: answered by the simulator; the phone hangs up with BYE', async () => {
    const anna = await phone(DEMO_USERS.anna);
    const a = await uci(DEMO_USERS.anna);
    const { callId } = await a.request(M.placeCallWithPhone, { destination: '1099', callId: 'my-own-call-id' });
    assert.equal(callId, 'my-own-call-id', 'the callId the client chose');
    await until('1001 answered', () => established(anna));
    assert.equal(anna.invitations[0].remoteIdentity.displayName, 'Demo Hotline');
    await a.waitFor(isState('1001', 'CONNECTED'));
    assert.match(
      anna.invitations[0].sessionDescriptionHandler.remote,
      /^m=audio \d+ RTP\/AVP 8\r$/m,
      "the virtual phone's answer in the ACK",
    );
    assert.deepEqual(callStates(a, '1001'), ['PROCEEDING', 'RINGBACK', 'CONNECTED']);
    await anna.invitations[0].bye();
    await a.waitFor(isState('1001', 'HANGUP'));
    assert.deepEqual(await a.request(M.getCallIds), []);
  });

  it('click-to-dial to an unregistered user, a busy user or an unknown number: the phone gets a BYE with the reason, HANGUP', async () => {
    const anna = await phone(DEMO_USERS.anna);
    const a = await uci(DEMO_USERS.anna, [CALL_EVENT_SERVICE, SIM_SERVICES.log]);
    const { callId } = await a.request(M.placeCallWithPhone, ['1002']);
    await until('BYE', () => anna.byes.length === 1, 10_000);
    assert.match(anna.byes[0]!, /cause=480/);
    assert.match(anna.byes[0]!, /1002 \(Bernd .*\) has no registered phone/);
    await a.waitFor(isState('1001', 'HANGUP'));
    const log = await a.waitFor((n) => n.params.event === 'click-to-dial-failed');
    assert.equal(log.params.data.callId, callId);
    assert.match(log.params.data.message, /has no registered phone/);

    const carla = await phone(DEMO_USERS.carla, null);
    carla.onInvite = (inv) => void inv.reject({ statusCode: 486 });
    await a.request(M.placeCallWithPhone, ['1003']);
    await until('BYE', () => anna.byes.length === 2, 10_000);
    assert.match(anna.byes[1]!, /cause=486/);

    await a.request(M.placeCallWithPhone, ['4711']);
    await until('BYE', () => anna.byes.length === 3, 10_000);
    assert.match(anna.byes[2]!, /cause=404;text="4711 is no user, extension or virtual phone/);
    await until('three HANGUPs', () => callStates(a, '1001').filter((s) => s === 'HANGUP').length === 3);
  });

  it('hangupCall while the phone still rings: CANCEL to the phone, HANGUP', async () => {
    const anna = await phone(DEMO_USERS.anna, null);
    const a = await uci(DEMO_USERS.anna);
    const { callId } = await a.request(M.placeCallWithPhone, ['1003']);
    await until('ringing', () => anna.invitations.length === 1);
    assert.equal(await a.request(M.hangupCall, { callId }), true);
    await until('cancelled', () => terminated(anna));
    await a.waitFor(isState('1001', 'HANGUP'));
    assert.deepEqual(callStates(a, '1001'), ['PROCEEDING', 'HANGUP']);
  });

  it('placeCallWithPhone without a registered phone, or with a phoneId that matches none → -32006', async () => {
    const a = await uci(DEMO_USERS.anna);
    let r = await a.call(M.placeCallWithPhone, ['1003']);
    assert.equal(r.error.code, UCI_ERRORS.noPhone);
    assert.match(r.error.message, /1001 has no registered phone/);
    await phone(DEMO_USERS.anna);
    r = await a.call(M.placeCallWithPhone, { destination: '1003', phoneId: 'sip:nobody@nowhere' });
    assert.equal(r.error.code, UCI_ERRORS.noPhone);
    assert.match(r.error.message, /matches phoneId/);
    assert.deepEqual(callStates(a, '1001'), []);
  });

  it('hangupCall by the admin of a call proxied between two sip.js phones: both get a BYE, HANGUP', async () => {
    const anna = await phone(DEMO_USERS.anna);
    const carla = await phone(DEMO_USERS.carla);
    const admin = await uci(ADMIN);
    const out = call(SIP, anna, '1003');
    await out.accepted;
    await until('established', () => out.inviter.state === SIP.SessionState.Established && established(carla));
    const connected = await admin.waitFor(isState('1001', 'CONNECTED'));
    let annaBye = '';
    out.inviter.delegate = {
      onBye: (bye: any) => {
        annaBye = bye.request.getHeader('reason') ?? '';
        void bye.accept();
      },
    };
    assert.equal(await admin.request(M.hangupCall, [connected.params.data.id]), true);
    await until('both got BYE', () => out.inviter.state === SIP.SessionState.Terminated && terminated(carla));
    assert.match(annaBye, /hung up by admin over UCI/);
    assert.match(carla.byes[0] ?? '', /hung up by admin over UCI/);
    await admin.waitFor(isState('1001', 'HANGUP'));
    await admin.waitFor(isState('1003', 'HANGUP'));
    assert.deepEqual((await sim.admin.get('/sim/calls')).body, []);
  });
});
