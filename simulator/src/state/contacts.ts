import { RIGHT_ADMIN, type RightKey } from '../../../shared/catalogue.js';
import type { Block, Contact, ContactsScheme, Tag } from '../../../shared/schemas/contacts.js';
import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import { conflict, forbidden, invalid, notFound } from './errors.js';
import type { PbxState, StoredUser } from './model.js';
import type { Emit } from './pbx.js';
import type { ContactsSchemeModel, StoredContact, StoredTag } from './telephonyModel.js';

/*
 * The address book: a central book (records with `ownerUserId` null) and one private book per user.
 *
 * Who reads: every signed-in user reads the central book and their own private one. `?userId=` names whose
 * private book an operation covers: the caller's own, or — for an administrator — anyone's (a user naming
 * another user is refused with 403). Who writes: a private record only its owner or an administrator; the
 * central book a user with "Administration" or "Adressbuch" (address_perm, the right the PBX grants for
 * managing the address book). Neither rule is in the fact sheet; a client of a real PBX works with both.
 * A contact with an `accountId` is a user's own contact (the user's `personId` points to it): it is edited like
 * any central contact, but its link stays, and it is deleted only with its user (409).
 */

export const RIGHT_ADDRESS_BOOK: RightKey = 'address_perm';

const isAdmin = (u: StoredUser) => u.rights.includes(RIGHT_ADMIN);

/** May `actor` change the central address book? */
export function writesCentral(actor: StoredUser): boolean {
  return isAdmin(actor) || actor.rights.includes(RIGHT_ADDRESS_BOOK);
}

/**
 * Whose private book an operation covers: `userId` (checked) or the caller's. An unknown user is 404; another
 * user's book needs "Administration".
 */
export function privateBook(state: PbxState, actor: StoredUser, userId: number | undefined): number {
  if (userId === undefined || userId === actor.id) return actor.id;
  if (!isAdmin(actor)) throw forbidden('You may only use your own address book without the right "Administration"');
  if (!state.users.some((x) => x.id === userId)) throw notFound('User', userId);
  return userId;
}

/** A record of the central book or of `book`'s private one. */
export const visibleIn = (record: { ownerUserId: number | null }, book: number) =>
  record.ownerUserId === null || record.ownerUserId === book;

function mayWrite(actor: StoredUser, record: { ownerUserId: number | null }): boolean {
  return record.ownerUserId === null ? writesCentral(actor) : record.ownerUserId === actor.id || isAdmin(actor);
}

function requireWrite(actor: StoredUser, record: { ownerUserId: number | null }, what: string): void {
  if (mayWrite(actor, record)) return;
  throw forbidden(
    record.ownerUserId === null
      ? `Changing the central address book needs the right "Adressbuch" or "Administration" (${what})`
      : `Only the owner of a private address book changes it (${what})`,
  );
}

/** The label language of the scheme: German for `de…`, English otherwise. */
export const labelLanguage = (lang: string | undefined): 'de' | 'en' =>
  lang?.toLowerCase().startsWith('de') ? 'de' : 'en';

// ---------------------------------------------------------------------------------------------------- scheme

function attributeOf(a: ContactsSchemeModel['blocks'][number]['attributes'][number], lang: 'de' | 'en') {
  return { name: a.name, displayKey: a.displayKey, i18nDisplayName: a.label[lang] };
}

/** The attributes named by `names`, as one block without values (the summary or phone-number block). */
function listBlock(scheme: ContactsSchemeModel, name: string, names: string[], lang: 'de' | 'en'): Block {
  const byName = new Map(scheme.blocks.flatMap((b) => b.attributes.map((a) => [a.name, a] as const)));
  return {
    name,
    resourceKey: `contact.block.${name}`,
    attributes: names.flatMap((n) => {
      const a = byName.get(n);
      return a ? [attributeOf(a, lang)] : [];
    }),
  };
}

export const summaryBlock = (scheme: ContactsSchemeModel, lang: 'de' | 'en') =>
  listBlock(scheme, 'summary', scheme.summary, lang);
export const phoneNumbersBlock = (scheme: ContactsSchemeModel, lang: 'de' | 'en') =>
  listBlock(scheme, 'phoneNumbers', scheme.phoneNumbers, lang);

export function toSchemeDto(scheme: ContactsSchemeModel, lang: 'de' | 'en'): ContactsScheme {
  return {
    detailBlocks: scheme.blocks.map((b) => ({
      name: b.name,
      resourceKey: b.resourceKey,
      attributes: b.attributes.map((a) => attributeOf(a, lang)),
    })),
    summaryBlock: summaryBlock(scheme, lang),
    phoneNumbersBlock: phoneNumbersBlock(scheme, lang),
  };
}

// ---------------------------------------------------------------------------------------------------- tags

export function toTagDto(t: StoredTag): Tag {
  const dto: Tag = { id: t.id, name: t.name };
  if (t.alias !== null) dto.alias = t.alias;
  if (t.ownerUserId !== null) dto.owner = String(t.ownerUserId);
  return dto;
}

/** A tag `book` sees; an unknown or invisible id is 404 (a real PBX answers 500). */
export function findTag(state: PbxState, id: string, book: number): StoredTag {
  const tag = state.tags.find((t) => t.id === id);
  if (!tag || !visibleIn(tag, book)) throw notFound('Tag', id);
  return tag;
}

function checkTagName(state: PbxState, name: string, owner: number | null, selfId?: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw invalid('VALIDATION_FAILED', 'name: a tag needs a name', { field: 'name' });
  if (state.tags.some((t) => t.id !== selfId && t.ownerUserId === owner && t.name === trimmed))
    throw conflict('TAG_NAME_TAKEN', `The tag "${trimmed}" exists already in this address book`, {
      field: 'name',
      name: trimmed,
    });
  return trimmed;
}

/**
 * POST /contacts/tags: into the private book of `?userId=` (or of the body's `owner`), else the central one.
 * The owner as the API writes it is the user id as a string.
 */
export function createTag(
  state: PbxState,
  emit: Emit,
  actor: StoredUser,
  userId: number | undefined,
  body: Tag,
): StoredTag {
  let owner: number | null = null;
  if (userId !== undefined) owner = privateBook(state, actor, userId);
  else if (body.owner !== undefined && body.owner !== '') {
    if (!/^\d{1,9}$/.test(body.owner))
      throw invalid('VALIDATION_FAILED', 'owner: must be a user id', { field: 'owner' });
    owner = privateBook(state, actor, Number(body.owner));
  }
  requireWrite(actor, { ownerUserId: owner }, 'tags');
  const tag: StoredTag = {
    id: String(state.nextId.tag++),
    name: checkTagName(state, body.name, owner),
    alias: body.alias ?? null,
    ownerUserId: owner,
  };
  state.tags.push(tag);
  emit({ service: SIM_SERVICES.contacts, event: 'tag-created', data: { tagId: tag.id, ownerUserId: owner } });
  return tag;
}

/** PUT: name and alias; the book a tag belongs to does not change (a sent `owner` is ignored). */
export function updateTag(state: PbxState, emit: Emit, actor: StoredUser, id: string, book: number, body: Tag): void {
  const tag = findTag(state, id, book);
  requireWrite(actor, tag, 'tags');
  tag.name = checkTagName(state, body.name, tag.ownerUserId, tag.id);
  tag.alias = body.alias ?? null;
  emit({ service: SIM_SERVICES.contacts, event: 'tag-updated', data: { tagId: id, ownerUserId: tag.ownerUserId } });
}

/** DELETE: the tag goes, and every contact loses it. */
export function deleteTag(state: PbxState, emit: Emit, actor: StoredUser, id: string, book: number): void {
  const tag = findTag(state, id, book);
  requireWrite(actor, tag, 'tags');
  state.tags = state.tags.filter((t) => t !== tag);
  let untagged = 0;
  for (const c of state.contacts) {
    if (!c.tagIds.includes(id)) continue;
    c.tagIds = c.tagIds.filter((t) => t !== id);
    untagged++;
  }
  emit({
    service: SIM_SERVICES.contacts,
    event: 'tag-deleted',
    data: { tagId: id, ownerUserId: tag.ownerUserId, untaggedContacts: untagged },
  });
}

// ---------------------------------------------------------------------------------------------------- contacts

/** A contact `book` sees; an unknown or invisible id is 404 (a real PBX answers 500). */
export function findContact(state: PbxState, id: string, book: number): StoredContact {
  const contact = state.contacts.find((c) => c.id === id);
  if (!contact || !visibleIn(contact, book)) throw notFound('Contact', id);
  return contact;
}

function numberDigits(state: PbxState, id: number | null): string | undefined {
  if (id === null) return undefined;
  const n = state.phoneNumbers.find((p) => p.id === id);
  if (!n) return undefined;
  const block = n.numberBlockId === null ? undefined : state.numberBlocks.find((b) => b.id === n.numberBlockId);
  return block ? `+${block.countryCode}${block.localAreaCode}${block.baseNumber}${n.number}` : n.number;
}

/**
 * The REST shape: every block and attribute of the scheme (a value only where one is set), `editable` for
 * this caller, and for a user's own contact the user's Jabber id (the login) and primary numbers.
 */
export function toContactDto(state: PbxState, c: StoredContact, actor: StoredUser, lang: 'de' | 'en'): Contact {
  const tagsById = new Map(state.tags.map((t) => [t.id, t]));
  const dto: Contact = {
    id: c.id,
    blocks: state.contactsScheme.blocks.map((b) => ({
      name: b.name,
      resourceKey: b.resourceKey,
      attributes: b.attributes.map((a) => {
        const attribute: Contact['blocks'][number]['attributes'][number] = attributeOf(a, lang);
        const value = c.values[a.name];
        if (value !== undefined) attribute.value = value;
        return attribute;
      }),
    })),
    editable: c.editable && mayWrite(actor, c),
    tags: c.tagIds.flatMap((id) => {
      const t = tagsById.get(id);
      return t ? [toTagDto(t)] : [];
    }),
  };
  if (c.accountId !== null) {
    dto.accountId = c.accountId;
    const user = state.users.find((x) => x.id === c.accountId);
    if (user) {
      dto.jabberId = user.login;
      const settings = state.telephonySettings.find((s) => s.userId === user.id);
      const internal = numberDigits(state, settings?.primaryInternalNumberId ?? null) ?? user.extension;
      const external = numberDigits(state, settings?.primaryExternalNumberId ?? null);
      if (internal !== undefined) dto.primaryInternalNumber = internal;
      if (external !== undefined) dto.primaryExternalNumber = external;
    }
  }
  return dto;
}

/** The flat values of a body's blocks: attributes by name (unknown names are 400), empty values unset. */
function valuesOf(scheme: ContactsSchemeModel, blocks: Contact['blocks']): Record<string, string> {
  const known = new Set(scheme.blocks.flatMap((b) => b.attributes.map((a) => a.name)));
  const values: Record<string, string> = {};
  blocks.forEach((b, i) =>
    b.attributes.forEach((a, j) => {
      if (!known.has(a.name))
        throw invalid('UNKNOWN_ATTRIBUTE', `blocks.${i}.attributes.${j}.name: the contacts scheme has no "${a.name}"`, {
          field: `blocks.${i}.attributes.${j}.name`,
        });
      if (a.value !== undefined && a.value !== '') values[a.name] = a.value;
    }),
  );
  return values;
}

/**
 * The tags of a body, by id or else by name; a central contact takes central tags, a private one also its
 * owner's. Anything else is 400 naming the tag.
 */
function tagIdsOf(state: PbxState, tags: Tag[], owner: number | null): string[] {
  const usable = state.tags.filter((t) => t.ownerUserId === null || t.ownerUserId === owner);
  const ids = tags.map((t, i) => {
    const found =
      t.id !== undefined && t.id !== ''
        ? usable.find((x) => x.id === t.id)
        : (usable.find((x) => x.name === t.name && x.ownerUserId !== null) ?? usable.find((x) => x.name === t.name));
    if (!found)
      throw invalid('UNKNOWN_TAG', `tags.${i}: no tag ${t.id ?? `"${t.name}"`} in this address book`, {
        field: `tags.${i}`,
      });
    return found.id;
  });
  return [...new Set(ids)];
}

/** POST /contacts: into the private book of `?userId=`, else the central one. `accountId` is not set here. */
export function createContact(
  state: PbxState,
  emit: Emit,
  actor: StoredUser,
  userId: number | undefined,
  body: Contact,
): StoredContact {
  const owner = userId === undefined ? null : privateBook(state, actor, userId);
  requireWrite(actor, { ownerUserId: owner }, 'contacts');
  const contact: StoredContact = {
    id: String(state.nextId.contact++),
    ownerUserId: owner,
    accountId: null,
    editable: true,
    tagIds: tagIdsOf(state, body.tags, owner),
    values: valuesOf(state.contactsScheme, body.blocks),
  };
  state.contacts.push(contact);
  emit({ service: SIM_SERVICES.contacts, event: 'created', data: { contactId: contact.id, ownerUserId: owner } });
  return contact;
}

/**
 * PUT /contacts/{id}: values and tags are replaced. `id`, `accountId`, `editable`, `jabberId` and the primary
 * numbers are what the PBX says, so a sent copy of them is ignored (a fetched contact goes back unchanged).
 */
export function updateContact(
  state: PbxState,
  emit: Emit,
  actor: StoredUser,
  id: string,
  book: number,
  body: Contact,
): void {
  const contact = findContact(state, id, book);
  requireWrite(actor, contact, 'contacts');
  if (!contact.editable && !isAdmin(actor)) throw forbidden(`Contact ${id} is read-only`);
  contact.values = valuesOf(state.contactsScheme, body.blocks);
  contact.tagIds = tagIdsOf(state, body.tags, contact.ownerUserId);
  emit({
    service: SIM_SERVICES.contacts,
    event: 'updated',
    data: { contactId: id, ownerUserId: contact.ownerUserId },
  });
}

export function deleteContact(state: PbxState, emit: Emit, actor: StoredUser, id: string, book: number): void {
  const contact = findContact(state, id, book);
  requireWrite(actor, contact, 'contacts');
  if (contact.accountId !== null)
    throw conflict(
      'CONTACT_OF_USER',
      `Contact ${id} is the contact of user ${contact.accountId}; it goes with the user`,
      {
        accountId: contact.accountId,
      },
    );
  if (!contact.editable && !isAdmin(actor)) throw forbidden(`Contact ${id} is read-only`);
  state.contacts = state.contacts.filter((c) => c !== contact);
  emit({
    service: SIM_SERVICES.contacts,
    event: 'deleted',
    data: { contactId: id, ownerUserId: contact.ownerUserId },
  });
}
