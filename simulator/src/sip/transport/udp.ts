import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import type { Flow, Inbound } from './flow.js';

/** The largest datagram we accept: the UDP payload limit. Larger ones cannot arrive whole. */
export const MAX_DATAGRAM = 65_507;
/**
 * The socket's address lookup for send(): every peer we answer is an address literal (the source of a datagram),
 * which dgram's default hands to dns.lookup, which answers it a tick later; answered at once here, so a reply goes
 * out in the handler that made it. Names still go to dns.lookup.
 */
export function literalFirstLookup(
  host: string,
  options: LookupOneOptions | number,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = isIP(host);
  if (family !== 0) callback(null, host, family);
  else dnsLookup(host, typeof options === 'number' ? { family: options } : options, callback);
}

/** SO_RCVBUF asked for (bytes); the kernel may grant less. */
export const UDP_RECEIVE_BUFFER = 4 * 1024 * 1024;

export class UdpTransport {
  private socket: Socket | undefined;
  private flows = new Map<string, Flow>();
  /** Datagrams to send once the datagrams read in this turn of the event loop are handled (see `send`). */
  private outbox: { data: Buffer; port: number; address: string }[] = [];
  private flushing = false;

  constructor(private readonly onMessage: Inbound) {}

  async listen(host: string, port: number): Promise<{ address: string; port: number }> {
    // A registrar gets bursts (a phone fleet re-registering, a load test's 200 calls at once): with the kernel's
    // default receive buffer (~208 KB, a few hundred small datagrams by skb truesize) such a burst overflows it and
    // each lost request costs its client a 500 ms retransmission. Linux caps the value at net.core.rmem_max.
    const socket = createSocket({
      type: host.includes(':') ? 'udp6' : 'udp4',
      reuseAddr: false,
      recvBufferSize: UDP_RECEIVE_BUFFER,
      lookup: literalFirstLookup,
    });
    this.socket = socket;
    // A datagram error (ICMP unreachable for a reply, a bad send) never stops the socket from receiving.
    socket.on('error', () => {});
    socket.on('message', (data, rinfo) => {
      if (data.length > MAX_DATAGRAM) return;
      this.onMessage(data, this.flowFor(rinfo.address, rinfo.port));
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const a = socket.address();
    return { address: a.address, port: a.port };
  }

  /** The flow to a peer; UDP has no connection, so this is just an address to send to. */
  flowFor(address: string, port: number): Flow {
    const id = `udp:${address}:${port}`;
    let flow = this.flows.get(id);
    if (!flow) {
      const socket = this.socket!;
      const local = socket.address();
      flow = {
        id,
        transport: 'UDP',
        remote: { address, port },
        local: { address: local.address, port: local.port },
        open: true,
        send: (data) => this.send(socket, data, port, address),
      };
      // Bounded: a flood of spoofed sources must not grow this map without end.
      if (this.flows.size > 50_000) this.flows.clear();
      this.flows.set(id, flow);
    }
    return flow;
  }

  /**
   * Replies go out together after the datagrams that arrived with their requests are handled (setImmediate: after
   * the poll phase that read them), in the order they were made. Sent one by one, each reply woke a waiting peer
   * (the kernel does that in our send call on loopback), which read it and slept again before the next: with 200
   * transactions in flight that cost more than parsing and digest together. Latency: at most one loop turn.
   */
  private send(socket: Socket, data: Buffer, port: number, address: string): void {
    this.outbox.push({ data, port, address });
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flush(socket));
  }

  private flush(socket: Socket): void {
    this.flushing = false;
    const out = this.outbox;
    this.outbox = [];
    for (const m of out) socket.send(m.data, m.port, m.address);
  }

  async close(): Promise<void> {
    const s = this.socket;
    if (s) this.flush(s);
    this.socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
