/**
 * The call journal's pure parts: what an ended call leaves (sip/callJournal.ts over the call model), how entries
 * are kept and bounded, deleted all or nothing, and getCallList's filter, sort and paging (state/callJournal.ts).
 */
import assert from 'node:assert/strict';
import {
  CALL_JOURNAL_MAX_PER_USER,
  CALL_JOURNAL_MAX_TOTAL,
  CallJournalEntrySchema,
  type CallJournalEntry,
} from '../../shared/schemas/callJournal.js';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { EventBus, type EventInput } from '../../simulator/src/events/bus.js';
import { journalDrafts } from '../../simulator/src/sip/callJournal.js';
import { CallTracker, type Call } from '../../simulator/src/sip/calls.js';
import {
  addCallJournalEntries,
  deleteCallJournalEntries,
  queryCallJournal,
  type CallJournalDraft,
} from '../../simulator/src/state/callJournal.js';
import { emptyState, type PbxState, type StoredUser } from '../../simulator/src/state/model.js';

const user = (id: number, extension: string, firstName: string): StoredUser =>
  ({ id, login: extension, extension, firstName, familyName: 'Test' }) as StoredUser;
const ANNA = user(2, '1001', 'Anna');
const BERND = user(3, '1002', 'Bernd');
const CARLA = user(4, '1003', 'Carla');
const GROUP = { number: '1010', name: 'Support' };
const GROUP_ID = 9;

describe('call journal: entries from the call model', () => {
  let clock: number;
  let ended: Call[];
  let calls: CallTracker;
  beforeEach(() => {
    // The test's own clock: no time is measured, the model is told what time it is.
    clock = 1_700_000_000_000;
    ended = [];
    calls = new CallTracker(
      new EventBus(),
      () => clock,
      (c) => ended.push(c),
    );
  });
  const summary = (c: Call) =>
    journalDrafts(c).map((d) => [d.login, d.direction, d.result, d.calledNumber, d.groupId, d.durationSeconds]);

  it('an answered call: OUTBOUND and INBOUND ANSWERED, whole seconds from the answer, told once at the end', () => {
    const call = calls.start('c1', CARLA, { user: ANNA });
    calls.incoming(call);
    clock += 4_000;
    calls.connected(call, ANNA.id);
    clock += 2_999;
    calls.hangup(call);
    calls.hangup(call);
    assert.deepEqual(ended, [call], 'once');
    assert.deepEqual(summary(call), [
      ['1003', 'OUTBOUND', 'ANSWERED', '1001', null, 2],
      ['1001', 'INBOUND', 'ANSWERED', '1001', null, 2],
    ]);
    for (const { login: _login, ...d } of journalDrafts(call)) CallJournalEntrySchema.parse({ id: '1', ...d });
    assert.equal(journalDrafts(call)[0]!.startTime, new Date(1_700_000_000_000).toISOString());
    assert.equal(journalDrafts(call)[1]!.description, 'Carla Test');
  });

  it('the dialled user whose phones never rang (not registered, busy) missed it all the same', () => {
    const call = calls.start('c2', CARLA, { user: ANNA });
    calls.dropUser(call, ANNA.id);
    calls.hangup(call);
    assert.deepEqual(summary(call), [
      ['1003', 'OUTBOUND', 'MISSED', '1001', null, 0],
      ['1001', 'INBOUND', 'MISSED', '1001', null, 0],
    ]);
  });

  it('a group call a member answered: the colleague who was rung gets no entry; both others carry the group id', () => {
    const call = calls.start('c3', CARLA, { ...GROUP, groupId: GROUP_ID });
    calls.addLeg(call, ANNA, GROUP, GROUP_ID);
    calls.addLeg(call, BERND, GROUP, GROUP_ID);
    calls.incoming(call);
    calls.connected(call, BERND.id);
    calls.hangup(call);
    assert.deepEqual(summary(call), [
      ['1003', 'OUTBOUND', 'ANSWERED', '1010', GROUP_ID, 0],
      ['1002', 'INBOUND', 'ANSWERED', '1010', GROUP_ID, 0],
    ]);
  });

  it('a group call nobody took (cancelled, or only the mailbox answered): every member rung missed it', () => {
    for (const mailbox of [false, true]) {
      const call = calls.start(`c4-${mailbox}`, CARLA, { ...GROUP, groupId: GROUP_ID });
      calls.addLeg(call, ANNA, GROUP, GROUP_ID);
      calls.addLeg(call, BERND, GROUP, GROUP_ID);
      calls.incoming(call);
      if (mailbox) {
        // As the routing does it: a redirect to the mailbox stops the ringing first, then the mailbox answers.
        for (const u of [ANNA, BERND]) calls.dropUser(call, u.id);
        calls.connected(call);
      }
      calls.hangup(call);
      assert.deepEqual(
        summary(call).map((s) => s.slice(0, 3)),
        [
          ['1003', 'OUTBOUND', mailbox ? 'ANSWERED' : 'MISSED'],
          ['1001', 'INBOUND', 'MISSED'],
          ['1002', 'INBOUND', 'MISSED'],
        ],
      );
    }
  });

  it('a redirect: the user it left missed it, the target answered it showing the number dialled', () => {
    const call = calls.start('c5', CARLA, { user: ANNA });
    calls.incoming(call);
    calls.dropUser(call, ANNA.id);
    calls.addLeg(call, BERND, { number: '1001', name: 'Anna Test' });
    calls.incoming(call);
    calls.connected(call, BERND.id);
    calls.hangup(call);
    assert.deepEqual(
      summary(call).map((s) => s.slice(0, 4)),
      [
        ['1003', 'OUTBOUND', 'ANSWERED', '1001'],
        ['1001', 'INBOUND', 'MISSED', '1001'],
        ['1002', 'INBOUND', 'ANSWERED', '1001'],
      ],
    );
  });

  it('calling your own group: only the OUTBOUND entry', () => {
    const call = calls.start('c6', ANNA, { ...GROUP, groupId: GROUP_ID });
    calls.addLeg(call, ANNA, GROUP, GROUP_ID);
    calls.incoming(call);
    calls.hangup(call);
    assert.deepEqual(
      summary(call).map((s) => s.slice(0, 2)),
      [['1001', 'OUTBOUND']],
    );
  });
});

describe('call journal: keeping, bounding and deleting entries', () => {
  let state: PbxState;
  let events: EventInput[];
  const emit = (e: EventInput) => events.push(e);
  beforeEach(() => {
    state = emptyState('8.0.0.1', '6.7.0.0');
    state.users.push(ANNA, BERND, CARLA);
    events = [];
  });
  const draft = (u: StoredUser, i = 0): CallJournalDraft => ({
    userId: u.id,
    login: u.login,
    direction: 'INBOUND',
    result: 'MISSED',
    callerNumber: '1003',
    callerName: '',
    calledNumber: u.login,
    calledName: '',
    description: '',
    startTime: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    durationSeconds: 0,
    groupId: null,
  });

  it('gives ids, drops entries of users who are gone (or whose id now names somebody else), one event per user', () => {
    const added = addCallJournalEntries(state, emit, [
      draft(ANNA),
      draft(BERND),
      { ...draft(CARLA), login: 'someone-else' },
      { ...draft(ANNA), userId: 77 },
    ]);
    assert.deepEqual(
      added.map((e) => [e.id, e.userId]),
      [
        ['1', ANNA.id],
        ['2', BERND.id],
      ],
    );
    assert.deepEqual(
      events.map((e) => [e.service, e.event, e.data.userId, e.data.login, e.data.entryIds, e.data.droppedIds]),
      [
        [SIM_SERVICES.callJournal, 'entriesAdded', ANNA.id, '1001', ['1'], []],
        [SIM_SERVICES.callJournal, 'entriesAdded', BERND.id, '1002', ['2'], []],
      ],
    );
    assert.deepEqual(addCallJournalEntries(state, emit, [{ ...draft(ANNA), userId: 77 }]), []);
    assert.equal(events.length, 2, 'nothing kept, nothing told');
  });

  it(`keeps the newest ${CALL_JOURNAL_MAX_PER_USER} per user and ${CALL_JOURNAL_MAX_TOTAL} in all`, () => {
    const many = (u: StoredUser, n: number) => Array.from({ length: n }, (_, i) => draft(u, i));
    addCallJournalEntries(state, emit, [...many(ANNA, CALL_JOURNAL_MAX_PER_USER), draft(BERND)]);
    events = [];
    addCallJournalEntries(state, emit, many(ANNA, 2));
    const anna = state.callJournal.filter((e) => e.userId === ANNA.id);
    assert.equal(anna.length, CALL_JOURNAL_MAX_PER_USER);
    assert.equal(anna[0]!.id, '3', 'the two oldest went');
    assert.deepEqual(events[0]!.data.droppedIds, ['1', '2']);
    assert.equal(state.callJournal.filter((e) => e.userId === BERND.id).length, 1, "Bernd's stay");

    state.callJournal = [];
    const users = Array.from({ length: CALL_JOURNAL_MAX_TOTAL / CALL_JOURNAL_MAX_PER_USER + 1 }, (_, i) =>
      user(100 + i, String(5000 + i), 'U'),
    );
    state.users.push(...users);
    for (const u of users) addCallJournalEntries(state, emit, many(u, CALL_JOURNAL_MAX_PER_USER));
    assert.equal(state.callJournal.length, CALL_JOURNAL_MAX_TOTAL);
    assert.equal(state.callJournal.filter((e) => e.userId === users[0]!.id).length, 0, 'the oldest overall went');
  });

  it('deletes only own entries, all or none', () => {
    addCallJournalEntries(state, emit, [draft(ANNA), draft(ANNA), draft(BERND)]);
    events = [];
    assert.deepEqual(deleteCallJournalEntries(state, emit, ANNA, ['1', '3']).missing, ['3']);
    assert.deepEqual(deleteCallJournalEntries(state, emit, ANNA, ['1', 'nope']).missing, ['nope']);
    assert.equal(state.callJournal.length, 3);
    assert.equal(events.length, 0, 'nothing deleted, nothing told');
    assert.deepEqual(deleteCallJournalEntries(state, emit, ANNA, ['2', '1', '2']).missing, []);
    assert.deepEqual(
      state.callJournal.map((e) => e.id),
      ['3'],
    );
    assert.deepEqual(events[0]!.data, { userId: ANNA.id, login: '1001', entryIds: ['2', '1'] });
  });
});

describe('call journal: getCallList filter, sort and paging', () => {
  const at = (s: number) => new Date(Date.UTC(2024, 0, 1, 12, 0, s)).toISOString();
  const entry = (id: string, fields: Partial<CallJournalEntry>): CallJournalEntry => ({
    id,
    userId: 1,
    direction: 'INBOUND',
    result: 'ANSWERED',
    callerNumber: '',
    callerName: '',
    calledNumber: '',
    calledName: '',
    description: '',
    startTime: at(0),
    durationSeconds: 0,
    groupId: null,
    ...fields,
  });
  const journal = [
    entry('1', { startTime: at(0), direction: 'OUTBOUND', callerNumber: '1001', durationSeconds: 30 }),
    entry('2', { startTime: at(10), result: 'MISSED', callerNumber: '1003', groupId: 9 }),
    entry('3', { startTime: at(20), callerNumber: '1002', durationSeconds: 5 }),
    entry('4', { userId: 2, startTime: at(30) }),
    entry('5', { startTime: at(20), callerNumber: '1002', durationSeconds: 5, groupId: 8 }),
  ];
  const ids = (filter: Parameters<typeof queryCallJournal>[2]) =>
    queryCallJournal(journal, 1, filter).entries.map((e) => e.id);

  it('only the user’s, newest first; equal values keep the journal order (reversed when descending)', () => {
    assert.deepEqual(queryCallJournal(journal, 1).totalCount, 4);
    assert.deepEqual(ids({}), ['5', '3', '2', '1']);
    assert.deepEqual(ids({ order: 'ASCENDING' }), ['1', '2', '3', '5']);
    assert.deepEqual(ids({ order: '', sortProperty: '' }), ['5', '3', '2', '1']);
    const byTalkTime = { sortProperty: 'duration', order: 'ASCENDING' } as const;
    assert.deepEqual(ids(byTalkTime), ['2', '3', '5', '1']);
    assert.deepEqual(ids({ sortProperty: 'callerNumber', order: 'DESCENDING' }), ['2', '5', '3', '1']);
  });

  it('filters: direction, result, group ("" all, NON_GROUP, an id), and time bounds by the second, inclusive', () => {
    assert.deepEqual(ids({ direction: 'OUTBOUND' }), ['1']);
    assert.deepEqual(ids({ direction: '', result: 'MISSED' }), ['2']);
    assert.deepEqual(ids({ group: '' }), ['5', '3', '2', '1']);
    assert.deepEqual(ids({ group: 'NON_GROUP' }), ['3', '1']);
    assert.deepEqual(ids({ group: '9' }), ['2']);
    assert.deepEqual(ids({ group: '7' }), []);
    const ms = (iso: string) => Date.parse(iso);
    assert.deepEqual(ids({ oldest: ms(at(10)), newest: ms(at(20)) }), ['5', '3', '2']);
    // A bound with milliseconds still counts the whole second (an XML-RPC dateTime has none).
    assert.deepEqual(ids({ newest: ms(at(10)) + 500 }), ['2', '1']);
    assert.deepEqual(ids({ oldest: ms(at(20)) + 999 }), ['5', '3']);
  });

  it('pages with offset and limit; totalCount counts every match', () => {
    const page = queryCallJournal(journal, 1, { offset: 1, limit: 2 });
    assert.deepEqual([page.entries.map((e) => e.id), page.totalCount], [['3', '2'], 4]);
    assert.deepEqual(queryCallJournal(journal, 1, { offset: 10 }), { entries: [], totalCount: 4 });
    assert.deepEqual(queryCallJournal(journal, 1, { limit: 0, result: 'MISSED' }), { entries: [], totalCount: 1 });
    assert.deepEqual(queryCallJournal(journal, 3), { entries: [], totalCount: 0 });
  });
});
