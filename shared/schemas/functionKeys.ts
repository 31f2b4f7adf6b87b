import { z } from 'zod';
import { AccountSchema } from './accounts.js';
import { lenientObject } from './lenient.js';
import { PhoneNumberSchema } from './phoneNumbers.js';
import { RedirectTriggerTypeSchema } from './redirects.js';

/*
 * REST 6.7 definitions of function key sets (the keys a phone shows) and of the edit forms
 * (`EditFunctionKey*`: one member per key type, with the choices the PBX offers). The spelling
 * `EditFunctionKeySeperator` is the API's own.
 */

export const FunctionKeyTypeSchema = z.enum([
  'SIGNALNUMBER',
  'SEPARATOR',
  'QUICKDIAL',
  'PHONEGENERICURL',
  'PHONEDTMF',
  'ADDRESSBOOK',
  'PHONECALLLIST',
  'PARKANDORBIT',
  'MODULEACTIVATION',
  'GROUPLOGIN',
  'FORWARDNUMBER',
  'FORWARD',
  'DONOTDISTURB',
  'COMPLETIONOFCALLSTOBUSYSUBSCRIBER',
  'BUSYLAMPFIELD',
]);
export type FunctionKeyType = z.infer<typeof FunctionKeyTypeSchema>;
export const AddressbookRequestSchema = z.enum(['CONTACTLIST', 'CONTACTSEARCH']);
export const CallListRequestSchema = z.enum(['INCOMING', 'OUTGOING', 'MISSED']);
export const ForwardTypeSchema = RedirectTriggerTypeSchema;

/** One key; which optional fields matter depends on `functionKeyType`. */
export const FunctionKeySchema = z
  .object({
    accountId: z.string(),
    activateModuleIds: z.array(z.string()).optional(),
    addressBookFolderName: z.string().optional(),
    addressbookRequest: AddressbookRequestSchema.optional(),
    blfAccountId: z.number().int().optional(),
    callListRequest: CallListRequestSchema.optional(),
    directCallTargetnumber: z.string().optional(),
    displayNumberId: z.number().int().optional(),
    dtmf: z.string().optional(),
    forwardType: ForwardTypeSchema.optional(),
    functionKeyType: FunctionKeyTypeSchema,
    genericURL: z.string().optional(),
    groupIds: z.array(z.number().int()).optional(),
    id: z.string(),
    name: z.string(),
    poNumber: z.string().optional(),
    position: z.number().int(),
    redirectNumberIds: z.array(z.number().int()).optional(),
  })
  .meta({ id: 'FunctionKey' });
export type FunctionKey = z.infer<typeof FunctionKeySchema>;
const optionalId = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
/** POST/PUT body of a key: the PBX gives `id` to a new key and knows the set's `accountId`, so both may be absent. */
export const FunctionKeyBodySchema = lenientObject(FunctionKeySchema, { id: optionalId, accountId: optionalId });
export const FunctionKeyListBodySchema = z.array(FunctionKeyBodySchema);

export const FunctionKeySetSchema = z
  .object({ id: z.string(), keyOrder: z.array(z.string()), name: z.string() })
  .meta({ id: 'FunctionKeySet' });
export type FunctionKeySet = z.infer<typeof FunctionKeySetSchema>;

/** Why PUT of a whole key set was refused: the key at `position` duplicates another or is corrupt. */
export const FunctionKeySetErrorSchema = z
  .object({
    errorField: z.string(),
    functionKeyErrorType: z.enum(['DUPLICATE', 'CORRUPT']),
    position: z.number().int(),
  })
  .meta({ id: 'FunctionKeySetError' });
export type FunctionKeySetError = z.infer<typeof FunctionKeySetErrorSchema>;

const named = { name: z.string() };

export const EditFunctionKeyBusyLampFieldSchema = z
  .object({
    availableAccounts: z.array(AccountSchema).optional(),
    blfAccountId: z.number().int(),
    blfDisplayInformation: z.string(),
    ...named,
    number: z.string(),
  })
  .meta({ id: 'EditFunctionKeyBusyLampField' });
export const EditFunctionKeyCallListSchema = z
  .object({ callListRequest: CallListRequestSchema, callListRequests: z.array(z.string()), ...named })
  .meta({ id: 'EditFunctionKeyCallList' });
export const EditFunctionKeyCcbsSchema = z.object(named).meta({ id: 'EditFunctionKeyCcbs' });
export const EditFunctionKeyDndSchema = z.object(named).meta({ id: 'EditFunctionKeyDnd' });
export const EditFunctionKeyDtmfSchema = z.object({ dtmf: z.string(), ...named }).meta({ id: 'EditFunctionKeyDtmf' });
export const EditFunctionKeyForwardCallSchema = z
  .object({ forwardType: ForwardTypeSchema, forwardTypes: z.array(z.string()), ...named })
  .meta({ id: 'EditFunctionKeyForwardCall' });
export const EditFunctionKeyForwardNumberUnconditionalNumberSettingSchema = z
  .object({ activated: z.boolean(), group: z.boolean(), number: z.string(), numberId: z.number().int() })
  .meta({ id: 'EditFunctionKeyForwardNumberUnconditionalNumberSetting' });
export const EditFunctionKeyForwardNumberUnconditionalSchema = z
  .object({
    editFunctionKeyFnuNumberSetting: z.array(EditFunctionKeyForwardNumberUnconditionalNumberSettingSchema),
    ...named,
  })
  .meta({ id: 'EditFunctionKeyForwardNumberUnconditional' });
export const EditFunctionKeyGenericUrlSchema = z
  .object({ genericURL: z.string(), ...named })
  .meta({ id: 'EditFunctionKeyGenericUrl' });
export const EditFunctionKeyGroupLoginGroupSettingsSchema = z
  .object({ activated: z.boolean(), groupId: z.number().int(), groupname: z.string() })
  .meta({ id: 'EditFunctionKeyGroupLoginGroupSettings' });
export const EditFunctionKeyGroupLoginSchema = z
  .object({ editFunctionKeyGlGroupSettings: z.array(EditFunctionKeyGroupLoginGroupSettingsSchema), ...named })
  .meta({ id: 'EditFunctionKeyGroupLogin' });
export const EditFunctionKeyModuleActivationModuleSettingsSchema = z
  .object({ activated: z.boolean(), moduleId: z.string(), name: z.string() })
  .meta({ id: 'EditFunctionKeyModuleActivationModuleSettings' });
export const EditFunctionKeyModuleActivationSchema = z
  .object({ editFunctionKeyMaModuleSettings: z.array(EditFunctionKeyModuleActivationModuleSettingsSchema), ...named })
  .meta({ id: 'EditFunctionKeyModuleActivation' });
export const EditFunctionKeyParkAndOrbitSchema = z
  .object({ ...named, parkAndOrbitNumber: z.string(), parkAndOrbitNumbers: z.array(z.string()) })
  .meta({ id: 'EditFunctionKeyParkAndOrbit' });
export const EditFunctionKeyPhoneContactSchema = z
  .object({
    addressbookRequest: AddressbookRequestSchema,
    addressbookRequests: z.array(z.string()),
    folders: z.array(z.string()),
    ...named,
    selectedFolder: z.string(),
  })
  .meta({ id: 'EditFunctionKeyPhoneContact' });
export const EditFunctionKeyQuickDialSchema = z
  .object({ ...named, number: z.string() })
  .meta({ id: 'EditFunctionKeyQuickDial' });
export const EditFunctionKeySeperatorSchema = z.object(named).meta({ id: 'EditFunctionKeySeperator' });
export const EditFunctionKeySignalNumberSchema = z
  .object({
    ...named,
    phoneNumber: z.string(),
    phoneNumberId: z.number().int(),
    possibleSignalnumbers: z.array(PhoneNumberSchema),
  })
  .meta({ id: 'EditFunctionKeySignalNumber' });

/** The edit form of one key (or the defaults of every type): one member per key type. */
export const EditFunctionKeySchema = z
  .object({
    editFunctionKeyBusyLampField: EditFunctionKeyBusyLampFieldSchema.optional(),
    editFunctionKeyCallList: EditFunctionKeyCallListSchema.optional(),
    editFunctionKeyCcbs: EditFunctionKeyCcbsSchema.optional(),
    editFunctionKeyDnd: EditFunctionKeyDndSchema.optional(),
    editFunctionKeyDtmf: EditFunctionKeyDtmfSchema.optional(),
    editFunctionKeyForwardCall: EditFunctionKeyForwardCallSchema.optional(),
    editFunctionKeyForwardNumberUnconditional: EditFunctionKeyForwardNumberUnconditionalSchema.optional(),
    editFunctionKeyGenericUrl: EditFunctionKeyGenericUrlSchema.optional(),
    editFunctionKeyGroupLogin: EditFunctionKeyGroupLoginSchema.optional(),
    editFunctionKeyModuleActivation: EditFunctionKeyModuleActivationSchema.optional(),
    editFunctionKeyParkAndOrbit: EditFunctionKeyParkAndOrbitSchema.optional(),
    editFunctionKeyPhoneContact: EditFunctionKeyPhoneContactSchema.optional(),
    editFunctionKeyQuickDial: EditFunctionKeyQuickDialSchema.optional(),
    editFunctionKeySeperator: EditFunctionKeySeperatorSchema.optional(),
    editFunctionKeySignalNumber: EditFunctionKeySignalNumberSchema.optional(),
  })
  .meta({ id: 'EditFunctionKey' });
export type EditFunctionKey = z.infer<typeof EditFunctionKeySchema>;

export type AddressbookRequest = z.infer<typeof AddressbookRequestSchema>;
export type CallListRequest = z.infer<typeof CallListRequestSchema>;
export type ForwardType = z.infer<typeof ForwardTypeSchema>;
export type EditFunctionKeyBusyLampField = z.infer<typeof EditFunctionKeyBusyLampFieldSchema>;
export type EditFunctionKeyCallList = z.infer<typeof EditFunctionKeyCallListSchema>;
export type EditFunctionKeyCcbs = z.infer<typeof EditFunctionKeyCcbsSchema>;
export type EditFunctionKeyDnd = z.infer<typeof EditFunctionKeyDndSchema>;
export type EditFunctionKeyDtmf = z.infer<typeof EditFunctionKeyDtmfSchema>;
export type EditFunctionKeyForwardCall = z.infer<typeof EditFunctionKeyForwardCallSchema>;
export type EditFunctionKeyForwardNumberUnconditionalNumberSetting = z.infer<
  typeof EditFunctionKeyForwardNumberUnconditionalNumberSettingSchema
>;
export type EditFunctionKeyForwardNumberUnconditional = z.infer<typeof EditFunctionKeyForwardNumberUnconditionalSchema>;
export type EditFunctionKeyGenericUrl = z.infer<typeof EditFunctionKeyGenericUrlSchema>;
export type EditFunctionKeyGroupLoginGroupSettings = z.infer<typeof EditFunctionKeyGroupLoginGroupSettingsSchema>;
export type EditFunctionKeyGroupLogin = z.infer<typeof EditFunctionKeyGroupLoginSchema>;
export type EditFunctionKeyModuleActivationModuleSettings = z.infer<
  typeof EditFunctionKeyModuleActivationModuleSettingsSchema
>;
export type EditFunctionKeyModuleActivation = z.infer<typeof EditFunctionKeyModuleActivationSchema>;
export type EditFunctionKeyParkAndOrbit = z.infer<typeof EditFunctionKeyParkAndOrbitSchema>;
export type EditFunctionKeyPhoneContact = z.infer<typeof EditFunctionKeyPhoneContactSchema>;
export type EditFunctionKeyQuickDial = z.infer<typeof EditFunctionKeyQuickDialSchema>;
export type EditFunctionKeySeperator = z.infer<typeof EditFunctionKeySeperatorSchema>;
export type EditFunctionKeySignalNumber = z.infer<typeof EditFunctionKeySignalNumberSchema>;

/** `actOnBehalfOf`: the login (or account id) of the user an administrator acts for; default the caller. */
export const FunctionKeyQuerySchema = z.object({ actOnBehalfOf: z.string().optional() });
/** PUT …/phone: `phone` names one of the set owner's phones, by name or by its id. */
export const FunctionKeySetOnPhoneQuerySchema = FunctionKeyQuerySchema.extend({ phone: z.string().min(1) });
