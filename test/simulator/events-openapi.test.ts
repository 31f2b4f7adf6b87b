import assert from 'node:assert/strict';
import { ENDPOINTS } from '../../shared/api.js';
import { EventBus } from '../../simulator/src/events/bus.js';
import { DEMO_USERS, startSim, type RestClient, type RunningSim } from '../support/rest.js';

interface Ev {
  seq: number;
  time: string;
  service: string;
  event: string;
  data: Record<string, unknown>;
}

interface EventList {
  events: Ev[];
  lastSeq: number;
  oldestSeq: number;
  bootId: string;
}

async function eventsSince(admin: RestClient, sinceSeq: number, extra = ''): Promise<EventList> {
  const reply = await admin.get<EventList>(`/sim/events?sinceSeq=${sinceSeq}${extra}`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body;
}

async function lastSeq(admin: RestClient): Promise<number> {
  return (await eventsSince(admin, 0, '&limit=1')).lastSeq;
}

/** Runs `change` and answers the events it caused. */
async function eventsOf(admin: RestClient, change: () => Promise<unknown>): Promise<Ev[]> {
  const before = await lastSeq(admin);
  await change();
  return (await eventsSince(admin, before)).events;
}

const pairs = (events: Ev[]) => events.map((e) => `${e.service} ${e.event}`);

describe('simulator: GET /rest/sim/events', () => {
  let sim: RunningSim;
  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('answers {events, lastSeq, oldestSeq, bootId} with contiguous seq from 1', async () => {
    const list = await eventsSince(sim.admin, 0);
    assert.ok(list.events.length > 0, 'building the demo made events');
    assert.equal(list.events[0]!.seq, 1);
    assert.equal(list.oldestSeq, 1);
    list.events.forEach((e, i) => assert.equal(e.seq, i + 1));
    assert.equal(list.lastSeq, list.events.at(-1)!.seq);
    assert.match(list.bootId, /^[0-9a-f-]{36}$/);
    for (const e of list.events) {
      assert.deepEqual(Object.keys(e).sort(), ['data', 'event', 'seq', 'service', 'time']);
      assert.ok(!Number.isNaN(Date.parse(e.time)));
      assert.match(e.service, /^(sim\.events\.|ucp\.v22\.events\.)/);
      assert.equal(typeof e.data, 'object');
    }
  });

  it('sinceSeq=N answers the events after N, contiguous, oldest first', async () => {
    const all = await eventsSince(sim.admin, 0);
    for (const n of [1, Math.floor(all.lastSeq / 2), all.lastSeq - 1]) {
      const list = await eventsSince(sim.admin, n);
      assert.deepEqual(
        list.events.map((e) => e.seq),
        Array.from({ length: all.lastSeq - n }, (_, i) => n + 1 + i),
      );
      assert.equal(list.lastSeq, all.lastSeq);
      assert.equal(list.bootId, all.bootId);
    }
    const none = await eventsSince(sim.admin, all.lastSeq);
    assert.deepEqual(none.events, []);
    assert.equal(none.lastSeq, all.lastSeq);
  });

  it('limit caps the answer; paging with the last seen seq is gap-free', async () => {
    await sim.admin.post('/licenses', { type: 'Fax', count: 1 });
    const { lastSeq: end } = await eventsSince(sim.admin, 0);
    const seen: number[] = [];
    let since = 0;
    for (;;) {
      const page = await eventsSince(sim.admin, since, '&limit=3');
      assert.ok(page.events.length <= 3);
      if (page.events.length === 0) break;
      seen.push(...page.events.map((e) => e.seq));
      since = page.events.at(-1)!.seq;
    }
    assert.deepEqual(
      seen,
      Array.from({ length: end }, (_, i) => i + 1),
    );
  });

  it('a sinceSeq ahead of lastSeq (a restarted simulator) answers nothing and says so', async () => {
    const reply = await sim.admin.get<EventList>('/sim/events?sinceSeq=999999');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.events, []);
    assert.match(reply.headers.get('x-sim-note') ?? '', /restarted/);
  });

  it('each simulator run has its own bootId', async () => {
    const other = await startSim({ scenario: 'demo' });
    try {
      assert.notEqual((await eventsSince(other.admin, 0)).bootId, (await eventsSince(sim.admin, 0)).bootId);
    } finally {
      await other.stop();
    }
  });

  it('bad queries are 400; it needs an administrator', async () => {
    for (const q of ['sinceSeq=-1', 'sinceSeq=abc', 'limit=0', 'limit=10001', 'other=1']) {
      assert.equal((await sim.admin.get(`/sim/events?${q}`)).status, 400, q);
    }
    const anna = await sim.as(DEMO_USERS.anna);
    assert.equal((await anna.get('/sim/events?sinceSeq=0')).status, 403);
    assert.equal((await sim.client().get('/sim/events?sinceSeq=0')).status, 401);
  });

  it('creating a user is a sim.events.users event', async () => {
    let id = 0;
    const events = await eventsOf(sim.admin, async () => {
      const reply = await sim.admin.post('/users', {
        login: '2001',
        firstName: 'Dora',
        familyName: 'Dietz',
        email: '',
        language: 'de',
        password: 'dora-pass-2001',
      });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      id = reply.body.id;
    });
    const created = events.find((e) => e.service === 'sim.events.users' && e.event === 'created');
    assert.ok(created, pairs(events).join(', '));
    assert.equal(created.data.userId, id);
    assert.equal(created.data.login, '2001');
    assert.ok(!JSON.stringify(events).includes('dora-pass-2001'), 'no password in events');
  });

  it('installing and assigning licences are sim.events.licences events', async () => {
    const installed = await eventsOf(sim.admin, async () => {
      assert.equal((await sim.admin.post('/licenses', { type: 'UCC-Client Premium', count: 1 })).status, 201);
    });
    assert.deepEqual(pairs(installed), ['sim.events.licences installed']);
    assert.equal(installed[0]!.data.type, 'UCC-Client Premium');

    const assigned = await eventsOf(sim.admin, async () => {
      const reply = await sim.admin.put('/licenses/users/4', ['UCC-Client Premium']);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
    });
    const change = assigned.find((e) => e.service === 'sim.events.licences' && e.event === 'assignment-changed');
    assert.ok(change, pairs(assigned).join(', '));
    assert.equal(change.data.userId, 4);
    assert.deepEqual(change.data.assigned, ['UCC-Client Premium']);
  });

  it('a configuration change is a sim.events.config event and a sim.events.log entry', async () => {
    const events = await eventsOf(sim.admin, async () => {
      assert.equal((await sim.admin.put('/modules/configurations/1', { autoprovisioning: false })).status, 200);
    });
    const changed = events.find((e) => e.service === 'sim.events.config' && e.event === 'configuration-changed');
    assert.ok(changed, pairs(events).join(', '));
    assert.equal(changed.data.configurationId, 1);
    assert.deepEqual(changed.data.changed, ['autoprovisioning']);
    const log = events.find((e) => e.service === 'sim.events.log' && e.event === 'config-changed');
    assert.ok(log, pairs(events).join(', '));
    assert.equal(log.data.level, 'warn');
  });

  it('stopping and starting the connector are sim.events.connector events, logged on sim.events.log', async () => {
    const stopped = await eventsOf(sim.admin, () =>
      sim.admin.put('/modules/configurations/1/connector', { active: false }),
    );
    assert.ok(pairs(stopped).includes('sim.events.connector stopped'), pairs(stopped).join(', '));
    assert.ok(pairs(stopped).includes('sim.events.log connector-stopped'));
    const started = await eventsOf(sim.admin, () =>
      sim.admin.put('/modules/configurations/1/connector', { active: true }),
    );
    assert.ok(pairs(started).includes('sim.events.connector started'), pairs(started).join(', '));
    assert.ok(pairs(started).includes('sim.events.log connector-started'));
    const s = started.find((e) => e.event === 'started')!;
    assert.equal(s.data.configurationId, 1);
  });

  it('module import, key generation and rights changes are events too', async () => {
    const imported = await eventsOf(sim.admin, () => sim.admin.post('/modules', { name: 'Teams Integration' }));
    assert.ok(pairs(imported).includes('sim.events.config module-reimported'), pairs(imported).join(', '));
    assert.ok(pairs(imported).includes('sim.events.log interface-loaded'));
    const key = await eventsOf(sim.admin, () => sim.admin.post('/modules/configurations/1/key'));
    assert.ok(pairs(key).includes('sim.events.config key-generated'), pairs(key).join(', '));
    const rights = await eventsOf(sim.admin, () => sim.admin.put('/permissions/13/users?granted=true', [3]));
    assert.ok(pairs(rights).includes('sim.events.users rights-changed'), pairs(rights).join(', '));
    const app = await eventsOf(sim.admin, () => sim.admin.put('/sim/users/2/app', { active: false }));
    assert.ok(pairs(app).includes('sim.events.users app-signed-out'), pairs(app).join(', '));
  });

  it('a refused change makes no event', async () => {
    const events = await eventsOf(sim.admin, async () => {
      assert.equal((await sim.admin.put('/modules/configurations/1', { pbxName: 'not-a-fqdn' })).status, 400);
      assert.equal((await sim.admin.put('/licenses/users/4', ['UCC-Client Premium'])).status, 409);
    });
    assert.deepEqual(events, []);
  });
});

describe('EventBus ring buffer', () => {
  it('keeps the newest `capacity` events and reports the oldest seq', () => {
    const bus = new EventBus(5);
    assert.equal(bus.lastSeq, 0);
    for (let i = 0; i < 12; i++) bus.publish({ service: 'sim.events.server', event: 'tick', data: { i } });
    assert.equal(bus.lastSeq, 12);
    assert.equal(bus.oldestSeq, 8);
    assert.deepEqual(
      bus.since(0).map((e) => e.seq),
      [8, 9, 10, 11, 12],
    );
    assert.deepEqual(
      bus.since(10).map((e) => e.seq),
      [11, 12],
    );
    assert.deepEqual(
      bus.since(8, 2).map((e) => e.seq),
      [9, 10],
    );
  });
});

describe('simulator: OpenAPI document and routing', () => {
  let sim: RunningSim;
  before(async () => {
    sim = await startSim({ scenario: 'demo' });
  });
  after(async () => {
    await sim.stop();
  });

  it('GET /rest/openapi.json needs a signed-in user', async () => {
    const reply = await sim.client().get('/openapi.json');
    assert.equal(reply.status, 401);
  });

  it('is OpenAPI 3.1.x and lists every ENDPOINTS path and method, and nothing else', async () => {
    const reply = await sim.admin.get('/openapi.json');
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
    const doc = reply.body as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<string, Record<string, { responses: Record<string, unknown>; summary: string }>>;
    };
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.ok(doc.info.title && doc.info.version);
    for (const e of ENDPOINTS) {
      const op = doc.paths[e.path]?.[e.method];
      assert.ok(op, `${e.method.toUpperCase()} ${e.path} is documented`);
      assert.equal(op.summary, e.summary);
      for (const status of Object.keys(e.responses))
        assert.ok(status in op.responses, `${e.method} ${e.path} documents ${status}`);
    }
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    assert.deepEqual(documented.sort(), ENDPOINTS.map((e) => `${e.method} ${e.path}`).sort());
  });

  it('any signed-in user may read it', async () => {
    const anna = await sim.as(DEMO_USERS.anna);
    const reply = await anna.get('/openapi.json');
    assert.equal(reply.status, 200);
    assert.match(reply.body.openapi, /^3\.1\./);
  });

  it('an unrouted method on a known path is "No such endpoint" (the check below can see a gap)', async () => {
    const reply = await sim.admin.call('PATCH', '/users');
    assert.equal(reply.status, 404);
    assert.equal(reply.body.code, 'NOT_FOUND');
    assert.match(reply.body.message, /^No such endpoint/);
  });

  it('every ENDPOINTS entry is routed', async () => {
    // A separate simulator: calling everything with ids of 1 deletes and changes things.
    const probe = await startSim({ scenario: 'demo' });
    try {
      // Signing out last, so the admin token holds for the others.
      const ordered = [...ENDPOINTS].sort(
        (a, b) =>
          Number(a.method === 'delete' && a.path === '/login') - Number(b.method === 'delete' && b.path === '/login'),
      );
      for (const e of ordered) {
        const path = e.path.replace(/\{\w+\}/g, '1');
        const reply = await probe.admin.call(e.method.toUpperCase(), path);
        const label = `${e.method.toUpperCase()} ${path} → ${reply.status} ${JSON.stringify(reply.body)}`;
        assert.ok(reply.status < 500, label);
        assert.ok(!(reply.status === 404 && /^No such endpoint/.test(reply.body?.message ?? '')), label);
        assert.notEqual(reply.status, 401, label);
      }
    } finally {
      await probe.stop();
    }
  });
});
