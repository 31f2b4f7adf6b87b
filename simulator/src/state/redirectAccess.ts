import { RIGHT_ADMIN, type RightKey } from '../../../shared/catalogue.js';
import { groupMemberIds } from './groups.js';
import type { PbxState, StoredUser } from './model.js';
import type { StoredRedirect } from './telephonyModel.js';

/*
 * Who may read and change a redirection: one rule for every way in (REST PUT /redirects, the UCI's redirect
 * methods and its forwarding function keys), so no API is a way around another's refusal.
 */

/** The groups a user belongs to. */
export function groupsOf(state: PbxState, userId: number): number[] {
  return state.groups.filter((g) => groupMemberIds(state, g).includes(userId)).map((g) => g.id);
}

/** The accounts whose redirections a user sees: their own and those of their groups. */
export function redirectAccountsOf(state: PbxState, userId: number): number[] {
  return [userId, ...groupsOf(state, userId)];
}

const isAdmin = (user: StoredUser) => user.rights.includes(RIGHT_ADMIN);

/** Reading: the account's own user, a member of the account's group, or an administrator. */
export function mayReadRedirect(state: PbxState, actor: StoredUser, r: StoredRedirect): boolean {
  return isAdmin(actor) || r.accountId === actor.id || groupsOf(state, actor.id).includes(r.accountId);
}

/**
 * Changing: as reading, and the right for it — "Umleitung" for one's own, "Gruppe umleiten" for a group's.
 * Answers why not, or undefined when the change is allowed.
 */
export function redirectChangeRefusal(state: PbxState, actor: StoredUser, r: StoredRedirect): string | undefined {
  if (isAdmin(actor)) return undefined;
  if (!mayReadRedirect(state, actor, r)) return 'This redirection belongs to another user';
  const has = (right: RightKey) => actor.rights.includes(right);
  if (r.accountId === actor.id)
    return has('redirect_perm') ? undefined : 'Changing your redirections needs the right "Umleitung" (redirect_perm)';
  return has('group_redirect_perm')
    ? undefined
    : 'Changing a group\'s redirections needs the right "Gruppe umleiten" (group_redirect_perm)';
}
