// The one CA of a test run over TLS (`--tls` or STARFACE_TEST_TLS=1), shared by every tier's runner
// (test/run-tier.mjs, test/browser/run.mjs, test/vscode/run.mjs): made into a private temp folder before the tests
// start, passed to them as STARFACE_TEST_TLS_CA (test/support/testTls.ts signs every simulator with it) and trusted
// for Node through NODE_EXTRA_CA_CERTS. Verification stays on everywhere.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** True when the runner was asked for a TLS run. */
export function tlsRequested(argv = process.argv) {
  return argv.includes('--tls') || process.env.STARFACE_TEST_TLS === '1';
}

/**
 * Makes the run's CA; answers its folder (ca.pem, ca-key.pem), the environment the tests get and a remove function,
 * or throws when the CA could not be made.
 */
export function makeTestCa() {
  const dir = mkdtempSync(join(tmpdir(), 'starface-test-ca-'));
  const made = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/make-test-ca.ts', dir], {
    cwd: root,
    stdio: 'inherit',
  });
  if (made.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not make the test CA (make-test-ca.ts exit ${made.status})`);
  }
  return {
    dir,
    env: { STARFACE_TEST_TLS: '1', STARFACE_TEST_TLS_CA: dir, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
