import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type SecureContextOptions } from 'node:tls';
import type { Flow, Inbound } from './flow.js';
import type { UnauthenticatedLimiter } from './authLimits.js';
import { StreamFramer } from './framer.js';

export type FramingError = (reason: string, data: Buffer, flow: Flow) => void;

let nextId = 1;

/** A TLS handshake that has not finished by then is dropped: it holds a socket before any limit counts it. */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * SIP over TCP, or over TLS (RFC 3261 §18: the same stream framing inside a TLS connection) when `tls` is given:
 * then flows are named `TLS` and their Via says `SIP/2.0/TLS`.
 */
export class TcpTransport {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly onMessage: Inbound,
    private readonly onFramingError: FramingError,
    private readonly limiter: UnauthenticatedLimiter,
    private readonly idleTimeoutMs = 10 * 60_000,
    private readonly tls?: SecureContextOptions,
  ) {}

  private get name(): 'TCP' | 'TLS' {
    return this.tls ? 'TLS' : 'TCP';
  }

  async listen(host: string, port: number): Promise<{ address: string; port: number }> {
    const server = this.tls
      ? createTlsServer({ ...this.tls, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, (socket) => this.accept(socket))
      : createServer((socket) => this.accept(socket));
    this.server = server;
    server.on('error', () => {});
    // A failed handshake (plain text, a bad ClientHello, an untrusting client) only ends that socket.
    server.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address() as { address: string; port: number };
    return { address: a.address, port: a.port };
  }

  private accept(socket: Socket): void {
    const slot = this.limiter.admit(() => socket.destroy(), this.name);
    if (!slot) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(this.idleTimeoutMs, () => socket.destroy());
    const framer = new StreamFramer();
    let open = true;
    const flow: Flow = {
      id: `${this.name.toLowerCase()}:${nextId++}`,
      transport: this.name,
      remote: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
      local: { address: socket.localAddress ?? '', port: socket.localPort ?? 0 },
      get open() {
        return open && !socket.destroyed;
      },
      send: (data) => {
        if (open && !socket.destroyed) socket.write(data);
      },
      markAuthenticated: () => slot.markAuthenticated(),
    };
    socket.on('data', (chunk) => {
      for (const frame of framer.push(chunk)) {
        if (frame.kind === 'ping') flow.send(Buffer.from('\r\n'));
        else if (frame.kind === 'message') this.onMessage(frame.data, flow);
        else {
          this.onFramingError(frame.reason, frame.data, flow);
          socket.end();
          return;
        }
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      open = false;
      slot.release();
      this.sockets.delete(socket);
    });
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
