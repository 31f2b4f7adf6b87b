import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { EventRing, InspectorFeed, type FeedSession } from '../../extension/src/inspector/inspectorFeed.js';
import { parseJsonLines, toJsonLines } from '../../extension/src/inspector/jsonl.js';
import { Emitter } from '../../extension/src/model/emitter.js';
import { englishOnly } from '../../extension/src/text/i18n.js';
import type { EventGap, LiveState, SessionState } from '../../extension/src/model/pbxSession.js';
import { PbxRestClient } from '../../extension/src/pbx/restClient.js';
import type { LiveSourceState } from '../../extension/src/live/liveSource.js';
import { UciWebSocketSource } from '../../extension/src/live/uciWebSocketSource.js';
import type { SimEvent } from '../../shared/schemas/events.js';
import { HostMessageSchema, type HostMessage } from '../../shared/schemas/inspector.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';
import { sleep, until } from '../support/until.js';

const ev = (seq: number, service = 'sim.events.config'): SimEvent => ({
  seq,
  time: new Date(1_700_000_000_000 + seq).toISOString(),
  service,
  event: 'changed',
  data: { seq },
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ev(from + i));

class FakeSession implements FeedSession {
  state: SessionState = 'ready';
  failure: unknown = undefined;
  live: LiveState = { state: 'live' };
  liveSource: 'uci' | 'poll' | undefined = 'uci';
  reconnects = 0;
  readonly events = new Emitter<SimEvent[]>();
  readonly changed = new Emitter<unknown>();
  readonly liveChanged = new Emitter<LiveState>();
  readonly gaps = new Emitter<EventGap>();
  readonly onDidReceiveEvents = this.events.event;
  readonly onDidChange = this.changed.event;
  readonly onDidChangeLive = this.liveChanged.event;
  readonly onDidDetectGap = this.gaps.event;
  constructor(readonly connection = { name: 'Sim' }) {}
  reconnect(): void {
    this.reconnects++;
  }
  setLive(live: LiveState): void {
    this.live = live;
    this.liveChanged.fire(live);
  }
}

function setup(opts: { bufferSize?: number; batchMs?: number; maxBatch?: number } = {}) {
  const feed = new InspectorFeed({ t: englishOnly, language: 'en', ...opts });
  const session = new FakeSession();
  feed.bind(session);
  const got: HostMessage[] = [];
  const sink = feed.attach((m) => {
    // Everything the host posts satisfies the contract.
    HostMessageSchema.parse(m);
    got.push(m);
  });
  got.length = 0; // init + status
  return { feed, session, got, sink };
}
const eventMessages = (got: HostMessage[]) =>
  got.filter((m): m is Extract<HostMessage, { type: 'events' }> => m.type === 'events');

describe('inspector: the feed (host side, no vscode)', () => {
  describe('the ring buffer', () => {
    it('keeps the newest N, oldest first, also when one push is larger than the ring', () => {
      const ring = new EventRing(5);
      ring.push(range(1, 3));
      assert.deepEqual(
        ring.toArray().map((e) => e.seq),
        [1, 2, 3],
      );
      ring.push(range(4, 8));
      assert.deepEqual(
        ring.toArray().map((e) => e.seq),
        [4, 5, 6, 7, 8],
      );
      ring.push(range(9, 20));
      assert.deepEqual(
        ring.toArray().map((e) => e.seq),
        [16, 17, 18, 19, 20],
      );
      assert.equal(ring.length, 5);
      ring.resize(3);
      assert.deepEqual(
        ring.toArray().map((e) => e.seq),
        [18, 19, 20],
      );
      ring.clear();
      assert.equal(ring.length, 0);
      assert.throws(() => new EventRing(0));
    });

    it('the feed holds at most bufferSize events, whether a panel listens or not', () => {
      const feed = new InspectorFeed({ t: englishOnly, language: 'en', bufferSize: 1000 });
      const session = new FakeSession();
      feed.bind(session);
      for (let i = 0; i < 25; i++) session.events.fire(range(i * 200 + 1, i * 200 + 200));
      const backlog = feed.backlog;
      assert.equal(backlog.length, 1000);
      assert.equal(backlog[0]!.seq, 4001);
      assert.equal(backlog.at(-1)!.seq, 5000);
      assert.equal(feed.posted.length, 0, 'nothing posted without a panel');
      feed.dispose();
    });
  });

  describe('batching', () => {
    it('gathers events for 50 ms into one message', async () => {
      const { feed, session, got } = setup();
      for (let i = 1; i <= 10; i++) session.events.fire([ev(i)]);
      assert.equal(got.length, 0, 'nothing posted at once');
      await until('a batch', () => got.length > 0, 10_000, 10);
      assert.equal(got.length, 1);
      assert.deepEqual(
        eventMessages(got)[0]!.events.map((e) => e.seq),
        range(1, 10).map((e) => e.seq),
      );
      feed.dispose();
    });

    it('posts at most one message per 50 ms under a steady stream (fake timers)', () => {
      // Virtual time: the batching is checked against the feed's own timer, not this machine's speed.
      mock.timers.enable({ apis: ['setTimeout'] });
      try {
        const { feed, session, got } = setup();
        const postedAt: number[] = [];
        let seq = 0;
        for (let t = 0; t < 300; t += 2) {
          session.events.fire([ev(++seq)]);
          const before = eventMessages(got).length;
          mock.timers.tick(2);
          if (eventMessages(got).length > before) postedAt.push(t + 2);
        }
        mock.timers.tick(50);
        const batches = eventMessages(got);
        assert.ok(batches.length >= 5, `batches arrive while the stream runs (${batches.length})`);
        for (let i = 1; i < postedAt.length; i++)
          assert.ok(postedAt[i]! - postedAt[i - 1]! >= 50, `posts at ${postedAt.join(', ')} (virtual ms)`);
        assert.deepEqual(
          batches.flatMap((b) => b.events.map((e) => e.seq)),
          range(1, seq).map((e) => e.seq),
          'all, in order',
        );
        feed.dispose();
      } finally {
        mock.timers.reset();
      }
    });

    it('posts a full batch of 2,000 at once and never a larger one', async () => {
      const { feed, session, got } = setup();
      session.events.fire(range(1, 4500));
      const now = eventMessages(got);
      assert.deepEqual(
        now.map((m) => m.events.length),
        [2000, 2000],
        'the full batches at once',
      );
      await until('the rest', () => eventMessages(got).length === 3, 10_000, 10);
      assert.equal(eventMessages(got)[2]!.events.length, 500);
      assert.equal(eventMessages(got)[2]!.events[0]!.seq, 4001);
      assert.equal(feed.postedEvents, 4500);
      feed.dispose();
    });

    it('a newly attached panel gets init, status and the backlog in batches of 2,000, then live events', async () => {
      const feed = new InspectorFeed({ t: englishOnly, language: 'de', bufferSize: 5000 });
      const session = new FakeSession();
      feed.bind(session);
      session.events.fire(range(1, 4100));
      const got: HostMessage[] = [];
      const sink = feed.attach((m) => got.push(m));
      assert.deepEqual(got[0], { type: 'init', bufferSize: 5000, language: 'de', connection: 'Sim' });
      assert.equal(got[1]!.type, 'status');
      assert.deepEqual(
        eventMessages(got).map((m) => m.events.length),
        [2000, 2000, 100],
      );
      session.events.fire([ev(4101)]);
      await until('the live event', () => eventMessages(got).length === 4, 10_000, 10);
      sink.dispose();
      session.events.fire([ev(4102)]);
      await sleep(80);
      assert.equal(eventMessages(got).length, 4, 'a detached panel gets nothing');
      assert.equal(feed.backlog.length, 4102);
      feed.dispose();
    });

    it('events pending when a second panel attaches reach both, once each', async () => {
      const { feed, session, got } = setup();
      session.events.fire(range(1, 3));
      const other: HostMessage[] = [];
      feed.attach((m) => other.push(m));
      session.events.fire([ev(4)]);
      await sleep(80);
      assert.deepEqual(
        eventMessages(got).flatMap((m) => m.events.map((e) => e.seq)),
        [1, 2, 3, 4],
      );
      assert.deepEqual(
        eventMessages(other).flatMap((m) => m.events.map((e) => e.seq)),
        [1, 2, 3, 4],
      );
      feed.dispose();
    });
  });

  describe('gaps and connection state', () => {
    it('reports a seq gap before the events after it, once', async () => {
      const { feed, session, got } = setup();
      session.events.fire(range(1, 5));
      session.events.fire(range(9, 10));
      await sleep(80);
      const kinds = got.map((m) =>
        m.type === 'gap'
          ? `gap ${m.afterSeq}-${m.beforeSeq} ${m.filled}`
          : m.type === 'events'
            ? `events ${m.events[0]!.seq}…${m.events.at(-1)!.seq}`
            : m.type,
      );
      assert.deepEqual(kinds, ['events 1…5', 'gap 5-9 false', 'events 9…10']);
      feed.dispose();
    });

    it('a gap the stream filled with sinceSeq is reported filled, and its events do not report it again', async () => {
      const { feed, session, got } = setup();
      session.events.fire(range(1, 10));
      session.gaps.fire({ afterSeq: 10, beforeSeq: 15, filled: true });
      session.events.fire(range(11, 16));
      await sleep(80);
      const gaps = got.filter((m) => m.type === 'gap');
      assert.deepEqual(gaps, [{ type: 'gap', afterSeq: 10, beforeSeq: 15, filled: true }]);
      // Lost events (sinceSeq gone): reported unfilled by the stream; the next events jump, no second report.
      session.gaps.fire({ afterSeq: 16, beforeSeq: 30, filled: false });
      session.events.fire(range(30, 31));
      // A restarted PBX counts from 1 again: no gap.
      session.events.fire(range(1, 2));
      session.events.fire(range(3, 3));
      await sleep(80);
      assert.deepEqual(
        got.filter((m) => m.type === 'gap'),
        [
          { type: 'gap', afterSeq: 10, beforeSeq: 15, filled: true },
          { type: 'gap', afterSeq: 16, beforeSeq: 30, filled: false },
        ],
      );
      feed.dispose();
    });

    it('an uncounted gap (a real PBX lost the session) is posted before the event after it, even with nothing before', async () => {
      const { feed, session, got } = setup();
      session.gaps.fire({ afterSeq: 0, beforeSeq: 1, filled: false, uncounted: true });
      session.events.fire(range(1, 3));
      session.gaps.fire({ afterSeq: 3, beforeSeq: 4, filled: false, uncounted: true });
      session.events.fire(range(4, 4));
      await sleep(80);
      const kinds = got.map((m) =>
        m.type === 'gap'
          ? `gap ${m.afterSeq}-${m.beforeSeq} ${m.uncounted ? 'uncounted' : 'counted'}`
          : m.type === 'events'
            ? `events ${m.events[0]!.seq}…${m.events.at(-1)!.seq}`
            : m.type,
      );
      assert.deepEqual(kinds, ['gap 0-1 uncounted', 'events 1…3', 'gap 3-4 uncounted', 'events 4…4']);
      feed.dispose();
    });

    it('maps the session and live state to a status with a reason and the retry time', () => {
      const { feed, session, got } = setup();
      const statuses = () =>
        got.filter((m) => m.type === 'status').map((m) => (m.type === 'status' ? m.status : undefined));
      session.setLive({ state: 'reconnecting', error: new Error('the UCI connection closed (1006)'), retryInMs: 2000 });
      session.setLive({ state: 'live' });
      session.state = 'signed-out';
      session.changed.fire(session);
      session.changed.fire(session); // unchanged: not posted again
      assert.deepEqual(statuses(), [
        {
          state: 'reconnecting',
          connection: 'Sim',
          detail: 'Connection lost: the UCI connection closed (1006)',
          retryInMs: 2000,
        },
        { state: 'live', connection: 'Sim', detail: 'UCI events' },
        { state: 'disconnected', connection: 'Sim', detail: 'Not signed in' },
      ]);
      session.state = 'signing-in';
      assert.equal(feed.status().state, 'connecting');
      session.state = 'ready';
      session.live = { state: 'connecting' };
      assert.equal(feed.status().state, 'connecting');
      feed.bind(undefined);
      assert.deepEqual(feed.status(), { state: 'disconnected', connection: '', detail: 'No PBX connection selected' });
      feed.dispose();
    });

    it('follows the selected session: another connection clears the buffer and the panels', () => {
      const feed = new InspectorFeed({ t: englishOnly, language: 'en' });
      const a = new FakeSession({ name: 'A' });
      const b = new FakeSession({ name: 'B' });
      const changed = new Emitter<unknown>();
      const sessions = { selected: a as FeedSession | undefined, onDidChange: changed.event };
      const following = feed.follow(sessions);
      a.events.fire(range(1, 3));
      const got: HostMessage[] = [];
      feed.attach((m) => got.push(m));
      got.length = 0;
      sessions.selected = b;
      changed.fire(undefined);
      assert.equal(got[0]!.type, 'clear');
      assert.deepEqual(got[1], { type: 'status', status: { state: 'live', connection: 'B', detail: 'UCI events' } });
      assert.equal(feed.backlog.length, 0);
      a.events.fire(range(4, 5));
      assert.equal(feed.backlog.length, 0, 'the old session is not followed');
      feed.reconnect();
      assert.equal(b.reconnects, 1);
      following.dispose();
      feed.dispose();
    });
  });

  describe('JSON Lines', () => {
    it('writes one event per line and reads it back', () => {
      const events = [ev(1), { ...ev(2), data: { caller: '<img src=x onerror=alert(1)>', line: 'a\nb' } }];
      const text = toJsonLines(events);
      assert.equal(text.split('\n').length, 3);
      assert.ok(text.endsWith('\n'));
      assert.deepEqual(parseJsonLines(text), { events, skipped: 0, skippedLines: [] });
    });

    it("reads the recorder's UCI notifications and plain events, skips and counts bad lines", () => {
      const lines = [
        '\uFEFF' + JSON.stringify(ev(1)),
        JSON.stringify({ jsonrpc: '2.0', method: 'sim.events.config.changed', params: ev(2) }),
        '',
        'not json',
        '{"seq": 3, "service": "x"}',
        JSON.stringify({ jsonrpc: '2.0', method: 'x', params: { seq: -1 } }),
        '[1,2]',
        '   ',
        JSON.stringify(ev(7)) + '\r',
        '{"jsonrpc":"2.0","id":1,"result":{"lastSeq":0}}',
      ];
      const parsed = parseJsonLines(lines.join('\n'));
      assert.deepEqual(
        parsed.events.map((e) => e.seq),
        [1, 2, 7],
      );
      assert.equal(parsed.skipped, 5);
      assert.deepEqual(parsed.skippedLines, [4, 5, 6, 7, 10]);
    });
  });
});

describe('inspector: the UCI stream reports its state and a gap filled with sinceSeq', () => {
  let sim: RunningSim;
  before(async () => {
    sim = await startSim();
  });
  after(() => sim?.stop());

  it('connecting → live → reconnecting → live, and a filled gap for what happened while away', async () => {
    const client = new PbxRestClient(sim.base);
    await client.login('admin', ADMIN_PASSWORD);
    const seen: number[] = [];
    const states: LiveSourceState['state'][] = [];
    const gaps: EventGap[] = [];
    const stream = new UciWebSocketSource(client, {
      onEvents: (events) => seen.push(...events.map((e) => e.seq)),
      onState: (s) => states.push(s.state),
      onGap: (g) => gaps.push(g),
      maxBackoffMs: 200,
    });
    stream.start();
    try {
      await until('live', () => states.includes('live'), 10_000, 10);
      await sim.admin.put('/sim/users/2/app', { active: true, platform: 'windows', version: '8.1.0.100' });
      await until('the first change', () => seen.length >= 1, 10_000, 10);
      const before = seen.at(-1)!;
      (stream as unknown as { ws: { terminate(): void } }).ws.terminate();
      for (let i = 0; i < 3; i++)
        await sim.admin.put('/sim/users/2/app', { active: true, platform: 'windows', version: `8.1.0.${i}` });
      await until('the three changes after the drop', () => seen.length >= 4, 10_000, 10);
      assert.deepEqual(states.slice(0, 4), ['connecting', 'live', 'reconnecting', 'live']);
      assert.equal(gaps.length, 1, JSON.stringify(gaps));
      assert.equal(gaps[0]!.afterSeq, before);
      assert.equal(gaps[0]!.filled, true);
      assert.ok(gaps[0]!.beforeSeq > before + 1);
      for (let i = 1; i < seen.length; i++)
        assert.equal(seen[i], seen[i - 1]! + 1, 'no seq missing: the gap was filled');
    } finally {
      stream.stop();
      await client.logout();
    }
    assert.equal(states.at(-1), 'stopped');
  });
});
