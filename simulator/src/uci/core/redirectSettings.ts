import type { UciRedirectSetting } from '../../../../shared/schemas/uciValues.js';
import type { PbxState, StoredUser } from '../../state/model.js';
import { fullNumber } from '../../state/numberFormat.js';
import { redirectAccountsOf } from '../../state/redirectAccess.js';
import { listRedirects } from '../../state/redirects.js';
import type { StoredRedirect } from '../../state/telephonyModel.js';
import { mailboxesOf, toUciMailbox } from './mailboxes.js';

/*
 * Redirections as the UCI shows them (v30 RedirectSetting, starface-uci-methods.md §3.5): what the redirect
 * service and the forwarding function keys answer. Derived from the same records as REST 6.7 /redirects,
 * with the same ids, so a client may mix both APIs.
 */

/** Every redirection the user sees: of their own numbers and of their groups' numbers (as GET /redirects). */
export function redirectsVisibleTo(state: PbxState, user: StoredUser): StoredRedirect[] {
  return listRedirects(state, redirectAccountsOf(state, user.id));
}

/**
 * One redirection for `user`. `mailboxes` are the boxes the user belongs to (what a client offers as
 * destinations), plus the current and the remembered box when they are others, so `destination` and
 * `lastDestinationMailbox` always name a listed box.
 */
export function toUciRedirectSetting(state: PbxState, r: StoredRedirect, user: StoredUser): UciRedirectSetting {
  const number = state.phoneNumbers.find((n) => n.id === r.phoneNumberId);
  const boxIds = new Set(mailboxesOf(state, user.id).map((b) => b.id));
  if (r.target.type === 'MAILBOX') boxIds.add(r.target.voicemailboxId);
  if (r.lastVoicemailboxId !== null) boxIds.add(r.lastVoicemailboxId);
  return {
    id: r.id,
    type: r.trigger,
    calledNumber: number ? fullNumber(state, number) : '',
    groupRedirect: number !== undefined && number.groupId !== null,
    enabled: r.enabled,
    destinationType: r.target.type === 'MAILBOX' ? 'VOICEMAIL' : 'PHONENUMBER',
    destination: r.target.type === 'MAILBOX' ? String(r.target.voicemailboxId) : r.target.phoneNumber,
    lastDestinationNumber: r.lastPhoneNumber ?? '',
    lastDestinationMailbox: r.lastVoicemailboxId === null ? '' : String(r.lastVoicemailboxId),
    timeout: r.delaySeconds,
    mailboxes: state.voicemailboxes.filter((b) => boxIds.has(b.id)).map(toUciMailbox),
  };
}
