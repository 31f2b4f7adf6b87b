import assert from 'node:assert/strict';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { answerChecker, type AnswerCheck } from '../support/openapiAnswers.js';
import { DEMO_USERS, startSim, type Reply, type RestClient, type RunningSim } from '../support/rest.js';
import { eventsOf } from '../support/simEvents.js';

type Check = AnswerCheck;

// Demo ids: admin 1, Anna 2, Bernd 3, Carla 4, the group Support 5; Anna's set "1" with keys "1".."4" (Bernd's and
// Carla's busy lamps, the Hotline quick dial, DND) shown on "Softphone 1001".
const ANNA = 2;
const BERND = 3;
const SUPPORT = 5;

/** A valid key of each type for Anna (her numbers, her group, the demo's Teams configuration). */
function keysOfEveryType(numberIds: number[]): Record<string, Record<string, unknown>> {
  return {
    BUSYLAMPFIELD: { blfAccountId: BERND },
    PHONECALLLIST: { callListRequest: 'MISSED' },
    COMPLETIONOFCALLSTOBUSYSUBSCRIBER: {},
    DONOTDISTURB: {},
    PHONEDTMF: { dtmf: '*21#' },
    FORWARD: { forwardType: 'BUSY' },
    FORWARDNUMBER: { redirectNumberIds: numberIds },
    PHONEGENERICURL: { genericURL: 'https://crm.example/call' },
    GROUPLOGIN: { groupIds: [SUPPORT] },
    MODULEACTIVATION: { activateModuleIds: ['1'] },
    PARKANDORBIT: { poNumber: '71' },
    ADDRESSBOOK: { addressbookRequest: 'CONTACTSEARCH', addressBookFolderName: 'Kunde' },
    QUICKDIAL: { directCallTargetnumber: '+49301234567' },
    SEPARATOR: {},
    SIGNALNUMBER: { displayNumberId: numberIds[0] },
  };
}

describe('REST function keys (6.7)', () => {
  let sim: RunningSim;
  let anna: RestClient;
  let bernd: RestClient;
  let check: Check;
  let annaNumberIds: number[];

  before(async () => {
    sim = await startSim({ scenario: 'demo' });
    anna = await sim.as(DEMO_USERS.anna);
    bernd = await sim.as(DEMO_USERS.bernd);
    check = await answerChecker(sim.admin);
    const form = await anna.get('/functionkeysets/edit/defaults');
    annaNumberIds = form.body.editFunctionKeySignalNumber.possibleSignalnumbers
      .filter((n: { assignedUserAccountId?: number }) => n.assignedUserAccountId === ANNA)
      .map((n: { id: number }) => n.id);
  });
  after(async () => {
    await sim.stop();
  });

  describe('reading', () => {
    it("GET /functionkeysets: the caller's sets; actOnBehalfOf for admins only (403 others, 404 unknown)", async () => {
      const own = await anna.get('/functionkeysets');
      check('getFunctionKeySets', own, 200);
      assert.deepEqual(own.body, [{ id: '1', name: 'Anna', keyOrder: ['1', '2', '3', '4'] }]);
      const none = await bernd.get('/functionkeysets');
      check('getFunctionKeySets', none, 200);
      assert.deepEqual(none.body, []);
      assert.deepEqual((await sim.admin.get('/functionkeysets')).body, []);
      const forAnna = await sim.admin.get('/functionkeysets?actOnBehalfOf=1001');
      check('getFunctionKeySets', forAnna, 200);
      assert.equal(forAnna.body[0].id, '1');
      assert.deepEqual((await sim.admin.get(`/functionkeysets?actOnBehalfOf=${ANNA}`)).body, forAnna.body);
      check('getFunctionKeySets', await bernd.get('/functionkeysets?actOnBehalfOf=1001'), 403);
      check('getFunctionKeySets', await sim.admin.get('/functionkeysets?actOnBehalfOf=nobody'), 404);
    });

    it('GET /functionkeysets/{fkSetId}/: the keys by position; owner and admin only; unknown set 404', async () => {
      const keys = await anna.get('/functionkeysets/1/');
      check('getFunctionKeys', keys, 200);
      assert.deepEqual(
        keys.body.map((k: { id: string; position: number; functionKeyType: string }) => [
          k.id,
          k.position,
          k.functionKeyType,
        ]),
        [
          ['1', 0, 'BUSYLAMPFIELD'],
          ['2', 1, 'BUSYLAMPFIELD'],
          ['3', 2, 'QUICKDIAL'],
          ['4', 3, 'DONOTDISTURB'],
        ],
      );
      assert.deepEqual(keys.body[0], {
        id: '1',
        accountId: String(ANNA),
        name: 'Bernd',
        position: 0,
        functionKeyType: 'BUSYLAMPFIELD',
        blfAccountId: BERND,
      });
      check('getFunctionKeys', await sim.admin.get('/functionkeysets/1/'), 200);
      check('getFunctionKeys', await sim.admin.get('/functionkeysets/1/?actOnBehalfOf=1001'), 200);
      check('getFunctionKeys', await sim.admin.get('/functionkeysets/1/?actOnBehalfOf=1002'), 404);
      check('getFunctionKeys', await bernd.get('/functionkeysets/1/'), 403);
      check('getFunctionKeys', await anna.get('/functionkeysets/99/'), 404);
    });

    it('GET /functionkeysets/{fkSetId}/{keyId}: one key; unknown key or set 404; another user 403', async () => {
      const key = await anna.get('/functionkeysets/1/3');
      check('getFunctionKey', key, 200);
      assert.equal(key.body.directCallTargetnumber, '1099');
      check('getFunctionKey', await anna.get('/functionkeysets/1/99'), 404);
      check('getFunctionKey', await anna.get('/functionkeysets/99/1'), 404);
      check('getFunctionKey', await bernd.get('/functionkeysets/1/1'), 403);
      check('getFunctionKey', await sim.admin.get('/functionkeysets/1/1'), 200);
    });

    it("GET …/edit/{keyId}: the form of the key's type with its values and choices", async () => {
      const form = await anna.get('/functionkeysets/1/edit/1');
      check('getEditFunctionKey', form, 200);
      assert.deepEqual(Object.keys(form.body), ['editFunctionKeyBusyLampField']);
      const blf = form.body.editFunctionKeyBusyLampField;
      assert.equal(blf.blfAccountId, BERND);
      assert.equal(blf.name, 'Bernd');
      assert.equal(blf.number, '1002');
      assert.equal(blf.blfDisplayInformation, 'Bernd Brandt');
      const accounts = blf.availableAccounts.map((a: { accountId: number }) => a.accountId);
      assert.ok(accounts.includes(BERND) && !accounts.includes(ANNA), JSON.stringify(accounts));
      const quick = await anna.get('/functionkeysets/1/edit/3');
      check('getEditFunctionKey', quick, 200);
      assert.deepEqual(quick.body, { editFunctionKeyQuickDial: { name: 'Hotline', number: '1099' } });
      check('getEditFunctionKey', await anna.get('/functionkeysets/1/edit/99'), 404);
      check('getEditFunctionKey', await bernd.get('/functionkeysets/1/edit/1'), 403);
    });

    it("GET /functionkeysets/edit/defaults: a form for every key type, with the caller's choices", async () => {
      const form = await anna.get('/functionkeysets/edit/defaults');
      check('getEditFunctionKeyDefaults', form, 200);
      assert.equal(Object.keys(form.body).length, 15);
      assert.deepEqual(
        form.body.editFunctionKeyGroupLogin.editFunctionKeyGlGroupSettings.map(
          (g: { groupname: string }) => g.groupname,
        ),
        ['Support'],
      );
      assert.deepEqual(form.body.editFunctionKeyForwardCall.forwardTypes, ['ALWAYS', 'BUSY', 'TIMEOUT']);
      assert.ok(form.body.editFunctionKeyPhoneContact.folders.includes('Favorit'), 'Anna sees her own tag');
      const bernds = await bernd.get('/functionkeysets/edit/defaults');
      check('getEditFunctionKeyDefaults', bernds, 200);
      assert.ok(!bernds.body.editFunctionKeyPhoneContact.folders.includes('Favorit'), "not Anna's private tag");
    });

    it('GET …/phones: the names of the phones that show the set', async () => {
      const phones = await anna.get('/functionkeysets/1/phones');
      check('getPhonesForFunctionKeySet', phones, 200);
      assert.deepEqual(phones.body, ['Softphone 1001']);
      check('getPhonesForFunctionKeySet', await bernd.get('/functionkeysets/1/phones'), 403);
      check('getPhonesForFunctionKeySet', await anna.get('/functionkeysets/99/phones'), 404);
    });
  });

  describe('one key', () => {
    it('POST creates a key of every type (201, the key, Location) and emits an event each', async () => {
      let position = 10;
      for (const [type, fields] of Object.entries(keysOfEveryType(annaNumberIds))) {
        const body = { functionKeyType: type, name: `k ${type}`, position: position++, ...fields };
        let reply: Reply | undefined;
        const events = await eventsOf(sim.admin, async () => (reply = await anna.post('/functionkeysets/1/', body)));
        check('createFunctionKey', reply!, 201);
        assert.deepEqual(reply!.body, { ...body, id: reply!.body.id, accountId: String(ANNA) }, type);
        assert.equal(reply!.headers.get('location'), `/rest/functionkeysets/1/${reply!.body.id}`);
        assert.deepEqual(
          events.map((e) => [e.service, e.event, e.data.keyId]),
          [[SIM_SERVICES.functionKeys, 'created', reply!.body.id]],
        );
        const back = await anna.get(`/functionkeysets/1/${reply!.body.id}`);
        assert.deepEqual(back.body, reply!.body);
        const form = await anna.get(`/functionkeysets/1/edit/${reply!.body.id}`);
        check('getEditFunctionKey', form, 200);
        assert.equal(Object.keys(form.body).length, 1, type);
      }
    });

    it("a key keeps only the fields of its type; id and accountId of the body are the PBX's", async () => {
      const reply = await anna.post('/functionkeysets/1/', {
        functionKeyType: 'DONOTDISTURB',
        name: 'DND 2',
        position: 40,
        id: 'mine',
        accountId: '999',
        dtmf: '123',
        blfAccountId: BERND,
        genericURL: null,
        unknownField: true,
      });
      check('createFunctionKey', reply, 201);
      assert.deepEqual(Object.keys(reply.body).sort(), ['accountId', 'functionKeyType', 'id', 'name', 'position']);
      assert.notEqual(reply.body.id, 'mine');
      assert.equal(reply.body.accountId, String(ANNA));
    });

    it('bad keys are 400 naming the field, a taken position 409, no event', async () => {
      const base = { name: 'x', position: 50 };
      const cases: [Record<string, unknown>, string][] = [
        [{ functionKeyType: 'BUSYLAMPFIELD' }, 'blfAccountId'],
        [{ functionKeyType: 'BUSYLAMPFIELD', blfAccountId: 999 }, 'blfAccountId'],
        [{ functionKeyType: 'BUSYLAMPFIELD', blfAccountId: SUPPORT }, 'blfAccountId'],
        [{ functionKeyType: 'QUICKDIAL' }, 'directCallTargetnumber'],
        [{ functionKeyType: 'QUICKDIAL', directCallTargetnumber: 'call me' }, 'directCallTargetnumber'],
        [{ functionKeyType: 'PHONEDTMF', dtmf: 'xyz' }, 'dtmf'],
        [{ functionKeyType: 'PHONEGENERICURL', genericURL: 'ftp://x' }, 'genericURL'],
        [{ functionKeyType: 'FORWARDNUMBER', redirectNumberIds: [] }, 'redirectNumberIds'],
        [{ functionKeyType: 'FORWARDNUMBER', redirectNumberIds: [9999] }, 'redirectNumberIds'],
        [{ functionKeyType: 'GROUPLOGIN', groupIds: [999] }, 'groupIds'],
        [{ functionKeyType: 'MODULEACTIVATION', activateModuleIds: ['77'] }, 'activateModuleIds'],
        [{ functionKeyType: 'PARKANDORBIT', poNumber: 'abc' }, 'poNumber'],
        [{ functionKeyType: 'PHONECALLLIST' }, 'callListRequest'],
        [{ functionKeyType: 'PHONECALLLIST', callListRequest: 'ALL' }, 'callListRequest'],
        [{ functionKeyType: 'FORWARD' }, 'forwardType'],
        [{ functionKeyType: 'ADDRESSBOOK' }, 'addressbookRequest'],
        [{ functionKeyType: 'SIGNALNUMBER', displayNumberId: 9999 }, 'displayNumberId'],
        [{ functionKeyType: 'NOSUCHTYPE' }, 'functionKeyType'],
        [{ functionKeyType: 'SEPARATOR', position: -1 }, 'position'],
        [{ functionKeyType: 'SEPARATOR', position: 'one' }, 'position'],
        [{ functionKeyType: 'SEPARATOR', name: undefined }, 'name'],
      ];
      for (const [fields, field] of cases) {
        let reply: Reply | undefined;
        const events = await eventsOf(
          sim.admin,
          async () => (reply = await anna.post('/functionkeysets/1/', { ...base, ...fields })),
        );
        check('createFunctionKey', reply!, 400);
        assert.ok(
          JSON.stringify(reply!.body).includes(field),
          `${JSON.stringify(fields)} → ${JSON.stringify(reply!.body)}`,
        );
        assert.deepEqual(events, []);
      }
      const taken = await anna.post('/functionkeysets/1/', { functionKeyType: 'SEPARATOR', name: '-', position: 0 });
      check('createFunctionKey', taken, 409);
      assert.equal(taken.body.code, 'POSITION_TAKEN');
      check(
        'createFunctionKey',
        await anna.post('/functionkeysets/99/', { functionKeyType: 'SEPARATOR', name: '-', position: 60 }),
        404,
      );
      check(
        'createFunctionKey',
        await bernd.post('/functionkeysets/1/', { functionKeyType: 'SEPARATOR', name: '-', position: 60 }),
        403,
      );
    });

    it('PUT …/{keyId} takes back what GET gave (200, no body), may change the type, emits "updated"', async () => {
      const got = (await anna.get('/functionkeysets/1/3')).body;
      let reply: Reply | undefined;
      const events = await eventsOf(
        sim.admin,
        async () => (reply = await anna.put('/functionkeysets/1/3', { ...got, name: 'Hotline 2' })),
      );
      check('updateFunctionKey', reply!, 200);
      assert.deepEqual(
        events.map((e) => [e.service, e.event, e.data.keyId]),
        [[SIM_SERVICES.functionKeys, 'updated', '3']],
      );
      assert.equal((await anna.get('/functionkeysets/1/3')).body.name, 'Hotline 2');
      // Echoing back with nulls for absent fields, as Java and PHP clients send them.
      check('updateFunctionKey', await anna.put('/functionkeysets/1/3', { ...got, dtmf: null, groupIds: null }), 200);
      // Another type: the old type's fields go.
      const changed = await sim.admin.put('/functionkeysets/1/3', {
        ...got,
        functionKeyType: 'BUSYLAMPFIELD',
        blfAccountId: 4,
      });
      check('updateFunctionKey', changed, 200);
      const now = (await anna.get('/functionkeysets/1/3')).body;
      assert.equal(now.functionKeyType, 'BUSYLAMPFIELD');
      assert.equal(now.blfAccountId, 4);
      assert.equal(now.directCallTargetnumber, undefined);
      check('updateFunctionKey', await anna.put('/functionkeysets/1/3', { ...got, position: 0 }), 409);
      check(
        'updateFunctionKey',
        await anna.put('/functionkeysets/1/3', { ...got, functionKeyType: 'BUSYLAMPFIELD', blfAccountId: 999 }),
        400,
      );
      check('updateFunctionKey', await anna.put('/functionkeysets/1/99', got), 404);
      check('updateFunctionKey', await bernd.put('/functionkeysets/1/3', got), 403);
    });

    it('DELETE …/{keyId} removes the key (204), then 404; another user 403', async () => {
      const created = await anna.post('/functionkeysets/1/', { functionKeyType: 'SEPARATOR', name: '-', position: 90 });
      const id = created.body.id as string;
      check('deleteFunctionKey', await bernd.delete(`/functionkeysets/1/${id}`), 403);
      let reply: Reply | undefined;
      const events = await eventsOf(sim.admin, async () => (reply = await anna.delete(`/functionkeysets/1/${id}`)));
      check('deleteFunctionKey', reply!, 204);
      assert.deepEqual(
        events.map((e) => [e.service, e.event, e.data.keyId]),
        [[SIM_SERVICES.functionKeys, 'deleted', id]],
      );
      check('getFunctionKey', await anna.get(`/functionkeysets/1/${id}`), 404);
      check('deleteFunctionKey', await anna.delete(`/functionkeysets/1/${id}`), 404);
      assert.ok(!(await anna.get('/functionkeysets')).body[0].keyOrder.includes(id));
    });
  });

  describe('the whole set', () => {
    it('PUT …/ takes back the list GET gave (204) and replaces the keys: kept ids, new ids, removed keys', async () => {
      const got = (await anna.get('/functionkeysets/1/')).body as { id: string; position: number }[];
      check('updateFunctionKeySet', await anna.put('/functionkeysets/1/', got), 204);
      assert.deepEqual((await anna.get('/functionkeysets/1/')).body, got);
      // The first two keys swap places, the rest go, one new key comes.
      const [a, b] = got;
      const next = [
        { ...a, position: 1 },
        { ...b, position: 0 },
        { functionKeyType: 'SEPARATOR', name: 'new', position: 2 },
      ];
      let reply: Reply | undefined;
      const events = await eventsOf(sim.admin, async () => (reply = await anna.put('/functionkeysets/1/', next)));
      check('updateFunctionKeySet', reply!, 204);
      assert.deepEqual(
        events.map((e) => [e.service, e.event]),
        [[SIM_SERVICES.functionKeys, 'updated']],
      );
      const set = (await anna.get('/functionkeysets')).body[0];
      assert.equal(set.keyOrder.length, 3);
      assert.deepEqual(set.keyOrder.slice(0, 2), [b!.id, a!.id]);
      assert.ok(!got.some((k) => k.id === set.keyOrder[2]), 'the new key has a new id');
    });

    it('DUPLICATE and CORRUPT keys are 400 with the FunctionKeySetError list, nothing changes', async () => {
      const before = (await anna.get('/functionkeysets/1/')).body;
      const reply = await anna.put('/functionkeysets/1/', [
        { functionKeyType: 'SEPARATOR', name: 'a', position: 0 },
        { functionKeyType: 'SEPARATOR', name: 'b', position: 0 },
        { functionKeyType: 'BUSYLAMPFIELD', name: 'c', position: 2, blfAccountId: 999 },
      ]);
      check('updateFunctionKeySet', reply, 400);
      assert.deepEqual(reply.body, [
        { errorField: 'position', functionKeyErrorType: 'DUPLICATE', position: 0 },
        { errorField: 'blfAccountId', functionKeyErrorType: 'CORRUPT', position: 2 },
      ]);
      assert.deepEqual((await anna.get('/functionkeysets/1/')).body, before);
      const malformed = await anna.put('/functionkeysets/1/', { not: 'a list' });
      check('updateFunctionKeySet', malformed, 400);
      assert.equal(malformed.body.code, 'VALIDATION_FAILED');
      check('updateFunctionKeySet', await bernd.put('/functionkeysets/1/', before), 403);
      check('updateFunctionKeySet', await anna.put('/functionkeysets/99/', before), 404);
    });
  });

  describe('phones', () => {
    it('PUT …/phone?phone= shows the set on a phone of its owner (200); bad phone 400/404; others 403', async () => {
      let reply: Reply | undefined;
      const events = await eventsOf(
        sim.admin,
        async () => (reply = await anna.put('/functionkeysets/1/phone?phone=Softphone%201001')),
      );
      check('putFunctionKeySetOnPhone', reply!, 200);
      assert.deepEqual(
        events.map((e) => [e.service, e.event]),
        [[SIM_SERVICES.functionKeys, 'updated']],
      );
      assert.deepEqual((await anna.get('/functionkeysets/1/phones')).body, ['Softphone 1001']);
      check('putFunctionKeySetOnPhone', await anna.put('/functionkeysets/1/phone?phone=Softphone%201002'), 400);
      check('putFunctionKeySetOnPhone', await anna.put('/functionkeysets/1/phone?phone=nowhere'), 404);
      const missing = await anna.put('/functionkeysets/1/phone');
      check('putFunctionKeySetOnPhone', missing, 400);
      assert.match(missing.body.message, /phone/);
      check('putFunctionKeySetOnPhone', await bernd.put('/functionkeysets/1/phone?phone=Softphone%201002'), 403);
      check('putFunctionKeySetOnPhone', await anna.put('/functionkeysets/99/phone?phone=Softphone%201001'), 404);
    });
  });
});
