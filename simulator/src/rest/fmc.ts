import type { FMC_API } from '../../../shared/api/fmc.js';
import { notFound } from '../state/errors.js';
import { createFmcPhone, deleteFmcPhone, findFmcPhone, toFmcPhoneDto, updateFmcPhone } from '../state/fmc.js';
import type { StoredUser } from '../state/model.js';
import type { StoredFmcPhone } from '../state/telephonyModel.js';
import type { RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';
import { requireOwnerOrAdmin, userActedFor } from './onBehalf.js';

export function fmcHandlers(ctx: RestContext): HandlersFor<keyof typeof FMC_API> {
  /** The iFMC phone the path names, if the caller may reach it; with `userId`, it must be that user's. */
  const reachable = (caller: StoredUser, fmcId: string, userId?: string): StoredFmcPhone => {
    const state = ctx.holder.state;
    const fmc = findFmcPhone(state, fmcId);
    if (userId) {
      const user = userActedFor(state, caller, userId, 'id');
      if (fmc.userId !== user.id) throw notFound(`iFMC phone of user ${user.id}:`, fmcId);
    } else requireOwnerOrAdmin(caller, fmc.userId);
    return fmc;
  };

  return {
    getFmcPhones: ({ query, actor }) => {
      const user = userActedFor(ctx.holder.state, actor, query.userId, 'id');
      return ctx.holder.state.fmcPhones.filter((f) => f.userId === user.id).map(toFmcPhoneDto);
    },

    // 201 without a body, as documented; the Location header names the new phone.
    postFmcPhone: async ({ query, body, actor, req, res }) => {
      const user = userActedFor(ctx.holder.state, actor, query.userId, 'id');
      const fmc = await ctx.holder.commit((s, emit) => createFmcPhone(s, emit, user.id, body));
      res.location(`${req.baseUrl}/fmcPhones/${encodeURIComponent(fmc.id)}`);
    },

    getFmcPhone: ({ params, query, actor }) => toFmcPhoneDto(reachable(actor, params.fmcId, query.userId)),

    putFmcPhone: async ({ params, query, body, actor }) => {
      reachable(actor, params.fmcId, query.userId);
      await ctx.holder.commit((s, emit) => updateFmcPhone(s, emit, params.fmcId, body));
    },

    deleteFmcPhone: async ({ params, query, actor }) => {
      reachable(actor, params.fmcId, query.userId);
      await ctx.holder.commit((s, emit) => deleteFmcPhone(s, emit, params.fmcId));
    },
  };
}
