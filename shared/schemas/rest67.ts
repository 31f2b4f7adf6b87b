import type { z } from 'zod';
import {
  AccountSchema,
  AuthTokenSchema,
  LoginDefinitionSchema,
  PermissionInfoDefinitionSchema,
  UserDefinitionSchema,
} from './accounts.js';
import { CallServiceSchema } from './callServices.js';
import {
  ConferenceConfigurationMailBodyVariableSchema,
  ConferenceConfigurationSchema,
  ConferenceConfigurationTextsSchema,
  ManagedConferenceParticipantSchema,
  ManagedConferenceSchema,
  ManagedConferenceSummarySchema,
} from './conferences.js';
import {
  AttributeSchema,
  BlockSchema,
  ContactListSchema,
  ContactSchema,
  ContactsSchemeSchema,
  ContactSummarySchema,
  RequestMetadataSchema,
  TagSchema,
} from './contacts.js';
import { FmcPhoneSchema, TimeFrameSchema } from './fmc.js';
import * as fk from './functionKeys.js';
import { AssignableUserSchema, GroupListItemSchema, GroupSchema } from './groups.js';
import {
  AssignableNumberSchema,
  PhoneNumberAssignmentSchema,
  PhoneNumberConfigSchema,
  PhoneNumberSchema,
} from './phoneNumbers.js';
import { NumberForPhoneAssignmentSchema, PhoneAssignmentSchema, PhoneConfigSchema } from './phones.js';
import {
  RedirectDestinationSchema,
  RedirectionSchema,
  RedirectMailboxDestinationSchema,
  RedirectPhoneNumberDestinationSchema,
  RedirectTriggerSchema,
} from './redirects.js';
import {
  VoicemailboxListItemSchema,
  VoicemailboxSchema,
  VoicemailGroupSchema,
  VoicemailUserSchema,
} from './voicemail.js';

/**
 * Every definition of the STARFACE REST API 6.7.0.22 by its name in the fact sheet
 * (starface-rest-6.7-operations.md), as the simulator answers it. `shared/rest67Operations.ts` refers to these
 * names; a test compares this map with the operations and, later, with the simulator's OpenAPI document.
 */
export const REST67_DEFINITIONS = {
  Account: AccountSchema,
  AssignableNumber: AssignableNumberSchema,
  AssignableUser: AssignableUserSchema,
  Attribute: AttributeSchema,
  AuthToken: AuthTokenSchema,
  Block: BlockSchema,
  CallService: CallServiceSchema,
  ConferenceConfiguration: ConferenceConfigurationSchema,
  ConferenceConfigurationMailBodyVariable: ConferenceConfigurationMailBodyVariableSchema,
  ConferenceConfigurationTexts: ConferenceConfigurationTextsSchema,
  Contact: ContactSchema,
  ContactList: ContactListSchema,
  ContactSummary: ContactSummarySchema,
  ContactsScheme: ContactsSchemeSchema,
  EditFunctionKey: fk.EditFunctionKeySchema,
  EditFunctionKeyBusyLampField: fk.EditFunctionKeyBusyLampFieldSchema,
  EditFunctionKeyCallList: fk.EditFunctionKeyCallListSchema,
  EditFunctionKeyCcbs: fk.EditFunctionKeyCcbsSchema,
  EditFunctionKeyDnd: fk.EditFunctionKeyDndSchema,
  EditFunctionKeyDtmf: fk.EditFunctionKeyDtmfSchema,
  EditFunctionKeyForwardCall: fk.EditFunctionKeyForwardCallSchema,
  EditFunctionKeyForwardNumberUnconditional: fk.EditFunctionKeyForwardNumberUnconditionalSchema,
  EditFunctionKeyForwardNumberUnconditionalNumberSetting:
    fk.EditFunctionKeyForwardNumberUnconditionalNumberSettingSchema,
  EditFunctionKeyGenericUrl: fk.EditFunctionKeyGenericUrlSchema,
  EditFunctionKeyGroupLogin: fk.EditFunctionKeyGroupLoginSchema,
  EditFunctionKeyGroupLoginGroupSettings: fk.EditFunctionKeyGroupLoginGroupSettingsSchema,
  EditFunctionKeyModuleActivation: fk.EditFunctionKeyModuleActivationSchema,
  EditFunctionKeyModuleActivationModuleSettings: fk.EditFunctionKeyModuleActivationModuleSettingsSchema,
  EditFunctionKeyParkAndOrbit: fk.EditFunctionKeyParkAndOrbitSchema,
  EditFunctionKeyPhoneContact: fk.EditFunctionKeyPhoneContactSchema,
  EditFunctionKeyQuickDial: fk.EditFunctionKeyQuickDialSchema,
  EditFunctionKeySeperator: fk.EditFunctionKeySeperatorSchema,
  EditFunctionKeySignalNumber: fk.EditFunctionKeySignalNumberSchema,
  FmcPhone: FmcPhoneSchema,
  FunctionKey: fk.FunctionKeySchema,
  FunctionKeySet: fk.FunctionKeySetSchema,
  FunctionKeySetError: fk.FunctionKeySetErrorSchema,
  Group: GroupSchema,
  GroupListItem: GroupListItemSchema,
  Login: LoginDefinitionSchema,
  ManagedConference: ManagedConferenceSchema,
  ManagedConferenceParticipant: ManagedConferenceParticipantSchema,
  ManagedConferenceSummary: ManagedConferenceSummarySchema,
  NumberForPhoneAssignment: NumberForPhoneAssignmentSchema,
  PermissionInfo: PermissionInfoDefinitionSchema,
  PhoneAssignment: PhoneAssignmentSchema,
  PhoneConfig: PhoneConfigSchema,
  PhoneNumber: PhoneNumberSchema,
  PhoneNumberAssignment: PhoneNumberAssignmentSchema,
  PhoneNumberConfig: PhoneNumberConfigSchema,
  RedirectDestination: RedirectDestinationSchema,
  RedirectMailboxDestination: RedirectMailboxDestinationSchema,
  RedirectPhoneNumberDestination: RedirectPhoneNumberDestinationSchema,
  RedirectTrigger: RedirectTriggerSchema,
  Redirection: RedirectionSchema,
  RequestMetadata: RequestMetadataSchema,
  Tag: TagSchema,
  TimeFrame: TimeFrameSchema,
  User: UserDefinitionSchema,
  VoicemailGroup: VoicemailGroupSchema,
  VoicemailUser: VoicemailUserSchema,
  Voicemailbox: VoicemailboxSchema,
  VoicemailboxListItem: VoicemailboxListItemSchema,
} as const satisfies Record<string, z.ZodObject>;

export type Rest67DefinitionName = keyof typeof REST67_DEFINITIONS;
export const REST67_DEFINITION_NAMES = Object.keys(REST67_DEFINITIONS) as Rest67DefinitionName[];
