import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { SIM_SERVICES } from '../../../../shared/schemas/events.js';
import {
  UCI_AUTH_PARAM,
  UCI_AUTH_TOKEN_PARAM,
  UCI_CLOSE,
  UCI_DEFAULT_KEEPALIVE_MS,
  UCI_DEFAULT_SEND_QUEUE_BYTES,
  UCI_ERRORS,
  UCI_JWT_PARAM,
  UCI_MAX_FRAME_BYTES,
  UCI_PARAMS,
} from '../../../../shared/schemas/uci.js';
import type { UciSessionHolder } from '../../auth/sessionRevocation.js';
import type { Logger } from '../../log.js';
import type { StoredUser } from '../../state/model.js';
import type { UciCore } from '../core/core.js';
import { AnswerThen } from '../core/dispatch.js';
import { parseParams, resolveMethod, RpcError } from '../core/methods.js';
import { oncePerEventAndName } from '../core/subscriptions.js';
import { UciConnection } from './connection.js';
import { notificationFrame, parseFrame } from './protocol.js';

export interface UciWebSocketOptions {
  core: UciCore;
  log: Logger;
  keepAliveMs?: number;
  sendQueueBytes?: number;
  closeGraceMs?: number;
}

const AUTH_FAILED_REASON = 'authentication failed: unknown login, wrong UCI token or expired authToken';

/**
 * The UCI over WebSocket at /uci: JSON-RPC 2.0, one connection per session, each with a bounded send queue. The
 * methods, the subscriptions and the call book are the core's (core/); an event is serialised once for all
 * connections.
 */
export class UciWebSocketServer implements UciSessionHolder {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: UCI_MAX_FRAME_BYTES,
    clientTracking: false,
    perMessageDeflate: false,
  });
  private readonly connections = new Set<UciConnection>();
  private readonly core: UciCore;
  private readonly keepAliveMs: number;
  private readonly sendQueueBytes: number;
  private readonly closeGraceMs: number;
  private readonly frame = oncePerEventAndName(notificationFrame);

  constructor(private readonly opts: UciWebSocketOptions) {
    this.core = opts.core;
    this.keepAliveMs = opts.keepAliveMs ?? UCI_DEFAULT_KEEPALIVE_MS;
    this.sendQueueBytes = opts.sendQueueBytes ?? UCI_DEFAULT_SEND_QUEUE_BYTES;
    this.closeGraceMs = opts.closeGraceMs ?? 10_000;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  /** Closes the signed-in connections of the users `ofUser` selects with 4410 and the reason. */
  endSessions(ofUser: (userId: number) => boolean, reason: string): number {
    let ended = 0;
    for (const conn of this.connections) {
      const user = conn.session.user;
      if (!user || !conn.open || !ofUser(user.id)) continue;
      // Closing stops every send at once: not one more event reaches the connection.
      conn.close(UCI_CLOSE.sessionEnded, reason);
      ended++;
    }
    return ended;
  }

  stop(): void {
    for (const conn of this.connections) conn.ws.terminate();
    this.connections.clear();
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const conn = new UciConnection(ws, {
      keepAliveMs: this.keepAliveMs,
      sendQueueBytes: this.sendQueueBytes,
      closeGraceMs: this.closeGraceMs,
      remote: req.socket.remoteAddress ?? 'unknown',
      frame: this.frame,
      onTooSlow: (c, bytes) => this.tooSlow(c, bytes),
      onClosed: (c) => this.forget(c),
    });
    this.connections.add(conn);
    ws.on('error', (err) =>
      this.opts.log('debug', 'uci connection error', { error: err.message, remote: conn.remote }),
    );
    ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));

    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    // An OAuth access token signs in the connection once (STARFACE 10); the session then lives on its own, as one
    // signed in with an authToken does, until it is closed or ended (auth/sessionRevocation.ts).
    const via = [UCI_AUTH_PARAM, UCI_AUTH_TOKEN_PARAM, UCI_JWT_PARAM].find((p) => query.has(p));
    const token = via === undefined ? null : query.get(via);
    if (token !== null) {
      const outcome = this.authenticate(conn, token);
      if (typeof outcome === 'string') {
        this.opts.log('info', 'uci authentication failed', { remote: conn.remote, via });
        conn.close(UCI_CLOSE.authFailed, outcome);
      }
    }
  }

  /** Signs a connection in, or answers why not. */
  private authenticate(conn: UciConnection, token: string): StoredUser | string {
    const outcome = this.core.signIn(token, conn.remote);
    if ('waitSeconds' in outcome) return `Too many failed sign-ins; try again in ${outcome.waitSeconds} s`;
    if ('failed' in outcome)
      return outcome.reason ? truncateReason(`authentication failed: ${outcome.reason}`) : AUTH_FAILED_REASON;
    conn.session.signIn(outcome.user);
    return outcome.user;
  }

  private forget(conn: UciConnection): void {
    this.connections.delete(conn);
    this.core.subscriptions.forget(conn);
  }

  private onFrame(conn: UciConnection, data: RawData, _isBinary: boolean): void {
    if (!conn.open) return;
    conn.touch();
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      conn.replyError(parsed.id, parsed.error);
      return;
    }
    const { id, method, params } = parsed.request;
    try {
      const { key, v20Style } = resolveMethod(method);
      if (key === 'login') {
        const p = parseParams('login', UCI_PARAMS.login, params);
        const user = this.authenticate(conn, p.token);
        if (typeof user === 'string') {
          conn.replyError(id ?? null, new RpcError(UCI_ERRORS.authFailed, user));
          conn.close(UCI_CLOSE.authFailed, user);
          return;
        }
        conn.reply(id, {
          login: user.login,
          userId: user.id,
          admin: conn.session.user!.admin,
          bootId: this.core.bus.bootId,
        });
        return;
      }
      const result = this.core.run(conn, key, params, v20Style);
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

  private tooSlow(conn: UciConnection, bufferedBytes: number): void {
    this.forget(conn);
    const user = conn.session.user;
    const message = `UCI subscriber ${user?.login ?? '(not signed in)'} from ${conn.remote} fell behind by ${bufferedBytes} bytes and was disconnected (1013)`;
    this.opts.log('warn', 'uci subscriber too slow', { login: user?.login, remote: conn.remote, bufferedBytes });
    queueMicrotask(() =>
      this.core.bus.publish({
        service: SIM_SERVICES.log,
        event: 'uci-slow-subscriber',
        data: {
          level: 'warn',
          message,
          ...(user ? { userId: user.id, login: user.login } : {}),
          remote: conn.remote,
          bufferedBytes,
          limitBytes: this.sendQueueBytes,
        },
      }),
    );
  }
}

/** A WebSocket close reason holds 123 bytes at most (the reasons here are ASCII). */
function truncateReason(reason: string): string {
  return reason.length <= 123 ? reason : `${reason.slice(0, 120)}...`;
}

function toRpcError(err: unknown, log: Logger): RpcError {
  if (err instanceof RpcError) return err;
  const e = err as { status?: number; message?: string };
  if (typeof e?.status === 'number' && e.status < 500)
    return new RpcError(UCI_ERRORS.invalidParams, e.message ?? 'refused');
  log('error', 'uci request failed', { error: (err as Error)?.message });
  return new RpcError(UCI_ERRORS.internalError, `Internal error: ${(err as Error)?.message ?? String(err)}`);
}
