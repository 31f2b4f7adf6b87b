import type { PERMISSIONS_API } from '../../../shared/api/permissions.js';
import { rightById, RIGHTS } from '../../../shared/catalogue.js';
import type { PermissionInfo } from '../../../shared/schemas/users.js';
import { notFound } from '../state/errors.js';
import { findUser, setPermissionForUsers, setUserRights, toUserDto } from '../state/users.js';
import type { RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

const info = (r: (typeof RIGHTS)[number]): PermissionInfo => ({
  id: r.id,
  permission: r.permission,
  description: r.description,
});

export function permissionsHandlers(ctx: RestContext): HandlersFor<keyof typeof PERMISSIONS_API> {
  return {
    getPermissions: () => RIGHTS.map(info),

    getUserPermissions: ({ params }) => {
      const user = findUser(ctx.holder.state, params.userId);
      return RIGHTS.filter((right) => user.rights.includes(right.permission)).map(info);
    },

    putUserPermissions: async ({ params, body }) => {
      await ctx.holder.commit((s, emit) => setUserRights(s, emit, params.userId, body));
    },

    getUsersWithPermission: ({ params }) => {
      const right = rightById(params.permissionId);
      if (!right) throw notFound('Permission', params.permissionId);
      return ctx.holder.state.users.filter((u) => u.rights.includes(right.permission)).map(toUserDto);
    },

    updatePermissionForUsers: async ({ params, query, body }) => {
      await ctx.holder.commit((s, emit) => setPermissionForUsers(s, emit, params.permissionId, body, query.granted));
    },
  };
}
