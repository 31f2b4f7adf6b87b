/**
 * Which web pages may act on the simulator. A browser lets any page it shows send requests to 127.0.0.1: a
 * "simple" cross-origin POST (no preflight), a WebSocket (no CORS at all), or, after DNS rebinding, requests that
 * look same-origin to the browser. So every HTTP request and WebSocket upgrade passes two checks first:
 *
 * - Host: the bound address, `localhost` or the bound name (any IP literal when bound to all interfaces), with
 *   any port. A rebound name (`evil.example` now pointing to 127.0.0.1) is refused: a browser sends the name the
 *   page used, and only names the user bound to are taken. No Host at all (HTTP/1.0 raw clients) passes: a
 *   browser always sends one (node itself refuses an HTTP/1.1 request without Host).
 * - Origin: a request without one is not from a browser page (node clients, curl, softphones, the VS Code
 *   extension host) and passes. An Origin passes when it is on the allowlist (`--allow-origin`), or when it is the
 *   simulator's own origin, i.e. http:// (https:// with --tls) plus the (checked) Host: that page is the simulator's own, and under DNS
 *   rebinding the own origin carries the attacker's name, which the Host check refused already. Anything else —
 *   also `null` (file: pages, sandboxed frames) — is refused with 403 before any parsing, authentication or
 *   upgrade.
 *
 * CORS answers only for allowlisted origins: that exact origin, never a wildcard, no credentials (the REST API
 * signs in with the authToken header, not cookies).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../log.js';

export type OriginParse = { ok: true; origin: string } | { ok: false; error: string };

/** `scheme://host[:port]`, optionally with the one trailing slash an address bar shows. */
const ORIGIN_TEXT = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@\s]+\/?$/;

/**
 * An origin for the allowlist, in the form a browser sends it (lower-case host, default port dropped), or why
 * not. Only http and https: browser pages that can reach the simulator have one of those.
 */
export function parseOrigin(text: string): OriginParse {
  const example = 'an origin such as https://demo.example or http://localhost:3000 (scheme://host[:port])';
  if (text.includes('*')) return { ok: false, error: `"${text}" has a wildcard; name each origin, ${example}` };
  if (!ORIGIN_TEXT.test(text)) return { ok: false, error: `"${text}" is not ${example}: no path, query or user` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: `"${text}" is not ${example}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, error: `"${text}" must start with http:// or https://` };
  return { ok: true, origin: url.origin };
}

/** Every origin parsed, or the first error. */
export function parseOrigins(texts: readonly string[]): { ok: true; origins: string[] } | { ok: false; error: string } {
  const origins: string[] = [];
  for (const text of texts) {
    const parsed = parseOrigin(text);
    if (!parsed.ok) return parsed;
    if (!origins.includes(parsed.origin)) origins.push(parsed.origin);
  }
  return { ok: true, origins };
}

/** A Host header's host part: a name or IPv4 address, or an IPv6 address in brackets; then an optional port. */
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/;

/** The canonical host name of a Host header value (`[::1]`, `127.0.0.1`, `localhost`), undefined when malformed. */
function hostnameOf(value: string): string | undefined {
  if (!HOST_HEADER.test(value)) return undefined;
  try {
    return new URL(`http://${value}`).hostname;
  } catch {
    return undefined;
  }
}

/** An address or name as it shows in a Host header (IPv6 in brackets), canonical. */
function asHostname(address: string): string | undefined {
  return hostnameOf(isIP(address) === 6 ? `[${address}]` : address);
}

const ALL_INTERFACES = new Set(['0.0.0.0', '::', '']);

/** Methods of the REST table (HEAD as GET) and of XML-RPC (POST). */
const CORS_METHODS = 'GET, HEAD, POST, PUT, DELETE';
/** What the REST and XML-RPC clients send beyond the CORS-safelisted headers (Authorization: Bearer on a 10). */
const CORS_HEADERS = 'authToken, Authorization, Content-Type, X-Version, Accept, Accept-Language';
/** A created object's answer names it in Location. */
const CORS_EXPOSE = 'Location';
/** Chromium caps a cached preflight at 2 h; 10 min keeps a changed allowlist from lingering. */
const CORS_MAX_AGE = '600';

export interface Refusal {
  status: 403;
  code: 'HOST_NOT_ALLOWED' | 'ORIGIN_NOT_ALLOWED';
  message: string;
  details: Record<string, unknown>;
}

export interface BrowserGuardOptions {
  /** `--host` as given: an address, a name, or all interfaces. */
  bind: string;
  /** Already parsed (parseOrigins). */
  allowOrigins: readonly string[];
  log: Logger;
}

export class BrowserGuard {
  private readonly origins: ReadonlySet<string>;
  private readonly hosts = new Set(['localhost']);
  private readonly anyIpLiteral: boolean;

  constructor(private readonly opts: BrowserGuardOptions) {
    this.origins = new Set(opts.allowOrigins);
    // Bound to all interfaces, the bound address is none a client names: any IP literal is taken instead. An IP
    // literal cannot be rebound (the page's origin would be that very address and port, i.e. the simulator).
    this.anyIpLiteral = ALL_INTERFACES.has(opts.bind);
    if (!this.anyIpLiteral) this.addHost(opts.bind);
  }

  /** Once listening: a bound name (`localhost`, a host name) stands for the address it resolved to. */
  bound(address: string): void {
    if (!this.anyIpLiteral) this.addHost(address);
  }

  /** Why the request may not act on the simulator, or undefined when it may. */
  refusal(req: IncomingMessage): Refusal | undefined {
    const host = req.headers.host;
    let hostname: string | undefined;
    if (host !== undefined) {
      hostname = hostnameOf(host);
      if (!hostname || !this.hostAllowed(hostname))
        return {
          status: 403,
          code: 'HOST_NOT_ALLOWED',
          message: `Host "${host}" is not this simulator's: use its bound address, localhost or the name given to --host`,
          details: { host, allowed: this.allowedHosts() },
        };
    }
    const origin = req.headers.origin;
    const scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
    if (origin === undefined || this.originAllowed(origin, host, scheme)) return undefined;
    const parsed = parseOrigin(origin);
    return {
      status: 403,
      code: 'ORIGIN_NOT_ALLOWED',
      message: parsed.ok
        ? `Web pages from ${parsed.origin} may not use this simulator; start it with --allow-origin ${parsed.origin} to allow them`
        : `Web pages from origin "${origin}" may not use this simulator; only http(s) origins can be allowed (--allow-origin)`,
      details: { origin },
    };
  }

  /**
   * The HTTP check: true when the request goes on (with CORS headers for an allowlisted origin); otherwise it is
   * answered here, a 403 or a CORS preflight.
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    // Answers differ by Origin once some origin gets CORS headers: a cache must not hand one origin's to another.
    if (this.origins.size > 0) res.setHeader('Vary', 'Origin');
    const refusal = this.refusal(req);
    if (refusal) {
      this.logRefusal(req, refusal);
      const body = JSON.stringify({ code: refusal.code, message: refusal.message, details: refusal.details });
      // The body is not read: the connection closes instead of reading it.
      res.shouldKeepAlive = false;
      res
        .writeHead(refusal.status, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          Connection: 'close',
        })
        .end(body);
      req.resume();
      return false;
    }
    const origin = req.headers.origin;
    if (origin === undefined || !this.origins.has(origin)) return true;
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', CORS_METHODS);
      res.setHeader('Access-Control-Allow-Headers', CORS_HEADERS);
      res.setHeader('Access-Control-Max-Age', CORS_MAX_AGE);
      // Chromium's Private Network Access: a public page asks before it may reach a loopback address.
      if (req.headers['access-control-request-private-network'] === 'true')
        res.setHeader('Access-Control-Allow-Private-Network', 'true');
      res.writeHead(204).end();
      return false;
    }
    res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSE);
    return true;
  }

  /** The upgrade check: true when the WebSocket may open; otherwise the socket got a 403 and is closed. */
  admitUpgrade(req: IncomingMessage, socket: { end(data: string): void }): boolean {
    const refusal = this.refusal(req);
    if (!refusal) return true;
    this.logRefusal(req, refusal);
    const body = JSON.stringify({ code: refusal.code, message: refusal.message, details: refusal.details });
    socket.end(
      `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
    return false;
  }

  private addHost(address: string): void {
    const name = asHostname(address);
    if (name) this.hosts.add(name);
  }

  private hostAllowed(hostname: string): boolean {
    if (this.hosts.has(hostname)) return true;
    return this.anyIpLiteral && isIP(hostname.replace(/^\[(.*)\]$/, '$1')) !== 0;
  }

  private allowedHosts(): string[] {
    return [...this.hosts, ...(this.anyIpLiteral ? ['any IP address'] : [])];
  }

  private originAllowed(origin: string, host: string | undefined, scheme: 'http' | 'https'): boolean {
    if (this.origins.has(origin)) return true;
    if (host === undefined) return false;
    const parsed = parseOrigin(origin);
    return parsed.ok && parsed.origin === new URL(`${scheme}://${host}`).origin;
  }

  private logRefusal(req: IncomingMessage, refusal: Refusal): void {
    this.opts.log('warn', 'request from a browser page refused', {
      code: refusal.code,
      method: req.method,
      path: (req.url ?? '').split('?')[0],
      remote: req.socket.remoteAddress,
      ...refusal.details,
    });
  }
}
