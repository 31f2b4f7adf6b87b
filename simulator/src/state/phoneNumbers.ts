import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type {
  PhoneNumber,
  PhoneNumberAssignment,
  PhoneNumberConfig,
  PhoneNumberType,
} from '../../../shared/schemas/phoneNumbers.js';
import { conflict, notFound, SimError } from './errors.js';
import type { PbxState } from './model.js';
import { fullNumber } from './numberFormat.js';
import type { Emit } from './pbx.js';
import type { StoredPhoneNumber, TelephonySettings } from './telephonyModel.js';
import { findUser } from './users.js';

/*
 * The PBX's numbers and their owners (REST 6.7 "Phone Numbers"). A number belongs to at most one user, group or
 * service; what a user holds rings on their phones and may be their primary, display or signalled number, and
 * those references follow every change here, so nothing points at a number the user no longer has.
 */

/** A 400 naming the field, shaped like the table's own validation answers (`details: [{path, message, code}]`). */
export function fieldError(path: string, message: string): SimError {
  return new SimError(400, 'VALIDATION_FAILED', `Invalid body.${path}: ${message}`, [
    { path, message, code: 'custom' },
  ]);
}

/** A 404 for an id the body names (the object acted on does not exist), with the field it came from. */
function unknownInBody(what: string, id: number, path: string): SimError {
  return new SimError(404, 'NOT_FOUND', `${what} ${id} does not exist (body.${path})`, { id, path });
}

export function findPhoneNumber(state: PbxState, id: number): StoredPhoneNumber {
  const n = state.phoneNumbers.find((x) => x.id === id);
  if (!n) throw notFound('Phone number', id);
  return n;
}

/**
 * The API's PhoneNumber. The facts give no format, so `number` is what a client dials: the extension for an
 * internal number, the full international number for one of a block; the block's exit code, national prefix
 * and area code (`localPrefix`) come along for clients that assemble it themselves.
 */
export function toPhoneNumberDto(state: PbxState, n: StoredPhoneNumber): PhoneNumber {
  const dto: PhoneNumber = { id: n.id, number: fullNumber(state, n), type: n.type };
  const block = n.numberBlockId === null ? undefined : state.numberBlocks.find((b) => b.id === n.numberBlockId);
  if (block) {
    dto.numberBlockId = block.id;
    dto.exitCode = block.exitCode;
    dto.nationalPrefix = block.nationalPrefix;
    dto.localPrefix = block.localAreaCode;
  }
  if (n.userId !== null) dto.assignedUserAccountId = n.userId;
  if (n.groupId !== null) dto.assignedGroupAccountId = n.groupId;
  if (n.serviceId !== null) dto.assignedServiceId = n.serviceId;
  if (n.moduleInstanceId !== null) dto.assignedModuleInstanceId = n.moduleInstanceId;
  return dto;
}

export function isAssigned(n: StoredPhoneNumber): boolean {
  return n.userId !== null || n.groupId !== null || n.serviceId !== null || n.moduleInstanceId !== null;
}

export function listPhoneNumbers(
  state: PbxState,
  filter: { type?: PhoneNumberType | undefined; assigned?: boolean | undefined },
): PhoneNumber[] {
  return state.phoneNumbers
    .filter(
      (n) =>
        (filter.type === undefined || n.type === filter.type) && (filter.assigned ?? isAssigned(n)) === isAssigned(n),
    )
    .map((n) => toPhoneNumberDto(state, n));
}

export function numbersOfUser(state: PbxState, userId: number): StoredPhoneNumber[] {
  return state.phoneNumbers.filter((n) => n.userId === userId);
}

/** What a user may show as caller: their own numbers, then those of the groups they are a member of. */
export function possibleSignalNumbers(state: PbxState, userId: number): StoredPhoneNumber[] {
  const groups = new Set(state.groups.filter((g) => g.members.some((m) => m.userId === userId)).map((g) => g.id));
  return [
    ...numbersOfUser(state, userId),
    ...state.phoneNumbers.filter((n) => n.groupId !== null && groups.has(n.groupId)),
  ];
}

const DEFAULT_SETTINGS: Omit<TelephonySettings, 'userId'> = {
  callWaiting: true,
  primaryPhoneId: null,
  displayNumberId: null,
  primaryInternalNumberId: null,
  primaryExternalNumberId: null,
  signalingNumberId: null,
};

/** A user's settings as stored, or the defaults (read-only: not added to the state). */
export function settingsOf(state: PbxState, userId: number): TelephonySettings {
  return state.telephonySettings.find((s) => s.userId === userId) ?? { userId, ...DEFAULT_SETTINGS };
}

/** A user's settings record in a draft, created with the defaults when the user has none yet. */
export function draftSettings(draft: PbxState, userId: number): TelephonySettings {
  let s = draft.telephonySettings.find((x) => x.userId === userId);
  if (!s) draft.telephonySettings.push((s = { userId, ...DEFAULT_SETTINGS }));
  return s;
}

/** 0 (what the API has for "none" in a required integer) or null: no number. */
const none = (id: number | null | undefined) => id === null || id === undefined || id === 0;

export function phoneNumberConfig(state: PbxState, userId: number): PhoneNumberConfig {
  findUser(state, userId);
  const s = settingsOf(state, userId);
  const config: PhoneNumberConfig = {
    possibleSignalnumbers: possibleSignalNumbers(state, userId).map((n) => toPhoneNumberDto(state, n)),
    primaryExternalNumberId: s.primaryExternalNumberId ?? 0,
  };
  if (s.primaryInternalNumberId !== null) config.primaryInternalNumberId = s.primaryInternalNumberId;
  if (s.signalingNumberId !== null) config.signalingNumberId = s.signalingNumberId;
  return config;
}

/** PUT phonenumberconfig: primaries must be the user's own numbers of their type, the signalled one signalable. */
export function updatePhoneNumberConfig(
  draft: PbxState,
  emit: Emit,
  userId: number,
  body: {
    primaryExternalNumberId: number;
    primaryInternalNumberId?: number | undefined;
    signalingNumberId?: number | undefined;
  },
): PhoneNumberConfig {
  findUser(draft, userId);
  const own = numbersOfUser(draft, userId);
  const ownOfType = (id: number | undefined, type: PhoneNumberType, field: string): number | null => {
    if (none(id)) return null;
    if (!own.some((n) => n.id === id && n.type === type))
      throw fieldError(field, `${id} is not an ${type} number of user ${userId}`);
    return id!;
  };
  const external = ownOfType(body.primaryExternalNumberId, 'EXTERNAL', 'primaryExternalNumberId');
  const internal = ownOfType(body.primaryInternalNumberId, 'INTERNAL', 'primaryInternalNumberId');
  let signaling: number | null = null;
  if (!none(body.signalingNumberId)) {
    if (!possibleSignalNumbers(draft, userId).some((n) => n.id === body.signalingNumberId))
      throw fieldError('signalingNumberId', `${body.signalingNumberId} is not among the user's possibleSignalnumbers`);
    signaling = body.signalingNumberId!;
  }
  const s = draftSettings(draft, userId);
  s.primaryExternalNumberId = external;
  s.primaryInternalNumberId = internal;
  s.signalingNumberId = signaling;
  emit({ service: SIM_SERVICES.numbers, event: 'configUpdated', data: { userId } });
  return phoneNumberConfig(draft, userId);
}

export function toAssignment(n: StoredPhoneNumber): PhoneNumberAssignment {
  return { accountId: n.userId ?? n.groupId ?? 0, phoneNumberId: n.id, serviceId: n.serviceId ?? 0 };
}

export function assignmentsOf(state: PbxState, userId: number): PhoneNumberAssignment[] {
  findUser(state, userId);
  return numbersOfUser(state, userId).map(toAssignment);
}

export function assignmentOf(state: PbxState, userId: number, phoneNumberId: number): PhoneNumberAssignment {
  findUser(state, userId);
  const n = findPhoneNumber(state, phoneNumberId);
  if (n.userId !== userId) throw notFound(`Phone number ${phoneNumberId} of user`, userId);
  return toAssignment(n);
}

type AssignmentInput = Pick<PhoneNumberAssignment, 'accountId' | 'phoneNumberId' | 'serviceId'>;

/**
 * Checks a list of assignments for a user before anything changes: each names the user (accountId 0 is taken as
 * "this user"), an existing number once, and an existing call service (0: telephony, the PBX's first service).
 */
function checkList(
  draft: PbxState,
  userId: number,
  list: AssignmentInput[],
): { n: StoredPhoneNumber; serviceId: number }[] {
  findUser(draft, userId);
  const seen = new Set<number>();
  return list.map((a, i) => {
    if (a.accountId !== 0 && a.accountId !== userId)
      throw fieldError(`${i}.accountId`, `must be ${userId}, the user of the path (or 0)`);
    if (seen.has(a.phoneNumberId)) throw fieldError(`${i}.phoneNumberId`, `${a.phoneNumberId} is listed twice`);
    seen.add(a.phoneNumberId);
    const n = draft.phoneNumbers.find((x) => x.id === a.phoneNumberId);
    if (!n) throw unknownInBody('Phone number', a.phoneNumberId, `${i}.phoneNumberId`);
    const serviceId = a.serviceId === 0 ? (draft.callServices[0]?.id ?? 0) : a.serviceId;
    if (!draft.callServices.some((c) => c.id === serviceId))
      throw unknownInBody('Call service', a.serviceId, `${i}.serviceId`);
    return { n, serviceId };
  });
}

/** 409 when the number is another account's or a service's own. */
function ensureFree(n: StoredPhoneNumber, userId: number, index: number): void {
  if (n.userId === userId) return;
  if (!isAssigned(n)) return;
  const owner =
    n.userId !== null
      ? { assignedUserAccountId: n.userId }
      : n.groupId !== null
        ? { assignedGroupAccountId: n.groupId }
        : n.serviceId !== null
          ? { assignedServiceId: n.serviceId }
          : { assignedModuleInstanceId: n.moduleInstanceId };
  throw conflict('NUMBER_ASSIGNED', `Phone number ${n.id} (${n.number}) is assigned elsewhere; release it first`, {
    phoneNumberId: n.id,
    path: `${index}.phoneNumberId`,
    ...owner,
  });
}

/** Gives a number to a user: it rings on all their phones and fills their primary / display numbers if unset. */
function take(draft: PbxState, emit: Emit, userId: number, n: StoredPhoneNumber, serviceId: number): void {
  const changed = n.userId !== userId || n.serviceId !== serviceId;
  const fresh = n.userId !== userId;
  n.userId = userId;
  n.groupId = null;
  n.serviceId = serviceId;
  n.moduleInstanceId = null;
  if (!changed) return;
  if (fresh) {
    for (const p of draft.phones)
      if (p.userId === userId && !p.numbers.some((x) => x.phoneNumberId === n.id))
        p.numbers.push({ phoneNumberId: n.id, active: true });
    const s = draftSettings(draft, userId);
    if (n.type === 'INTERNAL') s.primaryInternalNumberId ??= n.id;
    if (n.type === 'EXTERNAL') s.primaryExternalNumberId ??= n.id;
    s.displayNumberId ??= n.id;
    s.signalingNumberId ??= n.id;
  }
  emit({
    service: SIM_SERVICES.numbers,
    event: 'assigned',
    data: { phoneNumberId: n.id, accountId: userId, serviceId },
  });
}

/**
 * Takes a number from a user: off their phones, out of their settings (a primary falls back to another of its
 * type, display and signalled numbers to the primaries), and the redirects of that number go with it. The
 * user's extension stays: the SIP side reaches the user by it (change it with PUT /users).
 */
function release(draft: PbxState, emit: Emit, userId: number, n: StoredPhoneNumber, index?: number): void {
  const user = findUser(draft, userId);
  if (n.type === 'INTERNAL' && n.numberBlockId === null && user.extension === n.number)
    throw conflict('EXTENSION_NUMBER', `${n.number} is the extension of user ${userId}; change the extension first`, {
      phoneNumberId: n.id,
      ...(index === undefined ? {} : { path: `${index}.phoneNumberId` }),
    });
  n.userId = null;
  n.serviceId = null;
  for (const p of draft.phones) if (p.userId === userId) p.numbers = p.numbers.filter((x) => x.phoneNumberId !== n.id);
  const s = draft.telephonySettings.find((x) => x.userId === userId);
  if (s) {
    const rest = numbersOfUser(draft, userId);
    const first = (type: PhoneNumberType) => rest.find((x) => x.type === type)?.id ?? null;
    if (s.primaryInternalNumberId === n.id) s.primaryInternalNumberId = first('INTERNAL');
    if (s.primaryExternalNumberId === n.id) s.primaryExternalNumberId = first('EXTERNAL');
    const fallback = s.primaryExternalNumberId ?? s.primaryInternalNumberId;
    if (s.displayNumberId === n.id) s.displayNumberId = fallback;
    if (s.signalingNumberId === n.id) s.signalingNumberId = fallback;
  }
  const gone = draft.redirects.filter((r) => r.accountId === userId && r.phoneNumberId === n.id);
  if (gone.length) {
    draft.redirects = draft.redirects.filter((r) => !gone.includes(r));
    for (const r of gone)
      emit({ service: SIM_SERVICES.redirects, event: 'deleted', data: { id: r.id, accountId: userId } });
  }
  emit({ service: SIM_SERVICES.numbers, event: 'unassigned', data: { phoneNumberId: n.id, accountId: userId } });
}

/** POST …/phonenumbers/: all of them or none (a refusal rolls the commit back). */
export function assignNumbers(
  draft: PbxState,
  emit: Emit,
  userId: number,
  list: AssignmentInput[],
): PhoneNumberAssignment[] {
  const checked = checkList(draft, userId, list);
  checked.forEach(({ n }, i) => ensureFree(n, userId, i));
  for (const { n, serviceId } of checked) take(draft, emit, userId, n, serviceId);
  return checked.map(({ n }) => toAssignment(n));
}

/** PUT …/phonenumbers: the user holds exactly these numbers afterwards. */
export function replaceAssignments(
  draft: PbxState,
  emit: Emit,
  userId: number,
  list: AssignmentInput[],
): PhoneNumberAssignment[] {
  const checked = checkList(draft, userId, list);
  checked.forEach(({ n }, i) => ensureFree(n, userId, i));
  const keep = new Set(checked.map(({ n }) => n.id));
  for (const n of numbersOfUser(draft, userId)) if (!keep.has(n.id)) release(draft, emit, userId, n);
  for (const { n, serviceId } of checked) take(draft, emit, userId, n, serviceId);
  return numbersOfUser(draft, userId).map(toAssignment);
}

/** POST …/phonenumbers/delete: each must be the user's (else 404), all or none. */
export function releaseNumbers(draft: PbxState, emit: Emit, userId: number, list: AssignmentInput[]): void {
  const checked = checkList(draft, userId, list);
  checked.forEach(({ n }, i) => {
    if (n.userId !== userId) throw unknownInBody(`Phone number of user ${userId}:`, n.id, `${i}.phoneNumberId`);
  });
  checked.forEach(({ n }, i) => release(draft, emit, userId, n, i));
}

export function releaseNumber(draft: PbxState, emit: Emit, userId: number, phoneNumberId: number): void {
  findUser(draft, userId);
  const n = findPhoneNumber(draft, phoneNumberId);
  if (n.userId !== userId) throw notFound(`Phone number ${phoneNumberId} of user`, userId);
  release(draft, emit, userId, n);
}
