// Issue 19: with `starface.simulator.tls` the launcher runs `starface-sim --tls` (SIP over TLS on a free port too)
// and keeps the ready line's `ca`, which the simulator's connection trusts. A stand-in CLI records its arguments and
// prints a ready line as `--tls` does, so this runs without the real simulator's TLS.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSimulator } from '../../extension/src/simulator/localSimulator.js';

const FAKE_CLI = `
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
const args = process.argv.slice(2);
const data = args[args.indexOf('--data') + 1];
writeFileSync(join(data, 'argv.json'), JSON.stringify(args));
const scheme = args.includes('--tls') ? 'https' : 'http';
const ready = { ready: true, rest: scheme + '://127.0.0.1:1/rest', uci: 'ws://127.0.0.1:1/uci', sipWs: 'ws://127.0.0.1:1/sip',
  sipUdp: '127.0.0.1:1', sipTcp: '127.0.0.1:1', xmlRpc: scheme + '://127.0.0.1:1/xml-rpc', pid: process.pid };
if (args.includes('--tls')) Object.assign(ready, { ca: join(data, 'tls', 'ca.pem'), fingerprint: 'AB:'.repeat(31) + 'AB', sipTls: '127.0.0.1:2' });
process.stdout.write(JSON.stringify(ready) + '\\n');
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1000);
`;

describe('extension LocalSimulator with TLS (issue 19)', function () {
  this.timeout(20_000);
  let tmp: string;
  const started: LocalSimulator[] = [];

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'starface-localsim-tls-'));
    writeFileSync(join(tmp, 'fake-cli.mjs'), FAKE_CLI);
  });
  afterEach(async () => {
    for (const s of started.splice(0)) await s.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const start = async (tls: boolean) => {
    const s = new LocalSimulator({
      cliPath: join(tmp, 'fake-cli.mjs'),
      dataDir: join(tmp, 'data'),
      adminPassword: 'x',
      tls,
    });
    started.push(s);
    const ready = await s.start();
    return { ready, args: JSON.parse(readFileSync(join(tmp, 'data', 'argv.json'), 'utf8')) as string[] };
  };

  it('tls: passes --tls with SIP over TLS on a free port, and keeps the ready line’s CA', async () => {
    const { ready, args } = await start(true);
    assert.ok(args.includes('--tls'));
    assert.equal(args[args.indexOf('--sip-tls-port') + 1], '0');
    assert.equal(ready.ca, join(tmp, 'data', 'tls', 'ca.pem'));
    assert.match(ready.rest, /^https:/);
  });

  it('without tls nothing changes: no --tls, no CA', async () => {
    const { ready, args } = await start(false);
    assert.ok(!args.includes('--tls') && !args.includes('--sip-tls-port'));
    assert.equal(ready.ca, undefined);
  });
});
