import type { EventGap } from './liveSource.js';

/** The wait before the next attempt after `failures` failures in a row: doubling from `baseMs`, capped at `maxMs`. */
function backoffMs(failures: number, baseMs: number, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** failures);
}

/** How many recent seqs an unordered cursor remembers (more than the simulator's callback queue holds). */
const SEEN_SEQS = 4096;

export interface ResumeCursorOptions {
  /** The first wait after a failure; it doubles with each failure in a row. */
  retryBaseMs: number;
  maxBackoffMs?: number;
  /**
   * `ordered`: events arrive in seq order (the WebSocket, the event log), so anything at or below the newest seq
   * is a repeat. `unordered`: the backlogs of services subscribed one by one arrive one after the other, not in
   * seq order (XML-RPC), so a bounded window of seen seqs tells a repeat (at-least-once delivery).
   */
  order: 'ordered' | 'unordered';
  onGap?(gap: EventGap): void;
}

/**
 * Where a live source stands in the PBX's event sequence, shared by every source: the newest seq seen (the
 * sinceSeq to resume from), the PBX's boot id (a new one: it restarted, reload), what was lost while away (a
 * gap, reported once), and the back-off between attempts.
 */
export class ResumeCursor {
  private newest: number | undefined;
  private boot: string | undefined;
  /** The sinceSeq of the current subscription: a PBX further on has filled the gap after it. */
  private resumedAfter: number | undefined;
  /** The newest seq whose successors the PBX no longer had (sinceSeq refused), until the gap is reported. */
  private gone: number | undefined;
  private readonly seen = new Set<number>();
  private failures = 0;

  constructor(private readonly opts: ResumeCursorOptions) {}

  /** The newest seq seen; undefined before the first anchor (or event) and after lost() on an ordered stream. */
  get lastSeq(): number | undefined {
    return this.newest;
  }

  /** The sinceSeq for a (re)subscription whose answer tells the PBX's position (anchor): a gap it fills is reported. */
  resumeAt(): number | undefined {
    this.resumedAfter = this.newest;
    return this.newest;
  }

  /**
   * The PBX no longer holds the events after the newest seq (sinceSeq refused): the next position or event
   * reports them as an unfilled gap. An ordered stream drops its floor, so the next anchor() sets it anew.
   */
  lost(): void {
    this.gone = this.newest;
    if (this.opts.order === 'ordered') this.newest = undefined;
  }

  /**
   * The PBX's position (a subscription's answer, an event-log reply): its boot id and newest seq. True when it
   * restarted (another boot id; its seq counts from 1 again): the caller reloads everything. Reports what the PBX
   * has beyond our resume point as a gap, filled when it was asked for with resumeAt().
   */
  anchor(bootId: string | undefined, serverSeq: number | undefined): boolean {
    const restarted = this.boot !== undefined && bootId !== this.boot;
    this.boot = bootId;
    if (!restarted && typeof serverSeq === 'number') {
      if (this.resumedAfter !== undefined && serverSeq > this.resumedAfter)
        this.opts.onGap?.({ afterSeq: this.resumedAfter, beforeSeq: serverSeq + 1, filled: true });
      else if (this.gone !== undefined && serverSeq > this.gone)
        this.opts.onGap?.({ afterSeq: this.gone, beforeSeq: serverSeq + 1, filled: false });
    }
    this.gone = undefined;
    this.resumedAfter = undefined;
    if (this.newest === undefined || restarted) this.newest = serverSeq;
    return restarted;
  }

  /** One event's seq: false for a repeat. The first event after lost() reports the unfilled gap before it. */
  accept(seq: number): boolean {
    if (this.opts.order === 'ordered') {
      if (this.newest !== undefined && seq <= this.newest) return false;
    } else {
      if (this.seen.has(seq)) return false;
      this.seen.add(seq);
      if (this.seen.size > SEEN_SEQS) this.seen.delete(this.seen.values().next().value!);
    }
    if (this.gone !== undefined) {
      if (seq > this.gone + 1) this.opts.onGap?.({ afterSeq: this.gone, beforeSeq: seq, filled: false });
      this.gone = undefined;
    }
    this.newest = this.newest === undefined ? seq : Math.max(this.newest, seq);
    return true;
  }

  /** A new session on the PBX (a new login): a restarted PBX counts from 1 again, so the seen window starts empty. */
  newSession(): void {
    this.seen.clear();
  }

  /** Forgets the position (the PBX said the sinceSeq is gone and the caller reloads): the next anchor starts afresh. */
  reset(): void {
    this.newest = undefined;
    this.boot = undefined;
    this.resumedAfter = undefined;
    this.gone = undefined;
    this.seen.clear();
  }

  /** One more failure in a row: the wait before the next attempt. */
  retryIn(): number {
    this.failures++;
    return backoffMs(this.failures, this.opts.retryBaseMs, this.opts.maxBackoffMs);
  }

  /** Connected (or answered): the next failure waits the base time again. */
  resetBackoff(): void {
    this.failures = 0;
  }
}
