import { timingSafeEqual } from 'node:crypto';
import { RIGHT_ADMIN } from '../../../shared/catalogue.js';
import { uciTokenFromHash } from '../../../shared/hashes.js';
import { looksLikeJwt } from './jwt.js';
import type { OAuthRealm } from './oauth.js';
import type { FailedLoginLimiter } from './rateLimit.js';
import type { Sessions } from './sessions.js';
import type { PbxState, StoredUser } from '../state/model.js';
import { findUserByLogin, hasPassword } from '../state/users.js';

/** The user a UCI token `login:sha512hex(login + "*" + sha512hex(password))` belongs to, if it is right. */
export function userForUciToken(state: PbxState, token: string): StoredUser | undefined {
  const colon = token.indexOf(':');
  if (colon <= 0) return undefined;
  const login = token.slice(0, colon);
  const user = findUserByLogin(state, login);
  if (!user || !hasPassword(user)) return undefined; // created without a password: cannot sign in yet
  const expected = Buffer.from(uciTokenFromHash(login, user.passwordHash));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given) ? user : undefined;
}

/** A UCI token (has a colon) or a REST authToken. */
export function userForAnyToken(state: PbxState, sessions: Sessions, token: string): StoredUser | undefined {
  if (token.includes(':')) return userForUciToken(state, token);
  const id = sessions.userFor(token);
  return id === undefined ? undefined : state.users.find((u) => u.id === id);
}

/**
 * How a sign-in went: the user, the seconds this login must wait from this address, or a failure (counted where it
 * was a guess) with what to tell the client when there is more to say than "wrong".
 */
export type UciSignIn =
  { user: StoredUser } | { waitSeconds: number } | { failed: true; login: string | undefined; reason?: string };

/**
 * Signs in with a UCI token, a REST authToken or (STARFACE 10) an OAuth access token. Failures count per login
 * and address in the limiter shared with the REST logins and SIP digest, so no UCI transport is a way around the
 * REST throttle.
 */
export function signInWithToken(
  state: PbxState,
  sessions: Sessions,
  limiter: FailedLoginLimiter | undefined,
  token: string,
  remote: string,
  oauth?: OAuthRealm,
): UciSignIn {
  if (oauth && !token.includes(':') && looksLikeJwt(token)) return signInWithJwt(oauth, limiter, token, remote);
  const colon = token.indexOf(':');
  const login = colon > 0 ? token.slice(0, colon) : undefined;
  const waitSeconds = limiter?.retryAfter(login, remote) ?? 0;
  if (waitSeconds > 0) return { waitSeconds };
  const user = userForAnyToken(state, sessions, token);
  if (!user) {
    limiter?.fail(login, remote);
    return { failed: true, login };
  }
  limiter?.succeed(user.login, remote);
  return { user };
}

/**
 * Signs in with an OAuth access token (`de.vertico.starface.jwt`), checked on every request as the PBX checks the
 * token in each URL. Only a token this PBX never signed counts as a failed sign-in (from the address: its login is
 * unknown); an expired or ended one of its own is no guess, just stale, and is refused with the reason.
 */
export function signInWithJwt(
  oauth: OAuthRealm,
  limiter: FailedLoginLimiter | undefined,
  token: string,
  remote: string,
): UciSignIn {
  const waitSeconds = limiter?.retryAfter(undefined, remote) ?? 0;
  if (waitSeconds > 0) return { waitSeconds };
  const check = oauth.checkAccessToken(token);
  if (check.ok) return { user: check.user };
  if (check.reason === 'invalid') limiter?.fail(undefined, remote);
  return { failed: true, login: undefined, reason: check.message };
}

export function isAdminUser(user: StoredUser): boolean {
  return user.rights.includes(RIGHT_ADMIN);
}
