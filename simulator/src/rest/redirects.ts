import type { REDIRECTS_API } from '../../../shared/api/redirects.js';
import { forbidden } from '../state/errors.js';
import { findRedirect, listRedirects, toRedirection, updateRedirect } from '../state/redirects.js';
import { mayReadRedirect, redirectAccountsOf, redirectChangeRefusal } from '../state/redirectAccess.js';
import type { RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';
import { userActedFor } from './onBehalf.js';

export function redirectsHandlers(ctx: RestContext): HandlersFor<keyof typeof REDIRECTS_API> {
  return {
    getRedirects: ({ query, actor }) => {
      const state = ctx.holder.state;
      const user = userActedFor(state, actor, query.actOnBehalfOf, 'login');
      return listRedirects(state, redirectAccountsOf(state, user.id)).map((r) => toRedirection(state, r));
    },

    redirectsRedirectIdGet: ({ params, query, actor }) => {
      const state = ctx.holder.state;
      userActedFor(state, actor, query.actOnBehalfOf, 'login');
      const r = findRedirect(state, params.redirectId);
      if (!mayReadRedirect(state, actor, r)) throw forbidden('This redirection belongs to another user');
      return toRedirection(state, r);
    },

    redirectsRedirectIdPut: async ({ params, query, body, actor }) => {
      await ctx.holder.commit((s, emit) => {
        userActedFor(s, actor, query.actOnBehalfOf, 'login');
        const r = findRedirect(s, params.redirectId);
        const refusal = redirectChangeRefusal(s, actor, r);
        if (refusal) throw forbidden(refusal);
        updateRedirect(s, emit, params.redirectId, body);
      });
    },
  };
}
