import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../log.js';
import type { PbxState, StoredUser } from '../../state/model.js';
import type { Mutator } from '../../state/pbx.js';
import { addCallJournalEntries } from '../../state/callJournal.js';
import { addVoicemailMessage } from '../../state/voicemailMessages.js';
import type { SipRefusalReason } from '../../../../shared/schemas/registrations.js';
import type { DigestAuthenticator } from '../auth/digest.js';
import type { SipAuthGate } from '../auth/gate.js';
import { appendChallenges } from '../auth/challenges.js';
import { authenticateCaller } from '../auth/proxyAuth.js';
import { ClickToDial } from '../b2bua/clickToDial.js';
import type { UserDirectory } from '../directory.js';
import {
  createResponse,
  parseCSeq,
  tagOf,
  topBranch,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../message/message.js';
import { parseNameAddr, parseUri } from '../message/uri.js';
import type { RefusalReporter } from '../refusals.js';
import type { Binding, Registrar } from '../registrar.js';
import type { CallRouter } from '../sipServer.js';
import type { Flow } from '../transport/flow.js';
import { journalDrafts } from '../callJournal.js';
import { CallTracker, userName, type Call } from '../calls.js';
import { DialPlan } from '../dialPlan.js';
import { byeRequest, Dialogs } from './dialogs.js';
import { bestFinal, Forwarding, popVia } from './forwarding.js';
import { TRANSACTION_LINGER_MS, Transactions, type ServerTxn } from './transactions.js';
import { CallRouting } from './routing.js';
import { VirtualPhoneAgent } from './virtualPhones.js';
import { VoicemailAgent } from './voicemail.js';

/** What the proxy needs of the SIP server. */
export interface ProxyHost {
  auth: DigestAuthenticator;
  /** Where refused requests are logged and published (aggregated per source). */
  refusals: RefusalReporter;
  registrar: Registrar;
  directory: UserDirectory;
  /** Counts digest guesses in the sign-in limiter and holds back throttled sources (none: unlimited). */
  authGate?: SipAuthGate;
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
  /** Grows with every state change: the dial plan rebuilds its indexes only then. Default: every call. */
  revision?: () => number;
  /** Commits a change of the state (a voicemail message, the call journal); without it, neither is kept. */
  commit?: (mutator: Mutator<unknown>) => Promise<unknown>;
  bus: EventBus;
  log: Logger;
  /** How long an INVITE may ring before the caller gets 408 and the branches a CANCEL. Default 60 s. */
  ringTimeoutMs?: number;
  now?: () => number;
}

export const DEFAULT_RING_TIMEOUT_MS = 60_000;

/**
 * A stateful, record-routing SIP proxy (RFC 3261 §16) for the simulated PBX: authenticates callers
 * (407), forks INVITEs to every contact of the called user, relays responses, CANCELs, ACKs and in-dialog
 * requests, absorbs retransmissions, and answers calls to virtual phones itself. The call model on top
 * publishes the UCI call states of both parties. Click-to-dial legs, which the simulator originates, are the
 * B2BUA's: it sees every message first.
 */
export class SipProxy implements CallRouter {
  readonly calls: CallTracker;
  /** Click-to-dial (UCI placeCallWithPhone): the B2BUA legs the simulator originates itself. */
  readonly clickToDial: ClickToDial;
  private readonly txns: Transactions;
  private readonly dialogs: Dialogs;
  private readonly forwarding: Forwarding;
  private readonly virtualPhones: VirtualPhoneAgent;
  /** Dialled numbers → users, groups, mailboxes, virtual phones; redirects; display numbers. */
  readonly dialPlan: DialPlan;
  private readonly routing: CallRouting;
  private readonly ringTimeoutMs: number;
  private stopped = false;

  constructor(private readonly opts: ProxyOptions) {
    const host = opts.host;
    this.calls = new CallTracker(opts.bus, opts.now, (call) => this.journal(call));
    this.ringTimeoutMs = opts.ringTimeoutMs ?? DEFAULT_RING_TIMEOUT_MS;
    this.txns = new Transactions((m, f) => host.send(m, f));
    this.forwarding = new Forwarding(() => host.domains());
    this.dialogs = new Dialogs({
      registrar: host.registrar,
      users: () => opts.state().users,
      isOwnRoute: (v) => this.forwarding.isOwnRoute(v),
    });
    this.virtualPhones = new VirtualPhoneAgent({
      calls: this.calls,
      dialogs: this.dialogs,
      transactions: this.txns,
      armRingTimeout: (txn) => this.armTimeout(txn, this.ringTimeoutMs),
    });
    this.dialPlan = new DialPlan(opts.state, host.directory, opts.revision);
    const now = opts.now ?? Date.now;
    const voicemail = new VoicemailAgent({
      calls: this.calls,
      dialogs: this.dialogs,
      transactions: this.txns,
      send: (m, f) => host.send(m, f),
      now,
      record: (boxId, message) => {
        const commit = opts.commit;
        if (!commit) return;
        commit((state, emit) => addVoicemailMessage(state, emit, boxId, message)).catch((err: unknown) =>
          opts.log('warn', 'voicemail message not kept', { voicemailboxId: boxId, error: String(err) }),
        );
      },
    });
    this.routing = new CallRouting({
      plan: this.dialPlan,
      calls: this.calls,
      transactions: this.txns,
      registrar: host.registrar,
      voicemail,
      virtualPhones: this.virtualPhones,
      forward: (txn, binding, user) => this.forward(txn, binding, user),
      refuse: (txn, status, why, message, phrase) =>
        this.refuse(txn, status, why, message, txn.call?.caller.user?.login, phrase),
    });
    this.clickToDial = new ClickToDial({
      send: (m, f) => host.send(m, f),
      registrar: host.registrar,
      directory: host.directory,
      state: opts.state,
      calls: this.calls,
      bus: opts.bus,
      log: opts.log,
      ringTimeoutMs: this.ringTimeoutMs,
    });
    host.onFlowClosed?.((flow) => this.flowClosed(flow));
  }

  private get host(): ProxyHost {
    return this.opts.host;
  }

  /**
   * An ended call goes into the call journal of its parties. Committed (saved) before its event is published, so
   * an entry a client was told about survives a kill of the simulator.
   */
  private journal(call: Call): void {
    const commit = this.opts.commit;
    const drafts = journalDrafts(call);
    if (!commit || !drafts.length) return;
    commit((state, emit) => addCallJournalEntries(state, emit, drafts)).catch((err: unknown) =>
      this.opts.log('warn', 'call journal entries not kept', { callId: call.callId, error: String(err) }),
    );
  }

  stop(): void {
    this.stopped = true;
    this.clickToDial.stop();
    this.txns.clear();
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

    if (this.txns.absorbRetransmission(req, method, flow)) return;
    const hasToTag = Boolean(tagOf(req.headers.get('to')));
    if (method === 'OPTIONS' && !hasToTag) {
      this.host.send(this.host.options(req), flow);
      return;
    }
    const txn = this.txns.open(req, method, flow);
    this.forwarding.stripStrictRoute(req);
    if (hasToTag) this.inDialog(txn);
    else this.initialRequest(txn);
  }

  private initialRequest(txn: ServerTxn): void {
    const { req } = txn;
    const caller = this.authenticate(txn);
    if (!caller) return;

    const target = parseUri(req.uri);
    if (!target || (target.scheme !== 'sip' && target.scheme !== 'sips')) {
      this.refuse(txn, 416, 'unsupported-uri', 'Request-URI is not a sip or sips URI', caller.login);
      return;
    }
    if (!this.host.domains().has(target.host)) {
      this.refuse(
        txn,
        404,
        'unknown-domain',
        `Request-URI domain ${target.host} is not served here`,
        caller.login,
        'Not Found (domain not served here)',
      );
      return;
    }
    const isInvite = txn.method === 'INVITE';
    if (isInvite) this.txns.reply(txn, 100);
    txn.initial = isInvite;

    const dest = this.dialPlan.resolve(target.user);
    if (dest.kind === 'virtual') {
      if (isInvite) this.virtualPhones.invite(txn, caller, dest.phone);
      else this.txns.reply(txn, 200);
      return;
    }
    if (dest.kind === 'none') {
      this.refuse(
        txn,
        404,
        'unknown-number',
        `no user, extension or virtual phone "${target.user ?? ''}"`,
        caller.login,
        'Not Found (no such user or extension)',
      );
      return;
    }
    if (isInvite) {
      // Users, groups and mailboxes: the PBX's routing (forking, redirects, voicemail) takes the call.
      this.armTimeout(txn, this.ringTimeoutMs);
      this.routing.invite(txn, caller, dest);
      return;
    }
    // Other requests outside a dialog (MESSAGE, OPTIONS, …) go to the devices of the user or group members.
    if (dest.kind === 'mailbox') {
      this.txns.reply(txn, 200);
      return;
    }
    const users = dest.kind === 'user' ? [dest.user] : dest.members;
    const contacts = users.flatMap((u) =>
      this.host.registrar
        .contactsOf(u.id)
        .filter((b) => b.flow.open)
        .map((b) => ({ u, b })),
    );
    if (contacts.length === 0) {
      this.refuse(
        txn,
        480,
        'not-registered',
        `${dest.kind === 'user' ? dest.user.login : `group ${dest.group.name}`} has no registered phone`,
        caller.login,
        'Temporarily Unavailable (not registered)',
      );
      return;
    }
    this.armTimeout(txn, TRANSACTION_LINGER_MS);
    for (const { u, b } of contacts) this.forward(txn, b, u);
  }

  /** The authenticated caller, or undefined once the request was challenged or refused. */
  private authenticate(txn: ServerTxn): StoredUser | undefined {
    const gate = this.host.authGate && { gate: this.host.authGate, source: txn.flow.remote.address };
    const verdict = authenticateCaller(txn.req, this.host.auth, this.host.directory, gate);
    if (verdict.ok) {
      txn.flow.markAuthenticated?.();
      return verdict.user;
    }
    const { refusal, challenge } = verdict;
    if (refusal) this.reportRefusal(txn, refusal.status, refusal.reason, refusal.message, refusal.login);
    if (challenge)
      this.txns.reply(txn, 407, undefined, (res) =>
        appendChallenges(res, this.host.auth, 'Proxy-Authenticate', challenge.stale),
      );
    else if (refusal) this.txns.reply(txn, refusal.status, refusal.phrase);
    return undefined;
  }

  /** Answers a refusal and reports it (log line and `request-refused` event, aggregated per source). */
  private refuse(
    txn: ServerTxn,
    status: number,
    why: SipRefusalReason,
    message: string,
    login: string | undefined,
    phrase?: string,
  ): void {
    this.reportRefusal(txn, status, why, message, login);
    this.txns.reply(txn, status, phrase);
  }

  private reportRefusal(
    txn: ServerTxn,
    status: number,
    why: SipRefusalReason,
    message: string,
    login: string | undefined,
  ): void {
    const { req } = txn;
    const from = parseNameAddr(req.headers.get('from') ?? '')?.uri;
    this.host.refusals.refused({
      method: req.method,
      status,
      reason: why,
      message,
      flow: txn.flow,
      login,
      aor: from,
      target: req.uri,
    });
  }

  private armTimeout(txn: ServerTxn, ms: number): void {
    this.txns.schedule(txn, ms, () => this.timeout(txn));
  }

  private timeout(txn: ServerTxn): void {
    if (txn.done || txn.answered) return;
    this.txns.cancelBranches(txn);
    this.txns.reply(txn, 408, txn.method === 'INVITE' ? 'Request Timeout (no answer)' : undefined);
    if (txn.call) this.calls.hangup(txn.call);
  }

  // ---------------------------------------------------------------- forwarding

  private forward(txn: ServerTxn, binding: Binding, user: StoredUser): void {
    const id = this.txns.branchId(txn, txn.branches.length);
    const copy = this.forwarding.copy(txn, id, binding.contact, binding.flow, binding.path);
    if (txn.initial) this.assertIdentity(txn, copy);
    this.txns.sendBranch(txn, id, copy, binding.flow, user.id);
  }

  /**
   * The PBX vouches for who calls (RFC 3325): a P-Asserted-Identity with the caller's name and display number
   * (PhoneNumberConfig `displayNumberId`; an external number in its international form, `+4930555011`),
   * replacing any the caller put in. The From stays the caller's own (a proxy does not rewrite it), so a phone
   * shows the caller's extension there and the display number from the asserted identity.
   */
  private assertIdentity(txn: ServerTxn, copy: SipRequest): void {
    const user = txn.call?.caller.user;
    if (!user) return;
    const number = this.dialPlan.displayNumber(user) ?? txn.call!.caller.number;
    const host = parseUri(txn.req.uri)?.host ?? 'localhost';
    const name = userName(user).replace(/["\\]/g, '');
    copy.headers.delete('p-asserted-identity');
    copy.headers.append('P-Asserted-Identity', `${name ? `"${name}" ` : ''}<sip:${number}@${host}>`);
  }

  // ---------------------------------------------------------------- responses

  handleResponse(res: SipResponse): void {
    if (this.stopped) return;
    if (this.clickToDial.handleResponse(res)) return;
    const id = topBranch(res);
    const branch = id ? this.txns.branch(id) : undefined;
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
      if (txn.initial && toTag) this.dialogs.forTxn(txn).callees.set(toTag, branch.flow);
      if (txn.done) return;
      if (branch.superseded) return; // a redirect took the call on: its ringing is no longer the caller's
      if (txn.call && (status === 180 || status === 183)) this.calls.ringing(txn.call, branch.userId);
      this.txns.sendUpstream(txn, upstream);
      return;
    }

    if (status < 300) {
      branch.status = status;
      branch.final = res;
      if (branch.superseded || (txn.done && txn.final && txn.final.status >= 300)) {
        // The caller was given up on, or a redirect (or the voicemail) took the call on from this device:
        // The caller was already told 487/408: this late answer must not leave a call behind.
        for (const req of this.dialogs.lateAnswerTeardown(branch, res)) this.host.send(req, branch.flow);
        return;
      }
      if (txn.initial && toTag) {
        const dialog = this.dialogs.forTxn(txn);
        dialog.callees.set(toTag, branch.flow);
        dialog.call = txn.call;
        if (!txn.answered) dialog.callee = this.dialogs.calleeSide(branch, res);
      }
      if (!txn.answered) {
        txn.answered = true;
        this.txns.cancelBranches(txn, branch);
        if (txn.call) this.calls.connected(txn.call, branch.userId);
      }
      // Every 2xx (and its retransmissions) goes upstream: the caller ACKs end to end (RFC 3261 §16.7 step 5).
      this.txns.sendUpstream(txn, upstream);
      if (txn.method === 'BYE') this.dialogs.ended(res.headers.get('call-id') ?? '');
      return;
    }

    if (branch.status >= 200) {
      if (txn.method === 'INVITE') this.txns.ackBranch(branch, res); // a retransmitted final: ACK it again
      return;
    }
    branch.status = status;
    branch.final = res;
    if (txn.method === 'INVITE') this.txns.ackBranch(branch, res);
    if (status >= 600 && !txn.answered && !branch.superseded) this.txns.cancelBranches(txn, branch);
    if (!branch.superseded && !txn.done && !txn.answered) this.routing.branchFailed(txn, branch.userId);
    this.maybeFinish(txn);
  }

  /** All branches ended without a 2xx: send the best final response upstream. */
  private maybeFinish(txn: ServerTxn): void {
    if (txn.done || txn.answered) return;
    if (txn.branches.some((b) => b.status < 200)) return;
    if (txn.method === 'INVITE' && this.routing.exhausted(txn)) return; // a BUSY or TIMEOUT redirect took it on
    const best = bestFinal(txn.branches.map((b) => b.final!).filter(Boolean));
    if (!best) return;
    this.txns.sendUpstream(txn, { ...best, headers: popVia(best.headers) });
    if (txn.call) this.calls.hangup(txn.call);
    if (txn.method === 'BYE') this.dialogs.ended(best.headers.get('call-id') ?? '');
  }

  // ---------------------------------------------------------------- CANCEL and ACK

  private cancel(req: SipRequest, flow: Flow): void {
    const txn = this.txns.of(req, 'INVITE');
    if (!txn) {
      this.host.send(createResponse(req, 481), flow);
      return;
    }
    this.host.send(createResponse(req, 200), flow);
    if (txn.done || txn.answered) return;
    this.txns.cancelBranches(txn);
    this.txns.reply(txn, 487);
    if (txn.call) this.calls.hangup(txn.call);
  }

  private ack(req: SipRequest, flow: Flow): void {
    const branch = topBranch(req);
    const txn = this.txns.of(req, 'INVITE');
    // The ACK for a non-2xx final response belongs to the INVITE transaction: it ends here (hop by hop).
    if (txn && txn.final && txn.final.status >= 300) return;
    const callId = req.headers.get('call-id') ?? '';
    const dialog = this.dialogs.get(callId);
    if (dialog?.virtual) return; // we are the far end: nothing to do for an ACK
    this.forwarding.stripStrictRoute(req);
    const target = this.dialogs.target(req, dialog);
    if (!target) return; // an ACK is never answered
    const id = this.txns.ackBranchId(branch ?? callId);
    const copy = this.forwarding.copy(
      { req, method: 'ACK', initial: false, flow },
      id,
      req.uri,
      target,
      this.forwarding.remainingRoutes(req),
    );
    this.host.send(copy, target);
  }

  // ---------------------------------------------------------------- in-dialog requests

  private inDialog(txn: ServerTxn): void {
    const { req } = txn;
    const callId = req.headers.get('call-id') ?? '';
    const dialog = this.dialogs.get(callId);
    if (dialog?.virtual) return this.virtualPhones.inDialog(txn, dialog);
    const target = this.dialogs.target(req, dialog);
    if (!target) {
      this.txns.reply(txn, 481);
      return;
    }
    if (txn.method === 'INVITE') this.txns.reply(txn, 100);
    if (dialog) this.dialogs.noteCSeq(dialog, req);
    if (txn.method === 'BYE' && dialog?.call) this.calls.hangup(dialog.call);
    this.armTimeout(txn, txn.method === 'INVITE' ? this.ringTimeoutMs : TRANSACTION_LINGER_MS);
    const id = this.txns.branchId(txn, 0);
    this.txns.sendBranch(
      txn,
      id,
      this.forwarding.copy(txn, id, req.uri, target, this.forwarding.remainingRoutes(req)),
      target,
    );
  }

  /** A connection closed: its calls end, its pending INVITEs are cancelled. */
  private flowClosed(flow: Flow): void {
    this.clickToDial.flowClosed(flow);
    for (const d of this.dialogs.all()) {
      if (d.callerFlow.id === flow.id || [...d.callees.values()].some((f) => f.id === flow.id)) {
        if (d.call) this.calls.hangup(d.call);
        if (!d.timer) this.dialogs.ended(d.callId);
      }
    }
    for (const txn of this.txns.all()) {
      if (txn.done || txn.answered) continue;
      if (txn.flow.id === flow.id) {
        this.txns.cancelBranches(txn);
        this.txns.abandon(txn);
        if (txn.call) this.calls.hangup(txn.call);
      } else if (txn.branches.length && txn.branches.every((b) => b.flow.id === flow.id || b.status >= 200)) {
        for (const b of txn.branches) if (b.flow.id === flow.id && b.status < 200) b.status = 480;
        for (const b of txn.branches)
          if (b.flow.id === flow.id && !b.final) b.final = createResponse(b.req, 480, undefined, txn.toTag);
        this.maybeFinish(txn);
      }
    }
  }

  // ---------------------------------------------------------------- UCI call control

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
    for (const txn of this.txns.all()) {
      if (txn.call !== call || txn.done || txn.answered) continue;
      this.txns.cancelBranches(txn);
      this.txns.reply(txn, 487, `Request Terminated (hung up by ${by} over UCI)`);
      this.calls.hangup(call);
      return true;
    }
    for (const d of this.dialogs.all()) {
      if (d.call !== call || !d.callee) continue;
      const reason = `SIP;cause=200;text="hung up by ${by.replace(/["\\]/g, '')} over UCI"`;
      this.sendBye(byeRequest(d.callId, d.callee, d.caller, reason), d.caller.flow);
      if (!d.virtual) this.sendBye(byeRequest(d.callId, d.caller, d.callee, reason), d.callee.flow);
      this.calls.hangup(call);
      this.dialogs.ended(d.callId);
      return true;
    }
    return false;
  }

  private sendBye(bye: SipRequest, flow: Flow): void {
    if (flow.open) this.host.send(bye, flow);
  }

  /** Live calls (`GET /rest/sim/calls`). */
  list() {
    return this.calls.list();
  }
}
