import { UCI_ERRORS } from '../../../shared/schemas/uci.js';
import { CallControlError } from '../sip/b2bua/callControlError.js';
import type { SipProxy } from '../sip/proxy/proxy.js';
import type { StoredUser } from '../state/model.js';
import { isAdminUser } from '../auth/uciToken.js';
import type { UciCallControl } from './core/callControl.js';
import { RpcError } from './core/methods.js';

/**
 * The UCI call requests on the SIP proxy: placeCallWithPhone is the proxy's click-to-dial (third-party call
 * control), hangupCall ends a click-to-dial or a proxied call. A user may hang up the calls they are a party of;
 * an administrator any call.
 */
export function sipCallControl(proxy: () => SipProxy | undefined): UciCallControl {
  const router = (): SipProxy => {
    const p = proxy();
    if (!p)
      throw new RpcError(
        UCI_ERRORS.callControlUnavailable,
        'call control is not available: the SIP side is not running',
      );
    return p;
  };
  return {
    placeCallWithPhone(
      user: StoredUser,
      destination: string,
      phoneId: string | undefined,
      callId: string | undefined,
    ): Promise<string> {
      try {
        return Promise.resolve(router().clickToDial.place(user, destination, phoneId, callId));
      } catch (err) {
        if (err instanceof CallControlError) {
          return Promise.reject(
            new RpcError(err.kind === 'no-phone' ? UCI_ERRORS.noPhone : UCI_ERRORS.invalidParams, err.message),
          );
        }
        return Promise.reject(err as Error);
      }
    },
    hangupCall(user: StoredUser, callId: string): Promise<void> {
      const p = router();
      const call = p.findCall(callId);
      const party = call && (call.caller.user?.id === user.id || call.legs.some((l) => l.user?.id === user.id));
      if (!call || (!party && !isAdminUser(user))) {
        return Promise.reject(
          new RpcError(UCI_ERRORS.notFound, `No live call with id "${callId}" for you (see getCallIds)`),
        );
      }
      p.hangUp(callId, user.login);
      return Promise.resolve();
    },
  };
}
