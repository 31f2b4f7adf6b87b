#!/usr/bin/env node
// The browser tier: the inspector webview bundle (dist/webview) in headless Debian chromium (playwright-core) with
// a stand-in acquireVsCodeApi (test/browser/harness.mjs). Builds, makes sure chromium is there (apt-get as root,
// else the exact command), runs test/browser/*.test.ts with mocha through tsx, ends with `browser: N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackages, ProvisionError, root } from '../vscode/provision.mjs';

const TIER = 'browser';
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
const files = readdirSync(join(root, 'test', 'browser'))
  .filter((f) => f.endsWith('.test.ts'))
  .sort()
  .map((f) => join('test', 'browser', f));
if (files.length === 0) fail('no test files in test/browser');
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
    ...process.argv.slice(2),
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TEST_TIER: TIER } },
);
process.exit(result.status ?? 1);
