import type { PhoneConfig } from '../../../../../shared/schemas/phones.js';
import { UCI_ERRORS, UCI_METHODS } from '../../../../../shared/schemas/uci.js';
import type { UciDisplayNumber } from '../../../../../shared/schemas/uciValues.js';
import type { PbxState, StoredUser } from '../../../state/model.js';
import { fullNumber } from '../../../state/numberFormat.js';
import { possibleSignalNumbers } from '../../../state/phoneNumbers.js';
import { phoneConfig, phonesOfUser, updatePhoneConfig } from '../../../state/phones.js';
import { RpcError } from '../methods.js';
import { uciRefusal } from '../refusal.js';
import type { HandlerContext, HandlerTable } from './types.js';

/*
 * phone: the signed-in user's phones, primary phone, display number and call waiting: the REST 6.7 PhoneConfig
 * of that user (state/phones.ts), so a change here is the same change, with the same rules and the same
 * sim.events.phones configUpdated event, as PUT /users/{id}/phoneconfig. A phone's UCI id is its REST phone id
 * as a string; a display number's id its REST phone number id; "" is the API's 0 ("none").
 */

/** The UCI ids of the user's phones (SIP and iFMC, active or not: all of GET …/phoneconfig/phones). */
export function uciPhoneIds(state: PbxState, userId: number): string[] {
  return phonesOfUser(state, userId).map((p) => String(p.id));
}

/** The numbers the user may show as caller: their own, then their groups' (PhoneNumberConfig possibleSignalnumbers). */
export function availableDisplayNumbers(state: PbxState, userId: number): UciDisplayNumber[] {
  return possibleSignalNumbers(state, userId).map((n) => ({
    id: String(n.id),
    number: fullNumber(state, n),
    // The UCI knows two kinds; a number of a block (EXTERNAL, DISPLAY) is shown outside the PBX.
    type: n.type === 'INTERNAL' ? 'INTERNAL' : 'EXTERNAL',
  }));
}

const idOrNone = (id: number) => (id === 0 ? '' : String(id));

function unknownId(what: string, id: string, valid: string[], listedBy: string): RpcError {
  return new RpcError(
    UCI_ERRORS.notFound,
    `${what} "${id}" is not one of yours; ${valid.length ? `yours: ${valid.join(', ')}` : 'you have none'} (see ${listedBy})`,
  );
}

/** Changes the user's PhoneConfig; `patch` is computed from the draft, so it checks against the state it changes. */
function changeConfig(
  ctx: HandlerContext,
  user: StoredUser,
  patch: (draft: PbxState) => Partial<PhoneConfig>,
): Promise<true> {
  return ctx.holder.commit((draft, emit) => {
    const body = { ...phoneConfig(draft, user.id), ...patch(draft) };
    try {
      updatePhoneConfig(draft, emit, user.id, body);
    } catch (err) {
      throw uciRefusal(err, { primaryPhoneId: 'phoneId', displayNumberId: 'displayNumberId' });
    }
    return true as const;
  });
}

export const PHONE_HANDLERS: HandlerTable<
  | 'getPhoneIds'
  | 'getPrimaryPhoneId'
  | 'setPrimaryPhoneId'
  | 'getAvailableDisplayNumbers'
  | 'getDisplayNumberId'
  | 'setDisplayNumberId'
  | 'getCallWaitingIndication'
  | 'setCallWaitingIndication'
> = {
  getPhoneIds: (ctx, _conn, user) => uciPhoneIds(ctx.holder.state, user.id),
  getPrimaryPhoneId: (ctx, _conn, user) => idOrNone(phoneConfig(ctx.holder.state, user.id).primaryPhoneId),
  setPrimaryPhoneId: (ctx, _conn, user, p) =>
    changeConfig(ctx, user, (draft) => {
      const ids = uciPhoneIds(draft, user.id);
      if (!ids.includes(p.phoneId)) throw unknownId('Phone', p.phoneId, ids, UCI_METHODS.getPhoneIds);
      return { primaryPhoneId: Number(p.phoneId) };
    }),
  getAvailableDisplayNumbers: (ctx, _conn, user) => availableDisplayNumbers(ctx.holder.state, user.id),
  getDisplayNumberId: (ctx, _conn, user) => idOrNone(phoneConfig(ctx.holder.state, user.id).displayNumberId),
  setDisplayNumberId: (ctx, _conn, user, p) =>
    changeConfig(ctx, user, (draft) => {
      const numbers = availableDisplayNumbers(draft, user.id);
      if (!numbers.some((n) => n.id === p.displayNumberId))
        throw unknownId(
          'Display number',
          p.displayNumberId,
          numbers.map((n) => `${n.id} (${n.number})`),
          UCI_METHODS.getAvailableDisplayNumbers,
        );
      return { displayNumberId: Number(p.displayNumberId) };
    }),
  getCallWaitingIndication: (ctx, _conn, user) => phoneConfig(ctx.holder.state, user.id).callWaiting,
  setCallWaitingIndication: (ctx, _conn, user, p) => changeConfig(ctx, user, () => ({ callWaiting: p.callWaiting })),
};
