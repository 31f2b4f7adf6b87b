import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type { FmcPhone } from '../../../shared/schemas/fmc.js';
import { conflict, invalid, notFound } from './errors.js';
import type { PbxState } from './model.js';
import type { Emit } from './pbx.js';
import type { StoredFmcPhone, StoredPhone } from './telephonyModel.js';

/*
 * iFMC phones (REST 6.7 "iFMC"): a mobile number the PBX rings for a user, with a delay and a weekly schedule.
 * Each is also one of the user's phones (a StoredPhone of kind "ifmc" named "iFMC <number>", ringing for the
 * user's own numbers, as the scenario builds them): creating one adds that phone, deleting one removes it and
 * every reference to it (a function key set shown on it, the user's primary phone).
 */

/** What a client sends: the definition less the ids the PBX gives. */
export type FmcPhoneInput = Omit<FmcPhone, 'id'> & { id?: string };

const NUMBER = /^\+?\d{3,20}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
export const MAX_FMC_DELAY_SECONDS = 600;

export const fmcPhoneName = (number: string) => `iFMC ${number}`;

export function findFmcPhone(state: PbxState, id: string): StoredFmcPhone {
  const fmc = state.fmcPhones.find((f) => f.id === id);
  if (!fmc) throw notFound('iFMC phone', id);
  return fmc;
}

export function toFmcPhoneDto(fmc: StoredFmcPhone): FmcPhone {
  return {
    id: fmc.id,
    number: fmc.number,
    active: fmc.active,
    confirm: fmc.confirm,
    delay: fmc.delaySeconds,
    fmcSchedule: structuredClone(fmc.schedule),
    telephoneId: String(fmc.phoneId),
  };
}

const bad = (field: string, message: string) =>
  invalid('VALIDATION_FAILED', `Invalid body.${field}: ${message}`, [{ path: field, message, code: 'custom' }]);

function check(state: PbxState, input: FmcPhoneInput, self?: StoredFmcPhone): void {
  if (!NUMBER.test(input.number)) throw bad('number', 'must be a phone number: 3 to 20 digits, an optional +');
  if (input.delay < 0 || input.delay > MAX_FMC_DELAY_SECONDS)
    throw bad('delay', `must be 0 to ${MAX_FMC_DELAY_SECONDS} seconds`);
  input.fmcSchedule.forEach((t, i) => {
    for (const f of ['timeBegin', 'timeEnd'] as const)
      if (!TIME.test(t[f])) throw bad(`fmcSchedule.${i}.${f}`, 'must be a time of day, HH:mm');
  });
  const other = state.fmcPhones.find((f) => f.number === input.number && f !== self);
  if (other)
    throw conflict('FMC_NUMBER_TAKEN', `${input.number} is iFMC phone ${other.id} already`, {
      field: 'number',
      fmcId: other.id,
    });
  const name = fmcPhoneName(input.number);
  if (state.phones.some((p) => p.name === name && p.id !== self?.phoneId))
    throw conflict('PHONE_NAME_TAKEN', `A phone named "${name}" exists already`, { field: 'number' });
}

export function createFmcPhone(state: PbxState, emit: Emit, userId: number, input: FmcPhoneInput): StoredFmcPhone {
  check(state, input);
  const phone: StoredPhone = {
    id: state.nextId.phone++,
    userId,
    name: fmcPhoneName(input.number),
    kind: 'ifmc',
    active: input.active,
    numbers: state.phoneNumbers.filter((n) => n.userId === userId).map((n) => ({ phoneNumberId: n.id, active: true })),
  };
  state.phones.push(phone);
  const fmc: StoredFmcPhone = {
    id: String(state.nextId.fmcPhone++),
    userId,
    phoneId: phone.id,
    number: input.number,
    active: input.active,
    confirm: input.confirm,
    delaySeconds: input.delay,
    schedule: structuredClone(input.fmcSchedule),
  };
  state.fmcPhones.push(fmc);
  emit({ service: SIM_SERVICES.phones, event: 'created', data: { phoneId: phone.id, userId, kind: 'ifmc' } });
  emit({ service: SIM_SERVICES.fmc, event: 'created', data: { fmcId: fmc.id, userId, phoneId: phone.id } });
  return fmc;
}

export function updateFmcPhone(state: PbxState, emit: Emit, id: string, input: FmcPhoneInput): StoredFmcPhone {
  const fmc = findFmcPhone(state, id);
  check(state, input, fmc);
  Object.assign(fmc, {
    number: input.number,
    active: input.active,
    confirm: input.confirm,
    delaySeconds: input.delay,
    schedule: structuredClone(input.fmcSchedule),
  });
  const phone = state.phones.find((p) => p.id === fmc.phoneId);
  if (phone && (phone.name !== fmcPhoneName(fmc.number) || phone.active !== fmc.active)) {
    phone.name = fmcPhoneName(fmc.number);
    phone.active = fmc.active;
    emit({ service: SIM_SERVICES.phones, event: 'updated', data: { phoneId: phone.id, userId: fmc.userId } });
  }
  emit({ service: SIM_SERVICES.fmc, event: 'updated', data: { fmcId: id, userId: fmc.userId, phoneId: fmc.phoneId } });
  return fmc;
}

export function deleteFmcPhone(state: PbxState, emit: Emit, id: string): void {
  const fmc = findFmcPhone(state, id);
  state.fmcPhones = state.fmcPhones.filter((f) => f !== fmc);
  state.phones = state.phones.filter((p) => p.id !== fmc.phoneId);
  for (const set of state.functionKeySets) {
    if (!set.phoneIds.includes(fmc.phoneId)) continue;
    set.phoneIds = set.phoneIds.filter((p) => p !== fmc.phoneId);
    emit({
      service: SIM_SERVICES.functionKeys,
      event: 'updated',
      data: { fkSetId: set.id, userId: set.userId, phoneIds: set.phoneIds },
    });
  }
  for (const s of state.telephonySettings) {
    if (s.primaryPhoneId !== fmc.phoneId) continue;
    const next =
      state.phones.find((p) => p.userId === s.userId && p.kind === 'sip') ??
      state.phones.find((p) => p.userId === s.userId);
    s.primaryPhoneId = next?.id ?? null;
  }
  emit({ service: SIM_SERVICES.phones, event: 'deleted', data: { phoneId: fmc.phoneId, userId: fmc.userId } });
  emit({ service: SIM_SERVICES.fmc, event: 'deleted', data: { fmcId: id, userId: fmc.userId, phoneId: fmc.phoneId } });
}
