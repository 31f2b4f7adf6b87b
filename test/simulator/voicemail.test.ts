import assert from 'node:assert/strict';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { answerChecker, type AnswerCheck } from '../support/openapiAnswers.js';
import { DEMO_USERS, startSim, type Reply, type RestClient, type RunningSim } from '../support/rest.js';
import { eventsOf } from '../support/simEvents.js';

type Check = AnswerCheck;

// Demo: boxes 1–3 (9001 Anna, 9002 Bernd, 9003 Carla; PINs are the logins), users Anna 2, Bernd 3, group Support 5;
// Bernd's disabled BUSY redirect leads to 9002.
const ANNA = 2;
const SUPPORT = 5;

describe('REST voicemail boxes (6.7)', () => {
  let sim: RunningSim;
  let anna: RestClient;
  let bernd: RestClient;
  let check: Check;

  before(async () => {
    sim = await startSim({ scenario: 'demo' });
    anna = await sim.as(DEMO_USERS.anna);
    bernd = await sim.as(DEMO_USERS.bernd);
    check = await answerChecker(sim.admin);
  });
  after(async () => {
    await sim.stop();
  });

  it('GET /voicemailboxes: admins see every box, a user the boxes they belong to; searchTerm filters', async () => {
    const all = await sim.admin.get('/voicemailboxes');
    check('getVoicemailboxes', all, 200);
    assert.deepEqual(all.body[0], {
      id: 1,
      mailboxnumber: '9001',
      voiceboxname: 'Anna Albers',
      assignedusers: ['Anna Albers'],
      assignedgroups: [],
    });
    assert.deepEqual(
      all.body.map((b: { mailboxnumber: string }) => b.mailboxnumber),
      ['9001', '9002', '9003'],
    );
    const own = await anna.get('/voicemailboxes');
    check('getVoicemailboxes', own, 200);
    assert.deepEqual(
      own.body.map((b: { id: number }) => b.id),
      [1],
    );
    const found = await sim.admin.get('/voicemailboxes?searchTerm=bRANDt');
    check('getVoicemailboxes', found, 200);
    assert.deepEqual(
      found.body.map((b: { id: number }) => b.id),
      [2],
    );
    assert.deepEqual((await sim.admin.get('/voicemailboxes?searchTerm=9003')).body.length, 1);
    assert.deepEqual((await sim.admin.get('/voicemailboxes?searchTerm=nobody')).body, []);
  });

  it('GET /voicemailboxes/{id}: the box with its PIN empty; not a member 403; unknown 404; malformed 400', async () => {
    const box = await anna.get('/voicemailboxes/1');
    check('getVoicemailbox', box, 200);
    assert.deepEqual(box.body, {
      id: 1,
      maximumDuration: 180,
      name: 'Anna Albers',
      noRecord: false,
      number: '9001',
      password: '',
      voicemailGroups: [],
      voicemailUsers: [{ accountId: ANNA, name: 'Anna Albers', sendMail: true, voicemailboxName: 'Anna Albers' }],
    });
    check('getVoicemailbox', await sim.admin.get('/voicemailboxes/2'), 200);
    check('getVoicemailbox', await anna.get('/voicemailboxes/2'), 403);
    check('getVoicemailbox', await sim.admin.get('/voicemailboxes/99'), 404);
    check('getVoicemailbox', await sim.admin.get('/voicemailboxes/abc'), 400);
  });

  it('POST creates a box (204, Location) with an event that does not carry the PIN', async () => {
    let reply: Reply | undefined;
    const body = {
      name: 'Support',
      number: '9010',
      password: '4711',
      maximumDuration: 60,
      noRecord: true,
      voicemailUsers: [{ accountId: ANNA, sendMail: true }],
      voicemailGroups: [{ accountId: SUPPORT, sendMail: false }],
    };
    const events = await eventsOf(sim.admin, async () => (reply = await sim.admin.post('/voicemailboxes', body)));
    check('createVoicemailbox', reply!, 204);
    const location = reply!.headers.get('location')!;
    assert.match(location, /^\/rest\/voicemailboxes\/\d+$/);
    assert.deepEqual(
      events.map((e) => [e.service, e.event]),
      [[SIM_SERVICES.voicemail, 'created']],
    );
    assert.ok(!JSON.stringify(events).includes('4711'), 'the PIN is in no event');
    const id = Number(location.split('/').pop());
    const box = await sim.admin.get(`/voicemailboxes/${id}`);
    check('getVoicemailbox', box, 200);
    assert.equal(box.body.password, '');
    assert.equal(box.body.maximumDuration, 60);
    assert.deepEqual(box.body.voicemailGroups, [{ accountId: SUPPORT, name: 'Support', sendMail: false }]);
    // Bernd belongs through the group Support.
    check('getVoicemailbox', await bernd.get(`/voicemailboxes/${id}`), 200);
    assert.ok((await bernd.get('/voicemailboxes')).body.some((b: { id: number }) => b.id === id));
  });

  it('POST refuses bad input (400 naming the field) and a number taken (409), without an event', async () => {
    const cases: [Record<string, unknown>, string, number][] = [
      [{ name: 'x' }, 'number', 400],
      [{ number: '90a' }, 'number', 400],
      [{ number: '9020', password: 'abcd' }, 'password', 400],
      [{ number: '9020', maximumDuration: -1 }, 'maximumDuration', 400],
      [{ number: '9020', maximumDuration: 'long' }, 'maximumDuration', 400],
      [{ number: '9020', voicemailUsers: [{ accountId: 999 }] }, 'voicemailUsers.0.accountId', 400],
      [{ number: '9020', voicemailUsers: [{ accountId: SUPPORT }] }, 'voicemailUsers.0.accountId', 400],
      [{ number: '9020', voicemailGroups: [{ accountId: ANNA }] }, 'voicemailGroups.0.accountId', 400],
      [{ number: '9001' }, 'number', 409],
      [{ number: '1001' }, 'number', 409],
    ];
    for (const [body, field, status] of cases) {
      let reply: Reply | undefined;
      const events = await eventsOf(sim.admin, async () => (reply = await sim.admin.post('/voicemailboxes', body)));
      check('createVoicemailbox', reply!, status);
      assert.ok(
        JSON.stringify(reply!.body).includes(field),
        `${JSON.stringify(body)} → ${JSON.stringify(reply!.body)}`,
      );
      assert.deepEqual(events, []);
    }
    check('createVoicemailbox', await anna.post('/voicemailboxes', { number: '9030' }), 403);
  });

  it('PUT takes back what GET gave (204): "" keeps the PIN, absent fields stay, the id names the box', async () => {
    const got = (await sim.admin.get('/voicemailboxes/3')).body;
    let reply: Reply | undefined;
    const events = await eventsOf(
      sim.admin,
      async () => (reply = await sim.admin.put('/voicemailboxes', { ...got, name: 'Carla C.' })),
    );
    check('saveVoicemailbox', reply!, 204);
    assert.deepEqual(
      events.map((e) => [e.service, e.event, e.data.pinChanged]),
      [[SIM_SERVICES.voicemail, 'updated', false]],
    );
    assert.equal((await sim.admin.get('/voicemailboxes/3')).body.name, 'Carla C.');
    check('saveVoicemailbox', await sim.admin.put('/voicemailboxes', { id: 3, noRecord: true, password: null }), 204);
    const now = (await sim.admin.get('/voicemailboxes/3')).body;
    assert.equal(now.noRecord, true);
    assert.equal(now.name, 'Carla C.');
    const pin = await eventsOf(sim.admin, () => sim.admin.put('/voicemailboxes', { id: 3, password: '2468' }));
    assert.equal(pin[0]!.data.pinChanged, true);
    assert.ok(!JSON.stringify(pin).includes('2468'));
    check('saveVoicemailbox', await sim.admin.put('/voicemailboxes', { name: 'no id' }), 400);
    check('saveVoicemailbox', await sim.admin.put('/voicemailboxes', { id: 99, name: 'x' }), 404);
    check('saveVoicemailbox', await sim.admin.put('/voicemailboxes', { id: 3, number: '9001' }), 409);
    check('saveVoicemailbox', await sim.admin.put('/voicemailboxes', { id: 3, number: '9003' }), 204);
    check('saveVoicemailbox', await anna.put('/voicemailboxes', { id: 1, name: 'mine' }), 403);
  });

  it('DELETE removes a box (204, event), then 404; a box a redirect leads to is 409; users 403', async () => {
    check('deleteVoicemailbox', await anna.delete('/voicemailboxes/1'), 403);
    const inUse = await sim.admin.delete('/voicemailboxes/2');
    check('deleteVoicemailbox', inUse, 409);
    assert.equal(inUse.body.code, 'VOICEMAILBOX_IN_USE');
    let reply: Reply | undefined;
    const events = await eventsOf(sim.admin, async () => (reply = await sim.admin.delete('/voicemailboxes/3')));
    check('deleteVoicemailbox', reply!, 204);
    assert.deepEqual(
      events.map((e) => [e.service, e.event, e.data.voicemailboxId]),
      [[SIM_SERVICES.voicemail, 'deleted', 3]],
    );
    check('getVoicemailbox', await sim.admin.get('/voicemailboxes/3'), 404);
    check('deleteVoicemailbox', await sim.admin.delete('/voicemailboxes/3'), 404);
  });
});
