// The public handle of createSimulator(): start, addresses, subscribe, reset, stop.
import assert from 'node:assert/strict';
import type { SimEvent } from '../../shared/schemas/events.js';
import * as publicApi from '../../simulator/src/index.js';
import { silentLogger } from '../../simulator/src/log.js';
import { createSimulator, type Simulator } from '../../simulator/src/simulator.js';
import { cleanUp } from '../support/cleanup.js';
import { ADMIN_PASSWORD, DEMO_USERS, RestClient } from '../support/rest.js';
import { until } from '../support/until.js';

const ERWIN = {
  login: 'erwin',
  firstName: 'Erwin',
  familyName: 'Ernst',
  email: 'erwin@demo.starface.test',
  language: 'de',
  password: 'erwin-password-1',
};

describe('simulator handle (createSimulator)', function () {
  this.timeout(30_000);
  let sim: Simulator | undefined;

  afterEach(() => cleanUp(() => sim?.stop()));

  it('start() answers the addresses, which stay readable until stop()', async () => {
    sim = createSimulator({
      memory: true,
      httpPort: 0,
      sipPort: 0,
      adminPassword: ADMIN_PASSWORD,
      logger: silentLogger,
    });
    assert.equal(sim.addresses, undefined, 'not before start()');
    const addresses = await sim.start();
    assert.deepEqual(sim.addresses, addresses);
    assert.match(addresses.rest, /^http:\/\/127\.0\.0\.1:\d+\/rest$/);
    assert.equal(sim.scenario, 'demo');
    assert.equal(sim.adminLogin, 'admin');
    assert.equal(sim.generatedAdminPassword, undefined, 'the password was given');
    assert.match(sim.storeDescription, /memory/i);
    await sim.stop();
    assert.equal(sim.addresses, undefined, 'not after stop()');
  });

  it('subscribe() sees the events until unsubscribed; reset() applies the current scenario again, or the one named', async () => {
    sim = createSimulator({
      memory: true,
      httpPort: 0,
      sipPort: 0,
      adminPassword: ADMIN_PASSWORD,
      logger: silentLogger,
    });
    await assert.rejects(sim.reset(), /not running/);
    const { rest } = await sim.start();
    const events: SimEvent[] = [];
    const unsubscribe = sim.subscribe((e) => events.push(e));
    const admin = new RestClient(rest);
    await admin.login('admin', ADMIN_PASSWORD);
    const created = await admin.post('/users', ERWIN);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await until('the user event', () => events.some((e) => e.data.login === ERWIN.login));
    const anna = new RestClient(rest);
    await anna.login(DEMO_USERS.anna.login, DEMO_USERS.anna.password);

    await sim.reset();
    assert.equal(sim.scenario, 'demo');
    const users = await admin.get<{ login: string }[]>('/users');
    assert.equal(users.status, 200, 'the admin stays signed in, as over REST');
    assert.ok(!users.body.some((u) => u.login === ERWIN.login), 'the demo again, without the added user');
    assert.equal((await anna.get('/users')).status, 401, 'every other session ends, as over REST');

    await sim.reset('fresh');
    assert.equal(sim.scenario, 'fresh');
    await assert.rejects(sim.reset('no-such-scenario'), /Unknown scenario "no-such-scenario"/);

    unsubscribe();
    const before = events.length;
    await sim.reset();
    assert.equal(events.length, before, 'no events after unsubscribing');
  });

  it('index.ts exports the handle, not the internals', () => {
    assert.equal(typeof publicApi.createSimulator, 'function');
    assert.ok(!('simulatorInternals' in publicApi));
  });
});
