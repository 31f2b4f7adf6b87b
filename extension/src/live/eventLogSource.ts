import type { PbxApi } from '../pbx/api.js';
import type { LiveSource, LiveSourceOptions } from './liveSource.js';
import { ResumeCursor } from './resumeCursor.js';

export interface EventLogSourceOptions extends LiveSourceOptions {
  intervalMs?: number;
}

/** One request's worth: a fuller answer is followed at once by the next request. */
const PAGE = 1000;

/**
 * Follows the simulator's event log (`GET /rest/sim/events?sinceSeq=`), where no UCI is offered. Failures back
 * off exponentially from the interval; a lost sequence (410) or a restarted simulator asks for a full reload.
 * Its errors go to onError as they are: which of them mean "signed out" is the caller's call.
 */
export class EventLogSource implements LiveSource {
  readonly kind = 'poll';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly cursor: ResumeCursor;
  private readonly intervalMs: number;
  private stopped = true;
  private answered = false;

  constructor(
    private readonly api: PbxApi,
    private readonly opts: EventLogSourceOptions,
  ) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.cursor = new ResumeCursor({
      order: 'ordered',
      retryBaseMs: this.intervalMs,
      maxBackoffMs: opts.maxBackoffMs,
      onGap: (gap) => opts.onGap?.(gap),
    });
  }

  /** Polling, and the last poll answered. */
  get connected(): boolean {
    return !this.stopped && this.answered;
  }

  /** Following as soon as started: the first poll only tells where "now" is. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
    this.opts.onState?.({ state: 'live' });
  }

  /** Polling holds no connection to re-establish: the next poll comes on its own. */
  reconnectNow(): void {}

  stop(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.opts.onState?.({ state: 'stopped' });
    return Promise.resolve();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    try {
      // First contact asks from beyond the end: no history, just where "now" is.
      const reply = await this.api.events(this.cursor.lastSeq ?? Number.MAX_SAFE_INTEGER, PAGE);
      if (this.stopped) return;
      const fresh = this.cursor.lastSeq === undefined;
      // First contact or a restarted simulator: start from now, the caller reloads everything.
      if (this.cursor.anchor(reply.bootId, reply.lastSeq)) this.opts.onResync?.();
      else if (!fresh) {
        const events = reply.events.filter((e) => this.cursor.accept(e.seq));
        if (events.length) this.opts.onEvents(events);
      }
      this.answered = true;
      this.cursor.resetBackoff();
      this.schedule(reply.events.length >= PAGE ? 0 : this.intervalMs);
    } catch (err) {
      if (this.stopped) return;
      this.answered = false;
      const status = (err as { status?: number }).status;
      if (status === 410) {
        this.cursor.reset();
        this.opts.onResync?.();
        this.schedule(0);
        return;
      }
      const retry = this.cursor.retryIn();
      const error = err instanceof Error ? err : new Error(String(err));
      this.opts.onError?.(error, retry);
      // onError may have stopped it (signed out): then nothing more.
      if (this.stopped) return;
      this.opts.onState?.({ state: 'reconnecting', error, retryInMs: retry });
      this.schedule(retry);
    }
  }
}
