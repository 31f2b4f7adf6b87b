/**
 * The PBX's call routing over real SIP (sip.js 0.21.2 over WebSocket) with a UCI subscriber watching the call
 * states: group calls forked to the members, redirects (ALWAYS, BUSY, TIMEOUT) to a number or a mailbox, the
 * virtual voicemail leaving a message, and the caller's display number. Redirects are set up through the state
 * holder (the REST operations for them are separate work).
 */
import assert from 'node:assert/strict';
import { CALL_EVENT_SERVICE } from '../../shared/schemas/calls.js';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { UCI_METHODS } from '../../shared/schemas/uci.js';
import { VoicemailMessageSchema, type StoredRedirect } from '../../simulator/src/state/telephonyModel.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { call, loadSipJs, startPhone, stopPhones, until, type Phone, type SipModule } from '../support/sipjs.js';
import { UciClient } from '../support/uci-client.js';
import { cleanUp, each } from '../support/cleanup.js';

let SIP: SipModule;

describe('simulator: call routing (groups, redirects, voicemail, display number)', function () {
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

  /** A registered phone; `answerAfterMs` null: it rings and never answers. */
  async function phone(user: { login: string; password: string }, answerAfterMs: number | null = 0) {
    const p = await startPhone(SIP, wsUrl, user);
    p.onInvite = (inv) => {
      inv.delegate = { onBye: (bye: any) => void bye.accept() };
      if (answerAfterMs !== null) setTimeout(() => void inv.accept(), answerAfterMs);
    };
    phones.push(p);
    return p;
  }

  async function uci(user: { login: string; password: string }): Promise<UciClient> {
    const c = await UciClient.as(sim.addresses.uci, user);
    clients.push(c);
    await c.request(UCI_METHODS.subscribeEvents, { services: [CALL_EVENT_SERVICE] });
    return c;
  }
  const states = (c: UciClient, login: string): string[] =>
    c.notifications
      .filter((n) => n.params.service === CALL_EVENT_SERVICE && n.params.data.login === login)
      .map((n) => n.params.data.state);
  const lastOf = (c: UciClient, login: string): Record<string, string> =>
    c.notifications.filter((n) => n.params.service === CALL_EVENT_SERVICE && n.params.data.login === login).at(-1)
      ?.params.data ?? {};

  const holder = () => sim.internals.holder!;
  const userId = (login: string) => holder().state.users.find((u) => u.login === login)!.id;
  const numberId = (digits: string) => holder().state.phoneNumbers.find((n) => n.number === digits)!.id;

  /** An enabled redirect of `login`'s internal number. */
  async function redirect(
    login: string,
    trigger: StoredRedirect['trigger'],
    target: StoredRedirect['target'],
    delaySeconds = 0,
  ) {
    await holder().commit((s) => {
      s.redirects = s.redirects.filter((r) => !(r.accountId === userId(login) && r.trigger === trigger));
      s.redirects.push({
        id: `test-${trigger}`,
        accountId: userId(login),
        phoneNumberId: numberId(login),
        trigger,
        enabled: true,
        target,
        lastPhoneNumber: null,
        lastVoicemailboxId: null,
        delaySeconds,
      });
    });
  }
  const mailbox = (digits: string) => holder().state.voicemailboxes.find((v) => v.number === digits)!;

  it('a call to group 1010 rings both members; one answers, the other is cancelled and sees HANGUP', async () => {
    const anna = await phone(DEMO_USERS.anna, null);
    const bernd = await phone(DEMO_USERS.bernd, 100);
    const carla = await phone(DEMO_USERS.carla);
    const ua = await uci(DEMO_USERS.anna);
    const ub = await uci(DEMO_USERS.bernd);
    const out = call(SIP, carla, '1010');
    await out.accepted;
    assert.equal(bernd.invitations.length, 1);
    await until('anna was cancelled', () => anna.invitations[0]?.state === SIP.SessionState.Terminated);
    await ub.waitFor((n) => n.params.data?.login === '1002' && n.params.data.state === 'CONNECTED');
    await ua.waitFor((n) => n.params.data?.login === '1001' && n.params.data.state === 'HANGUP');
    assert.deepEqual(states(ua, '1001'), ['INCOMING', 'RINGING', 'HANGUP']);
    assert.deepEqual(states(ub, '1002'), ['INCOMING', 'RINGING', 'CONNECTED']);
    assert.equal(lastOf(ub, '1002').calledNumber, '1010', 'the member sees the group number');
    assert.equal(lastOf(ub, '1002').calledName, 'Support');
    assert.equal(lastOf(ub, '1002').callerNumber, '1003');
    await out.inviter.bye();
    await ub.waitFor((n) => n.params.data?.login === '1002' && n.params.data.state === 'HANGUP');
  });

  it('a member logged out of the group is not rung; no registered member → 480', async () => {
    await holder().commit((s) => {
      for (const m of s.groups[0]!.members) if (m.userId === userId('1001')) m.loggedIn = false;
    });
    const anna = await phone(DEMO_USERS.anna);
    const carla = await phone(DEMO_USERS.carla);
    assert.equal(await call(SIP, carla, '1010').rejected, 480);
    assert.equal(anna.invitations.length, 0);
  });

  it('ALWAYS redirect of 1002 to the external number of 1003: 1003 rings and answers, 1002 never rings', async () => {
    await redirect('1002', 'ALWAYS', { type: 'PHONENUMBER', phoneNumber: '+4930555013' });
    const anna = await phone(DEMO_USERS.anna);
    const bernd = await phone(DEMO_USERS.bernd);
    const carla = await phone(DEMO_USERS.carla);
    const uc = await uci(DEMO_USERS.carla);
    const ua = await uci(DEMO_USERS.anna);
    const out = call(SIP, anna, '1002');
    await out.accepted;
    assert.equal(bernd.invitations.length, 0);
    assert.equal(carla.invitations.length, 1);
    await uc.waitFor((n) => n.params.data?.login === '1003' && n.params.data.state === 'CONNECTED');
    assert.deepEqual(states(uc, '1003'), ['INCOMING', 'RINGING', 'CONNECTED']);
    assert.equal(lastOf(uc, '1003').callerNumber, '1001');
    assert.equal(lastOf(uc, '1003').calledNumber, '+4930555013');
    await ua.waitFor((n) => n.params.data?.login === '1001' && n.params.data.state === 'CONNECTED');
    assert.equal(lastOf(ua, '1001').calledNumber, '1002', 'the caller still sees whom it dialled');
    await out.inviter.bye();
  });

  it('BUSY redirect while 1002 is in a call (no call waiting): the second caller reaches 1003', async () => {
    await redirect('1002', 'BUSY', { type: 'PHONENUMBER', phoneNumber: '1003' });
    await holder().commit((s) => {
      const settings = s.telephonySettings.find((t) => t.userId === userId('1002'))!;
      settings.callWaiting = false;
    });
    const anna = await phone(DEMO_USERS.anna);
    const bernd = await phone(DEMO_USERS.bernd);
    const carla = await phone(DEMO_USERS.carla);
    // Carla talks to Bernd; Anna's call to the busy 1002 goes on to Carla (who has call waiting: it knocks).
    const first = call(SIP, carla, '1002');
    await first.accepted;
    const second = call(SIP, anna, '1002');
    await second.accepted;
    assert.equal(bernd.invitations.length, 1, 'the busy user was not rung again');
    assert.equal(carla.invitations.length, 1);
    await second.inviter.bye();
    await first.inviter.bye();
  });

  it('BUSY redirect on a device that answers 486: the call goes on to the target', async () => {
    await redirect('1002', 'BUSY', { type: 'PHONENUMBER', phoneNumber: '1003' });
    const anna = await phone(DEMO_USERS.anna);
    const bernd = await phone(DEMO_USERS.bernd, null);
    bernd.onInvite = (inv) => void inv.reject({ statusCode: 486 });
    const carla = await phone(DEMO_USERS.carla);
    await call(SIP, anna, '1002').accepted;
    assert.equal(carla.invitations.length, 1);
  });

  it('TIMEOUT redirect after its delay: 1002 rings, is cancelled (HANGUP), 1003 answers', async () => {
    await redirect('1002', 'TIMEOUT', { type: 'PHONENUMBER', phoneNumber: '1003' }, 1);
    const anna = await phone(DEMO_USERS.anna);
    const bernd = await phone(DEMO_USERS.bernd, null);
    const carla = await phone(DEMO_USERS.carla);
    const ub = await uci(DEMO_USERS.bernd);
    const uc = await uci(DEMO_USERS.carla);
    const out = call(SIP, anna, '1002');
    await out.accepted;
    assert.equal(bernd.invitations[0]?.state, SIP.SessionState.Terminated, 'bernd got a CANCEL');
    await ub.waitFor((n) => n.params.data?.login === '1002' && n.params.data.state === 'HANGUP');
    assert.deepEqual(states(ub, '1002'), ['INCOMING', 'RINGING', 'HANGUP']);
    await uc.waitFor((n) => n.params.data?.login === '1003' && n.params.data.state === 'CONNECTED');
    assert.equal(carla.invitations.length, 1);
    await out.inviter.bye();
  });

  it('redirect to the mailbox: the voicemail answers; after the hang-up a message entry appears', async () => {
    await redirect('1002', 'ALWAYS', { type: 'MAILBOX', voicemailboxId: mailbox('9002').id });
    const anna = await phone(DEMO_USERS.anna);
    const bernd = await phone(DEMO_USERS.bernd);
    const events: string[] = [];
    const unsubscribe = sim.sim.subscribe((e) => {
      if (e.service === SIM_SERVICES.voicemail) events.push(e.event);
    });
    const out = call(SIP, anna, '1002');
    const accepted = await out.accepted;
    assert.match(accepted.message.body, /m=audio/, 'the voicemail answers with SDP');
    assert.equal(bernd.invitations.length, 0);
    await out.inviter.bye();
    await until('a message in 9002', () => mailbox('9002').messages.length === 1);
    const m = mailbox('9002').messages[0]!;
    assert.equal(m.caller, '1001');
    assert.equal(m.read, false);
    // A stored message as the model keeps it: its length in whole seconds, never negative.
    VoicemailMessageSchema.parse(m);
    await until('the voicemail event', () => events.includes('updated'));
    unsubscribe();
  });

  it("dialling a voicemail box's number reaches it; a redirect loop answers 482", async () => {
    const anna = await phone(DEMO_USERS.anna);
    const out = call(SIP, anna, '9003');
    await out.accepted;
    await out.inviter.bye();
    await until('a message in 9003', () => mailbox('9003').messages.length === 1);

    await redirect('1002', 'ALWAYS', { type: 'PHONENUMBER', phoneNumber: '1003' });
    await redirect('1003', 'ALWAYS', { type: 'PHONENUMBER', phoneNumber: '1002' });
    await holder().commit((s) => {
      const r = s.redirects.find((x) => x.accountId === userId('1003') && x.trigger === 'ALWAYS')!;
      r.id = 'test-loop';
    });
    assert.equal(await call(SIP, anna, '1002').rejected, 482);
  });

  it("the callee sees the caller's display number (its external number) in P-Asserted-Identity", async () => {
    const anna = await phone(DEMO_USERS.anna);
    const bernd = await phone(DEMO_USERS.bernd);
    const out = call(SIP, anna, '+4930555012');
    await out.accepted;
    const inv = bernd.invitations[0];
    assert.equal(
      inv.request.getHeader('P-Asserted-Identity'),
      '"Anna Albers" <sip:+4930555011@pbx.demo.starface.test>',
    );
    await out.inviter.bye();
  });
});
