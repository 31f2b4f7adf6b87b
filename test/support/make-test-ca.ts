// Run by test/run-tier.mjs --tls through tsx: makes the CA that every simulator of the run signs with.
import { ensureCa } from '../../simulator/src/tls/folder.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: make-test-ca.ts DIR');
ensureCa(dir, 'test run').catch((err: unknown) => {
  process.stderr.write(`make-test-ca: ${(err as Error).message}\n`);
  process.exit(1);
});
