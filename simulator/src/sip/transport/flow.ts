/**
 * Where a message came from and how to answer it: a UDP peer, or one TCP, TLS or WebSocket connection (WSS: the
 * WebSocket came in over HTTPS).
 */
export type TransportName = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

export interface Flow {
  /** Stable for the life of the flow: `udp:1.2.3.4:5060`, `tcp:17`, `tls:4`, `ws:3`. */
  readonly id: string;
  readonly transport: TransportName;
  readonly remote: { address: string; port: number };
  readonly local: { address: string; port: number };
  /** True while messages can still be sent on it. */
  readonly open: boolean;
  send(data: Buffer): void;
  /** A request on it passed digest auth: it leaves the unauthenticated-connection cap and timeout (TCP, WS). */
  markAuthenticated?(): void;
}

export type Inbound = (data: Buffer, flow: Flow) => void;
