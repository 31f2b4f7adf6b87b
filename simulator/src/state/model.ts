import { z } from 'zod';
import { LicenceTypeSchema, RightKeySchema } from '../../../shared/catalogue.js';
import { AppSessionSchema } from '../../../shared/schemas/app.js';
import {
  ConfigurationSchema,
  ModeSchema,
  ModuleLogEntrySchema,
  ModuleSchema,
} from '../../../shared/schemas/modules.js';
import { CallJournalEntrySchema } from '../../../shared/schemas/callJournal.js';
import { UserSchema } from '../../../shared/schemas/users.js';
import { VirtualPhoneSchema } from '../../../shared/schemas/calls.js';
import { DIGEST_ALGORITHMS } from '../../../shared/schemas/sipDigest.js';
import { OAUTH_CLIENT_SECRET_PATTERN } from '../../../shared/schemas/oauth.js';
import { TelephonyNextIdSchema, TelephonyStateShape } from './telephonyModel.js';
import { DEFAULT_CONFERENCE_CONFIGURATION, DEFAULT_CONTACTS_SCHEME } from './telephonyDefaults.js';

/**
 * The persisted state of the simulated PBX. The file store validates it on load, so a hand-edited or
 * truncated file is reported with the path of the broken field instead of crashing later.
 */
export const StoredUserSchema = UserSchema.omit({ password: true }).extend({
  /**
   * sha512hex(password): what the REST and UCI logins are checked against; `""` (NO_PASSWORD) for a user created
   * without one, who cannot sign in until one is set. Password-equivalent for these logins: their handshake is
   * computed from this hash, not from the password (shared/hashes.ts).
   */
  passwordHash: z.string(),
  /**
   * The SIP secret, in plain text: SIP digest needs it (or an HA1, which is bound to a realm that here follows the
   * configuration) and it leaves only to an admin (GET /rest/sim/credentials) or once to its owner (PUT
   * /rest/sim/users/{id}/sip-secret). Its own value — given by the scenario or generated — never the login
   * password, but for the built-in scenarios' public ones. Stores written before kept the login password here
   * (and a `sipPasswordCustom` flag, now dropped on load): it stays the SIP secret, so enrolled phones keep
   * registering, until someone sets a new one. `""`: no SIP account (the admin).
   */
  sipPassword: z.string(),
  rights: z.array(RightKeySchema),
  licences: z.array(LicenceTypeSchema),
  app: AppSessionSchema,
  /** UCI user state (DND, chat presence message); absent in older stores = the defaults (uci/userState.ts). */
  uci: z.object({ doNotDisturb: z.boolean(), chatPresenceMessage: z.string() }).optional(),
});
export type StoredUser = z.infer<typeof StoredUserSchema>;

const AppliedSettingsSchema = z.object({
  mode: ModeSchema,
  pbxName: z.string(),
  autoprovisioning: z.boolean(),
  key: z.string().nullable(),
});
export type AppliedSettings = z.infer<typeof AppliedSettingsSchema>;

export const StoredConfigurationSchema = ConfigurationSchema.pick({
  id: true,
  name: true,
  active: true,
  mode: true,
  pbxName: true,
  autoprovisioning: true,
  revision: true,
}).extend({
  module: z.string(),
  key: z.string().nullable(),
  keyCreatedAt: z.string().nullable(),
  connector: z.object({
    active: z.boolean(),
    appliedRevision: z.number().int().nullable(),
    startedAt: z.string().nullable(),
    applied: AppliedSettingsSchema.nullable(),
  }),
  log: z.array(ModuleLogEntrySchema),
});
export type StoredConfiguration = z.infer<typeof StoredConfigurationSchema>;

export const PbxStateSchema = z.object({
  schemaVersion: z.literal(1),
  scenario: z.string(),
  server: z.object({ version: z.string(), minVersion: z.string() }),
  nextId: z.object({
    user: z.number().int(),
    licence: z.number().int(),
    module: z.number().int(),
    configuration: z.number().int(),
    ...TelephonyNextIdSchema,
    callJournalEntry: z.number().int().default(1),
  }),
  users: z.array(StoredUserSchema),
  licences: z.array(z.object({ id: z.number().int(), type: LicenceTypeSchema, count: z.number().int() })),
  modules: z.array(ModuleSchema),
  configurations: z.array(StoredConfigurationSchema),
  /** Extensions the simulator answers itself; absent in stores written before virtual phones existed. */
  virtualPhones: z.array(VirtualPhoneSchema).default([]),
  /** SIP settings from the scenario; absent = the defaults (digest: MD5 only). */
  sip: z.object({ digest: z.array(z.enum(DIGEST_ALGORITHMS)).min(1).optional() }).optional(),
  /** Numbers, phones, groups, redirects, contacts, function keys, voicemail, conferences, iFMC, avatars (REST 6.7). */
  ...TelephonyStateShape,
  /**
   * Ended calls, one entry per user per call, oldest first (state/callJournal.ts); bounded per user and in all
   * (CALL_JOURNAL_MAX_PER_USER, CALL_JOURNAL_MAX_TOTAL). Absent in stores written before the journal existed.
   */
  callJournal: z.array(CallJournalEntrySchema).default([]),
  /**
   * The PBX's OAuth client (STARFACE 10+): its secret, made once per PBX (state/oauthClient.ts) and kept when a
   * scenario is applied, as the admin password is. Absent in stores written before OAuth existed: made at start.
   */
  oauth: z.object({ clientSecret: z.string().regex(OAUTH_CLIENT_SECRET_PATTERN) }).optional(),
});
export type PbxState = z.infer<typeof PbxStateSchema>;

export function emptyState(version: string, minVersion: string): PbxState {
  return {
    schemaVersion: 1,
    scenario: 'empty',
    server: { version, minVersion },
    nextId: {
      user: 1,
      licence: 1,
      module: 1,
      configuration: 1,
      numberBlock: 1,
      phoneNumber: 1,
      phone: 1,
      callService: 1,
      redirect: 1,
      tag: 1,
      contact: 1,
      functionKeySet: 1,
      functionKey: 1,
      voicemailbox: 1,
      voicemailMessage: 1,
      conference: 1,
      participant: 1,
      fmcPhone: 1,
      callJournalEntry: 1,
    },
    users: [],
    licences: [],
    modules: [],
    configurations: [],
    virtualPhones: [],
    numberBlocks: [],
    phoneNumbers: [],
    phones: [],
    telephonySettings: [],
    groups: [],
    callServices: [],
    redirects: [],
    tags: [],
    contacts: [],
    contactsScheme: structuredClone(DEFAULT_CONTACTS_SCHEME),
    functionKeySets: [],
    voicemailboxes: [],
    conferenceSettings: { ...DEFAULT_CONFERENCE_CONFIGURATION },
    conferences: [],
    fmcPhones: [],
    avatars: [],
    callJournal: [],
  };
}
