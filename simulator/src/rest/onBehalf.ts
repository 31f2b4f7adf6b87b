import { forbidden, notFound } from '../state/errors.js';
import type { PbxState, StoredUser } from '../state/model.js';
import { isAdmin } from './context.js';

/**
 * The user a request acts for, where the API names them in the query (`actOnBehalfOf` of function keys and
 * redirects, `userId` of iFMC phones; all strings): absent or empty, the caller; else the user with that login
 * or account id (`prefer` says which is tried first: a login may be all digits). Another user than the caller
 * needs "Administration" (403); an unknown one is 404.
 */
export function userActedFor(
  state: PbxState,
  caller: StoredUser,
  ref: string | undefined,
  prefer: 'login' | 'id',
): StoredUser {
  if (ref === undefined || ref === '') return caller;
  const byLogin = () => state.users.find((u) => u.login === ref);
  const byId = () => (/^\d+$/.test(ref) ? state.users.find((u) => u.id === Number(ref)) : undefined);
  const user = prefer === 'login' ? (byLogin() ?? byId()) : (byId() ?? byLogin());
  if (!user) throw notFound('User', ref);
  requireOwnerOrAdmin(caller, user.id);
  return user;
}

/** A record of `ownerId` is for its owner and administrators only. */
export function requireOwnerOrAdmin(caller: StoredUser, ownerId: number): void {
  if (caller.id !== ownerId && !isAdmin(caller))
    throw forbidden('This belongs to another user; acting for them needs the right "Administration"');
}
