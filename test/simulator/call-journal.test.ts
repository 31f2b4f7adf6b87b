/**
 * The call journal with real sip.js 0.21.2 calls: an entry per party when a call ends (answered, declined,
 * cancelled, through a group), the UCI call list over it (getCallList's filters, sort and paging, PZ's positional
 * form, over XML-RPC too; deleteCallListEntr{y,ies}), the REST path with its access rules, and the journal
 * surviving a SIGKILL of the simulator once its event was published.
 */
import assert from 'node:assert/strict';
import { startOnDataDir } from '../support/cliOnDisk.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CALL_JOURNAL_EVENTS, CallJournalEntrySchema } from '../../shared/schemas/callJournal.js';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { UCI_ERRORS, UCI_METHODS } from '../../shared/schemas/uci.js';
import { UCI_NON_GROUP, UciCallListEntrySchema } from '../../shared/schemas/uciValues.js';
import { answerChecker, type AnswerCheck } from '../support/openapiAnswers.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { call, loadSipJs, startPhone, stopPhones, until, type Phone, type SipModule } from '../support/sipjs.js';
import { UciClient } from '../support/uci-client.js';
import { cleanUp, each } from '../support/cleanup.js';
import { ensureBuilt, killAllClis, removeTempDirs, tempDir, CLI } from '../support/cli.js';
import { xmlRpcClient, xmlRpcQuery } from '../support/xmlrpc-callback.js';

const M = UCI_METHODS;
const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };
type User = { login: string; password: string };
/** A call list entry as JSON-RPC carries it: the dateTime as an ISO string. */
const JsonEntrySchema = UciCallListEntrySchema.extend({ startTime: z.iso.datetime() }).strict();
type Entry = z.infer<typeof JsonEntrySchema>;
const DAY = 86_400_000;
let SIP: SipModule;

describe('simulator: call journal (UCI call list, REST)', function () {
  this.timeout(30_000);
  let sim: RunningSim;
  let wsUrl: string;
  let phones: Phone[];
  let clients: UciClient[];
  /** Admin UCI client following sim.events.calljournal: tells when a call's entries are kept. */
  let watch: UciClient;

  before(async () => {
    SIP = await loadSipJs();
  });

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
    wsUrl = sim.addresses.sipWs;
    phones = [];
    clients = [];
    watch = await uci(ADMIN, [SIM_SERVICES.callJournal]);
  });

  afterEach(() =>
    cleanUp(
      each(clients, (c) => c.ws.terminate()),
      () => stopPhones(phones),
      () => sim?.stop(),
    ),
  );

  /** `answer`: 'now' accepts, 'never' lets it ring, a status declines with it. */
  async function phone(user: User, answer: 'now' | 'never' | number = 'now'): Promise<Phone> {
    const p = await startPhone(SIP, wsUrl, user);
    p.onInvite = (inv) => {
      inv.delegate = { onBye: (bye: any) => void bye.accept() };
      if (answer === 'now') void inv.accept();
      else if (typeof answer === 'number') void inv.reject({ statusCode: answer });
    };
    phones.push(p);
    return p;
  }

  async function uci(user: User, services: string[] = []): Promise<UciClient> {
    const c = await UciClient.as(sim.addresses.uci, user);
    clients.push(c);
    if (services.length) await c.request(M.subscribeEvents, { services });
    return c;
  }

  const added = () =>
    watch.notifications.filter(
      (n) => n.params.service === SIM_SERVICES.callJournal && n.params.event === CALL_JOURNAL_EVENTS.entriesAdded,
    );
  /** Waits for the entriesAdded event(s) of the next ended call (one commit publishes all of them at once). */
  async function kept(before: number): Promise<void> {
    await watch.waitFor(() => added().length > before);
  }

  async function list(c: UciClient, params: unknown = {}): Promise<{ entries: Entry[]; totalCount: number }> {
    const page = await c.request(M.getCallList, params);
    return { entries: page.entries.map((e: unknown) => JsonEntrySchema.parse(e)), totalCount: page.totalCount };
  }
  const ids = (page: { entries: { id: string }[] }) => page.entries.map((e) => e.id);

  const groupId = () => sim.internals.holder!.state.groups.find((g) => g.name === 'Support')!.id;

  /** `from` calls `to`, which answers; `from` hangs up. */
  async function answeredCall(from: Phone, to: string): Promise<void> {
    const n = added().length;
    const out = call(SIP, from, to);
    await out.accepted;
    await out.inviter.bye();
    await kept(n);
  }

  /** `from` calls `to`; the call ends unanswered: declined by the phones, or cancelled once `ringing` all ring. */
  async function missedCall(from: Phone, to: string, ringing?: Phone[]): Promise<void> {
    const n = added().length;
    const rung = ringing?.map((p) => p.invitations.length);
    const out = call(SIP, from, to);
    if (ringing) {
      await until('the callees ring', () => ringing.every((p, i) => p.invitations.length > rung![i]!));
      await out.inviter.cancel();
    }
    await out.rejected;
    await kept(n);
  }

  it('an answered call: OUTBOUND ANSWERED for the caller, INBOUND ANSWERED for the callee, whole seconds', async () => {
    const carla = await phone(DEMO_USERS.carla);
    await phone(DEMO_USERS.anna);
    const a = await uci(DEMO_USERS.anna, [SIM_SERVICES.callJournal]);
    const c = await uci(DEMO_USERS.carla, [SIM_SERVICES.callJournal]);
    await answeredCall(carla, '1001');
    // Each party hears of their own entry only (a request answered afterwards: nothing else is on its way).
    for (const [client, login] of [
      [a, '1001'],
      [c, '1003'],
    ] as const) {
      await client.waitFor((n) => n.params.event === CALL_JOURNAL_EVENTS.entriesAdded);
      await client.request(M.keepAlive);
      assert.deepEqual(
        client.notifications.map((n) => [n.params.event, n.params.data.login, n.params.data.entryIds.length]),
        [[CALL_JOURNAL_EVENTS.entriesAdded, login, 1]],
      );
    }

    const [out] = (await list(c)).entries;
    assert.deepEqual(
      { ...out!, id: undefined, startTime: undefined, duration: undefined },
      {
        id: undefined,
        direction: 'OUTBOUND',
        result: 'ANSWERED',
        callerNumber: '1003',
        callerName: 'Carla Conrad',
        calledNumber: '1001',
        calledName: 'Anna Albers',
        callDescription: 'Anna Albers',
        startTime: undefined,
        duration: undefined,
        groupId: '',
      },
    );
    const inbound = await list(a);
    assert.equal(inbound.totalCount, 1);
    const [inn] = inbound.entries;
    assert.equal(inn!.direction, 'INBOUND');
    assert.equal(inn!.result, 'ANSWERED');
    assert.equal(inn!.callerNumber, '1003');
    assert.equal(inn!.calledNumber, '1001');
    assert.equal(inn!.callDescription, 'Carla Conrad');
    assert.equal(inn!.groupId, '');
    assert.equal(inn!.startTime, out!.startTime, "one call: both parties' entries begin together");
    assert.notEqual(inn!.id, out!.id);
    // Durations are whole seconds, never negative (the schema says so); their value is not the test's business.
    const wholeSeconds = CallJournalEntrySchema.shape.durationSeconds;
    const talked = [out!, inn!].map((e) => e.duration);
    for (const seconds of talked) assert.ok(wholeSeconds.safeParse(seconds).success);
    // Bernd was not in the call: his journal is empty.
    assert.deepEqual(await list(await uci(DEMO_USERS.bernd)), { entries: [], totalCount: 0 });
  });

  it('a declined call and a cancelled one: MISSED on both sides, duration 0', async () => {
    const anna = await phone(DEMO_USERS.anna, 'never');
    const bernd = await phone(DEMO_USERS.bernd, 603);
    const carla = await phone(DEMO_USERS.carla);
    await missedCall(carla, '1002');
    await missedCall(carla, '1001', [anna]);
    assert.equal(bernd.invitations.length, 1);

    const c = await list(await uci(DEMO_USERS.carla), { order: 'ASCENDING' });
    assert.deepEqual(
      c.entries.map((e) => [e.direction, e.result, e.calledNumber, e.duration]),
      [
        ['OUTBOUND', 'MISSED', '1002', 0],
        ['OUTBOUND', 'MISSED', '1001', 0],
      ],
    );
    for (const user of [DEMO_USERS.anna, DEMO_USERS.bernd]) {
      const { entries } = await list(await uci(user));
      assert.deepEqual(
        entries.map((e) => [e.direction, e.result, e.callerNumber, e.calledNumber, e.duration]),
        [['INBOUND', 'MISSED', '1003', user.login, 0]],
        user.login,
      );
    }
  });

  it('group 1010: the answering member and the caller see the group id; a colleague who was rung does not; unanswered, every member missed it', async () => {
    const anna = await phone(DEMO_USERS.anna, 'never');
    const bernd = await phone(DEMO_USERS.bernd);
    const carla = await phone(DEMO_USERS.carla);
    const a = await uci(DEMO_USERS.anna);
    const b = await uci(DEMO_USERS.bernd);
    const c = await uci(DEMO_USERS.carla);
    const group = String(groupId());

    await answeredCall(carla, '1010');
    assert.equal(anna.invitations.length, 1, 'the call rang Anna too');
    const [bIn] = (await list(b)).entries;
    assert.deepEqual(
      [bIn!.direction, bIn!.result, bIn!.callerNumber, bIn!.calledNumber, bIn!.calledName, bIn!.groupId],
      ['INBOUND', 'ANSWERED', '1003', '1010', 'Support', group],
    );
    const [cOut] = (await list(c)).entries;
    assert.deepEqual(
      [cOut!.direction, cOut!.result, cOut!.calledNumber, cOut!.callDescription, cOut!.groupId],
      ['OUTBOUND', 'ANSWERED', '1010', 'Support', group],
    );
    assert.equal((await list(a)).totalCount, 0, 'Bernd took the group call: Anna did not miss it');

    bernd.onInvite = () => undefined; // now nobody answers
    await missedCall(carla, '1010', [anna, bernd]);
    for (const member of [a, b]) {
      const missed = await list(member, { result: 'MISSED' });
      assert.deepEqual(
        missed.entries.map((e) => [e.direction, e.calledNumber, e.groupId, e.duration]),
        [['INBOUND', '1010', group, 0]],
      );
    }
    const [cMissed] = (await list(c, { result: 'MISSED' })).entries;
    assert.deepEqual([cMissed!.direction, cMissed!.groupId], ['OUTBOUND', group]);
  });

  it('getCallList: filters, sort, paging and totalCount, named and positional (as PZ sends them); bad params refused', async () => {
    const anna = await phone(DEMO_USERS.anna, 'never');
    const bernd = await phone(DEMO_USERS.bernd, 'never');
    const carla = await phone(DEMO_USERS.carla);
    const a = await uci(DEMO_USERS.anna);
    const group = String(groupId());

    // A: Anna calls Carla (answered); B: Carla calls Anna (cancelled); C: Carla calls group 1010 (nobody answers).
    await answeredCall(anna, '1003');
    await missedCall(carla, '1001', [anna]);
    await missedCall(carla, '1010', [anna, bernd]);

    const all = await list(a);
    assert.equal(all.totalCount, 3);
    const [C, B, A] = ids(all);
    assert.deepEqual(
      all.entries.map((e) => [e.direction, e.result, e.groupId]),
      [
        ['INBOUND', 'MISSED', group],
        ['INBOUND', 'MISSED', ''],
        ['OUTBOUND', 'ANSWERED', ''],
      ],
      'newest first by default',
    );
    const page = async (params: unknown) => ids(await list(a, params));
    assert.deepEqual(await page({ order: 'ASCENDING' }), [A, B, C]);
    assert.deepEqual(await page({ direction: 'OUTBOUND' }), [A]);
    assert.deepEqual(await page({ direction: 'INBOUND' }), [C, B]);
    assert.deepEqual(await page({ result: 'MISSED' }), [C, B]);
    assert.deepEqual(await page({ result: 'ANSWERED' }), [A]);
    assert.deepEqual(await page({ group: UCI_NON_GROUP }), [B, A]);
    assert.deepEqual(await page({ group }), [C]);
    assert.deepEqual(await page({ group: '99999' }), []);
    assert.deepEqual(await page({ sortProperty: 'callerNumber', order: 'ASCENDING' }), [A, B, C]);
    assert.deepEqual(await page({ sortProperty: 'calledNumber', order: 'DESCENDING' }), [C, A, B]);
    const paged = await list(a, { offset: 1, limit: 1 });
    assert.deepEqual([ids(paged), paged.totalCount], [[B], 3]);
    assert.deepEqual(await list(a, { limit: 0 }), { entries: [], totalCount: 3 });
    assert.deepEqual(await list(a, { offset: 5 }), { entries: [], totalCount: 3 });
    // Time bounds far from the calls: the test says nothing about when exactly they happened.
    const now = Date.now();
    assert.deepEqual(await page({ oldest: new Date(now - DAY).toISOString() }), [C, B, A]);
    assert.deepEqual(await page({ oldest: new Date(now + DAY).toISOString() }), []);
    assert.deepEqual(await page({ newest: '2000-01-01T00:00:00Z' }), []);
    // PZ: later bound, earlier bound, direction, result, group, sort, order, offset, limit.
    const pz = [new Date(now + DAY).toISOString(), new Date(now - 7 * DAY).toISOString()];
    assert.deepEqual(await page([...pz, '', 'MISSED', UCI_NON_GROUP, 'startTime', 'DESCENDING', 0, 100]), [B]);
    assert.deepEqual(await page([...pz, 'INBOUND', '', '', 'startTime', 'ASCENDING', 0, 100]), [B, C]);
    assert.deepEqual(await page([...pz]), [C, B, A], 'the rest left off');

    for (const bad of [{ direction: 'SIDEWAYS' }, { result: 'BUSY' }, { limit: -1 }, { sortProperty: 'colour' }]) {
      const r = await a.call(M.getCallList, bad);
      assert.equal(r.error?.code, UCI_ERRORS.invalidParams, JSON.stringify(bad));
      assert.match(r.error.message, new RegExp(Object.keys(bad)[0]!));
    }
  });

  it('getCallList over XML-RPC: dateTime bounds in, dateTime startTime and int duration out', async () => {
    const carla = await phone(DEMO_USERS.carla);
    await phone(DEMO_USERS.anna);
    await answeredCall(carla, '1001');
    const x = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(DEMO_USERS.anna));
    assert.equal(await x.methodCall(M.login), true);
    const now = Date.now();
    const page = (await x.methodCall(M.getCallList, [
      new Date(now + DAY),
      new Date(now - DAY),
      '',
      '',
      UCI_NON_GROUP,
      'startTime',
      'DESCENDING',
      0,
      100,
    ])) as { entries: unknown[]; totalCount: number };
    assert.equal(page.totalCount, 1);
    const entry = UciCallListEntrySchema.strict().parse(page.entries[0]);
    assert.ok(entry.startTime instanceof Date);
    assert.deepEqual([entry.direction, entry.result, entry.callerNumber], ['INBOUND', 'ANSWERED', '1003']);
    await x.methodCall(M.logout);
  });

  it('deleteCallListEntry / deleteCallListEntries: only own entries, all or nothing, notFound otherwise', async () => {
    const carla = await phone(DEMO_USERS.carla);
    await phone(DEMO_USERS.anna);
    await answeredCall(carla, '1001');
    await answeredCall(carla, '1001');
    const a = await uci(DEMO_USERS.anna, [SIM_SERVICES.callJournal]);
    const c = await uci(DEMO_USERS.carla);
    const [a2, a1] = ids(await list(a));
    const [c2] = ids(await list(c));

    const foreign = await c.call(M.deleteCallListEntry, [a1]);
    assert.equal(foreign.error?.code, UCI_ERRORS.notFound, "Carla may not delete Anna's entry");
    const mixed = await a.call(M.deleteCallListEntries, [[a1, c2]]);
    assert.equal(mixed.error?.code, UCI_ERRORS.notFound);
    assert.match(mixed.error.message, new RegExp(`${c2}.*nothing was deleted`));
    assert.deepEqual(ids(await list(a)), [a2, a1], 'all or nothing');

    assert.equal(await a.request(M.deleteCallListEntry, [a1]), true);
    assert.deepEqual(ids(await list(a)), [a2]);
    const deleted = await a.waitFor((n) => n.params.event === CALL_JOURNAL_EVENTS.entriesDeleted);
    assert.deepEqual(deleted.params.data.entryIds, [a1]);
    assert.equal((await a.call(M.deleteCallListEntry, [a1])).error?.code, UCI_ERRORS.notFound, 'gone');
    assert.equal(await a.request(M.deleteCallListEntries, { entryIds: [a2, a2] }), true);
    assert.deepEqual(await list(a), { entries: [], totalCount: 0 });
    assert.equal((await list(c)).totalCount, 2, "Carla's entries of the same calls stay");
    assert.equal(await a.request(M.deleteCallListEntries, [[]]), true, 'nothing to delete');
  });

  it('REST /sim/users/{userId}/calljournal: the user and admins read and delete; another user gets 403', async () => {
    const carla = await phone(DEMO_USERS.carla);
    await phone(DEMO_USERS.anna, 603);
    await answeredCall(carla, '1099'); // the demo's virtual phone answers: Carla's entry only
    await missedCall(carla, '1001');
    const users: { id: number; login: string }[] = (await sim.admin.get('/users')).body;
    const id = (login: string) => users.find((u) => u.login === login)!.id;
    const anna = await sim.as(DEMO_USERS.anna);
    const bernd = await sim.as(DEMO_USERS.bernd);
    const check: AnswerCheck = await answerChecker(sim.admin);
    const path = (login: string, query = '') => `/sim/users/${id(login)}/calljournal${query}`;

    const own = await anna.get(path('1001'));
    check('getCallJournal', own, 200);
    assert.equal(own.body.totalCount, 1);
    const [entry] = own.body.entries;
    CallJournalEntrySchema.strict().parse(entry);
    assert.equal(entry.userId, id('1001'));
    assert.deepEqual([entry.direction, entry.result, entry.groupId], ['INBOUND', 'MISSED', null]);

    const carlas = await sim.admin.get(path('1003', '?direction=OUTBOUND&order=ASCENDING'));
    check('getCallJournal', carlas, 200);
    assert.deepEqual(
      carlas.body.entries.map((e: { calledNumber: string; result: string }) => [e.calledNumber, e.result]),
      [
        ['1099', 'ANSWERED'],
        ['1001', 'MISSED'],
      ],
    );
    const paged = await sim.admin.get(path('1003', '?limit=1&offset=1&order=ASCENDING'));
    assert.deepEqual([paged.body.entries.length, paged.body.totalCount], [1, 2]);
    check('getCallJournal', await sim.admin.get(path('1003', '?direction=SIDEWAYS')), 400);
    check('getCallJournal', await sim.admin.get(path('1003', '?limit=many')), 400);
    check('getCallJournal', await sim.admin.get(path('1003', '?newest=yesterday')), 400);
    check('getCallJournal', await sim.admin.get('/sim/users/99999/calljournal'), 404);

    const refused = await bernd.get(path('1001'));
    check('getCallJournal', refused, 403);
    const entryPath = `${path('1001')}/${entry.id}`;
    check('deleteCallJournalEntry', await bernd.delete(entryPath), 403);
    check('deleteCallJournalEntry', await sim.admin.delete(`${path('1003')}/${entry.id}`), 404);
    check('deleteCallJournalEntry', await anna.delete(entryPath), 204);
    check('deleteCallJournalEntry', await anna.delete(entryPath), 404);
    assert.equal((await anna.get(path('1001'))).body.totalCount, 0);
    const carlaFirst = (await sim.admin.get(path('1003'))).body.entries[0].id;
    check('deleteCallJournalEntry', await sim.admin.delete(`${path('1003')}/${carlaFirst}`), 204);
    assert.equal((await sim.admin.get(path('1003'))).body.totalCount, 1);
  });

  it("deleting a user removes their journal; the other party's entries stay", async () => {
    const carla = await phone(DEMO_USERS.carla);
    await phone(DEMO_USERS.bernd);
    await answeredCall(carla, '1002');
    const users: { id: number; login: string }[] = (await sim.admin.get('/users')).body;
    const bernd = users.find((u) => u.login === '1002')!.id;
    assert.equal(sim.internals.holder!.state.callJournal.filter((e) => e.userId === bernd).length, 1);
    assert.equal((await sim.admin.delete(`/users/${bernd}`)).status, 204);
    assert.equal(sim.internals.holder!.state.callJournal.filter((e) => e.userId === bernd).length, 0);
    assert.equal((await list(await uci(DEMO_USERS.carla))).totalCount, 1);
  });
});

describe('simulator: the call journal survives a SIGKILL and loads from an older store', function () {
  this.timeout(60_000);
  const PW = 'journal-kill-admin-pw';

  before(async function () {
    this.timeout(120_000);
    // A single-file run builds the CLI when the journal's sources are newer than it.
    ensureBuilt(CLI, {
      staleAgainst: [
        'simulator/src/state',
        'simulator/src/sip',
        'simulator/src/sip/proxy',
        'simulator/src/uci/core/handlers',
        'shared/schemas',
      ],
    });
    SIP = await loadSipJs();
  });
  after(() => cleanUp(killAllClis, removeTempDirs));

  const start = (dir: string) => startOnDataDir(dir, PW);

  it('an entry whose event was published is there after SIGKILL and a restart on the same folder', async () => {
    const dir = tempDir('starface-sim-journal-');
    const { run, ready } = await start(dir);
    const phones: Phone[] = [];
    const watch = await UciClient.as(ready.uci, { login: 'admin', password: PW });
    try {
      await watch.request(M.subscribeEvents, { services: [SIM_SERVICES.callJournal] });
      const carla = await startPhone(SIP, ready.sipWs, DEMO_USERS.carla);
      const anna = await startPhone(SIP, ready.sipWs, DEMO_USERS.anna);
      phones.push(carla, anna);
      anna.onInvite = (inv) => {
        inv.delegate = { onBye: (bye: any) => void bye.accept() };
        void inv.accept();
      };
      const out = call(SIP, carla, '1001');
      await out.accepted;
      await out.inviter.bye();
      const event = await watch.waitFor((n) => n.params.event === CALL_JOURNAL_EVENTS.entriesAdded);
      const [entryId] = event.params.data.entryIds as string[];
      await run.stop('SIGKILL');

      const again = await start(dir);
      const c = await UciClient.as(again.ready.uci, DEMO_USERS.carla);
      const a = await UciClient.as(again.ready.uci, DEMO_USERS.anna);
      try {
        const both = [...(await c.request(M.getCallList)).entries, ...(await a.request(M.getCallList)).entries];
        assert.deepEqual(both.map((e: Entry) => e.direction).sort(), ['INBOUND', 'OUTBOUND']);
        assert.ok(both.some((e: Entry) => e.id === entryId));
      } finally {
        c.ws.terminate();
        a.ws.terminate();
      }
      await again.run.stop();

      // A store written before the journal existed (no callJournal, no id counter) still loads: empty journal.
      const file = join(dir, 'state.json');
      const state = JSON.parse(readFileSync(file, 'utf8'));
      delete state.callJournal;
      delete state.nextId.callJournalEntry;
      writeFileSync(file, JSON.stringify(state));
      const old = await start(dir);
      const o = await UciClient.as(old.ready.uci, DEMO_USERS.carla);
      try {
        assert.deepEqual(await o.request(M.getCallList), { entries: [], totalCount: 0 });
      } finally {
        o.ws.terminate();
      }
      await old.run.stop();
    } finally {
      watch.ws.terminate();
      await stopPhones(phones);
    }
  });
});
