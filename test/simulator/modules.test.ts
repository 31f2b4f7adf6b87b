import assert from 'node:assert/strict';
import { requirementById } from '../../shared/requirements/rules.js';
import { keyFingerprint } from '../../shared/hashes.js';
import { startSim, type RestClient, type RunningSim } from '../support/rest.js';

const CONFIGS = '/modules/configurations';
const PBX = 'pbx.demo.starface.test';

interface LogEntry {
  time: string;
  level: string;
  event: string;
  message: string;
}

async function logOf(admin: RestClient, id: number): Promise<LogEntry[]> {
  const reply = await admin.get(`${CONFIGS}/${id}/log`);
  assert.equal(reply.status, 200);
  return reply.body.entries;
}

async function configOf(admin: RestClient, id: number) {
  const reply = await admin.get(`${CONFIGS}/${id}`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body;
}

const warningIds = (config: { warnings: { id: string }[] }) => config.warnings.map((w) => w.id);

describe('simulator: module library and configurations', function () {
  let sim: RunningSim;

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('the demo has the module imported and one configuration "Teams" with the fixed shape', async () => {
    const modules = await sim.admin.get('/modules');
    assert.equal(modules.status, 200);
    assert.deepEqual(
      modules.body.map((m: { name: string }) => m.name),
      ['Teams Integration'],
    );
    const list = await sim.admin.get(CONFIGS);
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 1);
    const c = list.body[0];
    assert.equal(c.id, 1);
    assert.equal(c.name, 'Teams');
    assert.equal(c.module, 'Teams Integration');
    assert.equal(c.active, true);
    assert.equal(c.mode, 'FULL_INTEGRATION');
    assert.equal(c.pbxName, PBX);
    assert.equal(c.autoprovisioning, true);
    assert.match(c.keyFingerprint, /^SHA256:/);
    assert.equal(typeof c.revision, 'number');
    assert.deepEqual(
      { active: c.connector.active, appliedRevision: c.connector.appliedRevision },
      { active: true, appliedRevision: c.revision },
    );
    assert.equal(c.pendingRestart, false);
    assert.deepEqual(c.warnings, []);
    assert.equal('key' in c, false);
  });

  it('importing the module again replaces it and keeps the configurations', async () => {
    const before = await sim.admin.get(CONFIGS);
    const [module] = (await sim.admin.get('/modules')).body;
    const reimport = await sim.admin.post('/modules', { name: 'Teams Integration', version: '1.5.0.0' });
    assert.equal(reimport.status, 201, JSON.stringify(reimport.body));
    assert.equal(reimport.body.name, 'Teams Integration');
    assert.equal(reimport.body.version, '1.5.0.0');
    assert.equal(reimport.body.id, module.id);
    const modules = (await sim.admin.get('/modules')).body;
    assert.equal(modules.length, 1, 'still one module');
    assert.equal(modules[0].version, '1.5.0.0');
    const after = await sim.admin.get(CONFIGS);
    assert.deepEqual(
      after.body.map((c: { id: number; name: string; keyFingerprint: string }) => [c.id, c.name, c.keyFingerprint]),
      before.body.map((c: { id: number; name: string; keyFingerprint: string }) => [c.id, c.name, c.keyFingerprint]),
    );
    const log = await logOf(sim.admin, 1);
    assert.equal(log.at(-1)?.event, 'interface-loaded');
    assert.match(log.at(-1)!.message, /1\.5\.0\.0/);
  });

  it('removing the module and importing it again keeps the configuration too', async () => {
    const [module] = (await sim.admin.get('/modules')).body;
    assert.equal((await sim.admin.delete(`/modules/${module.id}`)).status, 204);
    assert.deepEqual((await sim.admin.get('/modules')).body, []);
    assert.equal((await sim.admin.get(CONFIGS)).body.length, 1);
    assert.equal((await sim.admin.post('/modules', { name: 'Teams Integration' })).status, 201);
    assert.equal((await sim.admin.get(CONFIGS)).body[0].name, 'Teams');
  });

  it('the library only knows "Teams Integration"', async () => {
    const reply = await sim.admin.post('/modules', { name: 'Something Else' });
    assert.equal(reply.status, 400);
    assert.equal(reply.body.code, 'VALIDATION_FAILED');
  });

  it('creates, reads, updates and deletes a configuration', async () => {
    const created = await sim.admin.post(CONFIGS, {
      name: 'Second',
      active: false,
      pbxName: 'pbx2.example.com',
      autoprovisioning: false,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    assert.ok(id > 1);
    assert.equal(created.headers.get('location'), `/rest${CONFIGS}/${id}`);
    assert.deepEqual(
      {
        name: created.body.name,
        module: created.body.module,
        active: created.body.active,
        mode: created.body.mode,
        pbxName: created.body.pbxName,
        autoprovisioning: created.body.autoprovisioning,
        keyFingerprint: created.body.keyFingerprint,
      },
      {
        name: 'Second',
        module: 'Teams Integration',
        active: false,
        mode: 'FULL_INTEGRATION',
        pbxName: 'pbx2.example.com',
        autoprovisioning: false,
        keyFingerprint: null,
      },
    );
    assert.deepEqual(created.body.connector, { active: false, appliedRevision: null, startedAt: null });

    const read = await configOf(sim.admin, id);
    assert.deepEqual(read, created.body);

    const updated = await sim.admin.put(`${CONFIGS}/${id}`, { name: 'Renamed', autoprovisioning: true });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.name, 'Renamed');
    assert.equal(updated.body.autoprovisioning, true);
    assert.equal(updated.body.revision, read.revision + 1);
    assert.deepEqual(await configOf(sim.admin, id), updated.body);

    // A PUT that changes nothing saves nothing.
    const same = await sim.admin.put(`${CONFIGS}/${id}`, { name: 'Renamed' });
    assert.equal(same.body.revision, updated.body.revision);

    assert.equal((await sim.admin.delete(`${CONFIGS}/${id}`)).status, 204);
    const gone = await sim.admin.get(`${CONFIGS}/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, 'NOT_FOUND');
    assert.equal((await sim.admin.delete(`${CONFIGS}/${id}`)).status, 404);
    assert.deepEqual(
      (await sim.admin.get(CONFIGS)).body.map((c: { id: number }) => c.id),
      [1],
    );
  });

  it('creating a configuration without the module is a 409 naming R11', async () => {
    const [module] = (await sim.admin.get('/modules')).body;
    await sim.admin.delete(`/modules/${module.id}`);
    const reply = await sim.admin.post(CONFIGS, { name: 'No module', active: false });
    assert.equal(reply.status, 409);
    assert.equal(reply.body.code, 'MODULE_NOT_IMPORTED');
    assert.match(reply.body.message, /R11/);
    assert.equal((await sim.admin.get(CONFIGS)).body.length, 1, 'nothing was created');
  });

  it('a second active configuration is allowed, but every configuration carries warning R12 and the module log warns', async () => {
    const created = await sim.admin.post(CONFIGS, { name: 'Teams 2', active: true, pbxName: 'pbx.demo.starface.test' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.ok(warningIds(created.body).includes('R12'));
    const r12 = created.body.warnings.find((w: { id: string }) => w.id === 'R12');
    assert.ok(r12.message.en.length > 0 && r12.message.de.length > 0);

    const list = (await sim.admin.get(CONFIGS)).body;
    assert.equal(list.length, 2);
    for (const c of list) assert.ok(warningIds(c).includes('R12'), `configuration ${c.id} warns R12`);
    assert.ok(warningIds(await configOf(sim.admin, 1)).includes('R12'));
    const put = await sim.admin.put(`${CONFIGS}/1`, { name: 'Teams' });
    assert.ok(warningIds(put.body).includes('R12'));

    for (const id of [1, created.body.id]) {
      const warnings = (await logOf(sim.admin, id)).filter((e) => e.event === 'warning');
      assert.ok(warnings.length >= 1, `module log of ${id} has a warning`);
      assert.equal(warnings[0]!.level, 'warn');
      assert.match(warnings[0]!.message, /R12/);
    }

    // Deactivating the second one clears the warning everywhere.
    const off = await sim.admin.put(`${CONFIGS}/${created.body.id}`, { active: false });
    assert.equal(off.status, 200);
    for (const c of (await sim.admin.get(CONFIGS)).body) assert.ok(!warningIds(c).includes('R12'));
  });

  it('mode PRESENCE_SYNC is accepted with warning R13', async () => {
    const reply = await sim.admin.put(`${CONFIGS}/1`, { mode: 'PRESENCE_SYNC' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.mode, 'PRESENCE_SYNC');
    assert.ok(warningIds(reply.body).includes('R13'));
    assert.ok(warningIds(await configOf(sim.admin, 1)).includes('R13'));
    const created = await sim.admin.post(CONFIGS, { name: 'Presence', active: false, mode: 'PRESENCE_SYNC' });
    assert.equal(created.status, 201);
    assert.deepEqual(warningIds(created.body), ['R13']);
    const back = await sim.admin.put(`${CONFIGS}/1`, { mode: 'FULL_INTEGRATION' });
    assert.ok(!warningIds(back.body).includes('R13'));
  });

  it('an unknown mode is a 400', async () => {
    const reply = await sim.admin.put(`${CONFIGS}/1`, { mode: 'SOMETHING' });
    assert.equal(reply.status, 400);
    assert.equal(reply.body.code, 'VALIDATION_FAILED');
  });

  it('a pbxName that is not an FQDN is a 400 naming the field and R14', async () => {
    for (const pbxName of ['pbx', 'http://pbx.example.com', 'pbx.example.com/', '-pbx.example.com', '']) {
      const put = await sim.admin.put(`${CONFIGS}/1`, { pbxName });
      assert.equal(put.status, 400, `PUT ${JSON.stringify(pbxName)}`);
      assert.equal(put.body.code, 'VALIDATION_FAILED');
      assert.match(put.body.message, /pbxName/);
      assert.match(put.body.message, /R14/);
      const post = await sim.admin.post(CONFIGS, { name: 'Bad', active: false, pbxName });
      assert.equal(post.status, 400, `POST ${JSON.stringify(pbxName)}`);
    }
    assert.equal((await configOf(sim.admin, 1)).pbxName, PBX, 'unchanged');
    assert.equal((await sim.admin.get(CONFIGS)).body.length, 1, 'nothing created');
  });

  it('a key in PUT or POST is refused with KEY_NOT_WRITABLE quoting R15', async () => {
    const r15 = requirementById('R15')!;
    const before = await configOf(sim.admin, 1);
    const attempts = [
      () => sim.admin.put(`${CONFIGS}/1`, { key: 'A'.repeat(43) }),
      () => sim.admin.put(`${CONFIGS}/1`, { name: 'Teams', key: 'A'.repeat(43) }),
      () => sim.admin.post(CONFIGS, { name: 'Typed key', active: false, key: 'A'.repeat(43) }),
      () => sim.admin.post(CONFIGS, { key: '' }),
    ];
    for (const attempt of attempts) {
      const reply = await attempt();
      assert.equal(reply.status, 400);
      assert.equal(reply.body.code, 'KEY_NOT_WRITABLE');
      assert.ok(reply.body.message.includes(r15.explanation.de), `message quotes the R15 rule: ${reply.body.message}`);
      assert.equal(reply.body.details.requirement, 'R15');
    }
    const after = await configOf(sim.admin, 1);
    assert.equal(after.keyFingerprint, before.keyFingerprint);
    assert.equal(after.revision, before.revision);
    assert.equal((await sim.admin.get(CONFIGS)).body.length, 1);
  });

  it('POST …/key answers the fingerprint only; the key appears nowhere but in the key file', async () => {
    const { lastSeq } = (await sim.admin.get('/sim/events?sinceSeq=0')).body;
    const before = await configOf(sim.admin, 1);
    const reply = await sim.admin.post(`${CONFIGS}/1/key`);
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.deepEqual(Object.keys(reply.body).sort(), ['createdAt', 'fingerprint', 'revision']);
    assert.match(reply.body.fingerprint, /^SHA256:/);
    assert.notEqual(reply.body.fingerprint, before.keyFingerprint);
    assert.equal(reply.body.revision, before.revision + 1);

    const file = await sim.admin.get(`${CONFIGS}/1/keyfile`);
    assert.equal(file.status, 200);
    const key: string = file.body.key;
    assert.equal(keyFingerprint(key), reply.body.fingerprint);
    assert.ok(!JSON.stringify(reply.body).includes(key));

    const events = await sim.admin.get(`/sim/events?sinceSeq=${lastSeq}`);
    assert.ok(events.body.events.some((e: { event: string }) => e.event === 'key-generated'));
    const text = JSON.stringify(events.body);
    assert.ok(!text.includes(key), 'the key is not in any event');
    assert.ok(text.includes(reply.body.fingerprint), 'the events carry the fingerprint');
    const all = JSON.stringify((await sim.admin.get('/sim/events?sinceSeq=0')).body);
    assert.ok(!all.includes(key));
    for (const path of [CONFIGS, `${CONFIGS}/1`, `${CONFIGS}/1/log`, '/modules']) {
      assert.ok(!JSON.stringify((await sim.admin.get(path)).body).includes(key), `${path} does not show the key`);
    }
  });

  it('keys have at least 256 bits and differ each time', async () => {
    const keys = new Set<string>();
    for (let i = 0; i < 5; i++) {
      assert.equal((await sim.admin.post(`${CONFIGS}/1/key`)).status, 201);
      const file = await sim.admin.get(`${CONFIGS}/1/keyfile`);
      const key: string = file.body.key;
      assert.match(key, /^[A-Za-z0-9_-]+$/, 'base64url');
      assert.ok(Buffer.from(key, 'base64url').length >= 32, `${key} decodes to ≥ 32 bytes`);
      keys.add(key);
    }
    assert.equal(keys.size, 5);
  });

  it('GET …/keyfile is {format: 1, pbxName, key, createdAt, fingerprint}', async () => {
    const config = await configOf(sim.admin, 1);
    const reply = await sim.admin.get(`${CONFIGS}/1/keyfile`);
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.body).sort(), ['createdAt', 'fingerprint', 'format', 'key', 'pbxName']);
    assert.equal(reply.body.format, 1);
    assert.equal(reply.body.pbxName, PBX);
    assert.equal(reply.body.fingerprint, config.keyFingerprint);
    assert.equal(reply.body.fingerprint, keyFingerprint(reply.body.key));
    assert.equal(reply.body.createdAt, config.keyCreatedAt);
    assert.ok(!Number.isNaN(Date.parse(reply.body.createdAt)));
    assert.match(reply.headers.get('content-disposition') ?? '', /attachment/);
    assert.equal(reply.headers.get('cache-control'), 'no-store');
  });

  it('GET …/keyfile is a 409 while there is no key', async () => {
    const created = await sim.admin.post(CONFIGS, { name: 'Keyless', active: false, pbxName: 'pbx2.example.com' });
    const reply = await sim.admin.get(`${CONFIGS}/${created.body.id}/keyfile`);
    assert.equal(reply.status, 409);
    assert.equal(reply.body.code, 'NO_KEY');
    assert.match(reply.body.message, /R15/);
    assert.equal((await sim.admin.get(`${CONFIGS}/99/keyfile`)).status, 404);
  });

  it('the connector restarts: off, then on, takes the saved revision', async () => {
    const before = await configOf(sim.admin, 1);
    const off = await sim.admin.put(`${CONFIGS}/1/connector`, { active: false });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.deepEqual(off.body.connector, { active: false, appliedRevision: null, startedAt: null });
    assert.equal(off.body.pendingRestart, false);
    const on = await sim.admin.put(`${CONFIGS}/1/connector`, { active: true });
    assert.equal(on.status, 200);
    assert.equal(on.body.connector.active, true);
    assert.equal(on.body.connector.appliedRevision, on.body.revision);
    assert.equal(on.body.revision, before.revision, 'a restart is not a configuration change');
    assert.ok(Date.parse(on.body.connector.startedAt) >= Date.parse(before.connector.startedAt));
    const events = (await logOf(sim.admin, 1)).map((e) => e.event);
    assert.deepEqual(events.slice(-2), ['connector-stopped', 'connector-started']);
    // Setting the state it already has changes nothing.
    const again = await sim.admin.put(`${CONFIGS}/1/connector`, { active: true });
    assert.equal(again.body.connector.startedAt, on.body.connector.startedAt);
    assert.equal((await logOf(sim.admin, 1)).length, events.length);
  });

  it('the connector body must be {active: boolean}', async () => {
    for (const body of [{}, { active: 'yes' }, { active: true, extra: 1 }]) {
      const reply = await sim.admin.put(`${CONFIGS}/1/connector`, body);
      assert.equal(reply.status, 400, JSON.stringify(body));
    }
  });

  it('an inactive configuration cannot start its connector', async () => {
    const created = await sim.admin.post(CONFIGS, { name: 'Inactive', active: false, pbxName: 'pbx2.example.com' });
    const reply = await sim.admin.put(`${CONFIGS}/${created.body.id}/connector`, { active: true });
    assert.equal(reply.status, 409);
    assert.equal(reply.body.code, 'CONFIGURATION_INACTIVE');
  });

  it('a change while the connector runs leaves a restart pending (R17) until it is restarted', async () => {
    const before = await configOf(sim.admin, 1);
    const changed = await sim.admin.put(`${CONFIGS}/1`, { autoprovisioning: false });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.pendingRestart, true);
    assert.ok(changed.body.revision > changed.body.connector.appliedRevision);
    assert.equal(changed.body.connector.appliedRevision, before.revision);
    assert.ok(warningIds(changed.body).includes('R17'));
    const last = (await logOf(sim.admin, 1)).at(-1)!;
    assert.equal(last.event, 'config-changed');
    assert.equal(last.level, 'warn');
    assert.match(last.message, /autoprovisioning/);

    // A new key is a change too.
    const key = await sim.admin.post(`${CONFIGS}/1/key`);
    assert.equal(key.body.revision, changed.body.revision + 1);
    const pending = await configOf(sim.admin, 1);
    assert.equal(pending.pendingRestart, true);
    assert.equal(pending.connector.appliedRevision, before.revision);

    await sim.admin.put(`${CONFIGS}/1/connector`, { active: false });
    const restarted = await sim.admin.put(`${CONFIGS}/1/connector`, { active: true });
    assert.equal(restarted.body.pendingRestart, false);
    assert.equal(restarted.body.connector.appliedRevision, restarted.body.revision);
    assert.ok(!warningIds(restarted.body).includes('R17'));
  });

  it('a change with the connector stopped leaves nothing pending', async () => {
    await sim.admin.put(`${CONFIGS}/1/connector`, { active: false });
    const changed = await sim.admin.put(`${CONFIGS}/1`, { name: 'Teams renamed' });
    assert.equal(changed.body.pendingRestart, false);
    const last = (await logOf(sim.admin, 1)).at(-1)!;
    assert.equal(last.event, 'config-changed');
    assert.equal(last.level, 'info');
  });

  it('the module log shows interface-loaded, connector-started and connector-stopped with timestamps', async () => {
    await sim.admin.put(`${CONFIGS}/1/connector`, { active: false });
    await sim.admin.put(`${CONFIGS}/1/connector`, { active: true });
    const log = await logOf(sim.admin, 1);
    const events = log.map((e) => e.event);
    for (const e of ['interface-loaded', 'connector-started', 'connector-stopped'])
      assert.ok(events.includes(e), `log has ${e}`);
    assert.ok(events.indexOf('interface-loaded') < events.indexOf('connector-started'));
    for (const entry of log) {
      assert.match(entry.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      assert.ok(['info', 'warn'].includes(entry.level));
      assert.ok(entry.message.length > 0);
    }
    const times = log.map((e) => Date.parse(e.time));
    assert.deepEqual(
      [...times].sort((a, b) => a - b),
      times,
      'oldest first',
    );
  });

  it('the module log keeps the newest 500 entries', async function () {
    this.timeout(60_000);
    // Each new key writes two entries (key-generated, config-changed).
    for (let batch = 0; batch < 27; batch++) {
      await Promise.all(Array.from({ length: 10 }, () => sim.admin.post(`${CONFIGS}/1/key`)));
    }
    const file = await sim.admin.get(`${CONFIGS}/1/keyfile`);
    const log = await logOf(sim.admin, 1);
    assert.equal(log.length, 500);
    assert.equal(log.at(-1)!.event, 'config-changed');
    assert.equal(log.at(-2)!.event, 'key-generated');
    assert.ok(log.at(-2)!.message.includes(file.body.fingerprint), 'the newest entries are kept');
    assert.ok(!log.some((e) => e.event === 'interface-loaded'), 'the oldest entries were dropped');
  });

  it('unknown configuration ids are 404, malformed ones 400', async () => {
    for (const [method, path] of [
      ['GET', `${CONFIGS}/42`],
      ['PUT', `${CONFIGS}/42`],
      ['DELETE', `${CONFIGS}/42`],
      ['POST', `${CONFIGS}/42/key`],
      ['PUT', `${CONFIGS}/42/connector`],
      ['GET', `${CONFIGS}/42/log`],
    ] as const) {
      const body = method === 'PUT' ? (path.endsWith('connector') ? { active: true } : { name: 'x' }) : undefined;
      const reply = await sim.admin.call(method, path, body);
      assert.equal(reply.status, 404, `${method} ${path}`);
      assert.equal(reply.body.code, 'NOT_FOUND');
    }
    assert.equal((await sim.admin.get(`${CONFIGS}/abc`)).status, 400);
  });

  it('only administrators may touch modules', async () => {
    const anna = await sim.as({ login: '1001', password: 'anna-demo-1001' });
    for (const [method, path] of [
      ['GET', '/modules'],
      ['GET', CONFIGS],
      ['GET', `${CONFIGS}/1/keyfile`],
      ['POST', `${CONFIGS}/1/key`],
    ] as const) {
      assert.equal((await anna.call(method, path)).status, 403, `${method} ${path}`);
    }
    assert.equal((await sim.client().get(`${CONFIGS}/1/keyfile`)).status, 401);
  });
});

describe('simulator: modules on a fresh PBX', () => {
  let sim: RunningSim;
  before(async () => {
    sim = await startSim({ scenario: 'fresh' });
  });
  after(async () => {
    await sim.stop();
  });

  it('creating a configuration before importing the module is a 409; after the import it works', async () => {
    const refused = await sim.admin.post(CONFIGS, { name: 'Teams' });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'MODULE_NOT_IMPORTED');
    const imported = await sim.admin.post('/modules', { name: 'Teams Integration' });
    assert.equal(imported.status, 201);
    const created = await sim.admin.post(CONFIGS, { name: 'Teams', pbxName: 'pbx.fresh.example.com' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.active, true, 'active by default');
    assert.equal(created.body.mode, 'FULL_INTEGRATION', 'full integration by default');
    assert.equal(created.body.autoprovisioning, true, 'autoprovisioning by default');
    assert.equal(created.body.keyFingerprint, null);
    assert.equal(created.body.connector.active, false);
    const log = await logOf(sim.admin, created.body.id);
    assert.deepEqual(
      log.map((e) => e.event),
      ['interface-loaded'],
    );
  });
});
