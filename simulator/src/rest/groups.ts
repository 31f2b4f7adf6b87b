import type { GROUPS_API } from '../../../shared/api/groups.js';
import { forbidden } from '../state/errors.js';
import {
  createGroup,
  deleteGroup,
  findGroup,
  groupMemberIds,
  saveGroup,
  searchGroups,
  toGroupDto,
} from '../state/groups.js';
import { isAdmin, type RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

export function groupsHandlers(ctx: RestContext): HandlersFor<keyof typeof GROUPS_API> {
  return {
    getGroups: ({ query }) => searchGroups(ctx.holder.state, query.searchTerm),

    // The edit form lists every user and the spare numbers: its members may read it, others need "Administration".
    getGroup: ({ params, actor }) => {
      const state = ctx.holder.state;
      const group = findGroup(state, params.groupid);
      if (!isAdmin(actor) && !groupMemberIds(state, group).includes(actor.id))
        throw forbidden('Only members of the group and users with the right "Administration" may read it');
      return toGroupDto(state, group);
    },

    // 204 as documented, so the new id travels in the Location header (a client can also search by name).
    createGroup: async ({ body, req, res }) => {
      const group = await ctx.holder.commit((s, emit) => createGroup(s, emit, body));
      res.location(`${req.baseUrl}/groups/${group.id}`);
    },

    saveGroup: async ({ body }) => {
      await ctx.holder.commit((s, emit) => saveGroup(s, emit, body));
    },

    deleteGroup: async ({ params }) => {
      await ctx.holder.commit((s, emit) => deleteGroup(s, emit, params.groupid));
    },
  };
}
