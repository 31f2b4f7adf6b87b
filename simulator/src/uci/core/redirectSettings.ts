import { UCI_ERRORS, UCI_METHODS } from '../../../../shared/schemas/uci.js';
import type { UciMailbox, UciRedirectSetting, UciRedirectSettingInput } from '../../../../shared/schemas/uciValues.js';
import type { PbxState, StoredUser } from '../../state/model.js';
import { fullNumber } from '../../state/numberFormat.js';
import type { Emit } from '../../state/pbx.js';
import {
  changeRefusal,
  listRedirects,
  mayChangeRedirect,
  redirectAccountsOf,
  updateRedirect,
  type RedirectionUpdate,
} from '../../state/redirects.js';
import type { StoredPhoneNumber, StoredRedirect } from '../../state/telephonyModel.js';
import { toUciMailbox } from './mailboxes.js';
import { RpcError } from './methods.js';
import { uciRefusal } from './refusal.js';

/*
 * The UCI's RedirectSetting (v30 Java type, starface-uci-methods.md §3.5) over the REST 6.7 redirections
 * (state/redirects.ts): the same records, ids, rules and sim.events.redirects events. The UCI says VOICEMAIL
 * where REST says MAILBOX, and names a mailbox by its id as a string.
 */

/** The REST body paths a refusal of updateRedirect names, as the UCI member a client sent. */
const REST_FIELDS = {
  'redirectDestination.phoneNumber': 'destination',
  'redirectDestination.mailboxId': 'destination',
  'redirectTrigger.redirectTriggerType': 'type',
};

/**
 * The mailboxes a redirection may go to: for the user's own number the boxes that name the user, for a
 * group's number the boxes that name the group (the facts do not say; this is what each owner's box is for).
 */
export function mailboxesFor(state: PbxState, userId: number, number: StoredPhoneNumber): UciMailbox[] {
  const groupId = number.groupId;
  return state.voicemailboxes
    .filter((b) =>
      groupId !== null ? b.groups.some((g) => g.groupId === groupId) : b.users.some((u) => u.userId === userId),
    )
    .map(toUciMailbox);
}

export function toUciRedirectSetting(state: PbxState, userId: number, r: StoredRedirect): UciRedirectSetting {
  const number = state.phoneNumbers.find((n) => n.id === r.phoneNumberId)!;
  return {
    id: r.id,
    type: r.trigger,
    calledNumber: fullNumber(state, number),
    groupRedirect: number.groupId !== null,
    enabled: r.enabled,
    destinationType: r.target.type === 'MAILBOX' ? 'VOICEMAIL' : 'PHONENUMBER',
    destination: r.target.type === 'MAILBOX' ? String(r.target.voicemailboxId) : r.target.phoneNumber,
    lastDestinationNumber: r.lastPhoneNumber ?? '',
    lastDestinationMailbox: r.lastVoicemailboxId === null ? '' : String(r.lastVoicemailboxId),
    timeout: r.delaySeconds,
    mailboxes: mailboxesFor(state, userId, number),
  };
}

/** The redirections of the user's own numbers and of their groups' numbers, as GET /redirects lists them. */
export function redirectSettingsOf(state: PbxState, userId: number): UciRedirectSetting[] {
  return listRedirects(state, redirectAccountsOf(state, userId)).map((r) => toUciRedirectSetting(state, userId, r));
}

/**
 * The REST body a UCI change stands for. A member left out keeps its value; switching the destination type
 * without a destination takes the one used last for that type. A VOICEMAIL destination must be one of the
 * setting's `mailboxes` (unless it is the one already set).
 */
function toRestUpdate(current: UciRedirectSetting, input: UciRedirectSettingInput, where: string): RedirectionUpdate {
  const type = input.destinationType ?? current.destinationType;
  const sameType = type === current.destinationType;
  const destination =
    input.destination ??
    (sameType
      ? current.destination
      : type === 'VOICEMAIL'
        ? current.lastDestinationMailbox
        : current.lastDestinationNumber);
  if (type === 'VOICEMAIL') {
    const unchanged = sameType && destination === current.destination;
    if (!unchanged && !current.mailboxes.some((b) => b.id === destination)) {
      const valid = current.mailboxes.map((b) => `${b.id} (${b.name})`).join(', ') || 'none';
      throw new RpcError(
        destination === '' ? UCI_ERRORS.invalidParams : UCI_ERRORS.notFound,
        `${where}"destination": ${
          destination === ''
            ? 'a VOICEMAIL redirect needs a mailbox id'
            : `"${destination}" is no mailbox of this redirect`
        }; its mailboxes: ${valid}`,
      );
    }
  }
  return {
    enabled: input.enabled ?? current.enabled,
    redirectTrigger: { redirectTriggerType: current.type },
    redirectDestination:
      type === 'VOICEMAIL'
        ? { redirectDestinationType: 'MAILBOX', mailboxId: destination }
        : { redirectDestinationType: 'PHONENUMBER', phoneNumber: destination },
  };
}

/**
 * setRedirectSetting(s): every entry is checked first (one of the user's settings, each at most once, the right to
 * change it, a mailbox of its own), then applied with the REST rules; a refusal anywhere throws, and the
 * commit it runs in then changes nothing.
 */
export function changeRedirectSettings(
  draft: PbxState,
  emit: Emit,
  user: StoredUser,
  inputs: readonly UciRedirectSettingInput[],
  where: (i: number) => string,
): void {
  const mine = new Map(listRedirects(draft, redirectAccountsOf(draft, user.id)).map((r) => [r.id, r]));
  const seen = new Set<string>();
  const plans = inputs.map((input, i) => {
    const r = mine.get(input.id);
    if (!r)
      throw new RpcError(
        UCI_ERRORS.notFound,
        `${where(i)}"id": "${input.id}" is not one of your redirect settings; ${
          mine.size ? `yours: ${[...mine.keys()].join(', ')}` : 'you have none'
        } (see ${UCI_METHODS.getRedirectSettings})`,
      );
    if (seen.has(input.id))
      throw new RpcError(UCI_ERRORS.invalidParams, `${where(i)}"id": ${input.id} is listed twice`);
    seen.add(input.id);
    if (!mayChangeRedirect(draft, user, r)) throw new RpcError(UCI_ERRORS.forbidden, changeRefusal(user, r));
    return { id: r.id, body: toRestUpdate(toUciRedirectSetting(draft, user.id, r), input, where(i)), input };
  });
  plans.forEach(({ id, body, input }, i) => {
    try {
      updateRedirect(draft, emit, id, body, input.timeout);
    } catch (err) {
      throw uciRefusal(err, REST_FIELDS, where(i));
    }
  });
}
