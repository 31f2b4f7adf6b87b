import type { Account } from '../../../shared/schemas/accounts.js';
import type { PbxState } from './model.js';

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

export function listAccounts(state: PbxState): Account[] {
  const { ofUser, ofGroup } = internalNumbers(state);
  const display = (name: string, number: string) => (number ? `${name} (${number})` : name);
  const users = state.users.map((u): Account => {
    const number = ofUser.get(u.id) ?? u.extension ?? '';
    const name = `${u.firstName} ${u.familyName}`.trim() || u.login;
    return {
      accountId: u.id,
      type: 'USER',
      firstname: u.firstName,
      lastname: u.familyName,
      primaryInternalPhoneNumber: number,
      local: true,
      federationname: '',
      displayInformation: display(name, number),
    };
  });
  const groups = state.groups.map((g): Account => {
    const number = ofGroup.get(g.id) ?? '';
    return {
      accountId: g.id,
      type: 'GROUP',
      firstname: '',
      lastname: g.name,
      primaryInternalPhoneNumber: number,
      local: true,
      federationname: '',
      displayInformation: display(g.name, number),
    };
  });
  return [...users, ...groups].sort((a, b) => a.accountId - b.accountId);
}
