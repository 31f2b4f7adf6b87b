import {
  USER_STATE_EVENT,
  USER_STATE_SERVICE,
  type UciUserState,
  type UciUserStateEventData,
} from '../../../../shared/schemas/uci.js';
import type { StoredUser } from '../../state/model.js';
import type { EventBus } from '../../events/bus.js';
import type { StateHolder } from '../../state/pbx.js';
import type { CallBook } from './callBook.js';

export const DEFAULT_UCI_USER = { doNotDisturb: false, chatPresenceMessage: '' };

export function userState(user: StoredUser, calls: CallBook): UciUserState {
  const uci = user.uci ?? DEFAULT_UCI_USER;
  return {
    avatarHash: '',
    chatPresence: uci.doNotDisturb ? 'DO_NOT_DISTURB' : 'AVAILABLE',
    telephonyState: calls.telephonyState(user.id),
    chatPresenceMessage: uci.chatPresenceMessage,
    redirectAlwaysActive: false,
    doNotDisturb: uci.doNotDisturb,
  };
}

export function userStateEventData(user: StoredUser, calls: CallBook): UciUserStateEventData {
  return { userId: user.id, login: user.login, ...userState(user, calls) };
}

/** Persists a change of the user's UCI state and publishes `ucp.v22.events.userState receiveUserState`. */
export function changeUserState(
  holder: StateHolder,
  calls: CallBook,
  userId: number,
  patch: Partial<typeof DEFAULT_UCI_USER>,
): Promise<UciUserState> {
  return holder.commit((draft, emit) => {
    const user = draft.users.find((u) => u.id === userId);
    if (!user) throw new Error('the user no longer exists');
    user.uci = { ...DEFAULT_UCI_USER, ...user.uci, ...patch };
    const data = userStateEventData(user, calls);
    emit({ service: USER_STATE_SERVICE, event: USER_STATE_EVENT, data });
    return userState(user, calls);
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
      bus.publish({ service: USER_STATE_SERVICE, event: USER_STATE_EVENT, data: userStateEventData(user, calls) });
  });
}
