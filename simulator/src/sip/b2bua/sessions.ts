import { randomBytes } from 'node:crypto';
import type { VirtualPhone } from '../../../../shared/schemas/calls.js';
import type { StoredUser } from '../../state/model.js';
import type { SipRequest } from '../message/message.js';
import type { Binding } from '../registrar.js';
import type { Flow } from '../transport/flow.js';
import { userName, userNumber, type Call } from '../calls.js';

/** How long an ended call's legs are remembered, to absorb late responses and retransmissions. */
const LINGER_MS = 32_000;

/** One copy of a leg's INVITE, to one registered contact. */
export interface Fork {
  branch: string;
  req: SipRequest;
  binding: Binding;
  /** 0 until a response came; then the highest status seen. */
  status: number;
  cancelled: boolean;
}

/** The dialog a 2xx made on a leg: where in-dialog requests go, and what was acknowledged. */
export interface LegDialog {
  fork: Fork;
  remoteTag: string;
  /** The To value with the remote tag. */
  to: string;
  target: string;
  routes: string[];
  flow: Flow;
  /** The SDP in the 2xx (the phone's offer; the destination's answer). */
  sdp: string;
  ack?: SipRequest;
}

/** One side of a click-to-dial call, where the simulator is the UAC (RFC 3725 flow I). */
export interface Leg {
  role: 'phone' | 'destination';
  callId: string;
  localTag: string;
  /** Our From value, with our tag. */
  from: string;
  /** The To value of the INVITE (no tag). */
  to: string;
  inviteCseq: number;
  nextCseq: number;
  forks: Fork[];
  dialog?: LegDialog;
  /** The SDP we gave this side last: what a re-INVITE is answered with. */
  localSdp?: string;
  ended: boolean;
  session: Session;
}

export type Destination =
  { kind: 'user'; user: StoredUser } | { kind: 'virtual'; phone: VirtualPhone } | { kind: 'unknown'; number: string };

/** One click-to-dial call: the user's phone leg, and the destination leg once the phone answered. */
export interface Session {
  user: StoredUser;
  call: Call;
  destination: Destination;
  domain: string;
  phone: Leg;
  dest?: Leg;
  timers: ReturnType<typeof setTimeout>[];
  connected: boolean;
  ended: boolean;
}

/** The destination as log lines and Reason texts name it. */
export function destinationLabel(session: Session): string {
  const d = session.destination;
  if (d.kind === 'user') return `${userNumber(d.user)} (${userName(d.user)})`;
  if (d.kind === 'virtual') return `virtual phone ${d.phone.extension} (${d.phone.name})`;
  return d.number;
}

/** A fresh Call-ID for a leg: ours alone, so a message on a leg is recognised by its Call-ID. */
export function legCallId(): string {
  return `${randomBytes(12).toString('hex')}@c2d.starface-sim`;
}

/** The click-to-dial sessions, their legs by Call-ID, and their timers. */
export class Sessions {
  private readonly legs = new Map<string, Leg>();
  private readonly sessions = new Set<Session>();

  add(session: Session): void {
    this.sessions.add(session);
  }

  all(): IterableIterator<Session> {
    return this.sessions.values();
  }

  leg(callId: string): Leg | undefined {
    return this.legs.get(callId);
  }

  newLeg(session: Session, role: Leg['role'], callId: string, from: string, to: string): Leg {
    const cseq = 1 + Math.floor(Math.random() * 1000);
    const leg: Leg = {
      role,
      callId,
      localTag: randomBytes(5).toString('hex'),
      from: '',
      to,
      inviteCseq: cseq,
      nextCseq: cseq,
      forks: [],
      ended: false,
      session,
    };
    leg.from = `${from};tag=${leg.localTag}`;
    this.legs.set(callId, leg);
    return leg;
  }

  /** Runs `fn` after `ms` unless the session ended first. */
  timer(session: Session, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      if (!session.ended) fn();
    }, ms);
    t.unref();
    session.timers.push(t);
  }

  stopTimers(session: Session): void {
    for (const t of session.timers) clearTimeout(t);
    session.timers = [];
  }

  /** The session ended: forget it and its legs after a while. */
  linger(session: Session): void {
    const t = setTimeout(() => {
      this.sessions.delete(session);
      this.legs.delete(session.phone.callId);
      if (session.dest) this.legs.delete(session.dest.callId);
    }, LINGER_MS);
    t.unref();
  }

  clear(): void {
    for (const s of this.sessions) for (const t of s.timers) clearTimeout(t);
    this.sessions.clear();
    this.legs.clear();
  }
}
