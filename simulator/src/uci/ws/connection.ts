import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { SimEvent } from '../../../../shared/schemas/events.js';
import { UCI_CLOSE, type JsonRpcId } from '../../../../shared/schemas/uci.js';
import type { UciPeer } from '../core/dispatch.js';
import type { RpcError } from '../core/methods.js';
import { UciSession } from '../core/session.js';
import { corkUntilTickEnd } from './cork.js';
import { errorFrame, resultFrame } from './protocol.js';
import { isWireFrame, type WireFrame } from './wireFrame.js';

/** What of `ws`'s private state the shared-frame path reads (ws 8); absent members send through `ws` instead. */
interface WsInternals {
  _socket?: Socket;
  _sender?: { _state?: number; _queue?: unknown[] };
}

export interface ConnectionOptions {
  keepAliveMs: number;
  sendQueueBytes: number;
  /** After closing a stalled connection, how long its close frame may take before the socket is destroyed. */
  closeGraceMs: number;
  remote: string;
  /** An event's notification frame under a service name, made once for every connection. */
  frame(event: SimEvent, service: string): WireFrame;
  onTooSlow(conn: UciConnection, bufferedBytes: number): void;
  onClosed(conn: UciConnection): void;
}

/** The transport of one UCI session: sending with a bounded queue, the keepAlive timer and closing. */
export class UciConnection implements UciPeer {
  readonly session = new UciSession();
  private closing = false;
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
    if (!names || (names.length === 1 && names[0] === event.service))
      return this.send(this.opts.frame(event, event.service));
    let open = true;
    for (const name of names) open = this.send(this.opts.frame(event, name)) && open;
    return open;
  }

  /** Sends a frame unless the queue is over its bound; then the connection is closed with 1013. */
  send(frame: string | Buffer | WireFrame): boolean {
    if (this.closing) return false;
    const queued = this.ws.bufferedAmount;
    if (queued > this.opts.sendQueueBytes) {
      this.tooSlow(queued);
      return false;
    }
    const socket = (this.ws as unknown as WsInternals)._socket;
    // Frames sent in the same tick (a burst of events) leave in one write instead of one system call each.
    if (socket) corkUntilTickEnd(socket);
    if (!isWireFrame(frame)) this.ws.send(frame, { binary: false });
    else if (socket && this.writesInOrder()) socket.write(frame.wire);
    else this.ws.send(frame.payload, { binary: false });
    return true;
  }

  /**
   * A ready-made frame may go straight to the socket only while `ws` has nothing of its own waiting (it queues
   * while compressing or reading a Blob; neither happens here, but a later `ws` might) and the connection is open
   * (after a close frame nothing may follow): then the bytes land in the socket in the order sent.
   */
  private writesInOrder(): boolean {
    const sender = (this.ws as unknown as WsInternals)._sender;
    return (
      this.ws.readyState === WebSocket.OPEN &&
      sender?._state === 0 &&
      Array.isArray(sender._queue) &&
      sender._queue.length === 0
    );
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
