import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UCI_METHODS } from '../../shared/schemas/uci.js';
import { ROOT, runCli } from '../support/cli.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';

describe('simulator: UCI record → replay (built CLI)', () => {
  let sim: RunningSim;
  let dir: string;
  before(function () {
    this.timeout(60_000);
    // The subcommands are new: build, unless another build is under test.
    if (!process.env.STARFACE_SIM_CLI) {
      const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`node esbuild.mjs failed: ${r.stderr}`);
    }
    dir = mkdtempSync(join(tmpdir(), 'uci-record-'));
  });
  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
  });
  afterEach(async () => {
    await sim.stop();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('records a live session to JSON Lines and plays it back to subscribers, in order, spacing scaled by --speed', async function () {
    this.timeout(30_000);
    const out = join(dir, 'session.jsonl');
    const configId = (await sim.admin.get('/modules/configurations')).body[0].id;
    const rec = runCli([
      'record',
      '--uci',
      sim.addresses.uci,
      '--out',
      out,
      '--login',
      'admin',
      '--password',
      ADMIN_PASSWORD,
      '--services',
      'sim.events.config',
      '--count',
      '4',
    ]);
    await rec.waitForStdout('"recording":true', 10_000);
    const gaps = [0, 200, 400, 300];
    for (const [i, gap] of gaps.entries()) {
      await new Promise((r) => setTimeout(r, gap));
      assert.equal((await sim.admin.put(`/modules/configurations/${configId}`, { name: `Incident ${i}` })).status, 200);
    }
    const exit = await rec.exited;
    assert.equal(exit.code, 0, rec.stderr);
    assert.match(rec.stdout, /"recorded":4/);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 4);
    lines.forEach((e, i) => {
      assert.deepEqual(Object.keys(e).sort(), ['data', 'event', 'seq', 'service', 'time']);
      assert.equal(e.event, 'configuration-changed');
      if (i) assert.ok(e.seq > lines[i - 1].seq);
    });
    const recordedSpanMs = Date.parse(lines.at(-1).time) - Date.parse(lines[0].time);

    // Play it back at double speed to a subscriber.
    const watcher = await UciClient.as(sim.addresses.uci, { login: 'admin', password: ADMIN_PASSWORD });
    await watcher.request(UCI_METHODS.subscribeEvents, { services: ['sim.events.config'] });
    const before = sim.internals.bus.lastSeq;
    const play = runCli([
      'replay',
      out,
      '--rest',
      sim.base,
      '--login',
      'admin',
      '--password',
      ADMIN_PASSWORD,
      '--speed',
      '2',
    ]);
    const done = await play.exited;
    assert.equal(done.code, 0, play.stderr);
    // `durationMs` is the span of the schedule the CLI computed from the file, not a measured time.
    const { scheduled, durationMs: scheduledSpanMs } = JSON.parse(play.stdout.trim());
    assert.equal(scheduled, 4);
    // The schedule keeps the recorded spacing, halved (how punctually timers fire is this machine's business).
    assert.equal(scheduledSpanMs, Math.round(recordedSpanMs / 2));
    await watcher.waitForCount(4, 10_000);
    const got = watcher.notifications.map((n) => n.params);
    assert.ok(
      got.every((e) => e.seq > before),
      'new seqs',
    );
    got.forEach((e, i) => {
      assert.equal(e.data.replayed, true);
      assert.equal(e.data.originalSeq, lines[i].seq);
      assert.equal(e.data.originalTime, lines[i].time);
      assert.equal(e.data.configurationId, lines[i].data.configurationId);
      assert.equal(e.event, 'configuration-changed');
      if (i) assert.equal(e.seq, got[i - 1]!.seq + 1);
    });
    const playedTimes = got.map((e) => Date.parse(e.time));
    assert.deepEqual(
      playedTimes,
      [...playedTimes].sort((a, b) => a - b),
      'played in the recorded order',
    );
    watcher.ws.terminate();
  });

  it('replay: --help, a wrong file and a non-admin are refused with messages', async () => {
    const help = runCli(['replay', '--help']);
    assert.equal((await help.exited).code, 0);
    assert.match(help.stdout, /POST \/rest\/sim\/replay/);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"not":"an event"}\n');
    const r = runCli(['replay', bad, '--rest', sim.base, '--login', 'admin', '--password', ADMIN_PASSWORD]);
    assert.equal((await r.exited).code, 1);
    assert.match(r.stderr, /bad\.jsonl:1: not an event/);
    const usage = runCli(['record', '--out', bad]);
    assert.equal((await usage.exited).code, 2);
    assert.match(usage.stderr, /--uci and --out are required/);
    const anna = await sim.as({ login: '1001', password: 'anna-demo-1001' });
    const refused = await anna.post('/sim/replay', {
      events: [{ time: new Date().toISOString(), service: 'sim.events.config', event: 'x', data: {} }],
    });
    assert.equal(refused.status, 403);
    const invalid = await sim.admin.post('/sim/replay', { events: [], speed: 0 });
    assert.equal(invalid.status, 400);
  });
});
