import assert from 'node:assert/strict';
import type { SimEvent } from '../../shared/schemas/events.js';
import { HostMessageSchema, InspectorStateSchema } from '../../shared/schemas/inspector.js';
import { buildLadder } from '../../extension/webview/inspector/ladder.js';
import { isHostMessage, isInspectorState } from '../../extension/webview/inspector/messages.js';
import {
  callIdOf,
  DEFAULT_BUFFER,
  EMPTY_FILTERS,
  EventStore,
  matches,
  summaryOf,
  userOf,
} from '../../extension/webview/inspector/store.js';
import { DEFAULT_INSPECTOR_BUFFER } from '../../shared/schemas/inspector.js';

const CALL = 'ucp.v22.events.call';
const ev = (seq: number, service = 'sim.events.log', event = 'line', data: Record<string, unknown> = {}): SimEvent => ({
  seq,
  time: `2025-01-02T10:00:${String(seq % 60).padStart(2, '0')}.000Z`,
  service,
  event,
  data,
});
const call = (seq: number, login: string, id: string, state: string, ts = seq): SimEvent =>
  ev(seq, CALL, 'receiveCallState', {
    userId: Number(login),
    login,
    id,
    state,
    timestamp: ts,
    callerNumber: '1001',
    callerName: 'Anna',
    calledNumber: '1002',
    calledName: 'Ben',
  });
const seqs = (events: (SimEvent | undefined)[]) => events.map((e) => e?.seq);

describe('inspector webview: the event store', () => {
  it('keeps the default buffer in step with the shared contract', () => {
    assert.equal(DEFAULT_BUFFER, DEFAULT_INSPECTOR_BUFFER);
    assert.equal(new EventStore().capacity, DEFAULT_INSPECTOR_BUFFER);
  });

  it('is a ring: keeps the newest `capacity` events, counts the evicted ones', () => {
    const s = new EventStore(5);
    s.push([1, 2, 3].map((n) => ev(n)));
    assert.deepEqual(seqs(s.all()), [1, 2, 3]);
    s.push([4, 5, 6, 7, 8].map((n) => ev(n)));
    assert.equal(s.size, 5);
    assert.equal(s.evicted, 3);
    assert.deepEqual(seqs(s.all()), [4, 5, 6, 7, 8]);
    assert.equal(s.at(0)?.seq, 4);
    assert.equal(s.at(4)?.seq, 8);
    assert.equal(s.at(5), undefined);
    for (let n = 9; n <= 1000; n++) s.push([ev(n)]);
    assert.deepEqual(seqs(s.all()), [996, 997, 998, 999, 1000]);
    assert.deepEqual(seqs(s.filtered()), [996, 997, 998, 999, 1000]);
  });

  it('keeps the filtered rows in step with eviction', () => {
    const s = new EventStore(10);
    s.setFilters({ ...EMPTY_FILTERS, services: ['a'] });
    for (let n = 1; n <= 10_000; n++) s.push([ev(n, n % 3 === 0 ? 'a' : 'b')]);
    const expect = s.all().filter((e) => e.service === 'a');
    assert.deepEqual(seqs(s.filtered()), seqs(expect));
    assert.equal(s.filteredSize, expect.length);
    assert.equal(s.row(0)?.seq, expect[0]!.seq);
    assert.equal(s.rowIndexOfSeq(expect.at(-1)!.seq), expect.length - 1);
    assert.equal(s.rowIndexOfSeq(1), -1);
  });

  it('filters by service, event, user, call id and free text (case-insensitive), all at once', () => {
    const s = new EventStore(100);
    const events = [
      ev(1, 'sim.events.users', 'created', { userId: 1, login: '1001' }),
      ev(2, 'sim.events.users', 'deleted', { userId: 2, login: '1002' }),
      ev(3, 'sim.events.config', 'changed', { pbxName: 'Zentrale Köln' }),
      call(4, '1001', 'a-1', 'PROCEEDING'),
      call(5, '1002', 'b-2', 'INCOMING'),
    ];
    s.push(events);
    const view = (f: Partial<typeof EMPTY_FILTERS>) => {
      s.setFilters({ ...EMPTY_FILTERS, ...f });
      return seqs(s.filtered());
    };
    assert.deepEqual(view({ services: ['sim.events.users', 'sim.events.config'] }), [1, 2, 3]);
    assert.deepEqual(view({ event: 'DEL' }), [2]);
    assert.deepEqual(view({ user: '1002' }), [2, 5]);
    assert.deepEqual(view({ user: '100' }), [1, 2, 4, 5], 'part of a login matches');
    s.push([ev(8, 'sim.events.users', 'created', { userId: 7, login: 'anna' })]);
    assert.deepEqual(view({ user: '7' }), [8], 'a user id matches exactly');
    assert.deepEqual(view({ callId: 'A-1' }), [4]);
    assert.deepEqual(view({ text: 'zentrale köln' }), [3]);
    assert.deepEqual(view({ services: [CALL], user: '1001' }), [4]);
    assert.deepEqual(view({ text: '  ' }), [1, 2, 3, 4, 5, 8], 'blank filters match everything');
    assert.equal(s.filters.text, '  ', 'the filters as typed');
    // New events go through the current filter.
    s.setFilters({ ...EMPTY_FILTERS, text: 'needle' });
    s.push([ev(6, 'x', 'y', { v: 'a NEEDLE' }), ev(7)]);
    assert.deepEqual(seqs(s.filtered()), [6]);
    assert.equal(matches(events[2]!, { ...EMPTY_FILTERS, text: 'KÖLN' }), true);
  });

  it('clears, resizes keeping the newest, finds the events of a call', () => {
    const s = new EventStore(10);
    s.push([
      call(1, '1001', 'a-1', 'PROCEEDING'),
      ev(2),
      call(3, '1001', 'a-1', 'HANGUP'),
      call(4, '1002', 'b-2', 'INCOMING'),
    ]);
    assert.deepEqual(seqs(s.byCallId('a-1')), [1, 3]);
    assert.equal(s.callEvents().length, 3);
    assert.deepEqual([...s.services], [CALL, 'sim.events.log']);
    s.resize(2);
    assert.deepEqual(seqs(s.all()), [3, 4]);
    assert.equal(s.evicted, 2);
    s.clear();
    assert.equal(s.size, 0);
    assert.equal(s.filteredSize, 0);
    assert.equal(s.services.size, 0);
    assert.throws(() => new EventStore(0), RangeError);
  });

  it('derives the user, call id and summary of a row', () => {
    const c = call(1, '1001', 'a-1', 'RINGBACK');
    assert.equal(callIdOf(c), 'a-1');
    assert.equal(userOf(c), '1001');
    assert.equal(summaryOf(c), 'RINGBACK 1001 Anna → 1002 Ben');
    assert.equal(callIdOf(ev(2, 'x', 'y', { callId: 'sip-1' })), 'sip-1');
    assert.equal(summaryOf(ev(3, 'x', 'y', { a: 1, b: { c: 2 }, d: [1, 2] })), 'a=1, b={…}, d=[2]');
  });
});

describe('inspector webview: the per-call ladder', () => {
  it('joins both parties of a call by number and time, caller first', () => {
    const events = [
      call(1, '1001', 'a-1', 'PROCEEDING', 1000),
      call(2, '1002', 'b-2', 'INCOMING', 1001),
      call(3, '1001', 'a-1', 'RINGBACK', 1002),
      call(4, '1002', 'b-2', 'HANGUP', 1003),
      call(5, '1001', 'a-1', 'HANGUP', 1003),
      // A later call between the same numbers is another call.
      call(6, '1001', 'a-9', 'PROCEEDING', 60_000),
      call(7, '1002', 'b-9', 'INCOMING', 60_001),
    ];
    const l = buildLadder(events, 'b-2')!;
    assert.deepEqual(
      l.parties.map((p) => `${p.role}:${p.id}`),
      ['caller:a-1', 'callee:b-2'],
    );
    assert.deepEqual(
      l.steps.map((s) => `${s.seq}:${s.party}:${s.state}`),
      ['1:0:PROCEEDING', '2:1:INCOMING', '3:0:RINGBACK', '4:1:HANGUP', '5:0:HANGUP'],
    );
    assert.equal(buildLadder(events, 'nope'), null);
    assert.equal(buildLadder(events, 'a-9')!.steps.length, 2);
  });
});

describe('inspector webview: message guards agree with the shared zod schemas', () => {
  const e = ev(1, 's', 'e', { a: 1 });
  const samples: unknown[] = [
    { type: 'init', bufferSize: 50_000, language: 'de', connection: null },
    { type: 'init', bufferSize: 0, language: 'de', connection: null },
    { type: 'init', bufferSize: 1.5, language: 'de', connection: 'x' },
    { type: 'events', events: [e] },
    { type: 'events', events: [{ ...e, seq: 0 }] },
    { type: 'events', events: [{ ...e, data: [] }] },
    { type: 'events', events: [{ ...e, data: null }] },
    { type: 'events' },
    { type: 'status', status: { state: 'live', connection: 'c' } },
    { type: 'status', status: { state: 'reconnecting', connection: 'c', detail: 'd', retryInMs: 1000 } },
    { type: 'status', status: { state: 'gone', connection: 'c' } },
    { type: 'status', status: { state: 'live', connection: 'c', retryInMs: 1.5 } },
    { type: 'gap', afterSeq: 1, beforeSeq: 5, filled: true },
    { type: 'gap', afterSeq: 1, beforeSeq: 5 },
    { type: 'gap', afterSeq: 4, beforeSeq: 5, filled: false, uncounted: true },
    { type: 'gap', afterSeq: 4, beforeSeq: 5, filled: false, uncounted: 'yes' },
    { type: 'loaded', source: 'f.jsonl', events: [e], skipped: 0 },
    { type: 'loaded', source: 'f.jsonl', events: [e] },
    { type: 'clear' },
    { type: 'nope' },
    null,
    'clear',
    [],
  ];
  it('HostMessage', () => {
    for (const m of samples) assert.equal(isHostMessage(m), HostMessageSchema.safeParse(m).success, JSON.stringify(m));
  });
  it('InspectorState', () => {
    const ok = {
      filters: { ...EMPTY_FILTERS, services: ['a'] },
      paused: false,
      followTail: true,
      selectedSeq: null,
      view: 'table',
    };
    const states: unknown[] = [
      ok,
      { ...ok, view: 'call', selectedSeq: 3 },
      { ...ok, view: 'x' },
      { ...ok, selectedSeq: 1.5 },
      { ...ok, filters: { ...ok.filters, services: [1] } },
      { ...ok, paused: 'no' },
      undefined,
      {},
    ];
    for (const s of states)
      assert.equal(isInspectorState(s), InspectorStateSchema.safeParse(s).success, JSON.stringify(s));
  });
});
