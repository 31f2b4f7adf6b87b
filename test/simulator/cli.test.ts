// Black-box tests of the built CLI (dist/simulator/cli.js): flags, ready line, signals, persistence, logs.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import {
  ensureBuilt,
  killAllClis,
  portOpen,
  removeTempDirs,
  ROOT,
  runCli,
  tempDir,
  type CliRun,
} from '../support/cli.js';
import { DEMO_USERS, RestClient } from '../support/rest.js';
import { cleanUp } from '../support/cleanup.js';
import { parseChallenge, Registration, SipClient } from '../support/sip-client.js';
import { TEST_TLS } from '../support/testTls.js';

const PW = 'cli-test-admin-pw';
/** The child must not inherit a password from the developer's shell. */
const NO_ENV_PW = { STARFACE_SIM_ADMIN_PASSWORD: undefined };

async function startReady(
  args: string[],
  env: Record<string, string | undefined> = NO_ENV_PW,
): Promise<{ run: CliRun; rest: string; port: number }> {
  const run = runCli(['--ready-json', '--http-port', '0', '--sip-port', '0', ...args], env);
  const ready = await run.ready();
  return { run, rest: ready.rest, port: Number(new URL(ready.rest).port) };
}

async function adminClient(rest: string, password = PW): Promise<RestClient> {
  const c = new RestClient(rest);
  await c.login('admin', password);
  return c;
}

describe('simulator CLI (black box)', function () {
  this.timeout(30_000);

  before(function () {
    this.timeout(60_000);
    ensureBuilt();
  });

  afterEach(async () => {
    await killAllClis();
  });

  after(() => cleanUp(killAllClis, removeTempDirs));

  describe('--ready-json', () => {
    it('prints exactly one JSON line with ready, rest and pid, and the REST API answers there', async () => {
      const { run, rest } = await startReady(['--memory', '--admin-password', PW]);
      const ready = JSON.parse(run.stdout.split('\n')[0]!);
      assert.equal(ready.ready, true);
      assert.match(ready.rest, TEST_TLS ? /^https:\/\/127\.0\.0\.1:\d+\/rest$/ : /^http:\/\/127\.0\.0\.1:\d+\/rest$/);
      assert.equal(ready.xmlRpc, ready.rest.replace(/\/rest$/, '/xml-rpc'), 'the UCI over XML-RPC on the same port');
      assert.equal(ready.pid, run.child.pid);
      assert.notEqual(new URL(rest).port, '0');

      const admin = await adminClient(rest);
      const version = await admin.get('/server/version');
      assert.equal(version.status, 200);
      assert.match(version.body.version, /^\d+\.\d+\.\d+\.\d+$/);
      const me = await admin.get('/users/me');
      assert.equal(me.body.login, 'admin');

      await new Promise((r) => setTimeout(r, 200));
      const exit = await run.stop('SIGTERM');
      assert.equal(exit.code, 0);
      const lines = run.stdout.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, `stdout must hold exactly one line, got: ${JSON.stringify(run.stdout)}`);
      assert.ok(run.stdout.endsWith('\n'));
    });

    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      it(`${signal} stops it cleanly (exit code 0, not the 2 s watchdog) and closes the port`, async () => {
        const { run, rest, port } = await startReady(['--memory', '--admin-password', PW]);
        // An open keep-alive connection must not hold the exit up.
        const admin = await adminClient(rest);
        assert.equal((await admin.get('/users')).status, 200);
        assert.equal(await portOpen(port), true);
        const exit = await run.stop(signal);
        assert.deepEqual(exit, { code: 0, signal: null });
        // The stop finished by itself; the watchdog that leaves after 2 s regardless would have said so.
        assert.doesNotMatch(run.stderr, /still stopping/);
        assert.equal(await portOpen(port), false, 'the port is still open');
      });
    }
  });

  describe('flags', () => {
    it('--help prints the options and exits 0', async () => {
      const run = runCli(['--help']);
      const exit = await run.exited;
      assert.equal(exit.code, 0);
      for (const flag of [
        '--http-port',
        '--data',
        '--memory',
        '--scenario',
        '--reset',
        '--admin-password',
        '--ready-json',
        '--version',
        '--sip-digest',
      ]) {
        assert.ok(run.stdout.includes(flag), `--help lacks ${flag}`);
      }
    });

    it('--version prints the package version and exits 0', async () => {
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      const run = runCli(['--version']);
      const exit = await run.exited;
      assert.equal(exit.code, 0);
      assert.equal(run.stdout.trim(), pkg.version);
    });

    it('an unknown flag exits 2 with a message naming it', async () => {
      const run = runCli(['--no-such-flag']);
      const exit = await run.exited;
      assert.equal(exit.code, 2);
      assert.match(run.stderr, /--no-such-flag/);
      assert.match(run.stderr, /--help/);
      assert.equal(run.stdout, '');
    });

    for (const bad of ['abc', '65536', '-1', '1.5']) {
      it(`--http-port ${bad} exits 2 with a message`, async () => {
        const run = runCli(['--memory', `--http-port=${bad}`]);
        const exit = await run.exited;
        assert.equal(exit.code, 2);
        assert.match(run.stderr, /--http-port/);
        assert.ok(run.stderr.includes(bad), run.stderr);
      });
    }

    for (const [bad, text] of [
      ['sha-1', /--sip-digest: unknown digest algorithm "sha-1" \(known: sha-512-256, sha-256, md5\)/],
      ['md5,sha-256,MD5', /--sip-digest: digest algorithm "MD5" is listed twice/],
      ['', /--sip-digest: name at least one digest algorithm/],
      [',', /--sip-digest: name at least one digest algorithm/],
    ] as const) {
      it(`--sip-digest "${bad}" exits 2 with a message`, async () => {
        const run = runCli(['--memory', `--sip-digest=${bad}`]);
        const exit = await run.exited;
        assert.equal(exit.code, 2);
        assert.match(run.stderr, text);
        assert.equal(run.stdout, '');
      });
    }

    it('--sip-digest sets the challenges and their order; without it one MD5 challenge', async () => {
      const challenges = async (args: string[]): Promise<string[]> => {
        const run = runCli(
          ['--ready-json', '--http-port', '0', '--sip-port', '0', '--memory', '--admin-password', PW, ...args],
          NO_ENV_PW,
        );
        const ready = await run.ready();
        const client = await SipClient.to('udp', String(ready.sipUdp));
        try {
          const reg = new Registration(
            client,
            { username: DEMO_USERS.anna.login, password: DEMO_USERS.anna.password },
            { domain: '127.0.0.1' },
          );
          const reply = await reg.send();
          assert.equal(reply.status, 401, reply.raw);
          return reply.getAll('www-authenticate').map((c) => parseChallenge(c).algorithm!);
        } finally {
          await client.close();
          await run.stop();
        }
      };
      assert.deepEqual(await challenges([]), ['MD5']);
      assert.deepEqual(await challenges(['--sip-digest', 'sha-256,md5']), ['SHA-256', 'MD5']);
      assert.deepEqual(await challenges(['--sip-digest', 'SHA-512-256,sha-256,md5']), [
        'SHA-512-256',
        'SHA-256',
        'MD5',
      ]);
    });

    describe('a port in use', () => {
      let blocker: Server;
      before(async () => {
        blocker = createServer();
        await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      });
      after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

      it('exits non-zero with a clear message naming the port', async () => {
        const port = (blocker.address() as { port: number }).port;
        const run = runCli([
          '--memory',
          '--ready-json',
          '--http-port',
          String(port),
          '--sip-port',
          '0',
          '--admin-password',
          PW,
        ]);
        const exit = await run.exited;
        assert.notEqual(exit.code, 0);
        assert.ok(run.stderr.includes(String(port)), run.stderr);
        assert.match(run.stderr, /in use/);
        assert.equal(run.stdout, '', 'no ready line when not listening');
      });
    });
  });

  describe('persistence (--data)', () => {
    it('keeps a created user across a restart and does not re-apply the scenario; --reset re-applies it', async () => {
      const dir = tempDir();
      let { run, rest } = await startReady(['--data', dir, '--scenario', 'demo', '--admin-password', PW]);
      let admin = await adminClient(rest);
      const created = await admin.post('/users', {
        login: 'persisted-1',
        firstName: 'Per',
        familyName: 'Sisted',
        email: 'per@example.test',
        language: 'en',
        password: 'persisted-pw',
      });
      assert.equal(created.status, 201);
      // A change to a scenario user too: re-applying the scenario would undo it.
      const carla = (await admin.get('/users?searchTerm=1003')).body.find((u: { login: string }) => u.login === '1003');
      assert.equal((await admin.delete(`/users/${carla.id}`)).status, 204);
      assert.equal((await run.stop('SIGTERM')).code, 0);
      assert.ok(existsSync(join(dir, 'state.json')));
      assert.ok(!existsSync(join(dir, 'lock')), 'the lock file is removed on a clean stop');

      ({ run, rest } = await startReady(['--data', dir, '--scenario', 'demo', '--admin-password', PW]));
      admin = await adminClient(rest);
      let logins = (await admin.get('/users')).body.map((u: { login: string }) => u.login);
      assert.ok(logins.includes('persisted-1'), `after restart: ${logins}`);
      assert.ok(!logins.includes('1003'), 'the scenario was applied again over the stored state');
      // The created user can sign in with the password given at creation.
      await new RestClient(rest).login('persisted-1', 'persisted-pw');
      assert.equal((await run.stop('SIGTERM')).code, 0);

      ({ run, rest } = await startReady(['--data', dir, '--scenario', 'demo', '--reset', '--admin-password', PW]));
      admin = await adminClient(rest);
      logins = (await admin.get('/users')).body.map((u: { login: string }) => u.login);
      assert.ok(!logins.includes('persisted-1'), '--reset kept the old state');
      assert.ok(logins.includes('1003'), '--reset did not apply the scenario');
      assert.equal((await run.stop('SIGTERM')).code, 0);
    });

    it('says in human mode that the stored PBX was used and the scenario not applied', async () => {
      const dir = tempDir();
      let run = runCli(['--data', dir, '--http-port', '0', '--sip-port', '0', '--admin-password', PW], NO_ENV_PW);
      await run.waitForStdout('Ctrl+C');
      await run.stop();
      run = runCli(
        ['--data', dir, '--http-port', '0', '--sip-port', '0', '--scenario', 'fresh', '--admin-password', PW],
        NO_ENV_PW,
      );
      await run.waitForStdout('Ctrl+C');
      assert.match(run.stdout, /not applied/);
      assert.equal((await run.stop()).code, 0);
    });

    for (const [what, garbage] of [
      ['not JSON', '{"schemaVersion": 1, "users": [ garbage \u0000\u00ff'],
      ['JSON of the wrong shape', JSON.stringify({ schemaVersion: 1, users: 'nope' })],
    ] as const) {
      it(`a state.json that is ${what} → non-zero exit naming the file, and the file is left byte-identical`, async () => {
        const dir = tempDir();
        const file = join(dir, 'state.json');
        writeFileSync(file, garbage);
        const before = readFileSync(file);
        const run = runCli(
          ['--data', dir, '--ready-json', '--http-port', '0', '--sip-port', '0', '--admin-password', PW],
          NO_ENV_PW,
        );
        const exit = await run.exited;
        assert.notEqual(exit.code, 0);
        assert.equal(exit.signal, null);
        assert.ok(run.stderr.includes(file), `stderr does not name ${file}: ${run.stderr}`);
        assert.equal(run.stdout, '', 'no ready line for a broken store');
        assert.deepEqual(readFileSync(file), before, 'the corrupt file was changed');
      });
    }

    /** A start on a data folder it cannot write: the message names the folder and the errno, never a port. */
    const refusedStore = async (data: string, errno: string, as?: { uid: number; gid: number }) => {
      const run = runCli(
        ['--data', data, '--ready-json', '--http-port', '0', '--sip-port', '0', '--admin-password', PW],
        NO_ENV_PW,
        as,
      );
      const exit = await run.exited;
      assert.equal(exit.code, 2, run.stderr);
      assert.ok(run.stderr.includes(data), `stderr does not name ${data}: ${run.stderr}`);
      assert.ok(run.stderr.includes(errno), `stderr does not name ${errno}: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /port/);
      assert.equal(run.stdout, '', 'no ready line without a store');
    };

    it('a data folder under a regular file: names the folder and ENOTDIR, not a port', async () => {
      const file = join(tempDir(), 'a-file');
      writeFileSync(file, '');
      await refusedStore(join(file, 'data'), 'ENOTDIR');
    });

    it('a read-only data folder (0500): names the folder and EACCES, not a port', async () => {
      // Root writes whatever the mode bits say, so as root (CI) the CLI runs as `nobody` on a folder root owns.
      const asRoot = process.getuid?.() === 0;
      const parent = tempDir();
      const dir = join(parent, 'data');
      mkdirSync(dir, { mode: 0o500 });
      if (asRoot) chmodSync(parent, 0o755);
      chmodSync(dir, asRoot ? 0o555 : 0o500);
      try {
        await refusedStore(dir, 'EACCES', asRoot ? { uid: 65534, gid: 65534 } : undefined);
      } finally {
        chmodSync(dir, 0o700);
      }
    });

    it('refuses a second simulator on the same --data while the first runs', async () => {
      const dir = tempDir();
      const first = await startReady(['--data', dir, '--admin-password', PW]);
      const stateBefore = readFileSync(join(dir, 'state.json'));
      const second = runCli(
        ['--data', dir, '--ready-json', '--http-port', '0', '--sip-port', '0', '--admin-password', 'another-password'],
        NO_ENV_PW,
      );
      const exit = await second.exited;
      assert.notEqual(exit.code, 0);
      assert.equal(second.stdout, '');
      assert.match(second.stderr, /in use/);
      assert.ok(second.stderr.includes(dir), second.stderr);
      assert.ok(second.stderr.includes(String(first.run.child.pid)), 'the message names the pid holding the folder');
      // The first one is unharmed: it still answers, its lock is in place, its file unchanged.
      const admin = await adminClient(first.rest);
      assert.equal((await admin.get('/users/me')).status, 200);
      assert.equal(readFileSync(join(dir, 'lock'), 'utf8').split(' ')[0], String(first.run.child.pid));
      assert.deepEqual(readFileSync(join(dir, 'state.json')), stateBefore);
      assert.equal((await first.run.stop()).code, 0);
    });

    it('takes over the lock of a killed simulator', async () => {
      const dir = tempDir();
      const first = await startReady(['--data', dir, '--admin-password', PW]);
      first.run.child.kill('SIGKILL');
      await first.run.exited;
      assert.ok(existsSync(join(dir, 'lock')));
      const second = await startReady(['--data', dir, '--admin-password', PW]);
      await adminClient(second.rest);
      assert.equal((await second.run.stop()).code, 0);
    });
  });

  describe('admin password', () => {
    it('--admin-password sets it', async () => {
      const { run, rest } = await startReady(['--memory', '--admin-password', 'from-the-flag']);
      await adminClient(rest, 'from-the-flag');
      assert.ok(!run.stderr.includes('generated'));
    });

    it('STARFACE_SIM_ADMIN_PASSWORD sets it', async () => {
      const { run, rest } = await startReady(['--memory'], { STARFACE_SIM_ADMIN_PASSWORD: 'from-the-env' });
      await adminClient(rest, 'from-the-env');
      assert.ok(!run.stderr.includes('generated'));
    });

    it('--admin-password wins over STARFACE_SIM_ADMIN_PASSWORD', async () => {
      const { rest } = await startReady(['--memory', '--admin-password', 'from-the-flag'], {
        STARFACE_SIM_ADMIN_PASSWORD: 'from-the-env',
      });
      await adminClient(rest, 'from-the-flag');
      await assert.rejects(adminClient(rest, 'from-the-env'), /failed: 400/);
    });

    it('without either, a generated password is printed on stderr (--ready-json) and it signs in', async () => {
      const { run, rest } = await startReady(['--memory']);
      // Printed right after the ready line; give the pipe a moment.
      const deadline = Date.now() + 10_000;
      let m: RegExpExecArray | null = null;
      while (!(m = /admin password \(generated[^)]*\): (\S+)/.exec(run.stderr)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.ok(m, `no generated password on stderr: ${run.stderr}`);
      assert.ok(m[1]!.length >= 12, 'the generated password is too short');
      assert.ok(!run.stdout.includes(m[1]!), 'the password must not be on stdout in --ready-json mode');
      await adminClient(rest, m[1]);
    });

    it('a stored admin password survives a restart without a password flag', async () => {
      const dir = tempDir();
      const first = await startReady(['--data', dir, '--admin-password', 'stored-admin-pw']);
      await first.run.stop();
      const { run, rest } = await startReady(['--data', dir]);
      await adminClient(rest, 'stored-admin-pw');
      assert.ok(!/generated/.test(run.stderr), 'a new password was generated although one was stored');
    });
  });

  describe('human mode and logs', () => {
    it('stdout lists the REST URL and the demo logins 1001, 1002, 1003', async () => {
      const run = runCli(['--memory', '--http-port', '0', '--sip-port', '0', '--admin-password', PW], NO_ENV_PW);
      await run.waitForStdout('Ctrl+C');
      const url = /https?:\/\/127\.0\.0\.1:(\d+)\/rest/.exec(run.stdout);
      assert.ok(url, run.stdout);
      for (const u of Object.values(DEMO_USERS)) assert.match(run.stdout, new RegExp(`\\b${u.login}\\b`));
      // The URL printed is the one that answers.
      const admin = await adminClient(url[0]);
      assert.equal((await admin.get('/users/me')).status, 200);
      assert.ok(!run.stdout.includes(PW), 'a configured admin password must not be echoed');
      assert.equal((await run.stop()).code, 0);
    });

    it('logs JSON lines on stderr and never the admin password or a key', async () => {
      const { run, rest } = await startReady(['--memory', '--admin-password', PW, '--log-level', 'debug']);
      const admin = await adminClient(rest);
      // Things worth logging: failed and successful sign-ins, a new key, a key file download, a bad request.
      await assert.rejects(adminClient(rest, 'wrong-password'));
      await new RestClient(rest).login(DEMO_USERS.anna.login, DEMO_USERS.anna.password);
      const configs = (await admin.get('/modules/configurations')).body as { id: number }[];
      assert.ok(configs.length > 0);
      const id = configs[0]!.id;
      const before = (await admin.get(`/modules/configurations/${id}/keyfile`)).body.key as string;
      assert.equal((await admin.post(`/modules/configurations/${id}/key`)).status, 201);
      const keyfile = await admin.get(`/modules/configurations/${id}/keyfile`);
      assert.equal(keyfile.status, 200);
      const key = keyfile.body.key as string;
      assert.ok(key && before && key !== before);
      await admin.post('/users', {
        login: 'log-test',
        firstName: 'L',
        familyName: 'T',
        email: '',
        language: 'en',
        password: 'secret-user-pw',
      });
      await admin.call('POST', '/users', undefined, { raw: '{not json' });
      assert.equal((await run.stop()).code, 0);

      const lines = run.stderr.split('\n').filter((l) => l !== '');
      assert.ok(lines.length >= 3, `too few log lines: ${run.stderr}`);
      for (const line of lines) {
        let entry: { time?: unknown; level?: unknown; msg?: unknown };
        try {
          entry = JSON.parse(line);
        } catch {
          assert.fail(`not a JSON line on stderr: ${line}`);
        }
        assert.equal(typeof entry.time, 'string', line);
        assert.ok(['debug', 'info', 'warn', 'error'].includes(entry.level as string), line);
        assert.equal(typeof entry.msg, 'string', line);
      }
      for (const secret of [
        PW,
        'wrong-password',
        key,
        before,
        'secret-user-pw',
        DEMO_USERS.anna.password,
        admin.token!,
      ]) {
        assert.ok(!run.stderr.includes(secret), `stderr contains a secret (${secret.slice(0, 3)}…)`);
      }
    });
  });
});
