// R5 with the real probe on this machine: whatever Chromium/Chrome/Edge is on PATH is found with the version it
// reports itself (the browser tier apt-installs Debian's chromium, so on a fresh machine it may not be there yet:
// then the check must say nothing was found).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { checkBrowser, findBrowsers } from '../../extension/src/prerequisites/browser.js';

const NAMES = [
  'google-chrome',
  'google-chrome-stable',
  'chromium',
  'chromium-browser',
  'microsoft-edge',
  'microsoft-edge-stable',
];

/** The browsers on PATH and what they say of themselves, found without the code under test. */
function onPath(): Array<{ path: string; version: string }> {
  const seen: Array<{ path: string; version: string }> = [];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of NAMES) {
      const path = join(dir, name);
      // /bin and /usr/bin are one folder on merged-/usr systems: one browser, two paths.
      if (!existsSync(path) || seen.some((s) => realpathSync(s.path) === realpathSync(path))) continue;
      try {
        const out = execFileSync(path, ['--version'], {
          encoding: 'utf8',
          timeout: 10_000,
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        const version = /(\d+\.\d+\.\d+\.\d+)/.exec(out)?.[1];
        if (version) seen.push({ path, version });
      } catch {
        // Not runnable here: the check may skip it too.
      }
    }
  }
  return seen;
}

describe('simulator: prerequisites R5 with the real probe on this machine', function () {
  this.timeout(30_000);

  it('finds the browsers on PATH with the versions they report, and judges them', async function () {
    // The PATH names below are Linux's; other systems are covered by the probe tests in test/unit/prerequisites.
    if (process.platform !== 'linux') this.skip();
    const expected = onPath();
    const found = await findBrowsers(undefined, 10_000);
    for (const e of expected) {
      const f = found.find((b) => realpathSync(b.path) === realpathSync(e.path));
      assert.ok(f, `${e.path} (${e.version}) was not found; found ${JSON.stringify(found)}`);
      assert.equal(f.version, e.version);
    }
    const r = await checkBrowser(undefined, 10_000);
    assert.equal(r.id, 'R5');
    if (expected.length === 0) assert.equal(r.status, 'fail', r.message);
    else assert.match(r.message, new RegExp(expected[0]!.version.replace(/\./g, '\\.')));
  });
});
