import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, REQUIREMENTS } from '../../shared/requirements/rules.js';
import { BUILTIN_NAMES } from '../../simulator/src/scenarios/builtin.js';
import { loadScenario, ScenarioError } from '../../simulator/src/scenarios/apply.js';
import { silentLogger } from '../../simulator/src/log.js';
import { createSimulator } from '../../simulator/src/simulator.js';
import { PbxStateSchema } from '../../simulator/src/state/model.js';
import { toSnapshot } from '../../simulator/src/state/snapshot.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RestClient, type RunningSim } from '../support/rest.js';

const CONFIGS = '/modules/configurations';
const PBX = 'pbx.demo.starface.test';
const BROKEN = [1, 2, 3, 4, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];

interface Unmet {
  id: string;
  message: { en: string; de: string };
}

/** What the Teams app sends for 1001: the key file when the PBX hands one out, else the key itself. */
async function signInAnna(sim: RunningSim, storedKey?: string | null) {
  const app = sim.client();
  const file = await sim.admin.get(`${CONFIGS}/1/keyfile`);
  const credentials = { login: DEMO_USERS.anna.login, password: DEMO_USERS.anna.password };
  if (file.status === 200)
    return app.post('/sim/teams/login', { pbxName: PBX, keyFile: JSON.stringify(file.body), ...credentials });
  assert.equal(file.status, 409, JSON.stringify(file.body));
  // No key file (no key generated): the key as the running connector knows it, if any.
  return app.post('/sim/teams/login', { pbxName: PBX, key: storedKey ?? 'A'.repeat(43), ...credentials });
}

function unmetIds(reply: { status: number; body: { ok: boolean; unmet?: Unmet[] } }): string[] {
  assert.equal(reply.status, 403, JSON.stringify(reply.body));
  assert.equal(reply.body.ok, false);
  return reply.body.unmet!.map((u) => u.id);
}

function readStore(dir: string) {
  return PbxStateSchema.parse(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')));
}

describe('simulator: built-in scenarios', () => {
  it('the built-ins are demo, fresh, starface-10 and broken-rN for the requirements DESIGN.md names', () => {
    assert.deepEqual(
      [...BUILTIN_NAMES].sort(),
      ['demo', 'fresh', 'starface-10', ...BROKEN.map((n) => `broken-r${n}`)].sort(),
    );
  });

  describe('broken-rN: exactly RN is unmet for 1001', () => {
    const dirs: string[] = [];
    after(() => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    for (const n of BROKEN) {
      it(`broken-r${n}: the Teams sign-in of 1001 is refused with exactly [R${n}]`, async () => {
        // A file store, so that the test can also read the key and the whole state the simulator keeps.
        const dir = mkdtempSync(join(tmpdir(), `sim-broken-r${n}-`));
        dirs.push(dir);
        const sim = await startSim({ scenario: `broken-r${n}`, dataDir: dir });
        try {
          assert.equal(sim.sim.scenario, `broken-r${n}`);
          const state = readStore(dir);
          const stored = state.configurations.find((c) => c.id === 1);
          assert.ok(stored, 'configuration 1 exists');
          const connectorKey = stored.connector.applied?.key ?? stored.key;

          const reply = await signInAnna(sim, connectorKey);
          assert.deepEqual(unmetIds(reply), [`R${n}`]);
          const unmet = reply.body.unmet[0];
          assert.ok(unmet.message.en.length > 0 && unmet.message.de.length > 0);

          // The same state through the shared rules, as the admin sees it: among the rules the PBX's data can
          // decide (not the machine or Teams ones), exactly RN fails for 1001 and nothing else.
          const anna = state.users.find((u) => u.login === '1001')!;
          const results = evaluate(toSnapshot(state), { userIds: [anna.id] });
          const decidable = new Set(
            REQUIREMENTS.filter((r) => r.scope === 'pbx' || r.scope === 'user').map((r) => r.id),
          );
          const notPassing = results
            .filter((r) => decidable.has(r.id) && r.status !== 'pass')
            .map((r) => `${r.id}:${r.status}`);
          assert.deepEqual(notPassing, [`R${n}:fail`]);

          // The other demo users keep their own gaps only.
          const bernd = sim.client();
          const file = await sim.admin.get(`${CONFIGS}/1/keyfile`);
          if (file.status === 200) {
            const b = await bernd.post('/sim/teams/login', {
              pbxName: PBX,
              keyFile: JSON.stringify(file.body),
              ...DEMO_USERS.bernd,
            });
            const expected = ['R1', 'R11', 'R12', 'R13', 'R14', 'R15', 'R16', 'R17', 'R18'].includes(`R${n}`)
              ? [`R${n}`, 'R10']
              : ['R10'];
            assert.deepEqual(unmetIds(b).sort(), expected.sort());
          }
        } finally {
          await sim.stop();
        }
      });
    }
  });

  describe('demo', () => {
    let sim: RunningSim;
    before(async () => {
      sim = await startSim({ scenario: 'demo' });
    });
    after(async () => {
      await sim.stop();
    });

    it('1001 signs in to Teams', async () => {
      const reply = await signInAnna(sim);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.ok, true);
    });

    it('has the users, licences and module DESIGN.md promises', async () => {
      const users = (await sim.admin.get('/users')).body as {
        id: number;
        login: string;
        firstName: string;
        familyName: string;
        extension?: string;
      }[];
      assert.deepEqual(
        users.map((u) => [u.id, u.login, u.firstName, u.familyName]),
        [
          [1, 'admin', 'STARFACE', 'Administrator'],
          [2, '1001', 'Anna', 'Albers'],
          [3, '1002', 'Bernd', 'Brandt'],
          [4, '1003', 'Carla', 'Conrad'],
        ],
      );
      const licences = (await sim.admin.get('/licenses')).body as { type: string; count: number; used: number }[];
      assert.deepEqual(
        licences.map((l) => [l.type, l.count, l.used]),
        [
          ['UCC-Client Premium', 2, 2],
          ['MS Teams Integration', 2, 2],
        ],
      );
      assert.deepEqual((await sim.admin.get('/licenses/users/4')).body, []);
      const version = (await sim.admin.get('/server/version')).body;
      assert.ok(JSON.stringify(version).length > 0);
      for (const u of Object.values(DEMO_USERS)) await sim.as(u);
    });
  });

  describe('fresh', () => {
    let sim: RunningSim;
    before(async () => {
      sim = await startSim({ scenario: 'fresh' });
    });
    after(async () => {
      await sim.stop();
    });

    it('has only the admin, no licences, no modules, no configurations', async () => {
      const users = (await sim.admin.get('/users')).body as { login: string }[];
      assert.deepEqual(
        users.map((u) => u.login),
        ['admin'],
      );
      assert.deepEqual((await sim.admin.get('/licenses')).body, []);
      assert.deepEqual((await sim.admin.get('/modules')).body, []);
      assert.deepEqual((await sim.admin.get(CONFIGS)).body, []);
      assert.equal(sim.sim.scenario, 'fresh');
    });

    it('a Teams sign-in as admin fails on everything that is missing', async () => {
      const reply = await sim
        .client()
        .post('/sim/teams/login', { pbxName: PBX, key: 'A'.repeat(43), login: 'admin', password: ADMIN_PASSWORD });
      const ids = unmetIds(reply);
      for (const id of ['R2', 'R3', 'R4', 'R9', 'R10', 'R11']) assert.ok(ids.includes(id), `${id} in ${ids.join(',')}`);
    });
  });
});

describe('simulator: scenario files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sim-scenario-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, content: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  const invalid = {
    name: 'bad',
    users: [
      {
        login: '2001',
        firstName: 'Dora',
        familyName: 'Dietz',
        password: 'dora-pass-2001',
        licences: ['UCC-Client Premium', 'Gold Licence'],
      },
    ],
    configurations: [{ name: 'Teams', pbxName: 'not a host' }],
  };

  it('an invalid scenario file is refused with the path of each bad field', () => {
    const file = write('invalid.json', invalid);
    assert.throws(
      () => loadScenario(file),
      (err: unknown) => {
        assert.ok(err instanceof ScenarioError);
        assert.match(err.message, /users\.0\.licences\.1/);
        assert.match(err.message, /configurations\.0\.pbxName/);
        assert.ok(err.message.includes(file), 'names the file');
        return true;
      },
    );
  });

  it('unknown fields, bad JSON, missing files and unknown names are refused clearly', () => {
    assert.throws(() => loadScenario(write('extra.json', { name: 'x', colour: 'blue' })), /colour/);
    assert.throws(() => loadScenario(write('broken.json', '{"name": ')), /not valid JSON/);
    assert.throws(() => loadScenario(join(dir, 'missing.json')), /Cannot read scenario file/);
    assert.throws(
      () => loadScenario('broken-r5'),
      (err: unknown) => err instanceof ScenarioError && /Unknown scenario "broken-r5"/.test(err.message),
    );
  });

  it('createSimulator({scenario: file}).start() rejects an invalid file', async () => {
    const file = write('invalid-start.json', invalid);
    const sim = createSimulator({
      scenario: file,
      memory: true,
      httpPort: 0,
      adminPassword: ADMIN_PASSWORD,
      logger: silentLogger,
    });
    try {
      await assert.rejects(sim.start(), /users\.0\.licences\.1/);
    } finally {
      await sim.stop();
    }
  });

  it('a valid scenario file starts a simulator with what it describes', async () => {
    const file = write('valid.json', {
      name: 'small office',
      licences: [{ type: 'UCC-Client Premium', count: 1 }],
      users: [
        {
          login: '2001',
          firstName: 'Dora',
          familyName: 'Dietz',
          password: 'dora-pass-2001',
          licences: ['UCC-Client Premium'],
        },
      ],
    });
    const sim = await startSim({ scenario: file });
    try {
      assert.equal(sim.sim.scenario, 'small office');
      const users = (await sim.admin.get('/users')).body as { login: string }[];
      assert.deepEqual(
        users.map((u) => u.login),
        ['admin', '2001'],
      );
      await sim.as({ login: '2001', password: 'dora-pass-2001' });
    } finally {
      await sim.stop();
    }
  });
});

describe('simulator: POST /rest/sim/scenario', () => {
  let sim: RunningSim;
  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('switches the running simulator to broken-r12; the admin stays signed in, others are signed out', async () => {
    const anna: RestClient = await sim.as(DEMO_USERS.anna);
    assert.equal((await anna.get('/users/me')).status, 200);
    const before = (await sim.admin.get('/sim/events?sinceSeq=0')).body.lastSeq;

    const reply = await sim.admin.post('/sim/scenario', { name: 'broken-r12' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.scenario, 'broken-r12');
    assert.ok(reply.body.lastSeq > before);
    assert.equal(sim.sim.scenario, 'broken-r12');

    assert.equal((await sim.admin.get('/users')).status, 200, 'the admin token stays valid');
    const revoked = await anna.get('/users/me');
    assert.equal(revoked.status, 401, 'other tokens are revoked');

    const configs = (await sim.admin.get(CONFIGS)).body as { active: boolean }[];
    assert.equal(configs.filter((c) => c.active).length, 2);
    assert.deepEqual(unmetIds(await signInAnna(sim)), ['R12']);

    const events = (await sim.admin.get(`/sim/events?sinceSeq=${before}`)).body.events as {
      event: string;
      data: { scenario?: string };
    }[];
    assert.ok(events.some((e) => e.event === 'scenario-applied' && e.data.scenario === 'broken-r12'));

    // And back to the demo.
    assert.equal((await sim.admin.post('/sim/scenario', { name: 'demo' })).status, 200);
    assert.equal((await signInAnna(sim)).status, 200);
  });

  it('refuses a path or an unknown name', async () => {
    for (const name of ['../etc/passwd', '/etc/passwd', 'scenario.json', '..\\x', 'no-such-scenario']) {
      const reply = await sim.admin.post('/sim/scenario', { name });
      assert.equal(reply.status, 400, name);
      assert.equal(reply.body.code, 'INVALID_SCENARIO', name);
    }
    assert.equal(sim.sim.scenario, 'demo', 'nothing changed');
    assert.equal((await signInAnna(sim)).status, 200);
  });

  it('applies an inline scenario', async () => {
    const reply = await sim.admin.post('/sim/scenario', {
      scenario: {
        name: 'inline',
        licences: [{ type: 'MS Teams Integration', count: 3 }],
        users: [
          {
            login: '3001',
            firstName: 'Emil',
            familyName: 'Eck',
            password: 'emil-pass-3001',
            licences: ['MS Teams Integration'],
          },
        ],
        modules: [{ name: 'Teams Integration' }],
        configurations: [{ name: 'Inline', pbxName: 'pbx.inline.example.com', connector: { active: true } }],
      },
    });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.scenario, 'inline');
    const users = (await sim.admin.get('/users')).body as { login: string }[];
    assert.deepEqual(
      users.map((u) => u.login),
      ['admin', '3001'],
    );
    const licences = (await sim.admin.get('/licenses')).body as { type: string; count: number; used: number }[];
    assert.deepEqual(
      licences.map((l) => [l.type, l.count, l.used]),
      [['MS Teams Integration', 3, 1]],
    );
    const [config] = (await sim.admin.get(CONFIGS)).body;
    assert.equal(config.name, 'Inline');
    assert.equal(config.connector.active, true);
    assert.match(config.keyFingerprint, /^SHA256:/);
    await sim.as({ login: '3001', password: 'emil-pass-3001' });
  });

  it('refuses an invalid inline scenario with the field path and changes nothing', async () => {
    const reply = await sim.admin.post('/sim/scenario', {
      scenario: { name: 'bad', users: [{ login: '3001', firstName: 'E', familyName: 'E', password: 'short' }] },
    });
    assert.equal(reply.status, 400);
    assert.equal(reply.body.code, 'INVALID_SCENARIO');
    assert.match(reply.body.message, /users\.0\.password/);
    assert.equal(((await sim.admin.get('/users')).body as unknown[]).length, 4);
  });

  it('a body that is neither {name} nor {scenario} is a 400', async () => {
    for (const body of [{}, { name: 'demo', scenario: {} }, { other: 1 }]) {
      assert.equal((await sim.admin.post('/sim/scenario', body)).status, 400, JSON.stringify(body));
    }
  });

  it('needs an administrator', async () => {
    const anna = await sim.as(DEMO_USERS.anna);
    assert.equal((await anna.post('/sim/scenario', { name: 'fresh' })).status, 403);
    assert.equal((await sim.client().post('/sim/scenario', { name: 'fresh' })).status, 401);
    assert.equal(sim.sim.scenario, 'demo');
  });
});
