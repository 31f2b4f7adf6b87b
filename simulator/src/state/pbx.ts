import type { EventBus, EventInput } from '../events/bus.js';
import type { PbxState } from './model.js';
import type { Store } from './store.js';

export type Emit = (event: EventInput) => void;
export type Mutator<T> = (draft: PbxState, emit: Emit) => T;

/**
 * Holds the committed state and serialises every change: a change runs on a copy, is saved, and only then
 * becomes visible and its events are published. A refused change (a thrown SimError) leaves nothing behind.
 */
export class StateHolder {
  private current: PbxState;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    initial: PbxState,
  ) {
    this.current = initial;
  }

  /** The committed state. Treat it as read-only; change it only through `commit`. */
  get state(): PbxState {
    return this.current;
  }

  commit<T>(mutator: Mutator<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const draft = structuredClone(this.current);
      const events: EventInput[] = [];
      const result = mutator(draft, (e) => events.push(e));
      await this.store.save(draft);
      this.current = draft;
      for (const e of events) this.bus.publish(e);
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every change queued so far is saved. */
  async idle(): Promise<void> {
    await this.queue;
  }
}
