/**
 * The extension's STARFACE 10 sign-in against a real simulator (scenario `starface-10`): the password grant, the
 * refresh before expiry, a new password grant once the refresh token is gone, the retry after a 401, Keycloak's
 * refusals in clear words, the choice of the method (`auto` on a 10 and on an 8.1), and the UCI over XML-RPC with
 * the JWT, renewed. Time moves by injected clocks only: the simulator's and the extension's.
 */
import assert from 'node:assert/strict';
import { OAUTH_ACCESS_TOKEN_LIFETIME_S, OAUTH_REFRESH_TOKEN_LIFETIME_S } from '../../shared/schemas/oauth.js';
import type { Connection, ConnectionAuth } from '../../shared/schemas/connection.js';
import type { SimEvent } from '../../shared/schemas/events.js';
import { UCI_JWT_PARAM, UCI_METHODS, USER_STATE_SERVICE } from '../../shared/schemas/uci.js';
import { UCI_XMLRPC_PARAMS } from '../../shared/schemas/uciXmlRpc.js';
import { UciXmlRpcSource } from '../../extension/src/live/uciXmlRpcSource.js';
import { PbxSession } from '../../extension/src/model/pbxSession.js';
import { OAuthSession } from '../../extension/src/pbx/oauthSession.js';
import { PbxError, PbxRestClient } from '../../extension/src/pbx/restClient.js';
import { offersOAuth, signIn } from '../../extension/src/pbx/signIn.js';
import { errorText } from '../../extension/src/text/errorText.js';
import { englishOnly } from '../../extension/src/text/i18n.js';
import { cleanUp, each } from '../support/cleanup.js';
import { clientSecret } from '../support/oauth.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';
import { until } from '../support/until.js';

const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };

/** A fetch that records each request's URL and headers (what went over the wire), then sends it. */
function recordingFetch() {
  const seen: { url: string; headers: Record<string, string>; body: string }[] = [];
  const impl: typeof fetch = async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    seen.push({ url: String(input), headers, body: typeof init?.body === 'string' ? init.body : '' });
    return fetch(input, init);
  };
  return { seen, fetch: impl };
}

function connection(sim: RunningSim, auth: ConnectionAuth, login = 'admin'): Connection {
  return { name: 'Ten', url: sim.base.replace(/\/rest$/, ''), login, kind: 'simulator', auth };
}

describe('extension: STARFACE 10 OAuth sign-in', function () {
  this.timeout(30_000);
  let simNow = Date.parse('2025-06-02T08:00:00Z');
  let extNow = simNow;
  /** Both clocks on by the same seconds. */
  const advance = (seconds: number) => {
    simNow += seconds * 1000;
    extNow += seconds * 1000;
  };
  let sim: RunningSim;
  let secret: string;
  const sessions: PbxSession[] = [];
  const sources: UciXmlRpcSource[] = [];
  const logs: string[] = [];
  const open = (c: Connection, transport: 'auto' | 'xml-rpc' = 'auto') => {
    const s = new PbxSession(
      c,
      (level, message) => logs.push(`${level} ${message}`),
      undefined,
      () => ({ transport, callbackAddress: '127.0.0.1', callbackPort: 0 }),
      () => extNow,
    );
    sessions.push(s);
    return s;
  };

  beforeEach(async () => {
    simNow = extNow = Date.parse('2025-06-02T08:00:00Z');
    sim = await startSim({ scenario: 'starface-10', clock: () => simNow });
    secret = await clientSecret(sim);
  });
  afterEach(() =>
    cleanUp(
      each(sources.splice(0), (s) => s.stop()),
      each(sessions.splice(0), async (s) => {
        try {
          await s.signOut();
        } finally {
          s.dispose();
        }
      }),
      () => sim?.stop(),
    ),
  );

  /** Nothing secret in what the extension logged or said. */
  const assertNothingSecret = (texts: string[], secrets: string[]) => {
    for (const text of texts) for (const s of secrets) assert.ok(!text.includes(s), `a secret in: ${text}`);
  };

  it('password grant: REST with Authorization: Bearer and X-Version: 2, no authToken; the tree data loads', async () => {
    const rec = recordingFetch();
    const client = new PbxRestClient(sim.base, { fetch: rec.fetch });
    const signed = await signIn(client, { ...ADMIN, auth: 'oauth', clientSecret: secret, now: () => extNow });
    assert.equal(signed.method, 'oauth');
    assert.equal(signed.oauth?.grants.password, 1);
    const version = await client.call('getServerVersion');
    assert.ok(version);
    const rest = rec.seen.filter((r) => r.url.includes('/rest/'));
    assert.ok(rest.length > 0);
    for (const r of rest) {
      assert.match(r.headers.authorization ?? '', /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      assert.equal(r.headers['x-version'], '2');
      assert.equal(r.headers.authtoken, undefined);
    }
    // The token request went through the client's own fetch (where certificate pinning lives).
    assert.ok(rec.seen.some((r) => r.url.endsWith('/auth/realms/pbx/oauth2/token')));
    assert.equal(client.authToken, undefined);

    const session = open(connection(sim, 'oauth'));
    await session.signIn(ADMIN_PASSWORD, { clientSecret: secret });
    assert.equal(session.state, 'ready');
    assert.equal(session.signInMethod, 'oauth');
    assert.ok(session.data!.users.length > 0);
  });

  it('refreshes at 80 % of the access token’s life (refresh grant), and retries once after a 401', async () => {
    const client = new PbxRestClient(sim.base);
    const { oauth } = await signIn(client, { ...ADMIN, auth: 'oauth', clientSecret: secret, now: () => extNow });
    advance(OAUTH_ACCESS_TOKEN_LIFETIME_S * 0.8 - 5);
    await client.call('getServerVersion');
    assert.deepEqual(oauth!.grants, { password: 1, refresh: 0 }, 'still fresh: no grant');
    advance(10);
    await client.call('getServerVersion');
    assert.deepEqual(oauth!.grants, { password: 1, refresh: 1 }, 'renewed before it expired');

    // The PBX's clock runs ahead: it refuses a token ours still thinks good. One refresh, one retry.
    simNow += OAUTH_ACCESS_TOKEN_LIFETIME_S * 1000 + 1000;
    await client.call('getServerVersion');
    assert.deepEqual(oauth!.grants, { password: 1, refresh: 2 });

    // Signing out ends the OAuth session on the PBX: its token is refused afterwards.
    const token = await oauth!.accessToken();
    await client.logout();
    assert.equal(client.signedIn, false);
    const after = await fetch(`${sim.base}/server/version`, {
      headers: { Authorization: `Bearer ${token}`, 'X-Version': '2' },
    });
    assert.equal(after.status, 401);
  });

  it('a new password grant once the refresh token has expired', async () => {
    const client = new PbxRestClient(sim.base);
    const { oauth } = await signIn(client, { ...ADMIN, auth: 'oauth', clientSecret: secret, now: () => extNow });
    advance(OAUTH_REFRESH_TOKEN_LIFETIME_S + 1);
    await client.call('getServerVersion');
    assert.deepEqual(oauth!.grants, { password: 2, refresh: 0 });

    // The PBX forgot the session while our refresh token looks good (a restart): refused, then a password grant.
    const other = new OAuthSession(
      `${sim.base.replace(/\/rest$/, '')}/auth/realms/pbx/oauth2/token`,
      { ...ADMIN, clientSecret: secret },
      { fetch, now: () => extNow },
    );
    await other.signIn();
    simNow += (OAUTH_REFRESH_TOKEN_LIFETIME_S + 1) * 1000;
    await other.renew();
    assert.deepEqual(other.grants, { password: 2, refresh: 0 });
  });

  it('says what is wrong: the password, the client secret, the missing right — never a secret', async () => {
    const texts: string[] = [];
    const refused = async (input: { login: string; password: string; clientSecret: string }) => {
      const client = new PbxRestClient(sim.base);
      const err = await signIn(client, { ...input, auth: 'oauth', now: () => extNow }).then(
        () => assert.fail('signed in'),
        (e: unknown) => e as PbxError,
      );
      assert.ok(err instanceof PbxError, String(err));
      texts.push(err.message, errorText(err, englishOnly), JSON.stringify(err.details ?? null));
      return err;
    };
    const wrongPassword = await refused({ login: 'admin', password: 'not-the-password', clientSecret: secret });
    assert.equal(wrongPassword.isWrongCredentials, true);
    assert.match(wrongPassword.message, /wrong login or password/);

    const wrongSecret = await refused({ ...ADMIN, clientSecret: 'A'.repeat(32) });
    assert.equal(wrongSecret.isWrongClientSecret, true);
    assert.match(wrongSecret.message, /client secret/);

    const noRight = await refused({ ...DEMO_USERS.carla, clientSecret: secret });
    assert.equal(noRight.failure?.code, 'OAUTH_RIGHT_MISSING');
    assert.match(noRight.message, /lacks the right "API Zugriff mit OAuth Password Grant"/);

    const noSecret = await signIn(new PbxRestClient(sim.base), { ...ADMIN, auth: 'oauth' }).catch((e: unknown) => e);
    assert.equal((noSecret as PbxError).isWrongClientSecret, true);

    const session = open(connection(sim, 'oauth'));
    await session.signIn(ADMIN_PASSWORD, { clientSecret: secret });
    texts.push(...logs);
    assertNothingSecret(texts, [secret, ADMIN_PASSWORD, 'not-the-password', DEMO_USERS.carla.password, 'A'.repeat(32)]);
  });

  it('auto: OAuth on a STARFACE 10 with a stored secret; the login handshake without one, and on an 8.1', async () => {
    const ten = new PbxRestClient(sim.base);
    assert.equal(await offersOAuth(ten), true);
    assert.equal((await signIn(ten, { ...ADMIN, auth: 'auto', clientSecret: secret })).method, 'oauth');
    const noSecret = new PbxRestClient(sim.base);
    assert.equal((await signIn(noSecret, { ...ADMIN, auth: 'auto' })).method, 'legacy');
    assert.ok(noSecret.authToken);
    const legacy = new PbxRestClient(sim.base);
    assert.equal((await signIn(legacy, { ...ADMIN, auth: 'legacy', clientSecret: secret })).method, 'legacy');
    // A wrong password in auto without a secret: on a 10 the error points to OAuth (a 10 with an external
    // identity provider refuses every handshake); the prompt for the password still comes back.
    const wrong = { login: ADMIN.login, password: 'not-the-password' };
    const hinted = (await signIn(new PbxRestClient(sim.base), { ...wrong, auth: 'auto' }).catch(
      (e: unknown) => e,
    )) as PbxError;
    assert.ok(hinted.isWrongCredentials);
    assert.match(hinted.message, /wrong login or password\. The PBX also offers OAuth .*Choose Sign-In Method/);
    const plain = (await signIn(new PbxRestClient(sim.base), { ...wrong, auth: 'legacy' }).catch(
      (e: unknown) => e,
    )) as PbxError;
    assert.ok(plain.isWrongCredentials);
    assert.doesNotMatch(plain.message, /OAuth/);

    const demo = await startSim({ scenario: 'demo' });
    try {
      const eight = new PbxRestClient(demo.base);
      assert.equal(await offersOAuth(eight), false);
      const signed = await signIn(eight, { ...ADMIN, auth: 'auto', clientSecret: secret });
      assert.equal(signed.method, 'legacy');
      assert.ok(eight.authToken);
      const refused = (await signIn(new PbxRestClient(demo.base), {
        login: ADMIN.login,
        password: 'not-the-password',
        auth: 'auto',
      }).catch((e: unknown) => e)) as PbxError;
      assert.ok(refused.isWrongCredentials);
      assert.doesNotMatch(refused.message, /OAuth/, 'an 8.1 has no OAuth to point to');
      const forced = await signIn(new PbxRestClient(demo.base), {
        ...ADMIN,
        auth: 'oauth',
        clientSecret: secret,
      }).catch((e: unknown) => e as PbxError);
      assert.equal((forced as PbxError).failure?.code, 'OAUTH_NOT_OFFERED');
    } finally {
      await demo.stop();
    }
  });

  it('UCI over XML-RPC signs in with de.vertico.starface.jwt, renews it, and the events keep coming', async () => {
    const rec = recordingFetch();
    const client = new PbxRestClient(sim.base, { fetch: rec.fetch });
    const { oauth } = await signIn(client, { ...ADMIN, auth: 'oauth', clientSecret: secret, now: () => extNow });
    const events: SimEvent[] = [];
    let state = '';
    const source = new UciXmlRpcSource(
      { restBaseUrl: sim.base, uciToken: oauth!, callbackAddress: '127.0.0.1', fetch: client.transport, replay: true },
      {
        onEvents: (e) => events.push(...e),
        onState: (s) => (state = s.state),
        onSignedOut: (reason) => assert.fail(`signed out: ${reason}`),
        keepAliveMs: 50,
      },
    );
    sources.push(source);
    source.start();
    await until('live', () => source.connected, 10_000, 20);
    const xmlRpc = rec.seen.filter((r) => r.url.includes('/xml-rpc'));
    assert.ok(xmlRpc.length > 0);
    for (const r of xmlRpc) {
      const q = new URL(r.url).searchParams;
      assert.ok(q.get(UCI_JWT_PARAM), 'the access token in the query');
      assert.equal(q.get(UCI_XMLRPC_PARAMS.auth), null, 'no UCI token');
    }
    await sim.admin.put('/modules/configurations/1', { autoprovisioning: false });
    await until('the first event', () => events.some((e) => e.service === 'sim.events.config'), 10_000, 20);

    // Past the first access token's end: the keep-alives carry a renewed one, and the session stays.
    const first = new URL(xmlRpc[0]!.url).searchParams.get(UCI_JWT_PARAM);
    advance(OAUTH_ACCESS_TOKEN_LIFETIME_S + 30);
    await until('a renewed token', () => oauth!.grants.refresh >= 1, 10_000, 20);
    const before = rec.seen.length;
    await until('a keep-alive with the new token', () => rec.seen.length > before + 1, 10_000, 20);
    const last = rec.seen.filter((r) => r.url.includes('/xml-rpc')).at(-1)!;
    assert.notEqual(new URL(last.url).searchParams.get(UCI_JWT_PARAM), first);
    events.length = 0;
    await sim.admin.put('/modules/configurations/1', { autoprovisioning: true });
    await until('an event after the renewal', () => events.some((e) => e.service === 'sim.events.config'), 10_000, 20);
    assert.equal(state, 'live');
  });

  it('a PbxSession with auth oauth follows live events over XML-RPC with the JWT', async () => {
    const session = open(connection(sim, 'oauth'), 'xml-rpc');
    const seen: SimEvent[] = [];
    session.onDidReceiveEvents((events) => seen.push(...events));
    await session.signIn(ADMIN_PASSWORD, { clientSecret: secret });
    await until('live', () => session.live.state === 'live', 10_000, 20);
    assert.equal(session.liveSource, 'xml-rpc');
    await sim.admin.put('/modules/configurations/1', { autoprovisioning: false });
    await until('the event', () => seen.some((e) => e.service === 'sim.events.config'), 10_000, 20);
    assertNothingSecret(logs, [secret, ADMIN_PASSWORD]);
  });

  it('a user without admin rights (1001) follows her presence events over XML-RPC with the JWT', async () => {
    const session = open(connection(sim, 'oauth', DEMO_USERS.anna.login), 'xml-rpc');
    const seen: SimEvent[] = [];
    session.onDidReceiveEvents((events) => seen.push(...events));
    await session.signIn(DEMO_USERS.anna.password, { clientSecret: secret });
    await until('live', () => session.live.state === 'live', 10_000, 20);
    // Her own presence, changed from her phone (another UCI client): an event about her.
    const phone = await UciClient.as(sim.addresses.uci, DEMO_USERS.anna);
    try {
      await phone.request(UCI_METHODS.setDoNotDisturbSetting, { doNotDisturb: true });
      await until('her event', () => seen.some((e) => e.service === USER_STATE_SERVICE), 10_000, 20);
    } finally {
      phone.close();
    }
  });

  it('a PbxSession with auth oauth follows the simulator’s UCI WebSocket with the JWT', async () => {
    const session = open(connection(sim, 'oauth'));
    const seen: SimEvent[] = [];
    session.onDidReceiveEvents((events) => seen.push(...events));
    await session.signIn(ADMIN_PASSWORD, { clientSecret: secret });
    await until('live', () => session.live.state === 'live', 10_000, 20);
    assert.equal(session.liveSource, 'uci');
    await sim.admin.put('/modules/configurations/1', { autoprovisioning: false });
    await until('the event', () => seen.some((e) => e.service === 'sim.events.config'), 10_000, 20);
  });
});
