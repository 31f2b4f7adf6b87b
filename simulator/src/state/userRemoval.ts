import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import { removeUserCallJournal } from './callJournal.js';
import type { PbxState, StoredUser } from './model.js';
import type { Emit } from './pbx.js';

/*
 * What goes with a deleted user, so that nothing in the model points at an account that no longer exists (a
 * client reading a phone, key set or conference would otherwise meet a dangling user id, and a scenario saved
 * afterwards would not load). The user's numbers become spare, like a deleted group's; their phones, iFMC
 * phones, settings, redirects, key sets, private address book and own conferences go; they leave their groups
 * and voicemail boxes; other users' busy-lamp keys on them go; in others' conferences they stay as an outside
 * participant (user id 0) with the number they were invited with. Their call journal goes; the other parties'
 * entries of calls with them stay, as history.
 */
export function removeUserData(state: PbxState, emit: Emit, user: StoredUser): void {
  const id = user.id;
  for (const n of state.phoneNumbers)
    if (n.userId === id) {
      n.userId = null;
      n.serviceId = null;
      emit({ service: SIM_SERVICES.numbers, event: 'unassigned', data: { phoneNumberId: n.id, accountId: id } });
    }
  state.telephonySettings = state.telephonySettings.filter((s) => s.userId !== id);

  const phoneIds = new Set(state.phones.filter((p) => p.userId === id).map((p) => p.id));
  state.phones = state.phones.filter((p) => p.userId !== id);
  for (const phoneId of phoneIds)
    emit({ service: SIM_SERVICES.phones, event: 'deleted', data: { userId: id, phoneId } });
  for (const fmc of state.fmcPhones.filter((f) => f.userId === id))
    emit({ service: SIM_SERVICES.fmc, event: 'deleted', data: { fmcId: fmc.id, userId: id, phoneId: fmc.phoneId } });
  state.fmcPhones = state.fmcPhones.filter((f) => f.userId !== id);

  for (const r of state.redirects.filter((x) => x.accountId === id))
    emit({ service: SIM_SERVICES.redirects, event: 'deleted', data: { id: r.id, accountId: id } });
  state.redirects = state.redirects.filter((r) => r.accountId !== id);

  for (const set of state.functionKeySets.filter((s) => s.userId === id))
    emit({ service: SIM_SERVICES.functionKeys, event: 'deleted', data: { fkSetId: set.id, userId: id } });
  state.functionKeySets = state.functionKeySets.filter((s) => s.userId !== id);
  for (const set of state.functionKeySets) {
    const keys = set.keys.filter((k) => k.blfAccountId !== id);
    if (keys.length === set.keys.length) continue;
    set.keys = keys;
    emit({ service: SIM_SERVICES.functionKeys, event: 'updated', data: { fkSetId: set.id, userId: set.userId } });
  }

  for (const g of state.groups) {
    const members = g.members.filter((m) => m.userId !== id);
    if (members.length === g.members.length) continue;
    g.members = members;
    emit({ service: SIM_SERVICES.groups, event: 'updated', data: { groupId: g.id, name: g.name } });
  }
  for (const box of state.voicemailboxes) {
    const users = box.users.filter((u) => u.userId !== id);
    if (users.length === box.users.length) continue;
    box.users = users;
    emit({ service: SIM_SERVICES.voicemail, event: 'updated', data: { voicemailboxId: box.id, number: box.number } });
  }

  const privateContacts = state.contacts.filter((c) => c.ownerUserId === id).length;
  const privateTags = state.tags.filter((t) => t.ownerUserId === id).length;
  state.contacts = state.contacts.filter((c) => c.ownerUserId !== id);
  state.tags = state.tags.filter((t) => t.ownerUserId !== id);
  if (privateContacts || privateTags)
    emit({
      service: SIM_SERVICES.contacts,
      event: 'private-book-deleted',
      data: { ownerUserId: id, contacts: privateContacts, tags: privateTags },
    });

  for (const c of state.conferences.filter((x) => x.ownerUserId === id))
    emit({ service: SIM_SERVICES.conferences, event: 'deleted', data: { conferenceId: c.id, ownerUserId: id } });
  state.conferences = state.conferences.filter((c) => c.ownerUserId !== id);
  for (const c of state.conferences)
    if (c.participants.some((p) => p.userId === id)) {
      for (const p of c.participants) if (p.userId === id) p.userId = 0;
      emit({
        service: SIM_SERVICES.conferences,
        event: 'updated',
        data: { conferenceId: c.id, ownerUserId: c.ownerUserId },
      });
    }

  removeUserCallJournal(state, emit, user);
}
