import { UCI_ERRORS, UCI_METHODS } from '../../../../../shared/schemas/uci.js';
import { NO_CALL_CONTROL } from '../callControl.js';
import { RpcError } from '../methods.js';
import type { HandlerContext, HandlerTable, UciPeer } from './types.js';

export function ownCall(ctx: HandlerContext, conn: UciPeer, callId: string) {
  const call = ctx.calls.get(callId);
  if (!call || (call.userId !== conn.session.user!.id && !conn.session.user!.admin)) {
    throw new RpcError(UCI_ERRORS.notFound, `No live call with id "${callId}" for you (see ${UCI_METHODS.getCallIds})`);
  }
  return call;
}

/** call: click-to-dial, hang-up and the live calls (the call book). */
export const CALL_HANDLERS: HandlerTable<'placeCallWithPhone' | 'getCallIds' | 'getCallState' | 'hangupCall'> = {
  placeCallWithPhone: async (ctx, _conn, user, p) => {
    const control = ctx.callControl();
    if (!control) throw new RpcError(UCI_ERRORS.callControlUnavailable, NO_CALL_CONTROL);
    return { callId: await control.placeCallWithPhone(user, p.destination, p.phoneId, p.callId) };
  },
  getCallIds: (ctx, _conn, user) => ctx.calls.callIds(user.id),
  getCallState: (ctx, conn, _u, p) => {
    const { userId: _id, login: _login, ...map } = ownCall(ctx, conn, p.callId);
    return map;
  },
  hangupCall: async (ctx, conn, user, p) => {
    const control = ctx.callControl();
    if (!control) throw new RpcError(UCI_ERRORS.callControlUnavailable, NO_CALL_CONTROL);
    ownCall(ctx, conn, p.callId);
    await control.hangupCall(user, p.callId);
    return true;
  },
};
