import { performance } from 'node:perf_hooks';

/** Thrown out of a wait when the story is stopped. */
export class StoryStopped extends Error {
  constructor() {
    super('the story was stopped');
  }
}

/**
 * The story's clock: waits that a pause holds (the rest of the wait runs on after the resume) and a stop ends at
 * once. Pausing never interrupts an action in flight: a call being placed completes, the next wait holds.
 */
export class Pacer {
  paused = false;
  stopped = false;
  private wake: (() => void) | undefined;

  async sleep(ms: number): Promise<void> {
    let remaining = ms;
    for (;;) {
      if (this.stopped) throw new StoryStopped();
      if (this.paused) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (remaining <= 0) return;
      const started = performance.now();
      const elapsed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), remaining);
        this.wake = () => {
          clearTimeout(timer);
          resolve(false);
        };
      });
      remaining -= performance.now() - started;
      if (elapsed) remaining = 0;
    }
  }

  pause(): void {
    this.paused = true;
    this.wake?.();
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
}
