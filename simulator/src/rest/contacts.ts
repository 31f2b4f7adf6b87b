import type { CONTACTS_API } from '../../../shared/api/contacts.js';
import { ContactIndex } from '../state/contactIndex.js';
import {
  createContact,
  createTag,
  deleteContact,
  deleteTag,
  findContact,
  findTag,
  labelLanguage,
  privateBook,
  toContactDto,
  toSchemeDto,
  toTagDto,
  updateContact,
  updateTag,
  visibleIn,
} from '../state/contacts.js';
import { invalid } from '../state/errors.js';
import type { PbxState, StoredUser } from '../state/model.js';
import { isAdmin, type RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

export function contactsHandlers(ctx: RestContext): HandlersFor<keyof typeof CONTACTS_API> {
  // The search index of GET /contacts, rebuilt after any commit (as rest/users.ts does for users).
  let index: { revision: number; index: ContactIndex } | undefined;
  const contactIndex = (): ContactIndex => {
    if (index?.revision !== ctx.holder.revision)
      index = { revision: ctx.holder.revision, index: new ContactIndex(ctx.holder.state) };
    return index.index;
  };

  return {
    getContactList: ({ query, actor }) =>
      contactIndex().list(privateBook(ctx.holder.state, actor, query.userId), query, labelLanguage(actor.language)),

    getScheme: ({ query, actor }) =>
      toSchemeDto(ctx.holder.state.contactsScheme, labelLanguage(query.lang ?? actor.language)),

    getTagList: ({ query, actor }) => {
      const state = ctx.holder.state;
      const book = privateBook(state, actor, query.userId);
      const tags = state.tags.filter((t) => visibleIn(t, book));
      const field = query.sort?.toLowerCase();
      if (field !== undefined && field !== '' && !['name', 'alias', 'id'].includes(field))
        throw invalid('VALIDATION_FAILED', 'query.sort: tags sort by name, alias or id', { field: 'query.sort' });
      const key = (t: (typeof tags)[number]) =>
        field === 'alias'
          ? (t.alias ?? '').toLowerCase()
          : field === 'id'
            ? t.id.padStart(12, '0')
            : t.name.toLowerCase();
      const sorted = [...tags].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      if (query.sortdirection === 'DESC') sorted.reverse();
      const pagesize = query.pagesize ?? Math.max(sorted.length, 1);
      const page = query.page ?? 0;
      return sorted.slice(page * pagesize, (page + 1) * pagesize).map(toTagDto);
    },

    postTag: async ({ query, body, actor, req, res }) => {
      const tag = await ctx.holder.commit((s, emit) => createTag(s, emit, actor, query.userId, body));
      res.location(`${req.baseUrl}/contacts/tags/${tag.id}`);
      return toTagDto(tag);
    },

    getTag: ({ params, query, actor }) => {
      const state = ctx.holder.state;
      return toTagDto(findTag(state, params.tagId, privateBook(state, actor, query.userId)));
    },

    putTag: async ({ params, query, body, actor }) => {
      await ctx.holder.commit((s, emit) =>
        updateTag(s, emit, actor, params.tagId, privateBook(s, actor, query.userId), body),
      );
    },

    // DELETE has no userId in the fact sheet: an administrator reaches any tag, others their visible ones.
    deleteTag: async ({ params, actor }) => {
      await ctx.holder.commit((s, emit) => deleteTag(s, emit, actor, params.tagId, ownerFor(s, params.tagId, actor)));
    },

    postContact: async ({ query, body, actor, req, res }) => {
      const contact = await ctx.holder.commit((s, emit) => createContact(s, emit, actor, query.userId, body));
      res.location(`${req.baseUrl}/contacts/${contact.id}`);
      return toContactDto(ctx.holder.state, contact, actor, labelLanguage(actor.language));
    },

    getContact: ({ params, query, actor }) => {
      const state = ctx.holder.state;
      const contact = findContact(state, params.contactId, privateBook(state, actor, query.userId));
      return toContactDto(state, contact, actor, labelLanguage(actor.language));
    },

    putContact: async ({ params, query, body, actor }) => {
      await ctx.holder.commit((s, emit) =>
        updateContact(s, emit, actor, params.contactId, privateBook(s, actor, query.userId), body),
      );
    },

    deleteContact: async ({ params, actor }) => {
      await ctx.holder.commit((s, emit) =>
        deleteContact(s, emit, actor, params.contactId, ownerFor(s, params.contactId, actor, 'contacts')),
      );
    },
  };
}

/**
 * The book a DELETE (which has no `userId` in the fact sheet) looks in: for an administrator the record's own
 * book, so any private record can be deleted; for anyone else their own.
 */
function ownerFor(state: PbxState, id: string, actor: StoredUser, what: 'tags' | 'contacts' = 'tags'): number {
  const record = (what === 'tags' ? state.tags : state.contacts).find((r) => r.id === id);
  if (record && record.ownerUserId !== null && isAdmin(actor)) return record.ownerUserId;
  return actor.id;
}
