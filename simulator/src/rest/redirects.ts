import type { REDIRECTS_API } from '../../../shared/api/redirects.js';
import type { RightKey } from '../../../shared/catalogue.js';
import { forbidden } from '../state/errors.js';
import { groupMemberIds } from '../state/groups.js';
import type { PbxState, StoredUser } from '../state/model.js';
import { findRedirect, listRedirects, toRedirection, updateRedirect } from '../state/redirects.js';
import type { StoredRedirect } from '../state/telephonyModel.js';
import { isAdmin, type RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';
import { userActedFor } from './onBehalf.js';

/** The groups a user belongs to. */
function groupsOf(state: PbxState, userId: number): number[] {
  return state.groups.filter((g) => groupMemberIds(state, g).includes(userId)).map((g) => g.id);
}

/** Reading: the account's own user, a member of the account's group, or an administrator. */
function mayRead(state: PbxState, actor: StoredUser, r: StoredRedirect): boolean {
  return isAdmin(actor) || r.accountId === actor.id || groupsOf(state, actor.id).includes(r.accountId);
}

/** Changing: as reading, and the right for it — "Umleitung" for one's own, "Gruppe umleiten" for a group's. */
function mayChange(state: PbxState, actor: StoredUser, r: StoredRedirect): boolean {
  if (isAdmin(actor)) return true;
  const has = (right: RightKey) => actor.rights.includes(right);
  if (r.accountId === actor.id) return has('redirect_perm');
  return groupsOf(state, actor.id).includes(r.accountId) && has('group_redirect_perm');
}

export function redirectsHandlers(ctx: RestContext): HandlersFor<keyof typeof REDIRECTS_API> {
  return {
    getRedirects: ({ query, actor }) => {
      const state = ctx.holder.state;
      const user = userActedFor(state, actor, query.actOnBehalfOf, 'login');
      return listRedirects(state, [user.id, ...groupsOf(state, user.id)]).map((r) => toRedirection(state, r));
    },

    redirectsRedirectIdGet: ({ params, query, actor }) => {
      const state = ctx.holder.state;
      userActedFor(state, actor, query.actOnBehalfOf, 'login');
      const r = findRedirect(state, params.redirectId);
      if (!mayRead(state, actor, r)) throw forbidden('This redirection belongs to another user');
      return toRedirection(state, r);
    },

    redirectsRedirectIdPut: async ({ params, query, body, actor }) => {
      await ctx.holder.commit((s, emit) => {
        userActedFor(s, actor, query.actOnBehalfOf, 'login');
        const r = findRedirect(s, params.redirectId);
        if (!mayRead(s, actor, r)) throw forbidden('This redirection belongs to another user');
        if (!mayChange(s, actor, r))
          throw forbidden(
            r.accountId === actor.id
              ? 'Changing your redirections needs the right "Umleitung" (redirect_perm)'
              : 'Changing a group\'s redirections needs the right "Gruppe umleiten" (group_redirect_perm)',
          );
        updateRedirect(s, emit, params.redirectId, body);
      });
    },
  };
}
