import { SIM_SERVICES } from '../../../../shared/schemas/events.js';
import type { VirtualPhone } from '../../../../shared/schemas/calls.js';
import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../log.js';
import type { PbxState, StoredUser } from '../../state/model.js';
import type { UserDirectory } from '../directory.js';
import {
  createResponse,
  parseCSeq,
  REASONS,
  tagOf,
  topBranch,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../message/message.js';
import { hopByHopRequest } from '../message/requests.js';
import { parseUri, quoteString } from '../message/uri.js';
import { userName, userNumber, type CallTracker } from '../calls.js';
import type { Binding, Registrar } from '../registrar.js';
import type { Flow } from '../transport/flow.js';
import { withSdp } from '../ua/answer.js';
import { sdpAnswer } from '../ua/sdp.js';
import { findVirtualPhone, ringVirtualPhone } from '../ua/virtualPhone.js';
import { CallControlError } from './callControlError.js';
import { b2buaContact, dialogFrom, inDialogRequest, inviteFork, nameAddr } from './legRequests.js';
import {
  destinationLabel,
  legCallId,
  Sessions,
  type Destination,
  type Fork,
  type Leg,
  type Session,
} from './sessions.js';

export interface ClickToDialHost {
  send(message: SipMessage, flow: Flow): void;
  registrar: Registrar;
  directory: UserDirectory;
  state(): PbxState;
  calls: CallTracker;
  bus: EventBus;
  log: Logger;
  ringTimeoutMs: number;
}

/** A phoneId names a binding by its contact URI, or by the user part of it (sip.js makes a random one). */
function matchesPhone(b: Binding, phoneId: string): boolean {
  if (b.contact === phoneId || b.contactValue === phoneId) return true;
  const uri = parseUri(b.contact);
  return uri?.user !== undefined && uri.user === phoneId;
}

/** The phoneId is one of the user's phone records (its REST phone id as a string, as getPhoneIds answers). */
function isPhoneOf(state: PbxState, userId: number, phoneId: string): boolean {
  return state.phones.some((p) => p.userId === userId && String(p.id) === phoneId);
}

/**
 * Click-to-dial (UCI placeCallWithPhone) as third-party call control, RFC 3725 flow I: the simulator acts as a
 * B2BUA. It INVITEs the user's registered phones without SDP (From: the destination, so the phone shows whom it
 * will call); the phone's 200 carries an offer, which goes in the INVITE to the destination (a user's
 * registered phones, or a virtual phone answered here); the destination's 200 carries the answer, which goes in
 * the ACK to the phone. Both legs have Call-IDs of our own, so requests and responses are recognised by Call-ID.
 * The call states are the CallTracker's: the user PROCEEDING → RINGBACK → CONNECTED → HANGUP, a called user
 * INCOMING → RINGING → CONNECTED → HANGUP.
 *
 * Minimal in-dialog handling: BYE ends both legs; ACK is absorbed; a re-INVITE (or UPDATE) is answered 200 with
 * the SDP that side last got from us (491 before the call is connected); other requests 200. As a UAC we do
 * not retransmit over UDP, and a phone that waits for its ACK longer than 32 s (RFC 3261 Timer H) while the
 * destination rings may give up: the weakness of flow I, acceptable for a simulator.
 */
export class ClickToDial {
  private readonly sessions = new Sessions();

  constructor(private readonly host: ClickToDialHost) {}

  stop(): void {
    this.sessions.clear();
  }

  /** Starts a click-to-dial call; answers the user's UCI call id. Throws CallControlError when nothing can ring. */
  place(user: StoredUser, destination: string, phoneId: string | undefined, uciCallId: string | undefined): string {
    const registered = this.host.registrar.contactsOf(user.id).filter((b) => b.flow.open);
    if (registered.length === 0) {
      throw new CallControlError(
        'no-phone',
        `${user.login} has no registered phone: register a SIP client as ${user.login} (e.g. over ws://…/sip) before placeCallWithPhone`,
      );
    }
    let bindings = phoneId ? registered.filter((b) => matchesPhone(b, phoneId)) : registered;
    // A phone id from getPhoneIds names a phone record (StoredPhone), but a registration cannot be tied to one:
    // every SIP phone of a user registers with the user's SIP login, and nothing in a REGISTER names the record.
    // So a valid phone id of the user rings all their registered devices, as "" (the primary phone) does.
    if (bindings.length === 0 && phoneId && isPhoneOf(this.host.state(), user.id, phoneId)) bindings = registered;
    if (bindings.length === 0) {
      const ids = this.host
        .state()
        .phones.filter((p) => p.userId === user.id)
        .map((p) => String(p.id));
      throw new CallControlError(
        'no-phone',
        `No phone of ${user.login} matches phoneId "${phoneId}"; use one of their phone ids (${ids.join(', ') || 'none'}, see getPhoneIds) or a registered contact: ${registered.map((b) => b.contact).join(', ')}`,
      );
    }
    if (uciCallId !== undefined && this.host.calls.byPartyId(uciCallId)) {
      throw new CallControlError('call-id-in-use', `callId "${uciCallId}" is already in use by a live call`);
    }
    const number = destination.startsWith('sip:') ? (parseUri(destination)?.user ?? destination) : destination.trim();
    const target = this.host.directory.userPart(number);
    const phone = target ? undefined : findVirtualPhone(this.host.state(), number);
    const dest: Destination = target
      ? { kind: 'user', user: target }
      : phone
        ? { kind: 'virtual', phone }
        : { kind: 'unknown', number };

    const callId = legCallId();
    const call = this.host.calls.start(
      callId,
      user,
      dest.kind === 'user' ? { user: dest.user } : dest.kind === 'virtual' ? { phone: dest.phone } : { number },
      uciCallId,
    );
    const domain = parseUri(bindings[0]!.aor)?.host ?? 'localhost';
    // The phone leg refers back to the session: it is set right below.
    const session = { user, call, destination: dest, domain, timers: [], connected: false, ended: false } as Omit<
      Session,
      'phone'
    > as Session;
    const destDisplay = dest.kind === 'user' ? userName(dest.user) : dest.kind === 'virtual' ? dest.phone.name : '';
    const destNumber =
      dest.kind === 'user' ? userNumber(dest.user) : dest.kind === 'virtual' ? dest.phone.extension : number;
    session.phone = this.sessions.newLeg(
      session,
      'phone',
      callId,
      nameAddr(destDisplay, destNumber, domain),
      nameAddr(userName(user), userNumber(user), domain),
    );
    this.sessions.add(session);
    for (const b of bindings) this.invite(session.phone, b);
    this.sessions.timer(session, this.host.ringTimeoutMs, () => {
      if (!session.phone.dialog)
        this.fail(session, 408, `${user.login}'s phone did not answer within ${this.host.ringTimeoutMs} ms`);
    });
    this.host.log('info', 'click-to-dial started', { login: user.login, destination: number, phones: bindings.length });
    return call.caller.id!;
  }

  /** hangupCall: BYE (or CANCEL while ringing) both legs. False when it is no click-to-dial call. */
  hangUp(uciCallId: string, by: string): boolean {
    for (const s of this.sessions.all()) {
      if (s.ended || (s.call.caller.id !== uciCallId && s.call.callee.id !== uciCallId)) continue;
      this.end(s, undefined, { status: 200, text: `hung up by ${by} over UCI` });
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- sending on legs

  private invite(leg: Leg, binding: Binding, sdp?: string): void {
    const fork = inviteFork(leg, binding, sdp);
    leg.forks.push(fork);
    this.host.send(fork.req, binding.flow);
  }

  private sendCancel(fork: Fork): void {
    fork.cancelled = true;
    this.host.send(hopByHopRequest('CANCEL', fork.req), fork.binding.flow);
  }

  /** The ACK for a non-2xx final response: same branch, hop by hop (RFC 3261 §17.1.1.3). */
  private ackFailure(fork: Fork, res: SipResponse): void {
    this.host.send(hopByHopRequest('ACK', fork.req, res), fork.binding.flow);
  }

  /** A 2xx nobody wants (a second fork, or after the call ended): ACK it (with an answer to its offer) and BYE it. */
  private ackAndBye(leg: Leg, fork: Fork, res: SipResponse): void {
    fork.status = Math.max(fork.status, res.status);
    const d = dialogFrom(fork, res);
    const offer = d.sdp;
    this.host.send(
      inDialogRequest(leg, d, 'ACK', leg.inviteCseq, { sdp: offer ? sdpAnswer(offer) : undefined }),
      d.flow,
    );
    this.host.send(inDialogRequest(leg, d, 'BYE', leg.inviteCseq + 1), d.flow);
  }

  // ---------------------------------------------------------------- responses

  /** True when the response belongs to a click-to-dial leg (it is then handled here). */
  handleResponse(res: SipResponse): boolean {
    const leg = this.sessions.leg(res.headers.get('call-id') ?? '');
    if (!leg) return false;
    const cseq = parseCSeq(res.headers.get('cseq'));
    if (!cseq || cseq.method.toUpperCase() !== 'INVITE' || cseq.seq !== leg.inviteCseq) return true; // BYE/CANCEL/re-INVITE answers: absorbed
    const branch = topBranch(res);
    const fork = leg.forks.find((f) => f.branch === branch);
    if (!fork) return true;
    const session = leg.session;
    const status = res.status;
    if (status < 200) {
      if (status === 100 || fork.status >= 200) return true;
      fork.status = Math.max(fork.status, status);
      if (leg.role === 'destination' && !session.ended && (status === 180 || status === 183))
        this.host.calls.ringing(session.call);
      return true;
    }
    if (status < 300) {
      const d = leg.dialog;
      if (d && d.fork === fork && d.remoteTag === tagOf(res.headers.get('to'))) {
        if (d.ack) this.host.send(d.ack, d.flow); // a retransmitted 2xx: our ACK again
        return true;
      }
      if (d || leg.ended || session.ended) {
        this.ackAndBye(leg, fork, res);
        return true;
      }
      fork.status = status;
      leg.dialog = dialogFrom(fork, res);
      for (const other of leg.forks)
        if (other !== fork && other.status < 200 && !other.cancelled) this.sendCancel(other);
      if (leg.role === 'phone') this.phoneAnswered(session);
      else this.destinationAnswered(session);
      return true;
    }
    if (fork.status >= 200) {
      this.ackFailure(fork, res); // a retransmitted final response
      return true;
    }
    fork.status = status;
    this.ackFailure(fork, res);
    if (!leg.dialog && !leg.ended && leg.forks.every((f) => f.status >= 200)) this.legFailed(leg, status, res.reason);
    return true;
  }

  /** Every fork of a leg refused. */
  private legFailed(leg: Leg, status: number, reason: string): void {
    const session = leg.session;
    if (session.ended) return;
    leg.ended = true;
    if (leg.role === 'phone')
      this.fail(session, status, `${session.user.login}'s phone refused the call (${status} ${reason})`);
    else this.fail(session, status, `${destinationLabel(session)} refused the call (${status} ${reason})`);
  }

  /** The user's phone answered with its offer: now call the destination with it. */
  private phoneAnswered(session: Session): void {
    const offer = session.phone.dialog!.sdp;
    if (!offer) {
      this.fail(session, 488, `${session.user.login}'s phone answered without an SDP offer`);
      return;
    }
    const d = session.destination;
    if (d.kind === 'unknown') {
      this.fail(session, 404, `${d.number} is no user, extension or virtual phone of this PBX`);
      return;
    }
    if (d.kind === 'virtual') {
      this.callVirtual(session, d.phone, offer);
      return;
    }
    const contacts = this.host.registrar.contactsOf(d.user.id).filter((b) => b.flow.open);
    if (contacts.length === 0) {
      this.fail(session, 480, `${destinationLabel(session)} has no registered phone`);
      return;
    }
    const u = session.user;
    session.dest = this.sessions.newLeg(
      session,
      'destination',
      legCallId(),
      nameAddr(userName(u), userNumber(u), session.domain),
      nameAddr(userName(d.user), userNumber(d.user), session.domain),
    );
    for (const b of contacts) this.invite(session.dest, b, offer);
    this.host.calls.incoming(session.call);
    this.ringTimeout(session);
  }

  private ringTimeout(session: Session): void {
    this.sessions.timer(session, this.host.ringTimeoutMs, () => {
      if (!session.connected)
        this.fail(session, 408, `${destinationLabel(session)} did not answer within ${this.host.ringTimeoutMs} ms`);
    });
  }

  /** A virtual phone as destination: answered here, as the proxy answers one. */
  private callVirtual(session: Session, phone: VirtualPhone, offer: string): void {
    ringVirtualPhone(phone, (ms, fn) => this.sessions.timer(session, ms, fn), {
      busy: () => this.fail(session, 486, `${destinationLabel(session)} is busy`),
      ringing: () => {
        this.host.calls.ringing(session.call);
        this.ringTimeout(session);
      },
      declined: () => this.fail(session, 603, `${destinationLabel(session)} declined the call`),
      answered: () => this.connect(session, sdpAnswer(offer)),
    });
  }

  /** The destination answered: ACK it, and ACK the phone's 200 with the answer. */
  private destinationAnswered(session: Session): void {
    const dest = session.dest!;
    const d = dest.dialog!;
    d.ack = inDialogRequest(dest, d, 'ACK', dest.inviteCseq);
    this.host.send(d.ack, d.flow);
    dest.localSdp = session.phone.dialog!.sdp;
    if (!d.sdp) {
      this.fail(session, 488, `${destinationLabel(session)} answered without an SDP answer`);
      return;
    }
    this.connect(session, d.sdp);
  }

  private connect(session: Session, answer: string): void {
    if (session.ended) return;
    const phone = session.phone;
    const pd = phone.dialog!;
    pd.ack = inDialogRequest(phone, pd, 'ACK', phone.inviteCseq, { sdp: answer });
    this.host.send(pd.ack, pd.flow);
    phone.localSdp = answer;
    session.connected = true;
    this.sessions.stopTimers(session);
    this.host.calls.connected(session.call);
  }

  // ---------------------------------------------------------------- ending

  /** The call failed: say why (log and a sim.events.log event for the user), end both legs. */
  private fail(session: Session, status: number, text: string): void {
    if (session.ended) return;
    const { user } = session;
    const message = `click-to-dial from ${user.login} to ${destinationLabel(session)} ended: ${text}`;
    this.host.log('info', 'click-to-dial failed', { login: user.login, status, reason: text });
    this.host.bus.publish({
      service: SIM_SERVICES.log,
      event: 'click-to-dial-failed',
      data: {
        level: 'info',
        message,
        userId: user.id,
        login: user.login,
        callId: session.call.caller.id,
        destination: destinationLabel(session),
        status,
        reason: text,
      },
    });
    this.end(session, undefined, { status, text });
  }

  /**
   * Ends the call: every leg but `by` (the side that sent BYE) gets BYE when answered, CANCEL for forks still
   * ringing; the parties get HANGUP. The legs are remembered a while to absorb late responses.
   */
  private end(session: Session, by: Leg | undefined, why: { status: number; text: string }): void {
    if (session.ended) return;
    session.ended = true;
    this.sessions.stopTimers(session);
    const reason = `SIP;cause=${why.status};text=${quoteString(why.text.replace(/[\r\n]/g, ' '))}`;
    for (const leg of [session.phone, session.dest]) {
      if (!leg) continue;
      if (leg !== by && !leg.ended) this.hangUpLeg(leg, reason);
      leg.ended = true;
    }
    this.host.calls.hangup(session.call);
    this.sessions.linger(session);
  }

  private hangUpLeg(leg: Leg, reason: string): void {
    for (const f of leg.forks)
      if (f !== leg.dialog?.fork && f.status < 200 && !f.cancelled && f.binding.flow.open) this.sendCancel(f);
    const d = leg.dialog;
    if (!d || !d.flow.open) return;
    if (!d.ack) {
      // The phone's 200 was never acknowledged (the destination did not answer): ACK it, then BYE.
      d.ack = inDialogRequest(leg, d, 'ACK', leg.inviteCseq, { sdp: d.sdp ? sdpAnswer(d.sdp) : undefined });
      this.host.send(d.ack, d.flow);
    }
    this.host.send(inDialogRequest(leg, d, 'BYE', ++leg.nextCseq, { reason }), d.flow);
  }

  // ---------------------------------------------------------------- requests from the parties

  /** True when the request belongs to a click-to-dial leg (it is then handled here). */
  handleRequest(req: SipRequest, flow: Flow): boolean {
    const leg = this.sessions.leg(req.headers.get('call-id') ?? '');
    if (!leg) return false;
    const method = req.method.toUpperCase();
    if (method === 'ACK') return true;
    const reply = (status: number, extra?: (res: SipResponse) => void) => {
      const res = createResponse(req, status, REASONS[status] ?? '', leg.localTag);
      extra?.(res);
      this.host.send(res, flow);
    };
    const d = leg.dialog;
    if (method === 'CANCEL' || !d || tagOf(req.headers.get('from')) !== d.remoteTag) {
      reply(481);
      return true;
    }
    const session = leg.session;
    switch (method) {
      case 'BYE':
        reply(200);
        if (!session.ended) {
          const who = leg.role === 'phone' ? `${session.user.login}'s phone` : destinationLabel(session);
          this.host.log('info', 'click-to-dial hung up', { login: session.user.login, by: who });
          this.end(session, leg, { status: 200, text: `${who} hung up` });
        }
        return true;
      case 'INVITE':
      case 'UPDATE':
        if (!session.connected || session.ended || !leg.localSdp) {
          reply(session.ended ? 481 : 491);
          return true;
        }
        reply(200, (res) => withSdp(res, b2buaContact(flow), leg.localSdp!));
        return true;
      default:
        reply(200);
        return true;
    }
  }

  /** A connection closed: a leg answered on it ends the call; forks ringing on it count as 480. */
  flowClosed(flow: Flow): void {
    for (const session of this.sessions.all()) {
      if (session.ended) continue;
      for (const leg of [session.phone, session.dest]) {
        if (!leg || leg.ended || session.ended) continue;
        if (leg.dialog?.flow.id === flow.id) {
          this.end(session, leg, { status: 480, text: 'the connection closed' });
          continue;
        }
        if (leg.dialog) continue;
        let touched = false;
        for (const f of leg.forks) {
          if (f.binding.flow.id === flow.id && f.status < 200) {
            f.status = 480;
            touched = true;
          }
        }
        if (touched && leg.forks.every((f) => f.status >= 200)) this.legFailed(leg, 480, 'connection closed');
      }
    }
  }
}
