import type { Account } from '../../../shared/schemas/accounts.js';
import type { PbxState, StoredUser } from './model.js';

/*
 * GET /accounts: the PBX's users and groups in their one account id space (groups take their ids from the user
 * counter). Nothing is stored for an account: it is read off the user or group. This PBX has no federation, so
 * every account is local and its federation name empty.
 */

/** The account's primary internal number: its set primary one, else its first internal number; "" for none. */
function internalNumbers(state: PbxState): { ofUser: Map<number, string>; ofGroup: Map<number, string> } {
  const primary = new Map(state.telephonySettings.map((s) => [s.userId, s.primaryInternalNumberId]));
  const ofUser = new Map<number, string>();
  const ofGroup = new Map<number, string>();
  for (const n of state.phoneNumbers) {
    if (n.type !== 'INTERNAL') continue;
    if (n.userId !== null && (!ofUser.has(n.userId) || primary.get(n.userId) === n.id)) ofUser.set(n.userId, n.number);
    if (n.groupId !== null && !ofGroup.has(n.groupId)) ofGroup.set(n.groupId, n.number);
  }
  return { ofUser, ofGroup };
}

function account(
  type: Account['type'],
  id: number,
  first: string,
  last: string,
  name: string,
  number: string,
): Account {
  return {
    accountId: id,
    type,
    firstname: first,
    lastname: last,
    primaryInternalPhoneNumber: number,
    local: true,
    federationname: '',
    displayInformation: number ? `${name} (${number})` : name,
  };
}

function userAccountWith(u: StoredUser, number: string): Account {
  return account('USER', u.id, u.firstName, u.familyName, `${u.firstName} ${u.familyName}`.trim() || u.login, number);
}

/** One user as an Account (a function key's busy-lamp choices list them). */
export function userAccount(state: PbxState, u: StoredUser): Account {
  return userAccountWith(u, internalNumbers(state).ofUser.get(u.id) ?? u.extension ?? '');
}

export function listAccounts(state: PbxState): Account[] {
  const { ofUser, ofGroup } = internalNumbers(state);
  const users = state.users.map((u) => userAccountWith(u, ofUser.get(u.id) ?? u.extension ?? ''));
  const groups = state.groups.map((g) => account('GROUP', g.id, '', g.name, g.name, ofGroup.get(g.id) ?? ''));
  return [...users, ...groups].sort((a, b) => a.accountId - b.accountId);
}
