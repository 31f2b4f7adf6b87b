import type { VirtualPhone } from '../../../shared/schemas/calls.js';
import type { PbxState, StoredUser } from '../state/model.js';
import { fullNumber } from '../state/numberFormat.js';
import type { StoredGroup, StoredPhoneNumber, StoredRedirect, StoredVoicemailbox } from '../state/telephonyModel.js';
import type { UserDirectory } from './directory.js';
import { findVirtualPhone } from './ua/virtualPhone.js';

/**
 * Where a dialled number leads inside the PBX: a user (by login, extension or any of their numbers), a group
 * (its logged-in members), a voicemail box (its own number), a virtual phone, or nowhere. `number` is the
 * PBX number record that was reached, the key of its redirects.
 */
export type Destination =
  | { kind: 'user'; dialled: string; user: StoredUser; number: StoredPhoneNumber | undefined }
  | { kind: 'group'; dialled: string; group: StoredGroup; members: StoredUser[]; number: StoredPhoneNumber }
  | { kind: 'mailbox'; dialled: string; box: StoredVoicemailbox }
  | { kind: 'virtual'; dialled: string; phone: VirtualPhone }
  | { kind: 'none'; dialled: string };

/** The enabled redirects of the number a destination was reached by, one per trigger. */
export interface RedirectRules {
  always?: StoredRedirect;
  busy?: StoredRedirect;
  timeout?: StoredRedirect;
}

/**
 * Every way an external number reaches the PBX: international (`+49…`, `0049…`), national (`030…`), with the
 * PBX's exit code in front (`0030…`), and local (`5550…`). A bare extension inside a block (`11`) is not one:
 * inside the PBX, short numbers are internal numbers.
 */
function dialledForms(state: PbxState, n: StoredPhoneNumber): string[] {
  if (n.numberBlockId === null) return [n.number];
  const b = state.numberBlocks.find((x) => x.id === n.numberBlockId);
  if (!b) return [];
  const national = `${b.nationalPrefix}${b.localAreaCode}${b.baseNumber}${n.number}`;
  return [
    `+${b.countryCode}${b.localAreaCode}${b.baseNumber}${n.number}`,
    `00${b.countryCode}${b.localAreaCode}${b.baseNumber}${n.number}`,
    national,
    `${b.exitCode}${national}`,
    `${b.baseNumber}${n.number}`,
  ];
}

/** `+49 (30) 5550-11` → `+4930555011`: what a user part may carry besides digits. */
function digitsOf(dialled: string): string {
  return dialled.replace(/[\s\-().]/g, '');
}

/**
 * The dial plan: turns a dialled number into a destination from the PBX model, and tells the redirects and
 * the display number of an account. The indexes are rebuilt only when the state changed (like the user
 * directory), so routing a call stays a few map look-ups on a PBX with thousands of numbers.
 */
export class DialPlan {
  private revision = -1;
  private numbers = new Map<string, StoredPhoneNumber>();
  private mailboxes = new Map<string, StoredVoicemailbox>();
  private usersById = new Map<number, StoredUser>();
  private groupsById = new Map<number, StoredGroup>();

  constructor(
    private readonly state: () => PbxState,
    private readonly directory: UserDirectory,
    private readonly currentRevision: () => number = () => Number.NaN,
  ) {}

  private refresh(): PbxState {
    const state = this.state();
    const rev = this.currentRevision();
    if (rev === this.revision) return state;
    this.revision = rev;
    this.numbers = new Map();
    // Internal numbers last, so that they win over a colliding form of an external one.
    const ordered = [...state.phoneNumbers].sort(
      (a, b) => (a.type === 'INTERNAL' ? 1 : 0) - (b.type === 'INTERNAL' ? 1 : 0),
    );
    for (const n of ordered) for (const form of dialledForms(state, n)) this.numbers.set(form, n);
    this.mailboxes = new Map(state.voicemailboxes.map((v) => [v.number, v]));
    this.usersById = new Map(state.users.map((u) => [u.id, u]));
    this.groupsById = new Map(state.groups.map((g) => [g.id, g]));
    return state;
  }

  /**
   * Where `dialled` leads. Order: a user by login or extension (what the proxy always routed), then the PBX's
   * numbers (a user's or a group's, internal or external), a voicemail box's number, a virtual phone.
   * A number of a service or a spare number leads nowhere (the simulator runs no services behind numbers).
   */
  resolve(dialled: string | undefined): Destination {
    const raw = dialled ?? '';
    const state = this.refresh();
    const user = this.directory.userPart(raw);
    if (user) {
      const number = user.extension === undefined ? undefined : this.numbers.get(user.extension);
      return { kind: 'user', dialled: raw, user, number: number?.userId === user.id ? number : undefined };
    }
    const digits = digitsOf(raw);
    const number = this.numbers.get(digits);
    if (number?.userId != null) {
      const owner = this.usersById.get(number.userId);
      if (owner) return { kind: 'user', dialled: digits, user: owner, number };
    }
    if (number?.groupId != null) {
      const group = this.groupsById.get(number.groupId);
      if (group) {
        const members = group.members
          .filter((m) => m.loggedIn)
          .map((m) => this.usersById.get(m.userId))
          .filter((u): u is StoredUser => u !== undefined);
        return { kind: 'group', dialled: digits, group, members, number };
      }
    }
    const box = this.mailboxes.get(digits);
    if (box) return { kind: 'mailbox', dialled: digits, box };
    const phone = findVirtualPhone(state, raw);
    if (phone) return { kind: 'virtual', dialled: raw, phone };
    return { kind: 'none', dialled: raw };
  }

  /** The enabled redirects of the number a user or group was reached by (none for a login without a number). */
  redirects(dest: Destination): RedirectRules {
    if (dest.kind !== 'user' && dest.kind !== 'group') return {};
    const number = dest.number;
    if (!number) return {};
    const account = dest.kind === 'user' ? dest.user.id : dest.group.id;
    const rules: RedirectRules = {};
    for (const r of this.state().redirects) {
      if (!r.enabled || r.accountId !== account || r.phoneNumberId !== number.id) continue;
      if (r.trigger === 'ALWAYS') rules.always = r;
      else if (r.trigger === 'BUSY') rules.busy = r;
      else if (r.trigger === 'TIMEOUT') rules.timeout = r;
    }
    return rules;
  }

  /** Where a redirect leads: a voicemail box, or its number routed again. */
  redirectTarget(r: StoredRedirect): Destination {
    if (r.target.type === 'MAILBOX') {
      const id = r.target.voicemailboxId;
      const box = this.state().voicemailboxes.find((v) => v.id === id);
      return box ? { kind: 'mailbox', dialled: box.number, box } : { kind: 'none', dialled: `mailbox ${id}` };
    }
    return this.resolve(r.target.phoneNumber);
  }

  /**
   * The number the PBX presents for a user (PhoneNumberConfig `displayNumberId`): an external number in its
   * international form (`+4930555011`), an internal one as its digits. Undefined when none is set.
   */
  displayNumber(user: StoredUser): string | undefined {
    const state = this.state();
    const id = state.telephonySettings.find((s) => s.userId === user.id)?.displayNumberId;
    if (id === null || id === undefined) return undefined;
    const n = state.phoneNumbers.find((p) => p.id === id);
    return n ? fullNumber(state, n) : undefined;
  }

  /** Whether a second call may knock on a user in a call (PhoneConfig `callWaiting`; default on, as on the PBX). */
  callWaiting(user: StoredUser): boolean {
    return this.state().telephonySettings.find((s) => s.userId === user.id)?.callWaiting ?? true;
  }
}
