/**
 * Calls through the simulator's SIP proxy with real sip.js 0.21.2 user agents over the WebSocket transport:
 * forking, CANCEL, BYE, busy/decline/not registered/timeout, in-dialog INFO and re-INVITE, virtual phones,
 * and the UCI call-state events on the bus.
 */
import assert from 'node:assert/strict';
import { CALL_EVENT_SERVICE, CALL_STATE_EVENT, CallStateSchema, type CallState } from '../../shared/schemas/calls.js';
import { ScenarioSchema } from '../../shared/schemas/scenario.js';
import type { SimEvent } from '../../shared/schemas/events.js';
import { demoScenario } from '../../simulator/src/scenarios/builtin.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import {
  call as dial,
  loadSipJs,
  startPhone,
  stopPhones,
  until,
  type Outcome,
  type Phone,
  type SipModule,
} from '../support/sipjs.js';
import { cleanUp } from '../support/cleanup.js';

let SIP: SipModule;

describe('simulator: SIP calls (sip.js over WebSocket)', function () {
  this.timeout(30_000);
  let sim: RunningSim;
  let wsUrl: string;
  let phones: Phone[];
  let events: CallState[];
  let unsubscribe: () => void;

  before(async () => {
    SIP = await loadSipJs();
  });

  async function start(opts: { ringTimeoutMs?: number } = {}): Promise<void> {
    sim = await startSim({ scenario: 'demo', ...opts });
    wsUrl = sim.addresses.sipWs;
    phones = [];
    events = [];
    unsubscribe = sim.sim.subscribe((e: SimEvent) => {
      if (e.service === CALL_EVENT_SERVICE && e.event === CALL_STATE_EVENT) events.push(CallStateSchema.parse(e.data));
    });
  }

  afterEach(() =>
    cleanUp(
      () => unsubscribe?.(),
      () => stopPhones(phones ?? []),
      () => sim?.stop(),
    ),
  );

  /** A started user agent; registered unless `register` is false. */
  async function phone(
    user: { login: string; password: string },
    opts: { register?: boolean; password?: string } = {},
  ): Promise<Phone> {
    const p = await startPhone(SIP, wsUrl, user, opts);
    phones.push(p);
    return p;
  }

  const call = (from: Phone, target: string): Outcome => dial(SIP, from, target);

  const statesOf = (login: string) => events.filter((e) => e.login === login).map((e) => e.state);

  it('1001 calls 1003: ringing, answer, hang-up, with the call states of both parties', async () => {
    await start();
    const anna = await phone(DEMO_USERS.anna);
    const carla = await phone(DEMO_USERS.carla);
    let listed: any[] = [];
    carla.onInvite = (inv) => {
      setTimeout(() => void inv.accept(), 150);
    };
    const out = call(anna, '1003');
    const answer = await out.accepted;
    assert.equal(answer.message.statusCode, 200);
    assert.ok(out.progress.includes(180), `180 Ringing reached the caller (${out.progress})`);
    await until('established', () => out.inviter.state === SIP.SessionState.Established);
    listed = (await sim.admin.get('/sim/calls')).body;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].caller.number, '1001');
    assert.equal(listed[0].callee.name, 'Carla Conrad');
    assert.equal(listed[0].callee.state, 'CONNECTED');
    assert.ok(answer.message.getHeaders('record-route').length >= 1, 'the proxy record-routes');

    await out.inviter.bye();
    const carlaSession = carla.invitations[0];
    await until('callee terminated by the BYE', () => carlaSession.state === SIP.SessionState.Terminated);
    await until('HANGUP events', () => statesOf('1003').includes('HANGUP') && statesOf('1001').includes('HANGUP'));
    assert.deepEqual(statesOf('1001'), ['PROCEEDING', 'RINGBACK', 'CONNECTED', 'HANGUP']);
    assert.deepEqual(statesOf('1003'), ['INCOMING', 'RINGING', 'CONNECTED', 'HANGUP']);
    for (const e of events) {
      assert.equal(e.callerNumber, '1001');
      assert.equal(e.callerName, 'Anna Albers');
      assert.equal(e.calledNumber, '1003');
      assert.equal(e.calledName, 'Carla Conrad');
    }
    const annaIds = new Set(events.filter((e) => e.login === '1001').map((e) => e.id));
    const carlaIds = new Set(events.filter((e) => e.login === '1003').map((e) => e.id));
    assert.equal(annaIds.size, 1, 'one call id per party, stable through the call');
    assert.equal(carlaIds.size, 1);
    assert.notDeepEqual([...annaIds], [...carlaIds]);
    assert.match([...annaIds][0]!, /^[0-9a-f-]{36}$/);
    // The events reach REST too, and the call is gone from the live list.
    const rest = (await sim.admin.get('/sim/events?sinceSeq=0')).body.events.filter(
      (e: any) => e.service === 'ucp.v22.events.call',
    );
    assert.equal(rest.length, 8);
    assert.deepEqual((await sim.admin.get('/sim/calls')).body, []);
  });

  it('the callee hangs up: the BYE reaches the caller through the proxy', async () => {
    await start();
    const anna = await phone(DEMO_USERS.anna);
    const carla = await phone(DEMO_USERS.carla);
    const out = call(anna, '1003');
    await out.accepted;
    await until('callee established', () => carla.invitations[0]?.state === SIP.SessionState.Established);
    await carla.invitations[0].bye();
    await until('caller terminated', () => out.inviter.state === SIP.SessionState.Terminated);
    await until('HANGUP', () => statesOf('1001').at(-1) === 'HANGUP' && statesOf('1003').at(-1) === 'HANGUP');
  });

  it('busy (486) and decline (603) reach the caller, with HANGUP', async () => {
    await start();
    const anna = await phone(DEMO_USERS.anna);
    const carla = await phone(DEMO_USERS.carla);
    carla.onInvite = (inv) => void inv.reject({ statusCode: 486 });
    assert.equal(await call(anna, '1003').rejected, 486);
    await until('HANGUP', () => statesOf('1001').includes('HANGUP'));
    // sip.js sends its automatic 180 before the application's answer, so RINGBACK/RINGING may come first.
    assert.deepEqual(
      statesOf('1001').filter((s) => s !== 'RINGBACK'),
      ['PROCEEDING', 'HANGUP'],
    );
    assert.deepEqual(
      statesOf('1003').filter((s) => s !== 'RINGING'),
      ['INCOMING', 'HANGUP'],
    );

    events.length = 0;
    carla.onInvite = (inv) => setTimeout(() => void inv.reject({ statusCode: 603 }), 50);
    assert.equal(await call(anna, '1003').rejected, 603);
    await until('HANGUP', () => statesOf('1001').includes('HANGUP'));
    assert.deepEqual(statesOf('1001'), ['PROCEEDING', 'RINGBACK', 'HANGUP']);
    assert.deepEqual(statesOf('1003'), ['INCOMING', 'RINGING', 'HANGUP']);
  });

  it('a user without a registration gets 480, an unknown number 404', async () => {
    await start();
    const anna = await phone(DEMO_USERS.anna);
    assert.equal(await call(anna, '1002').rejected, 480);
    assert.equal(await call(anna, '4711').rejected, 404);
    await until('HANGUP', () => statesOf('1001').includes('HANGUP'));
    assert.deepEqual(statesOf('1001'), ['PROCEEDING', 'HANGUP']);
    assert.deepEqual(statesOf('1002'), [], 'an unreachable callee sees nothing');
  });

  it('cancel while ringing: the caller gets 487, the callee a CANCEL, both HANGUP', async () => {
    await start();
    const anna = await phone(DEMO_USERS.anna);
    const carla = await phone(DEMO_USERS.carla);
    carla.onInvite = () => {};
    const out = call(anna, '1003');
    await until('ringing', () => out.progress.includes(180));
    await out.inviter.cancel();
    assert.equal(await out.rejected, 487);
    await until('callee cancelled', () => carla.invitations[0]?.state === SIP.SessionState.Terminated);
    await until('HANGUP', () => statesOf('1003').includes('HANGUP'));
    assert.deepEqual(statesOf('1001'), ['PROCEEDING', 'RINGBACK', 'HANGUP']);
    assert.deepEqual(statesOf('1003'), ['INCOMING', 'RINGING', 'HANGUP']);
  });

  it('no answer within the ring timeout: 408 to the caller, CANCEL to the callee', async () => {
    await start({ ringTimeoutMs: 400 });
    const anna = await phone(DEMO_USERS.anna);
    const carla = await phone(DEMO_USERS.carla);
    carla.onInvite = () => {};
    assert.equal(await call(anna, '1003').rejected, 408);
    await until('callee cancelled', () => carla.invitations[0]?.state === SIP.SessionState.Terminated);
    assert.deepEqual(statesOf('1001'), ['PROCEEDING', 'RINGBACK', 'HANGUP']);
  });

  it('forks to every contact: both devices ring, one answers, the other is cancelled', async () => {
    await start();
    const anna = await phone(DEMO_USERS.anna);
    const desk = await phone(DEMO_USERS.carla);
    const mobile = await phone(DEMO_USERS.carla);
    desk.onInvite = () => {};
    mobile.onInvite = (inv) => setTimeout(() => void inv.accept(), 200);
    const regs = (await sim.admin.get('/sim/registrations')).body.filter((r: any) => r.login === '1003');
    assert.equal(regs.length, 2);
    const out = call(anna, '1003');
    await out.accepted;
    assert.equal(desk.invitations.length, 1, 'the desk phone rang');
    assert.equal(mobile.invitations.length, 1, 'the mobile rang');
    await until('the other branch was cancelled', () => desk.invitations[0].state === SIP.SessionState.Terminated);
    await until('mobile established', () => mobile.invitations[0].state === SIP.SessionState.Established);
    assert.deepEqual(
      statesOf('1003'),
      ['INCOMING', 'RINGING', 'CONNECTED'],
      'one view of the call for the called user',
    );
    await out.inviter.bye();
    await until('mobile hung up', () => mobile.invitations[0].state === SIP.SessionState.Terminated);
  });

  it('in-dialog INFO and re-INVITE reach the other side', async () => {
    await start();
    const anna = await phone(DEMO_USERS.anna);
    const carla = await phone(DEMO_USERS.carla);
    const infos: string[] = [];
    carla.onInvite = (inv) => {
      inv.delegate = {
        onInfo: (info: any) => {
          infos.push(info.request.body);
          void info.accept();
        },
      };
      void inv.accept();
    };
    const out = call(anna, '1003');
    await out.accepted;
    await until(
      'established',
      () =>
        out.inviter.state === SIP.SessionState.Established &&
        carla.invitations[0]?.state === SIP.SessionState.Established,
    );
    let infoStatus = 0;
    await out.inviter.info({
      requestOptions: {
        body: {
          contentDisposition: 'render',
          contentType: 'application/dtmf-relay',
          content: 'Signal=5\r\nDuration=160',
        },
      },
      requestDelegate: { onAccept: (r: any) => (infoStatus = r.message.statusCode) },
    });
    await until('INFO answered', () => infoStatus === 200);
    assert.match(infos[0] ?? '', /Signal=5/);

    // A re-INVITE from the callee's side travels the other way.
    let reinvite = 0;
    await carla.invitations[0].invite({ requestDelegate: { onAccept: (r: any) => (reinvite = r.message.statusCode) } });
    await until('re-INVITE answered', () => reinvite === 200);
    await out.inviter.bye();
    await until('HANGUP', () => statesOf('1003').includes('HANGUP'));
    assert.deepEqual(
      statesOf('1001'),
      ['PROCEEDING', 'RINGBACK', 'CONNECTED', 'HANGUP'],
      're-INVITE does not change the call state',
    );
  });

  it('virtual phone 1099 of the demo answers by itself with an SDP answer', async () => {
    await start();
    const anna = await phone(DEMO_USERS.anna);
    const out = call(anna, '1099');
    const answer = await out.accepted;
    // It rings first and answers by itself later (answerAfterMs): 180 before the 200, RINGBACK before CONNECTED.
    assert.ok(out.progress.includes(180), `180 Ringing reached the caller (${out.progress})`);
    await until('CONNECTED', () => statesOf('1001').includes('CONNECTED'));
    assert.deepEqual(statesOf('1001'), ['PROCEEDING', 'RINGBACK', 'CONNECTED']);
    const sdp = String(answer.message.body);
    assert.match(sdp, /^m=audio \d+ RTP\/AVP 8\r$/m, 'the first offered payload type');
    assert.match(sdp, /a=sendrecv/);
    assert.match(sdp, /c=IN IP4 127\.0\.0\.1/);
    await until('established', () => out.inviter.state === SIP.SessionState.Established);
    const listed = (await sim.admin.get('/sim/calls')).body;
    assert.equal(listed[0].callee.kind, 'virtual');
    assert.equal(listed[0].callee.name, 'Demo Hotline');
    let byeStatus = 0;
    await out.inviter.bye({ requestDelegate: { onAccept: (r: any) => (byeStatus = r.message.statusCode) } });
    await until('BYE answered', () => byeStatus === 200);
    assert.deepEqual(statesOf('1001'), ['PROCEEDING', 'RINGBACK', 'CONNECTED', 'HANGUP']);
    assert.ok(events.every((e) => e.calledNumber === '1099' && e.calledName === 'Demo Hotline' && e.login === '1001'));
  });

  it('virtual phones that are busy, decline or never answer', async () => {
    await start({ ringTimeoutMs: 500 });
    const scenario = demoScenario();
    scenario.virtualPhones = [
      { extension: '1097', name: 'Busy Line', behaviour: 'busy' },
      { extension: '1098', name: 'Grumpy', behaviour: 'decline', answerAfterMs: 50 },
      { extension: '1096', name: 'Nobody Home', behaviour: 'no-answer' },
    ];
    assert.equal((await sim.admin.post('/sim/scenario', { scenario })).status, 200);
    const anna = await phone(DEMO_USERS.anna);
    assert.equal(await call(anna, '1097').rejected, 486);
    assert.equal(await call(anna, '1098').rejected, 603);
    const silent = call(anna, '1096');
    assert.equal(await silent.rejected, 408);
    assert.ok(silent.progress.includes(180));
  });

  it('refuses a wrong password: 401 on REGISTER, 407 on INVITE', async () => {
    await start();
    const bad = await phone(DEMO_USERS.anna, { register: false, password: 'not-the-password' });
    const registerer = new SIP.Registerer(bad.ua);
    let status = 0;
    await registerer.register({ requestDelegate: { onReject: (r: any) => (status = r.message.statusCode) } });
    await until('REGISTER refused', () => status !== 0);
    assert.equal(status, 401);
    const carla = await phone(DEMO_USERS.carla);
    assert.equal(await call(bad, '1003').rejected, 407);
    assert.equal(carla.invitations.length, 0, 'an unauthenticated INVITE reaches nobody');
    assert.deepEqual(events, []);
  });

  it('the scenario schema refuses a virtual phone on a user extension', () => {
    const s = demoScenario();
    s.virtualPhones = [{ extension: '1003', name: 'Clash' }];
    const parsed = ScenarioSchema.safeParse(s);
    assert.equal(parsed.success, false);
    assert.match(JSON.stringify(parsed.error?.issues), /virtualPhones/);
    const ok = ScenarioSchema.parse({ ...demoScenario() });
    assert.deepEqual(ok.virtualPhones, [
      { extension: '1099', name: 'Demo Hotline', behaviour: 'answer', answerAfterMs: 1000 },
    ]);
  });
});
