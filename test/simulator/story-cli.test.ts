/** `starface-sim story NAME|FILE`: plays a story on a running simulator over its REST API and prints the narration. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { cleanUp } from '../support/cleanup.js';
import { CLI, ensureBuilt, killAllClis, removeTempDirs, runCli, tempDir } from '../support/cli.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';

describe('simulator: starface-sim story', function () {
  this.timeout(60_000);
  let sim: RunningSim;

  before(() => ensureBuilt(CLI, { staleAgainst: ['shared/schemas', 'simulator/src/cli', 'simulator/src/story'] }));
  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
  });
  afterEach(() => cleanUp(killAllClis, () => sim?.stop()));
  after(() => removeTempDirs());

  it('plays the built-in demo fast, printing each step in the language asked for, and exits 0', async () => {
    const run = runCli(['story', 'demo', '--speed', '1000', '--rest', sim.base, '--lang', 'de'], {
      STARFACE_SIM_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
    assert.equal((await run.exited).code, 0, run.stderr);
    assert.match(run.stdout, /Playing "demo" \(10 steps, speed 1000\)/);
    assert.match(run.stdout, /\[1\/10\] Annas Tischtelefon meldet sich an\./);
    assert.match(run.stdout, /\[10\/10\] /);
    assert.match(run.stdout, /Finished\.\n$/);
    const events = (await sim.admin.get('/sim/events?sinceSeq=0')).body.events;
    assert.ok(
      events.some(
        (e: { service: string; event: string }) => e.service === SIM_SERVICES.story && e.event === 'finished',
      ),
    );
  });

  it('plays a story file; an invalid file is named with what is wrong and nothing is sent', async () => {
    const dir = tempDir();
    const good = join(dir, 'short.json');
    writeFileSync(
      good,
      JSON.stringify({
        name: 'short',
        description: { en: 'Short.', de: 'Kurz.' },
        steps: [{ say: { en: 'Anna registers.', de: 'Anna.' }, action: { do: 'register', user: '1001' }, pauseMs: 0 }],
      }),
    );
    const ok = runCli(['story', good, '--rest', sim.base, '--admin-password', ADMIN_PASSWORD]);
    assert.equal((await ok.exited).code, 0, ok.stderr);
    assert.match(ok.stdout, /\[1\/1\] Anna registers\./);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', description: { en: 'x', de: 'x' }, steps: [] }));
    const before = (await sim.admin.get('/sim/events?sinceSeq=0&limit=1')).body.lastSeq;
    const refused = runCli(['story', bad, '--rest', sim.base, '--admin-password', ADMIN_PASSWORD]);
    assert.equal((await refused.exited).code, 1);
    assert.match(refused.stderr, /bad\.json is not valid:\n {2}steps:/);
    assert.equal((await sim.admin.get('/sim/events?sinceSeq=0&limit=1')).body.lastSeq, before);
  });

  it('says what is missing: the admin password (exit 2); an unknown story (exit 1)', async () => {
    const noPassword = runCli(['story', 'demo', '--rest', sim.base], { STARFACE_SIM_ADMIN_PASSWORD: undefined });
    assert.equal((await noPassword.exited).code, 2);
    assert.match(noPassword.stderr, /--admin-password/);
    const unknown = runCli(['story', 'nope', '--rest', sim.base, '--admin-password', ADMIN_PASSWORD]);
    assert.equal((await unknown.exited).code, 1);
    assert.match(unknown.stderr, /400: No built-in story "nope" \(built in: demo\)/);
  });
});
