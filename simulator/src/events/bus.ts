import { randomUUID } from 'node:crypto';
import type { SimEvent } from '../../../shared/schemas/events.js';

export type EventInput = Pick<SimEvent, 'service' | 'event' | 'data'>;
export type EventListener = (event: SimEvent) => void;

/**
 * The one place every happening becomes an event. `seq` is contiguous within a run of the simulator and
 * starts at 1; `bootId` tells runs apart. The newest events are kept in a ring for replay.
 */
export class EventBus {
  readonly bootId = randomUUID();
  private readonly ring: (SimEvent | undefined)[];
  private next = 1;
  private readonly listeners = new Set<EventListener>();

  constructor(readonly capacity = 10_000) {
    this.ring = new Array<SimEvent | undefined>(capacity);
  }

  get lastSeq(): number {
    return this.next - 1;
  }

  /** The oldest seq still in the ring (lastSeq + 1 when empty). */
  get oldestSeq(): number {
    return Math.max(1, this.next - this.capacity);
  }

  /** True when events after sinceSeq have already dropped out of the ring, so a replay would miss some. */
  isGone(sinceSeq: number): boolean {
    return sinceSeq + 1 < this.oldestSeq && sinceSeq < this.lastSeq;
  }

  publish(input: EventInput): SimEvent {
    const event: SimEvent = { seq: this.next++, time: new Date().toISOString(), ...input };
    this.ring[event.seq % this.capacity] = event;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing subscriber must not stop the others or the write that caused the event.
      }
    }
    return event;
  }

  /** Events with seq > sinceSeq, oldest first, at most `limit`. */
  since(sinceSeq: number, limit = Number.POSITIVE_INFINITY): SimEvent[] {
    const out: SimEvent[] = [];
    for (let seq = Math.max(sinceSeq + 1, this.oldestSeq); seq < this.next && out.length < limit; seq++) {
      out.push(this.ring[seq % this.capacity]!);
    }
    return out;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
