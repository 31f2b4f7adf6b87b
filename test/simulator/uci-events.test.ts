import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALL_EVENT_SERVICE, CALL_STATE_EVENT } from '../../shared/schemas/calls.js';
import {
  UCI_ERRORS,
  UCI_KNOWN_SERVICES,
  UCI_METHODS,
  USER_STATE_SERVICE,
  UciUserStateSchema,
} from '../../shared/schemas/uci.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { UciClient, type Notification } from '../support/uci-client.js';
import { cleanUp, each } from '../support/cleanup.js';

const M = UCI_METHODS;
const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };

function assertContiguous(ns: Notification[], from?: number): void {
  const seqs = ns.map((n) => n.params.seq);
  if (from !== undefined) assert.equal(seqs[0], from, `starts at ${from}`);
  seqs.forEach(
    (s, i) =>
      i > 0 &&
      assert.equal(s, seqs[i - 1]! + 1, `contiguous at ${i}: ${seqs.slice(Math.max(0, i - 3), i + 2).join(',')}`),
  );
}

async function configId(sim: RunningSim): Promise<number> {
  const list = await sim.admin.get('/modules/configurations');
  return list.body[0].id;
}

describe('simulator: UCI connector — events', () => {
  let sim: RunningSim;
  let url: string;
  const clients: UciClient[] = [];
  const open = async (user: { login: string; password: string }) => {
    const c = await UciClient.as(url, user);
    clients.push(c);
    return c;
  };
  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
    url = sim.addresses.uci;
  });
  afterEach(() =>
    cleanUp(
      each(clients, (c) => c.ws.terminate()),
      () => sim?.stop(),
    ),
  );

  it('subscribe without sinceSeq: REST changes arrive live, in order, with contiguous seq and method service.event', async () => {
    const c = await open(ADMIN);
    const sub = await c.request(M.subscribeEvents, { services: [...UCI_KNOWN_SERVICES] });
    assert.equal(sub.replayed, 0);
    assert.equal(sub.lastSeq, sim.internals.bus.lastSeq);
    assert.equal(sub.bootId, sim.internals.bus.bootId);
    const id = await configId(sim);
    assert.equal(
      (await sim.admin.put(`/modules/configurations/${id}`, { pbxName: 'pbx2.demo.starface.test' })).status,
      200,
    );
    assert.equal((await sim.admin.put('/licenses/users/3', ['UCC_CLIENT_PREMIUM'])).status < 500, true);
    const carla = await sim.admin.get('/users?searchTerm=Carla');
    await sim.admin.put(`/sim/users/${carla.body[0].id}/app`, { active: true, platform: 'windows' });
    const last = sim.internals.bus.lastSeq;
    await c.waitFor((n) => n.params.seq === last);
    assert.equal(c.notifications[0]!.params.seq, sub.lastSeq + 1);
    assertContiguous(c.notifications);
    const rest = (await sim.admin.get(`/sim/events?sinceSeq=${sub.lastSeq}`)).body.events;
    assert.deepEqual(
      c.notifications.map((n) => n.params),
      rest,
    );
    for (const n of c.notifications) assert.equal(n.method, `${n.params.service}.${n.params.event}`);
    assert.ok(c.notifications.some((n) => n.method === 'sim.events.config.configuration-changed'));
    assert.ok(c.notifications.some((n) => n.method === 'sim.events.users.app-signed-in'));
  });

  it('subscribe with sinceSeq 0 replays the whole buffer, then live ones follow with no gap and no duplicate', async () => {
    const c = await open(ADMIN);
    // Writes in flight while subscribing.
    const id = await configId(sim);
    const writes = Array.from({ length: 20 }, (_, i) =>
      sim.admin.put(`/modules/configurations/${id}`, { name: `Teams ${i}` }),
    );
    const sub = await c.request(M.subscribeEvents, [[...UCI_KNOWN_SERVICES], 0]);
    assert.ok(sub.replayed > 0);
    await Promise.all(writes);
    const more = Array.from({ length: 10 }, (_, i) =>
      sim.admin.put(`/modules/configurations/${id}`, { name: `Again ${i}` }),
    );
    await Promise.all(more);
    const last = sim.internals.bus.lastSeq;
    await c.waitFor((n) => n.params.seq === last);
    assertContiguous(c.notifications, 1);
    assert.equal(c.notifications.length, last);
    assert.equal(new Set(c.notifications.map((n) => n.params.seq)).size, last);
  });

  it('sinceSeq in the middle replays only the later events of the requested services', async () => {
    const c = await open(ADMIN);
    const id = await configId(sim);
    const before = sim.internals.bus.lastSeq;
    await sim.admin.put(`/modules/configurations/${id}`, { name: 'Mid' });
    await sim.admin.put('/licenses/users/2', []);
    const sub = await c.request(M.subscribeEvents, { services: ['sim.events.config'], sinceSeq: before });
    assert.equal(sub.replayed, 1);
    await c.waitForCount(1);
    assert.equal(c.notifications[0]!.params.event, 'configuration-changed');
    assert.ok(c.notifications[0]!.params.seq > before);
  });

  it('sinceSeq older than the buffer → -32002 with data.oldestSeq', async () => {
    const c = await open(ADMIN);
    for (let i = 0; i < sim.internals.bus.capacity + 5; i++)
      sim.internals.bus.publish({ service: 'sim.events.server', event: 'tick', data: { i } });
    const r = await c.call(M.subscribeEvents, { services: ['sim.events.server'], sinceSeq: 0 });
    assert.equal(r.error.code, UCI_ERRORS.sinceSeqGone);
    assert.equal(r.error.data.oldestSeq, sim.internals.bus.oldestSeq);
    assert.equal(r.error.data.lastSeq, sim.internals.bus.lastSeq);
    assert.match(r.error.message, new RegExp(`oldest available is ${sim.internals.bus.oldestSeq}`));
    // From the oldest one it works.
    const ok = await c.request(M.subscribeEvents, {
      services: ['sim.events.server'],
      sinceSeq: sim.internals.bus.oldestSeq - 1,
    });
    assert.equal(ok.replayed, sim.internals.bus.capacity);
  });

  it('unsubscribeEvents stops the events of those services', async () => {
    const c = await open(ADMIN);
    await c.request(M.subscribeEvents, { services: ['sim.events.config', 'sim.events.licences'] });
    const left = await c.request(M.unsubscribeEvents, { services: ['sim.events.config'] });
    assert.deepEqual(left.services, ['sim.events.licences']);
    const id = await configId(sim);
    await sim.admin.put(`/modules/configurations/${id}`, { name: 'Quiet' });
    await sim.admin.put('/licenses/users/2', []);
    await c.waitFor((n) => n.params.service === 'sim.events.licences');
    assert.ok(c.notifications.every((n) => n.params.service === 'sim.events.licences'));
    assert.deepEqual((await c.request(M.unsubscribeEvents)).services, []);
  });

  it('a non-admin sees only events about themselves; an admin sees everything', async () => {
    const anna = await open(DEMO_USERS.anna);
    const admin = await open(ADMIN);
    const services = ['sim.events.licences', 'sim.events.users', 'sim.events.config'];
    await anna.request(M.subscribeEvents, { services, sinceSeq: 0 });
    await admin.request(M.subscribeEvents, { services });
    const users = (await sim.admin.get('/users')).body as { id: number; login: string }[];
    const annaId = users.find((u) => u.login === DEMO_USERS.anna.login)!.id;
    const berndId = users.find((u) => u.login === DEMO_USERS.bernd.login)!.id;
    await sim.admin.put(`/licenses/users/${berndId}`, []);
    await sim.admin.put(`/licenses/users/${annaId}`, []);
    const id = await configId(sim);
    await sim.admin.put(`/modules/configurations/${id}`, { name: 'Seen by admins only' });
    await admin.waitFor((n) => n.params.event === 'configuration-changed');
    await anna.waitFor((n) => n.params.event === 'assignment-changed' && n.params.data.userId === annaId);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(anna.notifications.length > 0);
    for (const n of anna.notifications)
      assert.ok(
        n.params.data.userId === annaId || n.params.data.login === DEMO_USERS.anna.login,
        JSON.stringify(n.params),
      );
    assert.ok(admin.notifications.some((n) => n.params.data.userId === berndId));
    assert.ok(admin.notifications.some((n) => n.params.event === 'configuration-changed'));
  });

  it('user state: get, setDoNotDisturbSetting and setChatPresenceMessage change it and become events (own only)', async () => {
    const anna = await open(DEMO_USERS.anna);
    const bernd = await open(DEMO_USERS.bernd);
    const admin = await open(ADMIN);
    for (const c of [anna, bernd, admin]) await c.request(M.subscribeEvents, [USER_STATE_SERVICE]);
    const initial = UciUserStateSchema.parse(await anna.request(M.getUserState));
    assert.deepEqual(initial, {
      avatarHash: '',
      chatPresence: 'AVAILABLE',
      telephonyState: 'AVAILABLE',
      chatPresenceMessage: '',
      redirectAlwaysActive: false,
      doNotDisturb: false,
    });
    const after = await anna.request(M.setDoNotDisturbSetting, [true]);
    assert.equal(after.doNotDisturb, true);
    assert.equal(after.chatPresence, 'DO_NOT_DISTURB');
    const msg = await anna.request(M.setChatPresenceMessage, { message: 'In a meeting' });
    assert.equal(msg.chatPresenceMessage, 'In a meeting');
    assert.equal(msg.doNotDisturb, true);
    assert.deepEqual(await anna.request(M.getUserState), msg);
    const ev = await anna.waitFor(
      (n) =>
        n.method === 'ucp.v22.events.userState.receiveUserState' &&
        n.params.data.chatPresenceMessage === 'In a meeting',
    );
    assert.equal(ev.params.data.login, DEMO_USERS.anna.login);
    assert.equal(ev.params.data.doNotDisturb, true);
    await admin.waitFor((n) => n.params.data.chatPresenceMessage === 'In a meeting');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(bernd.notifications.length, 0, 'bernd sees nothing of anna');
    assert.equal((await bernd.request(M.getUserState)).doNotDisturb, false);
  });

  it('the v30 and v20 names: one method core, and a v30 subscription names its notifications v30', async () => {
    const anna = await open(DEMO_USERS.anna);
    // The same method under its v22, v30 and v20 names.
    const v22 = await anna.request('ucp.v22.requests.call.getCallIds');
    assert.deepEqual(await anna.request('ucp.v30.requests.call.getCallIds'), v22);
    assert.deepEqual(await anna.request('ucp.v20.server.communication.call.getCallIds'), v22);
    assert.equal(await anna.request('ucp.v20.server.connection.probe'), true);
    assert.match(await anna.request('ucp.v30.requests.system.getServerVersion'), /^\d+\.\d+/);
    // Known to STARFACE but not simulated, and unknown: two different errors.
    const fax = await anna.call('ucp.v30.requests.fax.getFaxIds');
    assert.equal(fax.error.code, UCI_ERRORS.notSimulated);
    assert.match(fax.error.message, /known to STARFACE, not simulated/);
    assert.equal((await anna.call('ucp.v30.requests.nothing.here')).error.code, UCI_ERRORS.methodNotFound);

    await anna.request(M.subscribeEvents, ['ucp.v30.events.userState']);
    await anna.request(M.setChatPresenceMessage, ['v30']);
    const n = await anna.waitFor((x) => x.params.data?.chatPresenceMessage === 'v30');
    assert.equal(n.method, 'ucp.v30.events.userState.receiveUserState');
    // Subscribed under both names: each name gets the event once.
    await anna.request(M.subscribeEvents, [USER_STATE_SERVICE]);
    await anna.request(M.setChatPresenceMessage, ['both']);
    await anna.waitFor(
      (x) => x.method === `${USER_STATE_SERVICE}.receiveUserState` && x.params.data.chatPresenceMessage === 'both',
    );
    await anna.waitFor(
      (x) => x.method === 'ucp.v30.events.userState.receiveUserState' && x.params.data.chatPresenceMessage === 'both',
    );
    assert.equal(anna.notifications.filter((x) => x.params.data.chatPresenceMessage === 'both').length, 2);
    assert.deepEqual((await anna.request(M.unsubscribeEvents, [['ucp.v30.events.userState']])).services, [
      USER_STATE_SERVICE,
    ]);
  });

  it('getCallIds / getCallState / telephonyState follow the call-state events on the bus', async () => {
    const anna = await open(DEMO_USERS.anna);
    const bernd = await open(DEMO_USERS.bernd);
    await anna.request(M.subscribeEvents, { services: [CALL_EVENT_SERVICE, USER_STATE_SERVICE] });
    await bernd.request(M.subscribeEvents, { services: [CALL_EVENT_SERVICE] });
    const users = (await sim.admin.get('/users')).body as { id: number; login: string }[];
    const annaId = users.find((u) => u.login === DEMO_USERS.anna.login)!.id;
    const call = (state: string) => ({
      userId: annaId,
      login: DEMO_USERS.anna.login,
      id: '6f1c1c38-0d4e-4f3c-9f0a-1d2e3f4a5b6c',
      state,
      timestamp: Date.now(),
      callerNumber: '1001',
      callerName: 'Anna Albers',
      calledNumber: '1003',
      calledName: 'Carla Conrad',
    });
    // What the SIP proxy publishes.
    sim.internals.bus.publish({ service: CALL_EVENT_SERVICE, event: CALL_STATE_EVENT, data: call('PROCEEDING') });
    assert.deepEqual(await anna.request(M.getCallIds), [call('x').id]);
    const st = await anna.request(M.getCallState, [call('x').id]);
    assert.equal(st.state, 'PROCEEDING');
    assert.equal(st.calledNumber, '1003');
    assert.equal(st.userId, undefined);
    assert.equal((await anna.request(M.getUserState)).telephonyState, 'ACTIVE');
    assert.equal((await bernd.call(M.getCallState, [call('x').id])).error.code, UCI_ERRORS.notFound);
    assert.deepEqual(await bernd.request(M.getCallIds), []);
    const n = await anna.waitFor((x) => x.method === 'ucp.v22.events.call.receiveCallState');
    assert.equal(n.params.data.state, 'PROCEEDING');
    const us = await anna.waitFor(
      (x) => x.params.service === USER_STATE_SERVICE && x.params.data.telephonyState === 'ACTIVE',
    );
    assert.ok(us.params.seq > n.params.seq, 'the user-state change follows the call event');
    sim.internals.bus.publish({ service: CALL_EVENT_SERVICE, event: CALL_STATE_EVENT, data: call('HANGUP') });
    assert.deepEqual(await anna.request(M.getCallIds), []);
    await anna.waitFor((x) => x.params.service === USER_STATE_SERVICE && x.params.data.telephonyState === 'AVAILABLE');
    assertContiguous(anna.notifications);
    assert.equal(bernd.notifications.length, 0);
  });
});

describe('simulator: UCI user state persists', () => {
  it('survives a restart with a data folder (StateHolder.commit)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uci-state-'));
    try {
      let sim = await startSim({ scenario: 'demo', dataDir: dir });
      let c = await UciClient.as(sim.addresses.uci, DEMO_USERS.anna);
      await c.request(M.setDoNotDisturbSetting, { doNotDisturb: true });
      await c.request(M.setChatPresenceMessage, ['Back at 3']);
      c.ws.terminate();
      await sim.stop();
      sim = await startSim({ dataDir: dir });
      c = await UciClient.as(sim.addresses.uci, DEMO_USERS.anna);
      const s = await c.request(M.getUserState);
      assert.equal(s.doNotDisturb, true);
      assert.equal(s.chatPresenceMessage, 'Back at 3');
      c.ws.terminate();
      await sim.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
