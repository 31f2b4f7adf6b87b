/**
 * Which way a connection signs in: the login handshake every STARFACE takes (`legacy`), or STARFACE 10's OAuth
 * password grant (`oauth`). `auto` uses OAuth when the PBX offers it and a client secret is stored, else the
 * handshake: a STARFACE 10 without an external identity provider takes both, one with it only OAuth.
 */
import { OAuthErrorSchema } from '../../../shared/schemas/oauth.js';
import type { ConnectionAuth } from '../../../shared/schemas/connection.js';
import { boundedText } from './httpLimits.js';
import { OAuthSession, oauthTokenUrl } from './oauthSession.js';
import { networkFailure, PbxError, type PbxRestClient } from './restClient.js';
import { TlsTrustError } from './tlsTrust.js';

export type SignInMethod = 'legacy' | 'oauth';

export interface SignInInput {
  login: string;
  password: string;
  auth: ConnectionAuth;
  /** The PBX's OAuth client secret, when one is stored. */
  clientSecret?: string;
  /** Milliseconds since the epoch, for the token's expiry (tests move time by it). */
  now?: () => number;
  timeoutMs?: number;
}

export interface SignedIn {
  method: SignInMethod;
  /** The OAuth session (method `oauth`): its tokens also sign the UCI in. */
  oauth?: OAuthSession;
}

/**
 * Does the PBX offer OAuth? The version would tell (10 or later), but a real PBX shows it only to a signed-in
 * client, so the token endpoint is asked instead: a POST without credentials is refused in OAuth's words
 * (`{error: "invalid_request"|"invalid_client", …}`) where it exists, and 404 on a STARFACE before 10.
 */
export async function offersOAuth(client: PbxRestClient, timeoutMs = 10_000): Promise<boolean> {
  let res: Response;
  try {
    res = await client.transport(oauthTokenUrl(client.baseUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: '',
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (err) {
    // A certificate the user refused (or that changed) is final: the legacy sign-in must not ask about it again.
    if ((err as { cause?: unknown }).cause instanceof TlsTrustError)
      throw PbxError.of(networkFailure(client.baseUrl, err), undefined, 'UNREACHABLE');
    // Unreachable: the legacy sign-in that follows says so in its own words.
    return false;
  }
  if (res.status !== 400 && res.status !== 401) {
    await res.body?.cancel().catch(() => {});
    return false;
  }
  try {
    return OAuthErrorSchema.safeParse(JSON.parse(await boundedText(res, 64 * 1024))).success;
  } catch {
    return false;
  }
}

/** Signs `client` in the connection's way; the caller keeps neither password nor secret. */
export async function signIn(client: PbxRestClient, input: SignInInput): Promise<SignedIn> {
  const method = await chooseMethod(client, input);
  if (method === 'legacy') {
    try {
      await client.login(input.login, input.password);
    } catch (err) {
      throw await withOAuthHint(client, input, err);
    }
    return { method };
  }
  if (!input.clientSecret) throw PbxError.of({ code: 'OAUTH_SECRET_MISSING' }, undefined, 'OAUTH_SECRET_MISSING');
  const oauth = new OAuthSession(
    oauthTokenUrl(client.baseUrl),
    { login: input.login, password: input.password, clientSecret: input.clientSecret },
    { fetch: client.transport, now: input.now, timeoutMs: input.timeoutMs },
  );
  await oauth.signIn();
  client.useBearer(oauth);
  return { method, oauth };
}

/**
 * `auto` without a secret tried the handshake only. A STARFACE 10 with an external identity provider refuses it
 * for every password: when the handshake was refused and the PBX offers OAuth, the error says where to turn.
 */
async function withOAuthHint(client: PbxRestClient, input: SignInInput, err: unknown): Promise<unknown> {
  if (input.auth !== 'auto' || input.clientSecret || !(err instanceof PbxError) || !err.isWrongCredentials) return err;
  let offered: boolean;
  try {
    offered = await offersOAuth(client, input.timeoutMs);
  } catch {
    return err;
  }
  return offered
    ? PbxError.of({ code: 'LOGIN_FAILED', login: input.login, oauthOffered: true }, err.status, err.code, err.details)
    : err;
}

async function chooseMethod(client: PbxRestClient, input: SignInInput): Promise<SignInMethod> {
  if (input.auth !== 'auto') return input.auth;
  // Without a secret OAuth cannot be used: no request to find out whether it is offered.
  if (!input.clientSecret) return 'legacy';
  return (await offersOAuth(client, input.timeoutMs)) ? 'oauth' : 'legacy';
}
