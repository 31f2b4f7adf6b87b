import { createServer, type Server, type Socket } from 'node:net';
import type { Flow, Inbound } from './flow.js';
import type { UnauthenticatedLimiter } from './authLimits.js';
import { StreamFramer } from './framer.js';

export type FramingError = (reason: string, data: Buffer, flow: Flow) => void;

let nextId = 1;

export class TcpTransport {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly onMessage: Inbound,
    private readonly onFramingError: FramingError,
    private readonly limiter: UnauthenticatedLimiter,
    private readonly idleTimeoutMs = 10 * 60_000,
  ) {}

  async listen(host: string, port: number): Promise<{ address: string; port: number }> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    server.on('error', () => {});
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
    const slot = this.limiter.admit(() => socket.destroy(), 'TCP');
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
      id: `tcp:${nextId++}`,
      transport: 'TCP',
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
