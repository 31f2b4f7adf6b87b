/**
 * The UCI services functionKey and voicemailList against the real simulator: over the WebSocket (JSON-RPC) and a
 * few raw XML-RPC POSTs. Every answer is checked against the contract's result schema; pressing keys changes
 * the PBX as REST 6.7 then shows it, with the same sim.events; a busy lamp key places a real click-to-dial call
 * from a registered sip.js phone.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deserializer, serializeMethodCall, type XmlRpcValue } from '@foxglove/xmlrpc';
import { uciToken } from '../../shared/hashes.js';
import { CALL_EVENT_SERVICE } from '../../shared/schemas/calls.js';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import {
  UCI_ERRORS,
  UCI_METHODS as M,
  UCI_RESULTS,
  USER_STATE_SERVICE,
  type UciMethodKey,
} from '../../shared/schemas/uci.js';
import { UCI_XMLRPC_PARAMS } from '../../shared/schemas/uciXmlRpc.js';
import { demoScenario } from '../../simulator/src/scenarios/builtin.js';
import { cleanUp, each } from '../support/cleanup.js';
import { DEMO_USERS, startSim, type RestClient, type RunningSim } from '../support/rest.js';
import { eventsOf } from '../support/simEvents.js';
import { loadSipJs, startPhone, stopPhones, until, type Phone, type SipModule } from '../support/sipjs.js';
import { UciClient, type Notification } from '../support/uci-client.js';

// Demo ids: Anna 2, Bernd 3, Carla 4, the group Support 5. Anna's set "1": keys "1" (busy lamp Bernd), "2" (busy
// lamp Carla), "3" (quick dial 1099, the Demo Hotline), "4" (DND).
const ANNA = 2;
const BERND = 3;
const SUPPORT = 5;
const KEY = { blfBernd: '1', blfCarla: '2', hotline: '3', dnd: '4' };
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/**
 * The demo with more voicemail: Anna's box 9001 has three messages (one heard), Bernd's 9002 one, and the group
 * Support (Anna, Bernd) a box 9010 with one.
 */
function scenarioFile(dir: string): string {
  const s = demoScenario();
  const boxes = s.voicemailboxes!;
  boxes[0]!.messages!.push(
    { caller: '1002', receivedAt: '2025-01-07T10:00:00.000Z', durationSeconds: 30, read: true },
    { caller: '+491701234567', receivedAt: '2025-01-05T08:00:00.000Z', durationSeconds: 5, read: false },
  );
  boxes[1]!.messages = [{ caller: '1001', receivedAt: '2025-01-04T07:00:00.000Z', durationSeconds: 3, read: false }];
  boxes.push({
    name: 'Support',
    number: '9010',
    groups: [{ name: 'Support', sendMail: false }],
    messages: [{ caller: '1003', receivedAt: '2025-01-08T12:00:00.000Z', durationSeconds: 7, read: false }],
  });
  const file = join(dir, 'uci-keys-voicemail.json');
  writeFileSync(file, JSON.stringify(s));
  return file;
}

/** The result, checked against the contract's schema for the method. */
function checked<K extends UciMethodKey>(key: K, value: unknown) {
  const parsed = UCI_RESULTS[key].safeParse(value);
  assert.ok(parsed.success, `${key} answers its schema: ${parsed.error?.message} in ${JSON.stringify(value)}`);
  return parsed.data as any;
}

/** getVoicemailList over JSON-RPC: startTime is an ISO string there; checked as the Date the schema has. */
function checkedJsonPage(value: any) {
  for (const e of value.entries) assert.match(e.startTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  checked('getVoicemailList', {
    ...value,
    entries: value.entries.map((e: any) => ({ ...e, startTime: new Date(e.startTime) })),
  });
  return value;
}

describe('simulator: UCI function keys and voicemail list', function () {
  this.timeout(30_000);
  let dir: string;
  let scenario: string;
  let sim: RunningSim;
  let anna: RestClient;
  let clients: UciClient[];
  let phones: Phone[];
  let SIP: SipModule;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'uci-keys-'));
    scenario = scenarioFile(dir);
    SIP = await loadSipJs();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    sim = await startSim({ scenario });
    anna = await sim.as(DEMO_USERS.anna);
    clients = [];
    phones = [];
  });
  afterEach(() =>
    cleanUp(
      each(clients, (c) => c.ws.terminate()),
      () => stopPhones(phones),
      () => sim?.stop(),
    ),
  );

  async function uci(user: { login: string; password: string }, services?: string[]): Promise<UciClient> {
    const c = await UciClient.as(sim.addresses.uci, user);
    clients.push(c);
    if (services) await c.request(M.subscribeEvents, { services });
    return c;
  }

  /** The RPC error of a call that must fail. */
  async function rpcError(c: UciClient, method: string, params?: unknown): Promise<{ code: number; message: string }> {
    const r = await c.call(method, params);
    assert.ok(r.error, `${method} fails; answered ${JSON.stringify(r.result)}`);
    return r.error;
  }

  /** A new key in Anna's set "1" over REST; answers its id. */
  async function annaKey(body: Record<string, unknown>): Promise<string> {
    const r = await anna.post('/functionkeysets/1', { name: 'Key', ...body });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  }

  /** Anna's redirections over REST, by `<number>-<trigger>`. */
  async function annaRedirects(): Promise<Map<string, any>> {
    const r = await anna.get('/redirects');
    assert.equal(r.status, 200);
    return new Map(r.body.map((x: any) => [`${x.phoneNumber}-${x.redirectTrigger.redirectTriggerType}`, x]));
  }

  describe('functionKey', () => {
    it("getFunctionKeys: the user's keys with the UCI type, the number and the watched user and their avatar hash", async () => {
      const a = await uci(DEMO_USERS.anna);
      let keys = checked('getFunctionKeys', await a.request(M.getFunctionKeys));
      assert.deepEqual(keys, [
        {
          id: '1',
          name: 'Bernd',
          type: 'BUSY_LAMP_FIELD',
          position: 0,
          keySetId: '1',
          number: '1002',
          accountId: String(BERND),
          imageHash: '',
        },
        {
          id: '2',
          name: 'Carla',
          type: 'BUSY_LAMP_FIELD',
          position: 1,
          keySetId: '1',
          number: '1003',
          accountId: '4',
          imageHash: '',
        },
        {
          id: '3',
          name: 'Hotline',
          type: 'QUICKDIAL',
          position: 2,
          keySetId: '1',
          number: '1099',
          accountId: '',
          imageHash: '',
        },
        {
          id: '4',
          name: 'DND',
          type: 'DONOTDISTURB',
          position: 3,
          keySetId: '1',
          number: '',
          accountId: '',
          imageHash: '',
        },
      ]);

      // Bernd sets an avatar over REST: the key watching him shows its hash, and getImageForKey the picture.
      const bernd = await sim.as(DEMO_USERS.bernd);
      const put = await fetch(`${bernd.base}/users/${BERND}/avatar`, {
        method: 'PUT',
        headers: { 'Content-Type': 'image/png', 'X-Version': '2', authToken: bernd.token! },
        body: new Uint8Array(PNG),
      });
      assert.equal(put.status, 204);
      keys = checked('getFunctionKeys', await a.request(M.getFunctionKeys));
      assert.equal(keys[0].imageHash, createHash('sha1').update(PNG).digest('hex'));
      assert.equal(keys[1].imageHash, '');
      assert.equal(
        checked('getImageForKey', await a.request(M.getImageForKey, [KEY.blfBernd])),
        PNG.toString('base64'),
      );
      assert.equal(checked('getImageForKey', await a.request(M.getImageForKey, [KEY.blfCarla])), '', 'no avatar');
      assert.equal(checked('getImageForKey', await a.request(M.getImageForKey, [KEY.dnd])), '', 'nobody behind it');

      // Keys of other types carry what they dial; Bernd has no keys at all.
      const forward = await annaKey({ functionKeyType: 'FORWARD', forwardType: 'BUSY', position: 10 });
      const dtmf = await annaKey({ functionKeyType: 'PHONEDTMF', dtmf: '*21#', position: 11 });
      keys = checked('getFunctionKeys', await a.request(M.getFunctionKeys));
      assert.deepEqual(
        keys.filter((k: any) => [forward, dtmf].includes(k.id)).map((k: any) => [k.type, k.number, k.position]),
        [
          ['FORWARD', '', 10],
          ['PHONEDTMF', '*21#', 11],
        ],
      );
      const b = await uci(DEMO_USERS.bernd);
      assert.deepEqual(checked('getFunctionKeys', await b.request(M.getFunctionKeys)), []);
    });

    it('getContactInfoForKey: the watched user with presence; a quick dial to a user too; other keys are refused', async () => {
      const a = await uci(DEMO_USERS.anna);
      const b = await uci(DEMO_USERS.bernd);
      assert.deepEqual(checked('getContactInfoForKey', await a.request(M.getContactInfoForKey, [KEY.blfBernd])), {
        accountId: String(BERND),
        login: '1002',
        firstName: 'Bernd',
        familyName: 'Brandt',
        number: '1002',
        chatPresence: 'AVAILABLE',
        telephonyState: 'AVAILABLE',
        avatarHash: '',
      });
      await b.request(M.setDoNotDisturbSetting, [true]);
      const info = checked('getContactInfoForKey', await a.request(M.getContactInfoForKey, { functionKeyId: '1' }));
      assert.equal(info.chatPresence, 'DO_NOT_DISTURB');

      const quick = await annaKey({ functionKeyType: 'QUICKDIAL', directCallTargetnumber: '1003', position: 12 });
      assert.equal(checked('getContactInfoForKey', await a.request(M.getContactInfoForKey, [quick])).login, '1003');
      for (const key of [KEY.hotline, KEY.dnd]) {
        const err = await rpcError(a, M.getContactInfoForKey, [key]);
        assert.equal(err.code, UCI_ERRORS.refused);
        assert.match(err.message, /is a (QUICKDIAL|DONOTDISTURB) key; getContactInfoForKey works on BUSY_LAMP_FIELD/);
      }
    });

    it("unknown ids and other users' keys are notFound for every method; a missing id is invalidParams", async () => {
      const a = await uci(DEMO_USERS.anna);
      const b = await uci(DEMO_USERS.bernd);
      const methods = [
        M.getCallInfoForKey,
        M.getContactInfoForKey,
        M.getImageForKey,
        M.getRedirectSettingsForKey,
        M.pressKey,
      ];
      for (const method of methods) {
        for (const [c, id] of [
          [a, '999'],
          [b, KEY.blfBernd],
          [b, KEY.dnd],
        ] as const) {
          const err = await rpcError(c, method, [id]);
          assert.equal(err.code, UCI_ERRORS.notFound, `${method} ${id}`);
          assert.match(err.message, new RegExp(`No function key "${id}" among yours`));
        }
        assert.equal((await rpcError(a, method, [])).code, UCI_ERRORS.invalidParams);
        assert.equal((await rpcError(a, method, { keyId: '1' })).code, UCI_ERRORS.invalidParams);
      }
      // Bernd's press of Anna's DND key changed nothing.
      assert.equal((await anna.get(`/users/${ANNA}/phoneconfig`)).body.doNotDisturb, false);
      const err = await rpcError(a, M.getCallInfoForKey, [KEY.hotline]);
      assert.equal(err.code, UCI_ERRORS.refused);
      assert.match(err.message, /QUICKDIAL key; getCallInfoForKey works on BUSY_LAMP_FIELD keys/);
    });

    it('pressKey DONOTDISTURB toggles DND: REST phoneconfig shows it, each press publishes a userState event', async () => {
      const a = await uci(DEMO_USERS.anna, [USER_STATE_SERVICE]);
      const userStates = () =>
        a.notifications.filter((n) => n.params.service === USER_STATE_SERVICE && n.params.data.userId === ANNA);
      assert.equal(checked('pressKey', await a.request(M.pressKey, [KEY.dnd])), true);
      assert.equal((await anna.get(`/users/${ANNA}/phoneconfig`)).body.doNotDisturb, true);
      await a.waitFor(() => userStates().length === 1);
      assert.equal(userStates()[0]!.params.data.chatPresence, 'DO_NOT_DISTURB');
      assert.equal((await a.request(M.getUserState)).doNotDisturb, true);

      assert.equal(await a.request(M.pressKey, { functionKeyId: KEY.dnd }), true);
      assert.equal((await anna.get(`/users/${ANNA}/phoneconfig`)).body.doNotDisturb, false);
      await a.waitFor(() => userStates().length === 2);
      assert.equal(userStates()[1]!.params.data.doNotDisturb, false);
    });

    it("pressKey GROUPLOGIN logs out of the key's groups and in again, with the groups' memberLoginChanged events", async () => {
      const a = await uci(DEMO_USERS.anna);
      const key = await annaKey({ functionKeyType: 'GROUPLOGIN', groupIds: [SUPPORT], position: 10 });
      const member = () =>
        sim.internals.holder!.state.groups.find((g) => g.id === SUPPORT)!.members.find((m) => m.userId === ANNA)!;
      assert.equal(member().loggedIn, true);
      let events = await eventsOf(sim.admin, async () => assert.equal(await a.request(M.pressKey, [key]), true));
      assert.deepEqual(
        events.map((e) => [e.service, e.event, e.data]),
        [
          [
            SIM_SERVICES.groups,
            'memberLoginChanged',
            { groupId: SUPPORT, name: 'Support', userId: ANNA, loggedIn: false },
          ],
        ],
      );
      assert.equal(member().loggedIn, false);
      events = await eventsOf(sim.admin, () => a.request(M.pressKey, [key]));
      assert.deepEqual(
        events.map((e) => e.data.loggedIn),
        [true],
      );
      assert.equal(member().loggedIn, true);

      // Out of the group (REST), the key has nothing left to do.
      const group = (await sim.admin.get(`/groups/${SUPPORT}`)).body;
      const users = group.assignableUsers.map((u: any) => ({ ...u, assigned: u.id === BERND }));
      assert.equal((await sim.admin.put('/groups', { ...group, assignableUsers: users })).status < 300, true);
      const err = await rpcError(a, M.pressKey, [key]);
      assert.equal(err.code, UCI_ERRORS.refused);
      assert.match(err.message, /of which you are no member any more/);
    });

    it('pressKey FORWARD switches its trigger on all her numbers, all or none; REST and getRedirectSettingsForKey show it', async () => {
      const a = await uci(DEMO_USERS.anna);
      const key = await annaKey({ functionKeyType: 'FORWARD', forwardType: 'BUSY', position: 10 });
      const before = await annaRedirects();
      const internal = before.get('1001-BUSY');
      const external = before.get('+4930555011-BUSY');

      // Neither has a destination yet: refused, nothing changes.
      let err = await rpcError(a, M.pressKey, [key]);
      assert.equal(err.code, UCI_ERRORS.refused);
      assert.match(err.message, /has no destination yet; set one first/);
      // One has one now: still refused for the other, and the first stays off (all or nothing).
      const toMailbox = { redirectDestinationType: 'MAILBOX', mailboxId: '1' };
      const put = await anna.put(`/redirects/${internal.id}`, {
        ...internal,
        enabled: false,
        redirectDestination: toMailbox,
      });
      assert.equal(put.status < 300, true, JSON.stringify(put.body));
      err = await rpcError(a, M.pressKey, [key]);
      assert.equal(err.code, UCI_ERRORS.refused);
      assert.equal((await annaRedirects()).get('1001-BUSY').enabled, false);
      const put2 = await anna.put(`/redirects/${external.id}`, {
        ...external,
        enabled: false,
        redirectDestination: { redirectDestinationType: 'PHONENUMBER', phoneNumber: '1003' },
      });
      assert.equal(put2.status < 300, true, JSON.stringify(put2.body));

      const events = await eventsOf(sim.admin, () => a.request(M.pressKey, [key]));
      assert.deepEqual(
        events.map((e) => [e.service, e.event, e.data.trigger, e.data.enabled]),
        [
          [SIM_SERVICES.redirects, 'updated', 'BUSY', true],
          [SIM_SERVICES.redirects, 'updated', 'BUSY', true],
        ],
      );
      let now = await annaRedirects();
      assert.equal(now.get('1001-BUSY').enabled, true);
      assert.deepEqual(now.get('1001-BUSY').redirectDestination, toMailbox);
      assert.equal(now.get('+4930555011-BUSY').enabled, true);
      assert.equal(now.get('1001-ALWAYS').enabled, false, 'other triggers stay');
      assert.equal(now.get('1010-BUSY').enabled, false, "the group's numbers stay");

      const settings = checked('getRedirectSettingsForKey', await a.request(M.getRedirectSettingsForKey, [key]));
      assert.deepEqual(settings, [
        {
          id: internal.id,
          type: 'BUSY',
          calledNumber: '1001',
          groupRedirect: false,
          enabled: true,
          destinationType: 'VOICEMAIL',
          destination: '1',
          lastDestinationNumber: '',
          lastDestinationMailbox: '1',
          timeout: 20,
          // Her own numbers may go to the boxes that name her (the group's box is for the group's numbers).
          mailboxes: [{ id: '1', name: 'Anna Albers', number: '9001' }],
        },
        {
          id: external.id,
          type: 'BUSY',
          calledNumber: '+4930555011',
          groupRedirect: false,
          enabled: true,
          destinationType: 'PHONENUMBER',
          destination: '1003',
          lastDestinationNumber: '1003',
          lastDestinationMailbox: '',
          timeout: 20,
          // Her own numbers may go to the boxes that name her (the group's box is for the group's numbers).
          mailboxes: [{ id: '1', name: 'Anna Albers', number: '9001' }],
        },
      ]);

      // Pressed again: both off, destinations kept.
      assert.equal(await a.request(M.pressKey, [key]), true);
      now = await annaRedirects();
      assert.equal(now.get('1001-BUSY').enabled, false);
      assert.deepEqual(now.get('1001-BUSY').redirectDestination, toMailbox);
      assert.equal(now.get('+4930555011-BUSY').enabled, false);
      for (const k of [KEY.dnd, KEY.blfBernd]) {
        const e = await rpcError(a, M.getRedirectSettingsForKey, [k]);
        assert.equal(e.code, UCI_ERRORS.refused);
        assert.match(e.message, /works on FORWARD and FORWARDNUMBER keys/);
      }
    });

    it('pressKey FORWARDNUMBER switches the unconditional redirect of its numbers; a group number needs the group right', async () => {
      const a = await uci(DEMO_USERS.anna);
      const redirects = await annaRedirects();
      const always = redirects.get('1001-ALWAYS');
      const numberId = Number(always.id.split('-')[0]);
      assert.equal(
        (
          await anna.put(`/redirects/${always.id}`, {
            ...always,
            enabled: false,
            redirectDestination: { redirectDestinationType: 'PHONENUMBER', phoneNumber: '1003' },
          })
        ).status < 300,
        true,
      );
      const key = await annaKey({ functionKeyType: 'FORWARDNUMBER', redirectNumberIds: [numberId], position: 10 });
      const listed = checked('getFunctionKeys', await a.request(M.getFunctionKeys)).find((k: any) => k.id === key);
      assert.equal(listed.number, '1001');

      assert.equal(await a.request(M.pressKey, [key]), true);
      assert.equal((await annaRedirects()).get('1001-ALWAYS').enabled, true);
      assert.equal((await a.request(M.getUserState)).redirectAlwaysActive, true);
      const [setting] = checked('getRedirectSettingsForKey', await a.request(M.getRedirectSettingsForKey, [key]));
      assert.equal(setting.enabled, true);
      assert.equal(setting.type, 'ALWAYS');
      assert.equal(setting.destination, '1003');
      assert.equal(await a.request(M.pressKey, [key]), true);
      assert.equal((await annaRedirects()).get('1001-ALWAYS').enabled, false);

      // The group's number 1010: Anna lacks "Gruppe umleiten", as REST PUT /redirects would tell her.
      const groupAlways = redirects.get('1010-ALWAYS');
      const groupKey = await annaKey({
        functionKeyType: 'FORWARDNUMBER',
        redirectNumberIds: [Number(groupAlways.id.split('-')[0])],
        position: 11,
      });
      const [groupSetting] = checked(
        'getRedirectSettingsForKey',
        await a.request(M.getRedirectSettingsForKey, [groupKey]),
      );
      assert.equal(groupSetting.groupRedirect, true);
      const err = await rpcError(a, M.pressKey, [groupKey]);
      assert.equal(err.code, UCI_ERRORS.forbidden);
      assert.match(err.message, /needs the right "Gruppe umleiten" \(group_redirect_perm\)/);
      assert.equal((await annaRedirects()).get('1010-ALWAYS').enabled, false);
    });

    it('pressKey on a key acting on the phone itself is refused naming its type; a quick dial without a phone is noPhone', async () => {
      const a = await uci(DEMO_USERS.anna);
      for (const [position, type, fields] of [
        [20, 'PHONEDTMF', { dtmf: '*21#' }],
        [21, 'SEPARATOR', {}],
        [22, 'PHONECALLLIST', { callListRequest: 'MISSED' }],
      ] as const) {
        const key = await annaKey({ functionKeyType: type, position, ...fields });
        const err = await rpcError(a, M.pressKey, [key]);
        assert.equal(err.code, UCI_ERRORS.refused);
        assert.match(err.message, new RegExp(`is a ${type} key, which acts on the phone itself`));
      }
      const err = await rpcError(a, M.pressKey, [KEY.hotline]);
      assert.equal(err.code, UCI_ERRORS.noPhone);
      assert.match(err.message, /1001 has no registered phone/);
    });

    it("pressKey on a busy lamp key calls the watched user from the user's phone; getCallInfoForKey follows their call", async () => {
      const annaPhone = await startPhone(SIP, sim.addresses.sipWs, DEMO_USERS.anna);
      const berndPhone = await startPhone(SIP, sim.addresses.sipWs, DEMO_USERS.bernd);
      phones.push(annaPhone, berndPhone);
      const a = await uci(DEMO_USERS.anna, [CALL_EVENT_SERVICE]);
      assert.deepEqual(checked('getCallInfoForKey', await a.request(M.getCallInfoForKey, [KEY.blfBernd])), []);

      assert.equal(checked('pressKey', await a.request(M.pressKey, [KEY.blfBernd])), true);
      await until("Anna's phone rang for the call to 1002", () => annaPhone.invitations.length === 1);
      assert.equal(annaPhone.invitations[0].remoteIdentity.uri.user, '1002');
      await until("Bernd's phone rang", () => berndPhone.invitations.length === 1);
      const connected = (n: Notification) => n.params.data.login === '1001' && n.params.data.state === 'CONNECTED';
      await a.waitFor(connected);
      const book = sim.internals.uci!.calls;
      await until("Bernd's call connected", () =>
        book.callIds(BERND).some((id) => book.get(id)?.state === 'CONNECTED'),
      );

      const calls = checked('getCallInfoForKey', await a.request(M.getCallInfoForKey, [KEY.blfBernd]));
      assert.equal(calls.length, 1);
      assert.equal(calls[0].state, 'CONNECTED');
      assert.equal(calls[0].callerNumber, '1001');
      assert.equal(calls[0].calledNumber, '1002');
      const contact = checked('getContactInfoForKey', await a.request(M.getContactInfoForKey, [KEY.blfBernd]));
      assert.equal(contact.telephonyState, 'ACTIVE');
      assert.deepEqual(await a.request(M.getCallInfoForKey, [KEY.blfCarla]), [], 'Carla is idle');

      await annaPhone.invitations[0].bye();
      await a.waitFor((n) => n.params.data.login === '1001' && n.params.data.state === 'HANGUP');
      await until("Bernd's call ended", () => book.callIds(BERND).length === 0);
      assert.deepEqual(await a.request(M.getCallInfoForKey, [KEY.blfBernd]), []);
    });
  });

  describe('voicemailList', () => {
    it("getMailboxes: the user's own boxes and their groups'", async () => {
      const a = await uci(DEMO_USERS.anna);
      const c = await uci(DEMO_USERS.carla);
      assert.deepEqual(checked('getMailboxes', await a.request(M.getMailboxes)), [
        { id: '1', name: 'Anna Albers', number: '9001' },
        { id: '4', name: 'Support', number: '9010' },
      ]);
      assert.deepEqual(checked('getMailboxes', await c.request(M.getMailboxes)), [
        { id: '3', name: 'Carla Conrad', number: '9003' },
      ]);
    });

    it('getVoicemailList: newest first by default, folders INBOX/OLD, filters, sort, paging and date bounds', async () => {
      const a = await uci(DEMO_USERS.anna);
      const all = checkedJsonPage(await a.request(M.getVoicemailList));
      assert.equal(all.totalCount, 4);
      assert.deepEqual(
        all.entries.map((e: any) => [e.startTime, e.callerNumber, e.folder, e.mailboxName]),
        [
          ['2025-01-08T12:00:00.000Z', '1003', 'INBOX', 'Support'],
          ['2025-01-07T10:00:00.000Z', '1002', 'OLD', 'Anna Albers'],
          ['2025-01-06T09:30:00.000Z', '+4930555099', 'INBOX', 'Anna Albers'],
          ['2025-01-05T08:00:00.000Z', '+491701234567', 'INBOX', 'Anna Albers'],
        ],
      );
      const bernds = all.entries[1];
      assert.deepEqual(
        { ...bernds, id: undefined },
        {
          id: undefined,
          callDescription: 'Bernd Brandt',
          callerNumber: '1002',
          calledNumber: '9001',
          duration: 30,
          folder: 'OLD',
          mailboxId: '1',
          mailboxName: 'Anna Albers',
          startTime: '2025-01-07T10:00:00.000Z',
        },
      );
      assert.equal(all.entries[2].callDescription, '+4930555099', 'an unknown caller is described by the number');

      const page = async (params: unknown) => checkedJsonPage(await a.request(M.getVoicemailList, params));
      const callers = (p: any) => p.entries.map((e: any) => e.callerNumber);
      let p = await page({ folder: 'OLD' });
      assert.deepEqual([callers(p), p.totalCount], [['1002'], 1]);
      p = await page({ folder: 'INBOX', order: 'ASCENDING' });
      assert.deepEqual(callers(p), ['+491701234567', '+4930555099', '1003']);
      p = await page({ filter: 'bernd' });
      assert.deepEqual(callers(p), ['1002'], 'part of the description, any case');
      p = await page({ filter: '4930' });
      assert.deepEqual(callers(p), ['+4930555099'], 'part of a number');
      p = await page({ sortProperty: 'duration', order: 'ASCENDING' });
      assert.deepEqual(
        p.entries.map((e: any) => e.duration),
        [5, 7, 12, 30],
      );
      p = await page({ offset: 1, limit: 2 });
      assert.deepEqual([callers(p), p.totalCount], [['1002', '+4930555099'], 4]);
      // Positional, as PZ sends the call list's: newest, oldest, filter, folder, sort, order, offset, limit.
      p = await page(['2025-01-07T23:59:59Z', '2025-01-06T00:00:00Z', '', '', 'startTime', 'DESCENDING', 0, 10]);
      assert.deepEqual([callers(p), p.totalCount], [['1002', '+4930555099'], 2]);
      p = await page({ newest: Date.parse('2025-01-06T09:30:00Z') });
      assert.deepEqual(callers(p), ['+4930555099', '+491701234567'], 'bounds are inclusive; ms since the epoch work');

      for (const bad of [{ folder: 'TRASH' }, { sortProperty: 'pin' }, { order: 'UP' }, { newest: 'yesterday' }]) {
        const err = await rpcError(a, M.getVoicemailList, bad);
        assert.equal(err.code, UCI_ERRORS.invalidParams, JSON.stringify(bad));
        assert.match(err.message, new RegExp(`"${Object.keys(bad)[0]}"`));
      }
      const carla = await uci(DEMO_USERS.carla);
      assert.deepEqual(checkedJsonPage(await carla.request(M.getVoicemailList)), { entries: [], totalCount: 0 });
    });

    it('deleteVoicemailListEntry/Entries delete from the user’s boxes only, all or nothing, with the boxes’ events', async () => {
      const a = await uci(DEMO_USERS.anna);
      const c = await uci(DEMO_USERS.carla);
      const ids = async (client: UciClient): Promise<string[]> =>
        checkedJsonPage(await client.request(M.getVoicemailList)).entries.map((e: any) => e.id as string);
      const annas = await ids(a);
      const b = await uci(DEMO_USERS.bernd);
      const bernds = (await ids(b)).filter((id) => !annas.includes(id));
      assert.equal(bernds.length, 1, "Bernd's own message (he shares Support's with Anna)");

      // Carla may not delete Anna's; nobody may delete an unknown one.
      for (const [client, params] of [
        [c, [annas[0]]],
        [a, ['999']],
        [a, [bernds[0]]],
      ] as const) {
        const err = await rpcError(client, M.deleteVoicemailListEntry, params);
        assert.equal(err.code, UCI_ERRORS.notFound);
        assert.match(err.message, /in your mailboxes .*nothing was deleted/);
      }
      // One of the list is another user's: nothing is deleted.
      const err = await rpcError(a, M.deleteVoicemailListEntries, [[annas[0], bernds[0]]]);
      assert.equal(err.code, UCI_ERRORS.notFound);
      assert.match(err.message, new RegExp(`"${bernds[0]}"`));
      assert.deepEqual(await ids(a), annas);

      let events = await eventsOf(sim.admin, async () =>
        assert.equal(
          checked('deleteVoicemailListEntry', await a.request(M.deleteVoicemailListEntry, [annas[1]])),
          true,
        ),
      );
      assert.deepEqual(
        events.map((e) => [e.service, e.event, e.data.voicemailboxId, e.data.deletedMessageIds]),
        [[SIM_SERVICES.voicemail, 'updated', 1, [annas[1]]]],
      );
      events = await eventsOf(sim.admin, async () =>
        assert.equal(
          checked(
            'deleteVoicemailListEntries',
            await a.request(M.deleteVoicemailListEntries, { entryIds: [annas[0], annas[2]] }),
          ),
          true,
        ),
      );
      assert.deepEqual(
        events.map((e) => [e.data.voicemailboxId, e.data.deletedMessageIds]).sort(),
        [
          [1, [annas[2]]],
          [4, [annas[0]]],
        ],
        'one event per box that lost messages',
      );
      assert.deepEqual(await ids(a), [annas[3]]);
      assert.deepEqual(await ids(b), bernds, "Bernd's message stays; Support's is gone for him too");
      assert.equal(checked('deleteVoicemailListEntries', await a.request(M.deleteVoicemailListEntries, [[]])), true);
    });
  });

  describe('over XML-RPC', () => {
    /** One raw XML-RPC request to /xml-rpc as `user`: the value, or the fault. */
    async function xmlRpc(
      user: { login: string; password: string },
      method: string,
      params: XmlRpcValue[] = [],
    ): Promise<{ value?: XmlRpcValue; fault?: { faultCode: number; faultString: string } }> {
      const q = new URLSearchParams({ [UCI_XMLRPC_PARAMS.auth]: uciToken(user.login, user.password) });
      const res = await fetch(`${sim.addresses.xmlRpc}?${q}`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml' },
        body: serializeMethodCall(method, params),
      });
      assert.equal(res.status, 200);
      try {
        return { value: await new Deserializer().deserializeMethodResponse(await res.text()) };
      } catch (err) {
        const f = err as { faultCode?: number; faultString?: string };
        if (f.faultCode === undefined) throw err;
        return { fault: { faultCode: f.faultCode, faultString: f.faultString ?? '' } };
      }
    }

    it('the keys, the voicemail list with dateTime.iso8601 start times and date params, faults for bad ids', async () => {
      const anna = DEMO_USERS.anna;
      assert.equal((await xmlRpc(anna, M.login)).value, true);
      const keys = checked('getFunctionKeys', (await xmlRpc(anna, M.getFunctionKeys)).value);
      assert.deepEqual(
        keys.map((k: any) => k.type),
        ['BUSY_LAMP_FIELD', 'BUSY_LAMP_FIELD', 'QUICKDIAL', 'DONOTDISTURB'],
      );
      const contact = checked('getContactInfoForKey', (await xmlRpc(anna, M.getContactInfoForKey, ['2'])).value);
      assert.equal(contact.login, '1003');
      assert.equal((await xmlRpc(anna, M.pressKey, [KEY.dnd])).value, true);

      const list = (
        await xmlRpc(anna, M.getVoicemailList, [
          new Date('2025-01-07T23:59:59Z'),
          new Date('2025-01-06T00:00:00Z'),
          '',
          '',
          'startTime',
          'DESCENDING',
          0,
          10,
        ])
      ).value as any;
      checked('getVoicemailList', list);
      assert.ok(list.entries[0].startTime instanceof Date, 'a dateTime.iso8601, not a string');
      assert.deepEqual(
        list.entries.map((e: any) => [e.startTime.toISOString(), e.folder]),
        [
          ['2025-01-07T10:00:00.000Z', 'OLD'],
          ['2025-01-06T09:30:00.000Z', 'INBOX'],
        ],
      );
      assert.equal(list.totalCount, 2);
      assert.deepEqual(checked('getMailboxes', (await xmlRpc(anna, M.getMailboxes)).value).length, 2);

      const { fault } = await xmlRpc(anna, M.pressKey, ['999']);
      assert.equal(fault?.faultCode, UCI_ERRORS.notFound);
      assert.match(fault!.faultString, /No function key "999" among yours/);
      const gone = await xmlRpc(anna, M.deleteVoicemailListEntries, [[list.entries[0].id, '999']]);
      assert.equal(gone.fault?.faultCode, UCI_ERRORS.notFound);
      assert.equal(
        (await xmlRpc(anna, M.deleteVoicemailListEntries, [[list.entries[0].id, list.entries[1].id]])).value,
        true,
      );
      const after = (await xmlRpc(anna, M.getVoicemailList)).value as any;
      assert.equal(after.totalCount, 2);
    });
  });
});
