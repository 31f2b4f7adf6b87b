import { z } from 'zod';
import { AttributeDisplayKeySchema } from './contacts.js';
import { ConferenceLanguageSchema, ConferenceOccurrenceSchema } from './conferences.js';
import { TimeFrameSchema } from './fmc.js';
import { FunctionKeySchema, FunctionKeyTypeSchema } from './functionKeys.js';
import { PhoneNumberTypeSchema } from './phoneNumbers.js';
import { RedirectTriggerTypeSchema } from './redirects.js';

/*
 * The telephony sections of a scenario file (numbers, phones, groups, redirects, call services, contacts,
 * function keys, voicemail, conferences, iFMC, avatars). Everything is named the way a person writes it —
 * users by login, groups by name, numbers by their digits, services by name — never by ids, which the
 * simulator gives. Every section is optional; references are checked when the scenario is applied, and an
 * unknown one is an error naming its path (e.g. `phoneNumbers.3.user: no user with login "1009"`).
 */

const Digits = z.string().regex(/^\+?\d{1,20}$/, 'must be digits');
const Login = z.string().min(1);

export const ScenarioNumberBlockSchema = z.strictObject({
  countryCode: z
    .string()
    .regex(/^\d{1,4}$/)
    .default('49'),
  localAreaCode: z.string().regex(/^\d{1,6}$/),
  baseNumber: z.string().regex(/^\d{1,12}$/),
  exitCode: z
    .string()
    .regex(/^\d{0,2}$/)
    .default('0'),
  nationalPrefix: z
    .string()
    .regex(/^\d{0,2}$/)
    .default('0'),
});

/**
 * A number: INTERNAL numbers are the whole extension, EXTERNAL ones the extension inside `block` (the block's
 * `baseNumber`). At most one of `user` / `group`; `service` is what they hold it for (default: telephony) or,
 * alone, the service that owns it. Neither: a spare number. A user's `extension` is an internal number of
 * theirs even when not listed here.
 */
export const ScenarioPhoneNumberSchema = z
  .strictObject({
    number: Digits,
    type: PhoneNumberTypeSchema.default('INTERNAL'),
    block: z.string().optional().describe("The block's baseNumber (EXTERNAL numbers)"),
    user: Login.optional(),
    group: z.string().optional(),
    service: z.string().optional(),
  })
  .refine((n) => !(n.user && n.group), { message: 'a number belongs to a user or a group, not both', path: ['group'] });

/** A SIP device of a user; `numbers` default to all of the user's numbers. */
export const ScenarioPhoneSchema = z.strictObject({
  user: Login,
  name: z.string().min(1).max(100),
  active: z.boolean().default(true),
  numbers: z.array(Digits).optional(),
});

export const ScenarioGroupSchema = z.strictObject({
  name: z.string().min(1).max(100),
  groupId: z.string().min(1).max(100).optional().describe('Default: the name in lower case'),
  members: z.array(Login).default([]),
  chatGroup: z.boolean().default(false),
  voicemail: z.boolean().default(false),
});

export const ScenarioCallServiceSchema = z.strictObject({
  name: z.string().min(1).max(100),
  label: z.string().max(100).default(''),
  type: z.string().max(50).default('DEFAULT'),
});

/** A redirection of one of the user's (or group's) numbers to a number or to a voicemail box (by its number). */
export const ScenarioRedirectSchema = z
  .strictObject({
    user: Login.optional(),
    group: z.string().optional(),
    number: Digits,
    trigger: RedirectTriggerTypeSchema,
    enabled: z.boolean().default(true),
    to: z.union([z.strictObject({ phoneNumber: Digits }), z.strictObject({ mailbox: Digits })]),
    delaySeconds: z.number().int().min(0).max(600).default(20),
  })
  .refine((r) => (r.user === undefined) !== (r.group === undefined), {
    message: 'give exactly one of user and group',
    path: ['user'],
  });

export const ScenarioVoicemailboxSchema = z.strictObject({
  name: z.string().min(1).max(100),
  number: Digits,
  pin: z
    .string()
    .regex(/^\d{0,16}$/, 'must be digits')
    .default(''),
  maximumDurationSeconds: z.number().int().min(0).max(3600).default(180),
  noRecord: z.boolean().default(false),
  users: z.array(z.strictObject({ login: Login, sendMail: z.boolean().default(false) })).default([]),
  groups: z.array(z.strictObject({ name: z.string(), sendMail: z.boolean().default(false) })).default([]),
  messages: z
    .array(
      z.strictObject({
        caller: z.string(),
        receivedAt: z.iso.datetime().optional(),
        durationSeconds: z.number().int().min(0).default(10),
        read: z.boolean().default(false),
      }),
    )
    .default([]),
});

export const ScenarioTagSchema = z.strictObject({
  name: z.string().min(1).max(100),
  alias: z.string().max(100).optional(),
  owner: Login.optional().describe('A private tag of this user; default: the central address book'),
});

/** `values` are keyed by the contacts scheme's attribute names (firstname, lastname, company, phone …). */
export const ScenarioContactSchema = z.strictObject({
  owner: Login.optional().describe("A contact in this user's private address book; default: the central one"),
  user: Login.optional().describe("The user this contact describes (sets the user's personId)"),
  editable: z.boolean().default(true),
  tags: z.array(z.string()).default([]),
  values: z.record(z.string(), z.string()),
});

export const ScenarioContactsSchemeSchema = z.strictObject({
  blocks: z.array(
    z.strictObject({
      name: z.string().min(1),
      resourceKey: z.string().default(''),
      attributes: z.array(
        z.strictObject({
          name: z.string().min(1),
          displayKey: AttributeDisplayKeySchema,
          label: z.strictObject({ en: z.string(), de: z.string() }),
        }),
      ),
    }),
  ),
  summary: z.array(z.string()),
  phoneNumbers: z.array(z.string()),
});

/** A key as the API has it, without the ids the simulator gives; `blf` names the watched user by login. */
export const ScenarioFunctionKeySchema = FunctionKeySchema.omit({
  accountId: true,
  id: true,
  position: true,
  blfAccountId: true,
  groupIds: true,
})
  .extend({
    functionKeyType: FunctionKeyTypeSchema,
    blf: Login.optional().describe('BUSYLAMPFIELD: the login whose line the key shows'),
    groups: z.array(z.string()).optional().describe('GROUPLOGIN: group names'),
  })
  .strict();

export const ScenarioFunctionKeySetSchema = z.strictObject({
  user: Login,
  name: z.string().min(1).max(100),
  phones: z.array(z.string()).default([]).describe('Names of phones of the user that show this set'),
  keys: z.array(ScenarioFunctionKeySchema).default([]),
});

export const ScenarioConferenceSettingsSchema = z.strictObject({
  eMailSubject: z.string().optional(),
  eMailBody: z.string().optional(),
  language: ConferenceLanguageSchema.optional(),
  serverAddress: z.string().optional(),
  internalNumber: Digits.optional(),
  externalNumber: Digits.optional(),
});

export const ScenarioConferenceSchema = z.strictObject({
  owner: Login,
  name: z.string().min(1).max(100),
  eMailBody: z.string().default(''),
  occurrence: ConferenceOccurrenceSchema.default('ONCE'),
  startTime: z.union([z.number().int(), z.iso.datetime()]).describe('ms since the epoch or an ISO date-time'),
  participants: z
    .array(
      z.strictObject({
        login: Login.optional().describe('A user of the PBX; default: someone outside'),
        displayName: z.string(),
        phoneNumber: z.string(),
        eMailAddress: z.string().optional(),
        isModerator: z.boolean().default(false),
        callOnStart: z.boolean().default(false),
      }),
    )
    .default([]),
});

export const ScenarioFmcPhoneSchema = z.strictObject({
  user: Login,
  number: Digits,
  active: z.boolean().default(true),
  confirm: z.boolean().default(false),
  delaySeconds: z.number().int().min(0).max(600).default(0),
  schedule: z.array(TimeFrameSchema).default([]),
});

export const ScenarioAvatarSchema = z.strictObject({
  user: Login,
  mimeType: z.enum(['image/png', 'image/jpeg']),
  base64: z.string(),
});

/** The optional sections, spread into ScenarioSchema. */
export const ScenarioTelephonyShape = {
  numberBlocks: z.array(ScenarioNumberBlockSchema).default([]),
  phoneNumbers: z.array(ScenarioPhoneNumberSchema).default([]),
  phones: z.array(ScenarioPhoneSchema).default([]),
  groups: z.array(ScenarioGroupSchema).default([]),
  callServices: z.array(ScenarioCallServiceSchema).default([]).describe('Besides the built-in "telephony"'),
  redirects: z.array(ScenarioRedirectSchema).default([]),
  voicemailboxes: z.array(ScenarioVoicemailboxSchema).default([]),
  tags: z.array(ScenarioTagSchema).default([]),
  contacts: z.array(ScenarioContactSchema).default([]),
  contactsScheme: ScenarioContactsSchemeSchema.optional().describe('Default: the built-in layout'),
  functionKeySets: z.array(ScenarioFunctionKeySetSchema).default([]),
  conferenceSettings: ScenarioConferenceSettingsSchema.optional(),
  conferences: z.array(ScenarioConferenceSchema).default([]),
  fmcPhones: z.array(ScenarioFmcPhoneSchema).default([]),
  avatars: z.array(ScenarioAvatarSchema).default([]),
};
