// STARFACE 10's OAuth as a client sees it: the token endpoint over real HTTP, a form body, Keycloak's JSON.
import assert from 'node:assert/strict';
import { OAUTH_CLIENT_ID, OAUTH_TOKEN_PATH, type OAuthTokenAnswer } from '../../shared/schemas/oauth.js';
import type { Reply, RunningSim } from './rest.js';

/** The PBX's address (the REST base without /rest). */
export function pbxBase(sim: RunningSim): string {
  return sim.base.replace(/\/rest$/, '');
}

/** One POST to the token endpoint with these form fields (undefined ones left out). */
export async function tokenRequest(
  sim: RunningSim,
  form: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v !== undefined) body.append(k, v);
  const res = await fetch(pbxBase(sim) + OAUTH_TOKEN_PATH, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: body.toString(),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
    headers: res.headers,
  };
}

/** The client secret, as an admin reads it over REST. */
export async function clientSecret(sim: RunningSim): Promise<string> {
  const reply = await sim.admin.get('/sim/oauth');
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.clientSecret as string;
}

/** The password grant as the PBX's examples send it; throws with the answer when refused. */
export async function passwordGrant(
  sim: RunningSim,
  user: { login: string; password: string },
  secret: string,
): Promise<OAuthTokenAnswer> {
  const reply = await tokenRequest(sim, {
    client_id: OAUTH_CLIENT_ID,
    grant_type: 'password',
    scope: 'login',
    username: user.login,
    password: user.password,
    client_secret: secret,
  });
  assert.equal(reply.status, 200, `password grant for ${user.login}: ${JSON.stringify(reply.body)}`);
  return reply.body as OAuthTokenAnswer;
}

export function refreshGrant(sim: RunningSim, refreshToken: string, secret: string): Promise<Reply> {
  return tokenRequest(sim, {
    grant_type: 'refresh_token',
    client_id: OAUTH_CLIENT_ID,
    client_secret: secret,
    refresh_token: refreshToken,
  });
}

/** A JWT's payload, decoded as a client that reads its claims does (no check of the signature). */
export function claimsOf(jwt: string): Record<string, unknown> {
  const parts = jwt.split('.');
  assert.equal(parts.length, 3, 'a JWT has three parts');
  return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** An OAuth refusal: the status and `{error, error_description}`. */
export function assertOAuthError(reply: Reply, status: number, error: string, description?: RegExp): void {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(reply.body.error, error, JSON.stringify(reply.body));
  assert.equal(typeof reply.body.error_description, 'string');
  if (description) assert.match(reply.body.error_description, description);
  assert.equal(reply.headers.get('cache-control'), 'no-store');
}
