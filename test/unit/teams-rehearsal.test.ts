// The Teams App rehearsal's domain (extension/src/model/teamsRehearsal.ts) without VS Code: its message handling
// with a stand-in PBX and UCI, then once against a real simulator (sign-in as the simulator judges it, the user's
// own UCI session, presence live); the webview's guards against the shared schema; the texts in both languages.
import assert from 'node:assert/strict';
import { isRehearsalHostMessage } from '../../extension/webview/rehearsal/messages.js';
import {
  callView,
  journalEntry,
  TeamsRehearsal,
  type RehearsalUci,
  type TeamsRehearsalDeps,
} from '../../extension/src/model/teamsRehearsal.js';
import type { PbxApi } from '../../extension/src/pbx/api.js';
import { PbxError, PbxRestClient } from '../../extension/src/pbx/restClient.js';
import { UciJsonRpcClient, UciUnavailableError } from '../../extension/src/pbx/uciJsonRpcClient.js';
import { PbxApi as RealPbxApi } from '../../extension/src/pbx/api.js';
import { checkPrerequisites } from '../../extension/src/prerequisites/run.js';
import { openXmlRpcRehearsalSession } from '../../extension/src/live/rehearsalUciXmlRpc.js';
import { englishOnly } from '../../extension/src/text/i18n.js';
import { uciToken } from '../../shared/hashes.js';
import type { SimEvent } from '../../shared/schemas/events.js';
import type { PrerequisiteFix, PrerequisiteResult } from '../../shared/schemas/prerequisites.js';
import {
  RehearsalHostMessageSchema,
  RehearsalWebviewMessageSchema,
  type RehearsalHostMessage,
} from '../../shared/schemas/teamsRehearsal.js';
import { format } from '../../shared/inspectorText.js';
import { REHEARSAL_TEXT, rehearsalText } from '../../shared/teamsRehearsalText.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';
import { until } from '../support/until.js';

const USERS = [
  { id: 1, login: '1001', firstName: 'Anna', familyName: 'Alt', extension: '1001' },
  { id: 2, login: '1002', firstName: 'Bernd', familyName: 'Berg', extension: '1002' },
  { id: 3, login: '1003', firstName: 'Carla', familyName: 'Clausen', extension: '1003' },
];
const SIGN_IN = { type: 'signIn', pbxName: 'pbx.example.test', key: 'secret-key', login: '1001', password: 'pw-1001' };

class FakeUci implements RehearsalUci {
  calls: { method: string; params: Record<string, unknown> }[] = [];
  closed = false;
  onEvent: (event: SimEvent) => void = () => {};
  onClose: (reason: string) => void = () => {};
  userState = {
    avatarHash: '',
    chatPresence: 'AVAILABLE',
    telephonyState: 'AVAILABLE',
    chatPresenceMessage: 'hello',
    redirectAlwaysActive: false,
    doNotDisturb: false,
  };
  async call(method: string, params: Record<string, unknown>): Promise<unknown> {
    this.calls.push({ method, params });
    if (method === 'getUserState') return this.userState;
    if (method === 'getCallList')
      return {
        totalCount: 1,
        entries: [
          {
            id: '7',
            direction: 'INBOUND',
            result: 'MISSED',
            callerNumber: '1003',
            callerName: 'Carla Clausen',
            calledNumber: '1001',
            calledName: 'Anna Alt',
            callDescription: 'Carla Clausen',
            startTime: '2026-12-06T05:00:00.000Z',
            duration: 0,
            groupId: '',
          },
        ],
      };
    if (method === 'placeCallWithPhone') return { callId: 'x' };
    return true;
  }
  close(): void {
    this.closed = true;
  }
}

let seq = 0;
const event = (service: string, ev: string, data: Record<string, unknown>): SimEvent => ({
  seq: ++seq,
  time: new Date().toISOString(),
  service,
  event: ev,
  data,
});
const callEvent = (login: string, id: string, state: string) =>
  event('ucp.v22.events.call', 'receiveCallState', {
    userId: 1,
    login,
    id,
    state,
    timestamp: Date.now(),
    callerNumber: '1003',
    callerName: 'Carla Clausen',
    calledNumber: '1001',
    calledName: 'Anna Alt',
  });

function harness(opts: { teamsLogin?: () => Promise<unknown>; report?: PrerequisiteResult[]; applied?: boolean } = {}) {
  const posted: RehearsalHostMessage[] = [];
  const uci = new FakeUci();
  const opened: { login: string; password: string }[] = [];
  const fixes: PrerequisiteFix[] = [];
  const logs: string[] = [];
  const api = {
    teamsLogin:
      opts.teamsLogin ??
      (async () => ({
        ok: true,
        user: { id: 1, login: '1001', firstName: 'Anna', familyName: 'Alt' },
        pbxName: 'pbx.example.test',
        configurationId: 1,
        mode: 'full',
      })),
  } as unknown as PbxApi;
  const deps: TeamsRehearsalDeps = {
    api,
    language: () => 'en',
    t: englishOnly,
    users: () => USERS,
    openUci: async (login, password) => {
      opened.push({ login, password });
      return uci;
    },
    check: async () => opts.report ?? [],
    applyFix: async (fix) => {
      fixes.push(fix);
      return opts.applied ?? true;
    },
    log: (level, message) => logs.push(`${level}: ${message}`),
  };
  const rehearsal = new TeamsRehearsal(deps, () => ({
    connection: 'Sim',
    simulator: true,
    pbxName: 'pbx.example.test',
  }));
  rehearsal.attach((m) => {
    assert.ok(RehearsalHostMessageSchema.safeParse(m).success, `a contract message: ${JSON.stringify(m)}`);
    posted.push(m);
  });
  return { rehearsal, posted, uci, opened, fixes, logs };
}

const last = <T extends RehearsalHostMessage['type']>(posted: RehearsalHostMessage[], type: T) =>
  posted.filter((m) => m.type === type).pop() as Extract<RehearsalHostMessage, { type: T }> | undefined;

const refusal = (unmet: { id: string; en: string }[]) => async () => ({
  ok: false,
  code: 'TEAMS_LOGIN_REFUSED',
  message: 'refused',
  unmet: unmet.map((u) => ({ id: u.id, message: { en: u.en, de: `de: ${u.en}` } })),
});

describe('Teams App rehearsal: the domain', () => {
  it("signs in, opens the user's own UCI session, subscribes, shows presence and the journal", async () => {
    const h = harness();
    assert.equal(await h.rehearsal.receive(SIGN_IN), true);
    assert.deepEqual(h.opened, [{ login: '1001', password: 'pw-1001' }], 'UCI as the user who signed in');
    assert.deepEqual(last(h.posted, 'signedIn'), {
      type: 'signedIn',
      login: '1001',
      name: 'Anna Alt',
      pbxName: 'pbx.example.test',
      rehearsed: true,
    });
    assert.deepEqual(
      last(h.posted, 'contacts')?.contacts.map((c) => c.name),
      ['Bernd Berg', 'Carla Clausen'],
      'the contacts at first',
    );
    const subscribe = h.uci.calls.find((c) => c.method === 'subscribeEvents');
    assert.deepEqual(subscribe?.params.services, [
      'ucp.v22.events.call',
      'ucp.v22.events.userState',
      'sim.events.calljournal',
    ]);
    assert.deepEqual(last(h.posted, 'presence')?.presence, {
      chatPresence: 'AVAILABLE',
      telephonyState: 'AVAILABLE',
      message: 'hello',
    });
    assert.deepEqual(last(h.posted, 'journal'), {
      type: 'journal',
      total: 1,
      entries: [
        {
          id: '7',
          time: '2026-12-06T05:00:00.000Z',
          incoming: true,
          missed: true,
          number: '1003',
          name: 'Carla Clausen',
          durationSec: 0,
        },
      ],
    });
    const text = JSON.stringify(h.posted) + h.logs.join('\n');
    assert.ok(!text.includes('pw-1001') && !text.includes('secret-key'), 'neither password nor key leaves the host');
  });

  it("follows the user's events: presence, incoming calls with the caller, the journal; others' are ignored", async () => {
    const h = harness();
    await h.rehearsal.receive(SIGN_IN);
    const before = h.posted.length;
    h.uci.onEvent(callEvent('1002', 'other', 'INCOMING'));
    h.uci.onEvent(
      event('ucp.v22.events.userState', 'receiveUserState', { ...h.uci.userState, userId: 2, login: '1002' }),
    );
    assert.equal(h.posted.length, before, "another user's events show nothing");

    h.uci.onEvent(callEvent('1001', 'c1', 'INCOMING'));
    assert.deepEqual(last(h.posted, 'call')?.call, {
      id: 'c1',
      state: 'INCOMING',
      incoming: true,
      number: '1003',
      name: 'Carla Clausen',
    });
    h.uci.onEvent(callEvent('1001', 'c1', 'CONNECTED'));
    assert.equal(last(h.posted, 'call')?.call.incoming, true, 'the direction is kept from the first state');
    h.uci.onEvent(
      event('ucp.v22.events.userState', 'receiveUserState', {
        ...h.uci.userState,
        telephonyState: 'ACTIVE',
        chatPresenceMessage: 'on the phone',
        userId: 1,
        login: '1001',
      }),
    );
    assert.deepEqual(last(h.posted, 'presence')?.presence, {
      chatPresence: 'AVAILABLE',
      telephonyState: 'ACTIVE',
      message: 'on the phone',
    });
    h.uci.onEvent(callEvent('1001', 'c1', 'HANGUP'));
    const journals = h.uci.calls.filter((c) => c.method === 'getCallList').length;
    h.uci.onEvent(event('sim.events.calljournal', 'entries-added', { userId: 1, login: '1001', entryIds: ['8'] }));
    await until(
      'the journal fetched again',
      () => h.uci.calls.filter((c) => c.method === 'getCallList').length > journals,
    );

    // A webview loaded anew gets the same view again; an ended call is not in it.
    const mark = h.posted.length;
    await h.rehearsal.receive({ type: 'ready' });
    const replay = h.posted.slice(mark).map((m) => m.type);
    assert.deepEqual(replay, ['init', 'signedIn', 'presence', 'journal']);
  });

  it('outgoing calls name the called party; click-to-dial, hang-up and contacts go through the UCI', async () => {
    const h = harness();
    await h.rehearsal.receive(SIGN_IN);
    h.uci.onEvent(callEvent('1001', 'o1', 'PROCEEDING'));
    assert.deepEqual(last(h.posted, 'call')?.call, {
      id: 'o1',
      state: 'PROCEEDING',
      incoming: false,
      number: '1001',
      name: 'Anna Alt',
    });
    assert.equal(await h.rehearsal.receive({ type: 'dial', number: '1003' }), true);
    assert.deepEqual(h.uci.calls.find((c) => c.method === 'placeCallWithPhone')?.params, { destination: '1003' });
    await h.rehearsal.receive({ type: 'hangup', callId: 'o1' });
    assert.deepEqual(h.uci.calls.find((c) => c.method === 'hangupCall')?.params, { callId: 'o1' });
    await h.rehearsal.receive({ type: 'search', query: 'CAR' });
    assert.deepEqual(last(h.posted, 'contacts'), {
      type: 'contacts',
      query: 'CAR',
      contacts: [{ name: 'Carla Clausen', number: '1003' }],
    });
    await h.rehearsal.receive({ type: 'search', query: '' });
    assert.deepEqual(
      last(h.posted, 'contacts')?.contacts.map((c) => c.number),
      ['1002', '1003'],
      'everyone but the user',
    );
    await h.rehearsal.receive({ type: 'signOut' });
    assert.equal(h.uci.closed, true);
    assert.equal(h.rehearsal.signedIn, false);
    assert.equal(last(h.posted, 'signedOut')?.type, 'signedOut');
  });

  it('a refusal shows every unmet requirement with the fixes of the prerequisites check; Fix applies and signs in again', async () => {
    const grant: PrerequisiteFix = {
      kind: 'grantRight',
      userId: 2,
      login: '1002',
      right: 'msteams_perm',
    };
    const report = [
      { id: 'R10', status: 'fail', user: '1002', userId: 2, title: 'Right', message: 'm', guide: 'g', fixes: [grant] },
      { id: 'R10', status: 'pass', user: '1001', userId: 1, title: 'Right', message: 'm', guide: 'g', fixes: [] },
    ] as PrerequisiteResult[];
    let attempts = 0;
    const h = harness({
      report,
      teamsLogin: async () => {
        attempts++;
        return refusal([
          { id: 'R21', en: 'The sign-in of 1002 is refused.' },
          { id: 'R10', en: '1002 lacks the right' },
          { id: 'R14', en: 'the PBX name differs' },
        ])();
      },
    });
    await h.rehearsal.receive({ ...SIGN_IN, login: '1002', key: undefined, keyFile: '{"key":"x"}' });
    const refused = last(h.posted, 'refused')!;
    assert.equal(refused.login, '1002');
    assert.match(refused.summary, /The sign-in of 1002 is refused/);
    assert.deepEqual(
      refused.requirements.map((r) => [r.id, r.fixes.length]),
      [
        ['R10', 1],
        ['R14', 0],
      ],
    );
    const r10 = refused.requirements[0]!;
    assert.match(r10.message, /1002 lacks the right/);
    assert.ok(r10.guide.length > 0, "the guide's wording");
    assert.match(r10.fixes[0]!.title, /1002/);
    assert.equal(h.opened.length, 0, 'no UCI session for a refused sign-in');

    await h.rehearsal.receive({ type: 'fix', requirement: 'R10', index: 0 });
    assert.deepEqual(h.fixes, [grant]);
    assert.equal(attempts, 2, 'signed in again after the fix');
    await h.rehearsal.receive({ type: 'fix', requirement: 'R10', index: 5 });
    assert.match(last(h.posted, 'error')!.message, /no longer offered/);
  });

  it('on a real PBX (no rehearsal endpoint) goes straight on to UCI and says it was not rehearsed', async () => {
    const h = harness({
      teamsLogin: async () => {
        throw new PbxError('not found', 404, 'NOT_FOUND');
      },
    });
    await h.rehearsal.receive(SIGN_IN);
    assert.equal(last(h.posted, 'signedIn')?.rehearsed, false);
    assert.equal(h.opened.length, 1);
  });

  it('refuses messages outside the contract, and UCI requests before a sign-in', async () => {
    const h = harness();
    for (const bad of [
      null,
      { type: 'signIn', pbxName: 'p', key: 'k', keyFile: '{}', login: 'a', password: 'b' },
      { type: 'signIn', pbxName: 'p', login: 'a', password: 'b' },
      { type: 'dial', number: '12; rm -rf' },
      { type: 'fix', requirement: 'R1', index: -1 },
      { type: 'evil' },
    ])
      assert.equal(await h.rehearsal.receive(bad), false, JSON.stringify(bad));
    assert.equal(h.rehearsal.rejected, 6);
    assert.equal(await h.rehearsal.receive({ type: 'dial', number: '1003' }), true);
    assert.match(last(h.posted, 'error')!.message, /Sign in first/);
  });

  it('callView and journalEntry read the UCI shapes', () => {
    const s = {
      id: 'a',
      state: 'RINGING' as const,
      callerNumber: '1',
      callerName: 'C',
      calledNumber: '2',
      calledName: 'D',
    };
    assert.deepEqual(callView(s), { id: 'a', state: 'RINGING', incoming: true, number: '1', name: 'C' });
    assert.equal(callView({ ...s, state: 'HANGUP' }, { ...callView(s) }).incoming, true);
    assert.deepEqual(journalEntry(null), []);
    assert.deepEqual(journalEntry({ id: 1 }), []);
    assert.deepEqual(
      journalEntry({
        id: '1',
        direction: 'OUTBOUND',
        result: 'ANSWERED',
        calledNumber: '1099',
        calledName: 'Hotline',
        callDescription: '',
        startTime: new Date('2026-01-01T00:00:00Z'),
        duration: 12,
      }),
      [
        {
          id: '1',
          time: '2026-01-01T00:00:00.000Z',
          incoming: false,
          missed: false,
          number: '1099',
          name: 'Hotline',
          durationSec: 12,
        },
      ],
    );
  });
});

describe('Teams App rehearsal: the contract and the texts', () => {
  const valid: RehearsalHostMessage[] = [
    { type: 'init', language: 'de', connection: null, simulator: false, pbxName: '', login: '' },
    {
      type: 'refused',
      login: '1002',
      summary: 's',
      requirements: [{ id: 'R10', title: 't', message: 'm', guide: 'g', fixes: [{ index: 0, title: 'f' }] }],
    },
    { type: 'signedIn', login: '1001', name: 'A', pbxName: 'p', rehearsed: true },
    { type: 'presence', presence: { chatPresence: 'AWAY', telephonyState: 'RINGING', message: '' } },
    { type: 'call', call: { id: 'c', state: 'INCOMING', incoming: true, number: '1', name: 'n' } },
    {
      type: 'journal',
      total: 3,
      entries: [{ id: '1', time: 't', incoming: true, missed: false, number: '1', name: 'n', durationSec: 0 }],
    },
    { type: 'contacts', query: 'q', contacts: [{ name: 'n', number: '1' }] },
    { type: 'error', message: 'e' },
    { type: 'signedOut' },
  ];
  const invalid: unknown[] = [
    null,
    [],
    { type: 'nope' },
    { type: 'busy', text: 'x' },
    { type: 'init', language: 'de', connection: 3, simulator: false, pbxName: '', login: '' },
    { type: 'signedIn', login: '1001', name: 'A', pbxName: 'p' },
    { type: 'call', call: { id: 'c', state: 'DANCING', incoming: true, number: '1', name: 'n' } },
    { type: 'journal', total: 1.5, entries: [] },
    { type: 'refused', login: 'x', summary: 's', requirements: [{ id: 'R1', title: 't', message: 'm', guide: 'g' }] },
    { type: 'contacts', query: 'q', contacts: [{ name: 'n' }] },
  ];

  it("the webview's guards accept what the schema accepts and refuse what it refuses", () => {
    for (const m of valid) {
      assert.equal(RehearsalHostMessageSchema.safeParse(m).success, true, JSON.stringify(m));
      assert.equal(isRehearsalHostMessage(m), true, JSON.stringify(m));
    }
    for (const m of invalid) {
      assert.equal(RehearsalHostMessageSchema.safeParse(m).success, false, JSON.stringify(m));
      assert.equal(isRehearsalHostMessage(m), false, JSON.stringify(m));
    }
    assert.equal(RehearsalWebviewMessageSchema.safeParse(SIGN_IN).success, true);
  });

  it('has every text in English and German with the same placeholders', () => {
    const ph = (s: string) => [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();
    for (const [key, { en, de }] of Object.entries(REHEARSAL_TEXT)) {
      assert.ok(en.trim() && de.trim(), key);
      assert.deepEqual(ph(de), ph(en), key);
    }
    assert.equal(rehearsalText('de-DE').t('incomingCall', 'Carla'), 'Eingehender Anruf von Carla');
    assert.equal(rehearsalText('en').maybe('chat_AWAY', '?'), 'Away');
    assert.equal(rehearsalText('en').maybe('chat_NEW', 'NEW'), 'NEW');
    assert.equal(format(REHEARSAL_TEXT.connection.en, 'x'), 'Connection: x');
  });
});

describe('Teams App rehearsal: against a real simulator (demo scenario)', function () {
  this.timeout(30_000);
  let sim: RunningSim;
  let api: RealPbxApi;

  before(async () => {
    sim = await startSim({ scenario: 'demo' });
    const client = new PbxRestClient(sim.base);
    await client.login('admin', ADMIN_PASSWORD);
    api = new RealPbxApi(client);
  });
  after(async () => {
    await sim?.stop();
  });

  it('signs 1001 in with the key file, then shows a presence message set elsewhere, live', async () => {
    const users = await api.users();
    const config = (await api.configurations())[0]!;
    const keyFile = JSON.stringify(await api.keyFile(config.id));
    const posted: RehearsalHostMessage[] = [];
    const rehearsal = new TeamsRehearsal(
      {
        api,
        language: () => 'en',
        t: englishOnly,
        users: () => users,
        openUci: (login, password) => UciJsonRpcClient.connect(sim.base, uciToken(login, password)),
        check: async (login) => (await checkPrerequisites(api, { users: [login], machine: false })).results,
        applyFix: async () => false,
        log: () => undefined,
      },
      () => ({ connection: 'sim', simulator: true, pbxName: config.pbxName }),
    );
    rehearsal.attach((m) => posted.push(m));
    try {
      await rehearsal.receive({
        type: 'signIn',
        pbxName: config.pbxName,
        keyFile,
        login: '1001',
        password: 'anna-demo-1001',
      });
      assert.equal(last(posted, 'signedIn')?.login, '1001', JSON.stringify(posted.slice(-2)));
      assert.ok(last(posted, 'presence'), 'the presence from getUserState');
      assert.ok(last(posted, 'journal'), 'the journal from getCallList');

      // Anna's own UCI session elsewhere (her desktop app) changes the message: the panel follows.
      const other = await UciClient.as(sim.addresses.uci, { login: '1001', password: 'anna-demo-1001' });
      try {
        await other.request('ucp.v22.requests.userState.setChatPresenceMessage', { message: 'In a workshop' });
        await until(
          'the presence message in the panel',
          () => last(posted, 'presence')?.presence.message === 'In a workshop',
        );
      } finally {
        other.close();
      }

      // 1002 lacks the right (R10): refused, with the check's fix for it.
      await rehearsal.receive({
        type: 'signIn',
        pbxName: config.pbxName,
        keyFile,
        login: '1002',
        password: 'bernd-demo-1002',
      });
      const refused = last(posted, 'refused')!;
      const r10 = refused.requirements.find((r) => r.id === 'R10');
      assert.ok(r10, JSON.stringify(refused));
      assert.ok(r10.fixes.length > 0, 'R10 offers a fix');
    } finally {
      rehearsal.dispose();
    }
  });

  it('as against a real PBX (no rehearsal endpoint, UCI over XML-RPC with our callback server): presence, click-to-dial, journal', async () => {
    const users = await api.users();
    const posted: RehearsalHostMessage[] = [];
    const realPbx = {
      teamsLogin: async () => {
        throw new PbxError('Not Found', 404, 'NOT_FOUND');
      },
    } as unknown as PbxApi;
    const rehearsal = new TeamsRehearsal(
      {
        api: realPbx,
        language: () => 'en',
        t: englishOnly,
        users: () => users,
        openUci: (login, password) =>
          openXmlRpcRehearsalSession({
            restBaseUrl: sim.base,
            uciToken: uciToken(login, password),
            login,
            callbackAddress: '127.0.0.1',
            callbackPort: 0,
          }),
        check: async () => [],
        applyFix: async () => false,
        log: () => undefined,
      },
      () => ({ connection: 'pbx', simulator: false, pbxName: 'pbx' }),
    );
    rehearsal.attach((m) => posted.push(m));
    try {
      await rehearsal.receive({ type: 'signIn', pbxName: 'pbx', key: 'k', login: '1001', password: 'anna-demo-1001' });
      assert.equal(last(posted, 'signedIn')?.rehearsed, false, JSON.stringify(posted.slice(-2)));
      assert.ok(last(posted, 'presence'), 'getUserState over XML-RPC');
      assert.ok(last(posted, 'journal'), 'getCallList over XML-RPC');
      const other = await UciClient.as(sim.addresses.uci, { login: '1001', password: 'anna-demo-1001' });
      try {
        await other.request('ucp.v22.requests.userState.setChatPresenceMessage', { message: 'Pushed by XML-RPC' });
        await until(
          'the presence message through the callback server',
          () => last(posted, 'presence')?.presence.message === 'Pushed by XML-RPC',
        );
      } finally {
        other.close();
      }
      // No phone of 1001 is registered: the PBX refuses the click-to-dial, and the panel says so.
      await rehearsal.receive({ type: 'dial', number: '1003' });
      assert.ok(last(posted, 'error'), 'the refusal is shown');
    } finally {
      rehearsal.dispose();
    }
  });

  it('UciJsonRpcClient says so when the PBX has no UCI WebSocket (an HTTP answer instead of the upgrade)', async () => {
    // A PBX that answers 404 for /uci, as a real STARFACE does: the simulator's REST server under another path.
    await assert.rejects(
      UciJsonRpcClient.connect(`${sim.base.replace(/\/rest$/, '')}/nothing/rest`, uciToken('1001', 'anna-demo-1001')),
      (err: unknown) => err instanceof UciUnavailableError,
    );
  });
});
