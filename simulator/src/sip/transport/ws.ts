import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import type { UnauthenticatedLimiter } from './authLimits.js';
import type { Flow, Inbound } from './flow.js';
import { MAX_STREAM_MESSAGE } from './framer.js';

let nextId = 1;

/**
 * SIP over WebSocket (RFC 7118) at a path of the HTTP server: subprotocol `sip` required, one SIP message per
 * WebSocket message, answers on the same socket.
 */
export class WsTransport {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_STREAM_MESSAGE,
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
  });
  private readonly closeListeners = new Set<(flow: Flow) => void>();

  constructor(
    private readonly onMessage: Inbound,
    private readonly limiter: UnauthenticatedLimiter,
  ) {
    this.wss.on('connection', (ws, req) => this.accept(ws, req));
  }

  onFlowClosed(listener: (flow: Flow) => void): void {
    this.closeListeners.add(listener);
  }

  /** Handles the upgrade when the path is ours; false leaves it to others. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim().toLowerCase());
    if (!offered.includes('sip')) {
      // RFC 7118 §4.1: the "sip" subprotocol is mandatory.
      socket.end(
        'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nSIP over WebSocket needs the subprotocol "sip"\n',
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    // RFC 7118 §5: over TLS the transport is WSS (Via `SIP/2.0/WSS`, `transport=wss`).
    const name = (req.socket as TLSSocket).encrypted ? 'WSS' : 'WS';
    const slot = this.limiter.admit(() => ws.terminate(), name);
    if (!slot) {
      ws.terminate();
      return;
    }
    const remote = { address: req.socket.remoteAddress ?? '', port: req.socket.remotePort ?? 0 };
    const local = { address: req.socket.localAddress ?? '', port: req.socket.localPort ?? 0 };
    const flow: Flow = {
      id: `ws:${nextId++}`,
      transport: name,
      remote,
      local,
      get open() {
        return ws.readyState === ws.OPEN;
      },
      send: (data) => {
        if (ws.readyState === ws.OPEN) ws.send(data.toString('utf8'));
      },
      markAuthenticated: () => slot.markAuthenticated(),
    };
    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data as ArrayBuffer);
      void isBinary;
      this.onMessage(buf, flow);
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      slot.release();
      for (const l of this.closeListeners) l(flow);
    });
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
