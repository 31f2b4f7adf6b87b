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
  /**
   * What this called party's events show as called, when it is not the dialled party: a group member shows
   * the group's number and name, the target of a redirect its own.
   */
  called?: { number: string; name: string };
  /** The group account id, when the call rings this party as a member of a group (or the dialled party is one). */
  groupId?: number;
}

export interface Call {
  callId: string;
  startedAt: number;
  connectedAt: number | null;
  caller: Party;
  /** The dialled party as the caller sees it (a user, a group, a virtual phone, a number). */
  callee: Party;
  /**
   * The users whose phones the call rings (or rang, until it connected): the dialled user, each member of a
   * group, the target of a redirect. For a call to one user it is that user's party itself.
   */
  legs: Party[];
  /** Every user leg the call had, also those dropped since (who did not answer): the call journal's parties. */
  presented: Party[];
  /** The leg that answered; null while unanswered, or when no user answered (a virtual phone, a mailbox). */
  answeredBy: Party | null;
  ended: boolean;
  endedAt: number | null;
}

/** Who a call is presented to, with what it shows: the dialled user, or a group member or redirect target. */
export type CalledParty =
  { user: StoredUser } | { phone: VirtualPhone } | { number: string; name?: string; groupId?: number };

/**
 * The call model: one call per Call-ID of the caller's leg, with the UCI call states of the caller and of
 * every user it rings (the caller: PROCEEDING, RINGBACK, CONNECTED, HANGUP; a called user: INCOMING, RINGING,
 * CONNECTED, HANGUP — the members a forked call rang and who did not answer: HANGUP once another one did).
 * Every state change of a user party is published as `ucp.v22.events.call receiveCallState`; a virtual
 * phone, a group or a mailbox is no user and has no events of its own.
 */
export class CallTracker {
  private readonly calls = new Map<string, Call>();

  constructor(
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
    /** Told once when a call ends, after its last state change (the call journal). */
    private readonly onEnded?: (call: Call) => void,
  ) {}

  /** The call in which `id` is the UCI call id of one of the parties. */
  byPartyId(id: string): Call | undefined {
    for (const c of this.calls.values())
      if (c.caller.id === id || c.callee.id === id || c.legs.some((l) => l.id === id)) return c;
    return undefined;
  }

  /** Whether `user` is a party of a call, other than `except`, that holds their line (not one only ringing). */
  inCall(userId: number, except?: Call): boolean {
    for (const c of this.calls.values()) {
      if (c === except || c.ended) continue;
      if (c.caller.user?.id === userId) return true;
      if (c.legs.some((l) => l.user?.id === userId && l.state === 'CONNECTED')) return true;
    }
    return false;
  }

  /**
   * Starts a call: the caller's PROCEEDING. The callee gets INCOMING once the INVITE reaches them. A callee
   * given by `number` only (click-to-dial to a number that is nobody, a group) is shown like a virtual phone.
   * `callerId` is the caller's UCI call id when the client chose it (placeCallWithPhone's callId).
   */
  start(callId: string, caller: StoredUser, callee: CalledParty, callerId?: string): Call {
    const existing = this.calls.get(callId);
    if (existing) return existing;
    const party: Party =
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
          : {
              kind: 'virtual',
              number: callee.number,
              name: callee.name ?? '',
              id: null,
              state: 'REQUESTED',
              ...(callee.groupId === undefined ? {} : { groupId: callee.groupId }),
            };
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
      callee: party,
      legs: party.kind === 'user' ? [party] : [],
      presented: party.kind === 'user' ? [party] : [],
      answeredBy: null,
      ended: false,
      endedAt: null,
    };
    this.calls.set(callId, call);
    this.set(call, call.caller, 'PROCEEDING');
    return call;
  }

  /**
   * The call now also rings `user` (a group member, the target of a redirect): a new leg with its own UCI
   * call id, showing `called` as the called party; `groupId` when it rings them as a member of that group. The
   * dialled user's own leg exists from `start`.
   */
  addLeg(call: Call, user: StoredUser, called?: { number: string; name: string }, groupId?: number): void {
    if (call.ended || call.legs.some((l) => l.user?.id === user.id && l.state !== 'HANGUP')) return;
    const leg: Party = {
      kind: 'user',
      user,
      number: userNumber(user),
      name: userName(user),
      id: randomUUID(),
      state: 'REQUESTED',
      called,
      ...(groupId === undefined ? {} : { groupId }),
    };
    call.legs.push(leg);
    call.presented.push(leg);
  }

  /** The INVITE was sent to the callee's devices: every leg not yet told gets INCOMING. */
  incoming(call: Call): void {
    for (const leg of call.legs) if (leg.state === 'REQUESTED') this.set(call, leg, 'INCOMING');
  }

  /** A 180 or 183 came back (from the devices of `userId`, when known). */
  ringing(call: Call, userId?: number): void {
    if (call.caller.state === 'PROCEEDING') this.set(call, call.caller, 'RINGBACK');
    if (call.callee.kind === 'virtual' && call.legs.length === 0) call.callee.state = 'RINGING';
    for (const leg of call.legs) {
      if (userId !== undefined && leg.user?.id !== userId) continue;
      if (leg.state === 'REQUESTED') this.set(call, leg, 'INCOMING');
      if (leg.state === 'INCOMING') this.set(call, leg, 'RINGING');
    }
  }

  /**
   * The call is answered (by a device of `userId`, when known): the caller and that leg CONNECTED, every
   * other leg HANGUP (the group members who did not answer). Without legs (a virtual phone, a mailbox) only
   * the caller connects.
   */
  connected(call: Call, userId?: number): void {
    if (call.ended || call.connectedAt !== null) return;
    call.connectedAt = this.now();
    const answering = call.legs.find((l) => l.state !== 'HANGUP' && (userId === undefined || l.user?.id === userId));
    for (const leg of call.legs) if (leg !== answering) this.dropLeg(call, leg);
    this.set(call, call.caller, 'CONNECTED');
    call.answeredBy = answering ?? null;
    if (answering) {
      this.set(call, answering, 'CONNECTED');
      call.legs = [answering];
      if (call.callee.kind === 'virtual' && !call.callee.user) call.callee.state = 'CONNECTED';
    } else {
      call.legs = [];
      call.callee.state = 'CONNECTED';
    }
  }

  /** The call stopped ringing at `userId` (their devices refused, a redirect took it on): that leg HANGUP. */
  dropUser(call: Call, userId: number): void {
    for (const leg of call.legs) if (leg.user?.id === userId) this.dropLeg(call, leg);
    call.legs = call.legs.filter((l) => l.state !== 'HANGUP');
  }

  /** The users the call is still ringing. */
  ringingUsers(call: Call): number[] {
    return call.legs.filter((l) => l.state !== 'HANGUP' && l.user).map((l) => l.user!.id);
  }

  /** The call ended (BYE, CANCEL, a final error, a timeout, a closed connection). Idempotent. */
  hangup(call: Call): void {
    if (call.ended) return;
    call.ended = true;
    call.endedAt = this.now();
    this.set(call, call.caller, 'HANGUP');
    for (const leg of call.legs) this.dropLeg(call, leg);
    if (call.callee.kind === 'virtual') call.callee.state = 'HANGUP';
    this.calls.delete(call.callId);
    this.onEnded?.(call);
  }

  /** A leg that never saw the call has nothing to hang up. */
  private dropLeg(call: Call, leg: Party): void {
    if (leg.state === 'REQUESTED') leg.state = 'HANGUP';
    else this.set(call, leg, 'HANGUP');
  }

  /** Live calls for `GET /rest/sim/calls`. */
  list(): CallInfo[] {
    return [...this.calls.values()].map((c) => ({
      callId: c.callId,
      startedAt: new Date(c.startedAt).toISOString(),
      connectedAt: c.connectedAt === null ? null : new Date(c.connectedAt).toISOString(),
      caller: this.view(c.caller),
      // The user who answered (or is rung) rather than the group or number that was dialled, once there is one.
      callee: this.view(c.legs[0] ?? c.callee),
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

  private set(call: Call, party: Party, state: CallStateName): void {
    if (party.state === state) return;
    party.state = state;
    if (party.kind !== 'user' || !party.user || !party.id) return;
    const called = party === call.caller ? undefined : party.called;
    const data = CallStateSchema.parse({
      userId: party.user.id,
      login: party.user.login,
      id: party.id,
      state,
      timestamp: this.now(),
      callerNumber: call.caller.number,
      callerName: call.caller.name,
      calledNumber: called?.number ?? call.callee.number,
      calledName: called?.name ?? call.callee.name,
    });
    this.bus.publish({ service: CALL_EVENT_SERVICE, event: CALL_STATE_EVENT, data });
  }
}
