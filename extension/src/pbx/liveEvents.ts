/** What the live-event followers (UCI WebSocket, UCI over XML-RPC, the event-log poller) share. */

/** The wait before the next attempt after `failures` failures in a row: doubling from `baseMs`, capped at `maxMs`. */
export function backoffMs(failures: number, baseMs: number, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** failures);
}

/** Hands what arrives within one tick over as one batch (one refresh for a burst); nothing once stopped. */
export class TickBatcher<T> {
  private items: T[] = [];

  constructor(
    private readonly deliver: (items: T[]) => void,
    private readonly stopped: () => boolean,
  ) {}

  push(item: T): void {
    if (this.items.push(item) !== 1) return;
    queueMicrotask(() => {
      const items = this.items;
      this.items = [];
      if (!this.stopped()) this.deliver(items);
    });
  }
}
