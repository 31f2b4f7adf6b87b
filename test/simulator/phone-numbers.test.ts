import assert from 'node:assert/strict';
import type { EndpointId } from '../../shared/api.js';
import { answerChecker } from '../support/openapiAnswers.js';
import { DEMO_USERS, startSim, type Reply, type RestClient, type RunningSim } from '../support/rest.js';
import { eventsOf, type SimEventEntry } from '../support/simEvents.js';
import { assertError, assertNamesField } from '../support/apiErrors.js';

interface Num {
  id: number;
  number: string;
  type: string;
  assignedUserAccountId?: number;
  assignedGroupAccountId?: number;
  assignedServiceId?: number;
}

const kinds = (events: SimEventEntry[]) => events.map((e) => `${e.service} ${e.event}`);

// Demo: admin 1, Anna 2 (1001, +49305550 11), Bernd 3 (1002, 12), Carla 4 (1003, 13), group Support 5 (1010, 10);
// the conference service holds 1090; 1004, 1005, 14 and 15 are spare.
const ANNA = 2;
const BERND = 3;

describe('REST phone numbers', () => {
  let sim: RunningSim;
  let anna: RestClient;
  let check: (id: EndpointId, reply: Reply) => void;
  let byNumber: (digits: string) => Num;

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
    anna = await sim.as(DEMO_USERS.anna);
    check = await answerChecker(sim.admin);
    const all = (await sim.admin.get<Num[]>('/phonenumbers')).body;
    byNumber = (digits) => all.find((n) => n.number === digits || n.number === `+49305550${digits}`)!;
  });
  afterEach(async () => {
    await sim.stop();
  });

  describe('/phonenumbers', () => {
    it('lists every number as PhoneNumber: internal digits, external in full with its block, its owner', async () => {
      const reply = await sim.admin.get('/phonenumbers');
      check('getPhoneNumbers', reply);
      assert.equal(reply.body.length, 13);
      assert.deepEqual(byNumber('1001'), {
        id: byNumber('1001').id,
        number: '1001',
        type: 'INTERNAL',
        assignedUserAccountId: ANNA,
        assignedServiceId: 1,
      });
      const ext = reply.body.find((n: Num) => n.number === '+49305550' + '11');
      assert.equal(ext.type, 'EXTERNAL');
      assert.equal(ext.exitCode, '0');
      assert.equal(ext.nationalPrefix, '0');
      assert.equal(ext.localPrefix, '30');
      assert.equal(typeof ext.numberBlockId, 'number');
      assert.equal(byNumber('1010').assignedGroupAccountId, 5);
      assert.equal(byNumber('1090').assignedUserAccountId, undefined);
      assert.equal(typeof byNumber('1090').assignedServiceId, 'number');
    });

    it('filters by type (any case) and by assigned (booleans in any case); a bad filter is 400 naming it', async () => {
      const external = await sim.admin.get('/phonenumbers?type=external');
      check('getPhoneNumbers', external);
      assert.ok(external.body.length > 0 && external.body.every((n: Num) => n.type === 'EXTERNAL'));
      const spare = await sim.admin.get('/phonenumbers?assigned=FALSE');
      assert.deepEqual(spare.body.map((n: Num) => n.number).sort(), ['+4930555014', '+4930555015', '1004', '1005']);
      const spareInternal = await sim.admin.get('/phonenumbers?assigned=False&type=INTERNAL');
      assert.deepEqual(spareInternal.body.map((n: Num) => n.number).sort(), ['1004', '1005']);
      assert.equal((await sim.admin.get('/phonenumbers?assigned=TRUE')).body.length, 9);
      assertNamesField(await sim.admin.get('/phonenumbers?assigned=maybe'), 'assigned');
      assertNamesField(await sim.admin.get('/phonenumbers?type=MOBILE'), 'type');
    });

    it('one number by id; unknown 404; a user without "Administration" 403', async () => {
      const one = await sim.admin.get(`/phonenumbers/${byNumber('1004').id}`);
      check('getPhoneNumber', one);
      assert.deepEqual(one.body, byNumber('1004'));
      const missing = await sim.admin.get('/phonenumbers/999');
      check('getPhoneNumber', missing);
      assertError(missing, 404, 'NOT_FOUND');
      assertError(await anna.get('/phonenumbers'), 403, 'FORBIDDEN');
      assertError(await anna.get(`/phonenumbers/${byNumber('1001').id}`), 403, 'FORBIDDEN');
    });
  });

  describe('number config', () => {
    it('GET answers the primaries, the signalled number and what the user may signal (own and group numbers)', async () => {
      const reply = await anna.get(`/users/${ANNA}/phonenumberconfig`);
      check('getPhoneNumberConfig', reply);
      assert.equal(reply.body.primaryInternalNumberId, byNumber('1001').id);
      assert.equal(reply.body.primaryExternalNumberId, byNumber('11').id);
      assert.equal(reply.body.signalingNumberId, byNumber('11').id);
      assert.deepEqual(
        reply.body.possibleSignalnumbers.map((n: Num) => n.number),
        ['1001', '+49305550' + '11', '1010', '+49305550' + '10'],
      );
      assertError(await anna.get(`/users/${BERND}/phonenumberconfig`), 403, 'FORBIDDEN');
      assertError(await sim.admin.get('/users/999/phonenumberconfig'), 404, 'NOT_FOUND');
    });

    it('PUT (admin) takes back what GET answered and sets the signalled number (200, the config, event)', async () => {
      const path = `/users/${ANNA}/phonenumberconfig`;
      const got = (await sim.admin.get(path)).body;
      const echo = await sim.admin.put(path, got);
      check('putPhoneNumberConfig', echo);
      assert.equal(echo.status, 200);
      assert.deepEqual(echo.body, got);
      let reply!: Reply;
      const events = await eventsOf(sim.admin, async () => {
        reply = await sim.admin.put(path, { ...got, signalingNumberId: byNumber('10').id });
      });
      check('putPhoneNumberConfig', reply);
      assert.equal(reply.body.signalingNumberId, byNumber('10').id);
      assert.deepEqual(kinds(events), ['sim.events.numbers configUpdated']);
      assertError(await anna.put(path, got), 403, 'FORBIDDEN');
    });

    it('PUT refuses a primary of the wrong type or owner and an unsignalable number, naming the field', async () => {
      const path = `/users/${ANNA}/phonenumberconfig`;
      const got = (await sim.admin.get(path)).body;
      assertNamesField(
        await sim.admin.put(path, { ...got, primaryExternalNumberId: byNumber('1001').id }),
        'primaryExternalNumberId',
      );
      assertNamesField(
        await sim.admin.put(path, { ...got, primaryInternalNumberId: byNumber('1002').id }),
        'primaryInternalNumberId',
      );
      assertNamesField(
        await sim.admin.put(path, { ...got, signalingNumberId: byNumber('12').id }),
        'signalingNumberId',
      );
      assertNamesField(await sim.admin.put(path, { ...got, primaryExternalNumberId: 'x' }), 'primaryExternalNumberId');
      const events = await eventsOf(sim.admin, () => sim.admin.put(path, { ...got, signalingNumberId: 999 }));
      assert.deepEqual(events, [], 'a refused change makes no event');
    });
  });

  describe('number assignments', () => {
    const list = (userId: number) => `/users/${userId}/phonenumberconfig/phonenumbers/`;

    it("lists a user's numbers with their call service; one by id; self or admin; unknown 404", async () => {
      const reply = await anna.get(list(ANNA));
      check('listPhoneNumberAssignment', reply);
      assert.deepEqual(reply.body, [
        { accountId: ANNA, phoneNumberId: byNumber('1001').id, serviceId: 1 },
        { accountId: ANNA, phoneNumberId: byNumber('11').id, serviceId: 1 },
      ]);
      const one = await anna.get(`${list(ANNA)}${byNumber('11').id}`);
      check('getPhoneNumberAssignment', one);
      assert.deepEqual(one.body, reply.body[1]);
      assertError(await anna.get(list(BERND)), 403, 'FORBIDDEN');
      assertError(await sim.admin.get(list(999)), 404, 'NOT_FOUND');
      assertError(await sim.admin.get(`${list(ANNA)}999`), 404, 'NOT_FOUND');
      assertError(await sim.admin.get(`${list(ANNA)}${byNumber('12').id}`), 404, 'NOT_FOUND');
    });

    it("POST assigns spare numbers (200, the assignments, events); they ring on the user's phone", async () => {
      const body = [
        { accountId: ANNA, phoneNumberId: byNumber('1004').id, serviceId: 1 },
        { accountId: 0, phoneNumberId: byNumber('14').id, serviceId: 0 },
      ];
      let reply!: Reply;
      const events = await eventsOf(sim.admin, async () => {
        reply = await sim.admin.post(list(ANNA), body);
      });
      check('assignPhoneNumber', reply);
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, [
        { accountId: ANNA, phoneNumberId: byNumber('1004').id, serviceId: 1 },
        { accountId: ANNA, phoneNumberId: byNumber('14').id, serviceId: 1 },
      ]);
      assert.deepEqual(kinds(events), ['sim.events.numbers assigned', 'sim.events.numbers assigned']);
      assert.equal((await sim.admin.get(list(ANNA))).body.length, 4);
      assert.equal((await sim.admin.get(`/phonenumbers/${byNumber('14').id}`)).body.assignedUserAccountId, ANNA);
      const phone = (await sim.admin.get(`/users/${ANNA}/phoneconfig/phones`)).body[0].phoneId;
      const ringing = (await sim.admin.get(`/users/${ANNA}/phoneconfig/phones/${phone}/numbers`)).body;
      assert.ok(
        ringing.some(
          (n: { phoneNumberId: number; active: boolean }) => n.phoneNumberId === byNumber('14').id && n.active,
        ),
      );
      // Assigning what the user holds already changes nothing.
      const again = await eventsOf(sim.admin, async () =>
        assert.equal((await sim.admin.post(list(ANNA), body)).status, 200),
      );
      assert.deepEqual(again, []);
    });

    it('a number held by another user, a group or a service is 409 with {code, message, details}; nothing changes', async () => {
      for (const digits of ['1002', '1010', '1090']) {
        const reply = await sim.admin.post(list(ANNA), [
          { accountId: ANNA, phoneNumberId: byNumber('1004').id, serviceId: 1 },
          { accountId: ANNA, phoneNumberId: byNumber(digits).id, serviceId: 1 },
        ]);
        check('assignPhoneNumber', reply);
        assertError(reply, 409, 'NUMBER_ASSIGNED');
        assert.equal(reply.body.details.phoneNumberId, byNumber(digits).id);
        assert.equal(reply.body.details.path, '1.phoneNumberId');
      }
      assert.equal((await sim.admin.get(list(ANNA))).body.length, 2, 'all or nothing');
      const put = await sim.admin.put(`/users/${ANNA}/phonenumberconfig/phonenumbers`, [
        { accountId: ANNA, phoneNumberId: byNumber('12').id, serviceId: 1 },
      ]);
      assertError(put, 409, 'NUMBER_ASSIGNED');
    });

    it('POST refuses bad input naming the field, unknown numbers and services (404), non-admins (403)', async () => {
      const ok = { accountId: ANNA, phoneNumberId: byNumber('1004').id, serviceId: 1 };
      assertNamesField(await sim.admin.post(list(ANNA), [{ ...ok, accountId: BERND }]), '0.accountId');
      assertNamesField(await sim.admin.post(list(ANNA), [ok, ok]), '1.phoneNumberId');
      assertNamesField(await sim.admin.post(list(ANNA), [{ ...ok, phoneNumberId: 'x' }]), 'phoneNumberId');
      const noService: Record<string, unknown> = { ...ok };
      delete noService.serviceId;
      assertNamesField(await sim.admin.post(list(ANNA), [noService]), 'serviceId');
      assertError(await sim.admin.post(list(ANNA), ok), 400, 'VALIDATION_FAILED');
      assertError(await sim.admin.post(list(ANNA), [{ ...ok, phoneNumberId: 999 }]), 404, 'NOT_FOUND');
      assertError(await sim.admin.post(list(ANNA), [{ ...ok, serviceId: 999 }]), 404, 'NOT_FOUND');
      assertError(await sim.admin.post(list(999), [ok]), 404, 'NOT_FOUND');
      assertError(await anna.post(list(ANNA), [ok]), 403, 'FORBIDDEN');
    });

    it('DELETE one releases it (204, event): off the phones, out of the settings; the extension stays (409)', async () => {
      const ext = byNumber('11').id;
      let reply!: Reply;
      const events = await eventsOf(sim.admin, async () => {
        reply = await sim.admin.delete(`${list(ANNA)}${ext}`);
      });
      check('deletePhoneNumberAssignment', reply);
      assert.equal(reply.status, 204);
      assert.deepEqual(kinds(events), ['sim.events.numbers unassigned']);
      const config = (await sim.admin.get(`/users/${ANNA}/phonenumberconfig`)).body;
      assert.equal(config.primaryExternalNumberId, 0);
      assert.equal(config.signalingNumberId, byNumber('1001').id);
      assert.equal((await sim.admin.get(`/users/${ANNA}/phoneconfig`)).body.displayNumberId, byNumber('1001').id);
      assert.equal((await sim.admin.get(`/phonenumbers/${ext}`)).body.assignedUserAccountId, undefined);
      assert.deepEqual(
        (await sim.admin.get('/phonenumbers?assigned=false&type=EXTERNAL')).body.map((n: Num) => n.id).includes(ext),
        true,
      );
      assertError(await sim.admin.delete(`${list(ANNA)}${ext}`), 404, 'NOT_FOUND');
      const extension = await sim.admin.delete(`${list(ANNA)}${byNumber('1001').id}`);
      check('deletePhoneNumberAssignment', extension);
      assertError(extension, 409, 'EXTENSION_NUMBER');
      assertError(await anna.delete(`${list(ANNA)}${byNumber('1001').id}`), 403, 'FORBIDDEN');
      // Free again: another user may take it.
      assert.equal(
        (await sim.admin.post(list(BERND), [{ accountId: BERND, phoneNumberId: ext, serviceId: 1 }])).status,
        200,
      );
    });

    it("POST …/delete releases several (204) or none: one not the user's is 404", async () => {
      await sim.admin.post(list(ANNA), [
        { accountId: ANNA, phoneNumberId: byNumber('1004').id, serviceId: 1 },
        { accountId: ANNA, phoneNumberId: byNumber('14').id, serviceId: 1 },
      ]);
      const path = `${list(ANNA)}delete`;
      const refused = await sim.admin.post(path, [
        { accountId: ANNA, phoneNumberId: byNumber('1004').id, serviceId: 1 },
        { accountId: ANNA, phoneNumberId: byNumber('12').id, serviceId: 1 },
      ]);
      check('deletePhoneNumberAssignments', refused);
      assertError(refused, 404, 'NOT_FOUND');
      assert.equal((await sim.admin.get(list(ANNA))).body.length, 4, 'all or nothing');
      let reply!: Reply;
      const events = await eventsOf(sim.admin, async () => {
        reply = await sim.admin.post(path, [
          { accountId: ANNA, phoneNumberId: byNumber('1004').id, serviceId: 1 },
          { accountId: ANNA, phoneNumberId: byNumber('14').id, serviceId: 1 },
        ]);
      });
      check('deletePhoneNumberAssignments', reply);
      assert.equal(reply.status, 204);
      assert.deepEqual(kinds(events), ['sim.events.numbers unassigned', 'sim.events.numbers unassigned']);
      assert.equal((await sim.admin.get(list(ANNA))).body.length, 2);
      assertError(await anna.post(path, []), 403, 'FORBIDDEN');
      assertNamesField(await sim.admin.post(path, [{ accountId: ANNA }]), 'phoneNumberId');
    });

    it("PUT sets exactly the list (200, the resulting list): GET's answer is accepted back; others are released", async () => {
      const path = `/users/${ANNA}/phonenumberconfig/phonenumbers`;
      const got = (await sim.admin.get(list(ANNA))).body;
      const echo = await eventsOf(sim.admin, async () => {
        const reply = await sim.admin.put(path, got);
        check('updatePhoneNumberAssignments', reply);
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.body, got);
      });
      assert.deepEqual(echo, []);
      const internalOnly = [got[0], { accountId: ANNA, phoneNumberId: byNumber('15').id, serviceId: 1 }];
      let reply!: Reply;
      const events = await eventsOf(sim.admin, async () => {
        reply = await sim.admin.put(path, internalOnly);
      });
      check('updatePhoneNumberAssignments', reply);
      assert.deepEqual(reply.body, internalOnly);
      assert.deepEqual(kinds(events), ['sim.events.numbers unassigned', 'sim.events.numbers assigned']);
      // The new external number became the primary one, as the released one was.
      assert.equal(
        (await sim.admin.get(`/users/${ANNA}/phonenumberconfig`)).body.primaryExternalNumberId,
        byNumber('15').id,
      );
      assertError(await sim.admin.put(path, []), 409, 'EXTENSION_NUMBER');
      assertError(await anna.put(path, got), 403, 'FORBIDDEN');
      assertError(await sim.admin.put('/users/999/phonenumberconfig/phonenumbers', got), 404, 'NOT_FOUND');
    });
  });
});
