import assert from 'node:assert/strict';
import {
  browserResult,
  findBrowsers,
  judgeBrowser,
  parseBrowserVersion,
  plistVersion,
  type BrowserProbe,
} from '../../../extension/src/prerequisites/browser.js';

describe('unit: prerequisites R5 — browser versions', () => {
  // [output of --version / plist / registry, product, version, verdict against 90.0.4430.72]
  const TABLE: [string, string | null, string | null, 'pass' | 'warn' | 'fail' | null][] = [
    ['Google Chrome 120.0.6099.109', 'chrome', '120.0.6099.109', 'pass'],
    ['Google Chrome 120.0.6099.109 \n', 'chrome', '120.0.6099.109', 'pass'],
    ['Chromium 89.0.4389.114 built on Debian 11.1, running on Debian 11.2', 'chromium', '89.0.4389.114', 'fail'],
    ['Microsoft Edge 91.0.864.59', 'edge', '91.0.864.59', 'pass'],
    ['Microsoft Edge 90.0.818.39', 'edge', '90.0.818.39', 'warn'],
    ['Microsoft Edge 89.0.774.77', 'edge', '89.0.774.77', 'fail'],
    ['Google Chrome 90.0.4430.72', 'chrome', '90.0.4430.72', 'pass'],
    ['Google Chrome 90.0.4430.71', 'chrome', '90.0.4430.71', 'fail'],
    ['Google Chrome 90.0.4431.0 dev', 'chrome', '90.0.4431.0', 'pass'],
    ['Google Chrome 100.0.4896.60 unknown', 'chrome', '100.0.4896.60', 'pass'],
    ['Chromium 156.0.8078.108 snap', 'chromium', '156.0.8078.108', 'pass'],
    ['    version    REG_SZ    119.0.6045.200', null, '119.0.6045.200', null],
    ['Google Chrome 9.0.597.0', 'chrome', '9.0.597.0', 'fail'],
    ['Google Chrome', null, null, null],
    ['not a browser at all', null, null, null],
    ['', null, null, null],
    ['Google Chrome 120.0', null, null, null],
  ];

  for (const [output, product, version, verdict] of TABLE) {
    it(`${JSON.stringify(output)} → ${version ?? 'no version'}${verdict ? ` (${verdict})` : ''}`, () => {
      const parsed = parseBrowserVersion(output);
      if (version === null) {
        assert.equal(parsed, null);
        return;
      }
      assert.equal(parsed?.version, version);
      assert.equal(parsed?.product, product);
      if (verdict && product) assert.equal(judgeBrowser({ product: product as 'chrome', version }), verdict);
    });
  }

  it('reads CFBundleShortVersionString from an Info.plist', () => {
    const plist =
      '<plist><dict><key>CFBundleName</key><string>Chrome</string>\n<key>CFBundleShortVersionString</key>\n\t<string>121.0.6167.85</string></dict></plist>';
    assert.equal(plistVersion(plist), '121.0.6167.85');
    assert.equal(plistVersion('<plist></plist>'), null);
  });

  function probe(over: Partial<BrowserProbe>): BrowserProbe {
    return {
      platform: 'linux',
      env: {},
      home: '/home/u',
      run: async () => null,
      readFile: async () => null,
      exists: async () => false,
      listDir: async () => null,
      ...over,
    };
  }

  it('Linux: commands on PATH, asked for --version', async () => {
    const found = await findBrowsers(
      probe({
        env: { PATH: '/usr/local/bin:/usr/bin' },
        exists: async (p) => p === '/usr/bin/chromium' || p === '/usr/bin/microsoft-edge',
        run: async (file) =>
          file === '/usr/bin/chromium' ? 'Chromium 89.0.4389.114 built on Debian\n' : 'Microsoft Edge 118.0.2088.46\n',
      }),
    );
    assert.deepEqual(found, [
      { product: 'chromium', version: '89.0.4389.114', path: '/usr/bin/chromium' },
      { product: 'edge', version: '118.0.2088.46', path: '/usr/bin/microsoft-edge' },
    ]);
    const r = browserResult(found);
    assert.equal(r.status, 'pass', 'one browser that meets it is enough');
    assert.match(
      r.message,
      /^Microsoft Edge 118\.0\.2088\.46 \(\/usr\/bin\/microsoft-edge\) meets 90\.0\.4430\.72\. Also found: Chromium 89/,
    );
  });

  it('macOS: /Applications/*.app/Contents/Info.plist', async () => {
    const found = await findBrowsers(
      probe({
        platform: 'darwin',
        readFile: async (p) =>
          p === '/Applications/Google Chrome.app/Contents/Info.plist'
            ? '<key>CFBundleShortVersionString</key><string>88.0.4324.96</string>'
            : null,
      }),
    );
    assert.deepEqual(found, [{ product: 'chrome', version: '88.0.4324.96', path: '/Applications/Google Chrome.app' }]);
    const r = browserResult(found);
    assert.equal(r.status, 'fail');
    assert.match(r.message, /is older than 90\.0\.4430\.72/);
  });

  it('Windows: the registry (BLBeacon) and the version folders under Program Files', async () => {
    const found = await findBrowsers(
      probe({
        platform: 'win32',
        env: { ProgramFiles: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' },
        run: async (_file, args) =>
          args[1] === 'HKCU\\Software\\Microsoft\\Edge\\BLBeacon'
            ? '\r\nHKEY_CURRENT_USER\\Software\\Microsoft\\Edge\\BLBeacon\r\n    version    REG_SZ    120.0.2210.91\r\n'
            : null,
        listDir: async (p) =>
          p === 'C:\\Program Files\\Google\\Chrome\\Application'
            ? ['119.0.6045.200', '120.0.6099.109', 'SetupMetrics', 'chrome.exe']
            : null,
      }),
    );
    assert.deepEqual(found, [
      { product: 'edge', version: '120.0.2210.91', path: 'HKCU\\Software\\Microsoft\\Edge\\BLBeacon' },
      { product: 'chrome', version: '120.0.6099.109', path: 'C:\\Program Files\\Google\\Chrome\\Application' },
    ]);
  });

  it('nothing found fails with the rule’s words', async () => {
    const r = browserResult(await findBrowsers(probe({})));
    assert.equal(r.status, 'fail');
    assert.equal(r.message, 'No Chrome, Chromium or Edge was found.');
    assert.equal(r.guide, 'Chrome … Version 90.0.4430.72 oder höher');
  });
});
