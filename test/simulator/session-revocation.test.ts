/**
 * Sessions end when the ground they stood on changes (OWASP ASVS V3.3.3): a password set, the right
 * "Administration" or "Login" taken, the user deleted, a scenario applied. Real REST, real UCI WebSockets and
 * real UCI XML-RPC sessions with a callback server, against the real simulator.
 */
import assert from 'node:assert/strict';
import { uciToken } from '../../shared/hashes.js';
import { SESSIONS_ENDED_EVENT, SIM_SERVICES } from '../../shared/schemas/events.js';
import { UCI_CLOSE, UCI_METHODS as M } from '../../shared/schemas/uci.js';
import { UCI_XMLRPC_FAULTS as F, UCI_XMLRPC_PARAMS as P } from '../../shared/schemas/uciXmlRpc.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';
import { CallbackServer, faultOf, xmlRpcClient, xmlRpcQuery } from '../support/xmlrpc-callback.js';
import { cleanUp } from '../support/cleanup.js';

const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };
const RIGHT_LOGIN_ID = 1;
const RIGHT_ADMIN_ID = 9;

describe('Sessions end with the password, right or user they stood on', function () {
  this.timeout(30_000);
  let sim: RunningSim;
  let callbacks: CallbackServer;
  const sockets: UciClient[] = [];
  let ids: Record<string, number>;

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
    callbacks = await CallbackServer.start();
    const users = (await sim.admin.get('/users')).body as { id: number; login: string }[];
    ids = Object.fromEntries(users.map((u) => [u.login, u.id]));
  });
  afterEach(() =>
    cleanUp(
      () => sockets.splice(0).forEach((s) => s.close()),
      () => callbacks.close(),
      () => sim.stop(),
    ),
  );

  const ws = async (user: { login: string; password: string }): Promise<UciClient> => {
    const c = await UciClient.as(sim.addresses.uci, user);
    sockets.push(c);
    return c;
  };
  /** An XML-RPC session of the user with a callback, subscribed to the users' events. */
  const xmlRpc = async (user: { login: string; password: string }) => {
    const client = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(user, callbacks.port));
    assert.equal(await client.methodCall(M.login), true);
    assert.equal(await client.methodCall(M.subscribeEvents, [[SIM_SERVICES.users]]), true);
    assert.equal(await client.methodCall(M.keepAlive), true);
    return client;
  };
  /** PUT the user back as GET gave it, with a new password if given: a users.updated event about them. */
  const touch = async (userId: number, password?: string) => {
    const user = (await sim.admin.get(`/users/${userId}`)).body;
    const reply = await sim.admin.put(`/users/${userId}`, { ...user, ...(password ? { password } : {}) });
    assert.equal(reply.status, 204, JSON.stringify(reply.body));
  };
  const endedEvents = () =>
    sim.internals.bus.since(0).filter((e) => e.service === SIM_SERVICES.log && e.event === SESSIONS_ENDED_EVENT);

  it("a password change ends the user's REST tokens, UCI WebSockets and XML-RPC sessions", async () => {
    const anna = await sim.as(DEMO_USERS.anna);
    const annaWs = await ws(DEMO_USERS.anna);
    await annaWs.request(M.subscribeEvents, { services: [SIM_SERVICES.users] });
    const annaXml = await xmlRpc(DEMO_USERS.anna);
    const bernd = await sim.as(DEMO_USERS.bernd);

    const changed = { login: DEMO_USERS.anna.login, password: 'anna-brand-new-pw' };
    await touch(ids['1001']!, changed.password);

    assert.equal((await anna.get('/users/me')).status, 401, 'the old REST token still works');
    const closed = await annaWs.closed;
    assert.equal(closed.code, UCI_CLOSE.sessionEnded);
    assert.match(closed.reason, /password was changed/);
    // With the new password the XML-RPC session is gone, as after a logout; the old credentials are refused.
    const renewed = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(changed, callbacks.port));
    assert.equal(await renewed.methodCall(M.keepAlive), false);
    assert.equal((await faultOf(annaXml.methodCall(M.keepAlive))).faultCode, F.authFailed);
    // Nobody else lost anything, and the new password signs in everywhere.
    assert.equal((await bernd.get('/users/me')).status, 200);
    await sim.as(changed);
    const again = await ws(changed);
    assert.equal(await again.request(M.keepAlive), true);

    const logged = endedEvents();
    assert.equal(logged.length, 1, JSON.stringify(logged));
    assert.deepEqual(
      { userId: logged[0]!.data.userId, restTokens: logged[0]!.data.restTokens, uci: logged[0]!.data.uciSessions },
      { userId: ids['1001'], restTokens: 1, uci: 2 },
    );
  });

  it('changing your own password keeps the token that did it and ends your other sessions', async () => {
    const other = await sim.as(ADMIN);
    const adminWs = await ws(ADMIN);
    const adminXml = await xmlRpc(ADMIN);

    await touch(ids.admin!, 'admin-new-password');

    assert.equal((await sim.admin.get('/users/me')).status, 200, 'the token that changed the password ended');
    assert.equal((await other.get('/users/me')).status, 401, 'another token of the admin survived');
    assert.equal((await adminWs.closed).code, UCI_CLOSE.sessionEnded);
    assert.equal((await faultOf(adminXml.methodCall(M.keepAlive))).faultCode, F.authFailed);
    const renewed = { login: 'admin', password: 'admin-new-password' };
    assert.equal(
      await xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(renewed, callbacks.port)).methodCall(M.keepAlive),
      false,
    );
  });

  it('a PUT without a password keeps every session', async () => {
    const anna = await sim.as(DEMO_USERS.anna);
    const annaWs = await ws(DEMO_USERS.anna);
    await annaWs.request(M.subscribeEvents, { services: [SIM_SERVICES.users] });
    await touch(ids['1001']!);
    const seen = await annaWs.waitFor((n) => n.params.event === 'updated' && n.params.data.userId === ids['1001']);
    assert.equal(seen.params.data.passwordChanged, false);
    assert.equal(await annaWs.request(M.keepAlive), true);
    assert.equal((await anna.get('/users/me')).status, 200);
    assert.deepEqual(endedEvents(), []);
  });

  for (const via of ['PUT /permissions/users/{id}', 'PUT /permissions/9/users?granted=false'] as const) {
    it(`taking the right "Administration" (${via}) ends the UCI sessions that saw everyone's events`, async () => {
      const annaId = ids['1001']!;
      const berndId = ids['1002']!;
      const rights = ((await sim.admin.get(`/permissions/users/${annaId}`)).body as { id: number }[]).map((p) => p.id);
      assert.equal((await sim.admin.put(`/permissions/users/${annaId}`, [...rights, RIGHT_ADMIN_ID])).status, 200);
      const anna = await sim.as(DEMO_USERS.anna);
      const annaWs = await ws(DEMO_USERS.anna);
      await annaWs.request(M.subscribeEvents, { services: [SIM_SERVICES.users] });
      const annaXml = await xmlRpc(DEMO_USERS.anna);
      await touch(berndId);
      await annaWs.waitFor((n) => n.params.event === 'updated' && n.params.data.userId === berndId);

      const reply =
        via === 'PUT /permissions/users/{id}'
          ? await sim.admin.put(`/permissions/users/${annaId}`, rights)
          : await sim.admin.put(`/permissions/${RIGHT_ADMIN_ID}/users?granted=false`, [annaId]);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));

      const closed = await annaWs.closed;
      assert.equal(closed.code, UCI_CLOSE.sessionEnded);
      assert.match(closed.reason, /"Administration"/);
      assert.equal(await annaXml.methodCall(M.keepAlive), false, 'the XML-RPC session outlived the right');
      // REST reads the rights on every request: the token stays and is refused what needs the right.
      assert.equal((await anna.get('/users/me')).status, 200);
      assert.equal((await anna.get('/sim/credentials')).status, 403);

      // Signed in again, Anna sees her own events and no longer Bernd's (one connection delivers in seq order).
      const again = await ws(DEMO_USERS.anna);
      await again.request(M.subscribeEvents, { services: [SIM_SERVICES.users] });
      await touch(berndId);
      await touch(annaId);
      await again.waitFor((n) => n.params.event === 'updated' && n.params.data.userId === annaId);
      assert.deepEqual(
        again.notifications.filter((n) => n.params.data.userId === berndId),
        [],
        "Bernd's event reached Anna without the right",
      );
    });
  }

  it('granting a right or taking "Login" ends nothing (REST reads rights per request; "Login" gates signing in)', async () => {
    const annaId = ids['1001']!;
    const anna = await sim.as(DEMO_USERS.anna);
    const annaWs = await ws(DEMO_USERS.anna);
    assert.equal((await sim.admin.put(`/permissions/${RIGHT_ADMIN_ID}/users?granted=true`, [annaId])).status, 200);
    assert.equal((await sim.admin.put(`/permissions/${RIGHT_LOGIN_ID}/users?granted=false`, [annaId])).status, 200);
    assert.equal((await anna.get('/users/me')).status, 200);
    assert.equal(await annaWs.request(M.keepAlive), true);
    assert.deepEqual(endedEvents(), []);
  });

  it('a replayed recording of such changes ends nobody', async () => {
    const anna = await sim.as(DEMO_USERS.anna);
    const annaWs = await ws(DEMO_USERS.anna);
    await annaWs.request(M.subscribeEvents, { services: [SIM_SERVICES.users, SIM_SERVICES.server] });
    const time = new Date().toISOString();
    const annaId = ids['1001']!;
    const events = [
      { time, service: SIM_SERVICES.server, event: 'scenario-applied', data: { scenario: 'demo' } },
      { time, service: SIM_SERVICES.users, event: 'updated', data: { userId: annaId, passwordChanged: true } },
      { time, service: SIM_SERVICES.users, event: 'rights-changed', data: { userId: annaId, revoked: ['admin_perm'] } },
      { time, service: SIM_SERVICES.users, event: 'deleted', data: { userId: annaId } },
    ];
    assert.equal((await sim.admin.post('/sim/replay', { events })).status, 202);
    // Anna sees the three about her (not the scenario's): one connection delivers in seq order.
    await annaWs.waitFor((n) => n.params.event === 'deleted');
    assert.equal(await annaWs.request(M.keepAlive), true);
    assert.equal((await anna.get('/users/me')).status, 200);
    assert.deepEqual(endedEvents(), []);
  });

  it('deleting a user ends their UCI WebSocket and XML-RPC sessions, not only their REST tokens', async () => {
    const carla = await sim.as(DEMO_USERS.carla);
    const carlaWs = await ws(DEMO_USERS.carla);
    await xmlRpc(DEMO_USERS.carla);
    const key = `${DEMO_USERS.carla.login}\nhttp 127.0.0.1 ${callbacks.port} /`;
    assert.ok(sim.internals.xmlRpc!.sessions.get(key), 'the XML-RPC session was not found under its key');

    assert.equal((await sim.admin.delete(`/users/${ids['1003']}`)).status, 204);

    assert.equal((await carla.get('/users/me')).status, 401);
    const closed = await carlaWs.closed;
    assert.equal(closed.code, UCI_CLOSE.sessionEnded);
    assert.match(closed.reason, /deleted/);
    assert.equal(sim.internals.xmlRpc!.sessions.get(key), undefined, 'the XML-RPC session outlived the user');
  });

  it("applying a scenario ends every session but the administrator's", async () => {
    const anna = await sim.as(DEMO_USERS.anna);
    const annaWs = await ws(DEMO_USERS.anna);
    const adminWs = await ws(ADMIN);
    const adminXml = xmlRpcClient(
      sim.addresses.xmlRpc,
      new URLSearchParams({ [P.auth]: uciToken('admin', ADMIN_PASSWORD) }),
    );
    assert.equal(await adminXml.methodCall(M.login), true);

    assert.equal((await sim.admin.post('/sim/scenario', { name: 'demo' })).status, 200);

    assert.equal((await anna.get('/users/me')).status, 401);
    const closed = await annaWs.closed;
    assert.equal(closed.code, UCI_CLOSE.sessionEnded);
    assert.match(closed.reason, /scenario/);
    assert.equal(await adminWs.request(M.keepAlive), true);
    assert.equal(await adminXml.methodCall(M.keepAlive), true);
    assert.equal((await sim.admin.get('/users/me')).status, 200);
  });
});
