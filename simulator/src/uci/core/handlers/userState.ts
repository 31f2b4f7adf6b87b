import { changeUserState, userState } from '../userState.js';
import type { HandlerTable } from './types.js';

/** userState: presence, DND, the presence message and the avatar. */
export const USER_STATE_HANDLERS: HandlerTable<
  'getUserState' | 'setDoNotDisturbSetting' | 'setChatPresenceMessage' | 'getAvatarImage'
> = {
  getUserState: (ctx, _conn, user) => userState(ctx.holder.state, user, ctx.calls),
  setDoNotDisturbSetting: (ctx, _conn, user, p) =>
    changeUserState(ctx.holder, ctx.calls, user.id, { doNotDisturb: p.doNotDisturb }),
  setChatPresenceMessage: (ctx, _conn, user, p) =>
    changeUserState(ctx.holder, ctx.calls, user.id, { chatPresenceMessage: p.message }),
  getAvatarImage: (ctx, _conn, user) => ctx.holder.state.avatars.find((a) => a.userId === user.id)?.base64 ?? '',
};
