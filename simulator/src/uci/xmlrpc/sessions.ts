/**
 * XML-RPC UCI sessions. A session is made by `login` and named by login + callback (type, host, port, path),
 * since every request carries both in its query; it ends on logout, on a missing keepAlive and when its
 * callback stays unreachable beyond the delivery bound. Subscriptions are the core's (core/subscriptions.ts); a
 * session's events go to its CallbackQueue.
 */
import type { XmlRpcStruct } from '@foxglove/xmlrpc';
import { specDates, xmlRpc } from './lib.js';
import { CALL_EVENT_SERVICE, CALL_STATE_EVENT } from '../../../../shared/schemas/calls.js';
import { SIM_SERVICES, type SimEvent } from '../../../../shared/schemas/events.js';
import { UCI_V20_RESET_METHOD } from '../../../../shared/schemas/uciNames.js';
import {
  UCI_XMLRPC_EVENT_HEADERS,
  UCI_XMLRPC_FAULTS,
  UCI_XMLRPC_LOG_EVENTS,
  UCI_XMLRPC_MAX_SESSIONS,
  UCI_XMLRPC_MAX_SESSIONS_PER_LOGIN,
  UCI_XMLRPC_PARAMS,
  xmlRpcEventMethod,
  type UciXmlRpcDeliveryOptions,
} from '../../../../shared/schemas/uciXmlRpc.js';
import { sourceKey } from '../../auth/rateLimit.js';
import type { UciSessionHolder } from '../../auth/sessionRevocation.js';
import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../log.js';
import type { UciPeer } from '../core/dispatch.js';
import { RpcError } from '../core/methods.js';
import { UciSession } from '../core/session.js';
import { oncePerEvent, type Subscriptions } from '../core/subscriptions.js';
import {
  CallbackQueue,
  callbackTail,
  redactedCallbackUrl,
  type CallbackCall,
  type CallbackRejected,
  type CallbackTarget,
} from './callbackQueue.js';

export class XmlRpcSession implements UciPeer {
  readonly session = new UciSession();
  readonly queue: CallbackQueue | undefined;
  private readonly idle: NodeJS.Timeout;
  ended = false;

  /** When a request last used the session, as the registry's counter (higher = more recent). */
  activeAt: number;

  constructor(
    readonly key: string,
    readonly callback: CallbackTarget | undefined,
    private readonly registry: XmlRpcSessions,
    /** The address that opened it (sourceKey: IPv4, or an IPv6 /64). */
    readonly address: string,
  ) {
    this.activeAt = registry.tick();
    this.queue =
      callback &&
      new CallbackQueue(
        callback,
        registry.delivery,
        (dropped, reason, lastError) => registry.callbackGaveUp(this, dropped, reason, lastError),
        Date.now,
        (rejected) => registry.callbackRejected(this, rejected),
      );
    this.idle = setTimeout(() => registry.keepAliveMissed(this), registry.keepAliveMs);
    this.idle.unref();
  }

  /** The callback for logs: host:port and a redacted path (the path may be the client's secret). */
  get label(): string {
    return this.callback ? redactedCallbackUrl(this.callback) : '(no callback)';
  }

  /** The login the session was opened for (the first line of its key). */
  get login(): string {
    return this.key.slice(0, this.key.indexOf('\n'));
  }

  /** Rejections not yet published in sim.events.log, and when the last publication was. */
  rejectedUnreported = 0;
  rejectedReportedAt = 0;

  touch(): void {
    this.idle.refresh();
    this.activeAt = this.registry.tick();
  }

  deliver(event: SimEvent): boolean {
    const queue = this.queue;
    if (!queue) return !this.ended;
    const names = this.session.routes.get(event.service);
    if (!names || (names.length === 1 && names[0] === event.service)) queue.push(this.registry.callbackCall(event));
    else for (const name of names) queue.push(callbackCall(event, name));
    return !this.ended;
  }

  /** Events need a callback, and a backlog must fit into its queue (else the session would end inside this request). */
  admit(backlog: () => readonly SimEvent[], sinceSeq: number | undefined): void {
    if (!this.queue) {
      throw new RpcError(
        UCI_XMLRPC_FAULTS.noCallback,
        `subscribeEvents needs a callback: log in with ${UCI_XMLRPC_PARAMS.callbackHost}, ${UCI_XMLRPC_PARAMS.callbackPort} and ${UCI_XMLRPC_PARAMS.callbackPath} in the query`,
      );
    }
    const events = backlog().length;
    const { maxQueue } = this.registry.delivery;
    const room = maxQueue - this.queue.length;
    if (events > room) {
      throw new RpcError(
        UCI_XMLRPC_FAULTS.sinceSeqGone,
        `${events} events after seq ${sinceSeq} are more than the callback queue takes (${room} of ${maxQueue}); subscribe without sinceSeq and reload`,
      );
    }
  }

  /** Ends the session (logout, keepAlive timeout, callback given up); answers how many queued events were dropped. */
  close(_code?: number, _reason?: string): number {
    if (this.ended) return 0;
    this.ended = true;
    clearTimeout(this.idle);
    this.registry.forget(this);
    return this.queue?.stop() ?? 0;
  }
}

export interface XmlRpcSessionsOptions {
  /** For the sim.events.log events about sessions. */
  bus: EventBus;
  subscriptions: Subscriptions;
  log: Logger;
  keepAliveMs: number;
  delivery: UciXmlRpcDeliveryOptions;
  /** Safety net over all logins (default UCI_XMLRPC_MAX_SESSIONS). */
  maxSessions?: number;
  /**
   * Sessions one login may hold from one address (default UCI_XMLRPC_MAX_SESSIONS_PER_LOGIN); one more replaces
   * the least recently used of them.
   */
  maxSessionsPerLogin?: number;
}

/** At most one `rejected` sim.events.log event per session in this time (the rest are counted into the next). */
const REJECTED_LOG_INTERVAL_MS = 10_000;

export class XmlRpcSessions implements UciSessionHolder {
  private readonly sessions = new Map<string, XmlRpcSession>();
  readonly keepAliveMs: number;
  readonly delivery: UciXmlRpcDeliveryOptions;
  /** An event's callback methodCall, serialised once for every session. */
  readonly callbackCall = oncePerEvent((e: SimEvent) => callbackCall(e));

  private activity = 0;

  constructor(private readonly opts: XmlRpcSessionsOptions) {
    this.keepAliveMs = opts.keepAliveMs;
    this.delivery = opts.delivery;
  }

  /** A counter, not a clock: "least recently used" needs an order only. */
  tick(): number {
    return ++this.activity;
  }

  get(key: string): XmlRpcSession | undefined {
    return this.sessions.get(key);
  }

  /**
   * The session for key, made if there is none (a repeated login keeps the session and its subscriptions).
   *
   * A login holds at most `maxSessionsPerLogin` sessions per address; one more replaces the least recently used
   * of that login and address, which ends as after a missed keepAlive (its client sees keepAlive answer false and
   * may log in again). Refusing instead would let anyone with the password — from anywhere, or a runaway tool on
   * the same machine — keep the user's own client out; per address, sessions opened elsewhere cannot push this
   * client's out, and a client always gets in. Only the safety net over all logins refuses (-32015).
   */
  open(key: string, callback: CallbackTarget | undefined, remote: string): XmlRpcSession {
    let s = this.sessions.get(key);
    if (s) return s;
    const login = key.slice(0, key.indexOf('\n'));
    const address = sourceKey(remote);
    const perLogin = this.opts.maxSessionsPerLogin ?? UCI_XMLRPC_MAX_SESSIONS_PER_LOGIN;
    const mine: XmlRpcSession[] = [];
    for (const other of this.sessions.values())
      if (other.login === login && other.address === address) mine.push(other);
    if (mine.length >= perLogin) {
      const oldest = mine.reduce((a, b) => (b.activeAt < a.activeAt ? b : a));
      this.replaced(oldest, perLogin);
    }
    const max = this.opts.maxSessions ?? UCI_XMLRPC_MAX_SESSIONS;
    if (this.sessions.size >= max) {
      throw new RpcError(
        UCI_XMLRPC_FAULTS.tooManySessions,
        `too many XML-RPC sessions on this simulator (${this.sessions.size}, at most ${max}); log out unused ones or let them time out`,
      );
    }
    s = new XmlRpcSession(key, callback, this, address);
    this.sessions.set(key, s);
    return s;
  }

  /**
   * Ends every session. v20 clients that declared `ucp.v20.client.connection` are first told with
   * `ucp.v20.client.connection.reset` (no params), as a real PBX does when it resets the connection; the stop
   * waits at most `resetWaitMs` for those calls.
   */
  async stop(resetWaitMs = 1_000): Promise<void> {
    const told: Promise<void>[] = [];
    for (const s of this.sessions.values()) {
      if (!s.session.resetOnStop || !s.queue) continue;
      s.queue.push({
        method: UCI_V20_RESET_METHOD,
        tail: callbackTail(xmlRpc().serializeMethodCall(UCI_V20_RESET_METHOD, [])),
      });
      told.push(s.queue.drained(resetWaitMs));
    }
    await Promise.all(told);
    for (const s of [...this.sessions.values()]) s.close();
  }

  /**
   * Ends the sessions of the users `ofUser` selects, as a logout does: queued events are dropped, and the next
   * keepAlive answers false (the client's cue to log in again).
   */
  endSessions(ofUser: (userId: number) => boolean, reason: string): number {
    let ended = 0;
    for (const s of [...this.sessions.values()]) {
      const user = s.session.user;
      if (!user || !ofUser(user.id)) continue;
      const dropped = s.close();
      this.opts.log('info', 'uci xml-rpc session ended', { login: user.login, callback: s.label, dropped, reason });
      ended++;
    }
    return ended;
  }

  forget(s: XmlRpcSession): void {
    if (this.sessions.get(s.key) === s) this.sessions.delete(s.key);
    this.opts.subscriptions.forget(s);
  }

  private replaced(s: XmlRpcSession, perLogin: number): void {
    const dropped = s.close();
    this.logEvent(
      s,
      UCI_XMLRPC_LOG_EVENTS.replaced,
      'info',
      `UCI XML-RPC session of ${s.session.user?.login ?? '?'} (callback ${s.label}) ended: the least recently used of ${perLogin} from ${s.address}, replaced by a new login from there`,
      { dropped, address: s.address },
    );
  }

  keepAliveMissed(s: XmlRpcSession): void {
    const dropped = s.close();
    this.logEvent(
      s,
      UCI_XMLRPC_LOG_EVENTS.keepAliveTimeout,
      'info',
      `UCI XML-RPC session of ${s.session.user?.login ?? '?'} (callback ${s.label}) ended: no request within ${this.keepAliveMs} ms`,
      {
        dropped,
      },
    );
  }

  callbackGaveUp(s: XmlRpcSession, dropped: number, reason: string, lastError: string): void {
    s.close();
    // The socket error (refused, reset, an HTTP status, a timeout) would tell the user what listens on the
    // callback's host and port — a port scanner. Only the simulator's own log keeps it; the event says
    // "unreachable" and what gave out.
    this.opts.log('warn', UCI_XMLRPC_LOG_EVENTS.dropped, {
      login: s.session.user?.login,
      callback: s.label,
      dropped,
      reason,
      lastError,
    });
    const generic = `callback unreachable: ${reason}`;
    this.logEvent(
      s,
      UCI_XMLRPC_LOG_EVENTS.dropped,
      'warn',
      `UCI XML-RPC callback given up, ${dropped} event(s) dropped and the session of ${s.session.user?.login ?? '?'} ended: ${generic}`,
      { dropped, reason: generic },
      false,
    );
  }

  /** The client refused an event with a fault: delivered all the same (not retried); logged, throttled. */
  callbackRejected(s: XmlRpcSession, rejected: CallbackRejected): void {
    this.opts.log('info', 'uci xml-rpc callback refused an event', {
      login: s.session.user?.login,
      callback: s.label,
      method: rejected.method,
      faultCode: rejected.faultCode,
      faultString: rejected.faultString,
    });
    s.rejectedUnreported++;
    const now = Date.now();
    if (now - s.rejectedReportedAt < REJECTED_LOG_INTERVAL_MS) return;
    const count = s.rejectedUnreported;
    s.rejectedUnreported = 0;
    s.rejectedReportedAt = now;
    this.logEvent(
      s,
      UCI_XMLRPC_LOG_EVENTS.rejected,
      'info',
      `UCI XML-RPC callback ${s.label} of ${s.session.user?.login ?? '?'} answered ${rejected.method} with fault ${rejected.faultCode ?? '?'} "${rejected.faultString}"${count > 1 ? ` (${count} events refused since the last report)` : ''}; not sent again`,
      {
        method: rejected.method,
        faultCode: rejected.faultCode ?? null,
        faultString: rejected.faultString,
        rejected: count,
      },
      false,
    );
  }

  private logEvent(
    s: XmlRpcSession,
    event: string,
    level: 'info' | 'warn',
    message: string,
    extra: Record<string, unknown>,
    toLogger = true,
  ): void {
    const user = s.session.user;
    const data = {
      level,
      message,
      ...(user ? { userId: user.id, login: user.login } : {}),
      callback: s.label,
      ...extra,
    };
    if (toLogger) this.opts.log(level, event, { login: user?.login, callback: s.label, ...extra });
    // Not from inside a bus dispatch (the give-up can happen while an event is being queued).
    queueMicrotask(() => this.opts.bus.publish({ service: SIM_SERVICES.log, event, data }));
  }
}

/**
 * The callback request for an event under a service name (the client's; a v30 or v20 alias of the published
 * service): the real method name, exactly one struct, and the simulator's metadata in headers.
 */
export function callbackCall(e: SimEvent, service: string = e.service): CallbackCall {
  const method = xmlRpcEventMethod(service, e.event);
  const H = UCI_XMLRPC_EVENT_HEADERS;
  const headers = { [H.seq]: String(e.seq), [H.time]: e.time, [H.service]: e.service, [H.event]: e.event };
  return { method, tail: callbackTail(specDates(xmlRpc().serializeMethodCall(method, [eventPayload(e)])), headers) };
}

function eventPayload(e: SimEvent): XmlRpcStruct {
  if (e.service === CALL_EVENT_SERVICE && e.event === CALL_STATE_EVENT) {
    const d = e.data;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return {
      id: str(d.id),
      state: str(d.state),
      timestamp: String(typeof d.timestamp === 'number' ? d.timestamp : Date.parse(e.time)),
      callerNumber: str(d.callerNumber),
      callerName: str(d.callerName),
      calledNumber: str(d.calledNumber),
      calledName: str(d.calledName),
    };
  }
  return xmlRpcSafe(e.data) as XmlRpcStruct;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * A value every XML-RPC client reads: null and undefined members left out (nil is an extension many parsers
 * refuse; in an array they become ""), whole numbers beyond 32 bits as strings (XML-RPC's <int> has 32),
 * non-finite numbers as strings. Exported for the answers of the methods too.
 */
export function xmlRpcSafe(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value) && (value < INT32_MIN || value > INT32_MAX) ? String(value) : value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(xmlRpcSafe);
  if (value instanceof Date || Buffer.isBuffer(value) || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = xmlRpcSafe(v);
  return out;
}
