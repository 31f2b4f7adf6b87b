/**
 * The UCI's method and event names as real clients send and expect them (starface-uci-methods.md §1.5, §2,
 * §3): one core of methods (uci.ts UCI_METHODS, keyed by the short name) reached under several name families.
 *
 * - `ucp.v22.requests.<service>.<method>`: every method of the v22 set (DOOM/TMA, SPICE, SCI, ESPO).
 * - `ucp.v30.requests.<service>.<method>`: the v22 set plus the v30 additions (system.getServerVersion;
 *   callList.getCallList with its nine params) (PZ, MXH, TMA/ESPO after their v30 rewrite, IAH V30).
 * - `ucp.v20.server.connection.*` and `ucp.v20.server.communication.call.*`: vertico's own UCP client (IAH),
 *   with `probe` for keepAlive and `placeCall` for placeCallWithPhone; IAH's V22/V30 subclasses inherit the
 *   same names under `ucp.v22.server.*` and `ucp.v30.server.*`, so those are accepted too.
 *
 * Events: a client subscribes to `ucp.v22.events.call` or `ucp.v30.events.call` (subscribeEvents), or declares
 * `ucp.v20.client.communication.call` (setProvidedServices); the callback's method name is the name it used
 * plus the event (`….receiveCallState`). `ucp.v20.client.connection.reset` tells v20 clients that declared
 * `ucp.v20.client.connection` that the simulator stops.
 */
import { CALL_EVENT_SERVICE, CALL_STATE_EVENT } from './calls.js';
import { UCI_KNOWN_SERVICES, UCI_METHODS, USER_STATE_SERVICE, type UciMethodKey } from './uci.js';

export type UciFamily = 'v20' | 'v22' | 'v30';

/** Methods only the v30 family has (a v22 name for them is unknown). */
const V30_ONLY = new Set<UciMethodKey>(['getServerVersion']);

/** The v20 UCP names (and IAH's v22/v30 `server` variants of them): name → key. */
const V20_CONNECTION: Record<string, UciMethodKey> = {
  login: 'login',
  logout: 'logout',
  probe: 'keepAlive',
  keepAlive: 'keepAlive',
  setProvidedServices: 'setProvidedServices',
};
const V20_CALL: Record<string, UciMethodKey> = {
  placeCall: 'placeCallWithPhone',
  hangupCall: 'hangupCall',
  getCallIds: 'getCallIds',
  getCallState: 'getCallState',
  getPhoneIds: 'getPhoneIds',
};

export interface ResolvedUciMethod {
  key: UciMethodKey;
  family: UciFamily;
  /** The v20 UCP style: placeCall answers "" instead of a fault, getCallState {} for an unknown call. */
  v20Style: boolean;
}

function buildNames(): Map<string, ResolvedUciMethod> {
  const names = new Map<string, ResolvedUciMethod>();
  for (const [key, v22] of Object.entries(UCI_METHODS) as [UciMethodKey, string][]) {
    const tail = v22.replace(/^ucp\.v\d+\.requests\./, '');
    if (!V30_ONLY.has(key)) names.set(`ucp.v22.requests.${tail}`, { key, family: 'v22', v20Style: false });
    names.set(`ucp.v30.requests.${tail}`, { key, family: 'v30', v20Style: false });
  }
  for (const family of ['v20', 'v22', 'v30'] as const) {
    for (const [m, key] of Object.entries(V20_CONNECTION)) {
      // probe is v20's keepAlive; IAH's v22/v30 classes call it keepAlive.
      if (m === (family === 'v20' ? 'keepAlive' : 'probe')) continue;
      names.set(`ucp.${family}.server.connection.${m}`, { key, family, v20Style: true });
    }
    for (const [m, key] of Object.entries(V20_CALL))
      names.set(`ucp.${family}.server.communication.call.${m}`, { key, family, v20Style: true });
  }
  return names;
}

const NAMES = buildNames();

/** The method a name stands for, in whichever family it was sent; undefined for names the simulator does not have. */
export function resolveUciMethod(name: string): ResolvedUciMethod | undefined {
  return NAMES.get(name);
}

/** Every method name the simulator answers (for getProvidedRequests and error messages). */
export function uciMethodNames(): string[] {
  return [...NAMES.keys()];
}

/**
 * Names a real STARFACE has (the fact sheet lists them, mostly without params) that the simulator does not
 * simulate: fax and file transfer, listening to or moving voicemail, uploading an avatar, holding a call.
 * They answer the fault `notSimulated` ("known to STARFACE, not simulated"), never "unknown method".
 */
const NOT_SIMULATED_TAILS = [
  'fax.getFaxIds',
  'fax.getFaxState',
  'fax.sendFax',
  'fax.sendFax.rpcFileUpload.initializeUpload',
  'fax.sendFax.rpcFileUpload.continueUpload',
  'fax.sendFax.rpcFileUpload.completeUpload',
  'fax.sendFax.rpcFileUpload.cancelUpload',
  'faxList.getFaxList',
  'faxList.getFaxFile',
  'faxList.getFaxFileUrl',
  'faxList.moveFaxListEntry',
  'faxList.moveFaxListEntries',
  'faxList.deleteFaxListEntry',
  'faxList.deleteFaxListEntries',
  'faxList.getFaxFile.rpcFileDownload.initializeDownload',
  'faxList.getFaxFile.rpcFileDownload.continueDownload',
  'faxList.getFaxFile.rpcFileDownload.completeDownload',
  'faxList.getFaxFile.rpcFileDownload.cancelDownload',
  'voicemailList.callMailboxWithNumber',
  'voicemailList.callMailboxWithPhone',
  'voicemailList.callVoicemailWithNumber',
  'voicemailList.callVoicemailWithPhone',
  'voicemailList.getVoicemailFile',
  'voicemailList.getVoicemailFileUrl',
  'voicemailList.moveVoicemailListEntry',
  'voicemailList.moveVoicemailListEntries',
  'userState.setAvatarImageFile',
  'call.holdCall',
] as const;

export const UCI_NOT_SIMULATED: readonly string[] = NOT_SIMULATED_TAILS.flatMap((t) => [
  `ucp.v22.requests.${t}`,
  `ucp.v30.requests.${t}`,
]);
const NOT_SIMULATED = new Set(UCI_NOT_SIMULATED);

export function isUciNotSimulated(name: string): boolean {
  return NOT_SIMULATED.has(name);
}

// ---- events ----

/** v20 services a client declares with setProvidedServices (starface-uci-methods.md §3.1). */
export const UCI_V20_CALL_SERVICE = 'ucp.v20.client.communication.call';
export const UCI_V20_CONNECTION_SERVICE = 'ucp.v20.client.connection';
/** Sent (no params) to clients that declared UCI_V20_CONNECTION_SERVICE when the simulator stops. */
export const UCI_V20_RESET_METHOD = `${UCI_V20_CONNECTION_SERVICE}.reset`;

/**
 * Service names a client may use for a service the simulator publishes under another name: the callback or
 * notification then carries the client's name. Every other service name is its own.
 */
export const UCI_SERVICE_ALIASES: Readonly<Record<string, string>> = {
  'ucp.v30.events.call': CALL_EVENT_SERVICE,
  'ucp.v30.events.userState': USER_STATE_SERVICE,
  [UCI_V20_CALL_SERVICE]: CALL_EVENT_SERVICE,
};

/**
 * Every service name subscribeEvents takes: what the simulator publishes on, the aliases and the v20 client
 * services. An invented name is refused: each name subscribed keeps state, so free names would let one client
 * grow the simulator's memory without bound.
 */
export const UCI_SUBSCRIBABLE_SERVICES: readonly string[] = [
  ...new Set([
    ...UCI_KNOWN_SERVICES,
    ...Object.keys(UCI_SERVICE_ALIASES),
    UCI_V20_CALL_SERVICE,
    UCI_V20_CONNECTION_SERVICE,
  ]),
];
const SUBSCRIBABLE = new Set(UCI_SUBSCRIBABLE_SERVICES);

/** The names among `services` that subscribeEvents does not take. */
export function unknownUciServices(services: readonly string[]): string[] {
  return services.filter((s) => !SUBSCRIBABLE.has(s));
}

/** Services one session (WebSocket or XML-RPC) may hold subscribed at once, over all its requests. */
export const UCI_MAX_SERVICES_PER_SESSION = 64;

/** The service the simulator publishes on for a service name a client used. */
export function busService(clientService: string): string {
  return UCI_SERVICE_ALIASES[clientService] ?? clientService;
}

/** The ucp event services a client may subscribe to (getProvidedEvents): the v22 names and their v30 aliases. */
export const UCI_PROVIDED_EVENTS: readonly string[] = [
  CALL_EVENT_SERVICE,
  'ucp.v30.events.call',
  USER_STATE_SERVICE,
  'ucp.v30.events.userState',
];

/** The callback / notification method of a call-state event under a service name. */
export function callStateMethod(service: string): string {
  return `${service}.${CALL_STATE_EVENT}`;
}
