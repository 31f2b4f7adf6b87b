import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { SimEvent } from '../../../../shared/schemas/events.js';
import { UCI_CLOSE, type JsonRpcId } from '../../../../shared/schemas/uci.js';
import type { UciPeer } from '../core/dispatch.js';
import type { RpcError } from '../core/methods.js';
import { UciSession } from '../core/session.js';
import { errorFrame, notificationFrame, resultFrame } from './protocol.js';

export interface ConnectionOptions {
  keepAliveMs: number;
  sendQueueBytes: number;
  /** After closing a stalled connection, how long its close frame may take before the socket is destroyed. */
  closeGraceMs: number;
  remote: string;
  /** An event's notification frame, made once for every connection. */
  frame(event: SimEvent): Buffer;
  onTooSlow(conn: UciConnection, bufferedBytes: number): void;
  onClosed(conn: UciConnection): void;
}

/** The transport of one UCI session: sending with a bounded queue, the keepAlive timer and closing. */
export class UciConnection implements UciPeer {
  readonly session = new UciSession();
  private closing = false;
  private corked = false;
  private readonly idle: NodeJS.Timeout;

  constructor(
    readonly ws: WebSocket,
    private readonly opts: ConnectionOptions,
  ) {
    this.idle = setTimeout(
      () => this.close(UCI_CLOSE.keepAliveTimeout, `keepAlive timeout: no request within ${opts.keepAliveMs} ms`),
      opts.keepAliveMs,
    );
    this.idle.unref();
    ws.once('close', () => {
      this.closing = true;
      clearTimeout(this.idle);
      opts.onClosed(this);
    });
  }

  get open(): boolean {
    return !this.closing;
  }

  get remote(): string {
    return this.opts.remote;
  }

  /** Any request keeps the session alive. */
  touch(): void {
    this.idle.refresh();
  }

  reply(id: JsonRpcId | undefined, result: unknown): void {
    if (id !== undefined) this.send(resultFrame(id, result));
  }

  replyError(id: JsonRpcId | undefined, error: RpcError): void {
    if (id !== undefined) this.send(errorFrame(id, error));
  }

  deliver(event: SimEvent): boolean {
    const names = this.session.routes.get(event.service);
    if (!names || (names.length === 1 && names[0] === event.service)) return this.send(this.opts.frame(event));
    let open = true;
    for (const name of names)
      open = this.send(name === event.service ? this.opts.frame(event) : notificationFrame(event, name)) && open;
    return open;
  }

  /** Sends a frame unless the queue is over its bound; then the connection is closed with 1013. */
  send(frame: string | Buffer): boolean {
    if (this.closing) return false;
    const queued = this.ws.bufferedAmount;
    if (queued > this.opts.sendQueueBytes) {
      this.tooSlow(queued);
      return false;
    }
    this.cork();
    this.ws.send(frame, { binary: false });
    return true;
  }

  /**
   * Frames sent in the same tick (a burst of events) leave in one write instead of one system call each;
   * the socket is uncorked once the current code has run.
   */
  private cork(): void {
    if (this.corked) return;
    const socket = (this.ws as unknown as { _socket?: Socket })._socket;
    if (!socket) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.idle);
    this.ws.close(code, reason);
    // A peer that stopped reading never answers the close frame: free the socket after a grace period.
    setTimeout(() => this.ws.terminate(), this.opts.closeGraceMs).unref();
  }

  private tooSlow(queued: number): void {
    this.close(
      UCI_CLOSE.tooSlow,
      `send queue over ${this.opts.sendQueueBytes} bytes: subscriber too slow; reconnect with sinceSeq`,
    );
    this.opts.onTooSlow(this, queued);
  }
}
