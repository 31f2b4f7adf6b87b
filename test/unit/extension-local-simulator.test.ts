import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PbxApi } from '../../extension/src/pbx/api.js';
import { PbxRestClient } from '../../extension/src/pbx/restClient.js';
import { LocalSimulator } from '../../extension/src/simulator/localSimulator.js';
import { ensureBuilt, ROOT } from '../support/cli.js';
import { cleanUp, each } from '../support/cleanup.js';

const cliPath = join(ROOT, 'dist', 'simulator', 'cli.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function gone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return !alive(pid);
}

describe('extension LocalSimulator', function () {
  this.timeout(20_000);
  let tmp: string;
  const started: LocalSimulator[] = [];
  const pids: number[] = [];

  before(function () {
    if (!existsSync(cliPath)) this.timeout(120_000);
    ensureBuilt(cliPath);
  });
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'starface-localsim-'));
  });
  afterEach(() =>
    cleanUp(
      each(started, (s) => s.stop()),
      // Never leave a child behind, whatever a test did.
      each(pids, (pid) => alive(pid) && process.kill(pid, 'SIGKILL')),
      () => rmSync(tmp, { recursive: true, force: true }),
    ),
  );

  function simulator(opts: { scenario?: string; password: string; logs?: string[] }): LocalSimulator {
    const s = new LocalSimulator({
      cliPath,
      dataDir: join(tmp, 'data'),
      scenario: opts.scenario,
      adminPassword: opts.password,
      log: (level, message) => opts.logs?.push(`${level} ${message}`),
    });
    started.push(s);
    return s;
  }

  it('starts the built CLI, whose REST address answers and takes the given password', async () => {
    const password = LocalSimulator.newPassword();
    assert.match(password, /^[A-Za-z0-9_-]{24}$/);
    const logs: string[] = [];
    const sim = simulator({ scenario: 'demo', password, logs });
    assert.equal(sim.running, false);
    const ready = await sim.start();
    pids.push(ready.pid);
    assert.equal(ready.ready, true);
    assert.match(ready.rest, /^http:\/\/127\.0\.0\.1:\d+\/rest$/);
    assert.notEqual(ready.pid, process.pid);
    assert.ok(alive(ready.pid));
    assert.equal(sim.running, true);
    assert.equal(sim.ready, ready);
    assert.equal(await sim.start(), ready, 'a second start while running is a no-op');

    const challenge = await fetch(`${ready.rest}/login`);
    assert.equal(challenge.status, 200);
    assert.equal(((await challenge.json()) as { loginType: string }).loginType, 'Internal');

    const client = new PbxRestClient(ready.rest);
    await client.login('admin', password);
    const api = new PbxApi(client);
    assert.equal((await api.version()).version, '8.1.0.4');
    assert.deepEqual(
      (await api.users()).map((u) => u.login),
      ['admin', '1001', '1002', '1003'],
    );
    await assert.rejects(new PbxRestClient(ready.rest).login('admin', 'not-' + password), /wrong login or password/);
    assert.ok(
      existsSync(join(tmp, 'data')) && readdirSync(join(tmp, 'data')).length > 0,
      'the store lives in the data dir',
    );
    assert.ok(
      logs.some((l) => l.includes('[simulator]')),
      'its log lines reach the log callback',
    );

    await sim.stop();
    assert.ok(await gone(ready.pid, 10_000), 'the process has ended');
    // It ended on SIGTERM by itself (code 0), not killed after stop()'s 3 s grace (SIGKILL).
    assert.ok(logs.includes('info simulator exited (code 0)'), logs.join('\n'));
    assert.equal(sim.running, false);
    assert.equal(sim.ready, undefined);
    await assert.rejects(fetch(`${ready.rest}/login`));
    await sim.stop(); // stopping twice is harmless
  });

  it('continues with the stored PBX when started without a scenario', async () => {
    const password = LocalSimulator.newPassword();
    const first = simulator({ scenario: 'demo', password });
    const r1 = await first.start();
    pids.push(r1.pid);
    const client = new PbxRestClient(r1.rest);
    await client.login('admin', password);
    await new PbxApi(client).updateConfiguration(1, { autoprovisioning: false });
    await first.stop();
    assert.ok(await gone(r1.pid, 10_000));

    const second = simulator({ password });
    const r2 = await second.start();
    pids.push(r2.pid);
    const again = new PbxRestClient(r2.rest);
    await again.login('admin', password);
    const [config] = await new PbxApi(again).configurations();
    assert.equal(config!.autoprovisioning, false, 'the change of the first run is kept');
  });

  it("rejects with the simulator's message for an unknown scenario", async () => {
    for (let i = 0; i < 3; i++) {
      const sim = simulator({ scenario: 'no-such-scenario', password: 'whatever-password' });
      await assert.rejects(sim.start(), (err: Error) => {
        assert.match(err.message, /^The simulator exited \(code 2\)/);
        assert.match(err.message, /Unknown scenario "no-such-scenario"/);
        assert.match(err.message, /Built-in: demo, fresh/);
        return true;
      });
      assert.equal(sim.running, false);
    }
  });
});
