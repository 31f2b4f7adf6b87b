// Black-box tests of `starface-sim admin-password` (dist/simulator/cli.js) on temp data folders: reset with a given,
// an environment or a generated password (the new one signs in, the old one not), --check, --show, the refusal
// while a simulator holds the folder, and bad input. Also GET /rest/sim/credentials, which the VS Code
// "Simulator" node lists the logins from.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, killAllClis, removeTempDirs, runCli, tempDir } from '../support/cli.js';
import { DEMO_USERS, RestClient } from '../support/rest.js';

const PW = 'admin-pw-before-reset';
const NO_ENV_PW = { STARFACE_SIM_ADMIN_PASSWORD: undefined };

async function startOn(dir: string, env: Record<string, string | undefined> = NO_ENV_PW, args: string[] = []) {
  const run = runCli(['--ready-json', '--http-port', '0', '--sip-port', '0', '--data', dir, ...args], env);
  return { run, rest: (await run.ready()).rest };
}

async function signsIn(rest: string, password: string): Promise<boolean> {
  try {
    await new RestClient(rest).login('admin', password);
    return true;
  } catch {
    return false;
  }
}

async function adminPassword(args: string[], env: Record<string, string | undefined> = NO_ENV_PW) {
  const run = runCli(['admin-password', ...args], env);
  const exit = await run.exited;
  return { code: exit.code, stdout: run.stdout, stderr: run.stderr };
}

/** A folder with a stored demo PBX whose admin password is PW; no simulator runs on it afterwards. */
async function storedFolder(): Promise<string> {
  const dir = tempDir();
  const { run } = await startOn(dir, NO_ENV_PW, ['--admin-password', PW]);
  assert.equal((await run.stop()).code, 0);
  return dir;
}

describe('starface-sim admin-password (black box)', function () {
  this.timeout(30_000);

  before(function () {
    this.timeout(60_000);
    ensureBuilt();
  });
  afterEach(async () => killAllClis());
  after(async () => {
    await killAllClis();
    removeTempDirs();
  });

  it('--reset without a password prints a generated one once; it signs in, the old one not', async () => {
    const dir = await storedFolder();
    const r = await adminPassword(['--data', dir, '--reset']);
    assert.equal(r.code, 0, r.stderr);
    const m = /\(shown once\): (\S+)\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
    const fresh = m[1]!;
    assert.ok(fresh.length >= 20, 'a long random password');
    assert.equal(r.stdout.split(fresh).length, 2, 'printed exactly once');
    assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600, 'the store stays private');
    assert.ok(!existsSync(join(dir, 'lock')), 'the lock is released');
    assert.ok(!readFileSync(join(dir, 'state.json'), 'utf8').includes(fresh), 'only its hash is stored');

    const { run, rest } = await startOn(dir);
    assert.equal(await signsIn(rest, fresh), true, 'the new password signs in');
    assert.equal(await signsIn(rest, PW), false, 'the old one no longer does');
    // The scenario's other users are untouched.
    await new RestClient(rest).login(DEMO_USERS.anna.login, DEMO_USERS.anna.password);
    await run.stop();

    const again = await adminPassword(['--data', dir, '--reset']);
    assert.notEqual(/\(shown once\): (\S+)/.exec(again.stdout)?.[1], fresh, 'each reset draws a new one');
  });

  it('--reset --password PW and $STARFACE_SIM_ADMIN_PASSWORD set the given one without printing it', async () => {
    const dir = await storedFolder();
    const given = 'the-given-admin-pw';
    const r = await adminPassword(['--data', dir, '--reset', '--password', given]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(given), 'a given password is not echoed');
    assert.equal((await adminPassword(['--data', dir, '--check'], { STARFACE_SIM_ADMIN_PASSWORD: given })).code, 0);

    const fromEnv = 'admin-pw-from-env';
    const e = await adminPassword(['--data', dir, '--reset'], { STARFACE_SIM_ADMIN_PASSWORD: fromEnv });
    assert.equal(e.code, 0, e.stderr);
    assert.ok(!e.stdout.includes(fromEnv));
    const { run, rest } = await startOn(dir);
    assert.equal(await signsIn(rest, fromEnv), true);
    await run.stop();
  });

  it('--check says whether $STARFACE_SIM_ADMIN_PASSWORD matches (0/1); --show explains that only a hash is stored (1)', async () => {
    const dir = await storedFolder();
    const yes = await adminPassword(['--data', dir, '--check'], { STARFACE_SIM_ADMIN_PASSWORD: PW });
    assert.equal(yes.code, 0);
    assert.match(yes.stdout, /matches/);
    const no = await adminPassword(['--data', dir, '--check'], { STARFACE_SIM_ADMIN_PASSWORD: 'not-it' });
    assert.equal(no.code, 1);
    assert.match(no.stdout, /does not match/);
    const show = await adminPassword(['--data', dir, '--show']);
    assert.equal(show.code, 1);
    assert.match(show.stdout, /hash only: it cannot be shown/);
    assert.match(show.stdout, /--reset/);
  });

  it('refuses while a simulator runs on the folder, naming its pid, and changes nothing', async () => {
    const dir = await storedFolder();
    const { run, rest } = await startOn(dir, { STARFACE_SIM_ADMIN_PASSWORD: PW });
    const before = readFileSync(join(dir, 'state.json'));
    const r = await adminPassword(['--data', dir, '--reset']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '', 'no password printed');
    assert.match(r.stderr, /is running on/);
    assert.ok(r.stderr.includes(String(run.child.pid)), r.stderr);
    assert.deepEqual(readFileSync(join(dir, 'state.json')), before);
    assert.equal(
      readFileSync(join(dir, 'lock'), 'utf8').split(' ')[0],
      String(run.child.pid),
      "the simulator's lock stays",
    );
    assert.equal(await signsIn(rest, PW), true);
    await run.stop();
  });

  it('bad input exits 2 with a clear message', async () => {
    // A folder never used: refused with how to set the password instead, and left as it was (no lock, no state).
    const empty = tempDir();
    const none = await adminPassword(['--data', empty, '--reset']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /holds no stored PBX yet .*--admin-password PW or \$STARFACE_SIM_ADMIN_PASSWORD/);
    assert.deepEqual(readdirSync(empty), []);
    // A missing folder (a typo in --data) is named as such and not created.
    const missing = join(empty, 'no-such-folder');
    const gone = await adminPassword(['--data', missing, '--check'], { STARFACE_SIM_ADMIN_PASSWORD: PW });
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /the data folder .*no-such-folder does not exist/);
    assert.equal(existsSync(missing), false);
    const dir = await storedFolder();
    for (const [args, why] of [
      [['--data', dir], /exactly one of --show, --check and --reset/],
      [['--data', dir, '--show', '--reset'], /exactly one/],
      [['--data', dir, '--show', '--password', 'x'], /--password goes with --reset/],
      [['--data', dir, '--reset', '--password', ''], /must not be empty/],
      [['--data', dir, '--check'], /STARFACE_SIM_ADMIN_PASSWORD, which is not set/],
      [['--data', dir, '--bogus'], /bogus/],
    ] as const) {
      const r = await adminPassword([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, why);
    }
    const help = await adminPassword(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--reset/);
  });

  it('GET /rest/sim/credentials lists the demo logins with login and SIP passwords to an admin only', async () => {
    const dir = tempDir();
    const { run, rest } = await startOn(dir, NO_ENV_PW, ['--admin-password', PW, '--log-level', 'debug']);
    const admin = new RestClient(rest);
    await admin.login('admin', PW);
    const res = await admin.get('/sim/credentials');
    assert.equal(res.status, 200);
    const anna = res.body.users.find((u: { login: string }) => u.login === DEMO_USERS.anna.login);
    assert.equal(anna.password, DEMO_USERS.anna.password);
    assert.equal(anna.sipPassword, DEMO_USERS.anna.password);
    assert.equal(anna.extension, '1001');
    assert.ok(
      !res.body.users.some((u: { login: string }) => u.login === 'admin'),
      'the admin (a hash only) is not listed',
    );
    assert.ok(res.body.sipDomains.includes('127.0.0.1'));
    assert.ok(res.body.sipDomains.includes('pbx.demo.starface.test'));
    assert.equal(
      res.body.sipRealm,
      'pbx.demo.starface.test',
      "the realm of the challenges: the active configuration's PBX name",
    );

    const user = new RestClient(rest);
    await user.login(DEMO_USERS.anna.login, DEMO_USERS.anna.password);
    const refused = await user.get('/sim/credentials');
    assert.equal(refused.status, 403);
    assert.equal(typeof refused.body.code, 'string', 'the {code,message,details} error shape');
    assert.match(refused.body.message, /Administration/);
    assert.ok(!JSON.stringify(refused.body).includes(DEMO_USERS.bernd.password));
    const anonymous = await new RestClient(rest).get('/sim/credentials');
    assert.equal(anonymous.status, 401);
    assert.equal(typeof anonymous.body.code, 'string');
    assert.equal(typeof anonymous.body.message, 'string');

    // OpenAPI: a simulator-only resource (a real PBX has no such list), for administrators.
    const doc = (await admin.get('/openapi.json')).body;
    const op = doc.paths['/sim/credentials'].get;
    assert.deepEqual(op.tags, ['Simulator']);
    assert.equal(op['x-access'], 'admin');
    assert.ok(op.responses['403'] && op.responses['401']);
    await run.stop();
    // The JSON logs, even at debug, never hold what the list hands out.
    for (const secret of [PW, DEMO_USERS.anna.password, DEMO_USERS.bernd.password])
      assert.ok(!run.stderr.includes(secret), 'no password in the simulator log');
    assert.match(run.stderr, /"msg"|"message"|"level"/, 'the log was captured');
  });

  it('a scenario user with its own SIP password: the login password is unknown (null), the SIP password listed', async () => {
    const dir = tempDir();
    const file = join(dir, 'scenario.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'own-sip',
        users: [
          {
            login: '2001',
            firstName: 'Dora',
            familyName: 'Dietz',
            password: 'dora-2001',
            sipPassword: 'dora-sip-2001',
            extension: '2001',
          },
        ],
      }),
    );
    const { run, rest } = await startOn(join(dir, 'data'), NO_ENV_PW, ['--admin-password', PW, '--scenario', file]);
    const admin = new RestClient(rest);
    await admin.login('admin', PW);
    const [dora] = (await admin.get('/sim/credentials')).body.users;
    assert.deepEqual(
      { login: dora.login, password: dora.password, sipPassword: dora.sipPassword },
      { login: '2001', password: null, sipPassword: 'dora-sip-2001' },
    );
    await run.stop();
  });
});
