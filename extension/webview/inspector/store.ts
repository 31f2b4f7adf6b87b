// The webview's event buffer: a ring of the newest `capacity` events, and the rows the filters let through.
// Pure (no DOM): unit-tested in test/unit/inspector-store.test.ts.
import type { SimEvent } from '../../../shared/schemas/events.js';
import type { InspectorState } from '../../../shared/schemas/inspector.js';

export type Filters = InspectorState['filters'];
export const EMPTY_FILTERS: Filters = { services: [], event: '', user: '', callId: '', text: '' };
/** Mirrors DEFAULT_INSPECTOR_BUFFER (shared/schemas/inspector.ts) without pulling zod into the bundle. */
export const DEFAULT_BUFFER = 50_000;
export const CALL_SERVICE = 'ucp.v22.events.call';

const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

/** The UCI call id of an event (call-state `id`, or a `callId` field), or ''. */
export function callIdOf(e: SimEvent): string {
  if (e.service === CALL_SERVICE) return str(e.data.id);
  return str(e.data.callId);
}

/** The user the event is about: the login (or user id), else a number. */
export function userOf(e: SimEvent): string {
  const d = e.data;
  return str(d.login) || str(d.userId) || str(d.number) || str(d.callerNumber) || str(d.user);
}

/** A one-line summary for the table. */
export function summaryOf(e: SimEvent): string {
  const d = e.data;
  if (e.service === CALL_SERVICE) {
    const caller = [str(d.callerNumber), str(d.callerName)].filter(Boolean).join(' ');
    const called = [str(d.calledNumber), str(d.calledName)].filter(Boolean).join(' ');
    return `${str(d.state)} ${caller} → ${called}`;
  }
  let out = '';
  for (const [k, v] of Object.entries(d)) {
    const s = typeof v === 'object' && v !== null ? (Array.isArray(v) ? `[${v.length}]` : '{…}') : str(v);
    out += `${out ? ', ' : ''}${k}=${s}`;
    if (out.length > 160) break;
  }
  return out;
}

function lower(s: string): string {
  return s.trim().toLowerCase();
}

/** A compiled filter: `test(e, haystack)` where haystack is the lower-case JSON of the event (only asked for with text). */
export class CompiledFilter {
  readonly services: Set<string> | null;
  readonly event: string;
  readonly user: string;
  readonly callId: string;
  readonly text: string;

  constructor(f: Filters) {
    this.services = f.services.length ? new Set(f.services) : null;
    this.event = lower(f.event);
    this.user = lower(f.user);
    this.callId = lower(f.callId);
    this.text = lower(f.text);
  }

  get empty(): boolean {
    return !this.services && !this.event && !this.user && !this.callId && !this.text;
  }

  /** Without the free text (cheap fields only). */
  testFields(e: SimEvent): boolean {
    if (this.services && !this.services.has(e.service)) return false;
    if (this.event && !e.event.toLowerCase().includes(this.event)) return false;
    if (this.user) {
      const d = e.data;
      const login = str(d.login).toLowerCase();
      if (login !== this.user && str(d.userId) !== this.user && !login.includes(this.user)) return false;
    }
    if (this.callId && !callIdOf(e).toLowerCase().includes(this.callId)) return false;
    return true;
  }
}

export function haystackOf(e: SimEvent): string {
  return JSON.stringify(e).toLowerCase();
}

/** True when `e` passes every filter in `f`. */
export function matches(e: SimEvent, f: Filters | CompiledFilter): boolean {
  const c = f instanceof CompiledFilter ? f : new CompiledFilter(f);
  if (!c.testFields(e)) return false;
  return !c.text || haystackOf(e).includes(c.text);
}

/**
 * A ring buffer of events plus the filtered view, kept in step as events arrive and the oldest are evicted.
 * Logical index 0 is the oldest event kept.
 */
export class EventStore {
  private ring: (SimEvent | undefined)[];
  private hay: (string | undefined)[];
  private head = 0; // ring index of the oldest
  private count = 0;
  private filter = new CompiledFilter(EMPTY_FILTERS);
  private rawFilters: Filters = EMPTY_FILTERS;
  private view: SimEvent[] = []; // filtered rows, oldest first, from viewHead on
  private viewHead = 0;
  /** Events dropped from the ring since the last clear. */
  evicted = 0;
  /** Every service seen since the last clear, in first-seen order. */
  readonly services = new Set<string>();

  constructor(private cap = DEFAULT_BUFFER) {
    const capacity = cap;
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError('capacity must be a positive integer');
    this.ring = new Array<SimEvent | undefined>(capacity);
    this.hay = new Array<string | undefined>(capacity);
  }

  get capacity(): number {
    return this.cap;
  }

  /** Changes the capacity, keeping the newest events that fit. */
  resize(capacity: number): void {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError('capacity must be a positive integer');
    if (capacity === this.cap) return;
    const keep = this.all().slice(-capacity);
    const evicted = this.evicted + (this.count - keep.length);
    this.cap = capacity;
    this.clear();
    this.push(keep);
    this.evicted = evicted;
  }

  get size(): number {
    return this.count;
  }

  /** The number of rows the filters let through. */
  get filteredSize(): number {
    return this.view.length - this.viewHead;
  }

  /** The filters as last set (as typed, not normalised). */
  get filters(): Filters {
    return this.rawFilters;
  }

  /** The i-th kept event, oldest first. */
  at(i: number): SimEvent | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.ring[(this.head + i) % this.cap];
  }

  /** The i-th filtered row, oldest first. */
  row(i: number): SimEvent | undefined {
    if (i < 0 || i >= this.filteredSize) return undefined;
    return this.view[this.viewHead + i];
  }

  /** Index in the filtered rows of the event with this seq (the newest such), or -1. */
  rowIndexOfSeq(seq: number): number {
    // Rows are mostly in seq order: binary search, then a linear fallback.
    let lo = this.viewHead;
    let hi = this.view.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.view[mid]!.seq;
      if (s === seq) return mid - this.viewHead;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    for (let i = this.view.length - 1; i >= this.viewHead; i--) if (this.view[i]!.seq === seq) return i - this.viewHead;
    return -1;
  }

  all(): SimEvent[] {
    const out = new Array<SimEvent>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.ring[(this.head + i) % this.cap]!;
    return out;
  }

  filtered(): SimEvent[] {
    return this.view.slice(this.viewHead);
  }

  /** Appends events; the oldest ones beyond the capacity are evicted. Answers how many rows were added to the view. */
  push(events: readonly SimEvent[]): number {
    let added = 0;
    const f = this.filter;
    for (const e of events) {
      let slot: number;
      if (this.count === this.cap) {
        slot = this.head;
        const old = this.ring[slot];
        if (old !== undefined && this.viewHead < this.view.length && this.view[this.viewHead] === old) this.viewHead++;
        this.head = (this.head + 1) % this.cap;
        this.evicted++;
      } else {
        slot = (this.head + this.count) % this.cap;
        this.count++;
      }
      this.ring[slot] = e;
      this.hay[slot] = undefined;
      if (!this.services.has(e.service)) this.services.add(e.service);
      if (f.empty || this.test(slot, e)) {
        this.view.push(e);
        added++;
      }
    }
    this.compactView();
    return added;
  }

  /** Replaces the filters and rebuilds the view. */
  setFilters(filters: Filters): void {
    this.rawFilters = { ...filters, services: [...filters.services] };
    this.filter = new CompiledFilter(filters);
    this.rebuild();
  }

  clear(): void {
    this.ring = new Array<SimEvent | undefined>(this.cap);
    this.hay = new Array<string | undefined>(this.cap);
    this.head = 0;
    this.count = 0;
    this.view = [];
    this.viewHead = 0;
    this.evicted = 0;
    this.services.clear();
  }

  /** Every kept event with this call id (exact), oldest first. */
  byCallId(id: string): SimEvent[] {
    const out: SimEvent[] = [];
    if (!id) return out;
    for (let i = 0; i < this.count; i++) {
      const e = this.ring[(this.head + i) % this.cap]!;
      if (e.service === CALL_SERVICE && e.data.id === id) out.push(e);
    }
    return out;
  }

  /** Every kept call-state event (for the per-call view). */
  callEvents(): SimEvent[] {
    const out: SimEvent[] = [];
    for (let i = 0; i < this.count; i++) {
      const e = this.ring[(this.head + i) % this.cap]!;
      if (e.service === CALL_SERVICE) out.push(e);
    }
    return out;
  }

  private test(slot: number, e: SimEvent): boolean {
    const f = this.filter;
    if (!f.testFields(e)) return false;
    if (!f.text) return true;
    let h = this.hay[slot];
    if (h === undefined) this.hay[slot] = h = haystackOf(e);
    return h.includes(f.text);
  }

  private rebuild(): void {
    const view: SimEvent[] = [];
    const f = this.filter;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.cap;
      const e = this.ring[slot]!;
      if (f.empty || this.test(slot, e)) view.push(e);
    }
    this.view = view;
    this.viewHead = 0;
  }

  private compactView(): void {
    if (this.viewHead > 4096 && this.viewHead * 2 > this.view.length) {
      this.view = this.view.slice(this.viewHead);
      this.viewHead = 0;
    }
  }
}
