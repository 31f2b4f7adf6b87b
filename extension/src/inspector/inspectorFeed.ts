import type { SimEvent } from '../../../shared/schemas/events.js';
import {
  DEFAULT_INSPECTOR_BUFFER,
  type ConnectionStatus,
  type HostMessage,
} from '../../../shared/schemas/inspector.js';
import { errorText } from '../text/errorText.js';
import type { Translate } from '../text/i18n.js';
import type { LiveState } from '../live/follow.js';
import type { EventGap, LiveSourceKind } from '../live/liveSource.js';
import type { SessionState } from '../model/pbxSession.js';

// The event inspector's host side without vscode: follows the selected session's live events, keeps the newest
// N in a ring (a reopened or reloaded panel gets them), batches them for the webview, reports gaps and the
// connection state. A "sink" is one panel's postMessage; it is attached when its webview says `ready`.

type Disposable = { dispose(): void };
type Event<T> = (listener: (value: T) => void) => Disposable;

/** What the feed needs of a PbxSession. */
export interface FeedSession {
  readonly connection: { readonly name: string };
  readonly state: SessionState;
  readonly failure: unknown;
  readonly live: LiveState;
  readonly liveSource: LiveSourceKind | undefined;
  readonly onDidReceiveEvents: Event<SimEvent[]>;
  readonly onDidChange: Event<unknown>;
  readonly onDidChangeLive: Event<LiveState>;
  readonly onDidDetectGap: Event<EventGap>;
  reconnect(): void;
}

/** What the feed needs of the SessionManager: the selected session and when it may have changed. */
export interface FeedSessions {
  readonly selected: FeedSession | undefined;
  readonly onDidChange: Event<unknown>;
}

export type Sink = (message: HostMessage) => void;

export interface InspectorFeedOptions {
  bufferSize?: number;
  t: Translate;
  /** The UI language for `init`. */
  language: string;
  /** Gathers events this long before posting them (default 50 ms)… */
  batchMs?: number;
  /** …or posts at once when this many are waiting; also the largest batch (default 2,000). */
  maxBatch?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** A fixed-capacity ring of events: the oldest are dropped when full. */
export class EventRing {
  private items: (SimEvent | undefined)[];
  private start = 0;
  private count = 0;

  constructor(private cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`bad ring capacity ${cap}`);
    this.items = new Array<SimEvent | undefined>(cap);
  }

  get capacity(): number {
    return this.cap;
  }
  get length(): number {
    return this.count;
  }

  push(events: readonly SimEvent[]): void {
    // More than fit: only the newest `cap` matter.
    const from = Math.max(0, events.length - this.cap);
    for (let i = from; i < events.length; i++) {
      const at = (this.start + this.count) % this.cap;
      this.items[at] = events[i];
      if (this.count < this.cap) this.count++;
      else this.start = (this.start + 1) % this.cap;
    }
  }

  toArray(): SimEvent[] {
    const out = new Array<SimEvent>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.start + i) % this.cap]!;
    return out;
  }

  clear(): void {
    this.items = new Array<SimEvent | undefined>(this.cap);
    this.start = 0;
    this.count = 0;
  }

  /** A new capacity; keeps the newest events that fit. */
  resize(cap: number): void {
    const keep = this.toArray();
    this.cap = cap;
    this.clear();
    this.push(keep);
  }
}

export class InspectorFeed {
  private readonly ring: EventRing;
  private readonly sinks = new Set<Sink>();
  private pending: SimEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private session: FeedSession | undefined;
  private sessionSubs: Disposable[] = [];
  private lastSeq: number | undefined;
  /** The highest seq a reported gap covers: seq-based detection does not report it twice. */
  private gapUpTo = 0;
  private lastStatus = '';
  private readonly batchMs: number;
  private readonly maxBatch: number;
  /** Test hook: the newest messages posted to the panels (at most 200). */
  readonly posted: HostMessage[] = [];
  /** Test hook: how many messages were posted in total (a mark taken from it survives the trimming of `posted`). */
  postedCount = 0;
  /** How many events were posted to panels in `events` messages, in total. */
  postedEvents = 0;

  constructor(private readonly opts: InspectorFeedOptions) {
    this.ring = new EventRing(opts.bufferSize ?? DEFAULT_INSPECTOR_BUFFER);
    this.batchMs = opts.batchMs ?? 50;
    this.maxBatch = opts.maxBatch ?? 2000;
  }

  get bufferSize(): number {
    return this.ring.capacity;
  }
  set bufferSize(size: number) {
    if (size !== this.ring.capacity) this.ring.resize(size);
  }
  /** The events held for a newly attached panel, oldest first. */
  get backlog(): SimEvent[] {
    return this.ring.toArray();
  }
  get connection(): string | null {
    return this.session?.connection.name ?? null;
  }

  /** Follows whichever session is selected. */
  follow(sessions: FeedSessions): Disposable {
    this.bind(sessions.selected);
    const sub = sessions.onDidChange(() => {
      if (sessions.selected !== this.session) this.bind(sessions.selected);
      else this.postStatus();
    });
    return { dispose: () => sub.dispose() };
  }

  /** Binds to one session's events (undefined: none); a different connection starts with an empty buffer. */
  bind(session: FeedSession | undefined): void {
    if (session === this.session) return;
    const switched = this.session !== undefined && session?.connection.name !== this.session.connection.name;
    for (const s of this.sessionSubs) s.dispose();
    this.sessionSubs = [];
    this.session = session;
    if (switched) this.clear();
    if (session) {
      this.sessionSubs.push(
        session.onDidReceiveEvents((events) => this.add(events)),
        session.onDidChange(() => this.postStatus()),
        session.onDidChangeLive(() => this.postStatus()),
        session.onDidDetectGap((gap) => this.gap(gap)),
      );
    }
    this.postStatus();
  }

  /**
   * A panel's webview is ready (first load or reload): it gets `init`, the status and the backlog, then the
   * live batches. Returns what detaches it.
   */
  attach(sink: Sink): Disposable {
    this.flush(); // what is pending went to the ring already: the backlog has it
    this.sinks.add(sink);
    this.send(sink, {
      type: 'init',
      bufferSize: this.ring.capacity,
      language: this.opts.language,
      connection: this.connection,
    });
    this.send(sink, { type: 'status', status: this.status() });
    const backlog = this.ring.toArray();
    for (let i = 0; i < backlog.length; i += this.maxBatch)
      this.send(sink, { type: 'events', events: backlog.slice(i, i + this.maxBatch) });
    return { dispose: () => this.sinks.delete(sink) };
  }

  /** New live events: into the ring, and into the next batch when a panel listens. */
  add(events: readonly SimEvent[]): void {
    if (events.length === 0) return;
    const first = events[0]!;
    if (this.lastSeq !== undefined) {
      // Missing seqs that no reported gap covers (a filled gap's events arrive in order and leave none).
      if (first.seq > this.lastSeq + 1) this.gap({ afterSeq: this.lastSeq, beforeSeq: first.seq, filled: false });
      // A smaller seq: the PBX restarted and counts from 1 again; follow on from there.
      else if (first.seq <= this.lastSeq) this.gapUpTo = 0;
    }
    this.lastSeq = events[events.length - 1]!.seq;
    this.ring.push(events);
    if (this.sinks.size === 0) return;
    for (const e of events) this.pending.push(e);
    if (this.pending.length >= this.maxBatch) {
      // Full batches go now; the rest waits for the timer.
      const full = this.pending.length - (this.pending.length % this.maxBatch);
      const ready = this.pending.slice(0, full);
      this.pending = this.pending.slice(full);
      for (let i = 0; i < ready.length; i += this.maxBatch)
        this.broadcast({ type: 'events', events: ready.slice(i, i + this.maxBatch) });
    }
    if (this.pending.length > 0) this.timer ??= setTimeout(() => this.flush(), this.batchMs);
    else if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Posts what is waiting, in batches of at most maxBatch. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += this.maxBatch)
      this.broadcast({ type: 'events', events: all.slice(i, i + this.maxBatch) });
  }

  /** Empties the buffer and every panel. */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.ring.clear();
    this.lastSeq = undefined;
    this.gapUpTo = 0;
    this.broadcast({ type: 'clear' });
  }

  /** A user asked to reconnect. */
  reconnect(): void {
    this.session?.reconnect();
  }

  /** The connection state as the webview shows it. */
  status(): ConnectionStatus {
    const { t } = this.opts;
    const s = this.session;
    if (!s) return { state: 'disconnected', connection: '', detail: t('No PBX connection selected') };
    const connection = s.connection.name;
    switch (s.state) {
      case 'signed-out':
        return { state: 'disconnected', connection, detail: t('Not signed in') };
      case 'signing-in':
        return { state: 'connecting', connection, detail: t('Signing in…') };
      case 'error':
        return { state: 'disconnected', connection, detail: errorText(s.failure, t) };
    }
    const live = s.live;
    if (live.state === 'reconnecting') {
      return {
        state: 'reconnecting',
        connection,
        detail: t('Connection lost: {0}', live.error?.message ?? ''),
        ...(live.retryInMs !== undefined ? { retryInMs: Math.round(live.retryInMs) } : {}),
      };
    }
    // Signed in but following nothing: the PBX refused the UCI sign-in (an LDAP user, a lockout) or has no UCI.
    if (live.state === 'disconnected')
      return {
        state: 'disconnected',
        connection,
        detail: s.liveSource
          ? t('Not connected')
          : t('No live events: the PBX refused the UCI sign-in or offers no UCI (see the STARFACE output)'),
      };
    if (live.state === 'connecting') return { state: 'connecting', connection };
    return {
      state: 'live',
      connection,
      detail: s.liveSource === 'poll' ? t('Following the event log') : t('UCI events'),
    };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const s of this.sessionSubs) s.dispose();
    this.sessionSubs = [];
    this.sinks.clear();
  }

  private gap(gap: EventGap): void {
    // An uncounted gap covers no seqs (a real PBX's events are numbered here without holes), so none can repeat it.
    if (!gap.uncounted && gap.beforeSeq - 1 <= this.gapUpTo) return;
    this.gapUpTo = Math.max(this.gapUpTo, gap.beforeSeq - 1);
    this.flush(); // the gap sits after what arrived before it
    this.broadcast({ type: 'gap', ...gap });
  }

  private postStatus(): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.broadcast({ type: 'status', status });
  }

  private broadcast(message: HostMessage): void {
    for (const sink of this.sinks) this.send(sink, message);
  }

  private send(sink: Sink, message: HostMessage): void {
    this.posted.push(message);
    this.postedCount++;
    if (this.posted.length > 200) this.posted.splice(0, this.posted.length - 200);
    if (message.type === 'events') this.postedEvents += message.events.length;
    try {
      sink(message);
    } catch (err) {
      this.opts.log?.('warn', `inspector: posting ${message.type} failed: ${(err as Error).message}`);
    }
  }
}
