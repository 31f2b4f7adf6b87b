import type { Group, GroupListItem } from '../../../shared/schemas/groups.js';
import type { Redirection } from '../../../shared/schemas/redirects.js';
import type { PbxApi } from './api.js';
import { PbxError } from './restClient.js';

/** One group as the tree shows it: the list entry, and its edit shape where the caller may read it. */
export interface GroupData {
  item: GroupListItem;
  /** null: this user may not read the group's details (not a member, no "Administration"). */
  group: Group | null;
}

/** The group's details, or null where the PBX refuses them (403) or lacks the resource (404). */
async function groupDetails(api: PbxApi, groupid: number): Promise<Group | null> {
  try {
    return await api.client.call('getGroup', { params: { groupid } });
  } catch (err) {
    if (err instanceof PbxError && (err.isNotFound || err.status === 403)) return null;
    throw err;
  }
}

/** Every group with its members and numbers: one request for the list, one per group (admins: all of them). */
export async function loadGroups(api: PbxApi): Promise<GroupData[]> {
  const items = await api.client.call('getGroups');
  return Promise.all(
    items.map(async (item) => ({
      item,
      group: item.id === undefined ? null : await groupDetails(api, item.id),
    })),
  );
}

/**
 * A user's redirections (their own numbers only; group numbers show under the group). `self`: the signed-in user,
 * asked without `actOnBehalfOf`, which a real PBX may not know for a user acting for themselves.
 */
export async function loadUserRedirects(api: PbxApi, login: string, self: boolean): Promise<Redirection[]> {
  const all = await api.client.call('getRedirects', self ? undefined : { query: { actOnBehalfOf: login } });
  return all.filter((r) => !r.groupNumber);
}

/** Enables or disables a redirection: read it, PUT it back with `enabled` changed (what GET gives, PUT takes). */
export async function setRedirectEnabled(
  api: PbxApi,
  redirectId: string,
  enabled: boolean,
  actOnBehalfOf?: string,
  phoneNumber?: string,
): Promise<void> {
  const query = actOnBehalfOf === undefined ? undefined : { actOnBehalfOf };
  const current = await api.client.call('redirectsRedirectIdGet', { params: { redirectId }, query });
  const body: Redirection = { ...current, enabled };
  if (phoneNumber !== undefined) body.redirectDestination = { redirectDestinationType: 'PHONENUMBER', phoneNumber };
  await api.client.call('redirectsRedirectIdPut', { params: { redirectId }, query, body });
}

/** True when enabling needs a target first: a phone-number redirection with no number set yet. */
export function needsTarget(r: Redirection): boolean {
  return r.redirectDestination.redirectDestinationType === 'PHONENUMBER' && !r.redirectDestination.phoneNumber;
}
