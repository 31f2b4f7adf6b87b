import { CALL_EVENT_SERVICE, CALL_STATE_EVENT, type CallState } from '../../../../shared/schemas/calls.js';
import type { SimEvent } from '../../../../shared/schemas/events.js';
import type { UciUserState } from '../../../../shared/schemas/uci.js';
import type { EventBus } from '../../events/bus.js';

type Telephony = UciUserState['telephonyState'];

/**
 * The live calls as the call-state events on the bus tell them (`ucp.v22.events.call receiveCallState`):
 * what getCallIds / getCallState answer and what a user's telephonyState follows. Replayed events
 * (`data.replayed`) are history, not calls, and are ignored.
 */
export class CallBook {
  private readonly calls = new Map<string, CallState>();
  private readonly byUser = new Map<number, Set<string>>();
  private readonly unsubscribe: () => void;

  constructor(
    bus: EventBus,
    private readonly onTelephonyChange: (userId: number, login: string, state: Telephony) => void,
  ) {
    this.unsubscribe = bus.subscribe((e) => this.onEvent(e));
  }

  stop(): void {
    this.unsubscribe();
  }

  callIds(userId: number): string[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  get(callId: string): CallState | undefined {
    return this.calls.get(callId);
  }

  telephonyState(userId: number): Telephony {
    let state: Telephony = 'AVAILABLE';
    for (const id of this.byUser.get(userId) ?? []) {
      const s = this.calls.get(id)!.state;
      if (s === 'INCOMING' || s === 'RINGING') state = state === 'ACTIVE' ? 'ACTIVE' : 'RINGING';
      else if (s !== 'HANGUP') state = 'ACTIVE';
    }
    return state;
  }

  private onEvent(e: SimEvent): void {
    if (e.service !== CALL_EVENT_SERVICE || e.event !== CALL_STATE_EVENT || e.data.replayed) return;
    const d = e.data as unknown as CallState;
    if (typeof d.id !== 'string' || typeof d.userId !== 'number') return;
    const before = this.telephonyState(d.userId);
    if (d.state === 'HANGUP') {
      this.calls.delete(d.id);
      const set = this.byUser.get(d.userId);
      set?.delete(d.id);
      if (set?.size === 0) this.byUser.delete(d.userId);
    } else {
      this.calls.set(d.id, d);
      let set = this.byUser.get(d.userId);
      if (!set) this.byUser.set(d.userId, (set = new Set()));
      set.add(d.id);
    }
    const after = this.telephonyState(d.userId);
    if (after !== before) this.onTelephonyChange(d.userId, d.login, after);
  }
}
