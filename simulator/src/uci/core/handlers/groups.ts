import { UCI_ERRORS, UCI_METHODS } from '../../../../../shared/schemas/uci.js';
import type { UciGroupSetting } from '../../../../../shared/schemas/uciValues.js';
import { groupMemberIds, groupNumbers, setMemberLogin } from '../../../state/groups.js';
import type { PbxState, StoredUser } from '../../../state/model.js';
import type { StoredGroup } from '../../../state/telephonyModel.js';
import { RpcError } from '../methods.js';
import { uciRefusal } from '../refusal.js';
import type { HandlerContext, HandlerTable } from './types.js';

/*
 * group: the signed-in user's group logins. A group's UCI id is its account id (the REST 6.7 group id) as a
 * string; `active` is the member's login (StoredGroup members[].loggedIn), which the dial plan follows.
 */

function groupsOf(state: PbxState, userId: number): StoredGroup[] {
  return state.groups.filter((g) => groupMemberIds(state, g).includes(userId));
}

export function groupSettingsOf(state: PbxState, userId: number): UciGroupSetting[] {
  return groupsOf(state, userId).map((g) => ({
    groupId: String(g.id),
    groupName: g.name,
    groupNumber: groupNumbers(state, g.id).find((n) => n.type === 'INTERNAL')?.number ?? '',
    active: g.members.some((m) => m.userId === userId && m.loggedIn),
  }));
}

/**
 * Logs the user in to or out of their groups: every entry is checked (one of the user's groups, each at most
 * once) before anything changes, so a refused list changes nothing.
 */
function setLogins(
  ctx: HandlerContext,
  user: StoredUser,
  settings: readonly { groupId: string; active: boolean }[],
  where: (i: number) => string,
): Promise<true> {
  return ctx.holder.commit((draft, emit) => {
    const mine = groupsOf(draft, user.id);
    const seen = new Set<string>();
    const changes = settings.map((s, i) => {
      const group = mine.find((g) => String(g.id) === s.groupId);
      if (!group)
        throw new RpcError(
          UCI_ERRORS.notFound,
          `${where(i)}"groupId": "${s.groupId}" is not a group you are a member of; ${
            mine.length ? `yours: ${mine.map((g) => `${g.id} (${g.name})`).join(', ')}` : 'you are in no group'
          } (see ${UCI_METHODS.getGroupSettings})`,
        );
      if (seen.has(s.groupId))
        throw new RpcError(UCI_ERRORS.invalidParams, `${where(i)}"groupId": group ${s.groupId} is listed twice`);
      seen.add(s.groupId);
      return { group, active: s.active };
    });
    try {
      for (const c of changes) setMemberLogin(draft, emit, c.group.id, user.id, c.active);
    } catch (err) {
      throw uciRefusal(err);
    }
    return true as const;
  });
}

export const GROUP_HANDLERS: HandlerTable<'getGroupSettings' | 'setGroupSetting' | 'setGroupSettings'> = {
  getGroupSettings: (ctx, _conn, user) => groupSettingsOf(ctx.holder.state, user.id),
  setGroupSetting: (ctx, _conn, user, p) => setLogins(ctx, user, [p], () => ''),
  setGroupSettings: (ctx, _conn, user, p) => setLogins(ctx, user, p.settings, (i) => `settings.${i}: `),
};
