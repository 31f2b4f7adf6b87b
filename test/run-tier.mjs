#!/usr/bin/env node
// Runs one test tier with mocha (TypeScript through tsx) and ends with `<tier>: N passed, N failed`.
// `--tls` (or STARFACE_TEST_TLS=1): the simulators the test support starts speak HTTPS/WSS/SIP over TLS, signed by a
// CA made into a temp folder (support/testCa.mjs) and trusted through NODE_EXTRA_CA_CERTS; the line then reads `<tier>-tls: …`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestCa, tlsRequested } from './support/testCa.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TIERS = {
  unit: { timeout: 10_000 },
  simulator: { timeout: 30_000 },
  contract: { timeout: 30_000 },
};

const tier = process.argv[2];
if (!TIERS[tier]) {
  console.error(`usage: run-tier.mjs <${Object.keys(TIERS).join('|')}> [mocha args]`);
  process.exit(2);
}
const dir = join(root, 'test', tier);
const files = existsSync(dir)
  ? readdirSync(dir, { recursive: true })
      .filter((f) => String(f).endsWith('.test.ts'))
      .map((f) => join('test', tier, String(f)))
  : [];
if (files.length === 0) {
  console.error(`${tier}: no test files in test/${tier}`);
  console.log(`${tier}: 0 passed, 1 failed`);
  process.exit(1);
}
// Test files named after the tier run alone (`node test/run-tier.mjs simulator test/simulator/cli.test.ts`); any
// other argument goes to mocha (`--grep "title"`).
const tls = tlsRequested();
const extra = process.argv.slice(3).filter((a) => a !== '--tls');
const chosen = extra.filter((a) => a.endsWith('.test.ts'));
const mochaArgs = extra.filter((a) => !a.endsWith('.test.ts'));
const missing = chosen.filter((f) => !existsSync(join(root, f)));
if (missing.length) {
  console.error(`${tier}: no such test file: ${missing.join(', ')}`);
  console.log(`${tier}: 0 passed, 1 failed`);
  process.exit(1);
}
const env = { ...process.env, TEST_TIER: tls ? `${tier}-tls` : tier };
let ca;
if (tls) {
  try {
    ca = makeTestCa();
  } catch (e) {
    console.error(`${tier}-tls: ${e.message}`);
    console.log(`${tier}-tls: 0 passed, 1 failed`);
    process.exit(1);
  }
  Object.assign(env, ca.env);
}
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    mocha,
    '--reporter',
    join(root, 'test/support/tier-reporter.cjs'),
    '--timeout',
    String(TIERS[tier].timeout),
    '--exit',
    ...mochaArgs,
    ...(chosen.length ? chosen : files.sort()),
  ],
  { cwd: root, stdio: 'inherit', env },
);
ca?.remove();
process.exit(result.status ?? 1);
