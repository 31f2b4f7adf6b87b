import type { IncomingMessage } from 'node:http';
import type { FailedLoginLimiter } from '../auth/rateLimit.js';
import type { StoredUser } from '../state/model.js';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { SIM_SERVICES, type SimEvent } from '../../../shared/schemas/events.js';
import {
  UCI_AUTH_PARAM,
  UCI_AUTH_TOKEN_PARAM,
  UCI_CLOSE,
  UCI_DEFAULT_KEEPALIVE_MS,
  UCI_DEFAULT_SEND_QUEUE_BYTES,
  UCI_ERRORS,
  UCI_MAX_FRAME_BYTES,
  UCI_METHODS,
  UCI_PARAMS,
  USER_STATE_EVENT,
  USER_STATE_SERVICE,
} from '../../../shared/schemas/uci.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log.js';
import type { Sessions } from '../auth/sessions.js';
import type { StateHolder } from '../state/pbx.js';
import { signInWithToken } from '../auth/uciToken.js';
import { CallBook } from './callBook.js';
import { UciConnection } from './connection.js';
import { AnswerThen, runMethod, type HandlerContext, type UciCallControl } from './handlers.js';
import { methodKey, notificationFrame, parseFrame, parseParams, RpcError } from './protocol.js';
import { userStateEventData } from './userState.js';

export interface UciConnectorOptions {
  holder: StateHolder;
  bus: EventBus;
  sessions: Sessions;
  log: Logger;
  keepAliveMs?: number;
  sendQueueBytes?: number;
  closeGraceMs?: number;
  callControl?: UciCallControl;
  /** Failed sign-ins, shared with the REST login. */
  limiter?: FailedLoginLimiter;
}

const AUTH_FAILED_REASON = 'authentication failed: unknown login, wrong UCI token or expired authToken';

/**
 * The UCI connector: JSON-RPC 2.0 over WebSocket at /uci. One bus listener dispatches every event to the
 * connections subscribed to its service (serialised once); each connection has a bounded send queue.
 */
export class UciConnector {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: UCI_MAX_FRAME_BYTES, clientTracking: false, perMessageDeflate: false });
  private readonly connections = new Set<UciConnection>();
  private readonly byService = new Map<string, Set<UciConnection>>();
  private readonly calls: CallBook;
  private readonly unsubscribeBus: () => void;
  private callControl: UciCallControl | undefined;
  private readonly ctx: HandlerContext;
  private readonly keepAliveMs: number;
  private readonly sendQueueBytes: number;
  private readonly closeGraceMs: number;

  constructor(private readonly opts: UciConnectorOptions) {
    this.keepAliveMs = opts.keepAliveMs ?? UCI_DEFAULT_KEEPALIVE_MS;
    this.sendQueueBytes = opts.sendQueueBytes ?? UCI_DEFAULT_SEND_QUEUE_BYTES;
    this.closeGraceMs = opts.closeGraceMs ?? 10_000;
    this.callControl = opts.callControl;
    const { bus, holder } = opts;
    this.calls = new CallBook(bus, (userId) => {
      // Not from inside the bus's dispatch: every listener must see the call event before this one.
      queueMicrotask(() => {
        const user = holder.state.users.find((u) => u.id === userId);
        if (user) bus.publish({ service: USER_STATE_SERVICE, event: USER_STATE_EVENT, data: userStateEventData(user, this.calls) });
      });
    });
    this.unsubscribeBus = bus.subscribe((e) => this.dispatch(e));
    this.ctx = {
      holder,
      bus,
      sessions: opts.sessions,
      calls: this.calls,
      callControl: () => this.callControl,
      subscribe: (conn: UciConnection, services: string[], sinceSeq: number | undefined) => this.subscribe(conn, services, sinceSeq),
      unsubscribe: (conn: UciConnection, services: string[] | undefined) => this.unsubscribe(conn, services),
    };
  }

  /** simulator.ts wires the SIP side here. */
  setCallControl(control: UciCallControl | undefined): void {
    this.callControl = control;
  }

  /** The request context for another transport (XML-RPC): the same call book, call control and state, its own subscriptions. */
  handlerContext(subscriptions: Pick<HandlerContext, 'subscribe' | 'unsubscribe'>): HandlerContext {
    return { ...this.ctx, subscribe: subscriptions.subscribe, unsubscribe: subscriptions.unsubscribe };
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  stop(): void {
    this.unsubscribeBus();
    this.calls.stop();
    for (const conn of this.connections) conn.ws.terminate();
    this.connections.clear();
    this.byService.clear();
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const conn = new UciConnection(ws, {
      keepAliveMs: this.keepAliveMs,
      sendQueueBytes: this.sendQueueBytes,
      closeGraceMs: this.closeGraceMs,
      remote: req.socket.remoteAddress ?? 'unknown',
      onTooSlow: (c, bytes) => this.tooSlow(c, bytes),
      onClosed: (c) => this.forget(c),
    });
    this.connections.add(conn);
    ws.on('error', (err) => this.opts.log('debug', 'uci connection error', { error: err.message, remote: conn.remote }));
    ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));

    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const token = query.get(UCI_AUTH_PARAM) ?? query.get(UCI_AUTH_TOKEN_PARAM);
    if (token !== null) {
      const outcome = this.authenticate(conn, token);
      if (typeof outcome === 'string') {
        this.opts.log('info', 'uci authentication failed', { remote: conn.remote, via: query.has(UCI_AUTH_PARAM) ? UCI_AUTH_PARAM : UCI_AUTH_TOKEN_PARAM });
        conn.close(UCI_CLOSE.authFailed, outcome);
      }
    }
  }

  /**
   * Signs a connection in, or answers why not. Failed sign-ins count per login and per address together with the
   * REST logins (one limiter), so the UCI is no way around the REST lockout.
   */
  private authenticate(conn: UciConnection, token: string): StoredUser | string {
    const outcome = signInWithToken(this.ctx.holder.state, this.ctx.sessions, this.opts.limiter, token, conn.remote);
    if ('waitSeconds' in outcome) return `Too many failed sign-ins; try again in ${outcome.waitSeconds} s`;
    if ('failed' in outcome) return AUTH_FAILED_REASON;
    conn.session.signIn(outcome.user);
    return outcome.user;
  }

  private forget(conn: UciConnection): void {
    this.connections.delete(conn);
    for (const s of conn.session.services) this.byService.get(s)?.delete(conn);
    conn.session.services.clear();
  }

  private onFrame(conn: UciConnection, data: RawData, _isBinary: boolean): void {
    if (!conn.open) return;
    conn.touch();
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      conn.replyError(parsed.id, parsed.error);
      return;
    }
    const { id, method, params } = parsed.request;
    const key = methodKey(method);
    try {
      if (!key) throw new RpcError(UCI_ERRORS.methodNotFound, `Method not found: "${method}"; known methods: ${Object.values(UCI_METHODS).join(', ')}`);
      if (key === 'login') {
        const p = parseParams('login', UCI_PARAMS.login, params);
        const user = this.authenticate(conn, p.token);
        if (typeof user === 'string') {
          conn.replyError(id ?? null, new RpcError(UCI_ERRORS.authFailed, user));
          conn.close(UCI_CLOSE.authFailed, user);
          return;
        }
        conn.reply(id, { login: user.login, userId: user.id, admin: conn.session.user!.admin, bootId: this.opts.bus.bootId });
        return;
      }
      const result = runMethod(this.ctx, conn, key, params);
      if (result instanceof Promise) {
        result.then(
          (r) => conn.reply(id, r),
          (err) => conn.replyError(id, toRpcError(err, this.opts.log)),
        );
      } else if (result instanceof AnswerThen) {
        conn.reply(id, result.result);
        result.after();
      } else conn.reply(id, result);
    } catch (err) {
      conn.replyError(id, toRpcError(err, this.opts.log));
    }
  }

  private subscribe(conn: UciConnection, services: string[], sinceSeq: number | undefined) {
    const { bus } = this.opts;
    const session = conn.session;
    if (sinceSeq !== undefined && bus.isGone(sinceSeq)) {
      throw new RpcError(UCI_ERRORS.sinceSeqGone, `Events after seq ${sinceSeq} are no longer buffered; the oldest available is ${bus.oldestSeq}`, {
        oldestSeq: bus.oldestSeq,
        lastSeq: bus.lastSeq,
      });
    }
    const added = services.filter((s) => !session.services.has(s));
    // Registered first, then the backlog read: publishing is synchronous, so nothing falls in between;
    // deliveredSeq drops any live event the backlog already carried.
    for (const s of added) {
      session.services.add(s);
      let set = this.byService.get(s);
      if (!set) this.byService.set(s, (set = new Set()));
      set.add(conn);
    }
    const lastSeq = bus.lastSeq;
    const backlog = sinceSeq === undefined || added.length === 0 ? [] : bus.since(sinceSeq).filter((e) => added.includes(e.service) && session.sees(e));
    const result = { services: [...session.services], replayed: backlog.length, lastSeq, oldestSeq: bus.oldestSeq, bootId: bus.bootId };
    session.deliveredSeq = Math.max(session.deliveredSeq, lastSeq);
    // The answer first, then the backlog (in the same tick, so no live event can come between), then live events.
    return new AnswerThen(result, () => {
      for (const e of backlog) if (!conn.send(notificationFrame(e))) return;
    });
  }

  private unsubscribe(conn: UciConnection, services: string[] | undefined) {
    const session = conn.session;
    for (const s of services ?? [...session.services]) {
      session.services.delete(s);
      this.byService.get(s)?.delete(conn);
    }
    return { services: [...session.services] };
  }

  private dispatch(event: SimEvent): void {
    const subs = this.byService.get(event.service);
    if (!subs || subs.size === 0) return;
    let frame: Buffer | undefined;
    for (const conn of subs) {
      const session = conn.session;
      if (event.seq <= session.deliveredSeq || !session.sees(event)) continue;
      session.deliveredSeq = event.seq;
      conn.send((frame ??= notificationFrame(event)));
    }
  }

  private tooSlow(conn: UciConnection, bufferedBytes: number): void {
    this.forget(conn);
    const user = conn.session.user;
    const message = `UCI subscriber ${user?.login ?? '(not signed in)'} from ${conn.remote} fell behind by ${bufferedBytes} bytes and was disconnected (1013)`;
    this.opts.log('warn', 'uci subscriber too slow', { login: user?.login, remote: conn.remote, bufferedBytes });
    queueMicrotask(() =>
      this.opts.bus.publish({
        service: SIM_SERVICES.log,
        event: 'uci-slow-subscriber',
        data: { level: 'warn', message, ...(user ? { userId: user.id, login: user.login } : {}), remote: conn.remote, bufferedBytes, limitBytes: this.sendQueueBytes },
      }),
    );
  }
}

function toRpcError(err: unknown, log: Logger): RpcError {
  if (err instanceof RpcError) return err;
  const e = err as { status?: number; message?: string };
  if (typeof e?.status === 'number' && e.status < 500) return new RpcError(UCI_ERRORS.invalidParams, e.message ?? 'refused');
  log('error', 'uci request failed', { error: (err as Error)?.message });
  return new RpcError(UCI_ERRORS.internalError, `Internal error: ${(err as Error)?.message ?? String(err)}`);
}
