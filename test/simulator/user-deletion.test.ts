import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventsOf } from '../support/simEvents.js';
import { DEMO_USERS, startSim, type RestClient, type RunningSim } from '../support/rest.js';

/*
 * DELETE /users/{id} leaves nothing pointing at the user: every REST 6.7 resource that names them forgets them,
 * and the saved state loads again after a restart (a dangling id would make the model invalid).
 */
describe('Deleting a user cleans up every resource that names them', () => {
  let dir: string;
  let sim: RunningSim;
  let anna: RestClient;
  let bernd: RestClient;
  let annaId: number;
  let berndId: number;
  let carlaId: number;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'user-deletion-'));
    sim = await startSim({ scenario: 'demo', dataDir: dir });
    anna = await sim.as(DEMO_USERS.anna);
    bernd = await sim.as(DEMO_USERS.bernd);
    const users: { id: number; login: string }[] = (await sim.admin.get('/users')).body;
    const id = (login: string) => users.find((u) => u.login === login)!.id;
    [annaId, berndId, carlaId] = [id('1001'), id('1002'), id('1003')];
  });
  afterEach(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const numbersOf = async (accountId: number) =>
    ((await sim.admin.get('/phonenumbers')).body as { number: string; assignedUserAccountId?: number }[])
      .filter((n) => n.assignedUserAccountId === accountId)
      .map((n) => n.number);

  it("Bernd: his numbers become spare; he leaves his group and mailbox; his redirect and Anna's busy-lamp key on him go", async () => {
    assert.deepEqual(await numbersOf(berndId), ['1002', '+4930555012']);
    // His own redirects (the list has his group's too, which stay).
    const redirects = ((await bernd.get('/redirects')).body as { id: string; phoneNumber: string }[]).filter((r) =>
      ['1002', '+4930555012'].includes(r.phoneNumber),
    );
    assert.equal(redirects.length, 6, 'two numbers, three triggers');
    const after = await eventsOf(sim.admin, async () =>
      assert.equal((await sim.admin.delete(`/users/${berndId}`)).status, 204),
    );

    assert.deepEqual(await numbersOf(berndId), []);
    const spare = (await sim.admin.get('/phonenumbers?assigned=false')).body as { number: string }[];
    assert.ok(spare.some((n) => n.number === '1002') && spare.some((n) => n.number === '+4930555012'));
    const support = (await sim.admin.get('/groups')).body.find((g: { groupname: string }) => g.groupname === 'Support');
    const group = (await sim.admin.get(`/groups/${support.id}`)).body;
    assert.deepEqual(
      group.assignableUsers.filter((u: { assigned: boolean }) => u.assigned).map((u: { id: number }) => u.id),
      [annaId],
    );
    assert.equal(
      group.assignableUsers.some((u: { id: number }) => u.id === berndId),
      false,
    );
    const box = (await sim.admin.get('/voicemailboxes')).body.find(
      (b: { mailboxnumber: string }) => b.mailboxnumber === '9002',
    );
    assert.deepEqual(box.assignedusers ?? [], []);
    const full = (await sim.admin.get(`/voicemailboxes/${box.id}`)).body;
    assert.deepEqual(full.voicemailUsers ?? [], []);
    for (const r of redirects) assert.equal((await sim.admin.get(`/redirects/${r.id}`)).status, 404, r.id);

    const set = (await anna.get('/functionkeysets')).body[0];
    const keys = (await anna.get(`/functionkeysets/${set.id}/`)).body as { name: string; blfAccountId?: number }[];
    assert.deepEqual(
      keys.map((k) => k.name),
      ['Carla', 'Hotline', 'DND'],
    );

    const seen = new Set(after.map((e) => `${e.service} ${e.event}`));
    for (const e of [
      'sim.events.users deleted',
      'sim.events.numbers unassigned',
      'sim.events.phones deleted',
      'sim.events.groups updated',
      'sim.events.voicemail updated',
      'sim.events.redirects deleted',
      'sim.events.functionkeys updated',
    ])
      assert.ok(seen.has(e), `${e} in ${[...seen].join(', ')}`);

    // The saved state loads again.
    await sim.stop();
    sim = await startSim({ dataDir: dir });
    assert.deepEqual(await numbersOf(berndId), []);
    assert.equal((await sim.admin.get(`/users/${berndId}`)).status, 404);
  });

  it('Anna: her phones, iFMC phone, key sets, private address book and conferences go; in Carla’s conference she is an outside participant', async () => {
    const fmc = await anna.post('/fmcPhones', {
      active: true,
      confirm: false,
      delay: 5,
      fmcSchedule: [],
      number: '+491701112233',
    });
    assert.equal(fmc.status, 201, JSON.stringify(fmc.body));
    const plan = (participants: unknown[]) => ({
      name: 'Weekly',
      eMailBody: 'Agenda',
      occurrence: 'ONCE',
      startTime: 1_900_000_000_000,
      participants,
    });
    const own = await anna.post(`/users/${annaId}/managedConferences`, plan([]));
    assert.equal(own.status, 201, JSON.stringify(own.body));
    const carla = await sim.admin.post(
      `/users/${carlaId}/managedConferences`,
      plan([{ userId: annaId, displayName: 'Anna', phoneNumber: '1001', isModerator: false, callOnStart: true }]),
    );
    assert.equal(carla.status, 201, JSON.stringify(carla.body));
    const carlaConf = carla.headers.get('location')!.replace(/^\/rest/, '');
    const sets = (await sim.admin.get(`/functionkeysets?actOnBehalfOf=1001`)).body as { id: string }[];
    assert.equal(sets.length, 1);
    const tags = (await anna.get('/contacts/tags')).body as { name: string }[];
    assert.ok(tags.some((t) => t.name === 'Favorit'));

    assert.equal((await sim.admin.delete(`/users/${annaId}`)).status, 204);

    assert.equal((await sim.admin.get(`/functionkeysets/${sets[0]!.id}/`)).status, 404);
    assert.equal((await sim.admin.get('/fmcPhones?userId=' + annaId)).status, 404, 'the user is gone');
    const adminTags = (await sim.admin.get('/contacts/tags')).body as { name: string }[];
    assert.equal(
      adminTags.some((t) => t.name === 'Favorit'),
      false,
    );
    const frieda = (await sim.admin.get('/contacts?searchTerms=frieda')).body.contacts;
    assert.deepEqual(frieda, []);
    const conf = (await sim.admin.get(carlaConf)).body;
    assert.deepEqual(
      conf.participants.map((p: { userId: number; phoneNumber: string }) => [p.userId, p.phoneNumber]),
      [[0, '1001']],
    );
    assert.equal((await sim.admin.get(`/users/${annaId}/managedConferences`)).status, 404);

    await sim.stop();
    sim = await startSim({ dataDir: dir });
    assert.equal((await sim.admin.get(carlaConf)).status, 200);
  });
});
