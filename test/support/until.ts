// Waiting in tests for something that happens asynchronously (an event, a diagnostic, a state), with a bound.
import assert from 'node:assert/strict';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Falsy = undefined | null | false;

/**
 * Polls `check` (which may be async, e.g. a REST request) every `everyMs` until it gives a truthy value, which it
 * returns; fails after `ms` naming `what`.
 */
export async function until<T>(
  what: string,
  check: () => T | Falsy | Promise<T | Falsy>,
  ms = 10_000,
  everyMs = 25,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() - started > ms) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
