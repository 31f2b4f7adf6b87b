import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PrerequisitesReportSchema } from '../../shared/schemas/prerequisites.js';
import { ensureBuilt } from '../support/cli.js';
import { closedPort } from '../support/net.js';
import { preflight, PREFLIGHT_CLI as CLI } from '../support/preflightCli.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';
import { skipUnderTls } from '../support/testTls.js';

describe('simulator: starface-preflight CLI (dist/cli/starface-preflight.js)', () => {
  let sim: RunningSim;
  let url: string;

  before(async () => {
    ensureBuilt(CLI);
    sim = await startSim({ scenario: 'demo' });
    // The address as a user types it: the CLI appends /rest.
    url = sim.base.replace(/\/rest$/, '');
  });
  after(() => sim.stop());

  it('--json on the demo: exit 1 (1002 and 1003 fail), a report the schema accepts, "user" is the login', async () => {
    const r = await preflight(['--url', url, '--login', 'admin', '--json', '--no-machine']);
    assert.equal(r.code, 1, r.stderr);
    const report = PrerequisitesReportSchema.parse(JSON.parse(r.stdout));
    assert.equal(report.target, sim.base);
    const failed = report.results
      .filter((x) => x.status === 'fail')
      .map((x) => ({ id: x.id, status: x.status, user: x.user }));
    assert.deepEqual(failed, [
      { id: 'R2', status: 'fail', user: '1003' },
      { id: 'R3', status: 'fail', user: '1003' },
      { id: 'R10', status: 'fail', user: '1002' },
    ]);
    assert.ok(!report.results.some((x) => ['R5', 'R6', 'R7'].includes(x.id)), '--no-machine leaves the machine out');
    assert.ok(!r.stdout.includes(ADMIN_PASSWORD) && !r.stderr.includes(ADMIN_PASSWORD));
  });

  it('--users 1001: nothing fails, exit 0; the text output names each requirement', async () => {
    const r = await preflight(['--url', url, '--login', 'admin', '--users', '1001', '--no-machine']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^starface-preflight: https?:\/\/127\.0\.0\.1:\d+\/rest \(simulator\), STARFACE 8\.1\.0\.4/);
    assert.match(r.stdout, /PASS {2}R10 Right "Integration mit Microsoft Teams" for each integration user \[1001\]/);
    assert.match(r.stdout, /\?\?\?\? {2}R20 .*\n {12}Guide: „bis zu 24 Stunden“\n {12}Where: Teams admin center/);
    assert.match(r.stdout, /0 fail, 2 unknown/);
  });

  it('machine checks with --hosts and --timeout: a closed port fails R6 quickly, exit 1', async () => {
    const port = await closedPort();
    const r = await preflight(
      [
        '--url',
        url,
        '--login',
        'admin',
        '--users',
        '1001',
        '--json',
        '--hosts',
        `127.0.0.1:${port}`,
        '--timeout',
        '500',
      ],
      {
        STARFACE_PASSWORD: ADMIN_PASSWORD,
        HTTPS_PROXY: 'http://proxy.corp.test:3128',
      },
    );
    assert.equal(r.code, 1, r.stderr);
    const report = PrerequisitesReportSchema.parse(JSON.parse(r.stdout));
    const byId = (id: string) => report.results.find((x) => x.id === id)!;
    assert.equal(byId('R6').status, 'fail');
    assert.match(byId('R6').message, new RegExp(`port ${port}: 127\\.0\\.0\\.1 \\(TCP: ECONNREFUSED\\)`));
    assert.equal(byId('R7').status, 'fail');
    assert.ok(byId('R5'), 'R5 is reported (pass or fail depends on the browsers of this machine)');
  });

  it('--sign-in rehearses a Teams sign-in with a key file', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'preflight-cli-'));
    try {
      const file = join(dir, 'key.json');
      writeFileSync(file, JSON.stringify((await sim.admin.get('/modules/configurations/1/keyfile')).body));
      const r = await preflight(
        [
          '--url',
          url,
          '--login',
          'admin',
          '--users',
          '1001',
          '--no-machine',
          '--json',
          '--sign-in',
          '1001',
          '--pbx-name',
          'pbx.demo.starface.test',
          '--key-file',
          file,
        ],
        {
          STARFACE_PASSWORD: ADMIN_PASSWORD,
          STARFACE_SIGNIN_PASSWORD: 'anna-demo-1001',
        },
      );
      assert.equal(r.code, 0, r.stderr);
      const report = PrerequisitesReportSchema.parse(JSON.parse(r.stdout));
      assert.equal(report.results.find((x) => x.id === 'R21')?.status, 'pass');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exit 2 with a clear message: wrong password, unknown user, missing options, bad option, unreachable PBX', async () => {
    const wrong = await preflight(['--url', url, '--login', 'admin', '--no-machine'], {
      STARFACE_PASSWORD: 'not-the-password',
    });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /^starface-preflight: sign-in failed: /);
    assert.ok(!wrong.stderr.includes('not-the-password'));

    const unknown = await preflight(['--url', url, '--login', 'admin', '--users', '1001,4711', '--no-machine']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no user with the login or id "4711"/);

    const noUrl = await preflight(['--login', 'admin']);
    assert.equal(noUrl.code, 2);
    assert.match(noUrl.stderr, /--url is required/);

    const bad = await preflight(['--url', url, '--login', 'admin', '--frobnicate']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown option '--frobnicate'[\s\S]*--help/);

    const badTimeout = await preflight(['--url', url, '--login', 'admin', '--timeout', 'soon']);
    assert.equal(badTimeout.code, 2);
    assert.match(badTimeout.stderr, /--timeout must be/);

    const noPassword = await preflight(['--url', url, '--login', 'admin'], {});
    assert.equal(noPassword.code, 2);
    assert.match(noPassword.stderr, /set STARFACE_PASSWORD/);

    const port = await closedPort();
    const down = await preflight(['--url', `http://127.0.0.1:${port}`, '--login', 'admin', '--no-machine']);
    assert.equal(down.code, 2);
    assert.match(down.stderr, /^starface-preflight: .*127\.0\.0\.1/);
    assert.doesNotMatch(down.stderr, /sign-in failed/, 'only 401/403 are failed sign-ins');
  });

  it('review: bad --min-version, --key, --hosts ports, credentials in --url, empty STARFACE_PASSWORD: usage errors', async () => {
    const banana = await preflight(['--url', url, '--login', 'admin', '--min-version', 'banana', '--no-machine']);
    assert.equal(banana.code, 2);
    assert.match(banana.stderr, /^starface-preflight: --min-version: "banana" is not a four-part STARFACE version/);
    assert.doesNotMatch(banana.stderr, /\n\s+at /, 'no stack trace');

    const key = await preflight(['--url', url, '--login', 'admin', '--key', 'SECRETKEYVALUE', '--no-machine']);
    assert.equal(key.code, 2);
    assert.match(key.stderr, /STARFACE_TEAMS_KEY/);
    assert.ok(!key.stderr.includes('SECRETKEYVALUE'));

    for (const h of ['127.0.0.1:0', '127.0.0.1:70000']) {
      const r = await preflight(['--url', url, '--login', 'admin', '--hosts', h]);
      assert.equal(r.code, 2, h);
      assert.match(r.stderr, /from 1 to 65535/);
    }

    const creds = await preflight([
      '--url',
      url.replace(/^(https?:\/\/)/, '$1alice:topsecret@'),
      '--login',
      'admin',
      '--no-machine',
    ]);
    assert.equal(creds.code, 2);
    assert.match(creds.stderr, /must not contain a user name or password/);
    assert.ok(!creds.stderr.includes('topsecret'));

    const empty = await preflight(['--url', url, '--login', 'admin', '--no-machine'], { STARFACE_PASSWORD: '' });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /set STARFACE_PASSWORD/, 'an empty variable asks (here: no terminal to ask on)');
  });

  it('review: --url without a scheme to a plain-HTTP server says it does not speak HTTPS', async function () {
    skipUnderTls(this, 'it needs a plain-HTTP server');
    const r = await preflight(['--url', url.replace('http://', ''), '--login', 'admin', '--no-machine']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the server does not speak HTTPS — did you mean http:\/\/127\.0\.0\.1:\d+\?/);
  });

  it("review: HTTPS_PROXY='alice:hunter2@proxy.corp:3128' shows only host and port", async () => {
    const r = await preflight(
      ['--url', url, '--login', 'admin', '--users', '1001', '--hosts', '127.0.0.1:1', '--timeout', '300'],
      {
        STARFACE_PASSWORD: ADMIN_PASSWORD,
        HTTPS_PROXY: 'alice:hunter2@proxy.corp:3128',
      },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /HTTPS_PROXY = proxy\.corp:3128/);
    assert.ok(!(r.stdout + r.stderr).includes('hunter2'));
    assert.ok(!(r.stdout + r.stderr).includes('alice'));
  });

  it('signed in without the right "Administration": exit 3 (incomplete), the report says why', async () => {
    const json = await preflight(['--url', url, '--login', '1001', '--json', '--no-machine'], {
      STARFACE_PASSWORD: 'anna-demo-1001',
    });
    assert.equal(json.code, 3, json.stderr);
    const report = PrerequisitesReportSchema.parse(JSON.parse(json.stdout));
    assert.equal(report.summary.fail, 0);
    assert.ok(report.summary.unknown >= 13, `most checks unknown (${report.summary.unknown})`);
    assert.equal(report.incomplete?.reason, 'no-administration-right');
    assert.equal(report.incomplete?.login, '1001');

    const text = await preflight(['--url', url, '--login', '1001', '--no-machine'], {
      STARFACE_PASSWORD: 'anna-demo-1001',
    });
    assert.equal(text.code, 3, text.stderr);
    assert.match(
      text.stdout,
      /\nINCOMPLETE: Signed in as 1001 without the right "Administration": the checks that need it are unknown\./,
    );
    assert.match(text.stdout, /unknown \(\d+ ms\) — incomplete: no right "Administration"\n$/);

    // A failure is definite and wins: 1002 (lacks the Teams right, R10) signed in as themselves.
    const bernd = await preflight(['--url', url, '--login', '1002', '--json', '--no-machine'], {
      STARFACE_PASSWORD: 'bernd-demo-1002',
    });
    assert.equal(bernd.code, 1, bernd.stderr);
    assert.equal(PrerequisitesReportSchema.parse(JSON.parse(bernd.stdout)).incomplete?.login, '1002');
  });

  it('--help and --version exit 0', async () => {
    const help = await preflight(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: starface-preflight --url URL --login LOGIN/);
    assert.match(
      help.stdout,
      /\n3 when nothing fails but the check is incomplete: LOGIN lacks the right "Administration"/,
    );
    const version = await preflight(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
  });
});
