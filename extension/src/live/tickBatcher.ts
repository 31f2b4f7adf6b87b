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
