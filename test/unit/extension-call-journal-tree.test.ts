/**
 * The "Call journal" node under a user in the extension's tree, built from a real simulator's REST answer: one
 * node per call (direction and result in the icon, the other party, time and duration), the empty and the
 * real-PBX cases, the older calls not listed; and the session drawing the tree again for a journal event
 * without reloading the PBX.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PbxSession } from '../../extension/src/model/pbxSession.js';
import {
  CALL_JOURNAL_NODE_LIMIT,
  callJournalNodes,
  formatCallDuration,
  userCallJournalNode,
} from '../../extension/src/model/tree/callJournalNodes.js';
import type { TreeContext } from '../../extension/src/model/tree/pbxTreeModel.js';
import { PbxApi } from '../../extension/src/pbx/api.js';
import { PbxRestClient } from '../../extension/src/pbx/restClient.js';
import { optional } from '../../extension/src/pbx/snapshot.js';
import { englishOnly } from '../../extension/src/text/i18n.js';
import { SIM_SERVICES, type SimEvent } from '../../shared/schemas/events.js';
import type { User } from '../../shared/schemas/users.js';
import { addCallJournalEntries, type CallJournalDraft } from '../../simulator/src/state/callJournal.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { sleep, until } from '../support/until.js';

const ctx: TreeContext = { t: englishOnly, language: 'en', now: 0 };

describe('extension tree model: call journal', () => {
  let sim: RunningSim;
  let admin: PbxApi;
  let anna: User;
  let carla: User;

  before(async () => {
    sim = await startSim({ scenario: 'demo' });
    const client = new PbxRestClient(sim.base);
    await client.login('admin', ADMIN_PASSWORD);
    admin = new PbxApi(client);
    const users = await admin.users();
    anna = users.find((u) => u.login === DEMO_USERS.anna.login)!;
    carla = users.find((u) => u.login === DEMO_USERS.carla.login)!;
  });
  after(() => sim?.stop());

  /** Entries as the SIP side keeps them when a call ends (the simulator tests place the real calls). */
  function keep(drafts: CallJournalDraft[]) {
    return sim.internals.holder!.commit((s, emit) => addCallJournalEntries(s, emit, drafts));
  }
  const call = (over: Partial<CallJournalDraft>): CallJournalDraft => ({
    userId: anna.id,
    login: anna.login,
    direction: 'INBOUND',
    result: 'ANSWERED',
    callerNumber: '1003',
    callerName: 'Carla Conrad',
    calledNumber: '1001',
    calledName: 'Anna Albers',
    description: 'Carla Conrad',
    startTime: '2025-03-01T09:00:00.000Z',
    durationSeconds: 65,
    groupId: null,
    ...over,
  });

  it('a user node has a lazy "Call journal" child; an empty journal says so', async () => {
    const parent = userCallJournalNode(carla, { connection: 'Sim' }, ctx);
    assert.deepEqual([parent.label, parent.lazy, parent.ref.userId], ['Call journal', 'userCallJournal', carla.id]);
    const nodes = callJournalNodes(await admin.callJournal(carla.id, CALL_JOURNAL_NODE_LIMIT), parent, ctx);
    assert.deepEqual(
      nodes.map((n) => [n.label, n.contextValue]),
      [['No calls yet', 'callJournal.none']],
    );
  });

  it('lists the newest calls: icon by direction, red when missed, the other party, time and duration', async () => {
    await keep([
      call({}),
      call({
        direction: 'OUTBOUND',
        result: 'MISSED',
        callerNumber: '1001',
        callerName: 'Anna Albers',
        calledNumber: '1099',
        calledName: 'Demo Hotline',
        startTime: '2025-03-01T10:00:00.000Z',
        durationSeconds: 0,
      }),
      call({
        result: 'MISSED',
        calledNumber: '1010',
        calledName: 'Support',
        durationSeconds: 0,
        groupId: 7,
        startTime: '2025-03-01T11:00:00.000Z',
      }),
    ]);
    const parent = userCallJournalNode(anna, { connection: 'Sim' }, ctx);
    const nodes = callJournalNodes(await admin.callJournal(anna.id, CALL_JOURNAL_NODE_LIMIT), parent, ctx);
    assert.deepEqual(
      nodes.map((n) => [n.label, n.icon, n.iconColor, n.contextValue, n.value]),
      [
        ['Carla Conrad (1003)', 'call-incoming', 'testing.iconFailed', 'callJournalEntry.inbound.missed', '1003'],
        ['Demo Hotline (1099)', 'call-outgoing', 'testing.iconFailed', 'callJournalEntry.outbound.missed', '1099'],
        ['Carla Conrad (1003)', 'call-incoming', undefined, 'callJournalEntry.inbound.answered', '1003'],
      ],
    );
    const when = new Date('2025-03-01T09:00:00.000Z').toLocaleString('en');
    assert.equal(nodes[2]!.description, `${when} · 1:05`);
    assert.match(nodes[0]!.description!, / · missed$/);
    assert.match(nodes[0]!.tooltip!, /^Incoming, missed\nCarla Conrad → Support\nthrough group Support\nbegan /);
    assert.match(nodes[2]!.tooltip!, /talked 1:05$/);

    const one = callJournalNodes(await admin.callJournal(anna.id, 1), parent, ctx);
    assert.deepEqual(
      one.map((n) => n.label),
      ['Carla Conrad (1003)', '2 older calls not shown'],
    );
  });

  it('on a real STARFACE (no such REST path: 404) the node says only the simulator keeps a journal', async () => {
    // A PBX that knows the login and nothing of the simulator's paths.
    const server: Server = createServer((req, res) => {
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/rest/login' && req.method === 'GET')
        return json(200, { loginType: 'Internal', nonce: 'n', secret: null });
      if (req.url === '/rest/login' && req.method === 'POST') return json(200, { token: 't' });
      json(404, { code: 'NOT_FOUND', message: 'Not Found' });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    let missing;
    try {
      const client = new PbxRestClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/rest`);
      await client.login('someone', 'secret');
      missing = await optional(() => new PbxApi(client).callJournal(anna.id, CALL_JOURNAL_NODE_LIMIT));
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    assert.equal(missing, null);
    const nodes = callJournalNodes(missing, userCallJournalNode(anna, { connection: 'Pbx' }, ctx), ctx);
    assert.deepEqual(
      nodes.map((n) => [n.label, n.contextValue]),
      [['Only the simulator keeps a call journal over REST', 'simulatorOnly']],
    );
    assert.match(nodes[0]!.tooltip!, /the call list of the STARFACE App/);
  });

  it('formats durations as m:ss, from an hour on as h:mm:ss', () => {
    assert.deepEqual([0, 5, 65, 3600, 3661].map(formatCallDuration), ['0:00', '0:05', '1:05', '1:00:00', '1:01:01']);
  });

  it('a journal event draws the tree again (open journal nodes fetch anew) without reloading the PBX', async () => {
    const session = new PbxSession({
      name: 'Sim',
      url: sim.base.replace(/\/rest$/, ''),
      login: 'admin',
      kind: 'simulator',
      auth: 'auto',
    });
    try {
      await session.signIn(ADMIN_PASSWORD);
      await until('live', () => session.live.state === 'live', 10_000, 20);
      const seen: SimEvent[] = [];
      session.onDidReceiveEvents((events) => seen.push(...events));
      let redraws = 0;
      session.onDidChange(() => redraws++);
      const data = session.data;
      await keep([call({ startTime: '2025-03-02T09:00:00.000Z' })]);
      await until('the journal event', () => seen.some((e) => e.service === SIM_SERVICES.callJournal), 10_000, 20);
      await until('a redraw', () => redraws > 0, 10_000, 20);
      await sleep(300);
      assert.equal(session.data, data, 'the PBX data was not reloaded');
    } finally {
      await session.signOut();
      session.dispose();
    }
  });
});
