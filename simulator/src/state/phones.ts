import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type { NumberForPhoneAssignment, PhoneAssignment, PhoneConfig } from '../../../shared/schemas/phones.js';
import { conflict, notFound, SimError } from './errors.js';
import type { PbxState } from './model.js';
import { fullNumber } from './numberFormat.js';
import type { Emit } from './pbx.js';
import { draftSettings, fieldError, numbersOfUser, possibleSignalNumbers, settingsOf } from './phoneNumbers.js';
import type { StoredPhone } from './telephonyModel.js';
import { findUser } from './users.js';

/*
 * A user's phones (REST 6.7 phone config and phone assignments). A SIP phone is a device of its user: it registers
 * with the user's SIP login, so the registrar needs nothing from here; an iFMC phone is the telephone behind an
 * iFMC entry and comes and goes with it (/fmcPhones). The user's DND is their UCI state (`user.uci`), one flag
 * for both APIs: the UCI side publishes the userState event when the phones event says it changed.
 */

export function toPhoneAssignment(p: StoredPhone): PhoneAssignment {
  return { active: p.active, isIFMC: p.kind === 'ifmc', phoneId: p.id, phoneName: p.name, userId: p.userId };
}

export function phonesOfUser(state: PbxState, userId: number): StoredPhone[] {
  findUser(state, userId);
  return state.phones.filter((p) => p.userId === userId);
}

/** A phone of this user; another user's phone is as unknown here as a missing one. */
export function findUserPhone(state: PbxState, userId: number, phoneId: number): StoredPhone {
  findUser(state, userId);
  const p = state.phones.find((x) => x.id === phoneId && x.userId === userId);
  if (!p) throw notFound(`Phone ${phoneId} of user`, userId);
  return p;
}

/** 0 is the API's "none" in the required integers primaryPhoneId and displayNumberId. */
export function phoneConfig(state: PbxState, userId: number): PhoneConfig {
  const user = findUser(state, userId);
  const s = settingsOf(state, userId);
  return {
    callWaiting: s.callWaiting,
    displayNumberId: s.displayNumberId ?? 0,
    doNotDisturb: user.uci?.doNotDisturb ?? false,
    primaryPhoneId: s.primaryPhoneId ?? 0,
  };
}

/**
 * PUT phoneconfig: the primary phone must be one of the user's, the display number one they may signal (their
 * own or their groups' numbers); 0 clears either. Answers nothing; emits which fields changed.
 */
export function updatePhoneConfig(draft: PbxState, emit: Emit, userId: number, body: PhoneConfig): void {
  const user = findUser(draft, userId);
  if (body.primaryPhoneId !== 0 && !draft.phones.some((p) => p.id === body.primaryPhoneId && p.userId === userId))
    throw fieldError('primaryPhoneId', `${body.primaryPhoneId} is not a phone of user ${userId}`);
  if (body.displayNumberId !== 0 && !possibleSignalNumbers(draft, userId).some((n) => n.id === body.displayNumberId))
    throw fieldError('displayNumberId', `${body.displayNumberId} is not a number user ${userId} may show`);
  const before = phoneConfig(draft, userId);
  const s = draftSettings(draft, userId);
  s.callWaiting = body.callWaiting;
  s.primaryPhoneId = body.primaryPhoneId || null;
  s.displayNumberId = body.displayNumberId || null;
  user.uci = { doNotDisturb: body.doNotDisturb, chatPresenceMessage: user.uci?.chatPresenceMessage ?? '' };
  const changed = (Object.keys(before) as (keyof PhoneConfig)[]).filter((k) => before[k] !== body[k]);
  if (changed.length) emit({ service: SIM_SERVICES.phones, event: 'configUpdated', data: { userId, changed } });
}

/**
 * POST phones: phoneId 0 makes a new SIP phone of the user named phoneName, ringing for all the user's numbers
 * (and their primary phone if they had none). A phoneId that exists is a phone already assigned (409: a phone
 * belongs to one user); one that does not is 404. iFMC phones come from POST /fmcPhones.
 */
export function assignPhone(draft: PbxState, emit: Emit, userId: number, body: PhoneAssignment): StoredPhone {
  findUser(draft, userId);
  if (body.userId !== 0 && body.userId !== userId)
    throw fieldError('userId', `must be ${userId}, the user of the path (or 0)`);
  if (body.isIFMC) throw fieldError('isIFMC', 'iFMC phones are created with POST /fmcPhones');
  const name = body.phoneName.trim();
  if (!name) throw fieldError('phoneName', 'must not be empty');
  if (name.length > 100) throw fieldError('phoneName', 'must be at most 100 characters');
  if (body.phoneId !== 0) {
    const existing = draft.phones.find((p) => p.id === body.phoneId);
    if (!existing)
      throw new SimError(404, 'NOT_FOUND', `Phone ${body.phoneId} does not exist (body.phoneId)`, {
        id: body.phoneId,
        path: 'phoneId',
      });
    throw conflict('PHONE_ASSIGNED', `Phone ${existing.id} is assigned to user ${existing.userId} already`, {
      phoneId: existing.id,
      userId: existing.userId,
      path: 'phoneId',
    });
  }
  const taken = draft.phones.find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (taken)
    throw conflict('PHONE_NAME_TAKEN', `The phone name "${name}" is taken (phone ${taken.id})`, {
      phoneId: taken.id,
      path: 'phoneName',
    });
  const phone: StoredPhone = {
    id: draft.nextId.phone++,
    userId,
    name,
    kind: 'sip',
    active: body.active,
    numbers: numbersOfUser(draft, userId).map((n) => ({ phoneNumberId: n.id, active: true })),
  };
  draft.phones.push(phone);
  draftSettings(draft, userId).primaryPhoneId ??= phone.id;
  emit({ service: SIM_SERVICES.phones, event: 'created', data: { userId, phoneId: phone.id } });
  return phone;
}

/** DELETE phones/{phoneId}: a SIP phone goes, and with it its place as primary phone and on function key sets. */
export function removePhone(draft: PbxState, emit: Emit, userId: number, phoneId: number): void {
  const phone = findUserPhone(draft, userId, phoneId);
  if (phone.kind === 'ifmc')
    throw conflict('IFMC_PHONE', `Phone ${phoneId} is an iFMC phone; delete it with DELETE /fmcPhones/{fmcId}`, {
      phoneId,
    });
  draft.phones = draft.phones.filter((p) => p !== phone);
  const s = draft.telephonySettings.find((x) => x.userId === userId);
  if (s?.primaryPhoneId === phoneId) s.primaryPhoneId = draft.phones.find((p) => p.userId === userId)?.id ?? null;
  for (const set of draft.functionKeySets)
    if (set.phoneIds.includes(phoneId)) {
      set.phoneIds = set.phoneIds.filter((id) => id !== phoneId);
      emit({ service: SIM_SERVICES.functionKeys, event: 'updated', data: { fkSetId: set.id, userId: set.userId } });
    }
  emit({ service: SIM_SERVICES.phones, event: 'deleted', data: { userId, phoneId } });
}

/** Every number of the user, with whether it rings on this phone. */
export function numbersForPhone(state: PbxState, userId: number, phoneId: number): NumberForPhoneAssignment[] {
  const phone = findUserPhone(state, userId, phoneId);
  return numbersOfUser(state, userId).map((n) => ({
    active: phone.numbers.some((x) => x.phoneNumberId === n.id && x.active),
    phoneNumber: fullNumber(state, n),
    phoneNumberId: n.id,
  }));
}

/**
 * PUT numbers: each entry switches one of the user's numbers on or off for this phone; numbers not listed keep
 * their state (clients send back the whole list GET gave them). `phoneNumber` is derived and ignored.
 */
export function updateNumbersForPhone(
  draft: PbxState,
  emit: Emit,
  userId: number,
  phoneId: number,
  list: NumberForPhoneAssignment[],
): void {
  const phone = findUserPhone(draft, userId, phoneId);
  const own = new Set(numbersOfUser(draft, userId).map((n) => n.id));
  const seen = new Set<number>();
  list.forEach((e, i) => {
    if (!draft.phoneNumbers.some((n) => n.id === e.phoneNumberId))
      throw new SimError(404, 'NOT_FOUND', `Phone number ${e.phoneNumberId} does not exist (body.${i}.phoneNumberId)`, {
        id: e.phoneNumberId,
        path: `${i}.phoneNumberId`,
      });
    if (!own.has(e.phoneNumberId))
      throw fieldError(`${i}.phoneNumberId`, `${e.phoneNumberId} is not a number of user ${userId}`);
    if (seen.has(e.phoneNumberId)) throw fieldError(`${i}.phoneNumberId`, `${e.phoneNumberId} is listed twice`);
    seen.add(e.phoneNumberId);
  });
  let changed = false;
  for (const e of list) {
    const entry = phone.numbers.find((x) => x.phoneNumberId === e.phoneNumberId);
    if (entry) {
      changed ||= entry.active !== e.active;
      entry.active = e.active;
    } else if (e.active) {
      phone.numbers.push({ phoneNumberId: e.phoneNumberId, active: true });
      changed = true;
    }
  }
  if (changed) emit({ service: SIM_SERVICES.phones, event: 'updated', data: { userId, phoneId } });
}
