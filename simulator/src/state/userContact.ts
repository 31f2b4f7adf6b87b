import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type { PbxState, StoredUser } from './model.js';
import type { Emit } from './pbx.js';

/*
 * A user's contact: on a STARFACE every user is a contact of the central address book (that is how colleagues
 * appear in the clients' phone book), linked both ways — the contact's `accountId` is the user's id and the
 * user's `personId` is the contact's id. The PBX keeps it: it is created with the user, follows the user's name
 * and e-mail, is not editable through the address book, and goes with the user. A scenario may link
 * a user to a contact of its own (`contacts[].user`); users it leaves unlinked get one after the scenario is
 * built, so the scenario's contacts keep their ids.
 */

/** The attribute values the user's fields give, only those the address book's scheme has. */
function valuesOf(state: PbxState, user: StoredUser): Record<string, string> {
  const names = new Set(state.contactsScheme.blocks.flatMap((b) => b.attributes.map((a) => a.name)));
  const values: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => {
    if (names.has(name) && value) values[name] = value;
  };
  set('firstname', user.firstName);
  set('lastname', user.familyName);
  set('email', user.email);
  set('phone', user.extension);
  return values;
}

/** Creates the user's contact in the central address book and links it (sets `personId`). */
export function linkUserContact(state: PbxState, emit: Emit, user: StoredUser): void {
  const id = String(state.nextId.contact++);
  state.contacts.push({
    id,
    ownerUserId: null,
    accountId: user.id,
    editable: false,
    tagIds: [],
    values: valuesOf(state, user),
  });
  user.personId = id;
  emit({ service: SIM_SERVICES.contacts, event: 'created', data: { contactId: id, accountId: user.id } });
}

/** After an update of the user: the linked contact shows the new name and e-mail (its numbers stay its own). */
export function syncUserContact(state: PbxState, emit: Emit, user: StoredUser): void {
  const contact = state.contacts.find((c) => c.id === user.personId);
  if (!contact || contact.accountId !== user.id) return;
  const fresh = valuesOf(state, user);
  const keys = ['firstname', 'lastname', 'email'];
  if (keys.every((k) => contact.values[k] === fresh[k])) return;
  for (const k of keys) {
    if (fresh[k] !== undefined) contact.values[k] = fresh[k];
    else delete contact.values[k];
  }
  emit({ service: SIM_SERVICES.contacts, event: 'updated', data: { contactId: contact.id, accountId: user.id } });
}

/** When the user is deleted: their contact goes too (a contact merely naming the user would dangle). */
export function unlinkUserContact(state: PbxState, emit: Emit, user: StoredUser): void {
  const linked = state.contacts.filter((c) => c.accountId === user.id);
  if (!linked.length) return;
  state.contacts = state.contacts.filter((c) => c.accountId !== user.id);
  for (const c of linked)
    emit({ service: SIM_SERVICES.contacts, event: 'deleted', data: { contactId: c.id, accountId: user.id } });
}
