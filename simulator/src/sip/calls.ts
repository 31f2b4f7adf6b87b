import { randomUUID } from 'node:crypto';
import {
  CALL_EVENT_SERVICE,
  CALL_STATE_EVENT,
  CallStateSchema,
  type CallInfo,
  type CallParty,
  type CallStateName,
  type VirtualPhone,
} from '../../../shared/schemas/calls.js';
import type { EventBus } from '../events/bus.js';
import type { StoredUser } from '../state/model.js';

/** The number the UCI shows for a user: the extension, else the login. */
export function userNumber(u: Pick<StoredUser, 'extension' | 'login'>): string {
  return u.extension ?? u.login;
}

export function userName(u: Pick<StoredUser, 'firstName' | 'familyName'>): string {
  return `${u.firstName} ${u.familyName}`.trim();
}

interface Party {
  kind: 'user' | 'virtual';
  user?: StoredUser;
  number: string;
  name: string;
  /** The UCI call id of this party's view (users only). */
  id: string | null;
  state: CallStateName;
}

export interface Call {
  callId: string;
  startedAt: number;
  connectedAt: number | null;
  caller: Party;
  callee: Party;
  ended: boolean;
}

/**
 * The call model: one call per Call-ID of the caller's leg, with the UCI call states of both parties
 * (the caller: PROCEEDING, RINGBACK, CONNECTED, HANGUP; a called user: INCOMING, RINGING, CONNECTED, HANGUP).
 * Every state change of a user party is published as `ucp.v22.events.call receiveCallState`; a virtual
 * phone is no user and has no events of its own.
 */
export class CallTracker {
  private readonly calls = new Map<string, Call>();

  constructor(
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  /** The call in which `id` is the UCI call id of one of the parties. */
  byPartyId(id: string): Call | undefined {
    for (const c of this.calls.values()) if (c.caller.id === id || c.callee.id === id) return c;
    return undefined;
  }

  /**
   * Starts a call: the caller's PROCEEDING. The callee gets INCOMING once the INVITE reaches them. A callee
   * given by `number` only (click-to-dial to a number that is nobody) is shown like a virtual phone.
   * `callerId` is the caller's UCI call id when the client chose it (placeCallWithPhone's callId).
   */
  start(
    callId: string,
    caller: StoredUser,
    callee: { user: StoredUser } | { phone: VirtualPhone } | { number: string },
    callerId?: string,
  ): Call {
    const existing = this.calls.get(callId);
    if (existing) return existing;
    const call: Call = {
      callId,
      startedAt: this.now(),
      connectedAt: null,
      caller: {
        kind: 'user',
        user: caller,
        number: userNumber(caller),
        name: userName(caller),
        id: callerId ?? randomUUID(),
        state: 'REQUESTED',
      },
      callee:
        'user' in callee
          ? {
              kind: 'user',
              user: callee.user,
              number: userNumber(callee.user),
              name: userName(callee.user),
              id: randomUUID(),
              state: 'REQUESTED',
            }
          : 'phone' in callee
            ? { kind: 'virtual', number: callee.phone.extension, name: callee.phone.name, id: null, state: 'REQUESTED' }
            : { kind: 'virtual', number: callee.number, name: '', id: null, state: 'REQUESTED' },
      ended: false,
    };
    this.calls.set(callId, call);
    this.set(call, 'caller', 'PROCEEDING');
    return call;
  }

  /** The INVITE was sent to the callee's devices. */
  incoming(call: Call): void {
    if (call.callee.state === 'REQUESTED') this.set(call, 'callee', 'INCOMING');
  }

  /** A 180 or 183 came back. */
  ringing(call: Call): void {
    if (call.caller.state === 'PROCEEDING') this.set(call, 'caller', 'RINGBACK');
    if (call.callee.kind === 'virtual') {
      call.callee.state = 'RINGING';
    } else if (call.callee.state === 'INCOMING' || call.callee.state === 'REQUESTED') {
      if (call.callee.state === 'REQUESTED') this.set(call, 'callee', 'INCOMING');
      this.set(call, 'callee', 'RINGING');
    }
  }

  connected(call: Call): void {
    if (call.ended || call.connectedAt !== null) return;
    call.connectedAt = this.now();
    this.set(call, 'caller', 'CONNECTED');
    this.set(call, 'callee', 'CONNECTED');
  }

  /** The call ended (BYE, CANCEL, a final error, a timeout, a closed connection). Idempotent. */
  hangup(call: Call): void {
    if (call.ended) return;
    call.ended = true;
    this.set(call, 'caller', 'HANGUP');
    // A callee who never saw the call has nothing to hang up.
    if (call.callee.state !== 'REQUESTED') this.set(call, 'callee', 'HANGUP');
    this.calls.delete(call.callId);
  }

  /** Live calls for `GET /rest/sim/calls`. */
  list(): CallInfo[] {
    return [...this.calls.values()].map((c) => ({
      callId: c.callId,
      startedAt: new Date(c.startedAt).toISOString(),
      connectedAt: c.connectedAt === null ? null : new Date(c.connectedAt).toISOString(),
      caller: this.view(c.caller),
      callee: this.view(c.callee),
    }));
  }

  /** Ends every call (the simulator stops). */
  clear(): void {
    for (const call of [...this.calls.values()]) this.hangup(call);
  }

  private view(p: Party): CallParty {
    return {
      kind: p.kind,
      userId: p.user?.id ?? null,
      login: p.user?.login ?? null,
      number: p.number,
      name: p.name,
      id: p.id,
      state: p.state,
    };
  }

  private set(call: Call, role: 'caller' | 'callee', state: CallStateName): void {
    const party = call[role];
    if (party.state === state) return;
    party.state = state;
    if (party.kind !== 'user' || !party.user || !party.id) return;
    const data = CallStateSchema.parse({
      userId: party.user.id,
      login: party.user.login,
      id: party.id,
      state,
      timestamp: this.now(),
      callerNumber: call.caller.number,
      callerName: call.caller.name,
      calledNumber: call.callee.number,
      calledName: call.callee.name,
    });
    this.bus.publish({ service: CALL_EVENT_SERVICE, event: CALL_STATE_EVENT, data });
  }
}
