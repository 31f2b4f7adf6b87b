import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type { Group, GroupListItem } from '../../../shared/schemas/groups.js';
import type { AssignableNumber } from '../../../shared/schemas/phoneNumbers.js';
import { conflict, notFound } from './errors.js';
import { invalidField } from './invalidField.js';
import type { PbxState } from './model.js';
import { fullNumber } from './numberFormat.js';
import type { Emit } from './pbx.js';
import { TELEPHONY_SERVICE } from './telephonyDefaults.js';
import type { StoredGroup, StoredPhoneNumber } from './telephonyModel.js';

/*
 * Groups (hunt groups) of the REST API 6.7: an account like a user (ids from the same counter), with members
 * (users) and numbers (StoredPhoneNumber.groupId). The edit shape `Group` lists the candidates as
 * `assignableUsers` / `assignableNumbers` with an `assigned` flag, as the admin form does.
 */

export function findGroup(state: PbxState, id: number): StoredGroup {
  const group = state.groups.find((g) => g.id === id);
  if (!group) throw notFound('Group', id);
  return group;
}

export function groupNumbers(state: PbxState, groupId: number): StoredPhoneNumber[] {
  return state.phoneNumbers.filter((n) => n.groupId === groupId);
}

/** Members that are still users (a deleted user drops out even if the store still lists them). */
export function groupMemberIds(state: PbxState, group: StoredGroup): number[] {
  const users = new Set(state.users.map((u) => u.id));
  return group.members.map((m) => m.userId).filter((id) => users.has(id));
}

export function toGroupListItem(state: PbxState, g: StoredGroup): GroupListItem {
  const numbers = groupNumbers(state, g.id);
  const internal = numbers.find((n) => n.type === 'INTERNAL');
  const external = numbers.find((n) => n.type === 'EXTERNAL');
  return {
    id: g.id,
    groupname: g.name,
    // Empty rather than absent: the admin list shows an empty cell, and PHP clients index the field directly.
    groupinternalnumber: internal?.number ?? '',
    groupexternalnumber: external ? fullNumber(state, external) : '',
  };
}

export function searchGroups(state: PbxState, term: string | undefined): GroupListItem[] {
  const items = state.groups.map((g) => toGroupListItem(state, g));
  const t = term?.trim().toLowerCase();
  if (!t) return items;
  return items.filter((item, i) =>
    [item.groupname, state.groups[i]!.groupId, item.groupinternalnumber, item.groupexternalnumber].some((v) =>
      v?.toLowerCase().includes(t),
    ),
  );
}

/** A number a group may take: spare (no owner, no service, no module), internal or external. */
function isSpare(n: StoredPhoneNumber): boolean {
  return n.userId === null && n.groupId === null && n.serviceId === null && n.moduleInstanceId === null;
}

function toAssignableNumber(state: PbxState, n: StoredPhoneNumber, assigned: boolean): AssignableNumber {
  const block = n.numberBlockId === null ? undefined : state.numberBlocks.find((b) => b.id === n.numberBlockId);
  return {
    id: n.id,
    assigned,
    extension: n.number,
    intern: n.type === 'INTERNAL',
    ...(block ? { countryCode: block.countryCode, localAreaCode: block.localAreaCode, exitCode: block.exitCode } : {}),
  };
}

/** The edit shape: every user as a candidate member, the group's own numbers and the spare ones. */
export function toGroupDto(state: PbxState, g: StoredGroup): Group {
  const members = new Set(groupMemberIds(state, g));
  return {
    id: g.id,
    groupId: g.groupId,
    name: g.name,
    chatGroup: g.chatGroup,
    voicemail: g.voicemail,
    assignableUsers: state.users.map((u) => ({
      id: u.id,
      firstname: u.firstName,
      lastname: u.familyName,
      assigned: members.has(u.id),
    })),
    assignableNumbers: state.phoneNumbers
      .filter((n) => (n.type === 'INTERNAL' || n.type === 'EXTERNAL') && (n.groupId === g.id || isSpare(n)))
      .map((n) => toAssignableNumber(state, n, n.groupId === g.id)),
  };
}

function ensureUniqueName(state: PbxState, name: string, groupId: string, selfId?: number): void {
  const lower = name.toLowerCase();
  if (state.groups.some((g) => g.id !== selfId && g.name.toLowerCase() === lower))
    throw conflict('GROUP_NAME_TAKEN', `The group name "${name}" is already used by another group`, { field: 'name' });
  if (state.groups.some((g) => g.id !== selfId && g.groupId === groupId))
    throw conflict('GROUP_ID_TAKEN', `The group id "${groupId}" is already used by another group`, {
      field: 'groupId',
    });
}

/**
 * The members and numbers a body lists: an entry is assigned unless it says `assigned: false`; entries not listed
 * stay as they are (a client may send only what changes, or the whole list a GET gave it). Checked before
 * anything changes, so a refused body leaves the group untouched.
 */
function planAssignments(state: PbxState, body: Group, selfId: number | undefined) {
  const members = new Map<number, boolean>();
  body.assignableUsers?.forEach((u, i) => {
    if (u.id === undefined) throw invalidField(`assignableUsers.${i}.id`, 'is required');
    if (!state.users.some((x) => x.id === u.id)) throw invalidField(`assignableUsers.${i}.id`, `no user ${u.id}`);
    members.set(u.id, u.assigned !== false);
  });
  const numbers = new Map<number, { number: StoredPhoneNumber; assigned: boolean }>();
  body.assignableNumbers?.forEach((a, i) => {
    if (a.id === undefined) throw invalidField(`assignableNumbers.${i}.id`, 'is required');
    const number = state.phoneNumbers.find((n) => n.id === a.id);
    if (!number) throw invalidField(`assignableNumbers.${i}.id`, `no phone number ${a.id}`);
    const assigned = a.assigned !== false;
    const own = selfId !== undefined && number.groupId === selfId;
    if (assigned && !own && !isSpare(number))
      throw conflict('NUMBER_TAKEN', `The number ${fullNumber(state, number)} is already assigned elsewhere`, {
        field: `assignableNumbers.${i}.id`,
        phoneNumberId: number.id,
        ...(number.userId !== null ? { userId: number.userId } : {}),
        ...(number.groupId !== null ? { groupId: number.groupId } : {}),
        ...(number.serviceId !== null && number.userId === null && number.groupId === null
          ? { serviceId: number.serviceId }
          : {}),
      });
    if (assigned && number.type !== 'INTERNAL' && number.type !== 'EXTERNAL')
      throw invalidField(`assignableNumbers.${i}.id`, `a ${number.type} number cannot belong to a group`);
    numbers.set(number.id, { number, assigned });
  });
  return { members, numbers };
}

/** Applies a plan; answers the ids of the numbers whose owner changed (for the numbers event). */
function applyAssignments(
  state: PbxState,
  group: StoredGroup,
  plan: ReturnType<typeof planAssignments>,
): { changedNumbers: number[] } {
  for (const [userId, assigned] of plan.members) {
    const has = group.members.some((m) => m.userId === userId);
    if (assigned && !has) group.members.push({ userId, loggedIn: true });
    if (!assigned && has) group.members = group.members.filter((m) => m.userId !== userId);
  }
  const telephony = state.callServices.find((c) => c.name === TELEPHONY_SERVICE.name)?.id ?? null;
  const changedNumbers: number[] = [];
  for (const { number, assigned } of plan.numbers.values()) {
    if (assigned && number.groupId !== group.id) {
      number.groupId = group.id;
      number.serviceId = telephony;
      changedNumbers.push(number.id);
    } else if (!assigned && number.groupId === group.id) {
      releaseNumber(state, number);
      changedNumbers.push(number.id);
    }
  }
  return { changedNumbers };
}

/** A number leaving a group becomes spare; the group's redirects of it go with it. */
function releaseNumber(state: PbxState, number: StoredPhoneNumber): void {
  const owner = number.groupId;
  number.groupId = null;
  number.serviceId = null;
  state.redirects = state.redirects.filter((r) => !(r.accountId === owner && r.phoneNumberId === number.id));
}

function requireName(name: string | undefined): string {
  const trimmed = name?.trim();
  if (!trimmed) throw invalidField('name', 'a group needs a name');
  if (trimmed.length > 100) throw invalidField('name', 'must be at most 100 characters');
  return trimmed;
}

function emitNumbers(emit: Emit, ids: number[], groupId: number): void {
  if (ids.length) emit({ service: SIM_SERVICES.numbers, event: 'updated', data: { phoneNumberIds: ids, groupId } });
}

/** POST /groups: `id` in the body is ignored (the PBX assigns it from the account counter). */
export function createGroup(state: PbxState, emit: Emit, body: Group): StoredGroup {
  const name = requireName(body.name);
  const groupId = body.groupId?.trim() || name.toLowerCase();
  ensureUniqueName(state, name, groupId);
  const plan = planAssignments(state, body, undefined);
  const group: StoredGroup = {
    id: state.nextId.user++,
    groupId,
    name,
    chatGroup: body.chatGroup ?? false,
    voicemail: body.voicemail ?? false,
    members: [],
  };
  state.groups.push(group);
  const { changedNumbers } = applyAssignments(state, group, plan);
  emit({ service: SIM_SERVICES.groups, event: 'created', data: { groupId: group.id, name: group.name } });
  emitNumbers(emit, changedNumbers, group.id);
  return group;
}

/** PUT /groups: the body names the group by `id`; fields left out (or null) stay as they are. */
export function saveGroup(state: PbxState, emit: Emit, body: Group): StoredGroup {
  if (body.id === undefined) throw invalidField('id', 'PUT /groups needs the id of the group to save');
  const group = findGroup(state, body.id);
  const name = body.name === undefined ? group.name : requireName(body.name);
  const groupId = body.groupId?.trim() || group.groupId;
  ensureUniqueName(state, name, groupId, group.id);
  const plan = planAssignments(state, body, group.id);
  group.name = name;
  group.groupId = groupId;
  if (body.chatGroup !== undefined) group.chatGroup = body.chatGroup;
  if (body.voicemail !== undefined) group.voicemail = body.voicemail;
  const { changedNumbers } = applyAssignments(state, group, plan);
  emit({ service: SIM_SERVICES.groups, event: 'updated', data: { groupId: group.id, name: group.name } });
  emitNumbers(emit, changedNumbers, group.id);
  return group;
}

/** DELETE /groups/{groupid}: its numbers become spare; its redirects, mailbox and key references go. */
export function deleteGroup(state: PbxState, emit: Emit, id: number): void {
  const group = findGroup(state, id);
  const released = groupNumbers(state, id);
  for (const n of released) releaseNumber(state, n);
  state.redirects = state.redirects.filter((r) => r.accountId !== id);
  state.groups = state.groups.filter((g) => g.id !== id);
  for (const box of state.voicemailboxes) box.groups = box.groups.filter((g) => g.groupId !== id);
  for (const set of state.functionKeySets)
    for (const key of set.keys) if (key.groupIds) key.groupIds = key.groupIds.filter((g) => g !== id);
  emit({ service: SIM_SERVICES.groups, event: 'deleted', data: { groupId: id, name: group.name } });
  emitNumbers(
    emit,
    released.map((n) => n.id),
    id,
  );
}

/**
 * A member's group login (UCI group.setGroupSetting): while logged out, calls to the group do not ring them.
 * Not a member (or no such group) is 404. Emits only when the login changes.
 */
export function setMemberLogin(state: PbxState, emit: Emit, groupId: number, userId: number, loggedIn: boolean): void {
  const group = findGroup(state, groupId);
  const member = group.members.find((m) => m.userId === userId);
  if (!member || !groupMemberIds(state, group).includes(userId))
    throw notFound(`Member of group ${groupId}: user`, userId);
  if (member.loggedIn === loggedIn) return;
  member.loggedIn = loggedIn;
  emit({
    service: SIM_SERVICES.groups,
    event: 'memberLoginChanged',
    data: { groupId, name: group.name, userId, loggedIn },
  });
}
