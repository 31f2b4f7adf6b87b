import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { sha512hex, uciToken } from '../../shared/hashes.js';
import { UCI_AUTH_PARAM, UCI_CLOSE, UCI_ERRORS, UCI_METHODS, UciNotificationSchema } from '../../shared/schemas/uci.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';
import { TEST_TLS } from '../support/testTls.js';

const M = UCI_METHODS;

describe('simulator: UCI connector — connection, login, errors', () => {
  let sim: RunningSim;
  let url: string;
  const clients: UciClient[] = [];
  const track = (c: UciClient) => (clients.push(c), c);
  before(async () => {
    sim = await startSim({ scenario: 'demo' });
    url = sim.addresses.uci;
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.ws.terminate();
  });
  after(async () => {
    await sim.stop();
  });

  it('announces ws://host:port/uci in the addresses', () => {
    assert.match(url, TEST_TLS ? /^wss:\/\/127\.0\.0\.1:\d+\/uci$/ : /^ws:\/\/127\.0\.0\.1:\d+\/uci$/);
    assert.equal(new URL(url).port, String(sim.addresses.httpPort));
  });

  describe('login variants', () => {
    it('accepts the UCI token in de.vertico.starface.auth (login:sha512hex(login + "*" + sha512hex(password)))', async () => {
      const token = `${DEMO_USERS.anna.login}:${sha512hex(DEMO_USERS.anna.login + '*' + sha512hex(DEMO_USERS.anna.password))}`;
      assert.equal(token, uciToken(DEMO_USERS.anna.login, DEMO_USERS.anna.password));
      const c = track(UciClient.connect(url, { [UCI_AUTH_PARAM]: token }));
      await c.opened;
      assert.deepEqual(await c.request(M.keepAlive), true);
      const state = await c.request(M.getUserState);
      assert.equal(state.doNotDisturb, false);
    });

    it('accepts a REST authToken in ?authToken=', async () => {
      const rest = await sim.as(DEMO_USERS.bernd);
      const c = track(UciClient.connect(url, { authToken: rest.token! }));
      await c.opened;
      assert.equal(await c.request(M.keepAlive), true);
    });

    it('accepts the login request with the token, named or positional', async () => {
      const a = track(UciClient.connect(url));
      await a.opened;
      const r = await a.request(M.login, { token: uciToken(DEMO_USERS.carla.login, DEMO_USERS.carla.password) });
      assert.equal(r.login, DEMO_USERS.carla.login);
      assert.equal(r.admin, false);
      assert.equal(typeof r.userId, 'number');
      assert.equal(r.bootId, sim.internals.bus.bootId);
      const b = track(UciClient.connect(url));
      await b.opened;
      const r2 = await b.request(M.login, [uciToken('admin', ADMIN_PASSWORD)]);
      assert.equal(r2.admin, true);
      assert.equal(await b.request(M.keepAlive), true);
    });

    it('closes with 4401 and a clear reason on a wrong token in the query', async () => {
      const c = track(UciClient.connect(url, { [UCI_AUTH_PARAM]: uciToken(DEMO_USERS.anna.login, 'wrong') }));
      const closed = await c.closed;
      assert.equal(closed.code, UCI_CLOSE.authFailed);
      assert.match(closed.reason, /authentication failed/);
    });

    it('closes with 4401 on an unknown authToken and on an unknown login', async () => {
      const a = track(UciClient.connect(url, { authToken: 'not-a-token' }));
      assert.equal((await a.closed).code, 4401);
      const b = track(UciClient.connect(url, { [UCI_AUTH_PARAM]: uciToken('nobody', 'x') }));
      assert.equal((await b.closed).code, 4401);
    });

    it('answers a wrong login request with -32005, then closes with 4401', async () => {
      const c = track(UciClient.connect(url));
      await c.opened;
      const r = await c.call(M.login, { token: uciToken(DEMO_USERS.anna.login, 'nope') });
      assert.equal(r.error.code, UCI_ERRORS.authFailed);
      assert.match(r.error.message, /authentication failed/);
      const closed = await c.closed;
      assert.equal(closed.code, 4401);
      assert.match(closed.reason, /authentication failed/);
    });

    it('refuses requests before login with -32001 and stays open', async () => {
      const c = track(UciClient.connect(url));
      await c.opened;
      const r = await c.call(M.getUserState);
      assert.equal(r.error.code, UCI_ERRORS.notAuthenticated);
      assert.match(r.error.message, /Not signed in.*login/);
      const s = await c.call(M.subscribeEvents, { services: ['sim.events.config'] });
      assert.equal(s.error.code, UCI_ERRORS.notAuthenticated);
      await c.request(M.login, { token: uciToken(DEMO_USERS.anna.login, DEMO_USERS.anna.password) });
      assert.equal(await c.request(M.keepAlive), true);
    });

    it('logout answers true and closes with 1000', async () => {
      const c = track(await UciClient.as(url, DEMO_USERS.anna));
      assert.equal(await c.request(M.logout), true);
      const closed = await c.closed;
      assert.equal(closed.code, 1000);
      assert.match(closed.reason, /logged out/);
    });
  });

  describe('bad input: each error with a message, the connection stays open', () => {
    let c: UciClient;
    beforeEach(async () => {
      c = track(await UciClient.as(url, DEMO_USERS.anna));
    });
    // Still usable after the error: checked in each test (in an afterEach hook, one failure would skip the rest).
    const it = (title: string, fn: () => Promise<void>) =>
      globalThis.it(title, async () => {
        await fn();
        assert.equal(await c.request(M.keepAlive), true, 'the connection still answers after the error');
      });

    it('invalid JSON → -32700 with id null', async () => {
      const r = await c.raw('{"jsonrpc": "2.0", "method": ');
      assert.equal(r.id, null);
      assert.equal(r.error.code, -32700);
      assert.match(r.error.message, /not valid JSON/);
    });

    it('invalid request → -32600 (no jsonrpc, method not a string, a batch, an unknown member)', async () => {
      let r = await c.raw(JSON.stringify({ id: 7, method: M.keepAlive }), 7);
      assert.equal(r.error.code, -32600);
      assert.match(r.error.message, /jsonrpc/);
      r = await c.raw(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 42 }), 8);
      assert.equal(r.error.code, -32600);
      r = await c.raw(JSON.stringify([{ jsonrpc: '2.0', id: 9, method: M.keepAlive }]));
      assert.equal(r.error.code, -32600);
      assert.match(r.error.message, /batch/);
      r = await c.raw(JSON.stringify({ jsonrpc: '2.0', id: 10, method: M.keepAlive, extra: 1 }), 10);
      assert.equal(r.error.code, -32600);
      assert.match(r.error.message, /extra/);
      r = await c.raw('"just a string"');
      assert.equal(r.error.code, -32600);
    });

    it('unknown method → -32601 naming it', async () => {
      const r = await c.call('ucp.v22.requests.nothing.here');
      assert.equal(r.error.code, -32601);
      assert.match(r.error.message, /ucp\.v22\.requests\.nothing\.here/);
    });

    it('bad params → -32602 naming the problem', async () => {
      let r = await c.call(M.subscribeEvents, { services: ['no such service'] });
      assert.equal(r.error.code, -32602);
      assert.match(r.error.message, /services/);
      r = await c.call(M.subscribeEvents, { services: [] });
      assert.equal(r.error.code, -32602);
      r = await c.call(M.setDoNotDisturbSetting, { doNotDisturb: 'yes' });
      assert.equal(r.error.code, -32602);
      assert.match(r.error.message, /doNotDisturb/);
      r = await c.call(M.setDoNotDisturbSetting, { dnd: true });
      assert.equal(r.error.code, -32602);
      assert.match(r.error.message, /unknown param\(s\) dnd/);
      r = await c.call(M.keepAlive, [1, 2]);
      assert.equal(r.error.code, -32602);
      r = await c.call(M.getCallState, []);
      assert.equal(r.error.code, -32602);
      assert.match(r.error.message, /callId/);
    });

    it('a notification (no id) is run and not answered', async () => {
      c.ws.send(JSON.stringify({ jsonrpc: '2.0', method: M.setChatPresenceMessage, params: ['quiet please'] }));
      // It takes effect without an answer: asked until it shows (no answer to it ever arrives; call() matches ids).
      let state: { chatPresenceMessage?: string } = {};
      for (const end = Date.now() + 10_000; state.chatPresenceMessage !== 'quiet please' && Date.now() < end;) {
        state = await c.request(M.getUserState);
        if (state.chatPresenceMessage !== 'quiet please') await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal(state.chatPresenceMessage, 'quiet please');
    });

    it('placeCallWithPhone without a registered phone → -32006; hangupCall or getCallState of an unknown call → -32004', async () => {
      let r = await c.call(M.placeCallWithPhone, ['1002']);
      assert.equal(r.error.code, UCI_ERRORS.noPhone);
      assert.match(r.error.message, /1001 has no registered phone/);
      r = await c.call(M.hangupCall, { callId: 'x' });
      assert.equal(r.error.code, UCI_ERRORS.notFound);
      r = await c.call(M.getCallState, { callId: 'no-such-call' });
      assert.equal(r.error.code, UCI_ERRORS.notFound);
      assert.deepEqual(await c.request(M.getCallIds), []);
    });
  });

  it('a frame over 1 MiB closes with 1009', async () => {
    const c = track(await UciClient.as(url, DEMO_USERS.anna));
    c.ws.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: M.setChatPresenceMessage,
        params: ['x'.repeat(1024 * 1024 + 10)],
      }),
    );
    const closed = await c.closed;
    assert.equal(closed.code, 1009);
    // Others are unaffected.
    const d = track(await UciClient.as(url, DEMO_USERS.anna));
    assert.equal(await d.request(M.keepAlive), true);
  });

  it('a frame just under 1 MiB is answered (-32602: the message is too long)', async () => {
    const c = track(await UciClient.as(url, DEMO_USERS.anna));
    const r = await c.call(M.setChatPresenceMessage, ['x'.repeat(1000 * 1000)]);
    assert.equal(r.error.code, -32602);
  });

  it('notifications match the contract schema', async () => {
    const c = track(await UciClient.as(url, { login: 'admin', password: ADMIN_PASSWORD }));
    await c.request(M.subscribeEvents, { services: ['ucp.v22.events.userState'] });
    const anna = track(await UciClient.as(url, DEMO_USERS.anna));
    await anna.request(M.setDoNotDisturbSetting, [true]);
    const n = await c.waitFor((x) => x.method === 'ucp.v22.events.userState.receiveUserState');
    UciNotificationSchema.parse(n);
    await anna.request(M.setDoNotDisturbSetting, [false]);
  });
});

describe('simulator: UCI connector — keepAlive timeout', () => {
  // Long enough that a keepAlive every 50 ms cannot miss it on a busy machine; an idle client shows when it passed.
  const KEEPALIVE_MS = 1_500;
  let sim: RunningSim;
  before(async () => {
    sim = await startSim({ scenario: 'demo', uciKeepAliveMs: KEEPALIVE_MS });
  });
  after(async () => {
    await sim?.stop();
  });

  it('closes a session without requests after the timeout (4408, with a reason)', async () => {
    const c = await UciClient.as(sim.addresses.uci, DEMO_USERS.anna);
    const closed = await c.closed;
    assert.equal(closed.code, UCI_CLOSE.keepAliveTimeout);
    assert.match(closed.reason, new RegExp(`keepAlive timeout: no request within ${KEEPALIVE_MS} ms`));
  });

  it('keeps a session alive while keepAlive is sent', async () => {
    const c = await UciClient.as(sim.addresses.uci, DEMO_USERS.anna);
    // Connected after c: when its timeout closes it, c's own first timeout has passed too.
    const idle = await UciClient.as(sim.addresses.uci, DEMO_USERS.anna);
    let idleClosed = false;
    void idle.closed.then(() => (idleClosed = true));
    let sent = 0;
    while (!idleClosed) {
      assert.equal(await c.request(M.keepAlive), true);
      sent++;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await idle.closed).code, UCI_CLOSE.keepAliveTimeout, 'the idle one timed out');
    assert.ok(sent > 1);
    assert.equal(c.ws.readyState, WebSocket.OPEN);
    assert.equal(await c.request(M.keepAlive), true, 'the active one still answers');
    c.close();
  });

  it('also closes a connection that never signs in', async () => {
    const c = UciClient.connect(sim.addresses.uci);
    const closed = await c.closed;
    assert.equal(closed.code, 4408);
  });
});
