import type { StoredUser } from '../../state/model.js';

/**
 * Places and ends calls on the SIP side. simulator.ts wires it to the SIP proxy (uci/sipCallControl.ts);
 * without it the call requests that need it answer -32000.
 */
export interface UciCallControl {
  /** Click-to-dial: rings the user's phone (phoneId, else any registered one or virtual phone), then `destination`. Answers the UCI call id. */
  placeCallWithPhone(
    user: StoredUser,
    destination: string,
    phoneId: string | undefined,
    callId: string | undefined,
  ): Promise<string>;
  /** Ends the call the user sees under `callId`. */
  hangupCall(user: StoredUser, callId: string): Promise<void>;
}

export const NO_CALL_CONTROL =
  'call control is not available: no SIP call control is wired to this UCI connector; getCallIds and getCallState work from the call events';
