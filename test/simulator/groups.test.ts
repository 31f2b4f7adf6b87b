import assert from 'node:assert/strict';
import { answerChecker, endpointId, type AnswerCheck } from '../support/openapiAnswers.js';
import { DEMO_USERS, startSim, type Reply, type RestClient, type RunningSim } from '../support/rest.js';
import { eventsOf as simEventsOf } from '../support/simEvents.js';
import { assertError } from '../support/apiErrors.js';

interface AssignableNumber {
  id: number;
  assigned: boolean;
  extension: string;
  intern: boolean;
}
interface Group {
  id: number;
  groupId: string;
  name: string;
  chatGroup: boolean;
  voicemail: boolean;
  assignableUsers: { id: number; assigned: boolean; firstname: string; lastname: string }[];
  assignableNumbers: AssignableNumber[];
}

describe('REST groups (6.7)', () => {
  let sim: RunningSim;
  let anna: RestClient;
  let carla: RestClient;
  let check: AnswerCheck;
  let supportId: number;

  /** Answers the reply and checks it against the OpenAPI document and the table's own schema. */
  async function call(client: RestClient, method: string, path: string, template: string, body?: unknown) {
    const reply = await client.call(method, path, body);
    check(endpointId(method, template), reply);
    return reply;
  }

  const eventsOf = (change: () => Promise<unknown>) => simEventsOf(sim.admin, change);

  before(async () => {
    sim = await startSim({ scenario: 'demo', rateLimit: { perLogin: 1000, perAddress: 1000 } });
    anna = await sim.as(DEMO_USERS.anna);
    carla = await sim.as(DEMO_USERS.carla);
    check = await answerChecker(sim.admin);
    const list = await sim.admin.get('/groups');
    supportId = list.body.find((g: { groupname: string }) => g.groupname === 'Support').id;
  });
  after(async () => {
    await sim?.stop();
  });

  describe('GET /groups', () => {
    it('lists Support with its internal and external number, for any signed-in user', async () => {
      for (const client of [sim.admin, anna, carla]) {
        const reply = await call(client, 'GET', '/groups', '/groups');
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.body, [
          { id: supportId, groupname: 'Support', groupinternalnumber: '1010', groupexternalnumber: '+4930555010' },
        ]);
      }
    });

    it('a group id is an account id: it follows the users and no user has it', async () => {
      const users = (await sim.admin.get('/users')).body as { id: number }[];
      assert.ok(!users.some((u) => u.id === supportId));
      assert.equal(supportId, Math.max(...users.map((u) => u.id)) + 1);
    });

    it('searchTerm matches name and numbers in any case; no match is an empty list', async () => {
      for (const term of ['supp', 'SUPPORT', '1010', '555010'])
        assert.equal((await call(sim.admin, 'GET', `/groups?searchTerm=${term}`, '/groups')).body.length, 1, term);
      assert.deepEqual((await call(sim.admin, 'GET', '/groups?searchTerm=nobody', '/groups')).body, []);
    });
  });

  describe('GET /groups/{groupid}', () => {
    it('answers the edit shape: members among all users, own and spare numbers', async () => {
      const reply = await call(sim.admin, 'GET', `/groups/${supportId}`, '/groups/{groupid}');
      assert.equal(reply.status, 200);
      const g = reply.body as Group;
      assert.equal(g.id, supportId);
      assert.equal(g.name, 'Support');
      assert.equal(g.groupId, 'support');
      assert.equal(g.chatGroup, false);
      assert.equal(g.voicemail, false);
      const members = g.assignableUsers.filter((u) => u.assigned).map((u) => u.firstname);
      assert.deepEqual(members.sort(), ['Anna', 'Bernd']);
      assert.ok(g.assignableUsers.some((u) => u.firstname === 'Carla' && !u.assigned));
      const own = g.assignableNumbers.filter((n) => n.assigned).map((n) => n.extension);
      assert.deepEqual(own.sort(), ['10', '1010']);
      const spare = g.assignableNumbers.filter((n) => !n.assigned).map((n) => n.extension);
      assert.deepEqual(spare.sort(), ['1004', '1005', '14', '15']);
      // Numbers of users and services are not offered.
      assert.ok(!g.assignableNumbers.some((n) => n.extension === '1001' || n.extension === '1090'));
    });

    it('a member may read it; another user gets 403', async () => {
      assert.equal((await call(anna, 'GET', `/groups/${supportId}`, '/groups/{groupid}')).status, 200);
      assertError(await call(carla, 'GET', `/groups/${supportId}`, '/groups/{groupid}'), 403, 'FORBIDDEN');
    });

    it('an unknown id or a user id is 404 (the API documents only 500); a bad id 400', async () => {
      assertError(await call(sim.admin, 'GET', '/groups/9999', '/groups/{groupid}'), 404, 'NOT_FOUND');
      assertError(await call(sim.admin, 'GET', '/groups/2', '/groups/{groupid}'), 404, 'NOT_FOUND');
      assertError(await sim.admin.get('/groups/abc'), 400, 'VALIDATION_FAILED');
    });
  });

  describe('POST, PUT and DELETE /groups', () => {
    it('only "Administration" may write (403 for members and others)', async () => {
      for (const client of [anna, carla]) {
        assertError(await client.post('/groups', { name: 'Sales' }), 403, 'FORBIDDEN');
        assertError(await client.put('/groups', { id: supportId, name: 'X' }), 403, 'FORBIDDEN');
        assertError(await client.delete(`/groups/${supportId}`), 403, 'FORBIDDEN');
      }
    });

    it('POST creates a group with members and a spare number: 204, Location, events', async () => {
      const support = (await sim.admin.get(`/groups/${supportId}`)).body as Group;
      const spare = support.assignableNumbers.find((n) => n.extension === '1004')!;
      const carlaId = support.assignableUsers.find((u) => u.firstname === 'Carla')!.id;
      let reply!: Reply;
      const events = await eventsOf(async () => {
        reply = await call(sim.admin, 'POST', '/groups', '/groups', {
          name: 'Sales',
          chatGroup: true,
          assignableUsers: [{ id: carlaId, assigned: true }],
          assignableNumbers: [{ id: spare.id, assigned: true }],
          unknownField: 'stripped',
        });
      });
      assert.equal(reply.status, 204);
      const location = reply.headers.get('location') ?? '';
      assert.match(location, /\/rest\/groups\/\d+$/);
      const id = Number(location.split('/').pop());
      const created = (await call(sim.admin, 'GET', `/groups/${id}`, '/groups/{groupid}')).body as Group;
      assert.equal(created.name, 'Sales');
      assert.equal(created.groupId, 'sales');
      assert.equal(created.chatGroup, true);
      assert.deepEqual(
        created.assignableUsers.filter((u) => u.assigned).map((u) => u.id),
        [carlaId],
      );
      assert.deepEqual(
        created.assignableNumbers.filter((n) => n.assigned).map((n) => n.extension),
        ['1004'],
      );
      assert.ok(
        events.some((e) => e.service === 'sim.events.groups' && e.event === 'created' && e.data.groupId === id),
      );
      assert.ok(events.some((e) => e.service === 'sim.events.numbers' && e.event === 'updated'));
      // The number now belongs to the group (GET /phonenumbers belongs to another helper; the list shows it).
      const list = (await sim.admin.get('/groups?searchTerm=sales')).body;
      assert.deepEqual(list, [{ id, groupname: 'Sales', groupinternalnumber: '1004', groupexternalnumber: '' }]);
    });

    it('a taken name (any case) or a number assigned elsewhere is 409', async () => {
      assertError(await call(sim.admin, 'POST', '/groups', '/groups', { name: 'support' }), 409, 'GROUP_NAME_TAKEN');
      const support = (await sim.admin.get(`/groups/${supportId}`)).body as Group;
      const own = support.assignableNumbers.find((n) => n.extension === '1010')!;
      const reply = await call(sim.admin, 'POST', '/groups', '/groups', {
        name: 'Other',
        assignableNumbers: [{ id: own.id, assigned: true }],
      });
      assertError(reply, 409, 'NUMBER_TAKEN');
      assert.equal(reply.body.details.phoneNumberId, own.id);
      // Anna's own number (a user's) is taken too.
      const annaNumber = 1;
      assertError(
        await sim.admin.post('/groups', { name: 'Other', assignableNumbers: [{ id: annaNumber }] }),
        409,
        'NUMBER_TAKEN',
      );
      assert.equal((await sim.admin.get('/groups?searchTerm=Other')).body.length, 0, 'nothing was created');
    });

    it('bad input is 400 naming the field', async () => {
      const cases: [unknown, string][] = [
        [{}, 'name'],
        [{ name: '   ' }, 'name'],
        [{ name: 42 }, 'name'],
        [{ name: 'X', chatGroup: 'yes' }, 'chatGroup'],
        [{ name: 'X', assignableUsers: [{ id: 9999 }] }, 'assignableUsers.0.id'],
        [{ name: 'X', assignableUsers: [{ assigned: true }] }, 'assignableUsers.0.id'],
        [{ name: 'X', assignableNumbers: [{ id: 9999 }] }, 'assignableNumbers.0.id'],
      ];
      for (const [body, field] of cases) {
        const reply = await call(sim.admin, 'POST', '/groups', '/groups', body);
        assertError(reply, 400, 'VALIDATION_FAILED');
        assert.ok(
          (reply.body.details as { path: string }[]).some((d) => d.path === field),
          `${JSON.stringify(body)} names ${field}: ${JSON.stringify(reply.body)}`,
        );
      }
    });

    it('PUT takes back what GET gave, unchanged (204), and emits "updated"', async () => {
      const before = (await sim.admin.get(`/groups/${supportId}`)).body as Group;
      const events = await eventsOf(async () => {
        const reply = await call(sim.admin, 'PUT', '/groups', '/groups', before);
        assert.equal(reply.status, 204);
      });
      assert.deepEqual((await sim.admin.get(`/groups/${supportId}`)).body, before);
      assert.ok(events.some((e) => e.service === 'sim.events.groups' && e.event === 'updated'));
    });

    it('PUT renames, changes members and releases a number; nulls leave fields unchanged', async () => {
      const before = (await sim.admin.get(`/groups/${supportId}`)).body as Group;
      const bernd = before.assignableUsers.find((u) => u.firstname === 'Bernd')!;
      const ext = before.assignableNumbers.find((n) => n.extension === '10')!;
      const reply = await call(sim.admin, 'PUT', '/groups', '/groups', {
        id: supportId,
        name: 'Support Team',
        voicemail: null,
        assignableUsers: [{ id: bernd.id, assigned: false }],
        assignableNumbers: [{ id: ext.id, assigned: false }],
      });
      assert.equal(reply.status, 204, JSON.stringify(reply.body));
      const after = (await sim.admin.get(`/groups/${supportId}`)).body as Group;
      assert.equal(after.name, 'Support Team');
      assert.equal(after.voicemail, false);
      assert.deepEqual(
        after.assignableUsers.filter((u) => u.assigned).map((u) => u.firstname),
        ['Anna'],
      );
      const released = after.assignableNumbers.find((n) => n.id === ext.id)!;
      assert.equal(released.assigned, false, 'the released number is spare again');
      // Back as it was, through the same PUT.
      await sim.admin.put('/groups', before);
      assert.deepEqual((await sim.admin.get(`/groups/${supportId}`)).body, before);
    });

    it('PUT without id is 400, with an unknown id 404, to a taken name 409', async () => {
      const reply = await call(sim.admin, 'PUT', '/groups', '/groups', { name: 'X' });
      assertError(reply, 400, 'VALIDATION_FAILED');
      assert.equal(reply.body.details[0].path, 'id');
      assertError(await call(sim.admin, 'PUT', '/groups', '/groups', { id: 9999, name: 'X' }), 404, 'NOT_FOUND');
      assertError(
        await call(sim.admin, 'PUT', '/groups', '/groups', { id: supportId, name: 'SALES' }),
        409,
        'GROUP_NAME_TAKEN',
      );
    });

    it('DELETE answers 204, frees the numbers and emits; then 404', async () => {
      const id = (await sim.admin.get('/groups?searchTerm=sales')).body[0].id as number;
      const events = await eventsOf(async () => {
        const reply = await call(sim.admin, 'DELETE', `/groups/${id}`, '/groups/{groupid}');
        assert.equal(reply.status, 204);
      });
      assert.ok(
        events.some((e) => e.service === 'sim.events.groups' && e.event === 'deleted' && e.data.groupId === id),
      );
      assert.ok(events.some((e) => e.service === 'sim.events.numbers' && e.event === 'updated'));
      assertError(await call(sim.admin, 'DELETE', `/groups/${id}`, '/groups/{groupid}'), 404, 'NOT_FOUND');
      const spare = ((await sim.admin.get(`/groups/${supportId}`)).body as Group).assignableNumbers;
      assert.ok(
        spare.some((n) => n.extension === '1004' && !n.assigned),
        '1004 is spare again',
      );
    });
  });
});
