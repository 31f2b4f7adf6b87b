/**
 * STARFACE 10's OAuth sign-in, as clients use it: the token endpoint (password and refresh grants) over real
 * HTTP with a form body, REST with `Authorization: Bearer`, UCI over XML-RPC with `de.vertico.starface.jwt` and a
 * real callback server, UCI over WebSocket with the same token. Time moves by the simulator's injected clock only.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RIGHT_OAUTH, rightByKey } from '../../shared/catalogue.js';
import { restLoginSecret } from '../../shared/hashes.js';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import {
  OAUTH_ACCESS_TOKEN_LIFETIME_S,
  OAUTH_CLIENT_ID,
  OAUTH_REFRESH_TOKEN_LIFETIME_S,
  OAUTH_TOKEN_PATH,
  OAuthClientInfoSchema,
  OAuthTokenAnswerSchema,
} from '../../shared/schemas/oauth.js';
import { STARFACE_10_VERSION } from '../../shared/scenarios.js';
import { UCI_CLOSE, UCI_JWT_PARAM, UCI_METHODS as M } from '../../shared/schemas/uci.js';
import { UCI_XMLRPC_FAULTS as F, UCI_XMLRPC_PARAMS as P } from '../../shared/schemas/uciXmlRpc.js';
import { cleanUp } from '../support/cleanup.js';
import {
  assertOAuthError,
  claimsOf,
  clientSecret,
  passwordGrant,
  pbxBase,
  refreshGrant,
  tokenRequest,
} from '../support/oauth.js';
import { ADMIN_PASSWORD, DEMO_USERS, RestClient, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';
import { CallbackServer, faultOf, xmlRpcClient } from '../support/xmlrpc-callback.js';

const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };
const OAUTH_RIGHT_ID = rightByKey(RIGHT_OAUTH)!.id;

/** A REST client signed in with nothing but the access token. */
function bearerClient(sim: RunningSim, accessToken: string): RestClient {
  const c = sim.client();
  c.bearer = accessToken;
  return c;
}

/** An XML-RPC client whose every request carries the access token (and a callback when given). */
function jwtXmlRpc(sim: RunningSim, accessToken: string, callbackPort?: number) {
  const q = new URLSearchParams({ [P.jwt]: accessToken });
  if (callbackPort !== undefined) {
    q.set(P.callbackHost, '127.0.0.1');
    q.set(P.callbackPort, String(callbackPort));
    q.set(P.callbackPath, '/');
  }
  return xmlRpcClient(sim.addresses.xmlRpc, q);
}

describe('STARFACE 10 OAuth: the token endpoint, Bearer on REST, JWT on UCI', function () {
  this.timeout(30_000);
  let now = Date.parse('2025-06-02T08:00:00Z');
  let sim: RunningSim;
  let secret: string;
  let callbacks: CallbackServer | undefined;
  const sockets: UciClient[] = [];

  beforeEach(async () => {
    now = Date.parse('2025-06-02T08:00:00Z');
    sim = await startSim({ scenario: 'starface-10', clock: () => now, rateLimit: { perLogin: 3 } });
    secret = await clientSecret(sim);
  });
  afterEach(() =>
    cleanUp(
      () => sockets.splice(0).forEach((s) => s.close()),
      () => callbacks?.close(),
      () => sim.stop(),
    ),
  );

  describe('the password grant', () => {
    it("answers Keycloak's fields: expires_in 300, refresh_expires_in 21600, token_type Bearer, scope login", async () => {
      const reply = await tokenRequest(sim, {
        client_id: OAUTH_CLIENT_ID,
        grant_type: 'password',
        scope: 'login',
        username: DEMO_USERS.anna.login,
        password: DEMO_USERS.anna.password,
        client_secret: secret,
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.headers.get('cache-control'), 'no-store');
      assert.equal(reply.headers.get('pragma'), 'no-cache');
      const answer = OAuthTokenAnswerSchema.parse(reply.body);
      assert.equal(answer.expires_in, 300);
      assert.equal(answer.refresh_expires_in, 21_600);
      assert.equal(answer.token_type, 'Bearer');
      assert.equal(answer.scope, 'login');

      // Clients may decode the token: Keycloak's claims.
      const access = claimsOf(answer.access_token);
      const iat = Math.floor(now / 1000);
      assert.equal(access.iat, iat);
      assert.equal(access.exp, iat + OAUTH_ACCESS_TOKEN_LIFETIME_S);
      assert.equal(access.typ, 'Bearer');
      assert.equal(access.azp, OAUTH_CLIENT_ID);
      assert.equal(access.preferred_username, DEMO_USERS.anna.login);
      assert.equal(access.scope, 'login');
      assert.equal(access.iss, `${pbxBase(sim)}/auth/realms/pbx`);
      assert.equal(access.sid, answer.session_state);
      for (const claim of ['jti', 'sub', 'aud']) assert.ok(access[claim], `claim ${claim}`);
      const refresh = claimsOf(answer.refresh_token);
      assert.equal(refresh.typ, 'Refresh');
      assert.equal(refresh.exp, iat + OAUTH_REFRESH_TOKEN_LIFETIME_S);
      assert.equal(refresh.sid, access.sid);
      assert.notEqual(refresh.jti, access.jti);
    });

    it('takes the client credentials in HTTP Basic as well, and no scope (then scope login)', async () => {
      const basic = Buffer.from(`${OAUTH_CLIENT_ID}:${secret}`).toString('base64');
      const reply = await tokenRequest(
        sim,
        { grant_type: 'password', username: DEMO_USERS.bernd.login, password: DEMO_USERS.bernd.password },
        { Authorization: `Basic ${basic}` },
      );
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.scope, 'login');
    });

    it('the access token signs in to REST (GET /rest/server/version, /rest/users/me with X-Version: 2)', async () => {
      const tokens = await passwordGrant(sim, DEMO_USERS.anna, secret);
      const anna = bearerClient(sim, tokens.access_token);
      const version = await anna.get('/server/version');
      assert.equal(version.status, 200, JSON.stringify(version.body));
      assert.equal(version.body.version, STARFACE_10_VERSION);
      const me = await anna.get('/users/me');
      assert.equal(me.status, 200);
      assert.equal(me.body.login, DEMO_USERS.anna.login);
      // Her rights, not more: an admin entry is still 403.
      assert.equal((await anna.get('/sim/oauth')).status, 403);
    });

    it('the legacy authToken login stays on a 10 (no external identity provider)', async () => {
      const anna = await sim.as(DEMO_USERS.anna);
      assert.equal((await anna.get('/users/me')).body.login, DEMO_USERS.anna.login);
    });

    it('a wrong password or an unknown user: 401 invalid_grant "Invalid user credentials"', async () => {
      const base = { client_id: OAUTH_CLIENT_ID, client_secret: secret, grant_type: 'password', scope: 'login' };
      assertOAuthError(
        await tokenRequest(sim, { ...base, username: DEMO_USERS.anna.login, password: 'wrong' }),
        401,
        'invalid_grant',
        /^Invalid user credentials$/,
      );
      assertOAuthError(
        await tokenRequest(sim, { ...base, username: 'nobody', password: 'wrong' }),
        401,
        'invalid_grant',
        /^Invalid user credentials$/,
      );
    });

    it('failed grants count with the REST logins: the throttled login gets invalid_grant with Retry-After, REST 429', async () => {
      const base = { client_id: OAUTH_CLIENT_ID, client_secret: secret, grant_type: 'password', scope: 'login' };
      for (let i = 0; i < 3; i++)
        assertOAuthError(
          await tokenRequest(sim, { ...base, username: DEMO_USERS.bernd.login, password: `wrong-${i}` }),
          401,
          'invalid_grant',
        );
      // The right password waits too (no guess is tried while the wait runs).
      const held = await tokenRequest(sim, {
        ...base,
        username: DEMO_USERS.bernd.login,
        password: DEMO_USERS.bernd.password,
      });
      assertOAuthError(held, 400, 'invalid_grant', /^Account temporarily disabled: .*try again in \d+ s$/);
      assert.match(held.headers.get('retry-after') ?? '', /^\d+$/);
      // One limiter: the REST login of the same login from the same address waits as well.
      const c = sim.client();
      const nonce = (await c.get('/login')).body.nonce as string;
      const rest = await c.post('/login', {
        loginType: 'Internal',
        nonce,
        secret: restLoginSecret(DEMO_USERS.bernd.login, nonce, DEMO_USERS.bernd.password),
      });
      assert.equal(rest.status, 429, JSON.stringify(rest.body));
      // Another login from here is not held back.
      await passwordGrant(sim, DEMO_USERS.anna, secret);
    });

    it('a user without the right "API Zugriff mit OAuth Password Grant": 400 invalid_grant; granted, it works', async () => {
      const refused = await tokenRequest(sim, {
        client_id: OAUTH_CLIENT_ID,
        client_secret: secret,
        grant_type: 'password',
        scope: 'login',
        username: DEMO_USERS.carla.login,
        password: DEMO_USERS.carla.password,
      });
      assertOAuthError(
        refused,
        400,
        'invalid_grant',
        /^Account disabled: user 1003 lacks the right "API Zugriff mit OAuth Password Grant"/,
      );
      // Without the password nobody learns that: a wrong one is the plain 401.
      assertOAuthError(
        await tokenRequest(sim, {
          client_id: OAUTH_CLIENT_ID,
          client_secret: secret,
          grant_type: 'password',
          username: DEMO_USERS.carla.login,
          password: 'wrong',
        }),
        401,
        'invalid_grant',
        /^Invalid user credentials$/,
      );
      const carlaId = (await sim.admin.get<{ id: number; login: string }[]>('/users')).body.find(
        (u) => u.login === DEMO_USERS.carla.login,
      )!.id;
      const grant = await sim.admin.put(`/permissions/${OAUTH_RIGHT_ID}/users?granted=true`, [carlaId]);
      assert.equal(grant.status, 200, JSON.stringify(grant.body));
      await passwordGrant(sim, DEMO_USERS.carla, secret);
    });

    it('the right is in the catalogue (GET /rest/permissions) and held by admin, 1001, 1002', async () => {
      const rights = (await sim.admin.get<{ id: number; description: string }[]>('/permissions')).body;
      assert.ok(
        rights.some((r) => r.id === OAUTH_RIGHT_ID && r.description === 'API Zugriff mit OAuth Password Grant'),
      );
      const holders = (await sim.admin.get<{ login: string }[]>(`/permissions/${OAUTH_RIGHT_ID}/users`)).body;
      assert.deepEqual(holders.map((u) => u.login).sort(), ['1001', '1002', 'admin']);
      await passwordGrant(sim, ADMIN, secret);
    });
  });

  describe("refused requests, in Keycloak's answers", () => {
    const grant = (extra: Record<string, string | undefined>) =>
      tokenRequest(sim, {
        client_id: OAUTH_CLIENT_ID,
        client_secret: secret,
        grant_type: 'password',
        username: DEMO_USERS.anna.login,
        password: DEMO_USERS.anna.password,
        ...extra,
      });

    it('a wrong client secret or client id: 401 invalid_client; Basic gets WWW-Authenticate', async () => {
      assertOAuthError(
        await grant({ client_secret: 'x'.repeat(32) }),
        401,
        'invalid_client',
        /^Invalid client or Invalid client credentials$/,
      );
      assertOAuthError(await grant({ client_id: 'admin-cli' }), 401, 'invalid_client');
      assertOAuthError(await grant({ client_secret: undefined }), 401, 'invalid_client');
      const basic = Buffer.from(`${OAUTH_CLIENT_ID}:wrong`).toString('base64');
      const reply = await tokenRequest(
        sim,
        { grant_type: 'password', username: DEMO_USERS.anna.login, password: DEMO_USERS.anna.password },
        { Authorization: `Basic ${basic}` },
      );
      assertOAuthError(reply, 401, 'invalid_client');
      assert.match(reply.headers.get('www-authenticate') ?? '', /^Basic /);
    });

    it('missing or repeated fields, another grant type or scope, a JSON body, GET, a body over 8 KiB', async () => {
      assertOAuthError(await grant({ grant_type: undefined }), 400, 'invalid_request', /grant_type/);
      assertOAuthError(await grant({ client_id: undefined }), 400, 'invalid_request', /client_id/);
      assertOAuthError(await grant({ username: undefined }), 400, 'invalid_request', /username/);
      assertOAuthError(await grant({ password: undefined }), 400, 'invalid_request', /password/);
      assertOAuthError(await grant({ grant_type: 'client_credentials' }), 400, 'unsupported_grant_type');
      assertOAuthError(await grant({ scope: 'login admin' }), 400, 'invalid_scope', /admin/);
      const twice = await fetch(pbxBase(sim) + OAUTH_TOKEN_PATH, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `grant_type=password&grant_type=password&client_id=${OAUTH_CLIENT_ID}`,
      });
      assert.equal(twice.status, 400);
      assert.equal(((await twice.json()) as { error: string }).error, 'invalid_request');
      const json = await fetch(pbxBase(sim) + OAUTH_TOKEN_PATH, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ grant_type: 'password' }),
      });
      assert.equal(json.status, 400);
      assert.equal(((await json.json()) as { error: string }).error, 'invalid_request');
      const get = await fetch(pbxBase(sim) + OAUTH_TOKEN_PATH);
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('allow'), 'POST');
      await get.text();
      const large = await grant({ padding: 'x'.repeat(9000) });
      assertOAuthError(large, 413, 'invalid_request');
    });

    it('refresh: a missing, forged or access token is invalid; a refresh token is no Bearer token', async () => {
      const tokens = await passwordGrant(sim, DEMO_USERS.anna, secret);
      assertOAuthError(await refreshGrant(sim, '', secret), 400, 'invalid_request', /refresh_token/);
      assertOAuthError(await refreshGrant(sim, 'a.b.c', secret), 400, 'invalid_grant', /^Invalid refresh token$/);
      assertOAuthError(await refreshGrant(sim, tokens.access_token, secret), 400, 'invalid_grant');
      // The payload changed, the signature kept: not ours.
      const [head, , sig] = tokens.refresh_token.split('.');
      const forged = Buffer.from(JSON.stringify({ ...claimsOf(tokens.refresh_token), exp: 9_999_999_999 })).toString(
        'base64url',
      );
      assertOAuthError(await refreshGrant(sim, `${head}.${forged}.${sig}`, secret), 400, 'invalid_grant');
      assertOAuthError(await refreshGrant(sim, tokens.refresh_token, 'y'.repeat(32)), 401, 'invalid_client');
      const wrongUse = await bearerClient(sim, tokens.refresh_token).get('/users/me');
      assert.equal(wrongUse.status, 401);
    });
  });

  describe('refresh and expiry (injected clock)', () => {
    it('the refresh grant answers new tokens; the refresh token may be used again until it expires', async () => {
      const first = await passwordGrant(sim, DEMO_USERS.anna, secret);
      now += 60_000;
      const again = await refreshGrant(sim, first.refresh_token, secret);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      const second = OAuthTokenAnswerSchema.parse(again.body);
      assert.equal(second.expires_in, 300);
      assert.equal(second.refresh_expires_in, 21_600);
      assert.equal(second.session_state, first.session_state, 'the same session');
      assert.notEqual(second.access_token, first.access_token);
      assert.equal(claimsOf(second.access_token).exp, Math.floor(now / 1000) + 300);
      assert.equal((await bearerClient(sim, second.access_token).get('/users/me')).status, 200);
      // Keycloak's default: refresh tokens are not revoked on use.
      assert.equal((await refreshGrant(sim, first.refresh_token, secret)).status, 200);
    });

    it('an expired access token: 401 on REST with WWW-Authenticate invalid_token, refused on UCI; refresh gets a new one', async () => {
      const tokens = await passwordGrant(sim, DEMO_USERS.anna, secret);
      const anna = bearerClient(sim, tokens.access_token);
      now += (OAUTH_ACCESS_TOKEN_LIFETIME_S - 1) * 1000;
      assert.equal((await anna.get('/users/me')).status, 200, 'still valid a second before');
      now += 1000;
      const expired = await anna.get('/users/me');
      assert.equal(expired.status, 401);
      assert.equal(expired.body.code, 'UNAUTHORIZED');
      assert.match(expired.body.message, /expired/);
      assert.equal(expired.body.details.reason, 'expired');
      assert.match(expired.headers.get('www-authenticate') ?? '', /^Bearer realm="pbx", error="invalid_token"/);

      const xml = await faultOf(jwtXmlRpc(sim, tokens.access_token).methodCall(M.login));
      assert.equal(xml.faultCode, F.authFailed);
      assert.match(xml.faultString, /^authentication failed: .*expired/);
      const ws = UciClient.connect(sim.addresses.uci, { [UCI_JWT_PARAM]: tokens.access_token });
      sockets.push(ws);
      const closed = await ws.closed;
      assert.equal(closed.code, UCI_CLOSE.authFailed);

      const renewed = await refreshGrant(sim, tokens.refresh_token, secret);
      assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
      assert.equal((await bearerClient(sim, renewed.body.access_token).get('/users/me')).status, 200);
    });

    it('an expired refresh token: 400 invalid_grant "Token is not active"', async () => {
      const tokens = await passwordGrant(sim, DEMO_USERS.anna, secret);
      now += OAUTH_REFRESH_TOKEN_LIFETIME_S * 1000;
      assertOAuthError(
        await refreshGrant(sim, tokens.refresh_token, secret),
        400,
        'invalid_grant',
        /^Token is not active$/,
      );
    });

    it('each refresh gives the session the full lifetime again', async () => {
      const first = await passwordGrant(sim, DEMO_USERS.anna, secret);
      now += (OAUTH_REFRESH_TOKEN_LIFETIME_S - 60) * 1000;
      const second = await refreshGrant(sim, first.refresh_token, secret);
      assert.equal(second.status, 200, JSON.stringify(second.body));
      now += 120_000;
      assertOAuthError(await refreshGrant(sim, first.refresh_token, secret), 400, 'invalid_grant');
      assert.equal((await refreshGrant(sim, second.body.refresh_token, secret)).status, 200);
    });
  });

  describe('sessions end with the ground they stood on', () => {
    const userId = async (login: string) =>
      (await sim.admin.get<{ id: number; login: string }[]>('/users')).body.find((u) => u.login === login)!.id;

    it('a password set by the admin ends every OAuth session: refresh invalid_grant, Bearer 401', async () => {
      const tokens = await passwordGrant(sim, DEMO_USERS.anna, secret);
      const id = await userId(DEMO_USERS.anna.login);
      const user = (await sim.admin.get(`/users/${id}`)).body;
      assert.equal((await sim.admin.put(`/users/${id}`, { ...user, password: 'anna-new-password' })).status, 204);
      assertOAuthError(
        await refreshGrant(sim, tokens.refresh_token, secret),
        400,
        'invalid_grant',
        /^Session not active$/,
      );
      const reply = await bearerClient(sim, tokens.access_token).get('/users/me');
      assert.equal(reply.status, 401);
      assert.equal(reply.body.details.reason, 'ended');
      await passwordGrant(sim, { login: DEMO_USERS.anna.login, password: 'anna-new-password' }, secret);
    });

    it("changing one's own password (the admin) with a Bearer token keeps that session and ends the others", async () => {
      const mine = await passwordGrant(sim, ADMIN, secret);
      const other = await passwordGrant(sim, ADMIN, secret);
      const admin = bearerClient(sim, mine.access_token);
      const me = (await admin.get('/users/me')).body;
      const put = await admin.put(`/users/${me.id}`, { ...me, password: 'admin-own-new' });
      assert.equal(put.status, 204, JSON.stringify(put.body));
      assert.equal((await admin.get('/users/me')).status, 200);
      assert.equal((await refreshGrant(sim, mine.refresh_token, secret)).status, 200);
      assertOAuthError(await refreshGrant(sim, other.refresh_token, secret), 400, 'invalid_grant');
    });

    it('the right taken, the user deleted, DELETE /rest/login, a scenario applied', async () => {
      const anna = await passwordGrant(sim, DEMO_USERS.anna, secret);
      const bernd = await passwordGrant(sim, DEMO_USERS.bernd, secret);
      const admin = await passwordGrant(sim, ADMIN, secret);
      const annaId = await userId(DEMO_USERS.anna.login);
      const revoke = await sim.admin.put(`/permissions/${OAUTH_RIGHT_ID}/users?granted=false`, [annaId]);
      assert.equal(revoke.status, 200, JSON.stringify(revoke.body));
      assertOAuthError(await refreshGrant(sim, anna.refresh_token, secret), 400, 'invalid_grant');
      assert.equal((await bearerClient(sim, anna.access_token).get('/users/me')).status, 401);
      // Her legacy login stands on other rights.
      await sim.as(DEMO_USERS.anna);

      const berndClient = bearerClient(sim, bernd.access_token);
      assert.equal((await berndClient.delete('/login')).status, 204);
      assert.equal((await berndClient.get('/users/me')).status, 401);
      assertOAuthError(await refreshGrant(sim, bernd.refresh_token, secret), 400, 'invalid_grant');

      const again = await passwordGrant(sim, DEMO_USERS.bernd, secret);
      assert.equal((await sim.admin.delete(`/users/${await userId(DEMO_USERS.bernd.login)}`)).status, 204);
      assertOAuthError(await refreshGrant(sim, again.refresh_token, secret), 400, 'invalid_grant');

      const carlaId = await userId(DEMO_USERS.carla.login);
      await sim.admin.put(`/permissions/${OAUTH_RIGHT_ID}/users?granted=true`, [carlaId]);
      const carla = await passwordGrant(sim, DEMO_USERS.carla, secret);
      assert.equal((await sim.admin.post('/sim/scenario', { name: 'starface-10' })).status, 200);
      assertOAuthError(await refreshGrant(sim, carla.refresh_token, secret), 400, 'invalid_grant');
      // The admin keeps id, password and sessions across a scenario, and the PBX its client secret.
      assert.equal((await bearerClient(sim, admin.access_token).get('/users/me')).status, 200);
      assert.equal(await clientSecret(sim), secret);
    });
  });

  describe('UCI with the access token', () => {
    it('XML-RPC: login with de.vertico.starface.jwt, an event callback, a fresh token goes on with the session', async () => {
      callbacks = await CallbackServer.start();
      const tokens = await passwordGrant(sim, DEMO_USERS.anna, secret);
      const client = jwtXmlRpc(sim, tokens.access_token, callbacks.port);
      assert.equal(await client.methodCall(M.login), true);
      assert.equal(await client.methodCall(M.getServerVersion), STARFACE_10_VERSION);
      assert.equal(await client.methodCall(M.subscribeEvents, [[SIM_SERVICES.users]]), true);
      // A change of her own user is an event of the subscribed service she sees.
      const id = (await sim.admin.get<{ id: number; login: string }[]>('/users')).body.find(
        (u) => u.login === DEMO_USERS.anna.login,
      )!.id;
      const user = (await sim.admin.get(`/users/${id}`)).body;
      assert.equal((await sim.admin.put(`/users/${id}`, { ...user, firstName: 'Anne' })).status, 204);
      await callbacks.waitFor('a users event', (calls) => calls.some((c) => c.method.includes(SIM_SERVICES.users)));

      // The token expires: the request is refused; the next one with a refreshed token finds the session.
      now += OAUTH_ACCESS_TOKEN_LIFETIME_S * 1000;
      assert.equal((await faultOf(client.methodCall(M.keepAlive))).faultCode, F.authFailed);
      const renewed = await refreshGrant(sim, tokens.refresh_token, secret);
      assert.equal(renewed.status, 200);
      const fresh = jwtXmlRpc(sim, renewed.body.access_token, callbacks.port);
      assert.equal(await fresh.methodCall(M.keepAlive), true, 'the same session (login + callback)');
      assert.equal(await fresh.methodCall(M.logout), true);
    });

    it('XML-RPC: a forged token is refused and counts as a failed sign-in', async () => {
      const f = await faultOf(jwtXmlRpc(sim, 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln').methodCall(M.login));
      assert.equal(f.faultCode, F.authFailed);
      assert.match(f.faultString, /not one this PBX issued/);
    });

    it('WebSocket: the token in the query (de.vertico.starface.jwt) and in the login method', async () => {
      const tokens = await passwordGrant(sim, DEMO_USERS.anna, secret);
      const byQuery = UciClient.connect(sim.addresses.uci, { [UCI_JWT_PARAM]: tokens.access_token });
      sockets.push(byQuery);
      await byQuery.opened;
      assert.equal(await byQuery.request(M.getServerVersion), STARFACE_10_VERSION);

      const byLogin = UciClient.connect(sim.addresses.uci);
      sockets.push(byLogin);
      await byLogin.opened;
      const signedIn = await byLogin.request(M.login, { token: tokens.access_token });
      assert.equal(signedIn.login, DEMO_USERS.anna.login);
    });
  });

  describe('the client secret for the trainer', () => {
    it('GET /rest/sim/oauth (admin only): client id, a 32-character secret, the token URL, lifetimes, the right', async () => {
      const info = OAuthClientInfoSchema.parse((await sim.admin.get('/sim/oauth')).body);
      assert.equal(info.clientId, OAUTH_CLIENT_ID);
      assert.match(info.clientSecret, /^[A-Za-z0-9]{32}$/);
      assert.equal(info.tokenUrl, pbxBase(sim) + OAUTH_TOKEN_PATH);
      assert.equal(info.accessTokenLifetime, 300);
      assert.equal(info.refreshTokenLifetime, 21_600);
      assert.equal(info.right.description, 'API Zugriff mit OAuth Password Grant');
      const anna = await sim.as(DEMO_USERS.anna);
      assert.equal((await anna.get('/sim/oauth')).status, 403);
      assert.deepEqual(sim.sim.oauthClient, { clientId: OAUTH_CLIENT_ID, clientSecret: info.clientSecret });
    });
  });

  describe('the OpenAPI document', () => {
    it("describes the password flow: a generated client's token URL, resolved as OpenAPI says, grants a token that REST takes", async () => {
      const doc = (await sim.admin.get('/openapi.json')).body as {
        servers: { url: string }[];
        security: Record<string, string[]>[];
        components: { securitySchemes: Record<string, { type: string; flows?: Record<string, any> }> };
      };
      assert.deepEqual(doc.security, [{ authToken: [] }, { oauth: ['login'] }]);
      const flow = doc.components.securitySchemes.oauth!.flows!.password as { tokenUrl: string; refreshUrl: string };
      // OpenAPI 3.1 resolves a relative URL against the server's URL, which is relative to the document's.
      const server = new URL(doc.servers[0]!.url, `${sim.base}/openapi.json`);
      const tokenUrl = new URL(flow.tokenUrl, server).toString();
      assert.equal(tokenUrl, pbxBase(sim) + OAUTH_TOKEN_PATH);
      assert.equal(new URL(flow.refreshUrl, server).toString(), tokenUrl);
      const res = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: OAUTH_CLIENT_ID,
          client_secret: secret,
          username: DEMO_USERS.anna.login,
          password: DEMO_USERS.anna.password,
          scope: 'login',
        }).toString(),
      });
      assert.equal(res.status, 200);
      const { access_token } = OAuthTokenAnswerSchema.parse(await res.json());
      assert.equal((await bearerClient(sim, access_token).get('/users/me')).status, 200);
    });
  });
});

describe('OAuth below STARFACE 10, and across restarts', function () {
  this.timeout(30_000);
  let sim: RunningSim | undefined;
  const dirs: string[] = [];
  afterEach(() =>
    cleanUp(
      () => sim?.stop(),
      () => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })),
    ),
  );

  it('the demo (8.1): the token endpoint and GET /rest/sim/oauth answer 404, Bearer and the JWT sign in nowhere', async () => {
    const s = (sim = await startSim({ scenario: 'demo' }));
    const reply = await tokenRequest(s, { grant_type: 'password', client_id: OAUTH_CLIENT_ID });
    assert.equal(reply.status, 404);
    assert.match(reply.body.message, /version 8\.1\.0\.4/);
    assert.equal((await s.admin.get('/sim/oauth')).status, 404);
    assert.equal(s.sim.oauthClient, undefined);
    const bearer = await bearerClient(s, 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln').get('/users/me');
    assert.equal(bearer.status, 401);
    const f = await faultOf(jwtXmlRpc(s, 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln').methodCall(M.login));
    assert.equal(f.faultCode, F.unsupportedAuth);
    assert.match(f.faultString, /needs STARFACE 10 or later; this PBX reports 8\.1\.0\.4/);
  });

  it("a scenario below 10 applied to a 10 ends OAuth: the endpoint answers 404, the admin's Bearer token 401", async () => {
    const s = (sim = await startSim({ scenario: 'starface-10' }));
    const tokens = await passwordGrant(s, ADMIN, await clientSecret(s));
    assert.equal((await s.admin.post('/sim/scenario', { name: 'demo' })).status, 200);
    const reply = await bearerClient(s, tokens.access_token).get('/users/me');
    assert.equal(reply.status, 401);
    assert.equal(reply.body.details.reason, 'unavailable');
    assert.equal((await tokenRequest(s, { grant_type: 'password' })).status, 404);
  });

  it('--version-string 10.x turns the demo into a 10 (the admin holds the right)', async () => {
    const s = (sim = await startSim({ scenario: 'demo', version: '10.0.0.19' }));
    const tokens = await passwordGrant(s, ADMIN, await clientSecret(s));
    assert.equal((await bearerClient(s, tokens.access_token).get('/server/version')).body.version, '10.0.0.19');
  });

  it('the client secret is made once per PBX and kept across a restart; tokens of before are not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-oauth-'));
    dirs.push(dir);
    const first = await startSim({ scenario: 'starface-10', dataDir: dir });
    sim = first;
    const secret = await clientSecret(first);
    const tokens = await passwordGrant(first, DEMO_USERS.anna, secret);
    sim = undefined;
    await first.stop();
    const second = (sim = await startSim({ dataDir: dir }));
    assert.equal(await clientSecret(second), secret);
    assertOAuthError(await refreshGrant(second, tokens.refresh_token, secret), 400, 'invalid_grant');
    assert.equal((await bearerClient(second, tokens.access_token).get('/users/me')).status, 401);
  });
});
