import assert from 'node:assert/strict';
import type { EndpointId } from '../../shared/api.js';
import { answerChecker } from '../support/openapiAnswers.js';
import { DEMO_USERS, startSim, type Reply, type RestClient, type RunningSim } from '../support/rest.js';
import { eventsOf } from '../support/simEvents.js';
import { assertError, assertNamesField } from '../support/apiErrors.js';

// Demo ids: admin 1, Anna 2, Bernd 3, Carla 4; each has "Softphone <login>" (phones 1, 2, 3).
const ANNA = 2;
const BERND = 3;

describe('REST phones: phone config and phone assignments', () => {
  let sim: RunningSim;
  let anna: RestClient;
  let check: (id: EndpointId, reply: Reply) => void;
  let annaPhone: number;
  let berndPhone: number;

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
    anna = await sim.as(DEMO_USERS.anna);
    check = await answerChecker(sim.admin);
    annaPhone = (await sim.admin.get(`/users/${ANNA}/phoneconfig/phones`)).body[0].phoneId;
    berndPhone = (await sim.admin.get(`/users/${BERND}/phoneconfig/phones`)).body[0].phoneId;
  });
  afterEach(async () => {
    await sim.stop();
  });

  describe('phone config', () => {
    it('GET answers the PhoneConfig of the demo: call waiting, no DND, the softphone primary, the external number shown', async () => {
      const reply = await sim.admin.get(`/users/${ANNA}/phoneconfig`);
      check('getPhoneConfig', reply);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.callWaiting, true);
      assert.equal(reply.body.doNotDisturb, false);
      assert.equal(reply.body.primaryPhoneId, annaPhone);
      const shown = await sim.admin.get(`/phonenumbers/${reply.body.displayNumberId}`);
      assert.equal(shown.body.number, '+49305550' + '11');
      assert.equal(shown.body.assignedUserAccountId, ANNA);
    });

    it('a user reads and changes their own; another user is 403; the admin may do both', async () => {
      check('getPhoneConfig', await anna.get(`/users/${ANNA}/phoneconfig`));
      assertError(await anna.get(`/users/${BERND}/phoneconfig`), 403, 'FORBIDDEN');
      const own = (await anna.get(`/users/${ANNA}/phoneconfig`)).body;
      const put = await anna.put(`/users/${ANNA}/phoneconfig`, { ...own, callWaiting: false });
      check('putPhoneConfig', put);
      assert.equal(put.status, 204);
      assert.equal((await anna.get(`/users/${ANNA}/phoneconfig`)).body.callWaiting, false);
      const other = (await sim.admin.get(`/users/${BERND}/phoneconfig`)).body;
      assertError(await anna.put(`/users/${BERND}/phoneconfig`, other), 403, 'FORBIDDEN');
      assert.equal((await sim.admin.put(`/users/${BERND}/phoneconfig`, { ...other, callWaiting: false })).status, 204);
    });

    it('what GET answers is accepted back by PUT, unchanged and without an event', async () => {
      const got = (await sim.admin.get(`/users/${ANNA}/phoneconfig`)).body;
      const events = await eventsOf(sim.admin, async () =>
        assert.equal((await sim.admin.put(`/users/${ANNA}/phoneconfig`, { ...got, extra: 'ignored' })).status, 204),
      );
      assert.deepEqual((await sim.admin.get(`/users/${ANNA}/phoneconfig`)).body, got);
      assert.deepEqual(events, []);
    });

    it("DND is the user's UCI state: PUT emits sim.events.phones configUpdated and a UCI userState event", async () => {
      const got = (await anna.get(`/users/${ANNA}/phoneconfig`)).body;
      const events = await eventsOf(sim.admin, async () => {
        assert.equal((await anna.put(`/users/${ANNA}/phoneconfig`, { ...got, doNotDisturb: true })).status, 204);
        // The UCI event follows on the next tick; the next read is later than that.
        await sim.admin.get('/users/me');
      });
      const config = events.find((e) => e.service === 'sim.events.phones' && e.event === 'configUpdated');
      assert.ok(config, JSON.stringify(events));
      assert.deepEqual(config.data, { userId: ANNA, changed: ['doNotDisturb'] });
      const uci = events.find((e) => e.service === 'ucp.v22.events.userState');
      assert.ok(uci, JSON.stringify(events));
      assert.equal(uci.data.userId, ANNA);
      assert.equal(uci.data.doNotDisturb, true);
      assert.equal((await anna.get(`/users/${ANNA}/phoneconfig`)).body.doNotDisturb, true);
    });

    it("primaryPhoneId and displayNumberId must be the user's (400 naming the field); 0 clears them", async () => {
      const got = (await sim.admin.get(`/users/${ANNA}/phoneconfig`)).body;
      assertNamesField(
        await sim.admin.put(`/users/${ANNA}/phoneconfig`, { ...got, primaryPhoneId: berndPhone }),
        'primaryPhoneId',
      );
      const berndNumber = (await sim.admin.get(`/users/${BERND}/phonenumberconfig/phonenumbers/`)).body[0];
      assertNamesField(
        await sim.admin.put(`/users/${ANNA}/phoneconfig`, { ...got, displayNumberId: berndNumber.phoneNumberId }),
        'displayNumberId',
      );
      assertNamesField(
        await sim.admin.put(`/users/${ANNA}/phoneconfig`, { ...got, callWaiting: 'yes' }),
        'callWaiting',
      );
      const missing: Record<string, unknown> = { ...got };
      delete missing.doNotDisturb;
      assertNamesField(await sim.admin.put(`/users/${ANNA}/phoneconfig`, missing), 'doNotDisturb');
      // A number of a group the user is a member of may be shown (Anna is in Support).
      const support = (await sim.admin.get('/phonenumbers')).body.find((n: { number: string }) => n.number === '1010');
      assert.equal(
        (await sim.admin.put(`/users/${ANNA}/phoneconfig`, { ...got, displayNumberId: support.id })).status,
        204,
      );
      assert.equal(
        (await sim.admin.put(`/users/${ANNA}/phoneconfig`, { ...got, primaryPhoneId: 0, displayNumberId: 0 })).status,
        204,
      );
      const cleared = await sim.admin.get(`/users/${ANNA}/phoneconfig`);
      check('getPhoneConfig', cleared);
      assert.equal(cleared.body.primaryPhoneId, 0);
      assert.equal(cleared.body.displayNumberId, 0);
    });

    it('an unknown user is 404', async () => {
      assertError(await sim.admin.get('/users/999/phoneconfig'), 404, 'NOT_FOUND');
      const got = (await sim.admin.get(`/users/${ANNA}/phoneconfig`)).body;
      assertError(await sim.admin.put('/users/999/phoneconfig', got), 404, 'NOT_FOUND');
    });
  });

  describe('phone assignments', () => {
    it("lists the user's phones as PhoneAssignment; one by id; self or admin only", async () => {
      const list = await anna.get(`/users/${ANNA}/phoneconfig/phones`);
      check('listAssignedPhones', list);
      assert.deepEqual(list.body, [
        { active: true, isIFMC: false, phoneId: annaPhone, phoneName: 'Softphone 1001', userId: ANNA },
      ]);
      const one = await anna.get(`/users/${ANNA}/phoneconfig/phones/${annaPhone}`);
      check('getPhoneAssignment', one);
      assert.deepEqual(one.body, list.body[0]);
      assertError(await anna.get(`/users/${BERND}/phoneconfig/phones`), 403, 'FORBIDDEN');
      assertError(await anna.get(`/users/${BERND}/phoneconfig/phones/${berndPhone}`), 403, 'FORBIDDEN');
    });

    it("unknown users and phones are 404, and so is another user's phone under this user", async () => {
      assertError(await sim.admin.get('/users/999/phoneconfig/phones'), 404, 'NOT_FOUND');
      assertError(await sim.admin.get(`/users/${ANNA}/phoneconfig/phones/999`), 404, 'NOT_FOUND');
      assertError(await sim.admin.get(`/users/${ANNA}/phoneconfig/phones/${berndPhone}`), 404, 'NOT_FOUND');
      assertError(await sim.admin.delete(`/users/${ANNA}/phoneconfig/phones/999`), 404, 'NOT_FOUND');
      assertError(await sim.admin.get('/users/abc/phoneconfig/phones'), 400, 'VALIDATION_FAILED');
    });

    it('POST with phoneId 0 gives the user a new SIP phone (201, Location, event); it rings for all their numbers', async () => {
      let reply!: Reply;
      const events = await eventsOf(sim.admin, async () => {
        reply = await sim.admin.post(`/users/${ANNA}/phoneconfig/phones`, {
          active: true,
          isIFMC: false,
          phoneId: 0,
          phoneName: 'Desk phone Anna',
          userId: ANNA,
        });
      });
      check('assignPhone', reply);
      assert.equal(reply.status, 201);
      assert.equal(reply.body.phoneName, 'Desk phone Anna');
      assert.equal(reply.body.userId, ANNA);
      assert.equal(reply.body.isIFMC, false);
      assert.ok(reply.body.phoneId > 0);
      assert.match(
        reply.headers.get('location') ?? '',
        new RegExp(`/users/${ANNA}/phoneconfig/phones/${reply.body.phoneId}$`),
      );
      assert.deepEqual(
        events.map((e) => `${e.service} ${e.event}`),
        ['sim.events.phones created'],
      );
      assert.deepEqual(events[0]!.data, { userId: ANNA, phoneId: reply.body.phoneId });
      const numbers = (await sim.admin.get(`/users/${ANNA}/phoneconfig/phones/${reply.body.phoneId}/numbers`)).body;
      assert.equal(numbers.length, 2);
      assert.ok(numbers.every((n: { active: boolean }) => n.active));
      assert.equal((await sim.admin.get(`/users/${ANNA}/phoneconfig/phones`)).body.length, 2);
    });

    it('POST refuses: a phone assigned already (409), a taken name (409), bad fields (400), unknown phone or user (404), non-admins (403)', async () => {
      const base = { active: true, isIFMC: false, phoneId: 0, phoneName: 'X', userId: ANNA };
      const path = `/users/${ANNA}/phoneconfig/phones`;
      const assigned = await sim.admin.post(path, { ...base, phoneId: berndPhone });
      check('assignPhone', assigned);
      assertError(assigned, 409, 'PHONE_ASSIGNED');
      assert.equal(assigned.body.details.userId, BERND);
      assertError(await sim.admin.post(path, { ...base, phoneName: 'softphone 1002' }), 409, 'PHONE_NAME_TAKEN');
      assertNamesField(await sim.admin.post(path, { ...base, phoneName: '  ' }), 'phoneName');
      assertNamesField(await sim.admin.post(path, { ...base, userId: BERND }), 'userId');
      assertNamesField(await sim.admin.post(path, { ...base, isIFMC: true }), 'isIFMC');
      assertNamesField(await sim.admin.post(path, { ...base, active: 'yes' }), 'active');
      const noName: Record<string, unknown> = { ...base };
      delete noName.phoneName;
      assertNamesField(await sim.admin.post(path, noName), 'phoneName');
      assertError(await sim.admin.post(path, { ...base, phoneId: 999 }), 404, 'NOT_FOUND');
      assertError(await sim.admin.post('/users/999/phoneconfig/phones', base), 404, 'NOT_FOUND');
      assertError(await anna.post(path, base), 403, 'FORBIDDEN');
      assert.equal((await sim.admin.get(path)).body.length, 1, 'nothing was added');
    });

    it('DELETE removes the phone (204, event) and with it its place as primary phone and on function key sets', async () => {
      assertError(await anna.delete(`/users/${ANNA}/phoneconfig/phones/${annaPhone}`), 403, 'FORBIDDEN');
      let reply!: Reply;
      const events = await eventsOf(sim.admin, async () => {
        reply = await sim.admin.delete(`/users/${ANNA}/phoneconfig/phones/${annaPhone}`);
      });
      check('deletePhoneAssignment', reply);
      assert.equal(reply.status, 204);
      const kinds = events.map((e) => `${e.service} ${e.event}`);
      assert.ok(kinds.includes('sim.events.phones deleted'), kinds.join(', '));
      // Anna's function key set showed on this phone in the demo.
      assert.ok(kinds.includes('sim.events.functionkeys updated'), kinds.join(', '));
      assert.deepEqual((await sim.admin.get(`/users/${ANNA}/phoneconfig/phones`)).body, []);
      assert.equal((await sim.admin.get(`/users/${ANNA}/phoneconfig`)).body.primaryPhoneId, 0);
      assertError(await sim.admin.get(`/users/${ANNA}/phoneconfig/phones/${annaPhone}`), 404, 'NOT_FOUND');
      assertError(await sim.admin.delete(`/users/${ANNA}/phoneconfig/phones/${annaPhone}`), 404, 'NOT_FOUND');
    });
  });

  describe('numbers on a phone', () => {
    it("GET lists each of the user's numbers with whether it rings there", async () => {
      const reply = await anna.get(`/users/${ANNA}/phoneconfig/phones/${annaPhone}/numbers`);
      check('getNumbersForAssignedPhone', reply);
      assert.deepEqual(
        reply.body.map((n: { phoneNumber: string; active: boolean }) => [n.phoneNumber, n.active]),
        [
          ['1001', true],
          ['+493055501' + '1', true],
        ],
      );
      assertError(await anna.get(`/users/${BERND}/phoneconfig/phones/${berndPhone}/numbers`), 403, 'FORBIDDEN');
      assertError(await sim.admin.get(`/users/${ANNA}/phoneconfig/phones/${berndPhone}/numbers`), 404, 'NOT_FOUND');
    });

    it('PUT takes the list GET answers back; switching a number off is 204 and an event', async () => {
      const path = `/users/${ANNA}/phoneconfig/phones/${annaPhone}/numbers`;
      const got = (await sim.admin.get(path)).body;
      const same = await eventsOf(sim.admin, async () => {
        const reply = await sim.admin.put(path, got);
        check('updateNumbersForAssignedPhones', reply);
        assert.equal(reply.status, 204);
      });
      assert.deepEqual(same, [], 'no change, no event');
      const off = got.map((n: { active: boolean }, i: number) => ({ ...n, active: i === 0 }));
      const events = await eventsOf(sim.admin, async () => assert.equal((await sim.admin.put(path, off)).status, 204));
      assert.deepEqual(
        events.map((e) => [e.service, e.event, e.data]),
        [['sim.events.phones', 'updated', { userId: ANNA, phoneId: annaPhone }]],
      );
      assert.deepEqual((await sim.admin.get(path)).body, off);
    });

    it("PUT refuses another user's number (400 naming it), an unknown number (404), a user (403)", async () => {
      const path = `/users/${ANNA}/phoneconfig/phones/${annaPhone}/numbers`;
      const bernds = (await sim.admin.get(`/users/${BERND}/phonenumberconfig/phonenumbers/`)).body[0].phoneNumberId;
      assertNamesField(
        await sim.admin.put(path, [{ active: true, phoneNumber: 'x', phoneNumberId: bernds }]),
        '0.phoneNumberId',
      );
      assertNamesField(await sim.admin.put(path, [{ active: 'no', phoneNumber: 'x', phoneNumberId: 1 }]), 'active');
      assertError(await sim.admin.put(path, { active: true }), 400, 'VALIDATION_FAILED');
      assertError(
        await sim.admin.put(path, [{ active: true, phoneNumber: 'x', phoneNumberId: 999 }]),
        404,
        'NOT_FOUND',
      );
      assertError(await anna.put(path, []), 403, 'FORBIDDEN');
      assertError(await sim.admin.put(`/users/${ANNA}/phoneconfig/phones/999/numbers`, []), 404, 'NOT_FOUND');
    });
  });
});
