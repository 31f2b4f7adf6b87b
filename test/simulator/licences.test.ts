import assert from 'node:assert/strict';
import { startSim, type RunningSim } from '../support/rest.js';
import { assertError } from '../support/apiErrors.js';

interface Licence {
  id: number;
  type: string;
  count: number;
  used: number;
}

const PREMIUM = 'UCC-Client Premium';
const TEAMS = 'MS Teams Integration';

describe('REST licences', () => {
  let sim: RunningSim;

  before(async () => {
    sim = await startSim();
  });
  after(async () => {
    await sim?.stop();
  });

  const licences = async (): Promise<Licence[]> => {
    const reply = await sim.admin.get('/licenses');
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return reply.body;
  };
  const licence = async (type: string): Promise<Licence | undefined> => (await licences()).find((l) => l.type === type);
  const held = async (userId: number): Promise<string[]> => {
    const reply = await sim.admin.get(`/licenses/users/${userId}`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return [...(reply.body as string[])].sort();
  };

  it('GET /licenses lists the installed licences with used counts', async () => {
    const list = await licences();
    assert.equal(list.length, 2);
    for (const l of list) {
      assert.deepEqual(Object.keys(l).sort(), ['count', 'id', 'type', 'used']);
      assert.equal(typeof l.id, 'number');
    }
    assert.deepEqual(
      list.map(({ type, count, used }) => ({ type, count, used })).sort((a, b) => a.type.localeCompare(b.type)),
      [
        { type: TEAMS, count: 2, used: 2 },
        { type: PREMIUM, count: 2, used: 2 },
      ],
    );
  });

  it('GET /licenses/users/{id} lists the types a user holds', async () => {
    assert.deepEqual(await held(2), [TEAMS, PREMIUM].sort());
    assert.deepEqual(await held(3), [TEAMS, PREMIUM].sort());
    assert.deepEqual(await held(4), []);
    assertError(await sim.admin.get('/licenses/users/999'), 404);
  });

  it('assigning beyond the installed count is 409 naming the type and the count, and changes nothing', async () => {
    const reply = await sim.admin.put('/licenses/users/4', [TEAMS]);
    assertError(reply, 409);
    assert.ok(reply.body.message.includes(TEAMS), reply.body.message);
    assert.match(reply.body.message, /\b2\b/);
    assert.deepEqual(await held(4), []);
    assert.equal((await licence(TEAMS))!.used, 2);

    // Two types at once, one of them exhausted: neither is assigned.
    const both = await sim.admin.put('/licenses/users/4', [PREMIUM, TEAMS]);
    assertError(both, 409);
    assert.deepEqual(await held(4), []);
  });

  it('a user keeps what it holds when the type is full (re-sending its list is no 409)', async () => {
    const reply = await sim.admin.put('/licenses/users/2', [PREMIUM, TEAMS]);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual([...reply.body].sort(), [TEAMS, PREMIUM].sort());
  });

  it('removing a licence frees one for somebody else', async () => {
    const reply = await sim.admin.put('/licenses/users/3', [PREMIUM]);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(reply.body, [PREMIUM]);
    assert.deepEqual(await held(3), [PREMIUM]);
    assert.equal((await licence(TEAMS))!.used, 1);

    const carla = await sim.admin.put('/licenses/users/4', [TEAMS]);
    assert.equal(carla.status, 200, JSON.stringify(carla.body));
    assert.deepEqual(await held(4), [TEAMS]);
    assert.equal((await licence(TEAMS))!.used, 2);

    // Full again: Bernd cannot have it back.
    assertError(await sim.admin.put('/licenses/users/3', [PREMIUM, TEAMS]), 409);
  });

  it('PUT /licenses/users/{id} sets the full list: unlisted types are removed', async () => {
    assert.equal((await sim.admin.put('/licenses/users/4', [])).status, 200);
    assert.deepEqual(await held(4), []);
    assert.equal((await sim.admin.put('/licenses/users/3', [TEAMS])).status, 200);
    assert.deepEqual(await held(3), [TEAMS], 'Premium was removed, Teams added');
    assert.equal((await licence(PREMIUM))!.used, 1);
    // Back to the demo.
    assert.equal((await sim.admin.put('/licenses/users/3', [TEAMS, PREMIUM, TEAMS])).status, 200);
    assert.deepEqual(await held(3), [TEAMS, PREMIUM].sort(), 'duplicates count once');
    assert.equal((await licence(PREMIUM))!.used, 2);
    assert.equal((await licence(TEAMS))!.used, 2);
  });

  it('POST /licenses installs more of a type: added to its entry (201)', async () => {
    const before = (await licence(PREMIUM))!;
    const reply = await sim.admin.post('/licenses', { type: PREMIUM, count: 3 });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.deepEqual(reply.body, { id: before.id, type: PREMIUM, count: 5, used: 2 });
    const list = await licences();
    assert.equal(list.length, 2, 'no second entry of the same type');
    assert.deepEqual(
      list.find((l) => l.type === PREMIUM),
      { id: before.id, type: PREMIUM, count: 5, used: 2 },
    );

    // Now there is room for Carla.
    assert.equal((await sim.admin.put('/licenses/users/4', [PREMIUM])).status, 200);
    assert.equal((await licence(PREMIUM))!.used, 3);
  });

  it('POST /licenses with a type not yet installed makes a new entry', async () => {
    assertError(await sim.admin.put('/licenses/users/4', [PREMIUM, 'Fax']), 409, 'LICENCE_EXHAUSTED');
    const reply = await sim.admin.post('/licenses', { type: 'Fax', count: 1 });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body.type, 'Fax');
    assert.equal(reply.body.count, 1);
    assert.equal(reply.body.used, 0);
    const ids = (await licences()).map((l) => l.id);
    assert.equal(new Set(ids).size, 3, 'a new id');
    assert.equal((await sim.admin.put('/licenses/users/4', [PREMIUM, 'Fax'])).status, 200);
    assert.equal((await licence('Fax'))!.used, 1);
    const full = await sim.admin.put('/licenses/users/3', [PREMIUM, TEAMS, 'Fax']);
    assertError(full, 409);
    assert.match(full.body.message, /"?Fax"?/);
    assert.match(full.body.message, /\b1\b/);
  });

  it('an unknown licence type is 400, when installing and when assigning', async () => {
    const before = await licences();
    assertError(await sim.admin.post('/licenses', { type: 'Gold Edition', count: 1 }), 400);
    assertError(await sim.admin.put('/licenses/users/4', ['Gold Edition']), 400);
    assertError(await sim.admin.put('/licenses/users/4', [PREMIUM, 'ms teams integration']), 400, 'VALIDATION_FAILED');
    assert.deepEqual(await licences(), before);
  });

  it('a bad count or body is 400', async () => {
    assertError(await sim.admin.post('/licenses', { type: PREMIUM, count: 0 }), 400);
    assertError(await sim.admin.post('/licenses', { type: PREMIUM, count: -2 }), 400);
    assertError(await sim.admin.post('/licenses', { type: PREMIUM, count: 1.5 }), 400);
    assertError(await sim.admin.post('/licenses', { type: PREMIUM }), 400);
    assertError(await sim.admin.put('/licenses/users/4', PREMIUM), 400);
  });

  it('an unknown user is 404', async () => {
    assertError(await sim.admin.put('/licenses/users/999', [PREMIUM]), 404);
  });

  it('deleting a user releases its licences', async () => {
    const teamsBefore = (await licence(TEAMS))!.used;
    const premiumBefore = (await licence(PREMIUM))!.used;
    assert.equal((await sim.admin.delete('/users/3')).status, 204);
    assert.equal((await licence(TEAMS))!.used, teamsBefore - 1);
    assert.equal((await licence(PREMIUM))!.used, premiumBefore - 1);
    assert.equal((await sim.admin.put('/licenses/users/4', [PREMIUM, TEAMS, 'Fax'])).status, 200);
  });
});
