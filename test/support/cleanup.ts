// after/afterEach hooks: every step runs, whatever an earlier one did, so that one failure cannot leave a
// simulator, a socket or a child process behind for the next test (or file) to trip over.

/** Runs every clean-up step in order, even when one throws or rejects; then throws what failed. */
export async function cleanUp(...steps: (() => unknown)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1)
    throw new AggregateError(
      errors,
      `${errors.length} clean-up steps failed: ${errors.map((e) => (e as Error)?.message ?? String(e)).join('; ')}`,
    );
}

/** Runs `stop` for every item (in order, each even when another failed) and empties the list. */
export function each<T>(items: T[], stop: (item: T) => unknown): () => Promise<void> {
  return () => cleanUp(...items.splice(0).map((item) => () => stop(item)));
}
