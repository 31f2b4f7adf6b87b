import assert from 'node:assert/strict';
import type { SimEvent } from '../../shared/schemas/events.js';
import { UCI_METHODS, USER_STATE_SERVICE } from '../../shared/schemas/uci.js';
import { notificationText } from '../../simulator/src/uci/ws/protocol.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';
import { cleanUp, each } from '../support/cleanup.js';

const M = UCI_METHODS;
const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };
const V30_USER_STATE = 'ucp.v30.events.userState';
const SERVER = 'sim.events.server';

/** A UCI client that also keeps every notification exactly as it came over the wire. */
async function rawClient(url: string, user: { login: string; password: string }) {
  const client = await UciClient.as(url, user);
  const texts: string[] = [];
  client.ws.on('message', (raw) => {
    const text = raw.toString();
    if (!text.includes('"id":')) texts.push(text);
  });
  return { client, texts };
}

/** The notifications a session subscribed under `names` must get for `events`, as text, in order. */
const expected = (events: readonly SimEvent[], names: string[], sees: (e: SimEvent) => boolean) =>
  events.filter(sees).flatMap((e) => names.map((name) => notificationText(e, name)));

async function until(ok: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Each event is serialised and framed once per name and the same bytes go to every subscriber: what each one
// receives must still be exactly its own notification — its name (v22 or a v30 alias), only what it may see.
describe('simulator: UCI WebSocket — one shared frame per event, each subscriber its own notifications', () => {
  let sim: RunningSim;
  const clients: UciClient[] = [];
  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
  });
  afterEach(() =>
    cleanUp(
      each(clients, (c) => c.ws.terminate()),
      () => sim?.stop(),
    ),
  );

  it('v22, v30 alias, both names, admin and a user who sees only her own: each gets exactly its frames, in order', async () => {
    const url = sim.addresses.uci;
    const v22 = await rawClient(url, ADMIN);
    const v30 = await rawClient(url, ADMIN);
    const both = await rawClient(url, ADMIN);
    const anna = await rawClient(url, DEMO_USERS.anna);
    const bernd = await rawClient(url, DEMO_USERS.bernd);
    clients.push(...[v22, v30, both, anna, bernd].map((c) => c.client));
    await v22.client.request(M.subscribeEvents, [USER_STATE_SERVICE]);
    await v30.client.request(M.subscribeEvents, [V30_USER_STATE]);
    await both.client.request(M.subscribeEvents, [USER_STATE_SERVICE]);
    await both.client.request(M.subscribeEvents, [V30_USER_STATE]);
    await anna.client.request(M.subscribeEvents, [USER_STATE_SERVICE]);
    const from = sim.internals.bus.lastSeq;

    await anna.client.request(M.setChatPresenceMessage, ['anna 1']);
    await bernd.client.request(M.setChatPresenceMessage, ['bernd 1 — Grüße']);
    await anna.client.request(M.setDoNotDisturbSetting, [true]);
    const events = sim.internals.bus.since(from).filter((e) => e.service === USER_STATE_SERVICE);
    assert.equal(events.length, 3, 'three user-state events');
    const all = () => true;
    const want = {
      v22: expected(events, [USER_STATE_SERVICE], all),
      v30: expected(events, [V30_USER_STATE], all),
      both: expected(events, [USER_STATE_SERVICE, V30_USER_STATE], all),
      anna: expected(events, [USER_STATE_SERVICE], (e) => e.data.login === DEMO_USERS.anna.login),
    };
    await until(
      () =>
        v22.texts.length >= want.v22.length &&
        v30.texts.length >= want.v30.length &&
        both.texts.length >= want.both.length &&
        anna.texts.length >= want.anna.length,
      'the notifications',
    );
    // A request answered after the last event: everything sent before it has arrived.
    for (const c of [v22, v30, both, anna, bernd]) await c.client.request(M.keepAlive);
    assert.deepEqual(v22.texts, want.v22);
    assert.deepEqual(v30.texts, want.v30);
    assert.match(v30.texts[0]!, /"method":"ucp\.v30\.events\.userState\.receiveUserState"/);
    assert.deepEqual(both.texts, want.both);
    assert.equal(want.anna.length, 2);
    assert.deepEqual(anna.texts, want.anna);
    assert.deepEqual(bernd.texts, [], 'bernd subscribed to nothing');
  });

  it('a burst of replayed events in one tick: every subscriber gets every frame once, in seq order, the same bytes', async () => {
    const url = sim.addresses.uci;
    const subs = await Promise.all(Array.from({ length: 5 }, () => rawClient(url, ADMIN)));
    clients.push(...subs.map((s) => s.client));
    for (const s of subs) await s.client.request(M.subscribeEvents, [SERVER]);
    const from = sim.internals.bus.lastSeq;
    const count = 300;
    const replay = await sim.admin.post('/sim/replay', {
      events: Array.from({ length: count }, (_, i) => ({
        seq: i + 1,
        time: '2026-01-01T00:00:00.000Z',
        service: SERVER,
        event: 'burst',
        data: { i, text: 'ä'.repeat(i % 70) },
      })),
      speed: 1,
      delayMs: 0,
    });
    assert.equal(replay.status, 202);
    await until(() => subs.every((s) => s.texts.length >= count), `${count} notifications at each subscriber`);
    const events = sim.internals.bus.since(from).filter((e) => e.service === SERVER);
    assert.equal(events.length, count);
    const want = expected(events, [SERVER], () => true);
    for (const s of subs) assert.deepEqual(s.texts, want);
    const seqs = subs[0]!.texts.map((t) => JSON.parse(t).params.seq as number);
    seqs.forEach((seq, i) => i > 0 && assert.equal(seq, seqs[i - 1]! + 1, `contiguous at ${i}`));
  });
});
