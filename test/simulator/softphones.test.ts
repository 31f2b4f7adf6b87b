/**
 * Real softphones from Debian against the simulator: baresip 1.0.0 (1001, over its ctrl_tcp interface) and
 * linphonec 5.1 (1002, over its stdin), each over UDP and over TCP: register, call each other, call the virtual
 * phone 1099, hang up, unregister; with the UCI call states of both parties. Every softphone runs under strace:
 * nothing may leave loopback. Provisioning installs baresip, linphone-cli and strace (as root), else fails with the
 * command to run.
 */
import assert from 'node:assert/strict';
import { CALL_EVENT_SERVICE } from '../../shared/schemas/calls.js';
import { UCI_METHODS } from '../../shared/schemas/uci.js';
import { Baresip } from '../support/baresip.js';
import { Linphone } from '../support/linphone.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { ensureSoftphones, stopAllPhoneProcesses } from '../support/softphone-process.js';
import { networkFindings } from '../support/strace-net.js';
import { UciClient } from '../support/uci-client.js';
import { until } from '../support/until.js';

const ANNA = DEMO_USERS.anna;
const BERND = DEMO_USERS.bernd;

describe('softphones: baresip and linphonec register and call', function () {
  this.timeout(60_000);
  let sim: RunningSim;
  /** Each softphone's strace log, once it has ended. */
  const traces: { phone: string; log: string }[] = [];

  before(async function () {
    this.timeout(900_000);
    await ensureSoftphones();
    sim = await startSim();
  });
  after(async () => {
    await stopAllPhoneProcesses();
    await sim?.stop();
  });

  const bindings = async (): Promise<any[]> => (await sim.admin.get('/sim/registrations')).body;
  const bindingOf = async (login: string) => (await bindings()).find((b) => b.aor.startsWith(`sip:${login}@`));

  for (const transport of ['udp', 'tcp'] as const) {
    describe(`over ${transport.toUpperCase()}`, () => {
      const T = transport.toUpperCase();
      let bare: Baresip | undefined;
      let lin: Linphone | undefined;
      let anna: UciClient;
      let bernd: UciClient;

      before(async function () {
        this.timeout(60_000);
        const server = transport === 'udp' ? sim.addresses.sipUdp : sim.addresses.sipTcp;
        bare = await Baresip.start({ user: ANNA, server, transport, autoAnswer: true });
        lin = await Linphone.start({ user: BERND, server, transport, autoAnswer: true, name: 'Bernd Brandt' });
        anna = await UciClient.as(sim.addresses.uci, ANNA);
        bernd = await UciClient.as(sim.addresses.uci, BERND);
        await anna.request(UCI_METHODS.subscribeEvents, { services: [CALL_EVENT_SERVICE] });
        await bernd.request(UCI_METHODS.subscribeEvents, { services: [CALL_EVENT_SERVICE] });
      });
      after(async () => {
        anna?.ws.terminate();
        bernd?.ws.terminate();
        if (bare) traces.push({ phone: `baresip over ${T}`, log: await bare.stop() });
        if (lin) traces.push({ phone: `linphonec over ${T}`, log: await lin.stop() });
        bare = lin = undefined;
      });

      /** The call states `login` saw from notification `from` on, one call (the first id seen). */
      const states = (c: UciClient, login: string, from: number): string[] => {
        const mine = c.notifications
          .slice(from)
          .filter((n) => n.params.service === CALL_EVENT_SERVICE && n.params.data.login === login);
        const id = mine[0]?.params.data.id;
        return mine.filter((n) => n.params.data.id === id).map((n) => n.params.data.state);
      };
      const hungUp = (c: UciClient, login: string, from: number) => states(c, login, from).includes('HANGUP');

      it(`both register over ${T}: /rest/sim/registrations lists baresip (1001) and linphonec (1002)`, async () => {
        await waitFor('baresip 1001 registered', async () => (await bindingOf(ANNA.login))?.transport === T);
        await waitFor('linphonec 1002 registered', async () => (await bindingOf(BERND.login))?.transport === T);
        const list = await bindings();
        assert.equal(list.length, 2, JSON.stringify(list));
        const b1 = list.find((b) => b.aor.startsWith('sip:1001@'));
        const b2 = list.find((b) => b.aor.startsWith('sip:1002@'));
        assert.match(b1.userAgent, /baresip/i);
        assert.match(b2.userAgent, /linphone/i);
        for (const b of [b1, b2]) {
          assert.equal(b.transport, T);
          assert.match(b.contact, /^sip:[^@]+@127\.0\.0\.1:\d+/, 'the contact is on loopback');
          assert.ok(b.expiresIn > 0 && b.expiresIn <= 300, String(b.expiresIn));
        }
      });

      it('baresip (1001) calls linphonec (1002), which answers; baresip hangs up', async () => {
        const [fa, fb, from] = [anna.notifications.length, bernd.notifications.length, bare!.events.length];
        await bare!.command('dial', bare!.uri(BERND.login));
        await bare!.waitEvent('CALL_ESTABLISHED', from);
        await waitFor(
          '1001 and 1002 CONNECTED',
          () => states(anna, '1001', fa).includes('CONNECTED') && states(bernd, '1002', fb).includes('CONNECTED'),
        );
        const listed = (await sim.admin.get('/sim/calls')).body;
        assert.equal(listed.length, 1, JSON.stringify(listed));
        assert.equal(listed[0].caller.number, '1001');
        assert.equal(listed[0].callee.number, '1002');
        assert.equal(listed[0].callee.state, 'CONNECTED');

        await bare!.command('hangup');
        await bare!.waitEvent('CALL_CLOSED', from);
        await waitFor('HANGUP for both', () => hungUp(anna, '1001', fa) && hungUp(bernd, '1002', fb));
        assert.deepEqual(states(anna, '1001', fa), ['PROCEEDING', 'RINGBACK', 'CONNECTED', 'HANGUP']);
        assert.deepEqual(states(bernd, '1002', fb), ['INCOMING', 'RINGING', 'CONNECTED', 'HANGUP']);
        await lin!.wait(/Call \d+ with <?sip:1001@\S+ ended/, 'linphonec saw the call end');
        assert.deepEqual((await sim.admin.get('/sim/calls')).body, []);
      });

      it('linphonec (1002) calls baresip (1001), which answers; linphonec hangs up', async () => {
        const [fa, fb, from] = [anna.notifications.length, bernd.notifications.length, bare!.events.length];
        const out = lin!.outputLength;
        await lin!.run(`call ${lin!.uri(ANNA.login)}`);
        await lin!.wait(/Call \d+ with <?sip:1001@\S+ connected/, 'linphonec connected', out);
        await bare!.waitEvent('CALL_ESTABLISHED', from);
        await waitFor(
          '1002 and 1001 CONNECTED',
          () => states(bernd, '1002', fb).includes('CONNECTED') && states(anna, '1001', fa).includes('CONNECTED'),
        );

        await lin!.run('terminate');
        await bare!.waitEvent('CALL_CLOSED', from);
        await waitFor('HANGUP for both', () => hungUp(anna, '1001', fa) && hungUp(bernd, '1002', fb));
        assert.deepEqual(states(bernd, '1002', fb), ['PROCEEDING', 'RINGBACK', 'CONNECTED', 'HANGUP']);
        assert.deepEqual(states(anna, '1001', fa), ['INCOMING', 'RINGING', 'CONNECTED', 'HANGUP']);
      });

      it('baresip calls the virtual phone 1099, which answers; baresip hangs up', async () => {
        const [fa, from] = [anna.notifications.length, bare!.events.length];
        await bare!.command('dial', bare!.uri('1099'));
        await bare!.waitEvent('CALL_ESTABLISHED', from);
        await bare!.command('hangup');
        await bare!.waitEvent('CALL_CLOSED', from);
        await waitFor('HANGUP of 1001', () => hungUp(anna, '1001', fa));
        assert.deepEqual(states(anna, '1001', fa), ['PROCEEDING', 'RINGBACK', 'CONNECTED', 'HANGUP']);
        const connected = anna.notifications.slice(fa).find((n) => n.params.data.state === 'CONNECTED')!;
        assert.equal(connected.params.data.calledNumber, '1099');
        assert.equal(connected.params.data.calledName, 'Demo Hotline');
      });

      it('linphonec calls the virtual phone 1099, which answers; linphonec hangs up', async () => {
        const fb = bernd.notifications.length;
        const out = lin!.outputLength;
        await lin!.run(`call ${lin!.uri('1099')}`);
        await lin!.wait(/Call \d+ with <?sip:1099@\S+ connected/, 'linphonec connected to 1099', out);
        await lin!.run('terminate');
        await lin!.wait(/Call \d+ with <?sip:1099@\S+ ended/, 'linphonec ended the call', out);
        await waitFor('HANGUP of 1002', () => hungUp(bernd, '1002', fb));
        assert.deepEqual(states(bernd, '1002', fb), ['PROCEEDING', 'RINGBACK', 'CONNECTED', 'HANGUP']);
      });

      it('unregistering removes each binding', async () => {
        // The first REGISTER_OK may come before the control connection; every call event names the account too.
        const account = bare!.events.find((e) => e.accountaor)?.accountaor;
        assert.ok(account, 'baresip named its account in an event');
        const deleted = await bare!.command('uadel', account);
        assert.ok(deleted.ok, `uadel ${account}: ${deleted.data}`);
        await waitFor('the binding of 1001 removed', async () => (await bindingOf(ANNA.login)) === undefined);
        assert.ok(await bindingOf(BERND.login), 'the binding of 1002 stays');
        await lin!.run('unregister');
        await waitFor('the binding of 1002 removed', async () => (await bindingOf(BERND.login)) === undefined);
        assert.deepEqual(await bindings(), []);
      });
    });
  }

  describe('loopback only', () => {
    // Per process, from strace: this machine's other interfaces carry other tenants' traffic now and then (other
    // test runs, browsers), so their counters cannot tell whose packets they were.
    it('no softphone sent anything beyond loopback (every connect/sendto/sendmsg under strace)', () => {
      assert.equal(traces.length, 4, 'both softphones ran over both transports');
      for (const { phone, log } of traces) {
        const found = networkFindings(log);
        assert.ok(found.calls > 0, `${phone}: the strace log holds its network calls`);
        assert.deepEqual(found.offLoopback, [], `${phone} talked to a non-loopback address`);
        // liblinphone 5.1 asks the kernel for its route towards a public address when its core starts and when a
        // call starts (connect() of a UDP socket, nothing sent: no packet leaves); no setting turns it off.
        if (phone.startsWith('baresip'))
          assert.deepEqual(found.routeLookups, [], `${phone} looked up a route off loopback`);
      }
    });
  });
});

/** The phones' own pace (registration, answering) gets a 15 s ceiling, polled every 50 ms. */
const waitFor = (what: string, check: () => boolean | Promise<boolean>): Promise<boolean> =>
  until(what, check, 15_000, 50);
