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

/** The refusal when every installed licence of a type is taken (or none is installed). */
function exhausted(type: string, count: number, used: number, login: string) {
  return conflict(
    'LICENCE_EXHAUSTED',
    count === 0
      ? `No licence of type "${type}" is installed`
      : `All ${count} licence(s) of type "${type}" are assigned; install more before assigning one to ${login}`,
    { type, count, used },
  );
}

/** Sets the full list of licence types a user holds; refuses to go beyond what is installed. */
export function assignLicences(state: PbxState, emit: Emit, user: StoredUser, types: readonly LicenceType[]): void {
  const next = [...new Set(types)];
  for (const type of next) {
    if (user.licences.includes(type)) continue;
    const count = installedCount(state, type);
    const used = usedCount(state, type);
    if (used >= count) throw exhausted(type, count, used, user.login);
  }
  const assigned = next.filter((t) => !user.licences.includes(t));
  const removed = user.licences.filter((t) => !next.includes(t));
  user.licences = next;
  if (assigned.length || removed.length) {
    emit({
      service: SIM_SERVICES.licences,
      event: 'assignment-changed',
      data: { userId: user.id, login: user.login, assigned, removed },
    });
  }
}

/**
 * Assigns the licences of many new users at once, counting what is used once instead of once per user:
 * a scenario of 10,000 licensed users would otherwise be quadratic. Same refusals as `assignLicences`.
 */
export function assignLicencesToMany(
  state: PbxState,
  emit: Emit,
  wanted: readonly { user: StoredUser; types: readonly LicenceType[] }[],
): void {
  const used = new Map<string, number>();
  for (const u of state.users) for (const t of u.licences) used.set(t, (used.get(t) ?? 0) + 1);
  for (const { user, types } of wanted) {
    const assigned = [...new Set(types)].filter((t) => !user.licences.includes(t));
    for (const type of assigned) {
      const count = installedCount(state, type);
      const n = used.get(type) ?? 0;
      if (n >= count) throw exhausted(type, count, n, user.login);
      used.set(type, n + 1);
    }
    if (!assigned.length) continue;
    user.licences = [...user.licences, ...assigned];
    emit({
      service: SIM_SERVICES.licences,
      event: 'assignment-changed',
      data: { userId: user.id, login: user.login, assigned, removed: [] },
    });
  }
}
