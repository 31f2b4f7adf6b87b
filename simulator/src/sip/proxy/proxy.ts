import { createHash, randomBytes } from 'node:crypto';
import type { VirtualPhone } from '../../../../shared/schemas/calls.js';
import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../log.js';
import type { PbxState, StoredUser } from '../../state/model.js';
import type { DigestAuthenticator } from '../auth/digest.js';
import { canonicalName, SipHeaders } from '../message/headers.js';
import { createResponse, parseCSeq, parseVia, REASONS, type SipMessage, type SipRequest, type SipResponse } from '../message/message.js';
import { parseNameAddr, parseUri, type SipUri } from '../message/uri.js';
import { appendChallenges, checkCredentials, DIGEST_REFUSALS } from '../auth/challenges.js';
import type { UserDirectory } from '../directory.js';
import type { Binding, Registrar } from '../registrar.js';
import type { CallRouter } from '../sipServer.js';
import type { Flow } from '../transport/flow.js';
import type { RefusalReporter } from '../refusals.js';
import type { SipRefusalReason } from '../../../../shared/schemas/registrations.js';
import { CallTracker, type Call } from './calls.js';
import { ClickToDial } from './clickToDial.js';
import { sdpAnswer, sdpOf } from './sdp.js';
import { hopByHopRequest, hostOf, newRequest, tagOf, topBranch, UA_ALLOW, viaFor } from './util.js';

/** What the proxy needs of the SIP server. */
export interface ProxyHost {
  auth: DigestAuthenticator;
  /** Where refused requests are logged and published (aggregated per source). */
  refusals: RefusalReporter;
  registrar: Registrar;
  directory: UserDirectory;
  domains(): ReadonlySet<string>;
  send(message: SipMessage, flow: Flow): void;
  /** The answer to an OPTIONS for the PBX itself. */
  options(req: SipRequest): SipResponse;
  /** Called when a connection-oriented flow closes. */
  onFlowClosed?(listener: (flow: Flow) => void): void;
}

export interface ProxyOptions {
  host: ProxyHost;
  state: () => PbxState;
  bus: EventBus;
  log: Logger;
  /** How long an INVITE may ring before the caller gets 408 and the branches a CANCEL. Default 60 s. */
  ringTimeoutMs?: number;
  now?: () => number;
}

export const DEFAULT_RING_TIMEOUT_MS = 60_000;
/** Timer F / how long a finished transaction is remembered to absorb retransmissions (RFC 3261 §17). */
const TRANSACTION_LINGER_MS = 32_000;
/** A parameter in our Record-Route URIs, so we recognise our own Route headers. */
const RR_MARK = 'sfsim';

/** One request we received and route: the server side of a stateful proxy transaction. */
interface ServerTxn {
  key: string;
  req: SipRequest;
  method: string;
  flow: Flow;
  /** Our To tag for responses we generate ourselves. */
  toTag: string;
  /** A dialog-creating INVITE (no To tag): its 2xx makes a dialog and the call CONNECTED. */
  initial: boolean;
  branches: Branch[];
  lastProvisional?: SipResponse;
  /** The final response sent upstream (the last one, for 2xx). */
  final?: SipResponse;
  answered: boolean;
  call?: Call;
  timers: ReturnType<typeof setTimeout>[];
  /** Set when the simulator itself answers (a virtual phone). */
  virtual?: VirtualPhone;
  done: boolean;
}

/** One forwarded copy of a request: the client side of a proxy transaction. */
interface Branch {
  id: string;
  txn: ServerTxn;
  req: SipRequest;
  flow: Flow;
  /** 0 until a response came; then the highest status seen. */
  status: number;
  final?: SipResponse;
  cancelled: boolean;
}

/** A dialog through us (record-routed), or one the simulator is the far end of (a virtual phone). */
interface Dialog {
  callId: string;
  callerTag: string;
  callerFlow: Flow;
  /** To tag → the flow of the callee branch that created it (a forked INVITE may create several). */
  callees: Map<string, Flow>;
  call?: Call;
  virtual?: { phone: VirtualPhone; localTag: string };
  timer?: ReturnType<typeof setTimeout>;
  /** The caller as the far end of a request we originate (UCI hangupCall): from the INVITE. */
  caller: DialogSide;
  /** The callee whose 2xx won, likewise; for a virtual phone its party value only (we are that side). */
  callee?: DialogSide;
}

/**
 * What the proxy needs to send a BYE of its own to one side of a dialog (RFC 3261 §12.2.1.1): that side's
 * tagged From/To value, its remote target (Contact), the route set towards it, its flow, and the highest
 * CSeq that side has sent (our BYE towards the *other* side must exceed it, as if that side sent it).
 */
interface DialogSide {
  party: string;
  target: string;
  routes: string[];
  flow: Flow;
  cseq: number;
}

/** Removes the topmost Via value, keeping the rest in order. */
function popVia(headers: SipHeaders): SipHeaders {
  const vias = headers.getAll('via').slice(1);
  const out = new SipHeaders();
  let placed = false;
  for (const [name, value] of headers.entries()) {
    if (canonicalName(name) === 'via') {
      if (!placed) for (const v of vias) out.append('Via', v);
      placed = true;
      continue;
    }
    out.append(name, value);
  }
  return out;
}

function sameUri(a: SipUri, b: SipUri): boolean {
  return (a.user ?? '') === (b.user ?? '') && a.host === b.host && (a.port ?? 0) === (b.port ?? 0);
}

/**
 * A stateful, record-routing SIP proxy (RFC 3261 §16) for the simulated PBX: authenticates callers
 * (407), forks INVITEs to every contact of the called user, relays responses, CANCELs, ACKs and in-dialog
 * requests, absorbs retransmissions, and answers calls to virtual phones itself. The call model on top
 * publishes the UCI call states of both parties.
 */
export class SipProxy implements CallRouter {
  readonly calls: CallTracker;
  /** Click-to-dial (UCI placeCallWithPhone): the B2BUA legs the simulator originates itself. */
  readonly clickToDial: ClickToDial;
  private readonly txns = new Map<string, ServerTxn>();
  private readonly branches = new Map<string, Branch>();
  private readonly dialogs = new Map<string, Dialog>();
  private readonly secret = randomBytes(8).toString('hex');
  private readonly ringTimeoutMs: number;
  private stopped = false;

  constructor(private readonly opts: ProxyOptions) {
    this.calls = new CallTracker(opts.bus, opts.now);
    this.ringTimeoutMs = opts.ringTimeoutMs ?? DEFAULT_RING_TIMEOUT_MS;
    this.clickToDial = new ClickToDial({
      send: (m, f) => opts.host.send(m, f),
      registrar: opts.host.registrar,
      directory: opts.host.directory,
      state: opts.state,
      calls: this.calls,
      bus: opts.bus,
      log: opts.log,
      ringTimeoutMs: this.ringTimeoutMs,
    });
    opts.host.onFlowClosed?.((flow) => this.flowClosed(flow));
  }

  private get host(): ProxyHost {
    return this.opts.host;
  }

  stop(): void {
    this.stopped = true;
    this.clickToDial.stop();
    for (const txn of this.txns.values()) for (const t of txn.timers) clearTimeout(t);
    for (const d of this.dialogs.values()) if (d.timer) clearTimeout(d.timer);
    this.txns.clear();
    this.branches.clear();
    this.dialogs.clear();
    this.calls.clear();
  }

  // ---------------------------------------------------------------- requests

  handleRequest(req: SipRequest, flow: Flow): void {
    if (this.stopped) return;
    if (this.clickToDial.handleRequest(req, flow)) return;
    const method = req.method.toUpperCase();
    if (method === 'ACK') return this.ack(req, flow);
    if (method === 'CANCEL') return this.cancel(req, flow);

    const key = this.txnKey(req, method);
    const existing = this.txns.get(key);
    if (existing) {
      // A retransmission: answer with what the first copy got so far (RFC 3261 §17.2).
      const last = existing.final ?? existing.lastProvisional;
      if (last) this.host.send(last, flow);
      else if (method === 'INVITE') this.host.send(createResponse(req, 100), flow);
      return;
    }
    const hasToTag = Boolean(tagOf(req.headers.get('to')));
    if (method === 'OPTIONS' && !hasToTag) {
      this.host.send(this.host.options(req), flow);
      return;
    }
    const txn: ServerTxn = {
      key, req, method, flow, toTag: randomBytes(5).toString('hex'), initial: false, branches: [], answered: false, timers: [], done: false,
    };
    this.txns.set(key, txn);

    this.stripStrictRoute(req);
    if (hasToTag) this.inDialog(txn);
    else this.initialRequest(txn);
  }

  /**
   * Transaction key (RFC 3261 §17.2.3): the top Via's branch and sent-by, and the method (CANCEL and ACK look
   * up their INVITE with method INVITE); the Call-ID too, so that two clients reusing a branch never meet.
   * Requests without an RFC 3261 branch fall back to Call-ID, CSeq number and From tag.
   */
  private txnKey(req: SipRequest, method: string): string {
    const top = req.headers.getAll('via')[0];
    const via = top === undefined ? undefined : parseVia(top);
    const branch = via?.params.branch;
    const callId = req.headers.get('call-id') ?? '';
    if (via && branch && branch.startsWith('z9hG4bK')) return `${branch}|${via.host}:${via.port ?? ''}|${callId}|${method}`;
    return `${callId}|${parseCSeq(req.headers.get('cseq'))?.seq}|${tagOf(req.headers.get('from'))}|${method}`;
  }

  private reply(txn: ServerTxn, status: number, reason?: string, extra?: (res: SipResponse) => void): SipResponse {
    const res = createResponse(txn.req, status, reason ?? REASONS[status] ?? '', txn.toTag);
    extra?.(res);
    this.sendUpstream(txn, res);
    return res;
  }

  private sendUpstream(txn: ServerTxn, res: SipResponse): void {
    if (res.status < 200) txn.lastProvisional = res;
    else this.finish(txn, res);
    this.host.send(res, txn.flow);
  }

  /** The transaction got its final answer upstream: stop its timers, forget it after Timer F. */
  private finish(txn: ServerTxn, res: SipResponse): void {
    txn.final = res;
    if (txn.done) return;
    txn.done = true;
    for (const t of txn.timers) clearTimeout(t);
    txn.timers = [];
    const linger = setTimeout(() => {
      this.txns.delete(txn.key);
      for (const b of txn.branches) this.branches.delete(b.id);
    }, TRANSACTION_LINGER_MS);
    linger.unref();
  }

  private initialRequest(txn: ServerTxn): void {
    const { req } = txn;
    const directory = this.host.directory;
    const caller = this.authenticate(txn, directory);
    if (!caller) return;

    const target = parseUri(req.uri);
    if (!target || (target.scheme !== 'sip' && target.scheme !== 'sips')) {
      this.refuse(txn, 416, 'unsupported-uri', 'Request-URI is not a sip or sips URI', caller.login);
      return;
    }
    if (!this.host.domains().has(target.host)) {
      this.refuse(txn, 404, 'unknown-domain', `Request-URI domain ${target.host} is not served here`, caller.login, 'Not Found (domain not served here)');
      return;
    }
    const isInvite = txn.method === 'INVITE';
    if (isInvite) this.reply(txn, 100);
    txn.initial = isInvite;

    const callee = directory.userPart(target.user);
    const phone = callee ? undefined : (this.opts.state().virtualPhones ?? []).find((p) => p.extension === target.user);
    if (phone) {
      if (isInvite) this.virtualInvite(txn, caller, phone);
      else this.reply(txn, 200);
      return;
    }
    if (!callee) {
      this.refuse(txn, 404, 'unknown-number', `no user, extension or virtual phone "${target.user ?? ''}"`, caller.login, 'Not Found (no such user or extension)');
      return;
    }
    const callId = req.headers.get('call-id') ?? '';
    if (isInvite) txn.call = this.calls.start(callId, caller, { user: callee });
    const contacts = this.host.registrar.contactsOf(callee.id).filter((b) => b.flow.open);
    if (contacts.length === 0) {
      this.refuse(txn, 480, 'not-registered', `${callee.login} has no registered phone`, caller.login, 'Temporarily Unavailable (not registered)');
      if (txn.call) this.calls.hangup(txn.call);
      return;
    }
    this.armTimeout(txn, isInvite ? this.ringTimeoutMs : TRANSACTION_LINGER_MS);
    contacts.forEach((binding, i) => this.forward(txn, binding, i));
    if (txn.call) this.calls.incoming(txn.call);
  }

  /** Digest with 407 (RFC 3261 §22.3); the From user must be the one who authenticated. */
  private authenticate(txn: ServerTxn, directory: UserDirectory): StoredUser | undefined {
    const { req } = txn;
    const auth = this.host.auth;
    const challenge = (stale: boolean) =>
      this.reply(txn, 407, undefined, (res) => appendChallenges(res, auth, 'Proxy-Authenticate', stale));
    const checked = checkCredentials(req, auth, directory, 'proxy-authorization');
    if (!checked) {
      challenge(false);
      return undefined;
    }
    const { creds, verdict } = checked;
    if (!verdict.ok) {
      const { reason, message } = DIGEST_REFUSALS[verdict.reason];
      if (verdict.reason === 'malformed') this.refuse(txn, 400, reason, message, creds.username, 'Bad Request (malformed Proxy-Authorization)');
      else {
        this.reportRefusal(txn, 407, reason, message, creds.username);
        challenge(verdict.stale === true);
      }
      return undefined;
    }
    const user = directory.login(verdict.username);
    const fromUri = parseUri(parseNameAddr(req.headers.get('from') ?? '')?.uri ?? '');
    const fromUser = fromUri ? directory.userPart(fromUri.user) : undefined;
    if (!user || !fromUser || fromUser.id !== user.id) {
      this.refuse(txn, 403, 'from-mismatch', `${verdict.username} authenticated, but the request is From ${fromUri?.user ?? '?'}`, verdict.username, 'Forbidden (From is not the authenticated user)');
      return undefined;
    }
    return user;
  }

  /** Answers a refusal and reports it (log line and `request-refused` event, aggregated per source). */
  private refuse(txn: ServerTxn, status: number, why: SipRefusalReason, message: string, login: string | undefined, phrase?: string): void {
    this.reportRefusal(txn, status, why, message, login);
    this.reply(txn, status, phrase);
  }

  private reportRefusal(txn: ServerTxn, status: number, why: SipRefusalReason, message: string, login: string | undefined): void {
    const { req } = txn;
    const from = parseNameAddr(req.headers.get('from') ?? '')?.uri;
    this.host.refusals.refused({ method: req.method, status, reason: why, message, flow: txn.flow, login, aor: from, target: req.uri });
  }

  private armTimeout(txn: ServerTxn, ms: number): void {
    const t = setTimeout(() => this.timeout(txn), ms);
    t.unref();
    txn.timers.push(t);
  }

  private timeout(txn: ServerTxn): void {
    if (txn.done || txn.answered) return;
    this.cancelBranches(txn);
    this.reply(txn, 408, txn.method === 'INVITE' ? 'Request Timeout (no answer)' : undefined);
    if (txn.call) this.calls.hangup(txn.call);
  }

  // ---------------------------------------------------------------- forwarding

  private branchId(txn: ServerTxn, index: number): string {
    const h = createHash('sha1').update(`${this.secret}|${txn.key}|${index}`).digest('hex').slice(0, 24);
    return `z9hG4bK${h}`;
  }

  private recordRouteFor(flow: Flow): string {
    return `<sip:${hostOf(flow.local.address)}:${flow.local.port};transport=${flow.transport.toLowerCase()};lr;${RR_MARK}>`;
  }

  private isOwnRoute(value: string): boolean {
    const uri = parseUri(parseNameAddr(value)?.uri ?? '');
    if (!uri) return false;
    return RR_MARK in uri.params || (uri.user === undefined && this.host.domains().has(uri.host));
  }

  /** The Route set after our own entries at the top (one, or two when we double-record-routed). */
  private remainingRoutes(req: SipRequest): string[] {
    const routes = req.headers.getAll('route');
    while (routes.length && this.isOwnRoute(routes[0]!)) routes.shift();
    return routes;
  }

  /** A strict router before us put our URI in the Request-URI (RFC 3261 §16.4): restore the real target. */
  private stripStrictRoute(req: SipRequest): void {
    const uri = parseUri(req.uri);
    if (!uri || !(RR_MARK in uri.params)) return;
    const routes = req.headers.getAll('route');
    const last = routes.pop();
    const target = last && parseNameAddr(last)?.uri;
    if (!target) return;
    req.uri = target;
    req.headers.delete('route');
    for (const r of routes) req.headers.append('Route', r);
  }

  /**
   * A copy of `req` for one branch (RFC 3261 §16.6): our Via on top, Record-Route for dialog-creating
   * requests, Max-Forwards decremented, our Route entries and our credentials removed.
   */
  private buildForward(txn: ServerTxn, branchId: string, uri: string, flow: Flow, routes: string[]): SipRequest {
    const req = txn.req;
    const headers = new SipHeaders();
    headers.append('Via', viaFor(flow, branchId));
    if (txn.initial || (txn.method !== 'INVITE' && !tagOf(req.headers.get('to')) && txn.method !== 'MESSAGE')) {
      // Double Record-Route when the two sides use different transports or addresses (RFC 5658).
      const towardsCallee = this.recordRouteFor(flow);
      const towardsCaller = this.recordRouteFor(txn.flow);
      headers.append('Record-Route', towardsCallee);
      if (towardsCaller !== towardsCallee) headers.append('Record-Route', towardsCaller);
    }
    const maxForwards = Number(req.headers.get('max-forwards') ?? 70);
    for (const [name, value] of req.headers.entries()) {
      const key = name.toLowerCase();
      if (key === 'route' || key === 'max-forwards' || key === 'proxy-authorization') continue;
      headers.append(name, value);
    }
    for (const r of routes) headers.append('Route', r);
    headers.set('Max-Forwards', String(Math.max(0, (Number.isFinite(maxForwards) ? maxForwards : 70) - 1)));
    return { kind: 'request', method: req.method, uri, version: 'SIP/2.0', headers, body: req.body };
  }

  private forward(txn: ServerTxn, binding: Binding, index: number): void {
    const id = this.branchId(txn, index);
    const req = this.buildForward(txn, id, binding.contact, binding.flow, binding.path);
    this.sendBranch(txn, id, req, binding.flow);
  }

  private sendBranch(txn: ServerTxn, id: string, req: SipRequest, flow: Flow): void {
    const branch: Branch = { id, txn, req, flow, status: 0, cancelled: false };
    txn.branches.push(branch);
    this.branches.set(id, branch);
    this.host.send(req, flow);
  }

  private cancelBranches(txn: ServerTxn, except?: Branch): void {
    if (txn.method !== 'INVITE') return;
    for (const b of txn.branches) {
      if (b === except || b.status >= 200 || b.cancelled) continue;
      b.cancelled = true;
      this.host.send(hopByHopRequest('CANCEL', b.req), b.flow);
    }
  }

  /** The hop-by-hop ACK for a non-2xx final response on a branch (RFC 3261 §17.1.1.3). */
  private ackBranch(b: Branch, res: SipResponse): void {
    this.host.send(hopByHopRequest('ACK', b.req, res), b.flow);
  }

  // ---------------------------------------------------------------- responses

  handleResponse(res: SipResponse): void {
    if (this.stopped) return;
    if (this.clickToDial.handleResponse(res)) return;
    const id = topBranch(res);
    const branch = id ? this.branches.get(id) : undefined;
    if (!branch) return; // not ours, or long forgotten: drop (RFC 3261 §16.7 step 2 for a stateful proxy)
    const cseq = parseCSeq(res.headers.get('cseq'));
    if (!cseq || cseq.method.toUpperCase() !== branch.req.method.toUpperCase()) return; // e.g. the 200 to our CANCEL
    const txn = branch.txn;
    const status = res.status;
    if (status === 100) {
      branch.status = Math.max(branch.status, 100);
      return;
    }
    const upstream: SipResponse = { ...res, headers: popVia(res.headers) };
    const toTag = tagOf(res.headers.get('to'));

    if (status < 200) {
      if (branch.status >= 200) return;
      branch.status = status;
      if (txn.initial && toTag) this.dialogFor(txn).callees.set(toTag, branch.flow);
      if (txn.done) return;
      if (txn.call && (status === 180 || status === 183)) this.calls.ringing(txn.call);
      this.sendUpstream(txn, upstream);
      return;
    }

    if (status < 300) {
      branch.status = status;
      branch.final = res;
      if (txn.done && txn.final && txn.final.status >= 300) {
        // The caller was already told 487/408: this late answer must not leave a call behind.
        this.hangUpLateAnswer(branch, res);
        return;
      }
      if (txn.initial && toTag) {
        const dialog = this.dialogFor(txn);
        dialog.callees.set(toTag, branch.flow);
        dialog.call = txn.call;
        if (!txn.answered) dialog.callee = this.calleeSide(branch, res);
      }
      if (!txn.answered) {
        txn.answered = true;
        this.cancelBranches(txn, branch);
        if (txn.call) this.calls.connected(txn.call);
      }
      // Every 2xx (and its retransmissions) goes upstream: the caller ACKs end to end (RFC 3261 §16.7 step 5).
      this.sendUpstream(txn, upstream);
      if (txn.method === 'BYE') this.dialogEnded(res.headers.get('call-id') ?? '');
      return;
    }

    if (branch.status >= 200) {
      if (txn.method === 'INVITE') this.ackBranch(branch, res); // a retransmitted final: ACK it again
      return;
    }
    branch.status = status;
    branch.final = res;
    if (txn.method === 'INVITE') this.ackBranch(branch, res);
    if (status >= 600 && !txn.answered) this.cancelBranches(txn, branch);
    this.maybeFinish(txn);
  }

  /** All branches ended without a 2xx: send the best final response upstream. */
  private maybeFinish(txn: ServerTxn): void {
    if (txn.done || txn.answered) return;
    if (txn.branches.some((b) => b.status < 200)) return;
    const finals = txn.branches.map((b) => b.final!).filter(Boolean);
    const rank = (s: number): number => {
      if (s === 486 || s === 600) return 0;
      if (s >= 600) return 1;
      if (s >= 400 && s < 500 && ![408, 480, 487].includes(s)) return 2;
      if (s === 480) return 3;
      if (s >= 300 && s < 400) return 4;
      if (s === 408) return 5;
      if (s === 487) return 6;
      return 7;
    };
    const best = [...finals].sort((a, b) => rank(a.status) - rank(b.status))[0];
    if (!best) return;
    this.sendUpstream(txn, { ...best, headers: popVia(best.headers) });
    if (txn.call) this.calls.hangup(txn.call);
    if (txn.method === 'BYE') this.dialogEnded(best.headers.get('call-id') ?? '');
  }

  /** A 2xx that came after the caller was given up on: ACK it and BYE it (the caller has no dialog). */
  private hangUpLateAnswer(b: Branch, res: SipResponse): void {
    const contact = parseNameAddr(res.headers.getAll('contact')[0] ?? '')?.uri ?? b.req.uri;
    const routes = res.headers.getAll('record-route').filter((r) => !this.isOwnRoute(r));
    const seq = parseCSeq(b.req.headers.get('cseq'))?.seq ?? 1;
    for (const [method, cseq] of [['ACK', seq], ['BYE', seq + 1]] as const) {
      const req = newRequest({
        method,
        uri: contact,
        via: viaFor(b.flow, `z9hG4bK${randomBytes(10).toString('hex')}`),
        routes,
        from: b.req.headers.get('from') ?? '',
        to: res.headers.get('to') ?? '',
        callId: b.req.headers.get('call-id') ?? '',
        cseq,
      });
      this.host.send(req, b.flow);
    }
  }

  // ---------------------------------------------------------------- CANCEL and ACK

  private cancel(req: SipRequest, flow: Flow): void {
    const txn = this.txns.get(this.txnKey(req, 'INVITE'));
    if (!txn) {
      this.host.send(createResponse(req, 481), flow);
      return;
    }
    this.host.send(createResponse(req, 200), flow);
    if (txn.done || txn.answered) return;
    this.cancelBranches(txn);
    this.reply(txn, 487);
    if (txn.call) this.calls.hangup(txn.call);
  }

  private ack(req: SipRequest, flow: Flow): void {
    const branch = topBranch(req);
    const txn = this.txns.get(this.txnKey(req, 'INVITE'));
    // The ACK for a non-2xx final response belongs to the INVITE transaction: it ends here (hop by hop).
    if (txn && txn.final && txn.final.status >= 300) return;
    const callId = req.headers.get('call-id') ?? '';
    const dialog = this.dialogs.get(callId);
    if (dialog?.virtual) return; // we are the far end: nothing to do for an ACK
    this.stripStrictRoute(req);
    const target = this.inDialogTarget(req, dialog);
    if (!target) return; // an ACK is never answered
    const id = `z9hG4bK${createHash('sha1').update(`${this.secret}|ack|${branch ?? callId}`).digest('hex').slice(0, 24)}`;
    const pseudo: ServerTxn = { key: '', req, method: 'ACK', flow, toTag: '', initial: false, branches: [], answered: false, timers: [], done: true };
    this.host.send(this.buildForward(pseudo, id, req.uri, target, this.remainingRoutes(req)), target);
  }

  // ---------------------------------------------------------------- in-dialog requests

  private dialogFor(txn: ServerTxn): Dialog {
    const callId = txn.req.headers.get('call-id') ?? '';
    let dialog = this.dialogs.get(callId);
    if (!dialog) {
      dialog = { callId, callerTag: tagOf(txn.req.headers.get('from')) ?? '', callerFlow: txn.flow, callees: new Map(), call: txn.call, caller: this.callerSide(txn) };
      this.dialogs.set(callId, dialog);
    }
    return dialog;
  }

  /** Where an in-dialog request goes: the other side of the dialog, else the registered contact it names. */
  private inDialogTarget(req: SipRequest, dialog: Dialog | undefined): Flow | undefined {
    if (dialog) {
      if (tagOf(req.headers.get('from')) === dialog.callerTag) {
        // From the caller: to the callee branch whose tag is in To.
        const f = dialog.callees.get(tagOf(req.headers.get('to')) ?? '') ?? [...dialog.callees.values()][0];
        if (f?.open) return f;
      } else if (dialog.callerFlow.open) {
        return dialog.callerFlow;
      }
    }
    const uri = parseUri(req.uri);
    if (!uri) return undefined;
    for (const user of this.opts.state().users) {
      for (const b of this.host.registrar.contactsOf(user.id)) {
        const c = parseUri(b.contact);
        if (c && sameUri(c, uri) && b.flow.open) return b.flow;
      }
    }
    return undefined;
  }

  private inDialog(txn: ServerTxn): void {
    const { req } = txn;
    const callId = req.headers.get('call-id') ?? '';
    const dialog = this.dialogs.get(callId);
    if (dialog?.virtual) return this.virtualInDialog(txn, dialog);
    const target = this.inDialogTarget(req, dialog);
    if (!target) {
      this.reply(txn, 481);
      return;
    }
    if (txn.method === 'INVITE') this.reply(txn, 100);
    if (dialog) this.noteCSeq(dialog, req);
    if (txn.method === 'BYE' && dialog?.call) this.calls.hangup(dialog.call);
    this.armTimeout(txn, txn.method === 'INVITE' ? this.ringTimeoutMs : TRANSACTION_LINGER_MS);
    const id = this.branchId(txn, 0);
    this.sendBranch(txn, id, this.buildForward(txn, id, req.uri, target, this.remainingRoutes(req)), target);
  }

  /** A BYE ended the dialog: forget it a little later (a crossing BYE still finds its way). */
  private dialogEnded(callId: string): void {
    const dialog = this.dialogs.get(callId);
    if (!dialog || dialog.timer) return;
    dialog.timer = setTimeout(() => this.dialogs.delete(callId), 5000);
    dialog.timer.unref();
  }

  /** A connection closed: its calls end, its pending INVITEs are cancelled. */
  private flowClosed(flow: Flow): void {
    this.clickToDial.flowClosed(flow);
    for (const [callId, d] of this.dialogs) {
      if (d.callerFlow.id === flow.id || [...d.callees.values()].some((f) => f.id === flow.id)) {
        if (d.call) this.calls.hangup(d.call);
        if (!d.timer) this.dialogEnded(callId);
      }
    }
    for (const txn of this.txns.values()) {
      if (txn.done || txn.answered) continue;
      if (txn.flow.id === flow.id) {
        this.cancelBranches(txn);
        for (const t of txn.timers) clearTimeout(t);
        txn.done = true;
        if (txn.call) this.calls.hangup(txn.call);
      } else if (txn.branches.length && txn.branches.every((b) => b.flow.id === flow.id || b.status >= 200)) {
        for (const b of txn.branches) if (b.flow.id === flow.id && b.status < 200) b.status = 480;
        for (const b of txn.branches) if (b.flow.id === flow.id && !b.final) b.final = createResponse(b.req, 480, undefined, txn.toTag);
        this.maybeFinish(txn);
      }
    }
  }

  // ---------------------------------------------------------------- virtual phones

  private virtualContact(txn: ServerTxn, phone: VirtualPhone): string {
    const f = txn.flow;
    return `<sip:${phone.extension}@${hostOf(f.local.address)}:${f.local.port};transport=${f.transport.toLowerCase()}>`;
  }

  private virtualInvite(txn: ServerTxn, caller: StoredUser, phone: VirtualPhone): void {
    const callId = txn.req.headers.get('call-id') ?? '';
    txn.virtual = phone;
    const call = this.calls.start(callId, caller, { phone });
    txn.call = call;
    if (phone.behaviour === 'busy') {
      this.reply(txn, 486);
      this.calls.hangup(call);
      return;
    }
    const contact = this.virtualContact(txn, phone);
    this.reply(txn, 180, undefined, (res) => res.headers.append('Contact', contact));
    this.calls.ringing(call);
    this.armTimeout(txn, this.ringTimeoutMs);
    if (phone.behaviour === 'no-answer') return;
    const t = setTimeout(() => {
      if (txn.done) return;
      if (phone.behaviour === 'decline') {
        this.reply(txn, 603);
        this.calls.hangup(call);
        return;
      }
      this.dialogs.set(callId, {
        callId, callerTag: tagOf(txn.req.headers.get('from')) ?? '', callerFlow: txn.flow, callees: new Map(), call,
        virtual: { phone, localTag: txn.toTag }, caller: this.callerSide(txn),
        callee: { party: `${txn.req.headers.get('to') ?? ''};tag=${txn.toTag}`, target: '', routes: [], flow: txn.flow, cseq: 0 },
      });
      txn.answered = true;
      this.reply(txn, 200, undefined, (res) => this.withSdp(res, txn.req, contact));
      this.calls.connected(call);
    }, phone.answerAfterMs);
    t.unref();
    txn.timers.push(t);
  }

  private withSdp(res: SipResponse, req: SipRequest, contact: string): void {
    res.headers.append('Contact', contact);
    res.headers.append('Allow', UA_ALLOW);
    res.headers.append('Content-Type', 'application/sdp');
    res.body = Buffer.from(sdpAnswer(sdpOf(req)), 'utf8');
  }

  /** In-dialog requests to a virtual phone: BYE ends the call, re-INVITE and UPDATE get an SDP answer, others 200. */
  private virtualInDialog(txn: ServerTxn, dialog: Dialog): void {
    const phone = dialog.virtual!.phone;
    const contact = this.virtualContact(txn, phone);
    switch (txn.method) {
      case 'BYE':
        this.reply(txn, 200);
        if (dialog.call) this.calls.hangup(dialog.call);
        this.dialogEnded(dialog.callId);
        return;
      case 'INVITE':
      case 'UPDATE':
        this.reply(txn, 200, undefined, (res) => this.withSdp(res, txn.req, contact));
        return;
      default:
        this.reply(txn, 200);
    }
  }

  // ---------------------------------------------------------------- UCI call control

  /** The caller's side of a new dialog, from its INVITE. */
  private callerSide(txn: ServerTxn): DialogSide {
    const req = txn.req;
    const from = req.headers.get('from') ?? '';
    const contact = parseNameAddr(req.headers.getAll('contact')[0] ?? '')?.uri ?? parseNameAddr(from)?.uri ?? req.uri;
    return { party: from, target: contact, routes: req.headers.getAll('record-route'), flow: txn.flow, cseq: parseCSeq(req.headers.get('cseq'))?.seq ?? 1 };
  }

  /** The answering callee's side, from its 2xx: the Record-Route entries above ours, nearest first. */
  private calleeSide(branch: Branch, res: SipResponse): DialogSide {
    const rr = res.headers.getAll('record-route');
    const own = rr.findIndex((r) => this.isOwnRoute(r));
    const above = (own < 0 ? rr : rr.slice(0, own)).reverse();
    const contact = parseNameAddr(res.headers.getAll('contact')[0] ?? '')?.uri ?? branch.req.uri;
    return { party: res.headers.get('to') ?? '', target: contact, routes: above.length ? above : branch.req.headers.getAll('route'), flow: branch.flow, cseq: 0 };
  }

  /** Remembers the highest CSeq each side of the dialog has sent. */
  private noteCSeq(dialog: Dialog, req: SipRequest): void {
    const seq = parseCSeq(req.headers.get('cseq'))?.seq;
    if (seq === undefined) return;
    const side = tagOf(req.headers.get('from')) === dialog.callerTag ? dialog.caller : dialog.callee;
    if (side) side.cseq = Math.max(side.cseq, seq);
  }

  /** A BYE of our own to `to`, as if `from` sent it (RFC 3261 §15.1.1), with a Reason (RFC 3326). */
  private sendBye(callId: string, from: DialogSide, to: DialogSide, reason: string): void {
    const bye = newRequest({
      method: 'BYE',
      uri: to.target,
      via: viaFor(to.flow, `z9hG4bK${randomBytes(10).toString('hex')}`),
      routes: to.routes,
      from: from.party,
      to: to.party,
      callId,
      cseq: ++from.cseq,
      extra: [['Reason', reason]],
    });
    if (to.flow.open) this.host.send(bye, to.flow);
  }

  /** The live call (proxied or click-to-dial) in which `uciCallId` is one party's UCI call id. */
  findCall(uciCallId: string): Call | undefined {
    return this.calls.byPartyId(uciCallId);
  }

  /**
   * UCI hangupCall: a click-to-dial call ends both its legs; a proxied call still ringing is cancelled (CANCEL
   * to every branch, 487 to the caller); an established one gets a BYE to each side (only to the caller when
   * the callee is a virtual phone). False when there is no such live call.
   */
  hangUp(uciCallId: string, by: string): boolean {
    if (this.clickToDial.hangUp(uciCallId, by)) return true;
    const call = this.calls.byPartyId(uciCallId);
    if (!call) return false;
    for (const txn of this.txns.values()) {
      if (txn.call !== call || txn.done || txn.answered) continue;
      this.cancelBranches(txn);
      this.reply(txn, 487, `Request Terminated (hung up by ${by} over UCI)`);
      this.calls.hangup(call);
      return true;
    }
    for (const d of this.dialogs.values()) {
      if (d.call !== call || !d.callee) continue;
      const reason = `SIP;cause=200;text="hung up by ${by.replace(/["\\]/g, '')} over UCI"`;
      this.sendBye(d.callId, d.callee, d.caller, reason);
      if (!d.virtual) this.sendBye(d.callId, d.caller, d.callee, reason);
      this.calls.hangup(call);
      this.dialogEnded(d.callId);
      return true;
    }
    return false;
  }

  /** Live calls (`GET /rest/sim/calls`). */
  list() {
    return this.calls.list();
  }
}
