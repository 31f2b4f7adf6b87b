#!/usr/bin/env node
// The browser tier: the inspector webview bundle (dist/webview) in headless Debian chromium (playwright-core) with
// a stand-in acquireVsCodeApi (test/browser/harness.mjs). Builds, makes sure chromium is there (apt-get as root,
// else the exact command), runs test/browser/*.test.ts with mocha through tsx, ends with `browser: N passed, N failed`.
// `--tls` (or STARFACE_TEST_TLS=1): the run's CA (support/testCa.mjs, as run-tier makes it) signs every simulator the
// tests start, chromium trusts it through an NSS database (chromiumTrust.mjs); the line then reads `browser-tls: …`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestCa, tlsRequested } from '../support/testCa.mjs';
import { ensureDebianPackages, ProvisionError, root } from '../vscode/provision.mjs';
import { chromiumHomeTrusting } from './chromiumTrust.mjs';

const tls = tlsRequested();
const TIER = tls ? 'browser-tls' : 'browser';
const fail = (msg) => {
  console.error(`[browser] ${msg}`);
  console.log(`${TIER}: 0 passed, 1 failed`);
  process.exit(1);
};

// `npm test` (run-all.mjs) has built the bundles already and says so with STARFACE_BUILT=1.
if (process.env.STARFACE_BUILT !== '1') {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) fail(`node esbuild.mjs failed (exit ${build.status})`);
}
try {
  await ensureDebianPackages({ build: false });
} catch (e) {
  fail(e instanceof ProvisionError ? e.message.replace('the vscode tier', 'the browser tier') : e?.stack || String(e));
}
const env = { ...process.env, TEST_TIER: TIER };
let ca;
if (tls) {
  try {
    ca = makeTestCa();
    Object.assign(env, ca.env, {
      STARFACE_TEST_CHROMIUM_HOME: await chromiumHomeTrusting(ca.dir, (m) => console.error(`[browser] ${m}`)),
    });
  } catch (e) {
    ca?.remove();
    fail(e instanceof ProvisionError ? e.message : e?.stack || String(e));
  }
}
const files = readdirSync(join(root, 'test', 'browser'))
  .filter((f) => f.endsWith('.test.ts'))
  .sort()
  .map((f) => join('test', 'browser', f));
if (files.length === 0) {
  ca?.remove();
  fail('no test files in test/browser');
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
    '60000',
    '--exit',
    ...process.argv.slice(2).filter((a) => a !== '--tls'),
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env },
);
ca?.remove();
process.exit(result.status ?? 1);
