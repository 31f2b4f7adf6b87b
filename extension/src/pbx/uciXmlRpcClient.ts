/**
 * The UCI requests over XML-RPC (`POST <pbx>/xml-rpc?de.vertico.starface.auth=…&de.vertico.starface.callback.…`),
 * as a real STARFACE takes them. The codec is @foxglove/xmlrpc's; the transport is fetch with a timeout, so an
 * unreachable PBX fails in bounded time. The UCI token travels in the query of every request and is never put
 * into an error message or a log line.
 */
import { Deserializer, serializeMethodCall, XmlRpcFault, type XmlRpcValue } from '@foxglove/xmlrpc';
import { UCI_METHODS } from '../../../shared/schemas/uci.js';
import { boundedText, isRedirect, redirectTarget, ResponseTooLargeError } from './httpLimits.js';
import { createPbxFetch } from './httpsFetch.js';
import { TlsTrustError } from './tlsTrust.js';
import { UCI_XMLRPC_FAULTS, UCI_XMLRPC_PARAMS, UCI_XMLRPC_PATH } from '../../../shared/schemas/uciXmlRpc.js';
import { besideRest } from '../../../shared/schemas/connection.js';

/** Where the PBX pushes events: the callback server's advertised address and secret path. */
export interface UciCallbackTarget {
  host: string;
  port: number;
  path: string;
}

/**
 * How the requests sign in: the UCI token (`de.vertico.starface.auth`), or on a STARFACE 10 signed in with OAuth
 * its access token (`de.vertico.starface.jwt`), fresh in each request's URL: the PBX checks it on every request
 * and keeps the session (keyed by login and callback) under a renewed one.
 */
export type UciCredential = string | UciJwtCredential;

export interface UciJwtCredential {
  login: string;
  accessToken(): Promise<string>;
  /** The PBX refused the token: get a new one now. */
  renew(): Promise<void>;
}

export type UciXmlRpcErrorKind = 'fault' | 'http' | 'network' | 'timeout' | 'malformed';

/** A failed request: a fault from the PBX, an HTTP status, or no answer at all. */
export class UciXmlRpcError extends Error {
  constructor(
    message: string,
    readonly kind: UciXmlRpcErrorKind,
    readonly faultCode?: number,
    readonly status?: number,
    /** The PBX's faultString as it sent it (the message adds the method and the code). */
    readonly faultString?: string,
  ) {
    super(message);
  }

  /** The PBX no longer knows the session (timed out, dropped, restarted): log in again. */
  get sessionLost(): boolean {
    return this.kind === 'fault' && this.faultCode === UCI_XMLRPC_FAULTS.notLoggedIn;
  }

  /** The PBX refused the credentials (or the account is locked for a while). */
  get authRefused(): boolean {
    return (
      (this.kind === 'fault' &&
        (this.faultCode === UCI_XMLRPC_FAULTS.authFailed || this.faultCode === UCI_XMLRPC_FAULTS.rateLimited)) ||
      this.status === 401 ||
      this.status === 403
    );
  }

  /** Nothing or no XML-RPC answered: the PBX (or its /xml-rpc) is not reachable. */
  get unreachable(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || (this.kind === 'http' && this.status === 404);
  }
}

/** `https://pbx/rest` (restBaseUrl) → `https://pbx/xml-rpc`. */
export function uciXmlRpcUrl(restBase: string): string {
  return besideRest(restBase, UCI_XMLRPC_PATH);
}

/** A larger answer is refused: UCI answers are a few KiB; this bounds what a wrong or hostile server can make us buffer. */
export const UCI_XMLRPC_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface UciXmlRpcClientOptions {
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class UciXmlRpcClient {
  /** Sent with every request once set: the PBX keys the session's event delivery on it. */
  callback: UciCallbackTarget | undefined;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  /**
   * @param endpoint `https://pbx/xml-rpc` (uciXmlRpcUrl)
   * @param token the UCI token `login:sha512hex(login + "*" + sha512hex(password))` (shared/hashes.ts uciToken),
   *   or the OAuth session's access tokens
   */
  constructor(
    readonly endpoint: string,
    private readonly token: UciCredential,
    opts: UciXmlRpcClientOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    // The session passes its REST client's transport (its certificate trust); alone: Node's CAs only.
    this.fetchImpl = opts.fetch ?? createPbxFetch();
  }

  /** The login part of the token (never the hash). */
  get user(): string {
    if (typeof this.token !== 'string') return this.token.login;
    return this.token.slice(0, Math.max(0, this.token.indexOf(':')));
  }

  private async url(): Promise<string> {
    const url = new URL(this.endpoint);
    if (typeof this.token === 'string') url.searchParams.set(UCI_XMLRPC_PARAMS.auth, this.token);
    else url.searchParams.set(UCI_XMLRPC_PARAMS.jwt, await this.token.accessToken());
    if (this.callback) {
      url.searchParams.set(UCI_XMLRPC_PARAMS.callbackType, 'http');
      url.searchParams.set(UCI_XMLRPC_PARAMS.callbackHost, this.callback.host);
      url.searchParams.set(UCI_XMLRPC_PARAMS.callbackPort, String(this.callback.port));
      url.searchParams.set(UCI_XMLRPC_PARAMS.callbackPath, this.callback.path);
    }
    return url.toString();
  }

  async call(method: string, params: XmlRpcValue[] = []): Promise<XmlRpcValue> {
    try {
      return await this.callOnce(method, params);
    } catch (err) {
      // The PBX refused an access token our clock still thought good (ended early, clocks apart): renew, once.
      if (
        typeof this.token === 'string' ||
        !(err instanceof UciXmlRpcError && err.faultCode === UCI_XMLRPC_FAULTS.authFailed)
      )
        throw err;
      await this.renewJwt(method, this.token);
      return this.callOnce(method, params);
    }
  }

  private async renewJwt(method: string, jwt: UciJwtCredential): Promise<void> {
    try {
      await jwt.renew();
    } catch (err) {
      throw jwtError(method, err);
    }
  }

  private async callOnce(method: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
    let url: string;
    try {
      url = await this.url();
    } catch (err) {
      throw jwtError(method, err);
    }
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml', Accept: 'text/xml' },
        body: serializeMethodCall(method, params),
        signal: AbortSignal.timeout(this.timeoutMs),
        // A redirect would resend the token in the query to wherever it points.
        redirect: 'manual',
      });
    } catch (err) {
      throw networkError(this.endpoint, method, err);
    }
    if (isRedirect(res)) {
      throw new UciXmlRpcError(
        `${method}: ${this.endpoint} redirects (HTTP ${res.status}) to ${redirectTarget(this.endpoint, res.headers.get('location'))}; set the connection's URL to where the PBX really is`,
        'http',
        undefined,
        res.status,
      );
    }
    let text: string;
    try {
      text = await boundedText(res, UCI_XMLRPC_MAX_RESPONSE_BYTES);
    } catch (err) {
      if (err instanceof ResponseTooLargeError)
        throw new UciXmlRpcError(`${method}: ${err.message}`, 'malformed', undefined, res.status);
      throw networkError(this.endpoint, method, err);
    }
    let value: XmlRpcValue;
    try {
      value = await new Deserializer().deserializeMethodResponse(text);
    } catch (err) {
      if (err instanceof XmlRpcFault) {
        const faultString = err.faultString ?? err.message;
        throw new UciXmlRpcError(
          `${method}: ${faultString} (fault ${err.faultCode ?? '?'})`,
          'fault',
          err.faultCode,
          res.status,
          faultString,
        );
      }
      if (!res.ok)
        throw new UciXmlRpcError(`${method}: HTTP ${res.status} from ${this.endpoint}`, 'http', undefined, res.status);
      throw new UciXmlRpcError(
        `${method}: ${this.endpoint} did not answer XML-RPC (${(err as Error).message})`,
        'malformed',
        undefined,
        res.status,
      );
    }
    if (!res.ok)
      throw new UciXmlRpcError(`${method}: HTTP ${res.status} from ${this.endpoint}`, 'http', undefined, res.status);
    return value;
  }

  /** Signs in (the token is in the query); a real PBX answers true. */
  async login(): Promise<void> {
    const ok = await this.call(UCI_METHODS.login);
    if (ok === false) throw new UciXmlRpcError(`${UCI_METHODS.login}: refused`, 'fault', UCI_XMLRPC_FAULTS.authFailed);
  }

  async logout(): Promise<void> {
    await this.call(UCI_METHODS.logout);
  }

  /**
   * "Am I still signed in?": a real PBX (and the simulator) answers false once the session is gone (logged out,
   * timed out, restarted, never logged in); an older simulator faulted "not logged in" instead. Both are false.
   */
  async keepAlive(): Promise<boolean> {
    try {
      return (await this.call(UCI_METHODS.keepAlive)) !== false;
    } catch (err) {
      if (err instanceof UciXmlRpcError && err.sessionLost) return false;
      throw err;
    }
  }

  /**
   * One service per call with a single string param, as the real PBX takes it
   * (`subscribeEvents("ucp.v22.events.call")`); `sinceSeq` (a simulator extra) replays what the session missed.
   */
  async subscribe(service: string, sinceSeq?: number): Promise<void> {
    const params: XmlRpcValue[] = [service];
    if (sinceSeq !== undefined) params.push(sinceSeq);
    const ok = await this.call(UCI_METHODS.subscribeEvents, params);
    if (ok === false) throw new UciXmlRpcError(`${UCI_METHODS.subscribeEvents}: refused`, 'fault');
  }

  getUserState(): Promise<XmlRpcValue> {
    return this.call(UCI_METHODS.getUserState);
  }

  /**
   * Sets the chat presence message. A real PBX answers a boolean (the simulator `true` since it answers as one;
   * before, the user-state struct): `false` means not set, which is refused here as a fault without a code.
   */
  async setChatPresenceMessage(message: string): Promise<void> {
    const ok = await this.call(UCI_METHODS.setChatPresenceMessage, [message]);
    if (ok === false)
      throw new UciXmlRpcError(`${UCI_METHODS.setChatPresenceMessage}: the PBX answered false (not set)`, 'fault');
  }
}

/**
 * No access token to be had: the token endpoint refused (a status: the sign-in is gone, as a 401 here) or did not
 * answer (a network failure, retried). Its message names no token or secret.
 */
function jwtError(method: string, err: unknown): UciXmlRpcError {
  const e = err as { status?: number; message?: string };
  const message = `${method}: no OAuth access token (${e.message ?? String(err)})`;
  return typeof e.status === 'number'
    ? new UciXmlRpcError(message, 'http', undefined, 401)
    : new UciXmlRpcError(message, 'network');
}

function networkError(endpoint: string, method: string, err: unknown): UciXmlRpcError {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'TimeoutError') return new UciXmlRpcError(`${method}: ${endpoint} did not answer in time`, 'timeout');
  // A refused certificate says which one and why (the pinned and the presented fingerprint), not just a code.
  const detail =
    e.cause instanceof TlsTrustError
      ? e.cause.message
      : (e.cause?.code ?? e.cause?.message ?? e.message ?? String(err));
  return new UciXmlRpcError(`${method}: ${endpoint} is not reachable (${detail})`, 'network');
}
