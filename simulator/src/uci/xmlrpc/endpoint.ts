/**
 * The UCI over XML-RPC at `POST /xml-rpc`, as a real PBX offers it: auth and callback in the query, one
 * methodCall per request, answered with a methodResponse or a fault. The methods, subscriptions and call book
 * are the core's (core/), shared with the WebSocket transport; parsing and serialising is @foxglove/xmlrpc's, after a strict structure check
 * (strictXml.ts: no DOCTYPE, one root, one methodName, whole numbers). Credentials are checked before the body
 * is read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { XmlRpcFault, XmlRpcValue } from '@foxglove/xmlrpc';
import { UCI_METHODS, UCI_PARAMS, UCI_POSITIONAL, type UciMethodKey } from '../../../../shared/schemas/uci.js';
import {
  UCI_XMLRPC_ANSWERS_TRUE,
  UCI_XMLRPC_CALLBACK_QUERY,
  UCI_XMLRPC_CALLBACK_TYPES,
  UCI_XMLRPC_DELIVERY,
  UCI_XMLRPC_FAULTS,
  UCI_XMLRPC_MAX_BODY,
  UCI_XMLRPC_PARAMS,
  UCI_XMLRPC_PATH,
  type UciXmlRpcCallbackType,
  type UciXmlRpcDeliveryOptions,
} from '../../../../shared/schemas/uciXmlRpc.js';
import type { Logger } from '../../log.js';
import type { StoredUser } from '../../state/model.js';
import type { UciCore } from '../core/core.js';
import { AnswerThen } from '../core/dispatch.js';
import { normaliseParams, resolveMethod, RpcError } from '../core/methods.js';
import type { CallbackTarget } from './callbackQueue.js';
import { loadXmlRpc, specDates, xmlRpc } from './lib.js';
import { XmlRpcSessions, xmlRpcSafe } from './sessions.js';
import { checkStrictXmlRpc } from './strictXml.js';

export interface XmlRpcEndpointOptions {
  core: UciCore;
  log: Logger;
  keepAliveMs: number;
  delivery?: Partial<UciXmlRpcDeliveryOptions>;
  maxSessionsPerLogin?: number;
  /** Callback hosts other than the requester's own address are allowed (the simulator is loopback-bound, or allowed so). */
  anyCallbackHost?: boolean;
}

const F = UCI_XMLRPC_FAULTS;
const P = UCI_XMLRPC_PARAMS;
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * XML-RPC says text/xml, and every client we know sends it (Apache XML-RPC, Python's xmlrpc.client, PHP);
 * application/xml is the same media type by RFC 7303 and is taken too. Parameters (charset) may follow.
 */
const XML_TYPES = ['text/xml', 'application/xml'];

function isXmlType(header: string | undefined): boolean {
  return header !== undefined && XML_TYPES.includes(header.split(';')[0]!.trim().toLowerCase());
}

export class XmlRpcEndpoint {
  readonly sessions: XmlRpcSessions;
  private readonly core: UciCore;

  constructor(private readonly opts: XmlRpcEndpointOptions) {
    this.core = opts.core;
    this.sessions = new XmlRpcSessions({
      bus: opts.core.bus,
      subscriptions: opts.core.subscriptions,
      log: opts.log,
      keepAliveMs: opts.keepAliveMs,
      delivery: { ...UCI_XMLRPC_DELIVERY, ...opts.delivery },
      maxSessionsPerLogin: opts.maxSessionsPerLogin,
    });
  }

  /** Ends every session (v20 clients that asked for it get `ucp.v20.client.connection.reset` first). */
  stop(): Promise<void> {
    return this.sessions.stop();
  }

  /** Answers whether the request was for this endpoint (and then handles it). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== UCI_XMLRPC_PATH) return false;
    // No browser may guess another type for a fault or a response (a reflected string must stay text).
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.method !== 'POST') {
      res
        .writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain' })
        .end(`${UCI_XMLRPC_PATH} takes POST with an XML-RPC methodCall\n`);
      return true;
    }
    const type = req.headers['content-type'];
    if (!isXmlType(type)) {
      // Before the credentials: a browser's form or text/plain POST (no preflight) must not even count as a
      // failed sign-in. The body is not read; the connection closes instead.
      res.shouldKeepAlive = false;
      res
        .writeHead(415, { 'Content-Type': 'text/plain', 'Accept-Post': XML_TYPES.join(', '), Connection: 'close' })
        .end(
          `${UCI_XMLRPC_PATH} takes an XML-RPC methodCall with Content-Type: text/xml, not ${type ? type : 'a body without Content-Type'}\n`,
        );
      req.resume();
      return true;
    }
    loadXmlRpc().then(
      () => this.handlePost(req, res, url),
      (err: unknown) => {
        this.opts.log('error', 'the XML-RPC library could not be loaded', { error: (err as Error).message });
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('the XML-RPC library could not be loaded\n');
      },
    );
    return true;
  }

  private handlePost(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const { serializeFault, serializeMethodResponse } = xmlRpc();
    const remote = req.socket.remoteAddress ?? 'unknown';
    // Credentials (and the sign-in throttle) first: an unauthenticated body is not read into memory.
    let user: StoredUser;
    try {
      user = this.authenticate(url.searchParams, remote);
    } catch (err) {
      res.shouldKeepAlive = false;
      res.setHeader('Connection', 'close');
      send(res, serializeFault(this.toFault(err)));
      req.resume();
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > UCI_XMLRPC_MAX_BODY) {
      tooLarge(res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      if (res.headersSent) return;
      size += c.length;
      if (size > UCI_XMLRPC_MAX_BODY) tooLarge(res);
      else chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      this.answer(Buffer.concat(chunks).toString('utf8'), url.searchParams, user, remote).then(
        (value) => send(res, specDates(serializeMethodResponse(xmlRpcSafe(value) as XmlRpcValue))),
        (err: unknown) => send(res, serializeFault(this.toFault(err))),
      );
    });
    req.on('error', () => undefined);
  }

  private async answer(body: string, query: URLSearchParams, user: StoredUser, remote: string): Promise<XmlRpcValue> {
    let method: string;
    let args: XmlRpcValue[];
    checkStrictXmlRpc(body);
    try {
      [method, args] = await new (xmlRpc().Deserializer)().deserializeMethodCall(body);
    } catch (err) {
      const message = (err as Error).message;
      if (/not a method call|did not contain a method name/i.test(message)) {
        throw new RpcError(F.notMethodCall, `not an XML-RPC methodCall: ${message}`);
      }
      throw new RpcError(F.malformed, `malformed XML-RPC request: ${message}`);
    }
    const { key, v20Style } = resolveMethod(method);
    const named = xmlRpcParams(key, args);
    const callback = parseCallback(query);
    if (callback && !this.opts.anyCallbackHost && !callbackAllowed(callback.host, remote)) {
      throw new RpcError(
        F.badCallback,
        `bad callback: ${P.callbackHost} must be your own address (${remote}), or a loopback address or localhost when you call from loopback`,
      );
    }
    const sessionKey = `${user.login}\n${callback ? `${callback.type} ${callback.host} ${callback.port} ${callback.path}` : ''}`;
    if (key === 'login') {
      const s = this.sessions.open(sessionKey, callback && { ...callback, query: callbackQuery(user, query) }, remote);
      s.session.signIn(user);
      s.touch();
      return true;
    }
    const s = this.sessions.get(sessionKey);
    // keepAlive (v20 probe) is how public clients ask "am I still signed in?": false, not a fault (IAH's test).
    if (!s && key === 'keepAlive') return false;
    // MXH asks for the version before it logs in; the credentials were checked all the same.
    if (!s && key === 'getServerVersion') return this.core.holder.state.server.version;
    if (!s) {
      throw new RpcError(
        F.notLoggedIn,
        `not logged in: call ${UCI_METHODS.login} first with the same auth and callback parameters (sessions end on logout, without keepAlive for ${this.opts.keepAliveMs} ms, or when the callback stays unreachable)`,
      );
    }
    s.touch();
    let result = this.core.run(s, key, named, v20Style);
    if (result instanceof Promise) result = await result;
    if (result instanceof AnswerThen) {
      // A subscription's backlog goes into the callback queue before the answer.
      result.after();
      if (s.ended) throw new RpcError(F.notLoggedIn, 'the session ended while its events were queued; log in again');
      result = result.result;
    }
    if (UCI_XMLRPC_ANSWERS_TRUE.has(key)) return true;
    if (key === 'placeCallWithPhone') return (result as { callId: string }).callId;
    return result as XmlRpcValue;
  }

  /**
   * Every request carries its credentials; failures count in the limiter shared with REST and the WebSocket UCI. On
   * a STARFACE 10 that may be an OAuth access token (`de.vertico.starface.jwt`), checked on each request: a
   * session goes on under a fresh token in the next request's URL and refuses requests with an expired one.
   */
  private authenticate(query: URLSearchParams, remote: string): StoredUser {
    const auth = query.get(P.auth);
    const login = query.get(P.user);
    const restToken = query.get(P.authToken);
    const jwt = query.get(P.jwt);
    if (auth === null && restToken === null && jwt === null)
      throw new RpcError(
        F.authFailed,
        `missing authentication: add ${P.auth}=<login>:<sha512hex(login + "*" + sha512hex(password))> (or ${P.user}=<login> and ${P.auth}=<hash>, or ${P.authToken}=<REST token>${this.core.oauthAvailable() ? `, or ${P.jwt}=<OAuth access token>` : ''}) to the query`,
      );
    let outcome;
    if (auth === null && restToken === null) {
      if (!this.core.oauthAvailable())
        throw new RpcError(
          F.unsupportedAuth,
          `${P.jwt} sign-in needs STARFACE 10 or later; this PBX reports ${this.core.holder.state.server.version}. Use ${P.auth}=<login>:<sha512hex(login + "*" + sha512hex(password))>`,
        );
      outcome = this.core.signInWithJwt(jwt!, remote)!;
    } else {
      const token =
        auth !== null ? (login !== null && !auth.startsWith(`${login}:`) ? `${login}:${auth}` : auth) : restToken!;
      outcome = this.core.signIn(token, remote);
    }
    if ('waitSeconds' in outcome)
      throw new RpcError(F.rateLimited, `too many failed sign-ins; try again in ${outcome.waitSeconds} s`);
    if ('failed' in outcome) {
      this.opts.log('info', 'uci xml-rpc authentication failed', { remote, login: outcome.login });
      throw new RpcError(
        F.authFailed,
        outcome.reason
          ? `authentication failed: ${outcome.reason}`
          : 'authentication failed: unknown login, wrong hash or expired authToken',
      );
    }
    return outcome.user;
  }

  private toFault(err: unknown): XmlRpcFault {
    const { XmlRpcFault } = xmlRpc();
    if (err instanceof RpcError) return new XmlRpcFault(err.message, err.code);
    const e = err as { status?: number; message?: string };
    if (typeof e?.status === 'number' && e.status < 500)
      return new XmlRpcFault(e.message ?? 'refused', F.invalidParams);
    this.opts.log('error', 'uci xml-rpc request failed', { error: e?.message });
    return new XmlRpcFault(`internal error: ${e?.message ?? String(err)}`, F.internalError);
  }
}

/** What the callback URL carries (uciXmlRpc.ts UCI_XMLRPC_CALLBACK_QUERY): the login, and the client's own auth. */
function callbackQuery(user: StoredUser, query: URLSearchParams): string {
  const q = new URLSearchParams({ [UCI_XMLRPC_CALLBACK_QUERY.user]: user.login });
  const auth = query.get(P.auth);
  if (auth !== null) q.set(UCI_XMLRPC_CALLBACK_QUERY.auth, auth);
  return q.toString();
}

/** Two IP addresses are the same (an IPv4-mapped IPv6 address equals its IPv4 one); a host name never is. */
/**
 * Whom the simulator may call back: the requester's own address, or — for a requester on loopback — a loopback
 * address or `localhost`. No other host name is resolved: a name could point anywhere (DNS rebinding included),
 * so only IP literals and `localhost` (which Node resolves from the hosts file to loopback) are compared.
 */
function callbackAllowed(host: string, remote: string): boolean {
  if (sameAddress(host, remote)) return true;
  return isLoopbackAddress(remote) && (host.toLowerCase() === 'localhost' || isLoopbackAddress(host));
}

function isLoopbackAddress(a: string): boolean {
  const v4 = a.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return (isIP(v4) === 4 && v4.startsWith('127.')) || (isIP(v4) === 6 && /^(0*:)*:?0*1$/.test(v4));
}

function sameAddress(host: string, remote: string): boolean {
  const norm = (a: string) => a.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return isIP(host) !== 0 && norm(host) === norm(remote);
}

function send(res: ServerResponse, xml: string, status = 200): void {
  if (res.headersSent) return;
  res
    .writeHead(status, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(xml) })
    .end(xml);
}

function tooLarge(res: ServerResponse): void {
  // Close the connection: the rest of the body is not read.
  res.setHeader('Connection', 'close');
  const { serializeFault, XmlRpcFault } = xmlRpc();
  send(res, serializeFault(new XmlRpcFault(`request body over ${UCI_XMLRPC_MAX_BODY} bytes`, F.bodyTooLarge)), 413);
}

/** The callback named in the query; undefined when none is named. */
export function parseCallback(query: URLSearchParams): CallbackTarget | undefined {
  const type = query.get(P.callbackType) ?? 'http';
  const rawHost = query.get(P.callbackHost);
  const rawPort = query.get(P.callbackPort);
  const path = query.get(P.callbackPath) ?? '/';
  if (rawHost === null && rawPort === null && !query.has(P.callbackPath)) return undefined;
  const bad = (what: string) => new RpcError(F.badCallback, `bad callback: ${what}`);
  if (!(UCI_XMLRPC_CALLBACK_TYPES as readonly string[]).includes(type))
    throw bad(`${P.callbackType} must be one of ${UCI_XMLRPC_CALLBACK_TYPES.join(', ')}`);
  if (rawHost === null || rawPort === null) throw bad(`${P.callbackHost} and ${P.callbackPort} are both needed`);
  const host = rawHost.startsWith('[') && rawHost.endsWith(']') ? rawHost.slice(1, -1) : rawHost;
  if (!isIP(host) && !HOSTNAME.test(host)) throw bad(`${P.callbackHost} must be an IP address or a host name`);
  const port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : NaN;
  if (!(port >= 1 && port <= 65535)) throw bad(`${P.callbackPort} must be a number from 1 to 65535`);
  if (!/^\/[\x21-\x7e]{0,1023}$/.test(path))
    throw bad(`${P.callbackPath} must start with / and hold no spaces or control characters`);
  return { type: type as UciXmlRpcCallbackType, host, port, path };
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  boolean: 'a boolean',
  number: 'a number',
  int: 'an int',
  array: 'an array',
  object: 'a struct',
};

/** Positional XML-RPC params → the named form of uci.ts, with faults that name the param by position. */
export function xmlRpcParams(key: UciMethodKey, args: XmlRpcValue[]): Record<string, unknown> {
  const method = UCI_METHODS[key];
  if (key === 'login') {
    if (args.length)
      throw new RpcError(
        F.invalidParams,
        `${method}: takes no params (authentication is in the ${P.auth} query parameter), got ${args.length}`,
      );
    return {};
  }
  // The real PBX's clients send "" for "none" (placeCallWithPhone(dest, "", "")).
  const positional = key === 'placeCallWithPhone' ? args.map((a, i) => (i > 0 && a === '' ? undefined : a)) : args;
  let named: Record<string, unknown>;
  try {
    named = normaliseParams(key, positional) as Record<string, unknown>;
  } catch (err) {
    throw new RpcError(F.invalidParams, `${method}: ${(err as Error).message.replace(/^Invalid params: \S+ /, '')}`);
  }
  const parsed = UCI_PARAMS[key].safeParse(named);
  if (parsed.success) return named;
  const issue = parsed.error.issues[0]!;
  const names = UCI_POSITIONAL[key];
  const name = String(issue.path[0] ?? '');
  const index = names.indexOf(name);
  const where =
    index >= 0
      ? `param ${index + 1} (${name}${issue.path.length > 1 ? `[${issue.path.slice(1).join('.')}]` : ''})`
      : `params`;
  const expected = (issue as { expected?: string }).expected;
  const what =
    issue.code === 'invalid_type' && expected && TYPE_NAMES[expected]
      ? `must be ${TYPE_NAMES[expected]}`
      : issue.message;
  throw new RpcError(
    F.invalidParams,
    `${method}: ${where} ${what} (takes ${names.length ? names.join(', ') : 'no params'})`,
  );
}
