/**
 * The UCI connector's contract: JSON-RPC 2.0 over WebSocket at `/uci`, one message per frame. Method names,
 * error and close codes, the params and results of every method and the shape of a notification. The
 * simulator implements it (simulator/src/uci/); clients (the extension, `starface-sim record`) import it.
 */
import { z } from 'zod';
import { nestsDeeperThan } from '../jsonDepth.js';
import { CALL_EVENT_SERVICE, CallStateSchema } from './calls.js';
import { EventSchema, SIM_SERVICES } from './events.js';
import {
  UCI_CALL_DIRECTIONS,
  UCI_CALL_LIST_SORT,
  UCI_CALL_RESULTS,
  UCI_NON_GROUP,
  UCI_ORDER_DIRECTIONS,
  UciCallListEntrySchema,
  UciContactInfoSchema,
  UciDateTimeSchema,
  UciDisplayNumberSchema,
  UciFunctionKeySchema,
  UciGroupSettingInputSchema,
  UciGroupSettingSchema,
  UciMailboxSchema,
  UciRedirectSettingInputSchema,
  UciRedirectSettingSchema,
  UCI_VOICEMAIL_FOLDERS,
  UCI_VOICEMAIL_LIST_SORT,
  UciVoicemailListEntrySchema,
  uciListPage,
} from './uciValues.js';

export const UCI_PATH = '/uci';
/** Query parameter with the UCI token `login:sha512hex(login + "*" + sha512hex(password))`, as on the real PBX. */
export const UCI_AUTH_PARAM = 'de.vertico.starface.auth';
/** Query parameter with a REST `authToken` (from POST /rest/login) instead of the UCI token. */
export const UCI_AUTH_TOKEN_PARAM = 'authToken';
/** Query parameter with an OAuth access token (STARFACE 10+), as the PBX takes it for XML-RPC. */
export const UCI_JWT_PARAM = 'de.vertico.starface.jwt';
/** Larger frames close the connection with 1009. */
export const UCI_MAX_FRAME_BYTES = 1024 * 1024;
/** Without any request (keepAlive or other) for this long, the session ends (close 4408). */
export const UCI_DEFAULT_KEEPALIVE_MS = 60_000;
/** Bytes a connection may have waiting to be sent; beyond it the subscriber is too slow and is closed with 1013. */
export const UCI_DEFAULT_SEND_QUEUE_BYTES = 4 * 1024 * 1024;

export const UCI_METHODS = {
  login: 'ucp.v22.requests.connection.login',
  logout: 'ucp.v22.requests.connection.logout',
  keepAlive: 'ucp.v22.requests.connection.keepAlive',
  subscribeEvents: 'ucp.v22.requests.service.subscribeEvents',
  unsubscribeEvents: 'ucp.v22.requests.service.unsubscribeEvents',
  placeCallWithPhone: 'ucp.v22.requests.call.placeCallWithPhone',
  getCallIds: 'ucp.v22.requests.call.getCallIds',
  getCallState: 'ucp.v22.requests.call.getCallState',
  hangupCall: 'ucp.v22.requests.call.hangupCall',
  getUserState: 'ucp.v22.requests.userState.getUserState',
  setDoNotDisturbSetting: 'ucp.v22.requests.userState.setDoNotDisturbSetting',
  setChatPresenceMessage: 'ucp.v22.requests.userState.setChatPresenceMessage',
  getAvatarImage: 'ucp.v22.requests.userState.getAvatarImage',
  setProvidedServices: 'ucp.v22.requests.connection.setProvidedServices',
  getProvidedEvents: 'ucp.v22.requests.service.getProvidedEvents',
  getProvidedRequests: 'ucp.v22.requests.service.getProvidedRequests',
  providesEvents: 'ucp.v22.requests.service.providesEvents',
  providesRequests: 'ucp.v22.requests.service.providesRequests',
  getPhoneIds: 'ucp.v22.requests.phone.getPhoneIds',
  getPrimaryPhoneId: 'ucp.v22.requests.phone.getPrimaryPhoneId',
  setPrimaryPhoneId: 'ucp.v22.requests.phone.setPrimaryPhoneId',
  getAvailableDisplayNumbers: 'ucp.v22.requests.phone.getAvailableDisplayNumbers',
  getDisplayNumberId: 'ucp.v22.requests.phone.getDisplayNumberId',
  setDisplayNumberId: 'ucp.v22.requests.phone.setDisplayNumberId',
  getCallWaitingIndication: 'ucp.v22.requests.phone.getCallWaitingIndication',
  setCallWaitingIndication: 'ucp.v22.requests.phone.setCallWaitingIndication',
  getGroupSettings: 'ucp.v22.requests.group.getGroupSettings',
  setGroupSetting: 'ucp.v22.requests.group.setGroupSetting',
  setGroupSettings: 'ucp.v22.requests.group.setGroupSettings',
  getRedirectSettings: 'ucp.v22.requests.redirect.getRedirectSettings',
  setRedirectSetting: 'ucp.v22.requests.redirect.setRedirectSetting',
  setRedirectSettings: 'ucp.v22.requests.redirect.setRedirectSettings',
  getFunctionKeys: 'ucp.v22.requests.functionKey.getFunctionKeys',
  getCallInfoForKey: 'ucp.v22.requests.functionKey.getCallInfoForKey',
  getContactInfoForKey: 'ucp.v22.requests.functionKey.getContactInfoForKey',
  getImageForKey: 'ucp.v22.requests.functionKey.getImageForKey',
  getRedirectSettingsForKey: 'ucp.v22.requests.functionKey.getRedirectSettingsForKey',
  pressKey: 'ucp.v22.requests.functionKey.pressKey',
  getMailboxes: 'ucp.v22.requests.voicemailList.getMailboxes',
  getVoicemailList: 'ucp.v22.requests.voicemailList.getVoicemailList',
  deleteVoicemailListEntry: 'ucp.v22.requests.voicemailList.deleteVoicemailListEntry',
  deleteVoicemailListEntries: 'ucp.v22.requests.voicemailList.deleteVoicemailListEntries',
  getCallList: 'ucp.v30.requests.callList.getCallList',
  deleteCallListEntry: 'ucp.v22.requests.callList.deleteCallListEntry',
  deleteCallListEntries: 'ucp.v22.requests.callList.deleteCallListEntries',
  getServerVersion: 'ucp.v30.requests.system.getServerVersion',
} as const;
export type UciMethodKey = keyof typeof UCI_METHODS;
export type UciMethod = (typeof UCI_METHODS)[UciMethodKey];

/** JSON-RPC error codes: the standard ones and the connector's own (-32000 … -32099). */
export const UCI_ERRORS = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** placeCallWithPhone / hangupCall while no call control is wired to the SIP side. */
  callControlUnavailable: -32000,
  notAuthenticated: -32001,
  /** `sinceSeq` is older than the ring buffer; `data: {oldestSeq, lastSeq}`. */
  sinceSeqGone: -32002,
  forbidden: -32003,
  notFound: -32004,
  /** Wrong credentials in the login request; the connection is then closed with 4401. */
  authFailed: -32005,
  /** placeCallWithPhone: the user has no registered phone (or none matching `phoneId`), so nothing can ring. */
  noPhone: -32006,
  /** A method a real STARFACE has (starface-uci-methods.md) that the simulator does not simulate (README lists them). */
  notSimulated: -32007,
  /** The request is understood but the PBX state refuses it (e.g. a function key type with no effect to produce). */
  refused: -32008,
} as const;

/** WebSocket close codes the connector uses. */
export const UCI_CLOSE = {
  normal: 1000,
  tooBig: 1009,
  /** The send queue overflowed: the subscriber is too slow. Reconnect and subscribe with sinceSeq. */
  tooSlow: 1013,
  authFailed: 4401,
  keepAliveTimeout: 4408,
  /**
   * The session was ended by a change on the PBX: the user's password was changed, the right "Administration"
   * taken, the user deleted or a scenario applied. Sign in again (with the new password): the new session sees
   * what the user may see now.
   */
  sessionEnded: 4410,
} as const;

export const USER_STATE_SERVICE = 'ucp.v22.events.userState';
export const USER_STATE_EVENT = 'receiveUserState';

/** What a service name may look like: `ucp.vNN.events.<name>` or `sim.events.<name>`. */
export const UCI_SERVICE_PATTERN = /^(ucp\.v\d+\.events\.[A-Za-z][A-Za-z0-9]*|sim\.events\.[a-z][a-z0-9-]*)$/;
/** Every service the simulator publishes on. */
export const UCI_KNOWN_SERVICES: readonly string[] = [
  CALL_EVENT_SERVICE,
  USER_STATE_SERVICE,
  ...Object.values(SIM_SERVICES),
];

// ---- JSON-RPC envelope ----

export const JsonRpcIdSchema = z.union([z.string(), z.number(), z.null()]);
export type JsonRpcId = z.infer<typeof JsonRpcIdSchema>;

export const JsonRpcRequestSchema = z.strictObject({
  jsonrpc: z.literal('2.0'),
  method: z.string().min(1),
  params: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
  /** Absent: a notification, answered with nothing. */
  id: JsonRpcIdSchema.optional(),
});
export type JsonRpcRequest = z.infer<typeof JsonRpcRequestSchema>;

export const JsonRpcErrorSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
});
export type JsonRpcError = z.infer<typeof JsonRpcErrorSchema>;

export const JsonRpcResponseSchema = z.union([
  z.object({ jsonrpc: z.literal('2.0'), id: JsonRpcIdSchema, result: z.unknown() }),
  z.object({ jsonrpc: z.literal('2.0'), id: JsonRpcIdSchema, error: JsonRpcErrorSchema }),
]);
export type JsonRpcResponse = z.infer<typeof JsonRpcResponseSchema>;

/** An event pushed to a subscriber: method `${service}.${event}`, params the event itself. */
export const UciNotificationSchema = z.object({ jsonrpc: z.literal('2.0'), method: z.string(), params: EventSchema });
export type UciNotification = z.infer<typeof UciNotificationSchema>;

export function notificationMethod(service: string, event: string): string {
  return `${service}.${event}`;
}

// ---- params (the named form; positional arrays are mapped onto these names in this order) ----

const ServiceNameSchema = z
  .string()
  .regex(UCI_SERVICE_PATTERN, 'not a service name such as ucp.v22.events.call or sim.events.config');
const CallIdSchema = z.string().min(1).max(128);

export const UciLoginParamsSchema = z.strictObject({
  // 4 KiB: a Keycloak access token with its claims is one to two KiB.
  token: z
    .string()
    .min(1)
    .max(4096)
    .describe('UCI token login:sha512hex(…), a REST authToken or (STARFACE 10) an OAuth access token'),
});
export const UciEmptyParamsSchema = z.strictObject({});
export const UciSubscribeParamsSchema = z.strictObject({
  services: z.array(ServiceNameSchema).min(1).max(64),
  sinceSeq: z.number().int().min(0).optional().describe('Replay buffered events with a greater seq first'),
});
export const UciUnsubscribeParamsSchema = z.strictObject({
  services: z.array(ServiceNameSchema).max(64).optional().describe('Absent: all'),
});
export const UciPlaceCallParamsSchema = z.strictObject({
  destination: z.string().min(1).max(64),
  phoneId: z.string().max(128).optional(),
  callId: CallIdSchema.optional(),
});
export const UciCallIdParamsSchema = z.strictObject({ callId: CallIdSchema });
export const UciSetDndParamsSchema = z.strictObject({ doNotDisturb: z.boolean() });
export const UciSetChatPresenceMessageParamsSchema = z.strictObject({ message: z.string().max(500) });
const IdSchema = z.string().min(1).max(128);
const ServicesParamSchema = z.array(z.string().min(1).max(200)).max(64);
export const UciSetProvidedServicesParamsSchema = z.strictObject({ services: ServicesParamSchema });
export const UciServiceNameParamsSchema = z.strictObject({ service: z.string().min(1).max(200) });
export const UciMethodNameParamsSchema = z.strictObject({ method: z.string().min(1).max(200) });
export const UciPhoneIdParamsSchema = z.strictObject({ phoneId: IdSchema });
export const UciDisplayNumberIdParamsSchema = z.strictObject({ displayNumberId: IdSchema });
export const UciCallWaitingParamsSchema = z.strictObject({ callWaiting: z.boolean() });
export const UciSetGroupSettingParamsSchema = z.strictObject({ groupId: IdSchema, active: z.boolean() });
export const UciSetGroupSettingsParamsSchema = z.strictObject({
  settings: z.array(UciGroupSettingInputSchema).max(200),
});
export const UciSetRedirectSettingParamsSchema = z.strictObject({ setting: UciRedirectSettingInputSchema });
export const UciSetRedirectSettingsParamsSchema = z.strictObject({
  settings: z.array(UciRedirectSettingInputSchema).max(200),
});
export const UciFunctionKeyIdParamsSchema = z.strictObject({ functionKeyId: IdSchema });
export const UciEntryIdParamsSchema = z.strictObject({ entryId: IdSchema });
export const UciEntryIdsParamsSchema = z.strictObject({ entryIds: z.array(IdSchema).max(1000) });
/**
 * getCallList's nine params (PZ against a STARFACE 10): the later bound first, then the earlier one; `""`
 * leaves a filter out. Every param may be left off from the end (defaults: now, the epoch, no filters,
 * startTime, DESCENDING, 0, 100).
 */
export const UciCallListParamsSchema = z.strictObject({
  newest: UciDateTimeSchema.optional(),
  oldest: UciDateTimeSchema.optional(),
  direction: z.union([z.literal(''), z.enum(UCI_CALL_DIRECTIONS)]).default(''),
  result: z.union([z.literal(''), z.enum(UCI_CALL_RESULTS)]).default(''),
  group: z.string().max(64).default('').describe(`"" all calls, ${UCI_NON_GROUP}, or a group account id`),
  sortProperty: z.union([z.literal(''), z.enum(UCI_CALL_LIST_SORT)]).default('startTime'),
  order: z.union([z.literal(''), z.enum(UCI_ORDER_DIRECTIONS)]).default('DESCENDING'),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(0).max(1000).default(100),
});
/** getVoicemailList: the order of the v30 Java call (newest, oldest, filter, folder, sort, order, offset, limit). */
export const UciVoicemailListParamsSchema = z.strictObject({
  newest: UciDateTimeSchema.optional(),
  oldest: UciDateTimeSchema.optional(),
  filter: z.string().max(100).default('').describe('Part of a number or of the description; "" for all'),
  folder: z
    .union([z.literal(''), z.enum(UCI_VOICEMAIL_FOLDERS)])
    .default('')
    .describe('"" for both folders'),
  sortProperty: z.union([z.literal(''), z.enum(UCI_VOICEMAIL_LIST_SORT)]).default('startTime'),
  order: z.union([z.literal(''), z.enum(UCI_ORDER_DIRECTIONS)]).default('DESCENDING'),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(0).max(1000).default(100),
});

export const UCI_PARAMS = {
  login: UciLoginParamsSchema,
  logout: UciEmptyParamsSchema,
  keepAlive: UciEmptyParamsSchema,
  subscribeEvents: UciSubscribeParamsSchema,
  unsubscribeEvents: UciUnsubscribeParamsSchema,
  placeCallWithPhone: UciPlaceCallParamsSchema,
  getCallIds: UciEmptyParamsSchema,
  getCallState: UciCallIdParamsSchema,
  hangupCall: UciCallIdParamsSchema,
  getUserState: UciEmptyParamsSchema,
  setDoNotDisturbSetting: UciSetDndParamsSchema,
  setChatPresenceMessage: UciSetChatPresenceMessageParamsSchema,
  getAvatarImage: UciEmptyParamsSchema,
  setProvidedServices: UciSetProvidedServicesParamsSchema,
  getProvidedEvents: UciEmptyParamsSchema,
  getProvidedRequests: UciEmptyParamsSchema,
  providesEvents: UciServiceNameParamsSchema,
  providesRequests: UciMethodNameParamsSchema,
  getPhoneIds: UciEmptyParamsSchema,
  getPrimaryPhoneId: UciEmptyParamsSchema,
  setPrimaryPhoneId: UciPhoneIdParamsSchema,
  getAvailableDisplayNumbers: UciEmptyParamsSchema,
  getDisplayNumberId: UciEmptyParamsSchema,
  setDisplayNumberId: UciDisplayNumberIdParamsSchema,
  getCallWaitingIndication: UciEmptyParamsSchema,
  setCallWaitingIndication: UciCallWaitingParamsSchema,
  getGroupSettings: UciEmptyParamsSchema,
  setGroupSetting: UciSetGroupSettingParamsSchema,
  setGroupSettings: UciSetGroupSettingsParamsSchema,
  getRedirectSettings: UciEmptyParamsSchema,
  setRedirectSetting: UciSetRedirectSettingParamsSchema,
  setRedirectSettings: UciSetRedirectSettingsParamsSchema,
  getFunctionKeys: UciEmptyParamsSchema,
  getCallInfoForKey: UciFunctionKeyIdParamsSchema,
  getContactInfoForKey: UciFunctionKeyIdParamsSchema,
  getImageForKey: UciFunctionKeyIdParamsSchema,
  getRedirectSettingsForKey: UciFunctionKeyIdParamsSchema,
  pressKey: UciFunctionKeyIdParamsSchema,
  getMailboxes: UciEmptyParamsSchema,
  getVoicemailList: UciVoicemailListParamsSchema,
  deleteVoicemailListEntry: UciEntryIdParamsSchema,
  deleteVoicemailListEntries: UciEntryIdsParamsSchema,
  getCallList: UciCallListParamsSchema,
  deleteCallListEntry: UciEntryIdParamsSchema,
  deleteCallListEntries: UciEntryIdsParamsSchema,
  getServerVersion: UciEmptyParamsSchema,
} satisfies Record<UciMethodKey, z.ZodType>;

/**
 * Positional params, as the real UCI takes them, in order. subscribeEvents also takes
 * `["svc1", "svc2", …]` or `[["svc1", …], sinceSeq]` or `["svc1", sinceSeq]`.
 */
export const UCI_POSITIONAL: Record<UciMethodKey, readonly string[]> = {
  login: ['token'],
  logout: [],
  keepAlive: [],
  subscribeEvents: ['services', 'sinceSeq'],
  unsubscribeEvents: ['services'],
  placeCallWithPhone: ['destination', 'phoneId', 'callId'],
  getCallIds: [],
  getCallState: ['callId'],
  hangupCall: ['callId'],
  getUserState: [],
  setDoNotDisturbSetting: ['doNotDisturb'],
  setChatPresenceMessage: ['message'],
  getAvatarImage: [],
  setProvidedServices: ['services'],
  getProvidedEvents: [],
  getProvidedRequests: [],
  providesEvents: ['service'],
  providesRequests: ['method'],
  getPhoneIds: [],
  getPrimaryPhoneId: [],
  setPrimaryPhoneId: ['phoneId'],
  getAvailableDisplayNumbers: [],
  getDisplayNumberId: [],
  setDisplayNumberId: ['displayNumberId'],
  getCallWaitingIndication: [],
  setCallWaitingIndication: ['callWaiting'],
  getGroupSettings: [],
  setGroupSetting: ['groupId', 'active'],
  setGroupSettings: ['settings'],
  getRedirectSettings: [],
  setRedirectSetting: ['setting'],
  setRedirectSettings: ['settings'],
  getFunctionKeys: [],
  getCallInfoForKey: ['functionKeyId'],
  getContactInfoForKey: ['functionKeyId'],
  getImageForKey: ['functionKeyId'],
  getRedirectSettingsForKey: ['functionKeyId'],
  pressKey: ['functionKeyId'],
  getMailboxes: [],
  getVoicemailList: ['newest', 'oldest', 'filter', 'folder', 'sortProperty', 'order', 'offset', 'limit'],
  deleteVoicemailListEntry: ['entryId'],
  deleteVoicemailListEntries: ['entryIds'],
  getCallList: ['newest', 'oldest', 'direction', 'result', 'group', 'sortProperty', 'order', 'offset', 'limit'],
  deleteCallListEntry: ['entryId'],
  deleteCallListEntries: ['entryIds'],
  getServerVersion: [],
};

// ---- results ----

export const UciLoginResultSchema = z.object({
  login: z.string(),
  userId: z.number().int(),
  admin: z.boolean().describe('Sees every event'),
  bootId: z.string(),
});
export const UciSubscribeResultSchema = z.object({
  services: z.array(z.string()).describe('Every service subscribed on this connection now'),
  replayed: z.number().int().describe('Buffered events sent before live ones'),
  lastSeq: z.number().int(),
  oldestSeq: z.number().int(),
  bootId: z.string(),
});
export const UciUnsubscribeResultSchema = z.object({ services: z.array(z.string()).describe('Still subscribed') });
export const UciPlaceCallResultSchema = z.object({ callId: z.string() });
/** The real call-state map. */
export const UciCallStateSchema = CallStateSchema.omit({ userId: true, login: true });
export const UciSinceSeqGoneDataSchema = z.object({ oldestSeq: z.number().int(), lastSeq: z.number().int() });

/** The real v30 ChatPresence values (starface-uci-methods.md §3.4). */
export const CHAT_PRESENCES = [
  'AVAILABLE',
  'AWAY',
  'DO_NOT_DISTURB',
  'EXTENDED_AWAY',
  'FREE_FOR_CHAT',
  'UNAVAILABLE',
] as const;
/**
 * The real v30 TelephonyState values (§3.4): AVAILABLE without calls, RINGING while a call rings at the user,
 * ACTIVE while the user is in (or places) a call. QUEUE_PAUSE and UNAVAILABLE are never reached here.
 */
export const TELEPHONY_STATES = ['ACTIVE', 'AVAILABLE', 'QUEUE_PAUSE', 'RINGING', 'UNAVAILABLE'] as const;
export const UciUserStateSchema = z
  .object({
    avatarHash: z.string(),
    chatPresence: z.enum(CHAT_PRESENCES),
    telephonyState: z.enum(TELEPHONY_STATES),
    chatPresenceMessage: z.string(),
    redirectAlwaysActive: z.boolean(),
    doNotDisturb: z.boolean(),
  })
  .meta({ id: 'UciUserState' });
export type UciUserState = z.infer<typeof UciUserStateSchema>;
/** `ucp.v22.events.userState receiveUserState` data: the state plus whose it is. */
export const UciUserStateEventDataSchema = UciUserStateSchema.extend({ userId: z.number().int(), login: z.string() });
export type UciUserStateEventData = z.infer<typeof UciUserStateEventDataSchema>;

export const UCI_RESULTS = {
  login: UciLoginResultSchema,
  logout: z.literal(true),
  keepAlive: z.literal(true),
  subscribeEvents: UciSubscribeResultSchema,
  unsubscribeEvents: UciUnsubscribeResultSchema,
  placeCallWithPhone: UciPlaceCallResultSchema,
  getCallIds: z.array(z.string()),
  getCallState: UciCallStateSchema,
  hangupCall: z.literal(true),
  getUserState: UciUserStateSchema,
  setDoNotDisturbSetting: UciUserStateSchema,
  setChatPresenceMessage: UciUserStateSchema,
  getAvatarImage: z.string().describe('Base64 of the avatar image, "" without one'),
  setProvidedServices: z.literal(true),
  getProvidedEvents: z.array(z.string()),
  getProvidedRequests: z.array(z.string()),
  providesEvents: z.boolean(),
  providesRequests: z.boolean(),
  getPhoneIds: z.array(z.string()),
  getPrimaryPhoneId: z.string().describe('"" without a primary phone'),
  setPrimaryPhoneId: z.literal(true),
  getAvailableDisplayNumbers: z.array(UciDisplayNumberSchema),
  getDisplayNumberId: z.string().describe('"" when the PBX chooses'),
  setDisplayNumberId: z.literal(true),
  getCallWaitingIndication: z.boolean(),
  setCallWaitingIndication: z.literal(true),
  getGroupSettings: z.array(UciGroupSettingSchema),
  setGroupSetting: z.literal(true),
  setGroupSettings: z.literal(true),
  getRedirectSettings: z.array(UciRedirectSettingSchema),
  setRedirectSetting: z.literal(true),
  setRedirectSettings: z.literal(true),
  getFunctionKeys: z.array(UciFunctionKeySchema),
  getCallInfoForKey: z.array(UciCallStateSchema),
  getContactInfoForKey: UciContactInfoSchema,
  getImageForKey: z.string(),
  getRedirectSettingsForKey: z.array(UciRedirectSettingSchema),
  pressKey: z.literal(true),
  getMailboxes: z.array(UciMailboxSchema),
  getVoicemailList: uciListPage(UciVoicemailListEntrySchema),
  deleteVoicemailListEntry: z.literal(true),
  deleteVoicemailListEntries: z.literal(true),
  getCallList: uciListPage(UciCallListEntrySchema),
  deleteCallListEntry: z.literal(true),
  deleteCallListEntries: z.literal(true),
  getServerVersion: z.string(),
} satisfies Record<UciMethodKey, z.ZodType>;

// ---- replay (POST /rest/sim/replay) ----

/**
 * The deepest an event's `data` may nest (data itself is level 1). Real events nest three or four levels; the bound
 * keeps a replayed event one that every subscriber, the event ring's reader and the XML-RPC serialiser can write.
 */
export const REPLAY_DATA_MAX_DEPTH = 32;

export const ReplayEventSchema = z.object({
  seq: z.number().int().positive().optional().describe('The recorded seq; kept as data.originalSeq'),
  time: z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'not a date-time'),
  service: ServiceNameSchema,
  event: z.string().min(1).max(100),
  data: z
    .record(z.string(), z.unknown())
    .refine((d) => !nestsDeeperThan(d, REPLAY_DATA_MAX_DEPTH), {
      message: `nests arrays and objects deeper than ${REPLAY_DATA_MAX_DEPTH} levels`,
    })
    .describe(`The event's data; arrays and objects nest at most ${REPLAY_DATA_MAX_DEPTH} levels deep`),
});
export type ReplayEvent = z.infer<typeof ReplayEventSchema>;

export const ReplayRequestSchema = z
  .strictObject({
    events: z
      .array(ReplayEventSchema)
      .min(1)
      .max(100_000)
      .describe('Recorded events (e.g. the lines of `starface-sim record`), oldest first'),
    speed: z.number().positive().max(10_000).default(1).describe('2 plays twice as fast'),
    delayMs: z
      .number()
      .int()
      .min(0)
      .max(86_400_000)
      .default(0)
      .describe('Wait before the first event (lets a client send a long recording in parts)'),
  })
  .meta({ id: 'ReplayRequest' });
export type ReplayRequest = z.infer<typeof ReplayRequestSchema>;

export const ReplayAcceptedSchema = z
  .object({
    scheduled: z.number().int(),
    durationMs: z.number().describe('From the first to the last event, after scaling'),
    startsInMs: z.number().int(),
  })
  .meta({ id: 'ReplayAccepted' });
export type ReplayAccepted = z.infer<typeof ReplayAcceptedSchema>;
