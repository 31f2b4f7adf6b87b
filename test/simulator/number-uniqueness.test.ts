/**
 * One rule for the numbers dialled inside the PBX (simulator/src/state/numberClaims.ts): the demo's virtual phone
 * 1099 (and any other holder's number) cannot be taken by any write path that gives out a number — a user's
 * login or extension over REST (POST and PUT), a voicemail box over REST (POST and PUT), a scenario (users, internal
 * numbers of groups and users, voicemail boxes). Before, REST let a user take 1099 and calls to the hotline
 * reached that user. Numbers are otherwise only handed out by id (phone number assignment, groups, conferences),
 * and no UCI method assigns one.
 */
import assert from 'node:assert/strict';
import { assertError } from '../support/apiErrors.js';
import { startSim, type Reply, type RunningSim } from '../support/rest.js';

const VIRTUAL = '1099';

describe("simulator: nobody takes another holder's number (the virtual phone 1099)", () => {
  let sim: RunningSim;
  before(async () => {
    sim = await startSim({ scenario: 'demo' });
  });
  after(() => sim?.stop());

  const newUser = (fields: Record<string, unknown>) => ({
    login: 'numbers-test',
    firstName: 'Num',
    familyName: 'Bers',
    email: 'numbers@example.invalid',
    language: 'en',
    ...fields,
  });
  const assertTaken = (reply: Reply, code: string, field: string) => {
    assertError(reply, 409, code);
    assert.match(reply.body.message, /the virtual phone "Demo Hotline"/);
    assert.equal(reply.body.details.field, field);
    assert.deepEqual(reply.body.details.usedBy, { kind: 'virtualPhone', extension: VIRTUAL, name: 'Demo Hotline' });
  };
  const nobodyHolds1099 = async () => {
    const users = (await sim.admin.get('/users')).body as { login: string; extension?: string }[];
    assert.deepEqual(
      users.filter((u) => u.login === VIRTUAL || u.extension === VIRTUAL),
      [],
    );
    const boxes = (await sim.admin.get('/voicemailboxes')).body as { mailboxnumber: string }[];
    assert.deepEqual(
      boxes.filter((b) => b.mailboxnumber === VIRTUAL),
      [],
    );
  };

  it('POST /users: neither the extension nor the login may be 1099', async () => {
    assertTaken(await sim.admin.post('/users', newUser({ extension: VIRTUAL })), 'EXTENSION_TAKEN', 'extension');
    assertTaken(await sim.admin.post('/users', newUser({ login: VIRTUAL })), 'LOGIN_TAKEN', 'login');
    assertTaken(await sim.admin.post('/users', newUser({ login: Number(VIRTUAL) })), 'LOGIN_TAKEN', 'login');
    await nobodyHolds1099();
  });

  it('PUT /users/{id}: an existing user cannot move onto 1099', async () => {
    const users = (await sim.admin.get('/users')).body as { id: number; login: string }[];
    const anna = (await sim.admin.get(`/users/${users.find((u) => u.login === '1001')!.id}`)).body;
    assertTaken(
      await sim.admin.put(`/users/${anna.id}`, { ...anna, extension: VIRTUAL }),
      'EXTENSION_TAKEN',
      'extension',
    );
    // Her own extension stays hers: a PUT that keeps it is no conflict.
    assert.equal((await sim.admin.put(`/users/${anna.id}`, anna)).status, 204);
    await nobodyHolds1099();
  });

  it("the same rule between other holders: a user cannot take a box's or a group's number, nor another's login", async () => {
    const box = await sim.admin.post('/users', newUser({ extension: '9001' }));
    assertError(box, 409, 'EXTENSION_TAKEN');
    assert.deepEqual(box.body.details.usedBy, { kind: 'voicemailbox', voicemailboxId: 1 });
    const group = await sim.admin.post('/users', newUser({ extension: '1010' }));
    assertError(group, 409, 'EXTENSION_TAKEN');
    assert.equal(group.body.details.usedBy.kind, 'group');
    assert.match(group.body.message, /group \d+ \("Support"\)/);
    const login = await sim.admin.post('/users', newUser({ login: 'numbers-x', extension: '1002' }));
    assertError(login, 409, 'EXTENSION_TAKEN');
    // A spare internal number is free to take.
    const spare = await sim.admin.post('/users', newUser({ login: 'numbers-spare', extension: '1004' }));
    assert.equal(spare.status, 201, JSON.stringify(spare.body));
  });

  it('POST and PUT /voicemailboxes: a box cannot take 1099 either', async () => {
    assertTaken(
      await sim.admin.post('/voicemailboxes', { number: VIRTUAL, name: 'Hotline box' }),
      'NUMBER_TAKEN',
      'number',
    );
    const box = (await sim.admin.get('/voicemailboxes/1')).body;
    assertTaken(await sim.admin.put('/voicemailboxes', { ...box, number: VIRTUAL }), 'NUMBER_TAKEN', 'number');
    await nobodyHolds1099();
  });

  describe('a scenario', () => {
    const scenario = (extra: Record<string, unknown>) => ({
      scenario: {
        name: 'clash',
        users: [
          {
            login: '2001',
            firstName: 'Ada',
            familyName: 'Clash',
            email: 'ada@example.invalid',
            language: 'en',
            password: 'ada-clash-2001',
            extension: '2001',
          },
        ],
        virtualPhones: [{ extension: VIRTUAL, name: 'Hotline' }],
        ...extra,
      },
    });
    const cases: [string, Record<string, unknown>][] = [
      [
        'a group internal number',
        {
          groups: [{ name: 'G', members: ['2001'] }],
          phoneNumbers: [{ number: VIRTUAL, type: 'INTERNAL', group: 'G' }],
        },
      ],
      ["a user's internal number", { phoneNumbers: [{ number: VIRTUAL, type: 'INTERNAL', user: '2001' }] }],
      ['a voicemail box', { voicemailboxes: [{ name: 'Box', number: VIRTUAL, pin: '1234' }] }],
    ];
    for (const [what, extra] of cases) {
      it(`${what} on 1099 is refused (400 naming it); the running scenario stays`, async () => {
        const reply = await sim.admin.post('/sim/scenario', scenario(extra));
        assertError(reply, 400, 'INVALID_SCENARIO');
        assert.match(reply.body.message, /1099 is used by .*the virtual phone "Hotline"/);
        assert.ok((await sim.admin.get('/users')).body.some((u: { login: string }) => u.login === '1001'));
      });
    }

    it("a user's extension on 1099 is refused too (the scenario's own check)", async () => {
      const s = scenario({});
      (s.scenario.users[0] as { extension: string }).extension = VIRTUAL;
      assertError(await sim.admin.post('/sim/scenario', s), 400, 'INVALID_SCENARIO');
    });

    it('a spare internal number 1099 next to the virtual phone is no holder and is accepted', async () => {
      const reply = await sim.admin.post(
        '/sim/scenario',
        scenario({ phoneNumbers: [{ number: VIRTUAL, type: 'INTERNAL' }] }),
      );
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal((await sim.admin.post('/sim/scenario', { name: 'demo' })).status, 200);
    });
  });
});
