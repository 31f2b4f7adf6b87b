import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type { Voicemailbox, VoicemailboxBody, VoicemailboxListItem } from '../../../shared/schemas/voicemail.js';
import { conflict, invalid, notFound } from './errors.js';
import { ensureNumberFree } from './numberClaims.js';
import type { PbxState, StoredUser } from './model.js';
import type { Emit } from './pbx.js';
import type { StoredVoicemailbox } from './telephonyModel.js';

/*
 * Voicemail boxes (REST 6.7 "Voicemail Boxes"). A box has a number (dialled internally, so it may not be
 * another box's nor an internal phone number), a PIN, the users and groups it tells of new messages, and its
 * messages (left by callers; no REST 6.7 operation reads them, so saving a box keeps them). The PIN never
 * leaves: the REST shape carries it empty, and no event or log line names it.
 */

const NUMBER = /^\d{1,20}$/;
const PIN = /^\d{0,16}$/;
export const DEFAULT_MAXIMUM_DURATION_SECONDS = 180;
const MAX_DURATION_SECONDS = 3600;

export function findVoicemailbox(state: PbxState, id: number): StoredVoicemailbox {
  const box = state.voicemailboxes.find((b) => b.id === id);
  if (!box) throw notFound('Voicemail box', id);
  return box;
}

const fullName = (u: StoredUser) => `${u.firstName} ${u.familyName}`.trim();

/** Whether `user` belongs to the box: named among its users, or a member of one of its groups. */
export function belongsTo(state: PbxState, box: StoredVoicemailbox, userId: number): boolean {
  if (box.users.some((u) => u.userId === userId)) return true;
  const groups = new Set(box.groups.map((g) => g.groupId));
  return state.groups.some((g) => groups.has(g.id) && g.members.some((m) => m.userId === userId));
}

export function toVoicemailboxDto(state: PbxState, box: StoredVoicemailbox): Voicemailbox {
  return {
    id: box.id,
    maximumDuration: box.maximumDurationSeconds,
    name: box.name,
    noRecord: box.noRecord,
    number: box.number,
    password: '', // write-only, as a user's password
    voicemailGroups: box.groups.map((g) => ({
      accountId: g.groupId,
      name: state.groups.find((x) => x.id === g.groupId)?.name ?? '',
      sendMail: g.sendMail,
    })),
    voicemailUsers: box.users.map((u) => {
      const user = state.users.find((x) => x.id === u.userId);
      return {
        accountId: u.userId,
        name: user ? fullName(user) : '',
        sendMail: u.sendMail,
        voicemailboxName: box.name,
      };
    }),
  };
}

export function toVoicemailboxListItem(state: PbxState, box: StoredVoicemailbox): VoicemailboxListItem {
  return {
    id: box.id,
    mailboxnumber: box.number,
    voiceboxname: box.name,
    assignedusers: box.users.flatMap((u) => {
      const user = state.users.find((x) => x.id === u.userId);
      return user ? [fullName(user)] : [];
    }),
    assignedgroups: box.groups.flatMap((g) => {
      const group = state.groups.find((x) => x.id === g.groupId);
      return group ? [group.name] : [];
    }),
  };
}

const bad = (field: string, message: string) =>
  invalid('VALIDATION_FAILED', `Invalid body.${field}: ${message}`, [{ path: field, message, code: 'custom' }]);

function ensureBoxNumberFree(state: PbxState, number: string, selfId?: number): void {
  const box = state.voicemailboxes.find((b) => b.number === number && b.id !== selfId);
  if (box)
    throw conflict('VOICEMAILBOX_NUMBER_TAKEN', `The voicemail box number ${number} is used by box ${box.id}`, {
      field: 'number',
      voicemailboxId: box.id,
    });
  if (state.phoneNumbers.some((n) => n.type === 'INTERNAL' && n.number === number))
    throw conflict('NUMBER_TAKEN', `${number} is an internal phone number of the PBX`, { field: 'number' });
  // A user's login or extension, a virtual phone: the one rule of numberClaims.ts.
  const self = selfId === undefined ? undefined : ({ kind: 'voicemailbox', voicemailboxId: selfId } as const);
  ensureNumberFree(state, number, self, 'NUMBER_TAKEN', 'number', 'The voicemail box number');
}

/** Applies the fields the body carries (absent: unchanged) after checking every one. */
function apply(state: PbxState, box: StoredVoicemailbox, body: VoicemailboxBody): void {
  if (body.number !== undefined && !NUMBER.test(body.number)) throw bad('number', 'must be 1 to 20 digits');
  if (body.password !== undefined && !PIN.test(body.password)) throw bad('password', 'must be at most 16 digits');
  if (body.name !== undefined && (body.name.trim() === '' || body.name.length > 100))
    throw bad('name', 'must be 1 to 100 characters');
  const duration = body.maximumDuration;
  if (duration !== undefined && (duration < 0 || duration > MAX_DURATION_SECONDS))
    throw bad('maximumDuration', `must be 0 to ${MAX_DURATION_SECONDS} seconds`);
  const users = body.voicemailUsers?.map((u, i) => {
    if (u.accountId === undefined || !state.users.some((x) => x.id === u.accountId))
      throw bad(`voicemailUsers.${i}.accountId`, `no user with the account id ${String(u.accountId)}`);
    return { userId: u.accountId, sendMail: u.sendMail ?? false };
  });
  const groups = body.voicemailGroups?.map((g, i) => {
    if (g.accountId === undefined || !state.groups.some((x) => x.id === g.accountId))
      throw bad(`voicemailGroups.${i}.accountId`, `no group with the account id ${String(g.accountId)}`);
    return { groupId: g.accountId, sendMail: g.sendMail ?? false };
  });
  for (const [list, key] of [
    [users?.map((u) => u.userId), 'voicemailUsers'],
    [groups?.map((g) => g.groupId), 'voicemailGroups'],
  ] as const) {
    if (list && new Set(list).size !== list.length) throw bad(key, 'lists an account twice');
  }
  if (body.number !== undefined) ensureBoxNumberFree(state, body.number, box.id);
  if (body.number !== undefined) box.number = body.number;
  if (body.name !== undefined) box.name = body.name;
  if (body.password !== undefined) box.pin = body.password;
  if (duration !== undefined) box.maximumDurationSeconds = duration;
  if (body.noRecord !== undefined) box.noRecord = body.noRecord;
  if (users) box.users = users;
  if (groups) box.groups = groups;
}

export function createVoicemailbox(state: PbxState, emit: Emit, body: VoicemailboxBody): StoredVoicemailbox {
  if (body.number === undefined) throw bad('number', 'a new voicemail box needs its number');
  const box: StoredVoicemailbox = {
    id: state.nextId.voicemailbox,
    name: body.name ?? `Voicemail ${body.number}`,
    number: body.number,
    pin: '',
    maximumDurationSeconds: DEFAULT_MAXIMUM_DURATION_SECONDS,
    noRecord: false,
    users: [],
    groups: [],
    messages: [],
  };
  apply(state, box, body);
  state.nextId.voicemailbox++;
  state.voicemailboxes.push(box);
  emit({ service: SIM_SERVICES.voicemail, event: 'created', data: { voicemailboxId: box.id, number: box.number } });
  return box;
}

export function saveVoicemailbox(state: PbxState, emit: Emit, body: VoicemailboxBody): StoredVoicemailbox {
  if (body.id === undefined) throw bad('id', 'PUT /voicemailboxes names the box to change by its id');
  const box = findVoicemailbox(state, body.id);
  apply(state, box, body);
  emit({
    service: SIM_SERVICES.voicemail,
    event: 'updated',
    data: { voicemailboxId: box.id, number: box.number, pinChanged: body.password !== undefined },
  });
  return box;
}

/** Refused (409) while a redirect leads to the box: the redirect would lead nowhere. */
export function deleteVoicemailbox(state: PbxState, emit: Emit, id: number): void {
  const box = findVoicemailbox(state, id);
  const redirects = state.redirects.filter((r) => r.target.type === 'MAILBOX' && r.target.voicemailboxId === id);
  if (redirects.length)
    throw conflict('VOICEMAILBOX_IN_USE', `Voicemail box ${id} is the destination of a redirect`, {
      redirectIds: redirects.map((r) => r.id),
    });
  state.voicemailboxes = state.voicemailboxes.filter((b) => b !== box);
  for (const r of state.redirects) {
    if (r.lastVoicemailboxId !== id) continue;
    r.lastVoicemailboxId = null; // the remembered mailbox of a redirect now leading to a number
    emit({ service: SIM_SERVICES.redirects, event: 'updated', data: { redirectId: r.id, accountId: r.accountId } });
  }
  emit({ service: SIM_SERVICES.voicemail, event: 'deleted', data: { voicemailboxId: id, number: box.number } });
}
