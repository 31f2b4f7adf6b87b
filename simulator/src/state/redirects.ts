import { RIGHT_ADMIN, type RightKey } from '../../../shared/catalogue.js';
import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type { Redirection, RedirectTriggerType } from '../../../shared/schemas/redirects.js';
import { invalid, notFound } from './errors.js';
import { groupMemberIds } from './groups.js';
import { invalidField } from './invalidField.js';
import type { PbxState, StoredUser } from './model.js';
import { fullNumber } from './numberFormat.js';
import type { Emit } from './pbx.js';
import type { StoredPhoneNumber, StoredRedirect } from './telephonyModel.js';

/*
 * Redirections (call forwarding) of the REST API 6.7. The API has no POST: on the PBX every number of a user or
 * group has one redirection per trigger (ALWAYS, BUSY, TIMEOUT) from the start, disabled until configured. The
 * store keeps only the configured ones; the others are answered as defaults with a stable id
 * `<phoneNumberId>-<TRIGGER>` and stored under that id on their first PUT. A stored redirection counts only while
 * its number still belongs to its account (a number given to someone else does not bring its old forwarding).
 */

export const TRIGGERS: readonly RedirectTriggerType[] = ['ALWAYS', 'BUSY', 'TIMEOUT'];

/** How long a TIMEOUT redirection lets the phones ring before it forwards, until configured otherwise. */
export const DEFAULT_REDIRECT_DELAY_SECONDS = 20;

const DEFAULT_ID = /^(\d{1,15})-(ALWAYS|BUSY|TIMEOUT)$/;

export function defaultRedirectId(phoneNumberId: number, trigger: RedirectTriggerType): string {
  return `${phoneNumberId}-${trigger}`;
}

function ownerOf(n: StoredPhoneNumber): number | null {
  return n.userId ?? n.groupId;
}

function isCurrent(state: PbxState, r: StoredRedirect): boolean {
  const n = state.phoneNumbers.find((x) => x.id === r.phoneNumberId);
  return n !== undefined && ownerOf(n) === r.accountId;
}

/** The redirection of one number for one trigger: the configured one, else the disabled default. */
function effective(state: PbxState, number: StoredPhoneNumber, trigger: RedirectTriggerType): StoredRedirect {
  const accountId = ownerOf(number)!;
  return (
    state.redirects.find(
      (r) => r.accountId === accountId && r.phoneNumberId === number.id && r.trigger === trigger,
    ) ?? {
      id: defaultRedirectId(number.id, trigger),
      accountId,
      phoneNumberId: number.id,
      trigger,
      enabled: false,
      target: { type: 'PHONENUMBER', phoneNumber: '' },
      lastPhoneNumber: null,
      lastVoicemailboxId: null,
      delaySeconds: DEFAULT_REDIRECT_DELAY_SECONDS,
    }
  );
}

/** Every redirection of these accounts: per account, per number (as stored), per trigger. */
export function listRedirects(state: PbxState, accountIds: readonly number[]): StoredRedirect[] {
  const out: StoredRedirect[] = [];
  for (const accountId of accountIds)
    for (const n of state.phoneNumbers)
      if (ownerOf(n) === accountId) for (const trigger of TRIGGERS) out.push(effective(state, n, trigger));
  return out;
}

/** The accounts whose redirections a user sees: their own and those of the groups they belong to. */
export function redirectAccountsOf(state: PbxState, userId: number): number[] {
  return [userId, ...state.groups.filter((g) => groupMemberIds(state, g).includes(userId)).map((g) => g.id)];
}

/*
 * Who may read and change a redirection: one rule for every API (REST /redirects, UCI redirect.*). Reading: the
 * account's own user, a member of the account's group, or an administrator. Changing: as reading, and the right
 * for it — "Umleitung" for one's own, "Gruppe umleiten" for a group's.
 */

export function mayReadRedirect(state: PbxState, actor: StoredUser, r: StoredRedirect): boolean {
  return actor.rights.includes(RIGHT_ADMIN) || redirectAccountsOf(state, actor.id).includes(r.accountId);
}

export function mayChangeRedirect(state: PbxState, actor: StoredUser, r: StoredRedirect): boolean {
  if (actor.rights.includes(RIGHT_ADMIN)) return true;
  const has = (right: RightKey) => actor.rights.includes(right);
  if (r.accountId === actor.id) return has('redirect_perm');
  return redirectAccountsOf(state, actor.id).includes(r.accountId) && has('group_redirect_perm');
}

/** Why `mayChangeRedirect` said no (for a redirection the actor may read). */
export function changeRefusal(actor: StoredUser, r: StoredRedirect): string {
  return r.accountId === actor.id
    ? 'Changing your redirections needs the right "Umleitung" (redirect_perm)'
    : 'Changing a group\'s redirections needs the right "Gruppe umleiten" (group_redirect_perm)';
}

/** A redirection by id (a stored one, or a default one by its `<phoneNumberId>-<TRIGGER>`), else 404. */
export function findRedirect(state: PbxState, id: string): StoredRedirect {
  const stored = state.redirects.find((r) => r.id === id);
  if (stored && isCurrent(state, stored)) return stored;
  const m = DEFAULT_ID.exec(id);
  const number = m ? state.phoneNumbers.find((n) => n.id === Number(m[1])) : undefined;
  if (!m || !number || ownerOf(number) === null) throw notFound('Redirect', id);
  return effective(state, number, m[2] as RedirectTriggerType);
}

export function toRedirection(state: PbxState, r: StoredRedirect): Redirection {
  const number = state.phoneNumbers.find((n) => n.id === r.phoneNumberId);
  const dto: Redirection = {
    id: r.id,
    enabled: r.enabled,
    groupNumber: number?.groupId !== null && number?.groupId !== undefined,
    phoneNumber: number ? fullNumber(state, number) : '',
    redirectTrigger: { redirectTriggerType: r.trigger },
    redirectDestination:
      r.target.type === 'MAILBOX'
        ? { redirectDestinationType: 'MAILBOX', mailboxId: String(r.target.voicemailboxId) }
        : { redirectDestinationType: 'PHONENUMBER', phoneNumber: r.target.phoneNumber },
  };
  if (r.lastVoicemailboxId !== null)
    dto.lastMailboxDestination = { redirectDestinationType: 'MAILBOX', mailboxId: String(r.lastVoicemailboxId) };
  if (r.lastPhoneNumber !== null)
    dto.lastPhoneNumberDestination = { redirectDestinationType: 'PHONENUMBER', phoneNumber: r.lastPhoneNumber };
  return dto;
}

/** What PUT /redirects/{id} takes: the body with its `id` optional (the path names the redirection). */
export type RedirectionUpdate = Omit<Redirection, 'id'> & { id?: string };

const DIALLABLE = /^\+?[0-9*#]{1,32}$/;

/**
 * PUT /redirects/{redirectId}: `enabled` and the destination change; the trigger and the number are what the id
 * names (a different trigger is refused, `phoneNumber` and `groupNumber` are read-only and ignored), and the
 * `last…Destination` fields follow from the destinations used (what a GET gave is accepted back unchanged).
 */
export function updateRedirect(
  state: PbxState,
  emit: Emit,
  id: string,
  body: RedirectionUpdate,
  /** How long a TIMEOUT redirection lets the phones ring: the UCI's `timeout` (the REST shape has no such field). */
  delaySeconds?: number,
): StoredRedirect {
  const current = findRedirect(state, id);
  if (body.id !== undefined && body.id !== current.id && body.id !== id)
    throw invalidField('id', `names redirect ${body.id}, the path ${id}`);
  if (body.redirectTrigger.redirectTriggerType !== current.trigger)
    throw invalidField(
      'redirectTrigger.redirectTriggerType',
      `redirect ${id} is the ${current.trigger} redirection; its trigger cannot change`,
    );
  const number = state.phoneNumbers.find((n) => n.id === current.phoneNumberId)!;
  const dest = body.redirectDestination;
  let target: StoredRedirect['target'];
  if (dest.redirectDestinationType === 'MAILBOX') {
    const boxId = /^\d{1,15}$/.test(dest.mailboxId) ? Number(dest.mailboxId) : NaN;
    // A reference in the body, not the resource of the path: a 400 naming the field, not a 404.
    if (!state.voicemailboxes.some((b) => b.id === boxId))
      throw invalidField('redirectDestination.mailboxId', `no voicemail box ${dest.mailboxId}`);
    target = { type: 'MAILBOX', voicemailboxId: boxId };
  } else {
    const phoneNumber = dest.phoneNumber.trim().replace(/[\s/()-]/g, '');
    if (phoneNumber === '' && body.enabled)
      throw invalidField('redirectDestination.phoneNumber', 'an enabled redirect needs a number to forward to');
    if (phoneNumber !== '' && !DIALLABLE.test(phoneNumber))
      throw invalidField('redirectDestination.phoneNumber', 'must be a phone number (digits, an optional leading +)');
    if (phoneNumber === number.number || phoneNumber === fullNumber(state, number))
      throw invalid('REDIRECT_LOOP', `${phoneNumber} is the redirected number itself`, {
        field: 'redirectDestination.phoneNumber',
      });
    target = { type: 'PHONENUMBER', phoneNumber };
  }
  let stored = state.redirects.find((r) => r.id === current.id);
  if (!stored || !isCurrent(state, stored)) {
    // First change of a default redirection (or its id was left behind by the number's previous owner).
    state.redirects = state.redirects.filter((r) => r.id !== current.id);
    stored = { ...current };
    state.redirects.push(stored);
  }
  stored.enabled = body.enabled;
  stored.target = target;
  if (delaySeconds !== undefined) stored.delaySeconds = delaySeconds;
  if (target.type === 'MAILBOX') stored.lastVoicemailboxId = target.voicemailboxId;
  else if (target.phoneNumber !== '') stored.lastPhoneNumber = target.phoneNumber;
  emit({
    service: SIM_SERVICES.redirects,
    event: 'updated',
    data: {
      redirectId: stored.id,
      accountId: stored.accountId,
      phoneNumberId: stored.phoneNumberId,
      trigger: stored.trigger,
      enabled: stored.enabled,
    },
  });
  return stored;
}
