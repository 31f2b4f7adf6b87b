import { randomUUID, timingSafeEqual } from 'node:crypto';
import { RIGHT_OAUTH, rightByKey } from '../../../shared/catalogue.js';
import { sha512hex } from '../../../shared/hashes.js';
import {
  OAUTH_ACCESS_TOKEN_LIFETIME_S,
  OAUTH_CLIENT_ID,
  OAUTH_MIN_MAJOR,
  OAUTH_REFRESH_TOKEN_LIFETIME_S,
  OAUTH_SCOPE,
  OAuthTokenClaimsSchema,
  oauthAvailable,
  type OAuthErrorCode,
  type OAuthTokenAnswer,
  type OAuthTokenClaims,
} from '../../../shared/schemas/oauth.js';
import type { PbxState, StoredUser } from '../state/model.js';
import { findUserByLogin, hasPassword } from '../state/users.js';
import { newJwtKey, signJwt, verifyJwt, type JwtKey } from './jwt.js';
import type { FailedLoginLimiter } from './rateLimit.js';

/** A grant's outcome: the token answer, or the refusal as RFC 6749 §5.2 and Keycloak put it. */
export type GrantOutcome =
  | { ok: true; answer: OAuthTokenAnswer; login: string }
  | {
      ok: false;
      status: 400 | 401;
      error: OAuthErrorCode;
      description: string;
      /** Seconds until this login may try again from this address (a throttled password grant). */
      retryAfter?: number;
      login?: string;
    };

/** An access token's check: whose it is, or why it does not count. */
export type AccessCheck =
  | { ok: true; user: StoredUser; sessionId: string }
  | { ok: false; reason: 'unavailable' | 'invalid' | 'expired' | 'ended'; message: string };

/** Keycloak's wording where its answers are known (ResourceOwnerPasswordCredentialsGrantType, TokenManager). */
export const OAUTH_MESSAGES = {
  badCredentials: 'Invalid user credentials',
  badClient: 'Invalid client or Invalid client credentials',
  badRefreshToken: 'Invalid refresh token',
  tokenNotActive: 'Token is not active',
  sessionNotActive: 'Session not active',
} as const;

/**
 * A signed-in OAuth session (Keycloak's user session): what both tokens name in `sid`. It lives until its
 * newest refresh token expires; a refresh grant moves that on (Keycloak's SSO idle timeout).
 */
interface OAuthSession {
  userId: number;
  /** Milliseconds since the epoch: the newest refresh token's `exp`. */
  expiresAt: number;
}

export interface OAuthRealmOptions {
  state: () => PbxState;
  /** Failed password grants count here, with the REST, UCI and SIP sign-ins. */
  limiter?: FailedLoginLimiter;
  /** Milliseconds since the epoch (the simulator's injectable clock). */
  now?: () => number;
  /** Sessions held at most; beyond, expired ones and then the oldest go (default 50 000). */
  maxSessions?: number;
}

const RIGHT = rightByKey(RIGHT_OAUTH)!;

/**
 * The Keycloak realm `pbx` of a STARFACE 10, as far as clients see it: the password and refresh grants of the
 * client `rest-client-headless`, and the check of the access tokens it issued. Sessions and the signing key live
 * in memory, as the REST authTokens do: a restart signs every OAuth client out (its refresh grant then answers
 * invalid_grant, and it signs in with the password again). Tokens are checked against their session on every
 * use, so a session ended by a password change, a deletion, the right taken or a scenario (auth/
 * sessionRevocation.ts) ends its access tokens at once, not only when they expire.
 */
export class OAuthRealm {
  private key: JwtKey | undefined;
  private readonly sessions = new Map<string, OAuthSession>();
  private readonly now: () => number;

  constructor(private readonly opts: OAuthRealmOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** True when the PBX's version is 10 or later: only then is there a token endpoint and a Bearer sign-in. */
  available(): boolean {
    return oauthAvailable(this.opts.state().server.version);
  }

  get version(): string {
    return this.opts.state().server.version;
  }

  clientSecret(): string | undefined {
    return this.opts.state().oauth?.clientSecret;
  }

  /** Sessions held (for tests). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Keycloak checks the client before the grant: an unknown client or a wrong secret is 401 invalid_client. */
  checkClient(clientId: string | undefined, secret: string | undefined): GrantOutcome | undefined {
    if (clientId === undefined) return refusal(400, 'invalid_request', 'Missing parameter: client_id');
    if (clientId !== OAUTH_CLIENT_ID) return refusal(401, 'invalid_client', OAUTH_MESSAGES.badClient);
    if (secret === undefined) return refusal(401, 'invalid_client', 'Client secret not provided in request');
    const expected = Buffer.from(this.clientSecret() ?? '');
    const given = Buffer.from(secret);
    if (expected.length === 0 || expected.length !== given.length || !timingSafeEqual(expected, given))
      return refusal(401, 'invalid_client', OAUTH_MESSAGES.badClient);
    return undefined;
  }

  /**
   * The password grant (the client already checked). Failures count per login and address in the shared limiter;
   * a login that must wait is refused before its password is looked at.
   */
  passwordGrant(
    input: { username?: string; password?: string; scope?: string },
    issuer: string,
    remote: string,
  ): GrantOutcome {
    const { username, password } = input;
    if (username === undefined || username === '')
      return refusal(400, 'invalid_request', 'Missing parameter: username');
    if (password === undefined) return refusal(400, 'invalid_request', 'Missing parameter: password');
    const scope = checkScope(input.scope);
    if (scope) return scope;
    const limiter = this.opts.limiter;
    const wait = limiter?.retryAfter(username, remote) ?? 0;
    if (wait > 0) {
      // Keycloak's brute-force answer, with the wait said and in Retry-After: clients act on `error` alone.
      return {
        ...refusal(
          400,
          'invalid_grant',
          `Account temporarily disabled: too many failed sign-ins; try again in ${wait} s`,
        ),
        retryAfter: wait,
        login: username,
      };
    }
    const found = findUserByLogin(this.opts.state(), username);
    const user = found && hasPassword(found) ? found : undefined;
    const expected = Buffer.from(user?.passwordHash ?? '');
    const given = Buffer.from(sha512hex(password));
    if (!user || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      limiter?.fail(username, remote);
      return { ...refusal(401, 'invalid_grant', OAUTH_MESSAGES.badCredentials), login: username };
    }
    limiter?.succeed(user.login, remote);
    // After the password: nobody learns about a user's rights without it.
    const lacking = this.lacksRight(user);
    if (lacking) return { ...lacking, login: user.login };
    const sessionId = randomUUID();
    const session: OAuthSession = { userId: user.id, expiresAt: 0 };
    this.remember(sessionId, session);
    return { ok: true, answer: this.issue(user, sessionId, session, issuer), login: user.login };
  }

  /**
   * The refresh grant (the client already checked). A refresh token may be used again until it expires (Keycloak's
   * default, "Revoke Refresh Token" off); each grant answers a new one that lives the full lifetime again.
   */
  refreshGrant(input: { refreshToken?: string }, issuer: string): GrantOutcome {
    if (input.refreshToken === undefined || input.refreshToken === '')
      return refusal(400, 'invalid_request', 'Missing parameter: refresh_token');
    const claims = this.claimsOf(input.refreshToken);
    if (!claims || claims.typ !== 'Refresh') return refusal(400, 'invalid_grant', OAUTH_MESSAGES.badRefreshToken);
    const now = this.now();
    if (claims.exp * 1000 <= now) return refusal(400, 'invalid_grant', OAUTH_MESSAGES.tokenNotActive);
    const session = this.liveSession(claims.sid, now);
    const user = session && this.opts.state().users.find((u) => u.id === session.userId);
    if (!session || !user) return refusal(400, 'invalid_grant', OAUTH_MESSAGES.sessionNotActive);
    // The right is checked again: a grant must not outlive it (SessionRevocation ends the session too).
    const lacking = this.lacksRight(user);
    if (lacking) {
      this.sessions.delete(claims.sid);
      return { ...lacking, login: user.login };
    }
    return { ok: true, answer: this.issue(user, claims.sid, session, issuer), login: user.login };
  }

  /** Whose access token this is, if it still counts: signed here, a Bearer token, unexpired, its session alive. */
  checkAccessToken(token: string): AccessCheck {
    if (!this.available())
      return {
        ok: false,
        reason: 'unavailable',
        message: `This PBX (version ${this.version}) has no OAuth sign-in: STARFACE ${OAUTH_MIN_MAJOR} or later has it`,
      };
    const claims = this.claimsOf(token);
    if (!claims || claims.typ !== 'Bearer')
      return { ok: false, reason: 'invalid', message: 'The access token is not one this PBX issued' };
    const now = this.now();
    if (claims.exp * 1000 <= now)
      return {
        ok: false,
        reason: 'expired',
        message: 'The access token has expired; get a new one with the refresh grant',
      };
    const session = this.liveSession(claims.sid, now);
    const user = session && this.opts.state().users.find((u) => u.id === session.userId);
    if (!session || !user)
      return {
        ok: false,
        reason: 'ended',
        message:
          'The session of this access token has ended (password changed, user deleted, right taken or signed out); sign in again',
      };
    return { ok: true, user, sessionId: claims.sid };
  }

  /** Ends one session (a logout with its access token); answers whether it was there. */
  endSession(sessionId: string): boolean {
    return this.sessions.delete(sessionId);
  }

  /** Ends every session of the user but `keep`; answers how many ended. */
  revokeUser(userId: number, keep?: string): number {
    let ended = 0;
    for (const [id, s] of this.sessions)
      if (s.userId === userId && id !== keep) {
        this.sessions.delete(id);
        ended++;
      }
    return ended;
  }

  /** Ends every session of every other user; answers how many ended. */
  revokeAllExcept(userId: number): number {
    let ended = 0;
    for (const [id, s] of this.sessions)
      if (s.userId !== userId) {
        this.sessions.delete(id);
        ended++;
      }
    return ended;
  }

  private lacksRight(user: StoredUser): GrantOutcome | undefined {
    if (user.rights.includes(RIGHT_OAUTH)) return undefined;
    // What Keycloak answers for a user it may not sign in ("Account disabled"), with the reason a trainer needs.
    return refusal(
      400,
      'invalid_grant',
      `Account disabled: user ${user.login} lacks the right "${RIGHT.description}" (id ${RIGHT.id})`,
    );
  }

  private get signingKey(): JwtKey {
    return (this.key ??= newJwtKey());
  }

  private claimsOf(token: string): OAuthTokenClaims | undefined {
    if (!this.key) return undefined; // nothing was ever issued since the start
    const payload = verifyJwt(this.key, token);
    const parsed = payload && OAuthTokenClaimsSchema.safeParse(payload);
    return parsed?.success ? parsed.data : undefined;
  }

  private liveSession(id: string, now: number): OAuthSession | undefined {
    const s = this.sessions.get(id);
    if (s && s.expiresAt <= now) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  private remember(id: string, session: OAuthSession): void {
    const max = this.opts.maxSessions ?? 50_000;
    if (this.sessions.size >= max) {
      const now = this.now();
      for (const [k, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(k);
    }
    // Still full: the oldest go, so that sign-ins cannot grow memory without bound.
    while (this.sessions.size >= max) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(id, session);
  }

  /** Both tokens of a grant, with Keycloak's claims; the session then lives as long as the refresh token. */
  private issue(user: StoredUser, sessionId: string, session: OAuthSession, issuer: string): OAuthTokenAnswer {
    const iat = Math.floor(this.now() / 1000);
    const refreshExp = iat + OAUTH_REFRESH_TOKEN_LIFETIME_S;
    session.expiresAt = refreshExp * 1000;
    // Keycloak names a user of a federation provider (the PBX's users are) `f:<provider>:<id>`.
    const sub = `f:starface:${user.id}`;
    const common = { iat, iss: issuer, sub, azp: OAUTH_CLIENT_ID, sid: sessionId, session_state: sessionId };
    const key = this.signingKey;
    const access = signJwt(key, {
      exp: iat + OAUTH_ACCESS_TOKEN_LIFETIME_S,
      jti: randomUUID(),
      aud: 'account',
      typ: 'Bearer',
      ...common,
      scope: OAUTH_SCOPE,
      preferred_username: user.login,
      name: `${user.firstName} ${user.familyName}`.trim(),
      given_name: user.firstName,
      family_name: user.familyName,
      ...(user.email ? { email: user.email } : {}),
    });
    const refresh = signJwt(key, {
      exp: refreshExp,
      jti: randomUUID(),
      aud: issuer,
      typ: 'Refresh',
      ...common,
      scope: OAUTH_SCOPE,
    });
    return {
      access_token: access,
      expires_in: OAUTH_ACCESS_TOKEN_LIFETIME_S,
      refresh_expires_in: OAUTH_REFRESH_TOKEN_LIFETIME_S,
      refresh_token: refresh,
      token_type: 'Bearer',
      'not-before-policy': 0,
      session_state: sessionId,
      scope: OAUTH_SCOPE,
    };
  }
}

function refusal(status: 400 | 401, error: OAuthErrorCode, description: string): GrantOutcome & { ok: false } {
  return { ok: false, status, error, description };
}

/** No scope asks for the default (login); any other than `login` is Keycloak's invalid_scope. */
function checkScope(scope: string | undefined): GrantOutcome | undefined {
  if (scope === undefined) return undefined;
  const unknown = scope.split(/\s+/).filter((s) => s !== '' && s !== OAUTH_SCOPE);
  return unknown.length ? refusal(400, 'invalid_scope', `Invalid scopes: ${scope}`) : undefined;
}
