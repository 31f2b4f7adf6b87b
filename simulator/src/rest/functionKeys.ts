import type { FUNCTION_KEYS_API } from '../../../shared/api/functionKeys.js';
import {
  createFunctionKey,
  deleteFunctionKey,
  editDefaults,
  editFormOf,
  findFunctionKey,
  findFunctionKeySet,
  putSetOnPhone,
  replaceFunctionKeys,
  toFunctionKeyDto,
  toFunctionKeySetDto,
  updateFunctionKey,
} from '../state/functionKeys.js';
import { invalid, notFound } from '../state/errors.js';
import type { StoredUser } from '../state/model.js';
import type { StoredFunctionKeySet } from '../state/telephonyModel.js';
import type { RestContext } from './context.js';
import { SENT, type HandlersFor } from './endpoints.js';
import { requireOwnerOrAdmin, userActedFor } from './onBehalf.js';

export function functionKeysHandlers(ctx: RestContext): HandlersFor<keyof typeof FUNCTION_KEYS_API> {
  /**
   * The set the path names, if the caller may reach it: its owner, or an administrator. With `actOnBehalfOf`
   * the set must be that user's (404 otherwise: it is not among theirs).
   */
  const reachableSet = (caller: StoredUser, fkSetId: string, actOnBehalfOf?: string): StoredFunctionKeySet => {
    const state = ctx.holder.state;
    const set = findFunctionKeySet(state, fkSetId);
    if (actOnBehalfOf) {
      const user = userActedFor(state, caller, actOnBehalfOf, 'login');
      if (set.userId !== user.id) throw notFound(`Function key set of ${user.login}:`, fkSetId);
    } else requireOwnerOrAdmin(caller, set.userId);
    return set;
  };

  return {
    getFunctionKeySets: ({ query, actor }) => {
      const user = userActedFor(ctx.holder.state, actor, query.actOnBehalfOf, 'login');
      return ctx.holder.state.functionKeySets.filter((s) => s.userId === user.id).map(toFunctionKeySetDto);
    },

    getEditFunctionKeyDefaults: ({ actor }) => editDefaults(ctx.holder.state, actor),

    getFunctionKeys: ({ params, query, actor }) => {
      const set = reachableSet(actor, params.fkSetId, query.actOnBehalfOf);
      return set.keys.map((k) => toFunctionKeyDto(set, k));
    },

    // 201 with the new key, as documented.
    createFunctionKey: async ({ params, query, body, actor, req, res }) => {
      reachableSet(actor, params.fkSetId, query.actOnBehalfOf);
      const { set, key } = await ctx.holder.commit((s, emit) => createFunctionKey(s, emit, params.fkSetId, body));
      res.location(`${req.baseUrl}/functionkeysets/${encodeURIComponent(set.id)}/${encodeURIComponent(key.id)}`);
      return toFunctionKeyDto(set, key);
    },

    // 204 as documented; per-key problems are the documented 400 body, a list of FunctionKeySetError.
    updateFunctionKeySet: async ({ params, query, body, actor, res }) => {
      reachableSet(actor, params.fkSetId, query.actOnBehalfOf);
      const outcome = await ctx.holder.commit((s, emit) => replaceFunctionKeys(s, emit, params.fkSetId, body));
      if ('errors' in outcome) {
        res.status(400).json(outcome.errors);
        return SENT;
      }
    },

    getEditFunctionKey: ({ params, query, actor }) => {
      const set = reachableSet(actor, params.fkSetId, query.actOnBehalfOf);
      return editFormOf(ctx.holder.state, set, findFunctionKey(set, params.keyId));
    },

    getPhonesForFunctionKeySet: ({ params, query, actor }) => {
      const set = reachableSet(actor, params.fkSetId, query.actOnBehalfOf);
      return set.phoneIds.flatMap((id) => ctx.holder.state.phones.find((p) => p.id === id)?.name ?? []);
    },

    // 200 without a body, as documented. The phone must be one of the set owner's (another user's: 403).
    putFunctionKeySetOnPhone: async ({ params, query, actor }) => {
      const set = reachableSet(actor, params.fkSetId, query.actOnBehalfOf);
      const phones = ctx.holder.state.phones;
      const phone =
        phones.find((p) => p.name === query.phone) ??
        (/^\d+$/.test(query.phone) ? phones.find((p) => p.id === Number(query.phone)) : undefined);
      if (!phone) throw notFound('Phone', query.phone);
      if (phone.userId !== set.userId)
        throw invalid('PHONE_OF_ANOTHER_USER', `The phone "${phone.name}" is not a phone of the set's owner`, {
          field: 'phone',
        });
      await ctx.holder.commit((s, emit) => putSetOnPhone(s, emit, set.id, phone.id));
    },

    getFunctionKey: ({ params, query, actor }) => {
      const set = reachableSet(actor, params.fkSetId, query.actOnBehalfOf);
      return toFunctionKeyDto(set, findFunctionKey(set, params.keyId));
    },

    // 200 without a body, as documented.
    updateFunctionKey: async ({ params, query, body, actor }) => {
      reachableSet(actor, params.fkSetId, query.actOnBehalfOf);
      await ctx.holder.commit((s, emit) => updateFunctionKey(s, emit, params.fkSetId, params.keyId, body));
    },

    deleteFunctionKey: async ({ params, query, actor }) => {
      reachableSet(actor, params.fkSetId, query.actOnBehalfOf);
      await ctx.holder.commit((s, emit) => deleteFunctionKey(s, emit, params.fkSetId, params.keyId));
    },
  };
}
