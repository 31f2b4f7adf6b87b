import { randomBytes } from 'node:crypto';
import {
  REGISTRAR_EVENTS,
  REGISTRAR_LIMITS,
  type Registration,
  type SipRefusalReason,
} from '../../../shared/schemas/registrations.js';
import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type { EventBus } from '../events/bus.js';
import type { UserDirectory } from './directory.js';
import { appendChallenges, checkCredentials, DIGEST_REFUSALS, throttledPhrase } from './auth/challenges.js';
import type { DigestAuthenticator } from './auth/digest.js';
import type { SipAuthGate } from './auth/gate.js';
import { createResponse, parseCSeq, type SipRequest, type SipResponse } from './message/message.js';
import { detached } from './message/detach.js';
import { parseNameAddr, parseUri, withoutParams, type SipUri } from './message/uri.js';
import type { RefusalReporter } from './refusals.js';
import type { Flow } from './transport/flow.js';

export interface Binding {
  userId: number;
  login: string;
  extension: string | null;
  aor: string;
  /** The Contact URI as registered. */
  contact: string;
  /** What makes two contacts the same binding (RFC 3261 §19.1.4, simplified). */
  key: string;
  /** The Contact field value to echo (URI with its parameters, without `expires`). */
  contactValue: string;
  expiresAt: number;
  callId: string;
  cseq: number;
  path: string[];
  flow: Flow;
  userAgent: string | null;
  registeredAt: number;
}

/** What the registrar needs to know of the PBX: its users, its SIP domains and the time. */
export interface RegistrarHost {
  directory: UserDirectory;
  /** The domains this PBX answers for (configured PBX names, the listening address). */
  domains(): ReadonlySet<string>;
  bus: EventBus;
  auth: DigestAuthenticator;
  /** Counts digest guesses in the sign-in limiter and holds back throttled sources (none: unlimited). */
  gate?: SipAuthGate;
  refusals: RefusalReporter;
  now?: () => number;
}

/** Two SIP URIs match when scheme, user, host, port and transport agree (RFC 3261 §19.1.4, simplified). */
function uriKey(uri: SipUri): string {
  const transport = (uri.params.transport ?? 'udp')?.toLowerCase();
  return `${uri.scheme}:${uri.user ?? ''}@${uri.host}:${uri.port ?? ''};${transport}`;
}

/**
 * The registrar (RFC 3261 §10.3): digest-authenticated bindings per user, kept in memory, with expiry, CSeq
 * ordering per Call-ID, Path, queries and wildcard removal. Every change is an event on the bus.
 */
export class Registrar {
  private readonly bindings = new Map<number, Binding[]>();
  private readonly tag = randomBytes(4).toString('hex');
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastDate: { second: number; text: string } | undefined;

  constructor(private readonly host: RegistrarHost) {}

  private now(): number {
    return (this.host.now ?? Date.now)();
  }

  start(): void {
    this.timer = setInterval(() => this.sweep(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The live bindings of a user. */
  contactsOf(userId: number): Binding[] {
    const now = this.now();
    return (this.bindings.get(userId) ?? []).filter((b) => b.expiresAt > now);
  }

  list(): Registration[] {
    this.sweep();
    const now = this.now();
    return [...this.bindings.values()].flat().map((b) => ({
      aor: b.aor,
      userId: b.userId,
      login: b.login,
      extension: b.extension,
      contact: b.contact,
      transport: b.flow.transport,
      source: `${b.flow.remote.address}:${b.flow.remote.port}`,
      expiresAt: new Date(b.expiresAt).toISOString(),
      expiresIn: Math.max(0, Math.round((b.expiresAt - now) / 1000)),
      callId: b.callId,
      cseq: b.cseq,
      path: b.path,
      userAgent: b.userAgent,
      registeredAt: new Date(b.registeredAt).toISOString(),
    }));
  }

  /** A WebSocket's bindings cannot be reached once it closes (RFC 7118 §5). */
  flowClosed(flow: Flow): void {
    for (const [userId, list] of this.bindings) {
      const keep = list.filter((b) => b.flow.id !== flow.id);
      for (const b of list.filter((x) => x.flow.id === flow.id))
        this.emit(REGISTRAR_EVENTS.unregistered, b, { reason: 'connection closed' });
      this.set(userId, keep);
    }
  }

  handle(req: SipRequest, flow: Flow): SipResponse {
    const reply = (status: number, reason?: string) => createResponse(req, status, reason, this.tag);
    const to = parseNameAddr(req.headers.get('to') ?? '');
    // Every refusal is logged and published with why (never the password, response or nonce).
    // The digest user name, once the credentials are read.
    const claimed: { login?: string } = {};
    const refuse = (
      status: number,
      why: SipRefusalReason,
      message: string,
      phrase?: string,
      res = reply(status, phrase),
    ): SipResponse => {
      this.host.refusals.refused({
        method: req.method,
        status,
        reason: why,
        message,
        flow,
        login: claimed.login,
        aor: to?.uri,
      });
      return res;
    };
    const domains = this.host.domains();
    // The SIP server has answered 416 (not a SIP Request-URI) and 420 (Require) already.
    const target = parseUri(req.uri);
    if (!target || !domains.has(target.host))
      return refuse(
        404,
        'unknown-domain',
        `Request-URI domain ${target?.host ?? req.uri} is not served here`,
        'Not Found (domain not served here)',
      );

    const aorUri = to && parseUri(to.uri);
    if (!aorUri || (aorUri.scheme !== 'sip' && aorUri.scheme !== 'sips'))
      return refuse(
        400,
        'malformed',
        'To is not a SIP address of record',
        'Bad Request (To is not a SIP address of record)',
      );
    if (!domains.has(aorUri.host))
      return refuse(
        404,
        'unknown-domain',
        `address-of-record domain ${aorUri.host} is not served here`,
        'Not Found (address of record)',
      );

    // Authenticate (RFC 3261 §22): every REGISTER carries credentials for our realm, or gets a challenge.
    const directory = this.host.directory;
    const gate = this.host.gate && { gate: this.host.gate, source: flow.remote.address };
    const checked = checkCredentials(req, this.host.auth, directory, 'authorization', gate);
    if (!checked) return this.challenge(req, false);
    const { creds, verdict } = checked;
    claimed.login = creds.username;
    if (!verdict.ok) {
      const { reason, message } = DIGEST_REFUSALS[verdict.reason];
      if (verdict.reason === 'malformed') return refuse(400, reason, message, 'Bad Request (malformed Authorization)');
      if (verdict.reason === 'throttled') return refuse(403, reason, message, throttledPhrase(verdict.retryAfter));
      return refuse(401, reason, message, undefined, this.challenge(req, verdict.stale === true));
    }
    flow.markAuthenticated?.();

    const owner = directory.userPart(aorUri.user);
    if (!owner)
      return refuse(
        404,
        'unknown-aor',
        `no user or extension "${aorUri.user ?? ''}" to register`,
        'Not Found (no such user)',
      );
    const authUser = directory.login(verdict.username);
    if (!authUser || authUser.id !== owner.id)
      return refuse(
        403,
        'aor-mismatch',
        `${verdict.username} may register only its own address, not ${aorUri.user ?? ''}`,
        'Forbidden (you may register only your own address)',
      );

    // What a binding keeps is detached from the request text (detach.ts).
    const callId = detached(req.headers.get('call-id')!);
    const cseq = parseCSeq(req.headers.get('cseq'))!.seq;
    const aor = detached(`sip:${owner.login}@${aorUri.host}`);
    const now = this.now();
    const current = this.contactsOf(owner.id);
    const contacts = req.headers.getAll('contact');
    const headerExpires = req.headers.get('expires');

    if (contacts.length === 1 && contacts[0] === '*') {
      if (headerExpires === undefined || Number(headerExpires) !== 0)
        return refuse(400, 'malformed', 'Contact: * without Expires: 0', 'Bad Request (Contact: * needs Expires: 0)');
      const stale = current.find((b) => b.callId === callId && cseq <= b.cseq);
      if (stale)
        return refuse(
          400,
          'cseq-out-of-order',
          'CSeq not higher than the last for this Call-ID',
          'Bad Request (CSeq not higher than the last for this Call-ID)',
        );
      for (const b of current) this.emit(REGISTRAR_EVENTS.unregistered, b, { reason: 'wildcard' });
      this.set(owner.id, []);
      return this.ok(req, owner.id);
    }
    if (contacts.includes('*'))
      return refuse(
        400,
        'malformed',
        'Contact: * next to other contacts',
        'Bad Request (Contact: * must be the only contact)',
      );

    // Validate every contact first: the request is applied all or nothing.
    const changes: { key: string; text: string; value: string; expires: number }[] = [];
    for (const c of contacts) {
      const addr = parseNameAddr(c);
      const uri = addr && parseUri(addr.uri);
      if (!addr || !uri) return refuse(400, 'malformed', 'malformed Contact', 'Bad Request (malformed Contact)');
      const raw = addr.params.expires ?? headerExpires;
      let expires: number = REGISTRAR_LIMITS.defaultExpires;
      if (raw !== undefined && raw !== null) {
        if (!/^\d{1,10}$/.test(raw.trim()))
          return refuse(400, 'bad-expires', 'malformed expires', 'Bad Request (malformed expires)');
        expires = Number(raw);
      }
      if (expires > 0 && expires < REGISTRAR_LIMITS.minExpires) {
        const res = reply(423);
        res.headers.append('Min-Expires', String(REGISTRAR_LIMITS.minExpires));
        return refuse(
          423,
          'interval-too-brief',
          `expires ${expires} is below the minimum of ${REGISTRAR_LIMITS.minExpires} s`,
          undefined,
          res,
        );
      }
      expires = Math.min(expires, REGISTRAR_LIMITS.maxExpires);
      // Echoed as sent but for expires: clients such as linphone refuse a +sip.instance whose quotes went missing.
      changes.push({
        key: uriKey(uri),
        text: addr.uri,
        value: `${addr.head ?? `<${addr.uri}>`}${withoutParams(addr.paramText ?? '', ['expires'])}`,
        expires,
      });
    }
    for (const ch of changes) {
      const existing = current.find((b) => b.key === ch.key);
      if (existing && existing.callId === callId && cseq <= existing.cseq) {
        return refuse(
          400,
          'cseq-out-of-order',
          'CSeq not higher than the last for this Call-ID',
          'Bad Request (CSeq not higher than the last for this Call-ID)',
        );
      }
    }

    const path = req.headers.getAll('path').map(detached);
    const ua = req.headers.get('user-agent');
    const userAgent = ua === undefined ? null : detached(ua);
    let next = current;
    for (const ch of changes) {
      const existing = next.find((b) => b.key === ch.key);
      if (ch.expires === 0) {
        if (existing) {
          next = next.filter((b) => b !== existing);
          this.emit(REGISTRAR_EVENTS.unregistered, existing, { reason: 'expires=0' });
        }
        continue;
      }
      const binding: Binding = {
        userId: owner.id,
        login: owner.login,
        extension: owner.extension ?? null,
        aor,
        contact: detached(ch.text),
        key: ch.key,
        contactValue: detached(ch.value),
        expiresAt: now + ch.expires * 1000,
        callId,
        cseq,
        path,
        flow,
        userAgent,
        registeredAt: existing?.registeredAt ?? now,
      };
      next = existing ? next.map((b) => (b === existing ? binding : b)) : [...next, binding];
      this.emit(existing ? REGISTRAR_EVENTS.refreshed : REGISTRAR_EVENTS.registered, binding, { expires: ch.expires });
    }
    this.set(owner.id, next);
    const res = this.ok(req, owner.id);
    if (path.length) for (const p of path) res.headers.append('Path', p);
    return res;
  }

  private ok(req: SipRequest, userId: number): SipResponse {
    const res = createResponse(req, 200, 'OK', this.tag);
    const now = this.now();
    for (const b of this.bindings.get(userId) ?? []) {
      res.headers.append('Contact', `${b.contactValue};expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`);
    }
    res.headers.append('Date', this.dateHeader(now));
    return res;
  }

  /** The Date field value (whole seconds), made once per second rather than once per 200. */
  private dateHeader(now: number): string {
    const second = Math.floor(now / 1000);
    if (this.lastDate?.second !== second) this.lastDate = { second, text: new Date(second * 1000).toUTCString() };
    return this.lastDate.text;
  }

  private challenge(req: SipRequest, stale: boolean): SipResponse {
    const res = createResponse(req, 401, 'Unauthorized', this.tag);
    appendChallenges(res, this.host.auth, 'WWW-Authenticate', stale);
    return res;
  }

  private set(userId: number, list: Binding[]): void {
    if (list.length) this.bindings.set(userId, list);
    else this.bindings.delete(userId);
  }

  private sweep(): void {
    const now = this.now();
    for (const [userId, list] of this.bindings) {
      // Runs every second over every user: no new array for the (usual) user with nothing expired.
      if (!list.some((b) => b.expiresAt <= now)) continue;
      const live = list.filter((b) => b.expiresAt > now);
      for (const b of list.filter((x) => x.expiresAt <= now)) this.emit(REGISTRAR_EVENTS.expired, b, {});
      this.set(userId, live);
    }
  }

  private emit(event: string, b: Binding, extra: Record<string, unknown>): void {
    this.host.bus.publish({
      service: SIM_SERVICES.registrar,
      event,
      data: {
        aor: b.aor,
        userId: b.userId,
        login: b.login,
        contact: b.contact,
        transport: b.flow.transport,
        source: `${b.flow.remote.address}:${b.flow.remote.port}`,
        ...extra,
      },
    });
  }
}
