import assert from 'node:assert/strict';
import { SIM_SERVICES, type SimEvent } from '../../shared/schemas/events.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { sleep } from '../support/until.js';
import { cleanUp, each } from '../support/cleanup.js';
import { assertGranted } from '../support/expiry.js';
import { TEST_TLS } from '../support/testTls.js';

const PBX = 'pbx.demo.starface.test';

type SipJs = typeof import('sip.js');

/** sip.js 0.21.2 user agents in Node over /sip (RFC 7118): the browser's WebSocket is the `ws` package's. */
describe('SIP registrar with sip.js 0.21.2 over WebSocket', function () {
  this.timeout(20_000);
  let SIP: SipJs;
  let sim: RunningSim;
  let events: SimEvent[] = [];
  let unsubscribe: () => void;
  const agents: InstanceType<SipJs['UserAgent']>[] = [];
  let hadWebSocket: boolean;
  let previousWebSocket: unknown;

  before(async () => {
    hadWebSocket = 'WebSocket' in globalThis;
    previousWebSocket = (globalThis as any).WebSocket;
    (globalThis as any).WebSocket = (await import('ws')).WebSocket;
    SIP = await import('sip.js');
    sim = await startSim();
    unsubscribe = sim.sim.subscribe((e) => {
      if (e.service === SIM_SERVICES.registrar) events.push(e);
    });
  });
  after(async () => {
    await cleanUp(
      each(agents, (ua) => ua.stop().catch(() => {})),
      () => unsubscribe?.(),
      () => sim?.stop(),
    );
    if (hadWebSocket) (globalThis as any).WebSocket = previousWebSocket;
    else delete (globalThis as any).WebSocket;
  });
  beforeEach(() => {
    events = [];
  });
  afterEach(async () => {
    for (const ua of agents.splice(0)) await ua.stop().catch(() => {});
  });

  async function agent(user: { login: string; password: string }) {
    const ua = new SIP.UserAgent({
      uri: SIP.UserAgent.makeURI(`sip:${user.login}@${PBX}`),
      authorizationUsername: user.login,
      authorizationPassword: user.password,
      transportOptions: { server: sim.addresses.sipWs },
      logLevel: 'error',
      logBuiltinEnabled: false,
    });
    agents.push(ua);
    await ua.start();
    return ua;
  }

  /** Resolves with the Registerer's state once it is `want`, or the last state after `timeoutMs`. */
  function stateAfter(registerer: InstanceType<SipJs['Registerer']>, want: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve) => {
      if (registerer.state === want) {
        resolve(registerer.state);
        return;
      }
      const listener = (s: string) => {
        if (s === want) done();
      };
      const done = () => {
        clearTimeout(timer);
        registerer.stateChange.removeListener(listener);
        resolve(registerer.state);
      };
      const timer = setTimeout(done, timeoutMs);
      registerer.stateChange.addListener(listener);
    });
  }

  const bindings = async (): Promise<any[]> => (await sim.admin.get('/sim/registrations')).body;

  it('two users register with digest: Registered, and both bindings in /rest/sim/registrations', async () => {
    const anna = await agent(DEMO_USERS.anna);
    const bernd = await agent(DEMO_USERS.bernd);
    const regAnna = new SIP.Registerer(anna);
    const regBernd = new SIP.Registerer(bernd);
    const sentAt = Date.now();
    await Promise.all([regAnna.register(), regBernd.register()]);
    assert.equal(await stateAfter(regAnna, SIP.RegistererState.Registered, 5000), SIP.RegistererState.Registered);
    assert.equal(await stateAfter(regBernd, SIP.RegistererState.Registered, 5000), SIP.RegistererState.Registered);
    const list = await bindings();
    assert.deepEqual(list.map((b) => b.aor).sort(), [`sip:1001@${PBX}`, `sip:1002@${PBX}`]);
    for (const b of list) {
      assert.equal(b.transport, TEST_TLS ? 'WSS' : 'WS');
      assert.match(b.contact, /\.invalid;transport=ws$/);
      assertGranted(b, 600, sentAt); // sip.js asks for 600 s
      assert.match(b.userAgent ?? '', /SIP\.js/);
    }
    assert.equal(events.filter((e) => e.event === 'registered').length, 2);
    assert.equal(events.filter((e) => e.event === 'request-refused').length, 0);
  });

  it('a wrong password is rejected: never Registered, a request-refused event, no binding', async () => {
    const ua = await agent({ login: DEMO_USERS.carla.login, password: 'wrong-password' });
    const registerer = new SIP.Registerer(ua);
    const rejected = new Promise<number | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 5000);
      void registerer.register({
        requestDelegate: {
          onReject: (res) => {
            clearTimeout(timer);
            resolve(res.message.statusCode);
          },
        },
      });
    });
    assert.equal(await rejected, 401, 'the REGISTER was finally rejected');
    assert.notEqual(await stateAfter(registerer, SIP.RegistererState.Registered, 200), SIP.RegistererState.Registered);
    const failed = events.filter((e) => e.event === 'request-refused');
    assert.ok(failed.length >= 1, 'a request-refused event');
    assert.equal(failed[0]!.data.login, '1003');
    assert.equal(failed[0]!.data.reason, 'wrong-password');
    assert.equal(failed[0]!.data.transport, TEST_TLS ? 'WSS' : 'WS');
    assert.deepEqual(await bindings(), []);
  });

  it('unregister removes the binding (unregistered event)', async () => {
    const ua = await agent(DEMO_USERS.anna);
    const registerer = new SIP.Registerer(ua);
    await registerer.register();
    assert.equal(await stateAfter(registerer, SIP.RegistererState.Registered, 5000), SIP.RegistererState.Registered);
    assert.equal((await bindings()).length, 1);
    await registerer.unregister();
    assert.equal(
      await stateAfter(registerer, SIP.RegistererState.Unregistered, 5000),
      SIP.RegistererState.Unregistered,
    );
    assert.deepEqual(await bindings(), []);
    const un = events.filter((e) => e.event === 'unregistered');
    assert.equal(un.length, 1);
    assert.equal(un[0]!.data.reason, 'expires=0');
    // sip.js unregisters with the nonce-count it used before: refused as a replay and challenged anew, no more.
    assert.deepEqual(
      events.filter((e) => e.event === 'request-refused' && e.data.reason !== 'replay'),
      [],
      'unregistering is no failed sign-in',
    );
  });

  it('stopping the user agent closes the socket and drops its binding', async () => {
    const ua = await agent(DEMO_USERS.bernd);
    const registerer = new SIP.Registerer(ua);
    await registerer.register();
    assert.equal(await stateAfter(registerer, SIP.RegistererState.Registered, 5000), SIP.RegistererState.Registered);
    // Take the transport down without unregistering, as a closed browser tab would.
    await (ua.transport as any).disconnect();
    for (let i = 0; i < 40 && (await bindings()).length > 0; i++) await sleep(25);
    assert.deepEqual(await bindings(), []);
    assert.equal(events.filter((e) => e.event === 'unregistered' && e.data.reason === 'connection closed').length, 1);
  });
});
