import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import { invalid } from './errors.js';
import { findGroup } from './groups.js';
import type { PbxState } from './model.js';
import type { Emit } from './pbx.js';

/**
 * A member logs in to or out of a group (group login): calls to the group ring only logged-in members
 * (sip/dialPlan.ts). REST 6.7 has no operation for it; the UCI (group login keys, group settings) changes it.
 * The group's `updated` event names the member and the new login, and comes only when something changed.
 */
export function setGroupLogin(state: PbxState, emit: Emit, groupId: number, userId: number, loggedIn: boolean): void {
  const group = findGroup(state, groupId);
  const member = group.members.find((m) => m.userId === userId);
  if (!member)
    throw invalid('NOT_A_MEMBER', `User ${userId} is not a member of the group ${group.name} (${group.id})`, {
      groupId,
      userId,
    });
  if (member.loggedIn === loggedIn) return;
  member.loggedIn = loggedIn;
  emit({
    service: SIM_SERVICES.groups,
    event: 'updated',
    data: { groupId: group.id, name: group.name, userId, loggedIn },
  });
}
