import { performance } from 'node:perf_hooks';
import type { ReplayAccepted, ReplayEvent } from '../../../shared/schemas/uci.js';
import type { EventBus } from './bus.js';

/**
 * Events published in one go at most; then the event loop gets a turn (sockets drain, requests run). Small on
 * purpose: the UCI transport holds a tick's frames until the tick ends (one write per socket), so the first
 * event of a catch-up waits for the whole burst to be dispatched to every subscriber — 500 at a time made that
 * tens of milliseconds at 200 subscribers.
 */
const MAX_BURST = 25;

/**
 * Plays recorded events back to subscribers: each becomes a new event on the bus (new seq, new time) with
 * its service and event name kept and `data.replayed: true`, `data.originalSeq`, `data.originalTime` added.
 * The original spacing is kept, divided by `speed`.
 */
export class Replayer {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly bus: EventBus) {}

  schedule(events: readonly ReplayEvent[], speed: number, delayMs: number): ReplayAccepted {
    const t0 = Date.parse(events[0]!.time);
    const offsets: number[] = [];
    let prev = 0;
    for (const e of events) {
      // Out-of-order times (a hand-edited file) play at once instead of going back in time.
      prev = Math.max(prev, (Date.parse(e.time) - t0) / speed);
      offsets.push(prev);
    }
    const start = performance.now() + delayMs;
    let i = 0;
    const tick = () => {
      if (this.stopped) return;
      const elapsed = performance.now() - start;
      let burst = 0;
      while (i < events.length && offsets[i]! <= elapsed && burst++ < MAX_BURST) this.publish(events[i++]!);
      if (i >= events.length) return;
      const wait = offsets[i]! - (performance.now() - start);
      // Behind the schedule (a burst, or a late timer): go on after the I/O of this turn, not a timer's 1 ms later.
      if (wait <= 0) setImmediate(tick);
      else this.after(wait, tick);
    };
    this.after(delayMs, tick);
    return { scheduled: events.length, durationMs: Math.round(prev * 1000) / 1000, startsInMs: delayMs };
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    this.timers.add(t);
  }

  private publish(e: ReplayEvent): void {
    this.bus.publish({
      service: e.service,
      event: e.event,
      data: { ...e.data, replayed: true, ...(e.seq !== undefined ? { originalSeq: e.seq } : {}), originalTime: e.time },
    });
  }
}
