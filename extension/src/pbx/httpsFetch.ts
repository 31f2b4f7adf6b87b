import https from 'node:https';
import type { RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import tls, { type TLSSocket } from 'node:tls';
import {
  DEFAULT_TRUST,
  TlsTrustError,
  decideForSocket,
  secureContextFor,
  type ConnectionTrust,
  type TrustVerdict,
} from './tlsTrust.js';

/**
 * A fetch for one PBX connection: `https:` goes over node:https with that connection's trust (tlsTrust.ts), every
 * other scheme to the global fetch unchanged. REST, OAuth, the XML-RPC UCI and the Teams sign-in rehearsal all take
 * it from the REST client (`PbxRestClient.transport`); the UCI WebSocket takes its agent (`pbxAgent`).
 *
 * Why not the global fetch for https: undici takes no per-request `checkServerIdentity` or pin, and the only
 * alternative, a dispatcher, is not public API in VS Code's Node. The price: VS Code's proxy support (http.proxy)
 * does not apply to https PBX connections (a PBX is normally reached directly, on the LAN or by VPN).
 *
 * Never followed: redirects (the answer is the 3xx itself, as with `redirect: 'manual'`); body limits stay the
 * caller's (httpLimits.ts), which reads this Response's body like any other.
 */
export type PbxFetch = typeof fetch & {
  /** The node:https agent carrying this connection's trust, for clients that are not fetch (ws). */
  readonly agent: https.Agent;
  readonly trust: ConnectionTrust;
};

/** Null-body statuses: a Response with a body for them throws. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * Hands the request a TLS socket only after its certificate is trusted (tlsTrust.ts): nothing is written to a
 * socket before the decision. `rejectUnauthorized: false` only defers OpenSSL's verdict to `decideForSocket`,
 * which accepts a chain that verified (plus the host name) or the exact pinned certificate, nothing weaker.
 */
class TrustingAgent extends https.Agent {
  /** Origins whose certificate was decided on in this session (asked about at most once at a time). */
  readonly decided = new Set<string>();

  constructor(readonly trust: ConnectionTrust) {
    super({ keepAlive: true, maxSockets: 64 });
  }

  override createConnection(
    options: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | undefined {
    const host = String(options.host ?? options.hostname ?? 'localhost');
    const port = Number(options.port ?? 443);
    void openTrusted(this.trust, host, port).then(
      ({ socket, verdict }) => {
        if (verdict.verdict === 'trusted') return callback?.(null, socket);
        socket.destroy();
        this.decided.delete(originKey(host, port));
        if (verdict.verdict === 'changed') warnOnce(this.trust, verdict);
        callback?.(new TlsTrustError(this.trust.connection, verdict), undefined as unknown as Duplex);
      },
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

/** One name per origin whether it came from a URL (`[::1]`) or from node's request options (`::1`). */
function originKey(host: string, port: number): string {
  return `${host.replace(/^\[|\]$/g, '')}:${port}`;
}

/** Opens a TLS socket to host:port and decides on its certificate; the socket is the caller's to use or close. */
export function openTrusted(
  trust: ConnectionTrust,
  host: string,
  port: number,
  timeoutMs = 10_000,
): Promise<{ socket: TLSSocket; verdict: TrustVerdict }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      // SNI carries names only; an address would only earn a warning.
      ...(isIP(host) ? {} : { servername: host }),
      secureContext: secureContextFor(trust.extraCa?.() ?? []),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve({ socket, verdict: decideForSocket(socket, host.replace(/^\[|\]$/g, ''), trust.pins?.get()) });
    });
  });
}

const warned = new WeakMap<ConnectionTrust, Set<string>>();

/** One CHANGED warning per presented certificate and connection, not one per request of a burst. */
function warnOnce(trust: ConnectionTrust, verdict: Extract<TrustVerdict, { verdict: 'changed' }>): void {
  let seen = warned.get(trust);
  if (!seen) warned.set(trust, (seen = new Set()));
  const key = `${verdict.pinned}>${verdict.cert.fingerprint}`;
  if (seen.has(key)) return;
  seen.add(key);
  trust.prompt?.warnChanged(trust.connection, verdict.cert, verdict.pinned);
}

/**
 * Before the first request to an origin: decide on its certificate on a socket of its own, asking the user when it
 * is unknown. Outside the request's timeout on purpose: a person reads the prompt. Concurrent requests share it.
 */
function ensureDecided(agent: TrustingAgent, pending: Map<string, Promise<void>>, url: URL): Promise<void> {
  const origin = originKey(url.hostname, Number(url.port || 443));
  if (agent.decided.has(origin)) return Promise.resolve();
  let p = pending.get(origin);
  if (!p) {
    p = decide(agent, url).finally(() => pending.delete(origin));
    pending.set(origin, p);
  }
  return p;
}

async function decide(agent: TrustingAgent, url: URL): Promise<void> {
  const trust = agent.trust;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const { socket, verdict } = await openTrusted(trust, host, port);
  socket.destroy();
  if (verdict.verdict === 'trusted') {
    agent.decided.add(originKey(host, port));
    return;
  }
  if (verdict.verdict === 'changed') {
    warnOnce(trust, verdict);
    throw new TlsTrustError(trust.connection, verdict);
  }
  if (!trust.prompt || !trust.pins || !(await trust.prompt.askTrust(trust.connection, verdict.cert)))
    throw new TlsTrustError(trust.connection, verdict);
  await trust.pins.set(verdict.cert.fingerprint);
  agent.decided.add(originKey(host, port));
}

/** undici's shape of a failed fetch: a TypeError whose cause is the real error (restClient reads cause.code). */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function bodyOf(body: RequestInit['body'], headers: Headers): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    return body.toString();
  }
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('this transport sends string, URLSearchParams or byte bodies only');
}

function headerObject(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name] = value));
  return out;
}

/** The fetch of one connection (see PbxFetch). */
export function createPbxFetch(trust: ConnectionTrust = DEFAULT_TRUST): PbxFetch {
  const agent = new TrustingAgent(trust);
  const pending = new Map<string, Promise<void>>();
  const pbxFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.protocol !== 'https:') return fetch(input, init);
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    try {
      await ensureDecided(agent, pending, url);
    } catch (err) {
      throw fetchFailed(err);
    }
    signal?.throwIfAborted();
    const headers = new Headers(init.headers);
    const body = bodyOf(init.body, headers);
    const method = (init.method ?? 'GET').toUpperCase();
    const send = (retry: boolean) =>
      new Promise<Response>((resolve, reject) => {
        const req = https.request(url, { method, headers: headerObject(headers), agent });
        let res: import('node:http').IncomingMessage | undefined;
        const onAbort = () => {
          const reason: unknown = signal?.reason;
          res?.destroy(reason as Error);
          req.destroy(reason as Error);
          reject(reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        req.on('error', (err: NodeJS.ErrnoException) => {
          signal?.removeEventListener('abort', onAbort);
          if (signal?.aborted) return reject(signal.reason);
          // A kept-alive socket the server closed meanwhile (idle timeout, restart): the request never reached it,
          // so it is sent once more on a new socket (Node's documented remedy; undici does the same).
          if (retry && !res && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE'))
            return resolve(send(false));
          reject(fetchFailed(err));
        });
        req.once('response', (answer) => {
          res = answer;
          answer.once('close', () => signal?.removeEventListener('abort', onAbort));
          const status = answer.statusCode ?? 0;
          const out = new Headers();
          for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2)
            out.append(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
          const nullBody = method === 'HEAD' || NULL_BODY.has(status);
          if (nullBody) answer.resume();
          try {
            resolve(
              new Response(nullBody ? null : (Readable.toWeb(answer) as ReadableStream<Uint8Array>), {
                status,
                statusText: answer.statusMessage ?? '',
                headers: out,
              }),
            );
          } catch (err) {
            answer.destroy();
            reject(fetchFailed(err));
          }
        });
        req.end(body);
      });
    return send(true);
  };
  return Object.assign(pbxFetch as typeof fetch, { agent, trust });
}

/** The https agent of a PbxFetch (for ws and other node clients), or undefined for the global fetch or http. */
export function pbxAgent(transport: typeof fetch, url: string | URL): https.Agent | undefined {
  const protocol = new URL(url).protocol;
  if (protocol !== 'https:' && protocol !== 'wss:') return undefined;
  return (transport as Partial<PbxFetch>).agent;
}
