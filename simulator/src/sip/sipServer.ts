import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import type { SecureContextOptions } from 'node:tls';
import { TEAMS_MODULE_NAME } from '../../../shared/catalogue.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log.js';
import type { PbxState } from '../state/model.js';
import { DigestAuthenticator } from './auth/digest.js';
import { SipAuthGate } from './auth/gate.js';
import type { FailedLoginLimiter } from '../auth/rateLimit.js';
import { DEFAULT_DIGEST_ALGORITHMS, type DigestAlgorithm } from '../../../shared/schemas/sipDigest.js';
import type { SipRefusalReason } from '../../../shared/schemas/registrations.js';
import { RefusalReporter } from './refusals.js';
import {
  createResponse,
  parseMessage,
  REASONS,
  serialize,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from './message/message.js';
import { Registrar } from './registrar.js';
import { parseUri } from './message/uri.js';
import { UserDirectory } from './directory.js';
import type { Flow } from './transport/flow.js';
import { UnauthenticatedLimiter } from './transport/authLimits.js';
import { TcpTransport } from './transport/tcp.js';
import { UdpTransport } from './transport/udp.js';
import { WsTransport } from './transport/ws.js';

/** Methods this PBX handles; others are answered 405 with this list (RFC 3261 §8.2.1). */
export const ALLOWED_METHODS = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'INFO',
  'UPDATE',
  'PRACK',
  'MESSAGE',
  'NOTIFY',
  'REFER',
];

/** Option tags this PBX supports in Require (RFC 3261 §8.2.2.3). */
export const SUPPORTED_EXTENSIONS = ['path'];

/** The call-routing part (proxy or B2BUA): everything but REGISTER and OPTIONS to the PBX itself. */
export interface CallRouter {
  handleRequest(req: SipRequest, flow: Flow): void;
  handleResponse(res: SipResponse): void;
  stop(): void;
}

export interface SipServerOptions {
  host: string;
  port: number;
  state: () => PbxState;
  /** Changes whenever the state does (StateHolder.revision). */
  revision: () => number;
  bus: EventBus;
  log: Logger;
  now?: () => number;
  /** Digest algorithms to offer, in order; overrides the scenario's (state.sip.digest). Default MD5 only. */
  digest?: readonly DigestAlgorithm[];
  /** Aggregation window of refused-request reports per source (default 10 s). */
  refusalWindowMs?: number;
  /** Most TCP and WebSocket connections open at once on which nothing has authenticated yet (default 100). */
  unauthLimit?: number;
  /** How long such a connection may stay open without a request passing digest auth (default 30 s). */
  unauthTimeoutMs?: number;
  /** The sign-in limiter shared with REST and UCI: digest guesses count in it (none: SIP is not limited). */
  limiter?: FailedLoginLimiter;
  /** SIP over TLS on a port of its own (0: a free one), with this key and certificate. None: no TLS listener. */
  tls?: { port: number; context: SecureContextOptions };
}

export interface SipAddresses {
  udp: { address: string; port: number };
  tcp: { address: string; port: number };
  /** Only with the `tls` option. */
  tls?: { address: string; port: number };
}

/** The SIP side of the simulator: transports in, parsing, then the registrar or the call router. */
export class SipServer {
  readonly auth: DigestAuthenticator;
  /** Digest guesses counted in the shared sign-in limiter, and throttled sources held back. */
  readonly authGate: SipAuthGate | undefined;
  readonly registrar: Registrar;
  readonly directory: UserDirectory;
  readonly refusals: RefusalReporter;
  private readonly udp: UdpTransport;
  private readonly tcp: TcpTransport;
  private readonly tls: TcpTransport | undefined;
  readonly ws: WsTransport;
  private router: CallRouter | undefined;
  private domainCache: { revision: number; domains: ReadonlySet<string> } | undefined;

  constructor(private readonly opts: SipServerOptions) {
    this.auth = new DigestAuthenticator({
      realm: () => this.realm(),
      algorithms: () => this.digestAlgorithms(),
      now: opts.now,
    });
    this.authGate = opts.limiter && new SipAuthGate(opts.limiter, opts.now);
    this.directory = new UserDirectory(() => opts.state().users, opts.revision);
    this.refusals = new RefusalReporter({
      bus: opts.bus,
      log: opts.log,
      windowMs: opts.refusalWindowMs,
      now: opts.now,
    });
    this.registrar = new Registrar({
      directory: this.directory,
      domains: () => this.domains(),
      bus: opts.bus,
      auth: this.auth,
      gate: this.authGate,
      refusals: this.refusals,
      now: opts.now,
    });
    const inbound = (data: Buffer, flow: Flow) => this.inbound(data, flow);
    // One cap over TCP and WebSocket together: both hold a descriptor per connection.
    const limiter = new UnauthenticatedLimiter(opts.log, opts.unauthLimit, opts.unauthTimeoutMs);
    this.udp = new UdpTransport(inbound);
    const framingError = (reason: string, data: Buffer, flow: Flow) => this.refuse(data, flow, reason);
    this.tcp = new TcpTransport(inbound, framingError, limiter);
    // TLS shares the cap with TCP and WebSocket: a handshake done, it is one more unauthenticated connection.
    this.tls = opts.tls && new TcpTransport(inbound, framingError, limiter, undefined, opts.tls.context);
    this.ws = new WsTransport(inbound, limiter);
    const closed = (flow: Flow) => this.registrar.flowClosed(flow);
    this.ws.onFlowClosed(closed);
  }

  setRouter(router: CallRouter): void {
    this.router = router;
  }

  /** The realm of digest challenges: the PBX name of the active Teams configuration, else the address. */
  realm(): string {
    const config = this.opts
      .state()
      .configurations.find((c) => c.module === TEAMS_MODULE_NAME && c.active && c.pbxName);
    return config?.pbxName ?? this.opts.host;
  }

  /** The digest algorithms offered, in order: the option (CLI --sip-digest), else the scenario's, else MD5. */
  digestAlgorithms(): readonly DigestAlgorithm[] {
    return this.opts.digest ?? this.opts.state().sip?.digest ?? DEFAULT_DIGEST_ALGORITHMS;
  }

  /**
   * Request-URI and AOR domains served: every configured PBX name and the listening address. Asked per REGISTER,
   * per initial request and per Route entry, so it is rebuilt only when the state changed (the interface list of
   * a wildcard address is read again then too).
   */
  domains(): ReadonlySet<string> {
    const rev = this.opts.revision();
    if (this.domainCache?.revision !== rev) this.domainCache = { revision: rev, domains: this.buildDomains() };
    return this.domainCache.domains;
  }

  private buildDomains(): Set<string> {
    const set = new Set<string>();
    for (const c of this.opts.state().configurations) if (c.pbxName) set.add(c.pbxName.toLowerCase());
    const host = this.opts.host;
    if (host === '0.0.0.0' || host === '::') {
      for (const list of Object.values(networkInterfaces()))
        for (const i of list ?? []) set.add(i.family === 'IPv6' ? `[${i.address}]` : i.address);
      set.add('localhost');
    } else {
      set.add(host.includes(':') ? `[${host}]` : host);
      if (host === '127.0.0.1' || host === '::1') set.add('localhost');
    }
    return set;
  }

  /** UDP and TCP share one port number; with port 0 the first free one both can have. */
  async start(): Promise<SipAddresses> {
    for (let attempt = 0; ; attempt++) {
      const udp = await this.udp.listen(this.opts.host, this.opts.port);
      try {
        const tcp = await this.tcp.listen(this.opts.host, udp.port);
        let tls;
        try {
          tls = this.opts.tls && (await this.tls!.listen(this.opts.host, this.opts.tls.port));
        } catch (err) {
          await this.tcp.close();
          throw err;
        }
        this.registrar.start();
        return tls ? { udp, tcp, tls } : { udp, tcp };
      } catch (err) {
        await this.udp.close();
        if (this.opts.port !== 0 || attempt >= 10 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.ws.handleUpgrade(req, socket, head);
  }

  /** Sends a message on a flow; the router uses it to forward. */
  send(message: SipMessage, flow: Flow): void {
    flow.send(serialize(message));
  }

  async stop(): Promise<void> {
    this.registrar.stop();
    this.refusals.stop();
    this.router?.stop();
    await Promise.all([this.udp.close(), this.tcp.close(), this.tls?.close(), this.ws.close()]);
  }

  private inbound(data: Buffer, flow: Flow): void {
    try {
      const parsed = parseMessage(data);
      if (!parsed.ok) {
        this.refuse(data, flow, parsed.reason, parsed);
        return;
      }
      const message = parsed.message;
      if (message.kind === 'response') {
        this.router?.handleResponse(message);
        return;
      }
      this.dispatch(message, flow);
    } catch (err) {
      // No input may stop a transport: log and carry on.
      this.opts.log('error', 'sip message handling failed', {
        error: (err as Error).message,
        transport: flow.transport,
      });
    }
  }

  private refuse(data: Buffer, flow: Flow, reason: string, parsed?: ReturnType<typeof parseMessage>): void {
    const result = parsed ?? parseMessage(data);
    this.opts.log('debug', 'sip message refused', {
      reason,
      transport: flow.transport,
      source: `${flow.remote.address}:${flow.remote.port}`,
    });
    if (!result.ok && result.status && result.partial && result.partial.method.toUpperCase() !== 'ACK') {
      const text = reason.replace(/[\r\n]/g, ' ');
      this.refusals.refused({
        method: result.partial.method,
        status: result.status,
        reason: 'malformed',
        message: `malformed request: ${text}`,
        flow,
        target: result.partial.uri,
      });
      this.send(createResponse(result.partial, result.status, `${REASONS[result.status]} (${text})`), flow);
    }
  }

  private dispatch(req: SipRequest, flow: Flow): void {
    const method = req.method.toUpperCase();
    const refuse = (res: SipResponse, reason: SipRefusalReason, message: string) => {
      this.refusals.refused({ method: req.method, status: res.status, reason, message, flow, target: req.uri });
      this.send(res, flow);
    };
    const maxForwards = req.headers.get('max-forwards');
    const scheme = parseUri(req.uri)?.scheme;
    if (scheme !== 'sip' && scheme !== 'sips' && method !== 'ACK') {
      refuse(createResponse(req, 416), 'unsupported-uri', `Request-URI scheme "${scheme ?? '?'}" is not sip or sips`);
      return;
    }
    const unsupported = req.headers
      .getAll('require')
      .filter((ext) => !SUPPORTED_EXTENSIONS.includes(ext.toLowerCase()));
    if (unsupported.length && method !== 'ACK' && method !== 'CANCEL') {
      const res = createResponse(req, 420);
      res.headers.append('Unsupported', unsupported.join(', '));
      refuse(res, 'unsupported-extension', `Require names an extension not supported here: ${unsupported.join(', ')}`);
      return;
    }
    if (method === 'REGISTER') {
      this.send(this.registrar.handle(req, flow), flow);
      return;
    }
    if (maxForwards !== undefined && Number(maxForwards) === 0 && method !== 'ACK') {
      refuse(createResponse(req, 483), 'too-many-hops', 'Max-Forwards reached 0');
      return;
    }
    if (method === 'OPTIONS' && !this.router) {
      this.send(this.options(req), flow);
      return;
    }
    if (!ALLOWED_METHODS.includes(method)) {
      const res = createResponse(req, 405);
      res.headers.append('Allow', ALLOWED_METHODS.join(', '));
      refuse(res, 'method-not-allowed', `method ${req.method} is not handled here`);
      return;
    }
    if (this.router) this.router.handleRequest(req, flow);
    else if (method !== 'ACK') this.send(createResponse(req, 501), flow);
  }

  /** OPTIONS to the PBX: the keep-alive and capability probe (RFC 3261 §11.2). */
  options(req: SipRequest): SipResponse {
    const res = createResponse(req, 200);
    res.headers.append('Allow', ALLOWED_METHODS.join(', '));
    res.headers.append('Accept', 'application/sdp');
    res.headers.append('Supported', 'path');
    return res;
  }
}
