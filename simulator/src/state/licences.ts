import { type LicenceType } from '../../../shared/catalogue.js';
import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type { Licence } from '../../../shared/schemas/licences.js';
import { conflict } from './errors.js';
import type { PbxState, StoredUser } from './model.js';
import type { Emit } from './pbx.js';

export function usedCount(state: PbxState, type: string): number {
  let used = 0;
  for (const u of state.users) if (u.licences.includes(type as LicenceType)) used++;
  return used;
}

export function installedCount(state: PbxState, type: string): number {
  return state.licences.find((l) => l.type === type)?.count ?? 0;
}

export function toLicenceDtos(state: PbxState): Licence[] {
  return state.licences.map((l) => ({ id: l.id, type: l.type, count: l.count, used: usedCount(state, l.type) }));
}

/** Installing adds to the entry of that type, as the licence manager sums licences per type. */
export function installLicence(state: PbxState, emit: Emit, type: LicenceType, count: number): Licence {
  let entry = state.licences.find((l) => l.type === type);
  if (entry) entry.count += count;
  else state.licences.push((entry = { id: state.nextId.licence++, type, count }));
  emit({ service: SIM_SERVICES.licences, event: 'installed', data: { type, added: count, count: entry.count } });
  return { id: entry.id, type, count: entry.count, used: usedCount(state, type) };
}

/** Sets the full list of licence types a user holds; refuses to go beyond what is installed. */
export function assignLicences(state: PbxState, emit: Emit, user: StoredUser, types: readonly LicenceType[]): void {
  const next = [...new Set(types)];
  for (const type of next) {
    if (user.licences.includes(type)) continue;
    const count = installedCount(state, type);
    if (usedCount(state, type) >= count) {
      throw conflict(
        'LICENCE_EXHAUSTED',
        count === 0
          ? `No licence of type "${type}" is installed`
          : `All ${count} licence(s) of type "${type}" are assigned; install more before assigning one to ${user.login}`,
        { type, count, used: usedCount(state, type) },
      );
    }
  }
  const assigned = next.filter((t) => !user.licences.includes(t));
  const removed = user.licences.filter((t) => !next.includes(t));
  user.licences = next;
  if (assigned.length || removed.length) {
    emit({ service: SIM_SERVICES.licences, event: 'assignment-changed', data: { userId: user.id, login: user.login, assigned, removed } });
  }
}
