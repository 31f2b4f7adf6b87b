import assert from 'node:assert/strict';
import { DEMO_USERS, startSim, type RestClient, type RunningSim } from '../support/rest.js';

const CONFIGS = '/modules/configurations';
const PBX = 'pbx.demo.starface.test';

interface Unmet {
  id: string;
  message: { en: string; de: string };
}

async function keyFileText(admin: RestClient, id = 1): Promise<string> {
  const reply = await admin.get(`${CONFIGS}/${id}/keyfile`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return JSON.stringify(reply.body);
}

const keyOf = (file: string): string => JSON.parse(file).key;

async function restart(admin: RestClient, id = 1): Promise<void> {
  assert.equal((await admin.put(`${CONFIGS}/${id}/connector`, { active: false })).status, 200);
  const on = await admin.put(`${CONFIGS}/${id}/connector`, { active: true });
  assert.equal(on.status, 200);
  assert.equal(on.body.pendingRestart, false);
}

/** Asserts the shape of a refusal and answers its unmet ids. */
function unmetIds(reply: { status: number; body: { ok: boolean; unmet: Unmet[] } }): string[] {
  assert.equal(reply.status, 403, JSON.stringify(reply.body));
  assert.equal(reply.body.ok, false);
  assert.ok(Array.isArray(reply.body.unmet));
  for (const u of reply.body.unmet) {
    assert.deepEqual(Object.keys(u).sort(), ['id', 'message']);
    assert.match(u.id, /^R\d+$/);
    assert.deepEqual(Object.keys(u.message).sort(), ['de', 'en']);
    assert.ok(u.message.en.length > 0 && u.message.de.length > 0, `${u.id} explained in English and German`);
  }
  return reply.body.unmet.map((u) => u.id);
}

describe('simulator: Teams sign-in (POST /rest/sim/teams/login)', () => {
  let sim: RunningSim;
  let app: RestClient; // no authToken: the Teams app signs in with the user's credentials
  let file: string;

  const signIn = (body: Record<string, unknown>) => app.post('/sim/teams/login', body);
  const withKey = (user: { login: string; password: string }, key: string, pbxName = PBX) =>
    signIn({ pbxName, key, login: user.login, password: user.password });
  const withFile = (user: { login: string; password: string }, keyFile: string, pbxName = PBX) =>
    signIn({ pbxName, keyFile, login: user.login, password: user.password });

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
    app = sim.client();
    file = await keyFileText(sim.admin);
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('1001 signs in with the key', async () => {
    const reply = await withKey(DEMO_USERS.anna, keyOf(file));
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.ok, true);
    assert.equal(reply.body.user.login, '1001');
    assert.equal(reply.body.user.id, 2);
    assert.equal(reply.body.pbxName, PBX);
    assert.equal(reply.body.configurationId, 1);
    assert.equal(reply.body.mode, 'FULL_INTEGRATION');
    assert.ok(!JSON.stringify(reply.body).includes(keyOf(file)), 'the answer does not echo the key');
  });

  it('1001 signs in with the key file', async () => {
    const reply = await withFile(DEMO_USERS.anna, file);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.ok, true);
  });

  it('the PBX name is compared without regard to case and surrounding blanks', async () => {
    const reply = await withKey(DEMO_USERS.anna, keyOf(file), ' PBX.Demo.STARFACE.test ');
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  });

  it('needs no authToken and ignores a stale one', async () => {
    app.token = 'not-a-token';
    const reply = await withKey(DEMO_USERS.anna, keyOf(file));
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  });

  it('1002 is refused with exactly [R10]', async () => {
    assert.deepEqual(unmetIds(await withKey(DEMO_USERS.bernd, keyOf(file))), ['R10']);
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.bernd, file)), ['R10']);
  });

  it('1003 is refused with exactly [R2, R3]', async () => {
    const reply = await withFile(DEMO_USERS.carla, file);
    assert.deepEqual(unmetIds(reply), ['R2', 'R3']);
    assert.equal(reply.body.code, 'REQUIREMENTS_UNMET');
    assert.match(reply.body.unmet[0].message.en, /1003.*UCC-Client Premium/);
  });

  it('a wrong password is refused with exactly [R21] and tells nothing about the set-up', async () => {
    const reply = await withKey({ login: '1003', password: 'wrong-password' }, keyOf(file));
    assert.deepEqual(unmetIds(reply), ['R21']);
    assert.equal(reply.body.code, 'SIGN_IN_FAILED');
    const unknownUser = await withKey({ login: '4711', password: 'whatever-pw' }, keyOf(file));
    assert.deepEqual(unmetIds(unknownUser), ['R21']);
    assert.deepEqual(reply.body.unmet, unknownUser.body.unmet, 'an unknown login looks like a wrong password');
  });

  it('a wrong PBX name is refused with exactly [R21]', async () => {
    assert.deepEqual(unmetIds(await withKey(DEMO_USERS.anna, keyOf(file), 'pbx.other.starface.test')), ['R21']);
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.anna, file, 'pbx.other.starface.test')), ['R21']);
  });

  it('a key file of another PBX is refused with [R21] even when the typed name is right', async () => {
    const other = JSON.stringify({ ...JSON.parse(file), pbxName: 'pbx.other.starface.test' });
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.anna, other)), ['R21']);
  });

  it('a wrong key is refused with exactly [R21]', async () => {
    const wrong = 'A'.repeat(43);
    assert.deepEqual(unmetIds(await withKey(DEMO_USERS.anna, wrong)), ['R21']);
    const wrongFile = JSON.stringify({ ...JSON.parse(file), key: wrong });
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.anna, wrongFile)), ['R21']);
  });

  it('every unmet requirement is listed at once', async () => {
    assert.deepEqual(unmetIds(await withKey(DEMO_USERS.carla, 'B'.repeat(43), 'pbx.other.starface.test')), [
      'R2',
      'R3',
      'R21',
    ]);
  });

  it('a new key counts only once the connector is restarted (R17, R21)', async () => {
    const oldKey = keyOf(file);
    const generated = await sim.admin.post(`${CONFIGS}/1/key`);
    assert.equal(generated.status, 201);
    const newFile = await keyFileText(sim.admin);
    const newKey = keyOf(newFile);
    assert.notEqual(newKey, oldKey);

    // The running connector still uses the old key: it is accepted, but the change is pending.
    assert.deepEqual(unmetIds(await withKey(DEMO_USERS.anna, oldKey)), ['R17']);
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.anna, file)), ['R17']);
    assert.deepEqual(unmetIds(await withKey(DEMO_USERS.anna, newKey)), ['R17', 'R21']);
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.anna, newFile)), ['R17', 'R21']);

    await restart(sim.admin);
    const ok = await withKey(DEMO_USERS.anna, newKey);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await withFile(DEMO_USERS.anna, newFile)).status, 200);
    assert.deepEqual(unmetIds(await withKey(DEMO_USERS.anna, oldKey)), ['R21']);
  });

  it('a new PBX name counts only once the connector is restarted', async () => {
    const put = await sim.admin.put(`${CONFIGS}/1`, { pbxName: 'pbx.new.starface.test' });
    assert.equal(put.status, 200);
    assert.deepEqual(unmetIds(await withKey(DEMO_USERS.anna, keyOf(file), PBX)), ['R17']);
    assert.deepEqual(unmetIds(await withKey(DEMO_USERS.anna, keyOf(file), 'pbx.new.starface.test')), ['R17', 'R21']);
    await restart(sim.admin);
    assert.equal((await withKey(DEMO_USERS.anna, keyOf(file), 'pbx.new.starface.test')).status, 200);
    assert.deepEqual(unmetIds(await withKey(DEMO_USERS.anna, keyOf(file), PBX)), ['R21']);
  });

  it('mode PRESENCE_SYNC without a restart is R17 only; after the restart it is R13', async () => {
    assert.equal((await sim.admin.put(`${CONFIGS}/1`, { mode: 'PRESENCE_SYNC' })).status, 200);
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.anna, file)), ['R17']);
    await restart(sim.admin);
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.anna, file)), ['R13']);
    // And back: until the restart the connector still runs "Abgleich Präsenzstatus".
    await sim.admin.put(`${CONFIGS}/1`, { mode: 'FULL_INTEGRATION' });
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.anna, file)), ['R13', 'R17']);
    await restart(sim.admin);
    assert.equal((await withFile(DEMO_USERS.anna, file)).status, 200);
  });

  it('autoprovisioning off without a restart is R17 only; after the restart it is R16', async () => {
    await sim.admin.put(`${CONFIGS}/1`, { autoprovisioning: false });
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.anna, file)), ['R17']);
    await restart(sim.admin);
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.anna, file)), ['R16']);
  });

  it('a stopped connector is R18; the saved settings then count', async () => {
    await sim.admin.put(`${CONFIGS}/1/connector`, { active: false });
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.anna, file)), ['R18']);
    await sim.admin.put(`${CONFIGS}/1`, { mode: 'PRESENCE_SYNC' });
    assert.deepEqual(unmetIds(await withFile(DEMO_USERS.anna, file)), ['R13', 'R18']);
  });

  it('fixing the user makes the sign-in succeed: 1002 gets the Teams right', async () => {
    const perms = await sim.admin.put('/permissions/13/users?granted=true', [3]);
    assert.equal(
      perms.status,
      200, // the fact sheet's code for a permission PUT
      JSON.stringify(perms.body),
    );
    const reply = await withFile(DEMO_USERS.bernd, file);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  });

  it('both key and keyFile, or neither, is a 400', async () => {
    const both = await signIn({
      pbxName: PBX,
      key: keyOf(file),
      keyFile: file,
      login: '1001',
      password: DEMO_USERS.anna.password,
    });
    assert.equal(both.status, 400);
    assert.equal(both.body.code, 'VALIDATION_FAILED');
    assert.match(both.body.message, /either key or keyFile/);
    const neither = await signIn({ pbxName: PBX, login: '1001', password: DEMO_USERS.anna.password });
    assert.equal(neither.status, 400);
    assert.equal(neither.body.code, 'VALIDATION_FAILED');
  });

  it('a malformed request or key file is a 400', async () => {
    const base = { pbxName: PBX, login: '1001', password: DEMO_USERS.anna.password };
    const notJson = await signIn({ ...base, keyFile: '{not json' });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.code, 'INVALID_KEY_FILE');
    const notAKeyFile = await signIn({ ...base, keyFile: JSON.stringify({ hello: 'world' }) });
    assert.equal(notAKeyFile.status, 400);
    assert.equal(notAKeyFile.body.code, 'INVALID_KEY_FILE');
    for (const body of [
      { ...base },
      { ...base, key: keyOf(file), extra: true },
      { key: keyOf(file), login: '1001', password: 'x' },
      { ...base, key: '' },
    ]) {
      const reply = await signIn(body);
      assert.equal(reply.status, 400, JSON.stringify(body));
    }
  });

  it('each attempt becomes an event on sim.events.teams without the key or password', async () => {
    const { lastSeq } = (await sim.admin.get('/sim/events?sinceSeq=0')).body;
    await withFile(DEMO_USERS.anna, file);
    await withFile(DEMO_USERS.bernd, file);
    const events = (await sim.admin.get(`/sim/events?sinceSeq=${lastSeq}`)).body.events.filter(
      (e: { service: string }) => e.service === 'sim.events.teams',
    );
    assert.deepEqual(
      events.map((e: { event: string; data: { login: string; unmet: string[] } }) => [
        e.event,
        e.data.login,
        e.data.unmet,
      ]),
      [
        ['sign-in', '1001', []],
        ['sign-in-refused', '1002', ['R10']],
      ],
    );
    const text = JSON.stringify(events);
    assert.ok(!text.includes(keyOf(file)));
    assert.ok(!text.includes(DEMO_USERS.anna.password));
  });
});
