/**
 * The UCI services phone, group and redirect against the real simulator: over the WebSocket JSON-RPC transport
 * (/uci) and a few plain XML-RPC calls (/xml-rpc), every method's answer against the contract's schema, the
 * changes seen over REST 6.7 and the other way round, the sim.events they publish (the same as the REST
 * change's), clear errors for bad ids and params, and nobody reaching another user's data.
 */
import assert from 'node:assert/strict';
import { XmlRpcClient, type XmlRpcValue } from '@foxglove/xmlrpc';
import { RIGHTS } from '../../shared/catalogue.js';
import { uciToken } from '../../shared/hashes.js';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import {
  UCI_ERRORS,
  UCI_METHODS as M,
  UCI_RESULTS,
  USER_STATE_SERVICE,
  type UciMethodKey,
} from '../../shared/schemas/uci.js';
import { UCI_XMLRPC_PARAMS, UCI_XMLRPC_RESULTS } from '../../shared/schemas/uciXmlRpc.js';
import type { UciRedirectSetting } from '../../shared/schemas/uciValues.js';
import { cleanUp, each } from '../support/cleanup.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { eventsOf as simEventsOf, type SimEventEntry } from '../support/simEvents.js';
import { loadSipJs, startPhone, stopPhones, until, type Phone } from '../support/sipjs.js';
import { UciClient, type Notification } from '../support/uci-client.js';

const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };
type User = { login: string; password: string };

describe('simulator: UCI phone, group and redirect', function () {
  this.timeout(30_000);
  let sim: RunningSim;
  let clients: UciClient[];
  let phones: Phone[];
  /** Account ids of the demo, looked up over REST. */
  let ids: { anna: number; bernd: number; carla: number; support: number };

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo', rateLimit: { perLogin: 1000, perAddress: 1000 } });
    clients = [];
    phones = [];
    const userId = async (login: string) => (await sim.admin.get(`/users?searchTerm=${login}`)).body[0].id as number;
    const groups = (await sim.admin.get('/groups')).body as { id: number; groupname: string }[];
    ids = {
      anna: await userId('1001'),
      bernd: await userId('1002'),
      carla: await userId('1003'),
      support: groups.find((g) => g.groupname === 'Support')!.id,
    };
  });
  afterEach(() =>
    cleanUp(
      each(clients, (c) => c.ws.terminate()),
      () => stopPhones(phones),
      () => sim?.stop(),
    ),
  );

  async function uci(user: User): Promise<UciClient> {
    const c = await UciClient.as(sim.addresses.uci, user);
    clients.push(c);
    return c;
  }
  /** The result of a method by its v22 name, checked against the contract's result schema. */
  async function ok<K extends UciMethodKey>(c: UciClient, key: K, params?: unknown) {
    return UCI_RESULTS[key].parse(await c.request(M[key], params)) as (typeof UCI_RESULTS)[K]['_output'];
  }
  /** The JSON-RPC error of a call that must fail. */
  async function refused(c: UciClient, method: string, params?: unknown): Promise<{ code: number; message: string }> {
    const r = await c.call(method, params);
    assert.ok(r.error, `${method} ${JSON.stringify(params)} must fail, answered ${JSON.stringify(r.result)}`);
    return r.error;
  }
  const eventsOf = (change: () => Promise<unknown>) => simEventsOf(sim.admin, change);
  const without = (events: SimEventEntry[], service: string) => events.filter((e) => e.service !== service);
  const phoneConfig = async (userId: number) => (await sim.admin.get(`/users/${userId}/phoneconfig`)).body;
  const restRedirect = async (id: string) => (await sim.admin.get(`/redirects/${encodeURIComponent(id)}`)).body;
  const setting = (list: UciRedirectSetting[], calledNumber: string, type: string) =>
    list.find((s) => s.calledNumber === calledNumber && s.type === type)!;

  describe('phone', () => {
    it('the getters answer the REST 6.7 phone config of the signed-in user; the v22, v30 and v20 names answer the same', async () => {
      const a = await uci(DEMO_USERS.anna);
      const restPhones = (await sim.admin.get(`/users/${ids.anna}/phoneconfig/phones`)).body as { phoneId: number }[];
      const phoneIds = await ok(a, 'getPhoneIds');
      assert.deepEqual(
        phoneIds,
        restPhones.map((p) => String(p.phoneId)),
      );
      assert.equal(phoneIds.length, 1);
      assert.deepEqual(await a.request('ucp.v30.requests.phone.getPhoneIds'), phoneIds);
      assert.deepEqual(await a.request('ucp.v20.server.communication.call.getPhoneIds', []), phoneIds);

      const config = await phoneConfig(ids.anna);
      assert.equal(await ok(a, 'getPrimaryPhoneId'), String(config.primaryPhoneId));
      assert.equal(await ok(a, 'getDisplayNumberId'), String(config.displayNumberId));
      assert.equal(await ok(a, 'getCallWaitingIndication'), config.callWaiting);
      const numbers = await ok(a, 'getAvailableDisplayNumbers');
      const possible = (await sim.admin.get(`/users/${ids.anna}/phonenumberconfig`)).body.possibleSignalnumbers as {
        id: number;
        number: string;
      }[];
      assert.deepEqual(
        numbers.map((n) => [n.id, n.number]),
        possible.map((n) => [String(n.id), n.number]),
      );
      // Her own numbers, then those of her group Support.
      assert.deepEqual(
        numbers.map((n) => `${n.type} ${n.number}`),
        ['INTERNAL 1001', 'EXTERNAL +4930555011', 'INTERNAL 1010', 'EXTERNAL +4930555010'],
      );

      const b = await uci(DEMO_USERS.bernd);
      const berndPhones = await ok(b, 'getPhoneIds');
      assert.equal(berndPhones.length, 1);
      assert.notDeepEqual(berndPhones, phoneIds, 'each user sees their own phones');
      // The admin acts for himself: no phones, no numbers, "" for none.
      const admin = await uci(ADMIN);
      assert.deepEqual(await ok(admin, 'getPhoneIds'), []);
      assert.equal(await ok(admin, 'getPrimaryPhoneId'), '');
      assert.equal(await ok(admin, 'getDisplayNumberId'), '');
      assert.deepEqual(await ok(admin, 'getAvailableDisplayNumbers'), []);
    });

    it('the setters change the REST phone config and publish the same sim.events.phones configUpdated as PUT phoneconfig', async () => {
      const a = await uci(DEMO_USERS.anna);
      const added = await sim.admin.post(`/users/${ids.anna}/phoneconfig/phones`, {
        phoneId: 0,
        phoneName: 'Desk 1001',
        active: true,
        userId: 0,
        isIFMC: false,
      });
      assert.equal(added.status < 300, true, JSON.stringify(added.body));
      const desk = String(added.body.phoneId);
      assert.deepEqual(
        (await ok(a, 'getPhoneIds')).sort(),
        [String((await phoneConfig(ids.anna)).primaryPhoneId), desk].sort(),
      );

      let events = await eventsOf(async () => assert.equal(await ok(a, 'setPrimaryPhoneId', [desk]), true));
      assert.deepEqual(
        events.map((e) => [e.service, e.event, e.data]),
        [[SIM_SERVICES.phones, 'configUpdated', { userId: ids.anna, changed: ['primaryPhoneId'] }]],
      );
      assert.equal((await phoneConfig(ids.anna)).primaryPhoneId, Number(desk));
      assert.equal(await ok(a, 'getPrimaryPhoneId'), desk);

      const group = (await ok(a, 'getAvailableDisplayNumbers')).find((n) => n.number === '1010')!;
      events = await eventsOf(async () =>
        assert.equal(await ok(a, 'setDisplayNumberId', { displayNumberId: group.id }), true),
      );
      assert.deepEqual(
        events.map((e) => e.data.changed),
        [['displayNumberId']],
      );
      assert.equal((await phoneConfig(ids.anna)).displayNumberId, Number(group.id));
      assert.equal(await ok(a, 'getDisplayNumberId'), group.id);

      const viaUci = await eventsOf(async () => assert.equal(await ok(a, 'setCallWaitingIndication', [false]), true));
      assert.equal((await phoneConfig(ids.anna)).callWaiting, false);
      assert.equal(await ok(a, 'getCallWaitingIndication'), false);
      // The same change over REST publishes the same event; UCI reads what REST wrote.
      const viaRest = await eventsOf(async () =>
        assert.equal(
          (
            await sim.admin.put(`/users/${ids.anna}/phoneconfig`, {
              ...(await phoneConfig(ids.anna)),
              callWaiting: true,
            })
          ).status,
          204,
        ),
      );
      assert.deepEqual(
        viaUci.map((e) => [e.service, e.event, e.data]),
        viaRest.map((e) => [e.service, e.event, e.data]),
      );
      assert.equal(await ok(a, 'getCallWaitingIndication'), true);
      // Setting what is set already changes nothing and publishes nothing, as over REST.
      assert.deepEqual(await eventsOf(() => ok(a, 'setCallWaitingIndication', [true])), []);
    });

    it("unknown ids and bad params are clear errors; another user's phone or number is unknown; nothing changes", async () => {
      const a = await uci(DEMO_USERS.anna);
      const before = await phoneConfig(ids.anna);
      const berndBefore = await phoneConfig(ids.bernd);
      const own = await ok(a, 'getPhoneIds');
      const bernds = (await sim.admin.get(`/users/${ids.bernd}/phoneconfig/phones`)).body[0].phoneId as number;
      for (const phoneId of [String(bernds), '999', 'desk']) {
        const e = await refused(a, M.setPrimaryPhoneId, [phoneId]);
        assert.equal(e.code, UCI_ERRORS.notFound);
        assert.match(e.message, new RegExp(`Phone "${phoneId}" is not one of yours; yours: ${own[0]} `));
        assert.match(e.message, /getPhoneIds/);
      }
      const berndNumber = (await sim.admin.get(`/users/${ids.bernd}/phonenumberconfig`)).body
        .primaryExternalNumberId as number;
      const e = await refused(a, M.setDisplayNumberId, [String(berndNumber)]);
      assert.equal(e.code, UCI_ERRORS.notFound);
      assert.match(e.message, /Display number "\d+" is not one of yours; yours: \d+ \(1001\), \d+ \(\+4930555011\)/);
      // A spare number (nobody's) is no display number either.
      const spare = (await sim.admin.get('/phonenumbers?assigned=false')).body[0].id as number;
      assert.equal((await refused(a, M.setDisplayNumberId, [String(spare)])).code, UCI_ERRORS.notFound);

      const bad: [string, unknown, RegExp][] = [
        [M.setPrimaryPhoneId, [], /phoneId/],
        [M.setPrimaryPhoneId, [''], /phoneId/],
        [M.setDisplayNumberId, { id: '1' }, /unknown param\(s\) id/],
        [M.setCallWaitingIndication, ['yes'], /callWaiting/],
        [M.setCallWaitingIndication, [true, false], /at most 1/],
        [M.getPhoneIds, ['x'], /no params/],
      ];
      for (const [method, params, message] of bad) {
        const err = await refused(a, method, params);
        assert.equal(err.code, UCI_ERRORS.invalidParams, `${method} ${JSON.stringify(params)}`);
        assert.match(err.message, message);
      }
      assert.deepEqual(await phoneConfig(ids.anna), before);
      assert.deepEqual(await phoneConfig(ids.bernd), berndBefore);
    });

    it("placeCallWithPhone takes a phone id from getPhoneIds (ringing the registered devices); another user's is refused", async () => {
      const SIP = await loadSipJs();
      const wsUrl = sim.addresses.sipWs;
      const phone = await startPhone(SIP, wsUrl, DEMO_USERS.anna);
      phones.push(phone);
      const a = await uci(DEMO_USERS.anna);
      const [own] = await ok(a, 'getPhoneIds');
      const bernds = String((await sim.admin.get(`/users/${ids.bernd}/phoneconfig/phones`)).body[0].phoneId);

      const e = await refused(a, M.placeCallWithPhone, { destination: '1099', phoneId: bernds });
      assert.equal(e.code, UCI_ERRORS.noPhone);
      assert.match(
        e.message,
        new RegExp(`matches phoneId "${bernds}"; use one of their phone ids \\(${own}, see getPhoneIds\\)`),
      );

      const { callId } = await ok(a, 'placeCallWithPhone', { destination: '1099', phoneId: own });
      assert.ok(callId);
      await until("Anna's registered phone rings", () => phone.invitations.length === 1);
      assert.equal(await ok(a, 'hangupCall', [callId]), true);
    });
  });

  describe('group', () => {
    const loggedIn = (userId: number) =>
      sim.internals.holder!.state.groups.find((g) => g.id === ids.support)!.members.find((m) => m.userId === userId)!
        .loggedIn;

    it("getGroupSettings lists the user's groups with their login; setGroupSetting logs in and out with an event", async () => {
      const a = await uci(DEMO_USERS.anna);
      const support = String(ids.support);
      assert.deepEqual(await ok(a, 'getGroupSettings'), [
        { groupId: support, groupName: 'Support', groupNumber: '1010', active: true },
      ]);
      assert.deepEqual(await ok(await uci(DEMO_USERS.carla), 'getGroupSettings'), [], 'Carla is in no group');

      const events = await eventsOf(async () => assert.equal(await ok(a, 'setGroupSetting', [support, false]), true));
      assert.deepEqual(
        events.map((e) => [e.service, e.event, e.data]),
        [
          [
            SIM_SERVICES.groups,
            'memberLoginChanged',
            { groupId: ids.support, name: 'Support', userId: ids.anna, loggedIn: false },
          ],
        ],
      );
      assert.equal(loggedIn(ids.anna), false);
      assert.equal(loggedIn(ids.bernd), true, "Bernd's login is his own");
      assert.equal((await ok(a, 'getGroupSettings'))[0]!.active, false);
      assert.equal((await ok(await uci(DEMO_USERS.bernd), 'getGroupSettings'))[0]!.active, true);
      // Unchanged: no event.
      assert.deepEqual(await eventsOf(() => ok(a, 'setGroupSetting', { groupId: support, active: false })), []);
      assert.equal(await ok(a, 'setGroupSettings', [[{ groupId: support, active: true }]]), true);
      assert.equal(loggedIn(ids.anna), true);
    });

    it('setGroupSettings checks every entry first: an unknown or foreign group, or one listed twice, changes nothing', async () => {
      const a = await uci(DEMO_USERS.anna);
      const support = String(ids.support);
      let e = await refused(a, M.setGroupSettings, {
        settings: [
          { groupId: support, active: false },
          { groupId: '999', active: false },
        ],
      });
      assert.equal(e.code, UCI_ERRORS.notFound);
      assert.match(
        e.message,
        new RegExp(
          `settings\\.1: "groupId": "999" is not a group you are a member of; yours: ${support} \\(Support\\)`,
        ),
      );
      e = await refused(a, M.setGroupSettings, [
        [
          { groupId: support, active: false },
          { groupId: support, active: true },
        ],
      ]);
      assert.equal(e.code, UCI_ERRORS.invalidParams);
      assert.match(e.message, /settings\.1: "groupId": group \d+ is listed twice/);
      assert.equal(loggedIn(ids.anna), true);

      // Carla is no member of Support: she cannot log Support's members in or out.
      const c = await uci(DEMO_USERS.carla);
      e = await refused(c, M.setGroupSetting, [support, false]);
      assert.equal(e.code, UCI_ERRORS.notFound);
      assert.match(e.message, /you are in no group/);
      // The group id of a user is no group.
      assert.equal((await refused(a, M.setGroupSetting, [String(ids.bernd), false])).code, UCI_ERRORS.notFound);
      for (const [params, message] of [
        [[support], /active/],
        [{ groupId: support, active: 'no' }, /active/],
        [{ settings: [{ groupId: support }] }, /settings\.0\.active/],
      ] as const) {
        const err = await refused(
          a,
          Array.isArray(params) || 'groupId' in params ? M.setGroupSetting : M.setGroupSettings,
          params,
        );
        assert.equal(err.code, UCI_ERRORS.invalidParams);
        assert.match(err.message, message);
      }
      assert.equal(loggedIn(ids.anna), true);
      assert.equal(loggedIn(ids.bernd), true);
    });
  });

  describe('redirect', () => {
    it("getRedirectSettings: the user's numbers and their groups' numbers, as GET /redirects has them", async () => {
      const b = await uci(DEMO_USERS.bernd);
      const list = await ok(b, 'getRedirectSettings');
      const rest = (await (await sim.as(DEMO_USERS.bernd)).get('/redirects')).body as {
        id: string;
        enabled: boolean;
        groupNumber: boolean;
        phoneNumber: string;
        redirectTrigger: { redirectTriggerType: string };
        redirectDestination: { redirectDestinationType: string; phoneNumber?: string; mailboxId?: string };
      }[];
      assert.equal(list.length, 12, '1002, +4930555012, and Support: 1010, +4930555010; three triggers each');
      assert.deepEqual(
        list.map((s) => [s.id, s.calledNumber, s.type, s.groupRedirect, s.enabled]),
        rest.map((r) => [r.id, r.phoneNumber, r.redirectTrigger.redirectTriggerType, r.groupNumber, r.enabled]),
      );
      const boxes = (await sim.admin.get('/voicemailboxes')).body as { id: number; mailboxnumber: string }[];
      const berndsBox = boxes.find((x) => x.mailboxnumber === '9002')!;
      // The demo's disabled BUSY redirect of 1002 to Bernd's mailbox: VOICEMAIL where REST says MAILBOX.
      const busy = setting(list, '1002', 'BUSY');
      assert.equal(busy.enabled, false);
      assert.equal(busy.destinationType, 'VOICEMAIL');
      assert.equal(busy.destination, String(berndsBox.id));
      assert.equal(busy.lastDestinationMailbox, String(berndsBox.id));
      assert.equal(busy.lastDestinationNumber, '');
      assert.deepEqual(busy.mailboxes, [{ id: String(berndsBox.id), name: 'Bernd Brandt', number: '9002' }]);
      const always = setting(list, '+4930555012', 'ALWAYS');
      assert.deepEqual(
        [always.destinationType, always.destination, always.timeout],
        ['PHONENUMBER', '', 20],
        'an unconfigured redirect is a disabled default',
      );
      const group = setting(list, '1010', 'TIMEOUT');
      assert.equal(group.groupRedirect, true);
      assert.deepEqual(group.mailboxes, [], 'Support has no mailbox');
      // Carla: only her own six; the admin: none.
      const carlas = await ok(await uci(DEMO_USERS.carla), 'getRedirectSettings');
      assert.equal(carlas.length, 6);
      assert.ok(carlas.every((s) => !s.groupRedirect));
      assert.deepEqual(await ok(await uci(ADMIN), 'getRedirectSettings'), []);
    });

    it('setRedirectSetting changes the REST redirection with the same sim.events.redirects event; REST changes show over UCI', async () => {
      const a = await uci(DEMO_USERS.anna);
      const always = setting(await ok(a, 'getRedirectSettings'), '1001', 'ALWAYS');
      const viaUci = await eventsOf(async () =>
        assert.equal(await ok(a, 'setRedirectSetting', [{ id: always.id, enabled: true, destination: '1003' }]), true),
      );
      const r = await restRedirect(always.id);
      assert.equal(r.enabled, true);
      assert.deepEqual(r.redirectDestination, { redirectDestinationType: 'PHONENUMBER', phoneNumber: '1003' });
      const updated = setting(await ok(a, 'getRedirectSettings'), '1001', 'ALWAYS');
      assert.deepEqual(
        [updated.id, updated.enabled, updated.destination, updated.lastDestinationNumber],
        [always.id, true, '1003', '1003'],
      );

      const annaRest = await sim.as(DEMO_USERS.anna);
      const viaRest = await eventsOf(async () =>
        assert.equal((await annaRest.put(`/redirects/${always.id}`, { ...r, enabled: false })).status, 204),
      );
      const shape = (events: SimEventEntry[]) =>
        without(events, USER_STATE_SERVICE).map((e) => [e.service, e.event, { ...e.data, enabled: null }]);
      assert.deepEqual(shape(viaUci), shape(viaRest));
      assert.deepEqual(shape(viaUci), [
        [
          SIM_SERVICES.redirects,
          'updated',
          {
            redirectId: always.id,
            accountId: ids.anna,
            phoneNumberId: (await sim.admin.get(`/users/${ids.anna}/phonenumberconfig`)).body.primaryInternalNumberId,
            trigger: 'ALWAYS',
            enabled: null,
          },
        ],
      ]);
      assert.equal(setting(await ok(a, 'getRedirectSettings'), '1001', 'ALWAYS').enabled, false);
    });

    it("VOICEMAIL goes to one of the setting's mailboxes; timeout is kept; switching back takes the last number", async () => {
      const b = await uci(DEMO_USERS.bernd);
      const timeout = setting(await ok(b, 'getRedirectSettings'), '1002', 'TIMEOUT');
      const box = timeout.mailboxes[0]!;
      assert.equal(
        await ok(b, 'setRedirectSetting', [{ id: timeout.id, enabled: true, destination: '0301234567', timeout: 35 }]),
        true,
      );
      assert.equal(
        await ok(b, 'setRedirectSetting', [{ id: timeout.id, destinationType: 'VOICEMAIL', destination: box.id }]),
        true,
      );
      const rest = await restRedirect(timeout.id);
      assert.deepEqual(rest.redirectDestination, { redirectDestinationType: 'MAILBOX', mailboxId: box.id });
      assert.equal(rest.enabled, true, 'left out: unchanged');
      let now = setting(await ok(b, 'getRedirectSettings'), '1002', 'TIMEOUT');
      assert.deepEqual(
        [now.destinationType, now.destination, now.timeout, now.lastDestinationNumber, now.lastDestinationMailbox],
        ['VOICEMAIL', box.id, 35, '0301234567', box.id],
      );
      assert.equal(sim.internals.holder!.state.redirects.find((x) => x.id === timeout.id)!.delaySeconds, 35);
      // Back to a number without naming one: the last number used.
      assert.equal(await ok(b, 'setRedirectSetting', [{ id: timeout.id, destinationType: 'PHONENUMBER' }]), true);
      now = setting(await ok(b, 'getRedirectSettings'), '1002', 'TIMEOUT');
      assert.deepEqual([now.destinationType, now.destination, now.timeout], ['PHONENUMBER', '0301234567', 35]);
      // What getRedirectSettings gave is accepted back whole (its extra members are ignored).
      assert.equal(await ok(b, 'setRedirectSetting', [{ ...now, enabled: false }]), true);
      assert.equal((await restRedirect(timeout.id)).enabled, false);
    });

    it('bad destinations, foreign mailboxes, unknown ids and missing rights are clear errors that change nothing', async () => {
      const a = await uci(DEMO_USERS.anna);
      const list = await ok(a, 'getRedirectSettings');
      const busy = setting(list, '1001', 'BUSY');
      const before = await restRedirect(busy.id);
      const bernds = setting(await ok(await uci(DEMO_USERS.bernd), 'getRedirectSettings'), '1002', 'BUSY');
      const cases: [unknown, number, RegExp][] = [
        [
          { id: busy.id, enabled: true, destination: 'call me' },
          UCI_ERRORS.invalidParams,
          /^"destination": must be a phone number/,
        ],
        [
          { id: busy.id, enabled: true, destination: '' },
          UCI_ERRORS.invalidParams,
          /^"destination": an enabled redirect needs a number/,
        ],
        [
          { id: busy.id, enabled: true, destination: '1001' },
          UCI_ERRORS.invalidParams,
          /^"destination": 1001 is the redirected number itself/,
        ],
        // Bernd's mailbox is not one Anna may redirect to.
        [
          { id: busy.id, destinationType: 'VOICEMAIL', destination: bernds.destination },
          UCI_ERRORS.notFound,
          new RegExp(
            `"destination": "${bernds.destination}" is no mailbox of this redirect; its mailboxes: ${busy.mailboxes[0]!.id} \\(Anna Albers\\)`,
          ),
        ],
        [
          { id: busy.id, destinationType: 'VOICEMAIL', destination: '' },
          UCI_ERRORS.invalidParams,
          /needs a mailbox id/,
        ],
        // Bernd's redirect is not Anna's: unknown to her.
        [
          { id: bernds.id, enabled: true },
          UCI_ERRORS.notFound,
          /is not one of your redirect settings; yours: .*getRedirectSettings/,
        ],
        [{ id: 'nope' }, UCI_ERRORS.notFound, /"id": "nope" is not one of your redirect settings/],
      ];
      for (const [input, code, message] of cases) {
        const e = await refused(a, M.setRedirectSetting, [input]);
        assert.equal(e.code, code, `${JSON.stringify(input)}: ${e.message}`);
        assert.match(e.message, message);
      }
      for (const [params, message] of [
        [[{ id: busy.id, enabled: 'yes' }], /setting\.enabled/],
        [[{ id: busy.id, destinationType: 'MAILBOX' }], /setting\.destinationType/],
        [[{ id: busy.id, timeout: -1 }], /setting\.timeout/],
        [[{ enabled: true }], /setting\.id/],
        [{ settings: { id: busy.id } }, /settings/],
      ] as const) {
        const method = 'settings' in params ? M.setRedirectSettings : M.setRedirectSetting;
        const e = await refused(a, method, params);
        assert.equal(e.code, UCI_ERRORS.invalidParams);
        assert.match(e.message, message);
      }
      assert.deepEqual(await restRedirect(busy.id), before);
      assert.equal((await restRedirect(bernds.id)).enabled, false);

      // A group's redirect needs "Gruppe umleiten", as over REST.
      const group = setting(list, '1010', 'ALWAYS');
      const change = [{ id: group.id, enabled: true, destination: '1003' }];
      const e = await refused(a, M.setRedirectSetting, change);
      assert.equal(e.code, UCI_ERRORS.forbidden);
      assert.match(e.message, /group_redirect_perm/);
      const perms = (await sim.admin.get(`/permissions/users/${ids.anna}`)).body as { id: number }[];
      const groupRedirect = RIGHTS.find((r) => r.permission === 'group_redirect_perm')!.id;
      const granted = await sim.admin.put(`/permissions/users/${ids.anna}`, [...perms.map((p) => p.id), groupRedirect]);
      assert.ok(granted.status < 300);
      assert.equal(await ok(a, 'setRedirectSetting', change), true);
      const r = await restRedirect(group.id);
      assert.deepEqual([r.enabled, r.groupNumber], [true, true]);
      assert.equal(
        setting(await ok(await uci(DEMO_USERS.bernd), 'getRedirectSettings'), '1010', 'ALWAYS').enabled,
        true,
        'Bernd sees the group change',
      );
    });

    it('setRedirectSettings is all or nothing', async () => {
      const a = await uci(DEMO_USERS.anna);
      const list = await ok(a, 'getRedirectSettings');
      const busy = setting(list, '1001', 'BUSY');
      const timeout = setting(list, '+4930555011', 'TIMEOUT');
      const before = [await restRedirect(busy.id), await restRedirect(timeout.id)];
      // The second one breaks a REST rule only found while applying: the first one is rolled back.
      let e = await refused(a, M.setRedirectSettings, [
        [
          { id: busy.id, enabled: true, destination: '1003' },
          { id: timeout.id, enabled: true, destination: '+4930555011' },
        ],
      ]);
      assert.equal(e.code, UCI_ERRORS.invalidParams);
      assert.match(e.message, /^settings\.1: "destination": \+4930555011 is the redirected number itself/);
      e = await refused(a, M.setRedirectSettings, {
        settings: [
          { id: busy.id, enabled: true, destination: '1003' },
          { id: busy.id, enabled: false },
        ],
      });
      assert.match(e.message, /settings\.1: "id": .* is listed twice/);
      assert.deepEqual([await restRedirect(busy.id), await restRedirect(timeout.id)], before);

      const events = await eventsOf(async () =>
        assert.equal(
          await ok(a, 'setRedirectSettings', [
            [
              { id: busy.id, enabled: true, destination: '1003' },
              { id: timeout.id, enabled: true, destination: '1002', timeout: 15 },
            ],
          ]),
          true,
        ),
      );
      assert.deepEqual(
        events.map((e) => [e.service, e.event, e.data.redirectId]),
        [
          [SIM_SERVICES.redirects, 'updated', busy.id],
          [SIM_SERVICES.redirects, 'updated', timeout.id],
        ],
      );
      assert.equal((await restRedirect(busy.id)).enabled, true);
      assert.equal((await restRedirect(timeout.id)).redirectDestination.phoneNumber, '1002');
      assert.equal(await ok(a, 'setRedirectSettings', [[]]), true);
    });

    it('a change that flips redirectAlwaysActive is a userState event, over UCI and over REST; other changes are not', async () => {
      const a = await uci(DEMO_USERS.anna);
      await a.request(M.subscribeEvents, { services: [USER_STATE_SERVICE] });
      const states = () => a.notifications.filter((n) => n.params.service === USER_STATE_SERVICE);
      const annaState = (active: boolean) => (n: Notification) =>
        n.params.service === USER_STATE_SERVICE &&
        n.params.data.login === '1001' &&
        n.params.data.redirectAlwaysActive === active;
      const list = await ok(a, 'getRedirectSettings');
      const always = setting(list, '1001', 'ALWAYS');
      const always2 = setting(list, '+4930555011', 'ALWAYS');
      const busy = setting(list, '1001', 'BUSY');

      // Not an ALWAYS redirect: no userState event (the flip that follows is the first one).
      await ok(a, 'setRedirectSetting', [{ id: busy.id, enabled: true, destination: '1003' }]);
      await ok(a, 'setRedirectSetting', [{ id: always.id, enabled: true, destination: '1003' }]);
      await a.waitFor(annaState(true));
      assert.equal(states().length, 1);
      assert.equal((await ok(a, 'getUserState')).redirectAlwaysActive, true);
      // A second ALWAYS redirect enabled: still active, no event; then over REST both off: one event.
      await ok(a, 'setRedirectSetting', [{ id: always2.id, enabled: true, destination: '1002' }]);
      const annaRest = await sim.as(DEMO_USERS.anna);
      for (const id of [always.id, always2.id])
        assert.equal(
          (await annaRest.put(`/redirects/${id}`, { ...(await restRedirect(id)), enabled: false })).status,
          204,
        );
      await a.waitFor(annaState(false));
      assert.equal(states().length, 2);
      // Both on in one setRedirectSettings: one event.
      await ok(a, 'setRedirectSettings', [
        [
          { id: always.id, enabled: true },
          { id: always2.id, enabled: true },
        ],
      ]);
      await a.waitFor((n) => annaState(true)(n) && n.params.seq > states()[1]!.params.seq);
      // Bernd's flip is his userState: an administrator's subscription sees it, Anna's does not (she sees her own).
      const watcher = await uci(ADMIN);
      await watcher.request(M.subscribeEvents, { services: [USER_STATE_SERVICE] });
      const berndAlways = setting(await ok(await uci(DEMO_USERS.bernd), 'getRedirectSettings'), '1002', 'ALWAYS');
      const berndRest = await sim.as(DEMO_USERS.bernd);
      const r = await restRedirect(berndAlways.id);
      await berndRest.put(`/redirects/${berndAlways.id}`, {
        ...r,
        enabled: true,
        redirectDestination: { redirectDestinationType: 'PHONENUMBER', phoneNumber: '1001' },
      });
      const bernd = await watcher.waitFor(
        (n) => n.params.service === USER_STATE_SERVICE && n.params.data.login === '1002',
      );
      assert.equal(bernd.params.data.redirectAlwaysActive, true);
      assert.equal(states().length, 3);
      assert.ok(states().every((n) => n.params.data.login === '1001'));
      assert.equal(states().filter((n) => n.params.data.login === '1001').length, 3);
    });
  });

  describe('over XML-RPC', () => {
    /** A plain XML-RPC client on /xml-rpc, signed in with the UCI token in the query, logged in. */
    async function xmlRpc(user: User): Promise<XmlRpcClient> {
      const q = new URLSearchParams({ [UCI_XMLRPC_PARAMS.auth]: uciToken(user.login, user.password) });
      const client = new XmlRpcClient(`${sim.addresses.xmlRpc}?${q}`);
      assert.equal(await client.methodCall(M.login, []), true);
      return client;
    }
    async function fault(p: Promise<XmlRpcValue>): Promise<{ faultCode: number; faultString: string }> {
      try {
        await p;
      } catch (err) {
        const f = err as { faultCode?: number; faultString?: string };
        if (f.faultCode === undefined) throw err;
        return { faultCode: f.faultCode, faultString: f.faultString ?? '' };
      }
      throw new Error('expected an XML-RPC fault, got a result');
    }

    it('the same methods answer the same over XML-RPC, under the v22, v30 and v20 names', async () => {
      const x = await xmlRpc(DEMO_USERS.anna);
      const a = await uci(DEMO_USERS.anna);
      const phoneIds = UCI_XMLRPC_RESULTS.getPhoneIds.parse(await x.methodCall(M.getPhoneIds, []));
      assert.deepEqual(phoneIds, await ok(a, 'getPhoneIds'));
      assert.deepEqual(await x.methodCall('ucp.v30.requests.phone.getPhoneIds', []), phoneIds);
      assert.deepEqual(await x.methodCall('ucp.v20.server.communication.call.getPhoneIds', []), phoneIds);
      assert.deepEqual(
        UCI_XMLRPC_RESULTS.getAvailableDisplayNumbers.parse(await x.methodCall(M.getAvailableDisplayNumbers, [])),
        await ok(a, 'getAvailableDisplayNumbers'),
      );
      assert.equal(await x.methodCall(M.setCallWaitingIndication, [false]), true);
      assert.equal((await phoneConfig(ids.anna)).callWaiting, false);
      assert.equal(await x.methodCall(M.getCallWaitingIndication, []), false);

      const groups = UCI_XMLRPC_RESULTS.getGroupSettings.parse(await x.methodCall(M.getGroupSettings, []));
      assert.equal(await x.methodCall(M.setGroupSetting, [groups[0]!.groupId, false]), true);
      assert.equal((await ok(a, 'getGroupSettings'))[0]!.active, false);

      const redirects = UCI_XMLRPC_RESULTS.getRedirectSettings.parse(await x.methodCall(M.getRedirectSettings, []));
      assert.deepEqual(redirects, await ok(a, 'getRedirectSettings'));
      const timeout = setting(redirects, '1001', 'TIMEOUT');
      assert.equal(
        await x.methodCall(M.setRedirectSetting, [{ id: timeout.id, enabled: true, destination: '1002', timeout: 25 }]),
        true,
      );
      const now = setting(await ok(a, 'getRedirectSettings'), '1001', 'TIMEOUT');
      assert.deepEqual([now.enabled, now.destination, now.timeout], [true, '1002', 25]);
      assert.equal(await x.methodCall(M.setRedirectSettings, [[{ id: timeout.id, enabled: false }]]), true);
      assert.equal((await restRedirect(timeout.id)).enabled, false);

      let f = await fault(x.methodCall(M.setPrimaryPhoneId, ['999']));
      assert.equal(f.faultCode, UCI_ERRORS.notFound);
      assert.match(f.faultString, new RegExp(`Phone "999" is not one of yours; yours: ${phoneIds[0]}`));
      f = await fault(x.methodCall(M.setGroupSetting, [groups[0]!.groupId]));
      assert.equal(f.faultCode, UCI_ERRORS.invalidParams);
      assert.match(f.faultString, /active/);
    });
  });
});
