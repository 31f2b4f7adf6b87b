import type { SimEvent } from '../../../shared/schemas/events.js';
import type { PbxApi } from './api.js';
import { backoffMs } from './liveEvents.js';

export interface EventPollerOptions {
  intervalMs?: number;
  maxBackoffMs?: number;
  onEvents(events: SimEvent[]): void;
  onError?(err: unknown, retryInMs: number): void;
  /** The simulator restarted (its bootId changed) or events were lost (410): reload everything. */
  onResync?(): void;
}

/**
 * Follows the simulator's event log (`GET /rest/sim/events?sinceSeq=`) so the tree refreshes itself. Failures
 * back off exponentially; a lost sequence or a restarted simulator asks for a full reload.
 */
export class EventPoller {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastSeq: number | undefined;
  private bootId: string | undefined;
  private failures = 0;
  private stopped = true;

  constructor(
    private readonly api: PbxApi,
    private readonly opts: EventPollerOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    const interval = this.opts.intervalMs ?? 1000;
    try {
      // First contact asks from beyond the end: no history, just where "now" is.
      const reply = await this.api.events(this.lastSeq ?? Number.MAX_SAFE_INTEGER, 1000);
      if (this.stopped) return;
      if (this.lastSeq === undefined || (this.bootId !== undefined && reply.bootId !== this.bootId)) {
        // First contact or a restarted simulator: start from now, the caller reloads everything.
        const resync = this.bootId !== undefined;
        this.bootId = reply.bootId;
        this.lastSeq = reply.lastSeq;
        if (resync) this.opts.onResync?.();
      } else if (reply.events.length) {
        this.lastSeq = reply.events[reply.events.length - 1]!.seq;
        this.opts.onEvents(reply.events);
      }
      this.failures = 0;
      this.schedule(reply.events.length >= 1000 ? 0 : interval);
    } catch (err) {
      if (this.stopped) return;
      const status = (err as { status?: number }).status;
      if (status === 410) {
        this.lastSeq = undefined;
        this.bootId = undefined;
        this.opts.onResync?.();
        this.schedule(0);
        return;
      }
      this.failures++;
      const retry = backoffMs(this.failures, interval, this.opts.maxBackoffMs);
      this.opts.onError?.(err, retry);
      this.schedule(retry);
    }
  }
}
