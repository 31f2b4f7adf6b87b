import { timingSafeEqual } from 'node:crypto';
import { RIGHT_ADMIN } from '../../../shared/catalogue.js';
import { uciTokenFromHash } from '../../../shared/hashes.js';
import type { Sessions } from '../rest/sessions.js';
import type { PbxState, StoredUser } from '../state/model.js';

/** The user a UCI token `login:sha512hex(login + "*" + sha512hex(password))` belongs to, if it is right. */
export function userForUciToken(state: PbxState, token: string): StoredUser | undefined {
  const colon = token.indexOf(':');
  if (colon <= 0) return undefined;
  const login = token.slice(0, colon);
  const user = state.users.find((u) => u.login === login);
  if (!user) return undefined;
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

export function isAdminUser(user: StoredUser): boolean {
  return user.rights.includes(RIGHT_ADMIN);
}
