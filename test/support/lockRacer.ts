// A child process for the store-lock race: waits for the parent's "go" (a line on stdin), tries to take the
// data folder's lock, prints "won" or "lost", and keeps a won lock (stays alive) until its stdin closes.
import { createInterface } from 'node:readline';
import { JsonFileStore, StoreLockedError } from '../../simulator/src/state/store.js';

const store = new JsonFileStore(process.argv[2]!);
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
lines.once('line', () => {
  try {
    store.load();
    process.stdout.write('won\n');
  } catch (err) {
    process.stdout.write(err instanceof StoreLockedError ? 'lost\n' : `error ${(err as Error).message}\n`);
  }
});
lines.on('close', () => {
  store.close();
  process.exit(0);
});
