import type { VirtualPhone } from '../../../../shared/schemas/calls.js';
import type { PbxState } from '../../state/model.js';

/** A virtual phone with this extension; users come first, so callers look a user up before this. */
export function findVirtualPhone(state: PbxState, extension: string | undefined): VirtualPhone | undefined {
  return (state.virtualPhones ?? []).find((p) => p.extension === extension);
}

/** What a virtual phone does to a call, in the terms of whoever answers for it (the proxy, the B2BUA). */
export interface VirtualPhoneScript {
  busy(): void;
  ringing(): void;
  declined(): void;
  answered(): void;
}

/**
 * Plays a virtual phone's behaviour. It lives here once so that a call through the proxy and a click-to-dial
 * call to the same phone behave alike; `after` is the caller's timer, which it cancels when the call ends.
 */
export function ringVirtualPhone(
  phone: VirtualPhone,
  after: (ms: number, fn: () => void) => void,
  on: VirtualPhoneScript,
): void {
  if (phone.behaviour === 'busy') return on.busy();
  on.ringing();
  if (phone.behaviour === 'no-answer') return;
  after(phone.answerAfterMs, () => (phone.behaviour === 'decline' ? on.declined() : on.answered()));
}
