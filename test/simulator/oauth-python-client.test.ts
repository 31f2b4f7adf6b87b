/**
 * STARFACE 10's OAuth as a Python client for a real PBX uses it (test/python/starface_oauth_client.py, standard
 * library only): the password grant with urllib, REST with Bearer, UCI over XML-RPC with the JWT, the refresh grant.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { STARFACE_10_VERSION } from '../../shared/scenarios.js';
import { clientSecret, pbxBase } from '../support/oauth.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { testTlsChildEnv } from '../support/testTls.js';

const SCRIPT = join(__dirname, '..', 'python', 'starface_oauth_client.py');

/** Runs the script to its end; its one stdout line parsed. */
function runPython(arg: unknown): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [SCRIPT, JSON.stringify(arg)], { env: testTlsChildEnv() });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as Record<string, any>) : reject(new Error(`python exited ${code}: ${err}`)),
    );
  });
}

describe('OAuth with a Python standard-library client', function () {
  this.timeout(30_000);
  let sim: RunningSim;

  before(async () => {
    assert.equal(spawnSync('python3', ['--version']).status, 0, 'python3 is needed for this test');
    sim = await startSim({ scenario: 'starface-10' });
  });
  after(() => sim?.stop());

  it('gets tokens, reads REST with Bearer, signs in to UCI with the JWT, refreshes; a wrong secret is invalid_client', async () => {
    const out = await runPython({
      pbx: pbxBase(sim),
      login: DEMO_USERS.anna.login,
      password: DEMO_USERS.anna.password,
      secret: await clientSecret(sim),
    });
    assert.deepEqual(out.grant, {
      status: 200,
      expires_in: 300,
      refresh_expires_in: 21600,
      token_type: 'Bearer',
      scope: 'login',
    });
    assert.deepEqual(out.version, { version: STARFACE_10_VERSION });
    assert.equal(out.me, DEMO_USERS.anna.login);
    assert.equal(out.uciLogin, true);
    assert.equal(out.uciVersion, STARFACE_10_VERSION);
    assert.equal(out.uciLogout, true);
    assert.deepEqual(out.refresh, { status: 200, me: DEMO_USERS.anna.login });
    assert.deepEqual(out.wrongSecret, { status: 401, error: 'invalid_client' });
  });
});
