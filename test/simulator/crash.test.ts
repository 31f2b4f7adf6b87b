// Crash safety of the JSON store: SIGKILL the CLI in the middle of a stream of writes; every write that was
// acknowledged with a 2xx must be there after a restart on the same folder, and the store must load.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, killAllClis, removeTempDirs, tempDir } from '../support/cli.js';
import { startOnDataDir } from '../support/cliOnDisk.js';
import { cleanUp } from '../support/cleanup.js';
import { TEST_TLS } from '../support/testTls.js';

const PW = 'crash-test-admin-pw';
const ROUNDS = 3;
const CONCURRENCY = 8;
const TEAMS = 'MS Teams Integration';
const UCC = 'UCC-Client Premium';

interface Acked {
  /** Logins whose POST /users was answered 201. */
  users: Set<string>;
  /** Logins whose PUT /licenses/users/{id} was answered 200, with the list that was set. */
  licences: Map<string, string[]>;
  /** Acknowledged POST /licenses {type: TEAMS, count: 1}. */
  teamsInstalls: number;
}

const start = (dir: string) => startOnDataDir(dir, PW);

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

describe('crash safety: SIGKILL during a stream of writes', function () {
  this.timeout(60_000);

  before(function () {
    this.timeout(60_000);
    ensureBuilt();
  });

  after(() => cleanUp(killAllClis, removeTempDirs));

  it(`keeps every acknowledged write over ${ROUNDS} kill/restart rounds`, async () => {
    const dir = tempDir('starface-sim-crash-');
    const acked: Acked = { users: new Set(), licences: new Map(), teamsInstalls: 0 };
    let { run, admin } = await start(dir);

    // Enough UCC licences that every licence PUT can succeed; the starting Teams count is the baseline.
    assert.equal((await admin.post('/licenses', { type: UCC, count: 10_000 })).status, 201);
    const teamsBase = ((await admin.get('/licenses')).body as { type: string; count: number }[]).find(
      (l) => l.type === TEAMS,
    )!.count;

    for (let round = 1; round <= ROUNDS; round++) {
      const killAfter = random(50, 120);
      let ackedThisRound = 0;
      let killed = false;
      let seq = 0;
      const pid = run.child.pid!;
      /** Created in this round and not yet given a licence list: each gets at most one PUT, so the last one is known. */
      const licenceCandidates: { login: string; id: number }[] = [];

      const ack = () => {
        ackedThisRound++;
        if (ackedThisRound === killAfter) {
          // Somewhere in the next few milliseconds, with writes in flight.
          setTimeout(
            () => {
              killed = true;
              try {
                process.kill(pid, 'SIGKILL');
              } catch {
                // already gone
              }
            },
            random(0, 15),
          );
        }
      };

      const worker = async () => {
        while (!killed) {
          const n = seq++;
          const kind = n % 5;
          try {
            if (kind === 3 && licenceCandidates.length > 0) {
              const u = licenceCandidates.shift()!;
              const list = Math.random() < 0.5 ? [UCC] : [];
              const r = await admin.put(`/licenses/users/${u.id}`, list);
              if (r.status === 200) {
                acked.licences.set(u.login, list);
                ack();
              }
            } else if (kind === 4) {
              const r = await admin.post('/licenses', { type: TEAMS, count: 1 });
              if (r.status === 201) {
                acked.teamsInstalls++;
                ack();
              }
            } else {
              const login = `crash-${round}-${n}`;
              const r = await admin.post('/users', {
                login,
                firstName: 'Crash',
                familyName: `R${round}N${n}`,
                email: '',
                language: 'en',
                password: 'crash-pw-1',
              });
              if (r.status === 201) {
                acked.users.add(login);
                licenceCandidates.push({ login, id: r.body.id });
                ack();
              } else {
                assert.fail(`POST /users answered ${r.status} ${JSON.stringify(r.body)}`);
              }
            }
          } catch (err) {
            if (err instanceof assert.AssertionError) throw err;
            // A request cut off by the kill: not acknowledged, so nothing to check.
            if (!killed) await new Promise((r) => setTimeout(r, 1));
          }
        }
      };

      const streamEnd = Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const exit = await run.exited;
      killed = true;
      await streamEnd;
      assert.equal(
        exit.signal,
        'SIGKILL',
        `round ${round}: the simulator ended by itself (${exit.code}): ${run.stderr}`,
      );
      assert.ok(ackedThisRound >= 50, `round ${round}: only ${ackedThisRound} writes acknowledged before the kill`);

      // Whatever the kill left, state.json is whole JSON (a temp file may be left beside it).
      const raw = readFileSync(join(dir, 'state.json'), 'utf8');
      assert.doesNotThrow(() => JSON.parse(raw), `round ${round}: state.json is torn`);

      ({ run, admin } = await start(dir));
      const users = (await admin.get('/users')).body as { id: number; login: string }[];
      const present = new Set(users.map((u) => u.login));
      const missing = [...acked.users].filter((l) => !present.has(l));
      assert.deepEqual(missing, [], `round ${round}: acknowledged users lost after the crash`);
      for (const [login, list] of acked.licences) {
        const u = users.find((x) => x.login === login)!;
        const held = (await admin.get(`/licenses/users/${u.id}`)).body;
        assert.deepEqual(held, list, `round ${round}: licences of ${login}`);
      }
      const teams = ((await admin.get('/licenses')).body as { type: string; count: number }[]).find(
        (l) => l.type === TEAMS,
      )!.count;
      assert.ok(
        teams >= teamsBase + acked.teamsInstalls,
        `round ${round}: ${teams} Teams licences, but ${teamsBase} + ${acked.teamsInstalls} acknowledged`,
      );
      // At most the writes in flight at the kill can have landed without an answer.
      assert.ok(
        teams <= teamsBase + acked.teamsInstalls + CONCURRENCY,
        `round ${round}: ${teams} Teams licences is more than was ever sent`,
      );
    }

    // The last restarted simulator still takes writes and stops cleanly; no stray files beyond the store's own.
    assert.equal(
      (
        await admin.post('/users', {
          login: 'after-crashes',
          firstName: 'A',
          familyName: 'C',
          email: '',
          language: 'en',
          password: 'crash-pw-1',
        })
      ).status,
      201,
    );
    assert.equal((await run.stop('SIGTERM')).code, 0);
    // Under --tls the certificates' folder is expected there too.
    const stray = readdirSync(dir).filter(
      (f) => f !== 'state.json' && !/^state\.json\.\d+\.tmp$/.test(f) && !(TEST_TLS && f === 'tls'),
    );
    assert.deepEqual(stray, []);
  });
});
