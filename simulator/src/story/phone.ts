import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { computeResponse, DIGEST_ALGORITHMS, type DigestAlgorithm } from '../sip/auth/digest.js';
import { SipHeaders } from '../sip/message/headers.js';
import { createResponse, parseMessage, serialize, type SipRequest, type SipResponse } from '../sip/message/message.js';
import { withSdp } from '../sip/ua/answer.js';
import { sdpAnswer, sdpOf } from '../sip/ua/sdp.js';

/** Media port the story phones name in their SDP; no media is ever sent. */
const STORY_MEDIA_PORT = 41_000;
const REGISTER_EXPIRES_S = 3600;
const ANSWER_TIMEOUT_MS = 10_000;

const token = (bytes = 6): string => randomBytes(bytes).toString('hex');

export interface StoryPhoneOptions {
  login: string;
  /** The SIP secret (digest password). */
  secret: string;
  /** Where the simulator's SIP listener is (UDP). */
  host: string;
  port: number;
}

/**
 * A story's desk phone: a minimal SIP user agent over loopback UDP that registers with digest and, while
 * `answer` is true, picks up every INVITE at once (the offer or answer from the SIP UA helpers the virtual phones
 * use). It exists so a story's calls pass the simulator's real registrar, proxy and click-to-dial.
 */
export class StoryPhone {
  /** false: INVITEs ring (180) and are never answered, as a phone nobody picks up. */
  answer = true;
  private socket: Socket | undefined;
  private localPort = 0;
  private readonly callId = `story-${token(8)}`;
  private readonly fromTag = token();
  private cseq = 0;
  private readonly pending = new Map<string, (res: SipResponse) => void>();
  /** Ringing INVITEs by Call-ID, to answer 487 on CANCEL. */
  private readonly ringing = new Map<string, { invite: SipRequest; toTag: string }>();
  /** The last final answer per INVITE transaction, sent again on a retransmitted INVITE. */
  private readonly answered = new Map<string, Buffer>();

  constructor(private readonly opts: StoryPhoneOptions) {}

  get login(): string {
    return this.opts.login;
  }

  async open(): Promise<void> {
    // On the listener's own address: a loopback one, or the one address the simulator is bound to.
    const socket = createSocket(isIPv6(this.opts.host) ? 'udp6' : 'udp4');
    socket.on('message', (buf) => this.receive(buf));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, this.opts.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.socket = socket;
    this.localPort = socket.address().port;
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
    for (const done of this.pending.values()) done(closedResponse());
    this.pending.clear();
  }

  /** REGISTER (expires 0: unregister), answering the digest challenge once. */
  async register(expires = REGISTER_EXPIRES_S): Promise<void> {
    let res = await this.request(this.registerRequest(expires));
    if (res.status === 401 || res.status === 407) {
      const header = res.status === 401 ? 'www-authenticate' : 'proxy-authenticate';
      const challenges = res.headers.getAll(header);
      // The listener offers its algorithms strongest first: take the first one we can compute.
      const challenge =
        challenges.map(parseChallenge).find((c) => supported(c.algorithm ?? 'MD5')) ?? parseChallenge('');
      const req = this.registerRequest(expires);
      req.headers.append(res.status === 401 ? 'Authorization' : 'Proxy-Authorization', this.authorize(challenge, req));
      res = await this.request(req);
    }
    if (res.status !== 200)
      throw new Error(`the phone of ${this.opts.login} could not register: ${res.status} ${res.reason}`.trim());
  }

  /** host:port as a URI writes it (IPv6 in brackets). */
  private get domain(): string {
    return `${this.hostPart}:${this.opts.port}`;
  }

  private get hostPart(): string {
    return isIPv6(this.opts.host) ? `[${this.opts.host}]` : this.opts.host;
  }

  private get contact(): string {
    return `<sip:${this.opts.login}@${this.hostPart}:${this.localPort};transport=udp>`;
  }

  private registerRequest(expires: number): SipRequest {
    const { login } = this.opts;
    const headers = new SipHeaders()
      .append('Via', `SIP/2.0/UDP ${this.hostPart}:${this.localPort};branch=z9hG4bK${token(8)};rport`)
      .append('Max-Forwards', '70')
      .append('From', `<sip:${login}@${this.domain}>;tag=${this.fromTag}`)
      .append('To', `<sip:${login}@${this.domain}>`)
      .append('Call-ID', this.callId)
      .append('CSeq', `${++this.cseq} REGISTER`)
      .append('Contact', this.contact)
      .append('Expires', String(expires))
      .append('User-Agent', 'STARFACE simulator story phone');
    return {
      kind: 'request',
      method: 'REGISTER',
      uri: `sip:${this.domain}`,
      version: 'SIP/2.0',
      headers,
      body: Buffer.alloc(0),
    };
  }

  private authorize(c: Record<string, string>, req: SipRequest): string {
    const algorithm = (c.algorithm ?? 'MD5').toUpperCase() as DigestAlgorithm;
    const qop = c.qop
      ?.split(',')
      .map((q) => q.trim())
      .includes('auth')
      ? 'auth'
      : undefined;
    const nc = '00000001';
    const cnonce = token(8);
    const response = computeResponse({
      algorithm,
      username: this.opts.login,
      realm: c.realm ?? '',
      password: this.opts.secret,
      method: req.method,
      uri: req.uri,
      nonce: c.nonce ?? '',
      ...(qop && { qop, nc, cnonce }),
    });
    const parts = [
      `username="${this.opts.login}"`,
      `realm="${c.realm ?? ''}"`,
      `nonce="${c.nonce ?? ''}"`,
      `uri="${req.uri}"`,
      `response="${response}"`,
      `algorithm=${c.algorithm ?? 'MD5'}`,
    ];
    if (c.opaque !== undefined) parts.push(`opaque="${c.opaque}"`);
    if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
    return `Digest ${parts.join(', ')}`;
  }

  private request(req: SipRequest): Promise<SipResponse> {
    const key = `${req.headers.get('call-id')}|${req.headers.get('cseq')}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        reject(new Error(`no answer from the SIP listener at ${this.domain} to ${req.method}`));
      }, ANSWER_TIMEOUT_MS);
      this.pending.set(key, (res) => {
        clearTimeout(timer);
        resolve(res);
      });
      this.send(serialize(req));
    });
  }

  private send(buf: Buffer): void {
    this.socket?.send(buf, this.opts.port, this.opts.host);
  }

  private receive(buf: Buffer): void {
    const parsed = parseMessage(buf);
    if (!parsed.ok) return;
    const msg = parsed.message;
    if (msg.kind === 'response') {
      if (msg.status < 200) return;
      const key = `${msg.headers.get('call-id')}|${msg.headers.get('cseq')}`;
      const done = this.pending.get(key);
      this.pending.delete(key);
      done?.(msg);
      return;
    }
    this.onRequest(msg);
  }

  private onRequest(req: SipRequest): void {
    const callId = req.headers.get('call-id') ?? '';
    const txKey = `${callId}|${req.headers.get('cseq')}`;
    switch (req.method) {
      case 'ACK':
        this.answered.delete(txKey.replace(/ACK$/i, 'INVITE'));
        return;
      case 'INVITE': {
        const again = this.answered.get(txKey);
        if (again) return this.send(again);
        const toTag = this.ringing.get(callId)?.toTag ?? token();
        this.send(serialize(createResponse(req, 180, undefined, toTag)));
        if (!this.answer) {
          this.ringing.set(callId, { invite: req, toTag });
          return;
        }
        const ok = createResponse(req, 200, undefined, toTag);
        const offer = sdpOf(req);
        // Without an offer (click-to-dial's first leg) the phone makes one; the ACK brings the answer.
        withSdp(ok, this.contact, sdpAnswer(offer, STORY_MEDIA_PORT));
        const wire = serialize(ok);
        this.answered.set(txKey, wire);
        return this.send(wire);
      }
      case 'CANCEL': {
        this.send(serialize(createResponse(req, 200)));
        const ring = this.ringing.get(callId);
        this.ringing.delete(callId);
        if (ring) this.send(serialize(createResponse(ring.invite, 487, undefined, ring.toTag)));
        return;
      }
      default:
        // BYE, OPTIONS, INFO, UPDATE: agreed to.
        this.ringing.delete(callId);
        return this.send(serialize(createResponse(req, 200)));
    }
  }
}

const supported = (algorithm: string): boolean =>
  (DIGEST_ALGORITHMS as readonly string[]).includes(algorithm.toUpperCase());

function parseChallenge(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of value.replace(/^\s*Digest\s+/i, '').matchAll(/([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|([^,\s]+))/g))
    out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}

function closedResponse(): SipResponse {
  return {
    kind: 'response',
    status: 503,
    reason: 'phone closed',
    version: 'SIP/2.0',
    headers: new SipHeaders(),
    body: Buffer.alloc(0),
  };
}
