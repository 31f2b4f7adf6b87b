import {
  USER_STATE_EVENT,
  USER_STATE_SERVICE,
  type UciUserState,
  type UciUserStateEventData,
} from '../../../../shared/schemas/uci.js';
import { createHash } from 'node:crypto';
import type { PbxState, StoredUser } from '../../state/model.js';
import type { EventBus } from '../../events/bus.js';
import type { StateHolder } from '../../state/pbx.js';
import type { CallBook } from './callBook.js';

export const DEFAULT_UCI_USER = { doNotDisturb: false, chatPresenceMessage: '' };

/** SHA-1 of the user's avatar image (as the PBX's presence events carry it), "" without one. */
export function avatarHash(state: PbxState, userId: number): string {
  const avatar = state.avatars.find((a) => a.userId === userId);
  return avatar ? createHash('sha1').update(Buffer.from(avatar.base64, 'base64')).digest('hex') : '';
}

/** userState.redirectAlwaysActive: an ALWAYS redirection of one of the user's own numbers is enabled. */
export function redirectAlwaysActive(state: PbxState, userId: number): boolean {
  return state.redirects.some((r) => r.accountId === userId && r.trigger === 'ALWAYS' && r.enabled);
}

export function userState(state: PbxState, user: StoredUser, calls: CallBook): UciUserState {
  const uci = user.uci ?? DEFAULT_UCI_USER;
  return {
    avatarHash: avatarHash(state, user.id),
    chatPresence: uci.doNotDisturb ? 'DO_NOT_DISTURB' : 'AVAILABLE',
    telephonyState: calls.telephonyState(user.id),
    chatPresenceMessage: uci.chatPresenceMessage,
    redirectAlwaysActive: redirectAlwaysActive(state, user.id),
    doNotDisturb: uci.doNotDisturb,
  };
}

export function userStateEventData(state: PbxState, user: StoredUser, calls: CallBook): UciUserStateEventData {
  return { userId: user.id, login: user.login, ...userState(state, user, calls) };
}

type UciUserSettings = typeof DEFAULT_UCI_USER;

/**
 * Persists a change of the user's UCI state and publishes `ucp.v22.events.userState receiveUserState`. A
 * function patch is computed from the state inside the commit, so a toggle (a DND key) never works on a stale read.
 */
export function changeUserState(
  holder: StateHolder,
  calls: CallBook,
  userId: number,
  patch: Partial<UciUserSettings> | ((current: UciUserSettings) => Partial<UciUserSettings>),
): Promise<UciUserState> {
  return holder.commit((draft, emit) => {
    const user = draft.users.find((u) => u.id === userId);
    if (!user) throw new Error('the user no longer exists');
    const current = { ...DEFAULT_UCI_USER, ...user.uci };
    user.uci = { ...current, ...(typeof patch === 'function' ? patch(current) : patch) };
    const data = userStateEventData(draft, user, calls);
    emit({ service: USER_STATE_SERVICE, event: USER_STATE_EVENT, data });
    return userState(draft, user, calls);
  });
}

/**
 * A change of a user's telephonyState (the call book saw a call begin, ring or end) is a userState event too.
 * Not published from inside the bus's dispatch: every listener must see the call event before this one.
 */
export function publishTelephonyChange(holder: StateHolder, bus: EventBus, calls: CallBook, userId: number): void {
  queueMicrotask(() => {
    const user = holder.state.users.find((u) => u.id === userId);
    if (user)
      bus.publish({
        service: USER_STATE_SERVICE,
        event: USER_STATE_EVENT,
        data: userStateEventData(holder.state, user, calls),
      });
  });
}
