import { z } from 'zod';
import { AVATAR_MEDIA_TYPES } from '../../../shared/api/users.js';
import { AttributeDisplayKeySchema } from '../../../shared/schemas/contacts.js';
import { ConferenceLanguageSchema, ConferenceOccurrenceSchema } from '../../../shared/schemas/conferences.js';
import { TimeFrameSchema } from '../../../shared/schemas/fmc.js';
import { FunctionKeySchema } from '../../../shared/schemas/functionKeys.js';
import { PhoneNumberTypeSchema } from '../../../shared/schemas/phoneNumbers.js';
import { RedirectTriggerTypeSchema } from '../../../shared/schemas/redirects.js';
import { DEFAULT_CONTACTS_SCHEME, DEFAULT_CONFERENCE_CONFIGURATION } from './telephonyDefaults.js';

/*
 * The telephony side of the PBX model, behind the REST 6.7 resources: numbers, phones, groups, redirects,
 * call services, contacts, function keys, voicemail, conferences, iFMC and avatars. Records reference each
 * other by id, the way the API types them (integer ids where the API says integer, string where string); a
 * reference to a user or group is its account id (users and groups share that id space, as on the PBX).
 * The REST shapes are derived from these records, never stored twice (accounts have no storage at all).
 * Every collection defaults to empty, so a store written before these existed still loads.
 */

const Id = z.number().int().positive();

/** A block of external numbers: country and area code, the base number, and how the PBX dials out. */
export const NumberBlockSchema = z.object({
  id: Id,
  countryCode: z.string(),
  localAreaCode: z.string(),
  baseNumber: z.string(),
  exitCode: z.string(),
  nationalPrefix: z.string(),
});
export type NumberBlock = z.infer<typeof NumberBlockSchema>;

/**
 * A number of the PBX. Internal numbers are the whole extension; an external one is the extension inside its
 * block (`numberBlockId`). It belongs to at most one user or group, for `serviceId`; with neither, a set
 * `serviceId` (or `moduleInstanceId`) means the number belongs to that service itself; nothing set: spare.
 */
export const StoredPhoneNumberSchema = z.object({
  id: Id,
  type: PhoneNumberTypeSchema,
  number: z.string(),
  numberBlockId: Id.nullable(),
  userId: Id.nullable(),
  groupId: Id.nullable(),
  serviceId: Id.nullable(),
  moduleInstanceId: z.string().nullable(),
});
export type StoredPhoneNumber = z.infer<typeof StoredPhoneNumberSchema>;

/** A user's phone: a SIP device (registers with the user's SIP login) or the telephone behind an iFMC phone. */
export const StoredPhoneSchema = z.object({
  id: Id,
  userId: Id,
  name: z.string(),
  kind: z.enum(['sip', 'ifmc']),
  active: z.boolean(),
  /** The user's numbers that ring on this phone. */
  numbers: z.array(z.object({ phoneNumberId: Id, active: z.boolean() })),
});
export type StoredPhone = z.infer<typeof StoredPhoneSchema>;

/** PhoneConfig and PhoneNumberConfig of one user (DND stays in the user's UCI state); absent = defaults. */
export const TelephonySettingsSchema = z.object({
  userId: Id,
  callWaiting: z.boolean(),
  primaryPhoneId: Id.nullable(),
  displayNumberId: Id.nullable(),
  primaryInternalNumberId: Id.nullable(),
  primaryExternalNumberId: Id.nullable(),
  signalingNumberId: Id.nullable(),
});
export type TelephonySettings = z.infer<typeof TelephonySettingsSchema>;

/** A group (its numbers are those whose `groupId` names it); `loggedIn` is the member's group login. */
export const StoredGroupSchema = z.object({
  id: Id,
  groupId: z.string(),
  name: z.string(),
  chatGroup: z.boolean(),
  voicemail: z.boolean(),
  members: z.array(z.object({ userId: Id, loggedIn: z.boolean() })),
});
export type StoredGroup = z.infer<typeof StoredGroupSchema>;

export const CallServiceRecordSchema = z.object({ id: Id, name: z.string(), label: z.string(), type: z.string() });
export type CallServiceRecord = z.infer<typeof CallServiceRecordSchema>;

export const RedirectTargetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('PHONENUMBER'), phoneNumber: z.string() }),
  z.object({ type: z.literal('MAILBOX'), voicemailboxId: Id }),
]);
export type RedirectTarget = z.infer<typeof RedirectTargetSchema>;

/**
 * One redirection of one number of a user or group for one trigger. `lastPhoneNumber` / `lastVoicemailboxId`
 * remember the other kind of target; `delaySeconds` is how long a TIMEOUT redirect lets the phone ring.
 */
export const StoredRedirectSchema = z.object({
  id: z.string(),
  accountId: Id,
  phoneNumberId: Id,
  trigger: RedirectTriggerTypeSchema,
  enabled: z.boolean(),
  target: RedirectTargetSchema,
  lastPhoneNumber: z.string().nullable(),
  lastVoicemailboxId: Id.nullable(),
  delaySeconds: z.number().int().min(0),
});
export type StoredRedirect = z.infer<typeof StoredRedirectSchema>;

/** `ownerUserId`: null for a tag or contact of the central address book, else the user's private one. */
export const StoredTagSchema = z.object({
  id: z.string(),
  name: z.string(),
  alias: z.string().nullable(),
  ownerUserId: Id.nullable(),
});
export type StoredTag = z.infer<typeof StoredTagSchema>;

/**
 * A contact as flat attribute values keyed by the scheme's attribute names; the blocks of the REST shape are
 * laid out from the scheme when answering. `accountId` links it to a user (whose `personId` is this `id`).
 */
export const StoredContactSchema = z.object({
  id: z.string(),
  ownerUserId: Id.nullable(),
  accountId: Id.nullable(),
  editable: z.boolean(),
  tagIds: z.array(z.string()),
  values: z.record(z.string(), z.string()),
});
export type StoredContact = z.infer<typeof StoredContactSchema>;

/** The address book's layout: blocks of attributes with their labels, and which go into a list's summary. */
export const ContactsSchemeModelSchema = z.object({
  blocks: z.array(
    z.object({
      name: z.string(),
      resourceKey: z.string(),
      attributes: z.array(
        z.object({
          name: z.string(),
          displayKey: AttributeDisplayKeySchema,
          label: z.object({ en: z.string(), de: z.string() }),
        }),
      ),
    }),
  ),
  summary: z.array(z.string()),
  phoneNumbers: z.array(z.string()),
});
export type ContactsSchemeModel = z.infer<typeof ContactsSchemeModelSchema>;

/** A key as the API has it, less `accountId` (the set's owner). */
export const StoredFunctionKeySchema = FunctionKeySchema.omit({ accountId: true });
export type StoredFunctionKey = z.infer<typeof StoredFunctionKeySchema>;

export const StoredFunctionKeySetSchema = z.object({
  id: z.string(),
  userId: Id,
  name: z.string(),
  /** The phones showing this set. */
  phoneIds: z.array(Id),
  /** In key order. */
  keys: z.array(StoredFunctionKeySchema),
});
export type StoredFunctionKeySet = z.infer<typeof StoredFunctionKeySetSchema>;

/** A message left on a voicemail box (by a caller or by a virtual voicemail of the simulator). */
export const VoicemailMessageSchema = z.object({
  id: z.string(),
  caller: z.string(),
  receivedAt: z.string(),
  durationSeconds: z.number().int().min(0),
  read: z.boolean(),
});
export type VoicemailMessage = z.infer<typeof VoicemailMessageSchema>;

/** `pin` is the box's password as the API reads and writes it. */
export const StoredVoicemailboxSchema = z.object({
  id: Id,
  name: z.string(),
  number: z.string(),
  pin: z.string(),
  maximumDurationSeconds: z.number().int().min(0),
  noRecord: z.boolean(),
  users: z.array(z.object({ userId: Id, sendMail: z.boolean() })),
  groups: z.array(z.object({ groupId: Id, sendMail: z.boolean() })),
  messages: z.array(VoicemailMessageSchema),
});
export type StoredVoicemailbox = z.infer<typeof StoredVoicemailboxSchema>;

/** The PBX-wide conference settings; the mail body variables are fixed and not stored. */
export const ConferenceSettingsSchema = z.object({
  eMailSubject: z.string(),
  eMailBody: z.string(),
  language: ConferenceLanguageSchema,
  serverAddress: z.string().nullable(),
  internalNumberId: Id.nullable(),
  externalNumberId: Id.nullable(),
});
export type ConferenceSettings = z.infer<typeof ConferenceSettingsSchema>;

/** `startTime`: ms since the epoch. A participant's `userId` is 0 for someone outside the PBX. */
export const StoredConferenceSchema = z.object({
  id: Id,
  ownerUserId: Id,
  name: z.string(),
  eMailBody: z.string(),
  occurrence: ConferenceOccurrenceSchema,
  startTime: z.number().int(),
  state: z.enum(['planned', 'active', 'terminated']),
  participants: z.array(
    z.object({
      id: Id,
      userId: z.number().int().min(0),
      displayName: z.string(),
      phoneNumber: z.string(),
      eMailAddress: z.string().nullable(),
      isModerator: z.boolean(),
      callOnStart: z.boolean(),
    }),
  ),
});
export type StoredConference = z.infer<typeof StoredConferenceSchema>;

/** An iFMC phone: `phoneId` is the telephone it appears as among the user's phones (`telephoneId` in the API). */
export const StoredFmcPhoneSchema = z.object({
  id: z.string(),
  userId: Id,
  phoneId: Id,
  number: z.string(),
  active: z.boolean(),
  confirm: z.boolean(),
  delaySeconds: z.number().int().min(0),
  schedule: z.array(TimeFrameSchema),
});
export type StoredFmcPhone = z.infer<typeof StoredFmcPhoneSchema>;

/** What an avatar may be: PNG or JPEG, at most this many bytes decoded. */
export const AVATAR_MAX_BYTES = 256 * 1024;
export const AVATAR_MIME_TYPES = AVATAR_MEDIA_TYPES;

export const StoredAvatarSchema = z.object({
  userId: Id,
  mimeType: z.enum(AVATAR_MIME_TYPES),
  base64: z
    .string()
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
    .refine((b) => Math.floor((b.length * 3) / 4) <= AVATAR_MAX_BYTES + 2, {
      message: `must be at most ${AVATAR_MAX_BYTES} bytes`,
    }),
});
export type StoredAvatar = z.infer<typeof StoredAvatarSchema>;

/** Counters of the new collections; groups take their ids from the user counter (one account id space). */
export const TelephonyNextIdSchema = {
  numberBlock: z.number().int().default(1),
  phoneNumber: z.number().int().default(1),
  phone: z.number().int().default(1),
  callService: z.number().int().default(1),
  redirect: z.number().int().default(1),
  tag: z.number().int().default(1),
  contact: z.number().int().default(1),
  functionKeySet: z.number().int().default(1),
  functionKey: z.number().int().default(1),
  voicemailbox: z.number().int().default(1),
  voicemailMessage: z.number().int().default(1),
  conference: z.number().int().default(1),
  participant: z.number().int().default(1),
  fmcPhone: z.number().int().default(1),
};

/** The collections, each defaulting to empty (or the built-in default) for stores that predate them. */
export const TelephonyStateShape = {
  numberBlocks: z.array(NumberBlockSchema).default([]),
  phoneNumbers: z.array(StoredPhoneNumberSchema).default([]),
  phones: z.array(StoredPhoneSchema).default([]),
  telephonySettings: z.array(TelephonySettingsSchema).default([]),
  groups: z.array(StoredGroupSchema).default([]),
  callServices: z.array(CallServiceRecordSchema).default([]),
  redirects: z.array(StoredRedirectSchema).default([]),
  tags: z.array(StoredTagSchema).default([]),
  contacts: z.array(StoredContactSchema).default([]),
  contactsScheme: ContactsSchemeModelSchema.default(() => structuredClone(DEFAULT_CONTACTS_SCHEME)),
  functionKeySets: z.array(StoredFunctionKeySetSchema).default([]),
  voicemailboxes: z.array(StoredVoicemailboxSchema).default([]),
  conferenceSettings: ConferenceSettingsSchema.default(() => ({ ...DEFAULT_CONFERENCE_CONFIGURATION })),
  conferences: z.array(StoredConferenceSchema).default([]),
  fmcPhones: z.array(StoredFmcPhoneSchema).default([]),
  avatars: z.array(StoredAvatarSchema).default([]),
};
