import { randomBytes } from 'node:crypto';
import type { VirtualPhone } from '../../../../shared/schemas/calls.js';
import { SIM_SERVICES } from '../../../../shared/schemas/events.js';
import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../log.js';
import type { PbxState, StoredUser } from '../../state/model.js';
import { createResponse, parseCSeq, REASONS, type SipMessage, type SipRequest, type SipResponse } from '../message/message.js';
import { formatNameAddr, formatUri, parseNameAddr, parseUri, quoteString } from '../message/uri.js';
import type { UserDirectory } from '../directory.js';
import type { Binding, Registrar } from '../registrar.js';
import type { Flow } from '../transport/flow.js';
import { userName, userNumber, type Call, type CallTracker } from './calls.js';
import { sdpAnswer, sdpOf } from './sdp.js';
import { hopByHopRequest, hostOf, newRequest, tagOf, topBranch, UA_ALLOW, viaFor } from './util.js';

/** Why placeCallWithPhone was refused before anything rang; the UCI side maps `kind` to an error code. */
export class CallControlError extends Error {
  constructor(
    readonly kind: 'no-phone' | 'call-id-in-use',
    message: string,
  ) {
    super(message);
  }
}

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

/** How long an ended call's legs are remembered, to absorb late responses and retransmissions. */
const LINGER_MS = 32_000;

/** One copy of a leg's INVITE, to one registered contact. */
interface Fork {
  branch: string;
  req: SipRequest;
  binding: Binding;
  /** 0 until a response came; then the highest status seen. */
  status: number;
  cancelled: boolean;
}

/** The dialog a 2xx made on a leg: where in-dialog requests go, and what was acknowledged. */
interface LegDialog {
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
interface Leg {
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

type Destination = { kind: 'user'; user: StoredUser } | { kind: 'virtual'; phone: VirtualPhone } | { kind: 'unknown'; number: string };

interface Session {
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

function nameAddr(display: string, user: string, domain: string): string {
  return formatNameAddr({ display: display || undefined, uri: formatUri({ scheme: 'sip', user, host: domain }), params: {} });
}

function newBranch(): string {
  return `z9hG4bK${randomBytes(10).toString('hex')}`;
}

/** A phoneId names a binding by its contact URI, or by the user part of it (sip.js makes a random one). */
function matchesPhone(b: Binding, phoneId: string): boolean {
  if (b.contact === phoneId || b.contactValue === phoneId) return true;
  const uri = parseUri(b.contact);
  return uri?.user !== undefined && uri.user === phoneId;
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
  private readonly legs = new Map<string, Leg>();
  private readonly sessions = new Set<Session>();

  constructor(private readonly host: ClickToDialHost) {}

  stop(): void {
    for (const s of this.sessions) for (const t of s.timers) clearTimeout(t);
    this.sessions.clear();
    this.legs.clear();
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
    const bindings = phoneId ? registered.filter((b) => matchesPhone(b, phoneId)) : registered;
    if (bindings.length === 0) {
      throw new CallControlError('no-phone', `No registered phone of ${user.login} matches phoneId "${phoneId}"; registered contacts: ${registered.map((b) => b.contact).join(', ')}`);
    }
    if (uciCallId !== undefined && this.host.calls.byPartyId(uciCallId)) {
      throw new CallControlError('call-id-in-use', `callId "${uciCallId}" is already in use by a live call`);
    }
    const number = destination.startsWith('sip:') ? (parseUri(destination)?.user ?? destination) : destination.trim();
    const target = this.host.directory.userPart(number);
    const phone = target ? undefined : (this.host.state().virtualPhones ?? []).find((p) => p.extension === number);
    const dest: Destination = target ? { kind: 'user', user: target } : phone ? { kind: 'virtual', phone } : { kind: 'unknown', number };

    const callId = `${randomBytes(12).toString('hex')}@c2d.starface-sim`;
    const call = this.host.calls.start(callId, user, dest.kind === 'user' ? { user: dest.user } : dest.kind === 'virtual' ? { phone: dest.phone } : { number }, uciCallId);
    const domain = parseUri(bindings[0]!.aor)?.host ?? 'localhost';
    // The phone leg refers back to the session: it is set right below.
    const session = { user, call, destination: dest, domain, timers: [], connected: false, ended: false } as Omit<Session, 'phone'> as Session;
    const destDisplay = dest.kind === 'user' ? userName(dest.user) : dest.kind === 'virtual' ? dest.phone.name : '';
    const destNumber = dest.kind === 'user' ? userNumber(dest.user) : dest.kind === 'virtual' ? dest.phone.extension : number;
    session.phone = this.newLeg(session, 'phone', callId, nameAddr(destDisplay, destNumber, domain), nameAddr(userName(user), userNumber(user), domain));
    this.sessions.add(session);
    for (const b of bindings) this.invite(session.phone, b);
    this.timer(session, this.host.ringTimeoutMs, () => {
      if (!session.phone.dialog) this.fail(session, 408, `${user.login}'s phone did not answer within ${this.host.ringTimeoutMs} ms`);
    });
    this.host.log('info', 'click-to-dial started', { login: user.login, destination: number, phones: bindings.length });
    return call.caller.id!;
  }

  /** hangupCall: BYE (or CANCEL while ringing) both legs. False when it is no click-to-dial call. */
  hangUp(uciCallId: string, by: string): boolean {
    for (const s of this.sessions) {
      if (s.ended || (s.call.caller.id !== uciCallId && s.call.callee.id !== uciCallId)) continue;
      this.end(s, undefined, { status: 200, text: `hung up by ${by} over UCI` });
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- legs and requests

  private newLeg(session: Session, role: Leg['role'], callId: string, from: string, to: string): Leg {
    const cseq = 1 + Math.floor(Math.random() * 1000);
    const leg: Leg = {
      role, callId, localTag: randomBytes(5).toString('hex'), from: '', to, inviteCseq: cseq, nextCseq: cseq, forks: [], ended: false, session,
    };
    leg.from = `${from};tag=${leg.localTag}`;
    this.legs.set(callId, leg);
    return leg;
  }

  private contact(flow: Flow): string {
    return `<sip:starface-sim@${hostOf(flow.local.address)}:${flow.local.port};transport=${flow.transport.toLowerCase()}>`;
  }

  private invite(leg: Leg, binding: Binding, sdp?: string): void {
    const branch = newBranch();
    const extra: [string, string][] = [['Contact', this.contact(binding.flow)], ['Allow', UA_ALLOW]];
    // A hint for phones that auto-answer click-to-dial calls (the Call-Info answer-after convention).
    if (leg.role === 'phone') extra.push(['Call-Info', `<sip:${leg.session.domain}>;answer-after=0`]);
    extra.push(['User-Agent', 'STARFACE simulator click-to-dial']);
    const req = newRequest({
      method: 'INVITE',
      uri: binding.contact,
      via: viaFor(binding.flow, branch),
      routes: binding.path,
      from: leg.from,
      to: leg.to,
      callId: leg.callId,
      cseq: leg.inviteCseq,
      extra,
      sdp,
    });
    leg.forks.push({ branch, req, binding, status: 0, cancelled: false });
    this.host.send(req, binding.flow);
  }

  /** A request within the leg's dialog (RFC 3261 §12.2.1.1). */
  private inDialogRequest(leg: Leg, d: LegDialog, method: string, cseq: number, opts: { sdp?: string; reason?: string } = {}): SipRequest {
    return newRequest({
      method,
      uri: d.target,
      via: viaFor(d.flow, newBranch()),
      routes: d.routes,
      from: leg.from,
      to: d.to,
      callId: leg.callId,
      cseq,
      extra: opts.reason ? [['Reason', opts.reason]] : [],
      sdp: opts.sdp,
    });
  }

  private dialogFrom(fork: Fork, res: SipResponse): LegDialog {
    const contact = parseNameAddr(res.headers.getAll('contact')[0] ?? '')?.uri;
    const rr = res.headers.getAll('record-route').reverse();
    return {
      fork,
      remoteTag: tagOf(res.headers.get('to')) ?? '',
      to: res.headers.get('to') ?? fork.req.headers.get('to') ?? '',
      target: contact ?? fork.binding.contact,
      routes: rr.length ? rr : fork.binding.path,
      flow: fork.binding.flow,
      sdp: sdpOf(res),
    };
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
    const d = this.dialogFrom(fork, res);
    const offer = d.sdp;
    this.host.send(this.inDialogRequest(leg, d, 'ACK', leg.inviteCseq, { sdp: offer ? sdpAnswer(offer) : undefined }), d.flow);
    this.host.send(this.inDialogRequest(leg, d, 'BYE', leg.inviteCseq + 1), d.flow);
  }

  // ---------------------------------------------------------------- responses

  /** True when the response belongs to a click-to-dial leg (it is then handled here). */
  handleResponse(res: SipResponse): boolean {
    const leg = this.legs.get(res.headers.get('call-id') ?? '');
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
      if (leg.role === 'destination' && !session.ended && (status === 180 || status === 183)) this.host.calls.ringing(session.call);
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
      leg.dialog = this.dialogFrom(fork, res);
      for (const other of leg.forks) if (other !== fork && other.status < 200 && !other.cancelled) this.sendCancel(other);
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
    if (leg.role === 'phone') this.fail(session, status, `${session.user.login}'s phone refused the call (${status} ${reason})`);
    else this.fail(session, status, `${this.destinationLabel(session)} refused the call (${status} ${reason})`);
  }

  private destinationLabel(session: Session): string {
    const d = session.destination;
    if (d.kind === 'user') return `${userNumber(d.user)} (${userName(d.user)})`;
    if (d.kind === 'virtual') return `virtual phone ${d.phone.extension} (${d.phone.name})`;
    return d.number;
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
      this.fail(session, 480, `${this.destinationLabel(session)} has no registered phone`);
      return;
    }
    const callId = `${randomBytes(12).toString('hex')}@c2d.starface-sim`;
    const u = session.user;
    session.dest = this.newLeg(session, 'destination', callId, nameAddr(userName(u), userNumber(u), session.domain), nameAddr(userName(d.user), userNumber(d.user), session.domain));
    for (const b of contacts) this.invite(session.dest, b, offer);
    this.host.calls.incoming(session.call);
    this.timer(session, this.host.ringTimeoutMs, () => {
      if (!session.connected) this.fail(session, 408, `${this.destinationLabel(session)} did not answer within ${this.host.ringTimeoutMs} ms`);
    });
  }

  /** A virtual phone as destination: answered here, as the proxy answers one. */
  private callVirtual(session: Session, phone: VirtualPhone, offer: string): void {
    if (phone.behaviour === 'busy') {
      this.fail(session, 486, `${this.destinationLabel(session)} is busy`);
      return;
    }
    this.host.calls.ringing(session.call);
    this.timer(session, this.host.ringTimeoutMs, () => {
      if (!session.connected) this.fail(session, 408, `${this.destinationLabel(session)} did not answer within ${this.host.ringTimeoutMs} ms`);
    });
    if (phone.behaviour === 'no-answer') return;
    this.timer(session, phone.answerAfterMs, () => {
      if (phone.behaviour === 'decline') {
        this.fail(session, 603, `${this.destinationLabel(session)} declined the call`);
        return;
      }
      this.connect(session, sdpAnswer(offer));
    });
  }

  /** The destination answered: ACK it, and ACK the phone's 200 with the answer. */
  private destinationAnswered(session: Session): void {
    const dest = session.dest!;
    const d = dest.dialog!;
    d.ack = this.inDialogRequest(dest, d, 'ACK', dest.inviteCseq);
    this.host.send(d.ack, d.flow);
    dest.localSdp = session.phone.dialog!.sdp;
    if (!d.sdp) {
      this.fail(session, 488, `${this.destinationLabel(session)} answered without an SDP answer`);
      return;
    }
    this.connect(session, d.sdp);
  }

  private connect(session: Session, answer: string): void {
    if (session.ended) return;
    const phone = session.phone;
    const pd = phone.dialog!;
    pd.ack = this.inDialogRequest(phone, pd, 'ACK', phone.inviteCseq, { sdp: answer });
    this.host.send(pd.ack, pd.flow);
    phone.localSdp = answer;
    session.connected = true;
    for (const t of session.timers) clearTimeout(t);
    session.timers = [];
    this.host.calls.connected(session.call);
  }

  // ---------------------------------------------------------------- ending

  /** The call failed: say why (log and a sim.events.log event for the user), end both legs. */
  private fail(session: Session, status: number, text: string): void {
    if (session.ended) return;
    const { user } = session;
    const message = `click-to-dial from ${user.login} to ${this.destinationLabel(session)} ended: ${text}`;
    this.host.log('info', 'click-to-dial failed', { login: user.login, status, reason: text });
    this.host.bus.publish({
      service: SIM_SERVICES.log,
      event: 'click-to-dial-failed',
      data: { level: 'info', message, userId: user.id, login: user.login, callId: session.call.caller.id, destination: this.destinationLabel(session), status, reason: text },
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
    for (const t of session.timers) clearTimeout(t);
    session.timers = [];
    const reason = `SIP;cause=${why.status};text=${quoteString(why.text.replace(/[\r\n]/g, ' '))}`;
    for (const leg of [session.phone, session.dest]) {
      if (!leg) continue;
      if (leg !== by && !leg.ended) this.hangUpLeg(leg, reason);
      leg.ended = true;
    }
    this.host.calls.hangup(session.call);
    const linger = setTimeout(() => {
      this.sessions.delete(session);
      this.legs.delete(session.phone.callId);
      if (session.dest) this.legs.delete(session.dest.callId);
    }, LINGER_MS);
    linger.unref();
  }

  private hangUpLeg(leg: Leg, reason: string): void {
    for (const f of leg.forks) if (f !== leg.dialog?.fork && f.status < 200 && !f.cancelled && f.binding.flow.open) this.sendCancel(f);
    const d = leg.dialog;
    if (!d || !d.flow.open) return;
    if (!d.ack) {
      // The phone's 200 was never acknowledged (the destination did not answer): ACK it, then BYE.
      d.ack = this.inDialogRequest(leg, d, 'ACK', leg.inviteCseq, { sdp: d.sdp ? sdpAnswer(d.sdp) : undefined });
      this.host.send(d.ack, d.flow);
    }
    this.host.send(this.inDialogRequest(leg, d, 'BYE', ++leg.nextCseq, { reason }), d.flow);
  }

  // ---------------------------------------------------------------- requests from the parties

  /** True when the request belongs to a click-to-dial leg (it is then handled here). */
  handleRequest(req: SipRequest, flow: Flow): boolean {
    const leg = this.legs.get(req.headers.get('call-id') ?? '');
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
          const who = leg.role === 'phone' ? `${session.user.login}'s phone` : this.destinationLabel(session);
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
        reply(200, (res) => {
          res.headers.append('Contact', this.contact(flow));
          res.headers.append('Allow', UA_ALLOW);
          res.headers.append('Content-Type', 'application/sdp');
          res.body = Buffer.from(leg.localSdp!, 'utf8');
        });
        return true;
      default:
        reply(200);
        return true;
    }
  }

  /** A connection closed: a leg answered on it ends the call; forks ringing on it count as 480. */
  flowClosed(flow: Flow): void {
    for (const session of this.sessions) {
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

  private timer(session: Session, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      if (!session.ended) fn();
    }, ms);
    t.unref();
    session.timers.push(t);
  }
}
