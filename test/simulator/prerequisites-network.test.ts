import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { PbxApi } from '../../extension/src/pbx/api.js';
import { PbxRestClient } from '../../extension/src/pbx/restClient.js';
import { checkNetwork, probeHost, probeHosts } from '../../extension/src/prerequisites/network.js';
import { checkProxy } from '../../extension/src/prerequisites/proxy.js';
import { checkPrerequisites } from '../../extension/src/prerequisites/run.js';
import { closedPort } from '../support/net.js';
import { ADMIN_PASSWORD, startSim } from '../support/rest.js';
import { until } from '../support/until.js';
import { cleanUp, each } from '../support/cleanup.js';

const TLS_DIR = join(__dirname, '..', 'fixtures', 'tls');
const cert = readFileSync(join(TLS_DIR, 'localhost.cert.pem'));
const key = readFileSync(join(TLS_DIR, 'localhost.key.pem'));

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('simulator: prerequisites machine checks against loopback (R6 network, R7 proxy)', () => {
  let tlsPort: number;
  let silentPort: number;
  const servers: Server[] = [];
  const held: Socket[] = [];

  before(async () => {
    const tls = createTlsServer({ cert, key }, (s) => s.end());
    tlsPort = await listen(tls);
    // Accepts TCP and then never says a word: a TLS handshake to it can only time out. It reads (and drops)
    // what arrives, so that it sees the prober hang up.
    const silent = createTcpServer((s) => {
      held.push(s);
      s.resume();
    });
    silentPort = await listen(silent);
    servers.push(tls, silent);
  });
  after(() =>
    cleanUp(
      each(held, (s) => s.destroy()),
      each(servers, (s) => new Promise((r) => s.close(r))),
    ),
  );

  it('DNS, TCP and a verified TLS handshake to loopback names pass', async () => {
    const result = await checkNetwork({ hosts: ['localhost', '127.0.0.1'], port: tlsPort, ca: cert, timeoutMs: 2000 });
    assert.equal(result.status, 'pass', result.message);
    assert.match(
      result.message,
      new RegExp(
        `DNS, TCP and TLS on port ${tlsPort} succeed for localhost \\(TLS 1\\.3 in \\d+ ms\\), 127\\.0\\.0\\.1`,
      ),
    );
    assert.equal(result.guide, 'unbeschränkten Zugriff via HTTPS (Port 443)');
  });

  it('an untrusted certificate fails at the TLS stage', async () => {
    const r = await probeHost('localhost', { port: tlsPort, timeoutMs: 2000 });
    assert.equal(r.ok, false);
    assert.equal(r.stage, 'tls');
    assert.match(r.detail, /^TLS: .*SELF_SIGNED/);
  });

  it('a closed port fails at once (TCP refused), not at the timeout', async () => {
    const port = await closedPort();
    // The refusal itself is the verdict (a timeout would read "no answer within 60000 ms").
    const result = await checkNetwork({ hosts: ['127.0.0.1'], port, timeoutMs: 60_000 });
    assert.equal(result.status, 'fail');
    assert.match(result.message, /127\.0\.0\.1 \(TCP: ECONNREFUSED\)/);
    assert.ok(result.explanation.includes('443'), 'the explanation names the guide’s hosts and port');
  });

  it('a server that never answers the TLS handshake fails at the configured timeout', async () => {
    const r = await probeHost('127.0.0.1', { port: silentPort, timeoutMs: 300 });
    assert.equal(r.ok, false);
    assert.equal(r.stage, 'tls');
    assert.equal(r.detail, 'TLS: no answer within 300 ms');
  });

  it('hosts are probed in parallel: three silent hosts are all connected at once', async () => {
    const openNow = () => held.filter((s) => !s.destroyed);
    await until("the earlier probes' sockets closed", () => openNow().length === 0);
    // A timeout far beyond the test: probed one after the other, the second connection would never come.
    const probing = probeHosts({
      hosts: ['127.0.0.1', '127.0.0.1', '127.0.0.1'],
      port: silentPort,
      timeoutMs: 600_000,
    });
    await until('three connections open at the same time', () => openNow().length === 3);
    // The silent server hangs up: every handshake fails now.
    for (const s of openNow()) s.destroy();
    const all = await probing;
    assert.deepEqual(
      all.map((r) => [r.ok, r.stage]),
      [
        [false, 'tls'],
        [false, 'tls'],
        [false, 'tls'],
      ],
    );
  });

  it('an unresolvable name fails at DNS', async () => {
    const r = await probeHost('nonexistent.invalid', { port: tlsPort, timeoutMs: 2000 });
    assert.equal(r.ok, false);
    assert.equal(r.stage, 'dns');
    assert.match(r.detail, /^DNS: (ENOTFOUND|EAI_AGAIN|no answer within)/);
    const result = await checkNetwork({
      hosts: ['nonexistent.invalid', 'localhost'],
      port: tlsPort,
      ca: cert,
      timeoutMs: 2000,
    });
    assert.equal(result.status, 'fail');
    assert.match(result.message, /^Not reachable over HTTPS on port \d+: nonexistent\.invalid \(DNS: /);
    assert.doesNotMatch(result.message, /localhost/, 'only the failing hosts are named');
  });

  it('an HTTPS proxy variable fails R7 (credentials never shown); NO_PROXY for every host passes', async () => {
    const bad = await checkProxy({ env: { HTTPS_PROXY: 'http://alice:s3cret@proxy.corp.test:3128' }, system: false });
    assert.equal(bad.status, 'fail');
    assert.match(bad.message, /HTTPS_PROXY = proxy\.corp\.test:3128\./);
    assert.doesNotMatch(JSON.stringify(bad), /s3cret|alice/);
    assert.equal(bad.guide, 'kein HTTPS-Proxy eingesetzt werden');
    const exempt = await checkProxy({
      env: { https_proxy: 'http://proxy.corp.test:3128', NO_PROXY: '.microsoftonline.com,fluxpunkt.de' },
      system: false,
    });
    assert.equal(exempt.status, 'pass', exempt.message);
  });

  it('checkPrerequisites with machine checks: R5–R7 in the report, R6 against loopback, the proxy from the given environment', async () => {
    const sim = await startSim({ scenario: 'demo' });
    try {
      const client = new PbxRestClient(sim.base);
      await client.login('admin', ADMIN_PASSWORD);
      const browserProbe = {
        platform: 'linux' as const,
        env: { PATH: '/opt/bin' },
        home: '/home/x',
        run: async () => 'Google Chrome 120.0.6099.109\n',
        readFile: async () => null,
        exists: async (p: string) => p === '/opt/bin/google-chrome',
        listDir: async () => null,
      };
      const report = await checkPrerequisites(new PbxApi(client), {
        users: ['1001'],
        machine: {
          hosts: ['localhost'],
          port: tlsPort,
          ca: cert,
          timeoutMs: 2000,
          env: { ALL_PROXY: 'socks5://proxy.corp.test:1080' },
          systemProxy: false,
          browserProbe,
        },
      });
      const byId = (id: string) => report.results.find((r) => r.id === id)!;
      assert.equal(byId('R5').status, 'pass');
      assert.match(byId('R5').message, /Google Chrome 120\.0\.6099\.109 \(\/opt\/bin\/google-chrome\)/);
      assert.equal(byId('R6').status, 'pass', byId('R6').message);
      assert.equal(byId('R7').status, 'fail');
      assert.match(byId('R7').message, /ALL_PROXY/);
      assert.deepEqual(
        report.results.map((r) => r.id).filter((id) => ['R5', 'R6', 'R7'].includes(id)),
        ['R5', 'R6', 'R7'],
        'in guide order',
      );
    } finally {
      await sim.stop();
    }
  });
});
