/**
 * A tiny raw SIP client for tests, over UDP, TCP or WebSocket (RFC 7118). Requests are written as text; the
 * client only adds Content-Length when missing, frames stream responses by Content-Length and matches final
 * responses to requests by Call-ID and CSeq. Its own small response parser is independent of the simulator's.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { WebSocket } from 'ws';
import { computeResponse, type DigestAlgorithm } from '../../simulator/src/sip/auth/digest.js';

export type SipTransportName = 'udp' | 'tcp' | 'tls' | 'ws';

export interface SipReply {
  status: number;
  reason: string;
  /** Header fields as received, names lower-cased (compact forms expanded), one entry per header line. */
  fields: [string, string][];
  body: string;
  raw: string;
  /** The first value of a field (case-insensitive, compact forms accepted). */
  get(name: string): string | undefined;
  /** Every header line of a field, in order (not split on commas). */
  getAll(name: string): string[];
}

const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  f: 'from',
  t: 'to',
  v: 'via',
  k: 'supported',
  c: 'content-type',
};
const canonical = (name: string): string => COMPACT[name.toLowerCase()] ?? name.toLowerCase();

export function parseReply(raw: string): SipReply | undefined {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split + 4);
  const [start, ...lines] = head.split('\r\n');
  const m = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(start ?? '');
  if (!m) return undefined;
  const fields: [string, string][] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && fields.length) {
      fields[fields.length - 1]![1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push([canonical(line.slice(0, colon).trim()), line.slice(colon + 1).trim()]);
  }
  return {
    status: Number(m[1]),
    reason: m[2] ?? '',
    fields,
    body,
    raw,
    get: (name) => fields.find(([n]) => n === canonical(name))?.[1],
    getAll: (name) => fields.filter(([n]) => n === canonical(name)).map(([, v]) => v),
  };
}

/** Adds a Content-Length when the text has none and normalises line ends to CRLF. */
export function finishMessage(text: string): string {
  const normalised = text.replace(/\r?\n/g, '\r\n');
  const split = normalised.indexOf('\r\n\r\n');
  const head = split < 0 ? normalised.replace(/(\r\n)+$/, '') : normalised.slice(0, split);
  const body = split < 0 ? '' : normalised.slice(split + 4);
  if (/\r\n(content-length|l)\s*:/i.test(head)) return `${head}\r\n\r\n${body}`;
  return `${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function key(callId: string, cseq: string): string {
  const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(cseq);
  return `${callId.trim()}|${m ? `${Number(m[1])} ${m[2]!.toUpperCase()}` : cseq.trim()}`;
}

function headerOf(text: string, name: string, compact: string): string | undefined {
  const m = new RegExp(`\\r\\n(?:${name}|${compact})[ \\t]*:[ \\t]*([^\\r\\n]*)`, 'i').exec(text);
  return m?.[1]?.trim();
}

export const randomToken = (bytes = 6): string => randomBytes(bytes).toString('hex');
export const branch = (): string => `z9hG4bK${randomToken(8)}`;

export interface Closed {
  /** WebSocket close code, when the transport is WS. */
  code?: number;
  reason?: string;
}

export interface ClientTarget {
  host: string;
  port: number;
  /** For WS: the ws:// URL of /sip. */
  url?: string;
  /** For WS: subprotocols to offer; default ['sip']. */
  protocols?: string[];
  /** The address to send from (any of 127/8 on Linux, to be another source); default 127.0.0.1. */
  localAddress?: string;
  /** For TLS and wss: the CA (PEM) to verify the simulator with; default the system's plus NODE_EXTRA_CA_CERTS. */
  ca?: string;
  /** For TLS: the name to verify (SNI); default the host. */
  servername?: string;
}

/**
 * One client socket. `request()` sends a request and resolves with its final response (1xx are skipped, but
 * recorded in `provisional`); `sendRaw()` sends bytes as they are; `received` holds everything that came in.
 */
export class SipClient {
  readonly received: string[] = [];
  readonly provisional: SipReply[] = [];
  /** Resolves when the connection closes (TCP, WS); never for UDP. */
  readonly closed: Promise<Closed>;
  local: { address: string; port: number } = { address: '127.0.0.1', port: 0 };
  private readonly pending = new Map<string, { resolve: (r: SipReply) => void; reject: (e: Error) => void }>();
  private readonly waiters = new Set<(raw: string) => void>();
  private streamBuf = '';
  private udp: UdpSocket | undefined;
  private tcp: TcpSocket | undefined;
  private ws: WebSocket | undefined;
  private isClosed = false;
  private markClosed!: (c: Closed) => void;

  private constructor(
    readonly transport: SipTransportName,
    readonly target: ClientTarget,
  ) {
    this.closed = new Promise((resolve) => {
      this.markClosed = (c) => {
        if (this.isClosed) return;
        this.isClosed = true;
        for (const p of this.pending.values()) p.reject(new Error(`connection closed (${JSON.stringify(c)})`));
        this.pending.clear();
        resolve(c);
      };
    });
  }

  /** Opens a client: `udp` / `tcp` / `tls` to host:port, `ws` to target.url (ws:// or wss://). */
  static async open(transport: SipTransportName, target: ClientTarget): Promise<SipClient> {
    const client = new SipClient(transport, target);
    await client.connect();
    return client;
  }

  /** `udp` and `tcp` from '127.0.0.1:5060', `ws` from 'ws://127.0.0.1:8080/sip'; sent from `localAddress`. */
  static async to(
    transport: SipTransportName,
    address: string,
    protocols?: string[],
    localAddress?: string,
  ): Promise<SipClient> {
    if (transport === 'ws') {
      const u = new URL(address);
      return SipClient.open('ws', { host: u.hostname, port: Number(u.port), url: address, protocols, localAddress });
    }
    const i = address.lastIndexOf(':');
    return SipClient.open(transport, { host: address.slice(0, i), port: Number(address.slice(i + 1)), localAddress });
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** The Via sent-by for this client: host:port, or a random `*.invalid` host for WS as browsers do. */
  private wsHost = `${randomToken(4)}.invalid`;
  get sentBy(): string {
    return this.transport === 'ws' ? this.wsHost : `${this.local.address}:${this.local.port}`;
  }

  /** A Via header value with a fresh branch. */
  via(): string {
    const t =
      this.transport === 'ws' ? (this.target.url?.startsWith('wss:') ? 'WSS' : 'WS') : this.transport.toUpperCase();
    return `SIP/2.0/${t} ${this.sentBy};branch=${branch()}${this.transport === 'udp' ? ';rport' : ''}`;
  }

  /** A Contact URI reachable over this client (WS: the `*.invalid` host with transport=ws). */
  contactUri(user: string): string {
    if (this.transport === 'ws')
      return `sip:${user}@${this.wsHost};transport=${this.target.url?.startsWith('wss:') ? 'wss' : 'ws'}`;
    const param = this.transport === 'udp' ? '' : `;transport=${this.transport}`;
    return `sip:${user}@${this.local.address}:${this.local.port}${param}`;
  }

  private async connect(): Promise<void> {
    const { host, port } = this.target;
    if (this.transport === 'udp') {
      const socket = createSocket('udp4');
      this.udp = socket;
      socket.on('message', (data) => this.deliver(data.toString('utf8')));
      socket.on('error', () => {});
      const local = this.target.localAddress ?? '127.0.0.1';
      await new Promise<void>((resolve) => socket.bind(0, local, resolve));
      this.local = { address: local, port: socket.address().port };
      return;
    }
    if (this.transport === 'tcp' || this.transport === 'tls') {
      const tls = this.transport === 'tls';
      const plain = connect({ host, port, localAddress: this.target.localAddress });
      const socket = tls
        ? tlsConnect({ socket: plain, host, ca: this.target.ca, servername: this.target.servername })
        : plain;
      this.tcp = socket;
      socket.setNoDelay(true);
      await new Promise<void>((resolve, reject) => {
        socket.once(tls ? 'secureConnect' : 'connect', resolve);
        socket.once('error', reject);
      });
      socket.on('error', () => {});
      socket.on('data', (chunk) => this.stream(chunk.toString('latin1')));
      socket.on('close', () => this.markClosed({}));
      this.local = { address: socket.localAddress ?? '127.0.0.1', port: socket.localPort ?? 0 };
      return;
    }
    const ws = new WebSocket(this.target.url!, this.target.protocols ?? ['sip'], {
      localAddress: this.target.localAddress,
      ...(this.target.ca && { ca: this.target.ca }),
    });
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) =>
        reject(
          Object.assign(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`), { statusCode: res.statusCode }),
        ),
      );
    });
    ws.on('error', () => {});
    ws.on('message', (data) =>
      this.deliver(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8')),
    );
    ws.on('close', (code, reason) => this.markClosed({ code, reason: reason.toString() }));
  }

  private stream(text: string): void {
    this.streamBuf += text;
    for (;;) {
      this.streamBuf = this.streamBuf.replace(/^(\r\n)+/, (m) => {
        if (m.length >= 2) this.deliver('\r\n');
        return '';
      });
      const end = this.streamBuf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lengthHeader = headerOf(this.streamBuf.slice(0, end + 2), 'content-length', 'l');
      const total = end + 4 + Number(lengthHeader ?? 0);
      if (this.streamBuf.length < total) return;
      // Bodies are ASCII in these tests, so latin1 lengths are byte lengths.
      const message = Buffer.from(this.streamBuf.slice(0, total), 'latin1').toString('utf8');
      this.streamBuf = this.streamBuf.slice(total);
      this.deliver(message);
    }
  }

  private deliver(raw: string): void {
    this.received.push(raw);
    for (const w of this.waiters) w(raw);
    const reply = parseReply(raw);
    if (!reply) return;
    const callId = reply.get('call-id');
    const cseq = reply.get('cseq');
    if (callId === undefined || cseq === undefined) return;
    if (reply.status < 200) {
      this.provisional.push(reply);
      return;
    }
    const k = key(callId, cseq);
    const p = this.pending.get(k);
    if (p) {
      this.pending.delete(k);
      p.resolve(reply);
    }
  }

  /** Sends bytes as they are. */
  sendRaw(data: string | Buffer): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (this.udp) this.udp.send(buf, this.target.port, this.target.host);
    else if (this.tcp) this.tcp.write(buf);
    else if (this.ws) this.ws.send(buf.toString('utf8'));
  }

  /** Sends a request (Content-Length added when missing) and resolves with its final response. */
  request(text: string, timeoutMs = 10_000): Promise<SipReply> {
    const message = finishMessage(text);
    const callId = headerOf(message, 'call-id', 'i');
    const cseq = headerOf(message, 'cseq', 'cseq');
    if (!callId || !cseq) throw new Error('request needs Call-ID and CSeq');
    const k = key(callId, cseq);
    return new Promise<SipReply>((resolve, reject) => {
      if (this.isClosed) {
        reject(new Error('connection closed'));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(k);
        reject(new Error(`no response to ${cseq} (Call-ID ${callId}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(k, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.sendRaw(message);
    });
  }

  /** Resolves with the next received message matching `test`, or undefined after `timeoutMs`. */
  next(test: (raw: string) => boolean, timeoutMs: number): Promise<string | undefined> {
    return new Promise((resolve) => {
      const done = (value: string | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(value);
      };
      const waiter = (raw: string) => {
        if (test(raw)) done(raw);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    if (this.udp) {
      const s = this.udp;
      this.udp = undefined;
      await new Promise<void>((resolve) => s.close(() => resolve()));
      this.markClosed({});
    } else if (this.tcp) {
      const s = this.tcp;
      if (!s.destroyed) {
        const done = this.closed;
        s.end();
        const timer = setTimeout(() => s.destroy(), 500);
        await done;
        clearTimeout(timer);
      }
    } else if (this.ws) {
      const ws = this.ws;
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
        const done = this.closed;
        ws.close(1000);
        const timer = setTimeout(() => ws.terminate(), 500);
        await done;
        clearTimeout(timer);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Digest

/** The parameters of one `WWW-Authenticate: Digest …` value. */
export function parseChallenge(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = value.replace(/^\s*Digest\s+/i, '');
  for (const m of body.matchAll(/([A-Za-z0-9-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    out[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  }
  return out;
}

export interface DigestUser {
  username: string;
  password: string;
}

/**
 * Answers challenges like a UA: picks the challenge of the chosen algorithm and counts nc up per request with
 * the same nonce. `authorization()` can be called again for further requests (nc 2, 3, …); `nc` can be forced.
 */
export class DigestSession {
  readonly challenge: Record<string, string>;
  nc = 0;
  readonly cnonce = randomToken(8);

  constructor(
    reply: SipReply,
    readonly algorithm: DigestAlgorithm,
    readonly user: DigestUser,
  ) {
    const values = reply.getAll('www-authenticate');
    const picked = values.map(parseChallenge).find((c) => (c.algorithm ?? 'MD5').toUpperCase() === algorithm);
    if (!picked) throw new Error(`no ${algorithm} challenge in ${reply.status}: ${values.join(' | ')}`);
    this.challenge = picked;
  }

  /** The `Authorization` value for a request; increments nc unless `nc` is given. */
  authorization(method: string, uri: string, opts: { nc?: number; password?: string } = {}): string {
    const ncValue = opts.nc ?? ++this.nc;
    const nc = ncValue.toString(16).padStart(8, '0');
    const { realm, nonce, opaque } = this.challenge as { realm: string; nonce: string; opaque?: string };
    const response = computeResponse({
      algorithm: this.algorithm,
      username: this.user.username,
      realm,
      password: opts.password ?? this.user.password,
      method,
      uri,
      nonce,
      nc,
      cnonce: this.cnonce,
      qop: 'auth',
    });
    return (
      `Digest username="${this.user.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", ` +
      `algorithm=${this.algorithm}, qop=auth, nc=${nc}, cnonce="${this.cnonce}"${opaque !== undefined ? `, opaque="${opaque}"` : ''}`
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// REGISTER

export interface RegisterOptions {
  /** The AOR user part (login or extension); default: the auth user. */
  aor?: string;
  /** Domain of the Request-URI and the AOR; default the PBX name given to the Registration. */
  domain?: string;
  /** Contact header values (each becomes one Contact line); default one contact of this client. [] = query. */
  contacts?: string[];
  expires?: number;
  /** Extra header lines. */
  headers?: string[];
}

/**
 * A REGISTER dialogue of one UA: one Call-ID, CSeq counting up, answering 401 challenges with the chosen
 * algorithm and reusing the nonce (nc counting up) afterwards, like sip.js does.
 */
export class Registration {
  readonly callId = `${randomToken(8)}@test`;
  cseq = 0;
  readonly fromTag = randomToken(4);
  digest: DigestSession | undefined;

  constructor(
    readonly client: SipClient,
    readonly user: DigestUser,
    readonly opts: { domain: string; algorithm?: DigestAlgorithm },
  ) {}

  /** The REGISTER text, with the given Authorization (if any). */
  build(o: RegisterOptions & { cseq?: number; authorization?: string } = {}): string {
    const domain = o.domain ?? this.opts.domain;
    const aor = `sip:${o.aor ?? this.user.username}@${domain}`;
    const contacts = o.contacts ?? [`<${this.client.contactUri(this.user.username)}>`];
    const lines = [
      `REGISTER sip:${domain} SIP/2.0`,
      `Via: ${this.client.via()}`,
      'Max-Forwards: 70',
      `From: <${aor}>;tag=${this.fromTag}`,
      `To: <${aor}>`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${o.cseq ?? this.cseq} REGISTER`,
      ...contacts.map((c) => `Contact: ${c}`),
      ...(o.expires !== undefined ? [`Expires: ${o.expires}`] : []),
      ...(o.authorization ? [`Authorization: ${o.authorization}`] : []),
      'User-Agent: sip-client-test',
      ...(o.headers ?? []),
    ];
    return lines.join('\r\n') + '\r\n\r\n';
  }

  /** Sends one REGISTER with the next CSeq, with credentials once a challenge is known; no retry. */
  async send(
    o: RegisterOptions & { cseq?: number; nc?: number; password?: string; noAuth?: boolean } = {},
  ): Promise<SipReply> {
    const cseq = o.cseq ?? ++this.cseq;
    if (o.cseq !== undefined) this.cseq = Math.max(this.cseq, o.cseq);
    const domain = o.domain ?? this.opts.domain;
    const authorization =
      this.digest && !o.noAuth
        ? this.digest.authorization('REGISTER', `sip:${domain}`, { nc: o.nc, password: o.password })
        : undefined;
    const reply = await this.client.request(this.build({ ...o, cseq, authorization }));
    if (reply.status === 401) this.digest = new DigestSession(reply, this.opts.algorithm ?? 'MD5', this.user);
    return reply;
  }

  /** Sends a REGISTER; on 401 answers the challenge once (fresh CSeq). Resolves with the final answer. */
  async register(o: RegisterOptions & { password?: string } = {}): Promise<SipReply> {
    const first = await this.send(o);
    if (first.status !== 401) return first;
    return this.send(o);
  }
}

/** `expires` of each Contact in a 200, by contact URI. */
export function contactExpiries(reply: SipReply): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of reply.getAll('contact')) {
    for (const value of line.split(/,(?![^<]*>)/)) {
      const m = /<([^>]+)>(.*)$/.exec(value.trim());
      if (!m) continue;
      const e = /;\s*expires\s*=\s*(\d+)/i.exec(m[2]!);
      out.set(m[1]!, e ? Number(e[1]) : Number.NaN);
    }
  }
  return out;
}
