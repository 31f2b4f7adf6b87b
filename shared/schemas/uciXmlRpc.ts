/**
 * The UCI over XML-RPC, as a real PBX speaks it: `POST /xml-rpc?<auth>&<callback>` with an XML-RPC
 * `methodCall` body; events are pushed back as XML-RPC `methodCall`s to the client's own XML-RPC server
 * named by the callback query parameters. The simulator implements it (simulator/src/uci/xmlrpc/) with the
 * same requests as the WebSocket connector (uci.ts); the extension's client imports this file.
 *
 * Evidence for the real wire (starface-uci.md, and public PHP clients of the PBX): login takes no params and
 * answers `true`; subscribeEvents/unsubscribeEvents take the service name(s) and answer `true`;
 * placeCallWithPhone(dest, phoneId, callId) is sent with empty strings for "none" and answers the call id;
 * `callback.type` is optional and carries the transport ("http" / "https").
 */
import { z } from 'zod';
import { CALL_EVENT_SERVICE, CALL_STATE_EVENT } from './calls.js';
import {
  notificationMethod,
  UCI_ERRORS,
  UCI_RESULTS,
  UciCallStateSchema,
  UciUserStateEventDataSchema,
  USER_STATE_EVENT,
  USER_STATE_SERVICE,
  type UciMethodKey,
} from './uci.js';
import { busService } from './uciNames.js';

export const UCI_XMLRPC_PATH = '/xml-rpc';

/** Query parameters of every request (auth and callback go with each request, as on the real PBX). */
export const UCI_XMLRPC_PARAMS = {
  /** `<login>:<sha512hex(login + "*" + sha512hex(password))>` (shared/hashes.ts uciToken), or only the hash when `user` is given. */
  auth: 'de.vertico.starface.auth',
  /** The login, when `auth` holds only the hash. */
  user: 'de.vertico.starface.user',
  /** OAuth access token of PBX 10+ (POST /auth/realms/pbx/oauth2/token); below 10 the fault `unsupportedAuth`. */
  jwt: 'de.vertico.starface.jwt',
  /** A REST authToken (POST /rest/login) instead of the UCI token — a simulator extra, as on the WebSocket. */
  authToken: 'authToken',
  /** Optional; `http` (default), `https`, or `xml-rpc` (= http). */
  callbackType: 'de.vertico.starface.callback.type',
  /**
   * IPv4/IPv6 address or DNS host name of the client's XML-RPC server. The simulator, whatever its bind, takes
   * only the requester's own address, or a loopback address or `localhost` from a requester on loopback (no
   * server-side request forgery toward other hosts; other names are not resolved) unless started with the
   * unsafe test option uciXmlRpcAnyCallbackHost.
   */
  callbackHost: 'de.vertico.starface.callback.host',
  /** 1–65535. */
  callbackPort: 'de.vertico.starface.callback.port',
  /** The HTTP path of the client's XML-RPC server, e.g. `/` or `/RPC2`; must start with `/`. */
  callbackPath: 'de.vertico.starface.callback.path',
} as const;

export const UCI_XMLRPC_CALLBACK_TYPES = ['http', 'https', 'xml-rpc'] as const;
export type UciXmlRpcCallbackType = (typeof UCI_XMLRPC_CALLBACK_TYPES)[number];

/** Request bodies over this size are answered with HTTP 413 and a `bodyTooLarge` fault. */
export const UCI_XMLRPC_MAX_BODY = 1024 * 1024;

/**
 * faultCode values. The JSON-RPC connector's codes keep their meaning (uci.ts UCI_ERRORS); the rest are the
 * XML-RPC endpoint's own. faultString always says what was wrong, e.g.
 * `malformed XML-RPC request: …`, `unknown method 'x'`,
 * `ucp.v22.requests.call.placeCallWithPhone: param 1 (destination) must be a string`.
 */
export const UCI_XMLRPC_FAULTS = {
  /** The body is not well-formed XML-RPC. */
  malformed: UCI_ERRORS.parseError, // -32700
  /** Well-formed XML, but not a `methodCall` (e.g. a methodResponse), or no methodName. */
  notMethodCall: UCI_ERRORS.invalidRequest, // -32600
  unknownMethod: UCI_ERRORS.methodNotFound, // -32601
  /** Wrong number or types of params. */
  invalidParams: UCI_ERRORS.invalidParams, // -32602
  internalError: UCI_ERRORS.internalError, // -32603
  callControlUnavailable: UCI_ERRORS.callControlUnavailable, // -32000
  /** A request other than login for a session that does not exist (never logged in, logged out, timed out, dropped). */
  notLoggedIn: UCI_ERRORS.notAuthenticated, // -32001
  /** sinceSeq older than the ring buffer. */
  sinceSeqGone: UCI_ERRORS.sinceSeqGone, // -32002
  forbidden: UCI_ERRORS.forbidden, // -32003
  notFound: UCI_ERRORS.notFound, // -32004
  /** No auth parameter, unknown login, wrong hash, or an expired authToken or OAuth access token. */
  authFailed: UCI_ERRORS.authFailed, // -32005
  noPhone: UCI_ERRORS.noPhone, // -32006
  /** A method a real STARFACE has that the simulator does not simulate ("known to STARFACE, not simulated"). */
  notSimulated: UCI_ERRORS.notSimulated, // -32007
  refused: UCI_ERRORS.refused, // -32008
  /** Too many failed sign-ins of this login from this address (limiter shared with REST, the WebSocket UCI and SIP); faultString says how long to wait. */
  rateLimited: -32010,
  /** The body is over UCI_XMLRPC_MAX_BODY (sent with HTTP 413). */
  bodyTooLarge: -32011,
  /** `de.vertico.starface.jwt` sign-in on a PBX below version 10 (it has no OAuth). */
  unsupportedAuth: -32012,
  /** A callback parameter is invalid (type, host, port or path). */
  badCallback: -32013,
  /** subscribeEvents without callback host/port/path: there is nowhere to deliver events. */
  noCallback: -32014,
  /** The simulator would hold more than UCI_XMLRPC_MAX_SESSIONS sessions (over all logins). */
  tooManySessions: -32015,
} as const;

/**
 * Sessions (login + callback) one login may hold from one address; one more replaces the least recently used of
 * them (event UCI_XMLRPC_LOG_EVENTS.replaced). The simulator's option uciXmlRpcMaxSessionsPerLogin.
 */
export const UCI_XMLRPC_MAX_SESSIONS_PER_LOGIN = 20;
/** Sessions over all logins: a safety net. */
export const UCI_XMLRPC_MAX_SESSIONS = 1000;
export type UciXmlRpcFaultCode = (typeof UCI_XMLRPC_FAULTS)[keyof typeof UCI_XMLRPC_FAULTS];

export const UciXmlRpcFaultSchema = z.object({ faultCode: z.number().int(), faultString: z.string() });
export type UciXmlRpcFault = z.infer<typeof UciXmlRpcFaultSchema>;

/**
 * Callback delivery: one FIFO per session, one call in flight, so events arrive in order. A failed call
 * (connection refused, no answer within timeoutMs, non-2xx, an answer that is not XML-RPC) is retried with
 * exponential back-off from backoffInitialMs to backoffMaxMs while new events keep queuing. When more than
 * maxQueue events wait, or deliveries have failed for maxFailingMs, the queue is dropped, a `sim.events.log`
 * event `uci-xmlrpc-callback-dropped` (data: {level, message, login, callback, dropped, reason}) is published
 * and the session ends: the client must log in again. The callback may answer any methodResponse (its value
 * is ignored). A fault means the client received the event and refused it: it is not sent again, and a
 * `uci-xmlrpc-callback-rejected` log event says so (at most one per session every 10 s, with a count).
 *
 * Delivery is at-least-once: an answer slower than timeoutMs, or lost on the way back, makes the same event
 * arrive again. A client drops repeats by the seq header (UCI_XMLRPC_EVENT_HEADERS; a real PBX sends none and
 * may repeat too). A subscribeEvents whose sinceSeq backlog would not fit into the queue is refused with `sinceSeqGone`.
 * The callback's path is shown redacted in logs (first segment and 4 more characters).
 */
export const UCI_XMLRPC_DELIVERY = {
  timeoutMs: 5_000,
  backoffInitialMs: 250,
  backoffMaxMs: 5_000,
  maxQueue: 1_000,
  maxFailingMs: 60_000,
} as const;
export type UciXmlRpcDeliveryOptions = { [K in keyof typeof UCI_XMLRPC_DELIVERY]: number };

/** `sim.events.log` event names the XML-RPC endpoint publishes (data: {level, message, login, callback, …}). */
export const UCI_XMLRPC_LOG_EVENTS = {
  /** The callback stayed unreachable beyond the bound; data.dropped events were discarded. */
  dropped: 'uci-xmlrpc-callback-dropped',
  /** No request within the keepAlive time: the session ended, data.dropped queued events discarded. */
  keepAliveTimeout: 'uci-xmlrpc-keepalive-timeout',
  /**
   * A login from an address that already held UCI_XMLRPC_MAX_SESSIONS_PER_LOGIN sessions of that login ended the
   * least recently used of them (data: address, dropped queued events).
   */
  replaced: 'uci-xmlrpc-session-replaced',
  /** The callback answered a fault (data: method, faultCode, faultString, rejected = count since the last report). */
  rejected: 'uci-xmlrpc-callback-rejected',
} as const;

/**
 * The call-state struct over XML-RPC, as callback param and as getCallState's answer (starface-uci-methods.md
 * §3.2: the same struct): `timestamp` a string of milliseconds (see UCI_XMLRPC_EVENT_PARAMS for why).
 */
export const UciXmlRpcCallStateParamSchema = UciCallStateSchema.extend({ timestamp: z.string().regex(/^\d+$/) });

/**
 * What each request answers over XML-RPC. Like the real PBX (starface-uci-methods.md §2): login, logout,
 * keepAlive (probe), subscribeEvents, unsubscribeEvents, hangupCall, setDoNotDisturbSetting and
 * setChatPresenceMessage answer a boolean; keepAlive answers `false` (not a fault) when the session is gone,
 * so a client can ask "am I still signed in?"; placeCallWithPhone (v20 placeCall) the call id string;
 * getCallState the call-state struct with its timestamp as a string. The rest answer what the WebSocket
 * connector answers (uci.ts UCI_RESULTS), dates as dateTime.iso8601.
 * Params are positional as in uci.ts UCI_POSITIONAL; login takes none (auth is in the query); subscribeEvents
 * takes one service string, several strings, or an array of strings (optionally followed by an int sinceSeq);
 * empty strings for the optional phoneId / callId of placeCallWithPhone mean "none".
 */
export const UCI_XMLRPC_RESULTS = {
  ...UCI_RESULTS,
  login: z.literal(true),
  keepAlive: z.boolean(),
  subscribeEvents: z.literal(true),
  unsubscribeEvents: z.literal(true),
  placeCallWithPhone: z.string(),
  getCallState: UciXmlRpcCallStateParamSchema,
  setDoNotDisturbSetting: z.literal(true),
  setChatPresenceMessage: z.literal(true),
} satisfies Record<UciMethodKey, z.ZodType>;

/** The methods whose XML-RPC answer is the boolean `true` (the WebSocket answers a struct for some of them). */
export const UCI_XMLRPC_ANSWERS_TRUE: ReadonlySet<UciMethodKey> = new Set(
  (Object.keys(UCI_XMLRPC_RESULTS) as UciMethodKey[]).filter((k) => {
    const schema = UCI_XMLRPC_RESULTS[k] as z.ZodType;
    return schema instanceof z.ZodLiteral && schema.value === true;
  }),
);

// ---- events pushed to the callback ----

/** The callback's methodName for an event: `${service}.${event}`, e.g. `ucp.v22.events.call.receiveCallState`, as the WebSocket notification's. */
export const xmlRpcEventMethod = notificationMethod;

/** The service and event of a callback methodName (the event is the part after the last dot). */
export function parseXmlRpcEventMethod(methodName: string): { service: string; event: string } | undefined {
  const dot = methodName.lastIndexOf('.');
  if (dot <= 0 || dot === methodName.length - 1) return undefined;
  return { service: methodName.slice(0, dot), event: methodName.slice(dot + 1) };
}

/**
 * The simulator's event metadata travels in HTTP headers of the callback request, never in its params: a
 * real PBX sends exactly one struct, and handlers written for one take exactly one. seq is contiguous over ALL
 * events of the simulator; a session sees a subset, so per session it only increases (and is contiguous within
 * what the session may see and subscribed to). A real PBX sends none of these headers; clients must work
 * without them (the extension then numbers events itself).
 */
export const UCI_XMLRPC_EVENT_HEADERS = {
  seq: 'x-starface-sim-seq',
  time: 'x-starface-sim-time',
  service: 'x-starface-sim-service',
  event: 'x-starface-sim-event',
} as const;

export const UciXmlRpcEventMetaSchema = z.object({
  seq: z.coerce.number().int().positive(),
  time: z.string().describe('ISO 8601'),
  service: z.string(),
  event: z.string(),
});
export type UciXmlRpcEventMeta = z.infer<typeof UciXmlRpcEventMetaSchema>;

/** The metadata of a callback request from its headers; undefined when they are absent (a real PBX). */
export function xmlRpcEventMeta(
  headers: Record<string, string | string[] | undefined>,
): UciXmlRpcEventMeta | undefined {
  const H = UCI_XMLRPC_EVENT_HEADERS;
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const parsed = UciXmlRpcEventMetaSchema.safeParse({
    seq: one(H.seq),
    time: one(H.time),
    service: one(H.service),
    event: one(H.event),
  });
  return parsed.success ? parsed.data : undefined;
}

/**
 * The query the callback URL carries, as public clients expect it (starface-uci-methods.md §1.3): the login
 * the event is for, and the client's own `de.vertico.starface.auth` when it signed in with one (ESPO accepts an
 * event only when it equals its token).
 */
export const UCI_XMLRPC_CALLBACK_QUERY = {
  user: 'de.vertico.starface.user',
  auth: 'de.vertico.starface.auth',
} as const;

/**
 * The callback's one param: for a call state the real call-state struct (id, state, timestamp, callerNumber,
 * callerName, calledNumber, calledName; unknown values are empty strings). `timestamp` is a **string** of
 * milliseconds since the epoch: the real type is not shown by any source, TMA reads it as a string and SPICE
 * reads every member as <string>, and a millisecond value does not fit XML-RPC's 32-bit <int>. Every other
 * event sends its `data` struct with null members left out and whole numbers beyond 32 bits as strings.
 */
export const UCI_XMLRPC_EVENT_PARAMS: Record<string, z.ZodType> = {
  [xmlRpcEventMethod(CALL_EVENT_SERVICE, CALL_STATE_EVENT)]: UciXmlRpcCallStateParamSchema,
  [xmlRpcEventMethod(USER_STATE_SERVICE, USER_STATE_EVENT)]: UciUserStateEventDataSchema,
};
export const UciXmlRpcEventDataSchema = z.record(z.string(), z.unknown());

/** The schema of the callback param for a methodName (any alias of the call service, e.g. ucp.v30.events.call). */
export function xmlRpcEventParamSchema(methodName: string): z.ZodType {
  const parsed = parseXmlRpcEventMethod(methodName);
  const canonical = parsed ? xmlRpcEventMethod(busService(parsed.service), parsed.event) : methodName;
  return UCI_XMLRPC_EVENT_PARAMS[canonical] ?? UciXmlRpcEventDataSchema;
}
