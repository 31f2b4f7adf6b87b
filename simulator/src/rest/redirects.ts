import type { REDIRECTS_API } from '../../../shared/api/redirects.js';
import { forbidden } from '../state/errors.js';
import {
  changeRefusal,
  findRedirect,
  listRedirects,
  mayChangeRedirect,
  mayReadRedirect,
  redirectAccountsOf,
  toRedirection,
  updateRedirect,
} from '../state/redirects.js';
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
        if (!mayReadRedirect(s, actor, r)) throw forbidden('This redirection belongs to another user');
        if (!mayChangeRedirect(s, actor, r)) throw forbidden(changeRefusal(actor, r));
        updateRedirect(s, emit, params.redirectId, body);
      });
    },
  };
}
