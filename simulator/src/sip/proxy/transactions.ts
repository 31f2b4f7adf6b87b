import { createHash, randomBytes } from 'node:crypto';
import type { VirtualPhone } from '../../../../shared/schemas/calls.js';
import {
  createResponse,
  parseCSeq,
  parseVia,
  REASONS,
  tagOf,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../message/message.js';
import { hopByHopRequest } from '../message/requests.js';
import type { Flow } from '../transport/flow.js';
import type { Call } from '../calls.js';

/** Timer F / how long a finished transaction is remembered to absorb retransmissions (RFC 3261 §17). */
export const TRANSACTION_LINGER_MS = 32_000;

/** One request we received and route: the server side of a stateful proxy transaction. */
export interface ServerTxn {
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
export interface Branch {
  id: string;
  txn: ServerTxn;
  req: SipRequest;
  flow: Flow;
  /** 0 until a response came; then the highest status seen. */
  status: number;
  final?: SipResponse;
  cancelled: boolean;
  /** The user whose device this branch rings (for the UCI states of a forked or redirected call). */
  userId?: number;
  /** A redirect took the call on from here: this branch's answers no longer decide the call. */
  superseded?: boolean;
}

/**
 * Transaction key (RFC 3261 §17.2.3): the top Via's branch and sent-by, and the method (CANCEL and ACK look
 * up their INVITE with method INVITE); the Call-ID too, so that two clients reusing a branch never meet.
 * Requests without an RFC 3261 branch fall back to Call-ID, CSeq number and From tag.
 */
export function txnKey(req: SipRequest, method: string): string {
  const top = req.headers.getAll('via')[0];
  const via = top === undefined ? undefined : parseVia(top);
  const branch = via?.params.branch;
  const callId = req.headers.get('call-id') ?? '';
  if (via && branch && branch.startsWith('z9hG4bK'))
    return `${branch}|${via.host}:${via.port ?? ''}|${callId}|${method}`;
  return `${callId}|${parseCSeq(req.headers.get('cseq'))?.seq}|${tagOf(req.headers.get('from'))}|${method}`;
}

/**
 * The proxy's server transactions and their branches (client transactions), with their timers: what is sent
 * upstream and downstream on them, and what absorbs retransmissions. Branch ids are hashed from a secret
 * and what they belong to rather than drawn at random: a 2xx ACK has no transaction to remember its branch in,
 * yet each of its retransmissions must leave with the same one.
 */
export class Transactions {
  private readonly txns = new Map<string, ServerTxn>();
  private readonly branches = new Map<string, Branch>();
  private readonly secret = randomBytes(8).toString('hex');

  constructor(private readonly send: (message: SipMessage, flow: Flow) => void) {}

  /**
   * Answers a retransmitted request with what the first copy got so far (RFC 3261 §17.2). False when the
   * request starts a new transaction.
   */
  absorbRetransmission(req: SipRequest, method: string, flow: Flow): boolean {
    const existing = this.of(req, method);
    if (!existing) return false;
    const last = existing.final ?? existing.lastProvisional;
    if (last) this.send(last, flow);
    else if (method === 'INVITE') this.send(createResponse(req, 100), flow);
    return true;
  }

  /** The transaction `req` belongs to, looked up as `method` (INVITE for its CANCEL and ACK). */
  of(req: SipRequest, method: string): ServerTxn | undefined {
    return this.txns.get(txnKey(req, method));
  }

  open(req: SipRequest, method: string, flow: Flow): ServerTxn {
    const key = txnKey(req, method);
    const txn: ServerTxn = {
      key,
      req,
      method,
      flow,
      toTag: randomBytes(5).toString('hex'),
      initial: false,
      branches: [],
      answered: false,
      timers: [],
      done: false,
    };
    this.txns.set(key, txn);
    return txn;
  }

  /** The transactions still remembered, finished or not. */
  all(): IterableIterator<ServerTxn> {
    return this.txns.values();
  }

  branch(id: string): Branch | undefined {
    return this.branches.get(id);
  }

  branchId(txn: ServerTxn, index: number): string {
    return this.hashedBranch(`${txn.key}|${index}`);
  }

  /** The branch of a forwarded 2xx ACK: stable per ACK, so its retransmissions go out alike. */
  ackBranchId(seed: string): string {
    return this.hashedBranch(`ack|${seed}`);
  }

  /** Answers the transaction upstream with a response of our own. */
  reply(txn: ServerTxn, status: number, reason?: string, extra?: (res: SipResponse) => void): SipResponse {
    const res = createResponse(txn.req, status, reason ?? REASONS[status] ?? '', txn.toTag);
    extra?.(res);
    this.sendUpstream(txn, res);
    return res;
  }

  sendUpstream(txn: ServerTxn, res: SipResponse): void {
    if (res.status < 200) txn.lastProvisional = res;
    else this.finish(txn, res);
    this.send(res, txn.flow);
  }

  /** Sends a forwarded copy downstream as a new branch of the transaction. */
  sendBranch(txn: ServerTxn, id: string, req: SipRequest, flow: Flow, userId?: number): void {
    const branch: Branch = { id, txn, req, flow, status: 0, cancelled: false, userId };
    txn.branches.push(branch);
    this.branches.set(id, branch);
    this.send(req, flow);
  }

  /** CANCELs the INVITE's branches that have no final answer yet, but `except`. */
  cancelBranches(txn: ServerTxn, except?: Branch): void {
    if (txn.method !== 'INVITE') return;
    for (const b of txn.branches) {
      if (b === except || b.status >= 200 || b.cancelled) continue;
      b.cancelled = true;
      this.send(hopByHopRequest('CANCEL', b.req), b.flow);
    }
  }

  /** The hop-by-hop ACK for a non-2xx final response on a branch (RFC 3261 §17.1.1.3). */
  ackBranch(b: Branch, res: SipResponse): void {
    this.send(hopByHopRequest('ACK', b.req, res), b.flow);
  }

  /** Runs `fn` after `ms` unless the transaction finishes first. */
  schedule(txn: ServerTxn, ms: number, fn: () => void): void {
    const t = setTimeout(fn, ms);
    t.unref();
    txn.timers.push(t);
  }

  /** The transaction got its final answer upstream: stop its timers, forget it after Timer F. */
  private finish(txn: ServerTxn, res: SipResponse): void {
    txn.final = res;
    if (txn.done) return;
    txn.done = true;
    this.stopTimers(txn);
    const linger = setTimeout(() => {
      this.txns.delete(txn.key);
      for (const b of txn.branches) this.branches.delete(b.id);
    }, TRANSACTION_LINGER_MS);
    linger.unref();
  }

  /** Its caller went away: nothing more is sent upstream. */
  abandon(txn: ServerTxn): void {
    this.stopTimers(txn);
    txn.done = true;
  }

  clear(): void {
    for (const txn of this.txns.values()) this.stopTimers(txn);
    this.txns.clear();
    this.branches.clear();
  }

  private stopTimers(txn: ServerTxn): void {
    for (const t of txn.timers) clearTimeout(t);
    txn.timers = [];
  }

  private hashedBranch(seed: string): string {
    return `z9hG4bK${createHash('sha1').update(`${this.secret}|${seed}`).digest('hex').slice(0, 24)}`;
  }
}
