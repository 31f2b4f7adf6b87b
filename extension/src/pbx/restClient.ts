import type { z } from 'zod';
import { API, type Api, type EndpointId } from '../../../shared/api.js';
import { fillPath, successSchema, type Answer, type CallArgs, type Endpoint } from '../../../shared/api/endpoint.js';
import { restLoginSecret } from '../../../shared/hashes.js';
import { describe, type Failure } from '../text/errorText.js';
import { englishOnly } from '../text/i18n.js';
import { boundedText, isRedirect, redirectTarget, ResponseTooLargeError } from './httpLimits.js';
import { createPbxFetch } from './httpsFetch.js';
import { TlsTrustError } from './tlsTrust.js';

/**
 * A larger REST answer is refused. The largest the extension loads are the user, group and phone lists of a big
 * PBX (a few thousand entries of well under 1 KiB each); 16 MiB leaves room for that and bounds what a wrong or
 * hostile server can make the extension host buffer.
 */
export const REST_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * No redirect is followed: nearly every request carries the authToken header or the login secret, and fetch
 * would resend them (a 307 even re-posts the login body) to wherever the Location points. A PBX's REST API does
 * not redirect; one that does is behind a proxy or moved (http → https, another host), and the user fixes that
 * once in the connection's URL, which the error names.
 */
export function redirectError(method: string, path: string, from: string, res: Response): PbxError {
  return new PbxError(
    `${method} ${path}: ${from} redirects (HTTP ${res.status}) to ${redirectTarget(from, res.headers.get('location'))}; set the connection's URL to where the PBX really is`,
    res.status,
    'REDIRECT',
  );
}

export function tooLargeError(method: string, path: string, err: ResponseTooLargeError, status: number): PbxError {
  return new PbxError(`${method} ${path}: ${err.message}`, status, 'TOO_LARGE');
}

/**
 * A refusal or failure, in words a person can act on; `code` is the PBX's when it sent one. When the extension
 * words it itself, `failure` lets the UI say it in the user's language; the PBX's own messages come as sent.
 */
export class PbxError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string,
    readonly details?: unknown,
    readonly failure?: Failure,
  ) {
    super(message);
  }

  static of(failure: Failure, status: number | undefined, code: string, details?: unknown): PbxError {
    return new PbxError(describe(failure, englishOnly), status, code, details, failure);
  }

  get isAuth(): boolean {
    return this.status === 401;
  }
  /** The PBX refused the login or password at sign-in (not a later 401 of an expired token). */
  get isWrongCredentials(): boolean {
    return this.failure?.code === 'LOGIN_FAILED';
  }
  /** The PBX refused the OAuth client secret (Keycloak's invalid_client). */
  get isWrongClientSecret(): boolean {
    return this.failure?.code === 'OAUTH_WRONG_SECRET' || this.failure?.code === 'OAUTH_SECRET_MISSING';
  }
  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/**
 * OAuth's sign-in (STARFACE 10): an access token for each request (`Authorization: Bearer`), renewed when the PBX
 * refuses it. pbx/oauthSession.ts implements it.
 */
export interface BearerAuth {
  accessToken(): Promise<string>;
  renew(): Promise<void>;
  signOut(): void;
}

export interface RestClientOptions {
  timeoutMs?: number;
  /**
   * The connection's one transport (httpsFetch.ts `createPbxFetch(trust)`: its CA, pin and prompt). Everything
   * else that talks to this PBX (OAuth, XML-RPC UCI, the UCI WebSocket's agent, the Teams sign-in rehearsal)
   * takes it from `transport`. Default: Node's CAs, no pin, nobody to ask.
   */
  fetch?: typeof fetch;
}

/**
 * The STARFACE REST client: the real login handshake, the `authToken` header, zod-checked answers. It knows no
 * vscode and keeps no password: the caller passes it to `login` and forgets it.
 */
export class PbxRestClient {
  private token: string | undefined;
  private bearer: BearerAuth | undefined;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(
    readonly baseUrl: string,
    opts: RestClientOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.fetchImpl = opts.fetch ?? createPbxFetch();
  }

  /**
   * The fetch this connection's requests go through (certificate trust and pinning live in it): OAuth's token
   * requests, the XML-RPC UCI, the UCI WebSocket (its agent) and the rehearsal use it too, never a fetch of their own.
   */
  get transport(): typeof fetch {
    return this.fetchImpl;
  }

  /** The session's authToken, for the UCI connector's `?authToken=` sign-in; undefined when signed out. */
  get authToken(): string | undefined {
    return this.token;
  }

  get signedIn(): boolean {
    return this.token !== undefined || this.bearer !== undefined;
  }

  /** The OAuth sign-in, when the session signed in with it (then there is no authToken). */
  get oauth(): BearerAuth | undefined {
    return this.bearer;
  }

  /** Signs in with OAuth's Bearer tokens instead of the login handshake (the caller has made the grant). */
  useBearer(auth: BearerAuth): void {
    this.token = undefined;
    this.bearer = auth;
  }

  async login(login: string, password: string): Promise<void> {
    const challenge = await this.call('getLogin');
    const secret = restLoginSecret(login, challenge.nonce, password);
    try {
      const reply = await this.call('login', {
        body: { loginType: challenge.loginType, nonce: challenge.nonce, secret },
      });
      this.token = reply.token;
      // Signed in the handshake's way now: an earlier OAuth sign-in must not sign the requests any more.
      this.bearer?.signOut();
      this.bearer = undefined;
    } catch (err) {
      // STARFACE answers a wrong login or password with 400; some PBXs (and proxies in front of them) with 401.
      if (err instanceof PbxError && (err.status === 400 || err.status === 401)) {
        throw PbxError.of({ code: 'LOGIN_FAILED', login }, err.status, err.code, err.details);
      }
      throw err;
    }
  }

  async logout(): Promise<void> {
    const bearer = this.bearer;
    if (bearer) {
      // DELETE /rest/login with the Bearer token ends the OAuth session on the PBX (both tokens stop working).
      try {
        await this.call('logout');
      } finally {
        bearer.signOut();
        this.bearer = undefined;
      }
      return;
    }
    if (!this.token) return;
    try {
      await this.call('logout');
    } finally {
      this.token = undefined;
    }
  }

  /**
   * Calls an entry of the REST table by id: its method and path, the authToken unless it is public, and its
   * 2xx answer checked with the entry's schema (a bodiless answer is not checked).
   */
  call<K extends EndpointId>(id: K, ...[input]: CallArgs<Api[K]>): Promise<Answer<Api[K]>> {
    const e: Endpoint = API[id];
    const parts = (input ?? {}) as {
      params?: Record<string, unknown>;
      query?: Record<string, unknown>;
      body?: unknown;
    };
    const schema = successSchema(e) ?? undefined;
    return this.request(e.method.toUpperCase(), fillPath(e, parts.params, parts.query), {
      body: parts.body,
      schema,
      auth: e.access !== 'public',
    }) as Promise<Answer<Api[K]>>;
  }

  get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    return this.request('GET', path, { schema });
  }

  send<S extends z.ZodType>(
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    schema?: S,
  ): Promise<z.output<S>> {
    return this.request(method, path, { body, schema });
  }

  async request<S extends z.ZodType>(
    method: string,
    path: string,
    opts: { body?: unknown; schema?: S; auth?: boolean; retried?: boolean } = {},
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Version': '2',
      Accept: 'application/json',
    };
    const bearer = opts.auth !== false ? this.bearer : undefined;
    if (bearer) headers.Authorization = `Bearer ${await bearer.accessToken()}`;
    else if (opts.auth !== false) {
      if (!this.token) throw PbxError.of({ code: 'NOT_SIGNED_IN' }, 401, 'NOT_SIGNED_IN');
      headers.authToken = this.token;
    }
    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
    } catch (err) {
      throw PbxError.of(networkFailure(this.baseUrl, err), undefined, 'UNREACHABLE');
    }
    if (isRedirect(res)) throw redirectError(method, path, this.baseUrl + path, res);
    if (res.status === 401 && bearer && !opts.retried) {
      // Expired early or ended by the PBX (restart, password change): a fresh token, and the request once more.
      await res.body?.cancel().catch(() => {});
      await bearer.renew();
      return this.request(method, path, { ...opts, retried: true });
    }
    let text: string;
    try {
      text = await boundedText(res, REST_MAX_RESPONSE_BYTES);
    } catch (err) {
      if (err instanceof ResponseTooLargeError) throw tooLargeError(method, path, err, res.status);
      // The headers came but the body stalled or broke off: the timeout still applies to it.
      throw PbxError.of(networkFailure(this.baseUrl, err), undefined, 'UNREACHABLE');
    }
    let json: unknown;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        if (!res.ok)
          throw PbxError.of({ code: 'HTTP', method, path, status: res.status }, res.status, `HTTP_${res.status}`);
        throw PbxError.of({ code: 'NOT_JSON', method, path, base: this.baseUrl }, res.status, 'NOT_JSON');
      }
    }
    if (!res.ok) {
      const body = json as { code?: unknown; message?: unknown; details?: unknown } | undefined;
      if (res.status === 401) this.token = undefined;
      const code = typeof body?.code === 'string' ? body.code : `HTTP_${res.status}`;
      if (typeof body?.message === 'string') throw new PbxError(body.message, res.status, code, body?.details);
      throw PbxError.of({ code: 'HTTP', method, path, status: res.status }, res.status, code, body?.details);
    }
    if (!opts.schema) return json as z.output<S>;
    const parsed = opts.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw PbxError.of(
        { code: 'UNEXPECTED_SHAPE', method, path, at: issue.path.join('.'), issue: issue.message },
        res.status,
        'UNEXPECTED_SHAPE',
      );
    }
    return parsed.data;
  }
}

export function networkFailure(base: string, err: unknown): Failure {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'TimeoutError') return { code: 'TIMEOUT', base };
  const trust = e.cause instanceof TlsTrustError ? e.cause : err instanceof TlsTrustError ? err : undefined;
  if (trust) return certificateFailure(base, trust);
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return { code: 'REFUSED', base };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { code: 'DNS', base };
  if (code && /CERT|SSL|TLS/.test(code)) return { code: 'TLS', base, detail: code };
  return { code: 'UNREACHABLE', base, detail: e.cause?.message ?? e.message ?? String(err) };
}

/** A refused certificate as a Failure: what was presented, and for a changed one what was pinned. */
export function certificateFailure(base: string, err: TlsTrustError): Failure {
  const v = err.verdict;
  if (v.verdict === 'changed')
    return { code: 'CERT_CHANGED', base, name: err.connection, pinned: v.pinned, presented: v.cert.fingerprint };
  return {
    code: 'CERT_UNTRUSTED',
    base,
    name: err.connection,
    fingerprint: v.cert.fingerprint,
    reason: v.cert.reason ?? '',
  };
}
