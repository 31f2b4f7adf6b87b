import type { USERS_API } from '../../../shared/api/users.js';
import { createUser, deleteUser, findUser, toUserDto, updateUser } from '../state/users.js';
import type { StoredUser } from '../state/model.js';
import { callerCredential, type RestContext } from './context.js';
import { SENT, type HandlersFor } from './endpoints.js';
import { listAccounts } from '../state/accounts.js';
import { deleteAvatar, findAvatar, setAvatar } from '../state/avatars.js';

/** Joins the searchable fields; UserSearchQuerySchema refuses it in a search term. */
const SEPARATOR = '\u0000';

/** Per user one lower-cased string of the searchable fields, joined by a character no search term holds. */
type SearchIndex = { user: StoredUser; text: string }[];

export function usersHandlers(ctx: RestContext): HandlersFor<keyof typeof USERS_API> {
  // Lower-cased search fields, rebuilt after any commit: a search then no longer lower-cases every field of
  // every user on every request.
  let index: { revision: number; entries: SearchIndex } | undefined;
  const searchIndex = (): SearchIndex => {
    if (index?.revision !== ctx.holder.revision) {
      const entries = ctx.holder.state.users.map((user) => ({
        user,
        text: [user.login, user.firstName, user.familyName, user.email, user.extension ?? '']
          .join(SEPARATOR)
          .toLowerCase(),
      }));
      index = { revision: ctx.holder.revision, entries };
    }
    return index.entries;
  };

  return {
    getUsers: ({ query }) => {
      const term = query.searchTerm?.trim().toLowerCase();
      const hits = term
        ? searchIndex()
            .filter((e) => e.text.includes(term))
            .map((e) => e.user)
        : ctx.holder.state.users;
      return hits.map(toUserDto);
    },

    usersMeGet: ({ actor }) => toUserDto(actor),

    postUser: async ({ body, req, res }) => {
      const user = await ctx.holder.commit((s, emit) => createUser(s, emit, body));
      res.location(`${req.baseUrl}/users/${user.id}`);
      return toUserDto(user);
    },

    getUser: ({ params }) => toUserDto(findUser(ctx.holder.state, params.userId)),

    putUser: async ({ params, body, actor, req, res }) => {
      // A password set ends the user's sessions (SessionRevocation); changing one's own keeps the token (or the
      // OAuth session) used for it.
      const token = callerCredential(req, res);
      const own = actor.id === params.userId && body.password !== undefined && token !== undefined;
      try {
        await ctx.holder.commit((s, emit) => {
          if (own) ctx.revocation?.spareToken(actor.id, token);
          return updateUser(s, emit, params.userId, body);
        });
      } finally {
        if (own) ctx.revocation?.clearSpare();
      }
    },

    // The user's sessions end with the deletion (SessionRevocation follows the users.deleted event).
    deleteUser: async ({ params, actor }) => {
      await ctx.holder.commit((s, emit) => deleteUser(s, emit, params.userId, actor.id));
    },

    getAccountsList: () => listAccounts(ctx.holder.state),

    getAvatar: ({ params, res }) => {
      const avatar = findAvatar(ctx.holder.state, params.userId);
      res.type(avatar.mimeType).send(Buffer.from(avatar.base64, 'base64'));
      return SENT;
    },

    putAvatar: async ({ params, body }) => {
      await ctx.holder.commit((s, emit) => setAvatar(s, emit, params.userId, body));
    },

    deleteAvatar: async ({ params }) => {
      await ctx.holder.commit((s, emit) => deleteAvatar(s, emit, params.userId));
    },
  };
}
