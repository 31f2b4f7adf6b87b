import type { UciContactInfo } from '../../../../../shared/schemas/uciValues.js';
import type { PbxState, StoredUser } from '../../../state/model.js';
import type { CallBook } from '../callBook.js';
import { internalNumberOf, keyRedirects, keyUser, ownKey, toUciFunctionKey, wrongKeyType } from '../functionKeyView.js';
import { pressKey } from '../keyPress.js';
import { toUciRedirectSetting } from '../redirectSettings.js';
import { userState } from '../userState.js';
import type { HandlerTable } from './types.js';

/** What a key shows of the user behind it (busy lamp field, quick dial to a user). */
function contactInfo(state: PbxState, user: StoredUser, calls: CallBook): UciContactInfo {
  const presence = userState(state, user, calls);
  return {
    accountId: String(user.id),
    login: user.login,
    firstName: user.firstName,
    familyName: user.familyName,
    number: internalNumberOf(state, user),
    chatPresence: presence.chatPresence,
    telephonyState: presence.telephonyState,
    avatarHash: presence.avatarHash,
  };
}

/** functionKey: the keys of the user's key sets, what they watch, and pressing them (keyPress.ts). */
export const FUNCTION_KEY_HANDLERS: HandlerTable<
  | 'getFunctionKeys'
  | 'getCallInfoForKey'
  | 'getContactInfoForKey'
  | 'getImageForKey'
  | 'getRedirectSettingsForKey'
  | 'pressKey'
> = {
  getFunctionKeys: (ctx, _conn, user) => {
    const state = ctx.holder.state;
    return state.functionKeySets
      .filter((s) => s.userId === user.id)
      .flatMap((set) => set.keys.map((key) => toUciFunctionKey(state, set, key)));
  },

  // The live calls of the watched user, as a busy lamp field's lamp follows them (none: it is idle).
  getCallInfoForKey: (ctx, _conn, user, p) => {
    const state = ctx.holder.state;
    const { key } = ownKey(state, user, p.functionKeyId);
    if (key.functionKeyType !== 'BUSYLAMPFIELD') throw wrongKeyType('getCallInfoForKey', key, 'BUSY_LAMP_FIELD');
    const watched = keyUser(state, key);
    if (!watched) return [];
    return ctx.calls.callIds(watched.id).flatMap((id) => {
      const call = ctx.calls.get(id);
      if (!call) return [];
      const { userId: _id, login: _login, ...map } = call;
      return [map];
    });
  },

  getContactInfoForKey: (ctx, _conn, user, p) => {
    const state = ctx.holder.state;
    const { key } = ownKey(state, user, p.functionKeyId);
    const shown = keyUser(state, key);
    if (!shown) throw wrongKeyType('getContactInfoForKey', key, "BUSY_LAMP_FIELD and QUICKDIAL (to a user's number)");
    return contactInfo(state, shown, ctx.calls);
  },

  // "" for a key with no user behind it, as for one without an avatar: its imageHash is "" then too.
  getImageForKey: (ctx, _conn, user, p) => {
    const state = ctx.holder.state;
    const shown = keyUser(state, ownKey(state, user, p.functionKeyId).key);
    return (shown && state.avatars.find((a) => a.userId === shown.id)?.base64) ?? '';
  },

  getRedirectSettingsForKey: (ctx, _conn, user, p) => {
    const state = ctx.holder.state;
    const { key } = ownKey(state, user, p.functionKeyId);
    return keyRedirects(state, user, key, 'getRedirectSettingsForKey').map((r) =>
      toUciRedirectSetting(state, user.id, r),
    );
  },

  pressKey: (ctx, _conn, user, p) => pressKey(ctx, user, p.functionKeyId),
};
