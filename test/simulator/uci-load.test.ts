import assert from 'node:assert/strict';
import { UCI_AUTH_PARAM, UCI_CLOSE, UCI_METHODS } from '../../shared/schemas/uci.js';
import { uciToken } from '../../shared/hashes.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';
import { cleanUp, each } from '../support/cleanup.js';

const M = UCI_METHODS;
const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };

describe('simulator: UCI connector — overload', () => {
  let sim: RunningSim;
  const clients: UciClient[] = [];
  afterEach(() =>
    cleanUp(
      each(clients, (c) => c.ws.terminate()),
      () => sim?.stop(),
    ),
  );

  it('a subscriber that stops reading is closed with 1013 and a log event; the others get every event', async function () {
    this.timeout(60_000);
    const limit = 2 * 1024 * 1024;
    sim = await startSim({ scenario: 'demo', uciSendQueueBytes: limit });
    const url = sim.addresses.uci;
    const slow = await UciClient.as(url, ADMIN);
    const fast = await UciClient.as(url, ADMIN);
    const other = await UciClient.as(url, DEMO_USERS.anna);
    clients.push(slow, fast, other);
    await slow.request(M.subscribeEvents, { services: ['sim.events.server'] });
    await fast.request(M.subscribeEvents, { services: ['sim.events.server', 'sim.events.log'] });
    await other.request(M.subscribeEvents, { services: ['sim.events.server'] });
    slow.ws.pause();
    const first = sim.internals.bus.lastSeq + 1;
    const blob = 'x'.repeat(10_000);
    let published = 0;
    const serverEvents = (c: UciClient) => c.notifications.filter((n) => n.params.service === 'sim.events.server');
    // 40 MB in steps of 500 kB; after each, the reading clients have drained (they received it all), however slow
    // this machine is, so that only the one that stopped reading falls behind.
    for (let chunk = 0; chunk < 80; chunk++) {
      for (let i = 0; i < 50; i++)
        sim.internals.bus.publish({
          service: 'sim.events.server',
          event: 'load',
          data: { i: published++, login: DEMO_USERS.anna.login, blob },
        });
      const last = published - 1;
      await Promise.all(
        [fast, other].map((c) =>
          c.waitFor((n) => n.params.service === 'sim.events.server' && n.params.data.i === last, 20_000),
        ),
      );
    }
    const logEvent = await fast.waitFor((n) => n.params.event === 'uci-slow-subscriber', 10_000);
    assert.equal(logEvent.method, 'sim.events.log.uci-slow-subscriber');
    assert.equal(logEvent.params.data.level, 'warn');
    assert.match(logEvent.params.data.message, /fell behind .* disconnected \(1013\)/);
    assert.ok(logEvent.params.data.bufferedBytes > limit);

    // Nobody else notices: every event, in order.
    await fast.waitFor(() => serverEvents(fast).length >= published, 20_000);
    await other.waitFor(() => serverEvents(other).length >= published, 20_000);
    const expected = sim.internals.bus
      .since(first - 1)
      .filter((e) => e.service === 'sim.events.server')
      .map((e) => e.seq);
    assert.equal(expected.length, published);
    for (const c of [fast, other])
      assert.deepEqual(
        serverEvents(c).map((n) => n.params.seq),
        expected,
      );
    // The fast one subscribed to the log too: everything from `first` on, without a gap.
    const all = fast.notifications.map((n) => n.params.seq);
    assert.equal(all[0], first);
    all.forEach((s, i) => i && assert.equal(s, all[i - 1]! + 1));
    assert.equal(await fast.request(M.keepAlive), true);

    // The stalled client, reading again, finds the close frame after what was queued.
    slow.ws.resume();
    const closed = await slow.closed;
    assert.equal(closed.code, UCI_CLOSE.tooSlow);
    assert.match(closed.reason, /too slow/);
    assert.ok(slow.notifications.length < published);
  });

  it('serves 1,000 concurrent connections, authenticated and subscribed', async function () {
    this.timeout(60_000);
    sim = await startSim({ scenario: 'demo' });
    const url = sim.addresses.uci;
    const token = uciToken(DEMO_USERS.anna.login, DEMO_USERS.anna.password);
    const adminToken = uciToken('admin', ADMIN_PASSWORD);
    const many = Array.from({ length: 1000 }, (_, i) =>
      UciClient.connect(url, { [UCI_AUTH_PARAM]: i % 2 ? token : adminToken }),
    );
    clients.push(...many);
    await Promise.all(many.map((c) => c.opened));
    await Promise.all(many.map((c) => c.request(M.subscribeEvents, { services: ['sim.events.licences'] })));
    assert.equal(sim.internals.uciWs!.connectionCount, 1000);
    const annaId = (await sim.admin.get('/users')).body.find(
      (u: { login: string }) => u.login === DEMO_USERS.anna.login,
    ).id;
    await sim.admin.put(`/licenses/users/${annaId}`, []);
    await Promise.all(many.map((c) => c.waitFor((n) => n.params.event === 'assignment-changed', 20_000)));
    assert.ok(
      many.every((c) => c.notifications.length === 1),
      'every connection got the event, once',
    );
  });
});
