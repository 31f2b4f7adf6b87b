/**
 * The UCI's value structs beyond calls and user state: phones, groups, redirects, function keys, voicemail,
 * the call journal. Member names follow the fact sheet (starface-uci-methods.md §2–§3: the XML-RPC members
 * public clients read, else the getters of the v30 Java types); where no source shows a member, the simulator
 * names it after the REST 6.7 model and the README says so. Every value is of a type every public XML-RPC
 * client parses: strings, booleans, 32-bit ints, dateTime.iso8601 (a JS Date over XML-RPC, an ISO string over
 * JSON-RPC), arrays and structs; "none" is an empty string, never nil.
 */
import { z } from 'zod';

/** XML-RPC `dateTime.iso8601` arrives as a Date; JSON-RPC sends an ISO string (or ms since the epoch). */
export const UciDateTimeSchema = z
  .union([z.date(), z.iso.datetime({ offset: true, local: true }), z.iso.date(), z.number().int().min(0).max(8.64e15)])
  .transform((v) => (v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v)))
  .refine((ms) => Number.isFinite(ms), 'not a date-time');

// ---- phones ----

export const UciDisplayNumberSchema = z
  .object({
    id: z.string().describe('The phone number id (REST 6.7 PhoneNumber id)'),
    number: z.string().describe('As the PBX shows it: international for external numbers, the extension else'),
    type: z.enum(['INTERNAL', 'EXTERNAL']),
  })
  .meta({ id: 'UciDisplayNumber' });
export type UciDisplayNumber = z.infer<typeof UciDisplayNumberSchema>;

// ---- groups ----

/** One of the user's groups and whether the user is logged in to it (group login/logout). */
export const UciGroupSettingSchema = z
  .object({
    groupId: z.string().describe('The group account id'),
    groupName: z.string(),
    groupNumber: z.string().describe('Its first internal number, "" if it has none'),
    active: z.boolean().describe('The user is logged in to the group (calls to the group ring them)'),
  })
  .meta({ id: 'UciGroupSetting' });
export type UciGroupSetting = z.infer<typeof UciGroupSettingSchema>;
export const UciGroupSettingInputSchema = z.object({ groupId: z.string().min(1).max(20), active: z.boolean() });

// ---- redirects (v30 Java RedirectSetting, §3.5) ----

export const UCI_REDIRECT_TYPES = ['ALWAYS', 'BUSY', 'TIMEOUT'] as const;
export const UCI_REDIRECT_DESTINATION_TYPES = ['PHONENUMBER', 'VOICEMAIL'] as const;
export const UciMailboxSchema = z
  .object({ id: z.string(), name: z.string(), number: z.string() })
  .meta({ id: 'UciMailbox' });
export type UciMailbox = z.infer<typeof UciMailboxSchema>;

export const UciRedirectSettingSchema = z
  .object({
    id: z.string(),
    type: z.enum(UCI_REDIRECT_TYPES),
    calledNumber: z.string().describe('The redirected number of the user or group'),
    groupRedirect: z.boolean(),
    enabled: z.boolean(),
    destinationType: z.enum(UCI_REDIRECT_DESTINATION_TYPES),
    destination: z.string().describe('A phone number, or the mailbox id for VOICEMAIL'),
    lastDestinationNumber: z.string(),
    lastDestinationMailbox: z.string(),
    timeout: z.number().int().describe('Seconds a TIMEOUT redirect lets the phone ring'),
    mailboxes: z.array(UciMailboxSchema).describe('The mailboxes this redirect may go to'),
  })
  .meta({ id: 'UciRedirectSetting' });
export type UciRedirectSetting = z.infer<typeof UciRedirectSettingSchema>;
/** A change: `id` names the setting; every other member is optional (absent = unchanged). */
export const UciRedirectSettingInputSchema = z.object({
  id: z.string().min(1).max(64),
  enabled: z.boolean().optional(),
  destinationType: z.enum(UCI_REDIRECT_DESTINATION_TYPES).optional(),
  destination: z.string().max(64).optional(),
  timeout: z.number().int().min(0).max(600).optional(),
});
export type UciRedirectSettingInput = z.infer<typeof UciRedirectSettingInputSchema>;

// ---- function keys ----

/** A key of the user's key sets. `type` is the REST 6.7 key type, but a busy lamp field is `BUSY_LAMP_FIELD` as in the UCI docs. */
export const UciFunctionKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    position: z.number().int(),
    keySetId: z.string(),
    number: z.string().describe('What the key dials or watches (target, forward number), "" if nothing'),
    accountId: z.string().describe('The watched user of a busy lamp field, "" else'),
    imageHash: z.string().describe('SHA-1 of the watched user\u2019s avatar, "" without one'),
  })
  .meta({ id: 'UciFunctionKey' });
export type UciFunctionKey = z.infer<typeof UciFunctionKeySchema>;

export const UciContactInfoSchema = z
  .object({
    accountId: z.string(),
    login: z.string(),
    firstName: z.string(),
    familyName: z.string(),
    number: z.string(),
    chatPresence: z.string(),
    telephonyState: z.string(),
    avatarHash: z.string(),
  })
  .meta({ id: 'UciContactInfo' });
export type UciContactInfo = z.infer<typeof UciContactInfoSchema>;

// ---- lists (voicemail, call journal) ----

export const UCI_ORDER_DIRECTIONS = ['ASCENDING', 'DESCENDING'] as const;

/**
 * The folders of a voicemail entry: INBOX (the fact sheet's VoicemailListEntryFolder) for a message not heard
 * yet, OLD once heard. The simulator keeps no other folders.
 */
export const UCI_VOICEMAIL_FOLDERS = ['INBOX', 'OLD'] as const;
/** What getVoicemailList sorts by: the entry's members (the Java VoicemailListEntryProperties names them so). */
export const UCI_VOICEMAIL_LIST_SORT = [
  'startTime',
  'duration',
  'callerNumber',
  'calledNumber',
  'callDescription',
  'mailboxName',
  'folder',
] as const;

export const UciVoicemailListEntrySchema = z
  .object({
    id: z.string(),
    callDescription: z.string(),
    callerNumber: z.string(),
    calledNumber: z.string(),
    duration: z.number().int().describe('Seconds'),
    folder: z.enum(UCI_VOICEMAIL_FOLDERS).describe('INBOX (unheard) or OLD (heard)'),
    mailboxId: z.string(),
    mailboxName: z.string(),
    startTime: z.date().describe('dateTime.iso8601 over XML-RPC, an ISO string over JSON-RPC'),
  })
  .meta({ id: 'UciVoicemailListEntry' });

export const UCI_CALL_DIRECTIONS = ['INBOUND', 'OUTBOUND'] as const;
export const UCI_CALL_RESULTS = ['ANSWERED', 'MISSED'] as const;
/** The group filter value for calls that did not come through a group. */
export const UCI_NON_GROUP = 'NON_GROUP';
export const UCI_CALL_LIST_SORT = ['startTime', 'duration', 'callerNumber', 'calledNumber'] as const;

export const UciCallListEntrySchema = z
  .object({
    id: z.string(),
    direction: z.enum(UCI_CALL_DIRECTIONS),
    result: z.enum(UCI_CALL_RESULTS),
    callerNumber: z.string(),
    callerName: z.string(),
    calledNumber: z.string(),
    calledName: z.string(),
    callDescription: z.string().describe('The other party (or the group) as the user saw it'),
    startTime: z.date().describe('dateTime.iso8601 over XML-RPC, an ISO string over JSON-RPC'),
    duration: z.number().int().describe('Seconds talked; 0 for a missed call'),
    groupId: z.string().describe('The group account id of a group call, "" else'),
  })
  .meta({ id: 'UciCallListEntry' });

/** The result of getCallList / getVoicemailList: one page and the count of all matching entries. */
export function uciListPage<T extends z.ZodType>(entry: T) {
  return z.object({ entries: z.array(entry), totalCount: z.number().int() });
}
