import assert from 'node:assert/strict';
import {
  bypassCovers,
  envFindings,
  findProxies,
  noProxyCovers,
  parseScutil,
  parseWindowsInternetSettings,
  proxyResult,
  redactProxy,
  systemFindings,
  type SystemProxyReader,
} from '../../../extension/src/prerequisites/proxy.js';

const statusOf = async (opts: Parameters<typeof findProxies>[0]) =>
  proxyResult(await findProxies({ system: false, ...opts }));

describe('unit: prerequisites R7 — proxy', () => {
  it('no variables: pass', async () => {
    const r = await statusOf({ env: { PATH: '/usr/bin' } });
    assert.equal(r.status, 'pass');
    assert.equal(r.message, 'No HTTPS proxy is configured.');
  });

  for (const name of ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy']) {
    it(`${name} fails`, async () => {
      const r = await statusOf({ env: { [name]: 'http://proxy.corp.test:3128' } });
      assert.equal(r.status, 'fail');
      assert.match(r.message, new RegExp(`${name} = proxy\\.corp\\.test:3128`));
      assert.equal(r.i18n?.fix?.en, 'Exempt the three hosts from the proxy (NO_PROXY) or remove it.');
    });
  }

  it('HTTP_PROXY alone warns (most clients use it for plain HTTP only)', async () => {
    const r = await statusOf({ env: { HTTP_PROXY: 'http://proxy.corp.test:8080' } });
    assert.equal(r.status, 'warn');
  });

  it('an empty variable counts as unset', async () => {
    assert.equal((await statusOf({ env: { HTTPS_PROXY: '  ' } })).status, 'pass');
  });

  it('NO_PROXY: all hosts exempt passes; some exempt still fails and names the rest', async () => {
    const all = await statusOf({
      env: { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'login.microsoftonline.com, *.fluxpunkt.de' },
    });
    assert.equal(all.status, 'pass');
    assert.match(all.message, /NO_PROXY exempts every host/);
    assert.equal((await statusOf({ env: { HTTPS_PROXY: 'http://p:1', no_proxy: '*' } })).status, 'pass');
    const some = await statusOf({ env: { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'login.microsoftonline.com' } });
    assert.equal(some.status, 'fail');
    assert.match(some.message, /still proxied: service-cloud-connector\.fluxpunkt\.de, omni-client\.fluxpunkt\.de/);
  });

  it('noProxyCovers matches the host and its subdomains, not look-alikes', () => {
    assert.ok(noProxyCovers('fluxpunkt.de', 'omni-client.fluxpunkt.de'));
    assert.ok(noProxyCovers('.fluxpunkt.de:443', 'omni-client.fluxpunkt.de'));
    assert.ok(!noProxyCovers('punkt.de', 'omni-client.fluxpunkt.de'));
    assert.ok(!noProxyCovers(undefined, 'x.de'));
  });

  it("VS Code's http.proxy fails", async () => {
    const r = await statusOf({ env: {}, vscodeProxy: 'http://user:pw@proxy:3128' });
    assert.equal(r.status, 'fail');
    assert.match(r.message, /VS Code setting http\.proxy = proxy:3128/);
    assert.doesNotMatch(r.message, /pw/);
  });

  it('redacts credentials: only host and port, with or without a scheme, whatever the password holds', () => {
    assert.equal(redactProxy('http://a:b@h:1'), 'h:1');
    assert.equal(redactProxy('h:1'), 'h:1');
    assert.equal(redactProxy('alice:hunter2@proxy.corp:3128'), 'proxy.corp:3128');
    assert.equal(redactProxy('http://alice:pa/ss@proxy.corp:3128'), 'proxy.corp:3128');
    assert.equal(redactProxy('alice:p@ss/w@rd@proxy.corp:3128'), 'proxy.corp:3128');
    assert.equal(redactProxy('https://bob:x%2Fy@[::1]:8080/'), '[::1]:8080');
    assert.equal(redactProxy('proxy.corp'), 'proxy.corp');
    assert.equal(redactProxy('alice:hunter2@'), '(unparseable proxy setting)');
    assert.equal(redactProxy('http://alice:hunter2@proxy corp:3128'), '(unparseable proxy setting)');
    assert.deepEqual(envFindings({ https_proxy: 'http://tok@h:1' }).findings[0]?.value, 'h:1');
    for (const v of ['alice:hunter2@proxy.corp:3128', 'http://alice:hun/ter2@proxy.corp:3128', 'alice:hunter2@@x'])
      assert.doesNotMatch(redactProxy(v), /hunter2|hun|alice/, v);
  });

  it("VS Code's http.proxy without a scheme and with a password holding / and @ shows only host and port", async () => {
    const r = await statusOf({ env: {}, vscodeProxy: 'alice:hun/ter@2@proxy.corp:3128' });
    assert.match(r.message, /VS Code setting http\.proxy = proxy\.corp:3128/);
    assert.doesNotMatch(JSON.stringify(r), /hun|ter@2|alice/);
  });

  it('bypass lists: globs, leading dots, <local>', () => {
    assert.ok(bypassCovers(['*.fluxpunkt.de'], 'omni-client.fluxpunkt.de'));
    assert.ok(bypassCovers(['login.*.com'], 'login.microsoftonline.com'));
    assert.ok(bypassCovers(['<local>'], 'intranet'));
    assert.ok(!bypassCovers(['<local>'], 'login.microsoftonline.com'));
    assert.ok(!bypassCovers(['10.*'], 'login.microsoftonline.com'));
  });

  it("VS Code's http.noProxy and http.proxySupport: off exempt the hosts", async () => {
    const all = await statusOf({
      env: {},
      vscodeProxy: 'http://proxy:3128',
      vscodeNoProxy: ['login.microsoftonline.com', '*.fluxpunkt.de'],
    });
    assert.equal(all.status, 'pass');
    assert.match(all.message, /http\.noProxy exempts every host/);
    const some = await statusOf({
      env: {},
      vscodeProxy: 'http://proxy:3128',
      vscodeNoProxy: ['login.microsoftonline.com'],
    });
    assert.equal(some.status, 'fail');
    assert.match(some.message, /still proxied: service-cloud-connector\.fluxpunkt\.de, omni-client\.fluxpunkt\.de/);
    const off = await statusOf({ env: {}, vscodeProxy: 'http://proxy:3128', vscodeProxySupport: 'off' });
    assert.equal(off.status, 'pass');
    assert.match(off.message, /proxySupport is off/);
  });

  it('desktop bypass lists: Windows ProxyOverride, macOS ExceptionsList, GNOME ignore-hosts', async () => {
    const win =
      '    ProxyEnable    REG_DWORD    0x1\r\n    ProxyServer    REG_SZ    proxy:8080\r\n    ProxyOverride    REG_SZ    *.microsoftonline.com;*.fluxpunkt.de;<local>\r\n';
    assert.deepEqual(parseWindowsInternetSettings(win), []);
    const winSome = win.replace('*.fluxpunkt.de;', '');
    assert.match(parseWindowsInternetSettings(winSome)[0]?.note ?? '', /ProxyOverride exempts only some hosts/);
    const mac =
      '<dictionary> {\n  ExceptionsList : <array> {\n    0 : *.local\n    1 : login.microsoftonline.com\n    2 : fluxpunkt.de\n  }\n  HTTPSEnable : 1\n  HTTPSPort : 8443\n  HTTPSProxy : proxy.corp.test\n}';
    assert.deepEqual(parseScutil(mac), []);
    const reader: SystemProxyReader = {
      platform: 'linux',
      run: async (_f, args) =>
        ({
          'org.gnome.system.proxy mode': "'manual'",
          'org.gnome.system.proxy.https host': "'proxy.corp.test'",
          'org.gnome.system.proxy.https port': '3128',
          'org.gnome.system.proxy ignore-hosts': "['localhost', '*.fluxpunkt.de', 'login.microsoftonline.com']",
        })[args.slice(1).join(' ')] ?? null,
    };
    assert.deepEqual(await systemFindings(reader), []);
    const r = await statusOf({ env: {}, system: reader });
    assert.equal(r.status, 'pass');
    assert.match(r.message, /GNOME ignore-hosts exempts every host/);
  });

  it('GNOME: manual with an HTTPS host fails, auto (PAC) warns, none passes', async () => {
    const reader = (answers: Record<string, string>): SystemProxyReader => ({
      platform: 'linux',
      run: async (_f, args) => answers[args.slice(1).join(' ')] ?? null,
    });
    assert.deepEqual(
      await systemFindings(
        reader({
          'org.gnome.system.proxy mode': "'manual'\n",
          'org.gnome.system.proxy.https host': "'proxy.corp.test'\n",
          'org.gnome.system.proxy.https port': '3128\n',
        }),
      ),
      [{ source: 'GNOME proxy settings', value: 'proxy.corp.test:3128', severity: 'fail' }],
    );
    assert.equal((await systemFindings(reader({ 'org.gnome.system.proxy mode': "'auto'" })))[0]?.severity, 'warn');
    assert.deepEqual(await systemFindings(reader({ 'org.gnome.system.proxy mode': "'none'" })), []);
    assert.deepEqual(await systemFindings(reader({})), [], 'gsettings missing: nothing readable, nothing found');
  });

  it('macOS scutil --proxy', () => {
    const out =
      '<dictionary> {\n  HTTPEnable : 0\n  HTTPSEnable : 1\n  HTTPSPort : 8443\n  HTTPSProxy : proxy.corp.test\n  ProxyAutoConfigEnable : 0\n}';
    assert.deepEqual(parseScutil(out), [
      { source: 'macOS network proxy settings', value: 'proxy.corp.test:8443', severity: 'fail' },
    ]);
    assert.deepEqual(parseScutil('<dictionary> {\n  HTTPSEnable : 0\n}'), []);
  });

  it('Windows Internet settings: ProxyServer for every protocol or per protocol, AutoConfigURL', () => {
    const all =
      'HKEY_CURRENT_USER\\...\\Internet Settings\r\n    ProxyEnable    REG_DWORD    0x1\r\n    ProxyServer    REG_SZ    proxy.corp.test:8080\r\n';
    assert.deepEqual(parseWindowsInternetSettings(all), [
      { source: 'Windows Internet settings', value: 'proxy.corp.test:8080', severity: 'fail' },
    ]);
    const httpOnly =
      '    ProxyEnable    REG_DWORD    0x1\r\n    ProxyServer    REG_SZ    http=proxy:80;ftp=proxy:21\r\n';
    assert.deepEqual(parseWindowsInternetSettings(httpOnly), []);
    const off =
      '    ProxyEnable    REG_DWORD    0x0\r\n    ProxyServer    REG_SZ    proxy:80\r\n    AutoConfigURL    REG_SZ    http://wpad/wpad.dat\r\n';
    assert.deepEqual(
      parseWindowsInternetSettings(off).map((f) => f.severity),
      ['warn'],
    );
  });
});
