/**
 * A replayed event nests at most REPLAY_DATA_MAX_DEPTH levels: deeper ones are refused with a 400 naming the field
 * (REST) or the line (the `replay` CLI), whatever the body's charset. Before, a UTF-16 body slipped past the byte
 * scan of the 64-level body limit; the event, 200,000 levels deep, could not be serialised: GET /rest/sim/events
 * answered 500 and every subscriber silently missed its seq.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { REPLAY_DATA_MAX_DEPTH, UCI_METHODS as M } from '../../shared/schemas/uci.js';
import { CLI, ensureBuilt, killAllClis, removeTempDirs, runCli, tempDir } from '../support/cli.js';
import { cleanUp } from '../support/cleanup.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';

/** `{"n":{"n":…{"x":1}…}}`: `levels` objects deep. */
function nested(levels: number): Record<string, unknown> {
  let data: Record<string, unknown> = { x: 1 };
  for (let i = 1; i < levels; i++) data = { n: data };
  return data;
}

const event = (data: unknown) => ({ time: new Date().toISOString(), service: SIM_SERVICES.users, event: 'x', data });

describe('simulator: replayed events nest at most 32 levels', function () {
  this.timeout(30_000);
  let sim: RunningSim;
  let uci: UciClient;

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
    uci = await UciClient.as(sim.addresses.uci, { login: 'admin', password: ADMIN_PASSWORD });
  });
  afterEach(() =>
    cleanUp(
      () => uci.close(),
      () => sim.stop(),
    ),
  );

  /** The replayed events delivered so far end with one of `marker`; every seq GET /sim/events has is contiguous. */
  const assertNoGap = async (from: number, marker: string) => {
    const reply = await sim.admin.get(`/sim/events?sinceSeq=${from}`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body).slice(0, 300));
    const seqs = (reply.body.events as { seq: number }[]).map((e) => e.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => from + 1 + i),
      'a seq is missing',
    );
    assert.ok(reply.body.events.some((e: { data: { marker?: string } }) => e.data.marker === marker));
  };

  it('refuses data nested deeper than 32 levels with a 400 naming it; 32 levels play', async () => {
    const sub = await uci.request(M.subscribeEvents, { services: [SIM_SERVICES.users] });
    const deep = await sim.admin.post('/sim/replay', { events: [event({ marker: 'a' }), event(nested(33))] });
    assert.equal(deep.status, 400);
    assert.equal(deep.body.code, 'VALIDATION_FAILED');
    assert.match(deep.body.message, /events\.1\.data: nests arrays and objects deeper than 32 levels/);
    assert.deepEqual(
      deep.body.details.map((d: { path: string }) => d.path),
      ['events.1.data'],
    );
    assert.equal(REPLAY_DATA_MAX_DEPTH, 32);

    const ok = await sim.admin.post('/sim/replay', { events: [event(nested(32)), event({ marker: 'b' })] });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    const marker = await uci.waitFor((n) => n.params.data.marker === 'b');
    const replayed = uci.notifications.filter((n) => n.params.data.replayed === true);
    assert.deepEqual(
      replayed.map((n) => n.params.seq),
      [marker.params.seq - 1, marker.params.seq],
      'the subscriber missed a seq',
    );
    await assertNoGap(sub.lastSeq, 'b');
  });

  for (const charset of ['utf-16le', 'utf-16be', 'utf-16', 'utf-32le']) {
    it(`a ${charset} body cannot nest past the body limit (a quote byte inside a character fooled the scan)`, async () => {
      const before = (await sim.admin.get('/sim/events')).body.lastSeq as number;
      // U+225B is the bytes 5B 22 in UTF-16LE: a quote for a byte scan. 100,000 levels of arrays follow.
      const body = `{"events":[{"time":"${new Date().toISOString()}","service":"${SIM_SERVICES.users}","event":"x","data":{"a":"\u225b","n":${'['.repeat(100_000)}${']'.repeat(100_000)}}}]}`;
      const reply = await fetch(`${sim.base}/sim/replay`, {
        method: 'POST',
        headers: { 'Content-Type': `application/json; charset=${charset}`, authToken: sim.admin.token! },
        body: new Uint8Array(encode(body, charset)),
      });
      const answer = await reply.json();
      assert.equal(reply.status, 400, JSON.stringify(answer));
      assert.equal(answer.code, 'BODY_TOO_DEEP');
      assert.ok(answer.message && answer.details, JSON.stringify(answer));

      assert.equal((await sim.admin.post('/sim/replay', { events: [event({ marker: 'after' })] })).status, 202);
      await uci.request(M.subscribeEvents, { services: [SIM_SERVICES.users], sinceSeq: before });
      await uci.waitFor((n) => n.params.data.marker === 'after');
      await assertNoGap(before, 'after');
    });
  }

  it('a shallow body in UTF-16 still plays (the depth is measured once parsed)', async () => {
    const before = (await sim.admin.get('/sim/events')).body.lastSeq as number;
    const body = JSON.stringify({ events: [event({ marker: 'utf16', text: 'ü≛', list: [[1]] })] });
    const reply = await fetch(`${sim.base}/sim/replay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-16le', authToken: sim.admin.token! },
      body: new Uint8Array(encode(body, 'utf-16le')),
    });
    assert.equal(reply.status, 202, await reply.text());
    await uci.request(M.subscribeEvents, { services: [SIM_SERVICES.users], sinceSeq: before });
    const got = await uci.waitFor((n) => n.params.data.marker === 'utf16');
    assert.equal(got.params.data.text, 'ü≛');
  });

  describe('starface-sim replay FILE', () => {
    before(function () {
      this.timeout(60_000);
      ensureBuilt(CLI, { staleAgainst: ['shared', 'shared/schemas', 'simulator/src/cli'] });
    });
    after(() => cleanUp(killAllClis, removeTempDirs));

    it('refuses a recording with a line nested too deep, naming the line, and sends nothing', async () => {
      const file = join(tempDir(), 'deep.jsonl');
      const deepLine = `{"time":"${new Date().toISOString()}","service":"${SIM_SERVICES.users}","event":"x","data":{"n":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
      writeFileSync(file, `${JSON.stringify(event({ marker: 'first' }))}\n${deepLine}\n`);
      const before = (await sim.admin.get('/sim/events')).body.lastSeq as number;
      const run = runCli(['replay', file, '--rest', sim.base, '--token', sim.admin.token!]);
      assert.equal((await run.exited).code, 1, run.stderr);
      assert.match(run.stderr, /deep\.jsonl:2: not an event: data nests arrays and objects deeper than 32 levels/);
      assert.equal((await sim.admin.get('/sim/events')).body.lastSeq, before, 'a part of the file was played');
    });
  });
});

function encode(text: string, charset: string): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  if (charset === 'utf-16le') return le;
  if (charset === 'utf-16') return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
  if (charset === 'utf-16be') return Buffer.from(le).swap16();
  // UTF-32LE without a BOM: every code point here is in the BMP.
  const out = Buffer.alloc(text.length * 4);
  for (let i = 0; i < text.length; i++) out.writeUInt32LE(text.charCodeAt(i), i * 4);
  return out;
}
