// Black-box: the built CLI shows a STARFACE 10's OAuth client secret in its banner (for the trainer, as the
// admin UI does) and nowhere in its logs; a demo (8.1) banner has no OAuth line.
import assert from 'node:assert/strict';
import { OAUTH_CLIENT_ID, OAUTH_TOKEN_PATH } from '../../shared/schemas/oauth.js';
import { cleanUp } from '../support/cleanup.js';
import { ensureBuilt, killAllClis, runCli } from '../support/cli.js';
import { DEMO_USERS, RestClient } from '../support/rest.js';

const PW = 'cli-oauth-admin-pw';
const NO_ENV_PW = { STARFACE_SIM_ADMIN_PASSWORD: undefined };
const OAUTH_LINE = /^ {2}OAuth {4}POST (https?:\/\/\S+) · client_id (\S+) · client_secret (\S+)$/m;

describe('simulator CLI: the OAuth client secret of a STARFACE 10 (black box)', function () {
  this.timeout(30_000);

  before(function () {
    this.timeout(60_000);
    ensureBuilt();
  });
  after(() => cleanUp(killAllClis));

  it('--scenario starface-10: the banner names the token URL, client id and secret; they work; the log never has them', async () => {
    const run = runCli(
      ['--memory', '--scenario', 'starface-10', '--http-port', '0', '--sip-port', '0', '--admin-password', PW],
      { ...NO_ENV_PW },
    );
    // Logs as JSON on stderr (debug shows the most); the banner on stdout.
    await run.waitForStdout('Ctrl+C');
    const m = OAUTH_LINE.exec(run.stdout);
    assert.ok(m, `no OAuth line in the banner:\n${run.stdout}`);
    const [, tokenUrl, clientId, secret] = m;
    assert.equal(clientId, OAUTH_CLIENT_ID);
    assert.match(secret!, /^[A-Za-z0-9]{32}$/);
    assert.ok(tokenUrl!.endsWith(OAUTH_TOKEN_PATH), tokenUrl);
    assert.match(run.stdout, /scenario "starface-10"/);
    for (const u of Object.values(DEMO_USERS)) assert.match(run.stdout, new RegExp(`\\b${u.login}\\b`));

    const rest = tokenUrl!.replace(OAUTH_TOKEN_PATH, '/rest');
    const admin = new RestClient(rest);
    await admin.login('admin', PW);
    assert.equal((await admin.get('/sim/oauth')).body.clientSecret, secret);
    const grant = await fetch(tokenUrl!, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: clientId!,
        grant_type: 'password',
        scope: 'login',
        username: DEMO_USERS.anna.login,
        password: DEMO_USERS.anna.password,
        client_secret: secret!,
      }).toString(),
    });
    assert.equal(grant.status, 200);
    const tokens = (await grant.json()) as { access_token: string; refresh_token: string };
    const anna = new RestClient(rest);
    anna.bearer = tokens.access_token;
    assert.equal((await anna.get('/users/me')).status, 200);
    assert.equal((await run.stop()).code, 0);

    assert.ok(run.stderr.includes('oauth grant'), 'the grant is logged');
    for (const s of [secret!, tokens.access_token, tokens.refresh_token, DEMO_USERS.anna.password])
      assert.ok(!run.stderr.includes(s), `stderr contains a secret (${s.slice(0, 3)}…)`);
  });

  it('the demo (8.1) banner has no OAuth line', async () => {
    const run = runCli(['--memory', '--http-port', '0', '--sip-port', '0', '--admin-password', PW], NO_ENV_PW);
    await run.waitForStdout('Ctrl+C');
    assert.doesNotMatch(run.stdout, /OAuth/);
    assert.equal((await run.stop()).code, 0);
  });
});
