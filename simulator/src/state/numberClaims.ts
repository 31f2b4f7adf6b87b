import { conflict } from './errors.js';
import type { PbxState } from './model.js';

/*
 * One rule for the numbers dialled inside the PBX. A user's login and extension, an internal number assigned to an
 * account (user, group, service, module), a voicemail box's number and a virtual phone's extension each lead a
 * call to one place (sip/dialPlan.ts looks them up in that order), so no number may have two holders: a later
 * holder would silently take calls from, or never get them before, the first. Every write path that gives out such
 * a number asks here — REST users (login, extension), REST voicemail boxes, and a scenario once built — and a
 * conflict is a 409 naming the holder. A spare internal number (assigned to nobody) leads nowhere and is free.
 */

/** Who holds a number: the id of what the REST API names it by, or the virtual phone's extension. */
export type NumberHolder =
  | { kind: 'user'; userId: number }
  | { kind: 'group'; groupId: number }
  | { kind: 'service'; serviceId: number }
  | { kind: 'module'; moduleInstanceId: string }
  | { kind: 'voicemailbox'; voicemailboxId: number }
  | { kind: 'virtualPhone'; extension: string; name: string };

interface NumberClaim {
  number: string;
  holder: NumberHolder;
}

/** One string per holder: a user's login, extension and internal numbers are all one holder's. */
function holderKey(h: NumberHolder): string {
  switch (h.kind) {
    case 'user':
      return `user ${h.userId}`;
    case 'group':
      return `group ${h.groupId}`;
    case 'service':
      return `service ${h.serviceId}`;
    case 'module':
      return `module ${h.moduleInstanceId}`;
    case 'voicemailbox':
      return `voicemailbox ${h.voicemailboxId}`;
    case 'virtualPhone':
      return `virtual phone ${h.extension}`;
  }
}

/** Every number dialled inside the PBX with its holder. */
function* claims(state: PbxState): Generator<NumberClaim> {
  for (const u of state.users) {
    yield { number: u.login, holder: { kind: 'user', userId: u.id } };
    if (u.extension !== undefined) yield { number: u.extension, holder: { kind: 'user', userId: u.id } };
  }
  for (const n of state.phoneNumbers) {
    // A number of a block is dialled with its block's prefix (dialPlan.ts): not a short internal number.
    if (n.type !== 'INTERNAL' || n.numberBlockId !== null) continue;
    const holder: NumberHolder | undefined =
      n.userId !== null
        ? { kind: 'user', userId: n.userId }
        : n.groupId !== null
          ? { kind: 'group', groupId: n.groupId }
          : n.serviceId !== null
            ? { kind: 'service', serviceId: n.serviceId }
            : n.moduleInstanceId !== null
              ? { kind: 'module', moduleInstanceId: n.moduleInstanceId }
              : undefined;
    if (holder) yield { number: n.number, holder };
  }
  for (const b of state.voicemailboxes)
    yield { number: b.number, holder: { kind: 'voicemailbox', voicemailboxId: b.id } };
  for (const p of state.virtualPhones ?? [])
    yield { number: p.extension, holder: { kind: 'virtualPhone', extension: p.extension, name: p.name } };
}

/** The holder in words, a user with their login and a group with its name (what a client or scenario names). */
export function describeHolder(state: PbxState, h: NumberHolder): string {
  switch (h.kind) {
    case 'user': {
      const login = state.users.find((u) => u.id === h.userId)?.login;
      return `user ${h.userId}${login === undefined ? '' : ` ("${login}")`}`;
    }
    case 'group': {
      const name = state.groups.find((g) => g.id === h.groupId)?.name;
      return `group ${h.groupId}${name === undefined ? '' : ` ("${name}")`}`;
    }
    case 'service':
      return `service ${h.serviceId}`;
    case 'module':
      return `module instance ${h.moduleInstanceId}`;
    case 'voicemailbox':
      return `voicemail box ${h.voicemailboxId}`;
    case 'virtualPhone':
      return `the virtual phone "${h.name}"`;
  }
}

/** Who else holds `number`, if anyone; `self` is the holder asking (its own claims do not count). */
export function otherHolderOf(
  state: PbxState,
  number: string,
  self: NumberHolder | undefined,
): NumberHolder | undefined {
  const own = self && holderKey(self);
  for (const c of claims(state)) if (c.number === number && holderKey(c.holder) !== own) return c.holder;
  return undefined;
}

/**
 * Throws the 409 when `number` is held by another than `self`: `code` and `field` are the caller's (EXTENSION_TAKEN
 * on `extension`, LOGIN_TAKEN on `login`, NUMBER_TAKEN on a box's `number`).
 */
export function ensureNumberFree(
  state: PbxState,
  number: string,
  self: NumberHolder | undefined,
  code: string,
  field: string,
  what: string,
): void {
  const other = otherHolderOf(state, number, self);
  if (other)
    throw conflict(code, `${what} ${number} is already used by ${describeHolder(state, other)}`, {
      field,
      usedBy: other,
    });
}

/**
 * The first number with two holders in a whole state (a scenario once built), as `number: holder and holder`;
 * undefined when every number has one holder. One pass with a map: scenarios hold thousands of users.
 */
export function firstNumberClash(state: PbxState): string | undefined {
  const seen = new Map<string, NumberHolder>();
  for (const c of claims(state)) {
    const first = seen.get(c.number);
    if (!first) seen.set(c.number, c.holder);
    else if (holderKey(first) !== holderKey(c.holder))
      return `${c.number} is used by ${describeHolder(state, first)} and by ${describeHolder(state, c.holder)}`;
  }
  return undefined;
}
