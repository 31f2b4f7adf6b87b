// Issue 19: starface-preflight against an https PBX. The certificate is checked: Node's CAs, `--ca FILE`, or exactly
// `--fingerprint FP`; an unknown certificate fails with a message naming its fingerprint and how to pass it. The
// Teams sign-in rehearsal goes over the same trusted connection. Real TLS on 127.0.0.1: the demo simulator behind a
// TLS front (test/support/tlsFront.ts) with generated certificates.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrerequisitesReportSchema } from '../../shared/schemas/prerequisites.js';
import { ensureBuilt } from '../support/cli.js';
import { preflight, PREFLIGHT_CLI as CLI } from '../support/preflightCli.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';
import { makeCa, makeServerCert, type TestCa, type TestCert } from '../support/tlsCerts.js';
import { startTlsFront, type TlsFront } from '../support/tlsFront.js';

describe('simulator: starface-preflight over HTTPS (--ca, --fingerprint)', function () {
  this.timeout(60_000);
  let sim: RunningSim;
  let ca: TestCa;
  let byCa: TestCert;
  let other: TestCert;
  let front: TlsFront;
  let dir: string;
  let caFile: string;
  const base = ['--login', 'admin', '--users', '1001', '--no-machine'];

  before(async () => {
    ensureBuilt(CLI);
    // Plain HTTP behind this test's own TLS front, also in a --tls run of the tier.
    sim = await startSim({ scenario: 'demo', tls: false });
    ca = await makeCa('Preflight Test CA');
    [byCa, other] = await Promise.all([makeServerCert({ ca }), makeServerCert({ cn: 'someone-else' })]);
    front = await startTlsFront(byCa, { port: Number(new URL(sim.base).port) });
    dir = mkdtempSync(join(tmpdir(), 'preflight-tls-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, ca.certPem);
  });
  after(async () => {
    await front?.stop();
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('an unknown certificate: exit 2, the message names its fingerprint and --fingerprint / --ca', async () => {
    const r = await preflight(['--url', front.url, ...base]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^starface-preflight: the certificate of https:\/\/127\.0\.0\.1:\d+\/rest is not trusted/);
    assert.ok(r.stderr.includes(`--fingerprint ${byCa.fingerprint}`), r.stderr);
    assert.match(r.stderr, /--ca FILE/);
  });

  it('--ca FILE trusts the CA that signed it: the check runs, exit 0', async () => {
    const r = await preflight(['--url', front.url, ...base, '--ca', caFile]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^starface-preflight: https:\/\/127\.0\.0\.1:\d+\/rest \(simulator\)/);
  });

  it('--fingerprint trusts exactly that certificate (any written form), and the rehearsal runs over it', async () => {
    const keyFile = join(dir, 'key.json');
    writeFileSync(keyFile, JSON.stringify((await sim.admin.get('/modules/configurations/1/keyfile')).body));
    const lower = byCa.fingerprint.replace(/:/g, '').toLowerCase();
    const r = await preflight(
      [
        '--url',
        front.url,
        ...base,
        '--fingerprint',
        lower,
        '--json',
        '--sign-in',
        '1001',
        '--pbx-name',
        'pbx.demo.starface.test',
        '--key-file',
        keyFile,
      ],
      { STARFACE_PASSWORD: ADMIN_PASSWORD, STARFACE_SIGNIN_PASSWORD: 'anna-demo-1001' },
    );
    assert.equal(r.code, 0, r.stderr);
    const report = PrerequisitesReportSchema.parse(JSON.parse(r.stdout));
    assert.equal(report.results.find((x) => x.id === 'R21')?.status, 'pass');
  });

  it('another certificate than --fingerprint names is refused; a malformed fingerprint or CA file is a usage error', async () => {
    const wrong = await preflight(['--url', front.url, ...base, '--fingerprint', other.fingerprint]);
    assert.equal(wrong.code, 2);
    assert.ok(wrong.stderr.includes(`it presents ${byCa.fingerprint}; refused`), wrong.stderr);
    const bad = await preflight(['--url', front.url, ...base, '--fingerprint', 'AB:CD']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fingerprint: not a SHA-256 fingerprint/);
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    const noCa = await preflight(['--url', front.url, ...base, '--ca', notPem]);
    assert.equal(noCa.code, 2);
    assert.match(noCa.stderr, /--ca: .* holds no PEM certificate/);
  });
});
