import type { CONFERENCES_API } from '../../../shared/api/conferences.js';
import {
  createConference,
  defaultTexts,
  deleteConference,
  findConference,
  listConferences,
  startConference,
  toConferenceDto,
  toConfigurationDto,
  updateConference,
  updateConfiguration,
} from '../state/conferences.js';
import { requireSelfOrAdmin, type RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

/** A user's managed conferences are theirs: the user named in the path, or an administrator, reaches them (403). */
export function conferencesHandlers(ctx: RestContext): HandlersFor<keyof typeof CONFERENCES_API> {
  return {
    getConferenceConfiguration: () => toConfigurationDto(ctx.holder.state),

    putConferenceConfiguration: async ({ query, body }) => {
      await ctx.holder.commit((s, emit) => updateConfiguration(s, emit, query.userId, body));
    },

    getDefaultTexts: ({ query }) => defaultTexts(query.locale),

    getManagedConferenceList: ({ params, query }) => listConferences(ctx.holder.state, params.userId, query),

    postManagedConference: async ({ params, body, req, res }) => {
      requireSelfOrAdmin(ctx, res, params.userId);
      const c = await ctx.holder.commit((s, emit) => createConference(s, emit, params.userId, body));
      res.location(`${req.baseUrl}/users/${params.userId}/managedConferences/${c.id}`);
    },

    getManagedConference: ({ params, res }) => {
      requireSelfOrAdmin(ctx, res, params.userId);
      return toConferenceDto(findConference(ctx.holder.state, params.userId, params.conferenceId));
    },

    putManagedConference: async ({ params, body, res }) => {
      requireSelfOrAdmin(ctx, res, params.userId);
      await ctx.holder.commit((s, emit) => updateConference(s, emit, params.userId, params.conferenceId, body));
    },

    deleteManagedConference: async ({ params, res }) => {
      requireSelfOrAdmin(ctx, res, params.userId);
      await ctx.holder.commit((s, emit) => deleteConference(s, emit, params.userId, params.conferenceId));
    },

    startManagedConference: async ({ params, query, res }) => {
      requireSelfOrAdmin(ctx, res, params.userId);
      await ctx.holder.commit((s, emit) =>
        startConference(s, emit, params.userId, params.conferenceId, query.phoneName),
      );
    },
  };
}
