import type { VOICEMAIL_API } from '../../../shared/api/voicemail.js';
import { forbidden } from '../state/errors.js';
import {
  belongsTo,
  createVoicemailbox,
  deleteVoicemailbox,
  findVoicemailbox,
  saveVoicemailbox,
  toVoicemailboxDto,
  toVoicemailboxListItem,
} from '../state/voicemail.js';
import { isAdmin, type RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

export function voicemailHandlers(ctx: RestContext): HandlersFor<keyof typeof VOICEMAIL_API> {
  return {
    // A user without "Administration" sees the boxes they belong to, never a 403 (as GET /users).
    getVoicemailboxes: ({ query, actor }) => {
      const state = ctx.holder.state;
      const admin = isAdmin(actor);
      const term = query.searchTerm?.trim().toLowerCase();
      return state.voicemailboxes
        .filter((b) => admin || belongsTo(state, b, actor.id))
        .map((b) => toVoicemailboxListItem(state, b))
        .filter(
          (item) =>
            !term ||
            [item.voiceboxname, item.mailboxnumber, ...(item.assignedusers ?? []), ...(item.assignedgroups ?? [])]
              .join('\u0000')
              .toLowerCase()
              .includes(term),
        );
    },

    getVoicemailbox: ({ params, actor }) => {
      const state = ctx.holder.state;
      const box = findVoicemailbox(state, params.voicemailboxid);
      if (!isAdmin(actor) && !belongsTo(state, box, actor.id))
        throw forbidden('This voicemail box is not yours; reading it needs the right "Administration"');
      return toVoicemailboxDto(state, box);
    },

    // 204 as documented: the answer has no body, so the Location header names the new box.
    createVoicemailbox: async ({ body, req, res }) => {
      const box = await ctx.holder.commit((s, emit) => createVoicemailbox(s, emit, body));
      res.location(`${req.baseUrl}/voicemailboxes/${box.id}`);
    },

    saveVoicemailbox: async ({ body }) => {
      await ctx.holder.commit((s, emit) => saveVoicemailbox(s, emit, body));
    },

    deleteVoicemailbox: async ({ params }) => {
      await ctx.holder.commit((s, emit) => deleteVoicemailbox(s, emit, params.voicemailboxid));
    },
  };
}
