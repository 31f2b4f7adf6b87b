import assert from 'node:assert/strict';
import { z } from 'zod';
import { UserBodySchema } from '../../shared/schemas/accounts.js';
import { ContactBodySchema, ContactSchema } from '../../shared/schemas/contacts.js';
import { FmcPhoneBodySchema } from '../../shared/schemas/fmc.js';
import { FunctionKeyBodySchema, FunctionKeySchema } from '../../shared/schemas/functionKeys.js';
import { queryBoolean, queryInteger } from '../../shared/schemas/lenient.js';
import { PhoneNumberConfigBodySchema, PhoneNumberSchema } from '../../shared/schemas/phoneNumbers.js';
import { RedirectionBodySchema, RedirectionSchema } from '../../shared/schemas/redirects.js';
import { REST67_DEFINITIONS } from '../../shared/schemas/rest67.js';

/** One value per definition, in the shape the fact sheet documents (every field, required and optional). */
const tag = { alias: 'customer', id: '7', name: 'Kunde', owner: '1001' };
const attribute = {
  additionalValues: { k: 'v' },
  displayKey: 'NAME',
  i18nDisplayName: 'Name',
  name: 'firstname',
  value: 'Anna',
};
const block = { attributes: [attribute], name: 'contact', resourceKey: 'contact.block.contact' };
const phoneNumber = {
  assignedGroupAccountId: 5,
  assignedModuleInstanceId: 'm1',
  assignedServiceId: 1,
  assignedUserAccountId: 2,
  exitCode: '0',
  id: 3,
  localPrefix: '30',
  nationalPrefix: '0',
  number: '11',
  numberBlockId: 1,
  type: 'EXTERNAL',
};
const account = {
  accountId: 2,
  displayInformation: 'Anna Albers (1001)',
  federationname: '',
  firstname: 'Anna',
  lastname: 'Albers',
  local: true,
  primaryInternalPhoneNumber: '1001',
  type: 'USER',
};
const timeFrame = {
  friday: true,
  monday: true,
  saturday: false,
  sunday: false,
  thursday: true,
  timeBegin: '08:00',
  timeEnd: '17:00',
  tuesday: true,
  wednesday: true,
};
const mailboxDest = { mailboxId: '2', redirectDestinationType: 'MAILBOX' };
const numberDest = { phoneNumber: '1002', redirectDestinationType: 'PHONENUMBER' };
const participant = {
  callOnStart: true,
  displayName: 'Anna',
  eMailAddress: 'a@b.test',
  isModerator: true,
  participantId: 1,
  phoneNumber: '1001',
  userId: 2,
};
const functionKey = {
  accountId: '2',
  activateModuleIds: ['m'],
  addressBookFolderName: 'f',
  addressbookRequest: 'CONTACTLIST',
  blfAccountId: 3,
  callListRequest: 'MISSED',
  directCallTargetnumber: '1099',
  displayNumberId: 1,
  dtmf: '*1',
  forwardType: 'BUSY',
  functionKeyType: 'BUSYLAMPFIELD',
  genericURL: 'https://x.test',
  groupIds: [5],
  id: '1',
  name: 'Bernd',
  poNumber: '70',
  position: 0,
  redirectNumberIds: [1],
};
const editKeys = {
  editFunctionKeyBusyLampField: {
    availableAccounts: [account],
    blfAccountId: 3,
    blfDisplayInformation: 'Bernd',
    name: 'Bernd',
    number: '1002',
  },
  editFunctionKeyCallList: {
    callListRequest: 'INCOMING',
    callListRequests: ['INCOMING', 'OUTGOING', 'MISSED'],
    name: 'Calls',
  },
  editFunctionKeyCcbs: { name: 'CCBS' },
  editFunctionKeyDnd: { name: 'DND' },
  editFunctionKeyDtmf: { dtmf: '*1', name: 'DTMF' },
  editFunctionKeyForwardCall: { forwardType: 'ALWAYS', forwardTypes: ['ALWAYS', 'BUSY', 'TIMEOUT'], name: 'Fwd' },
  editFunctionKeyForwardNumberUnconditional: {
    editFunctionKeyFnuNumberSetting: [{ activated: true, group: false, number: '1001', numberId: 1 }],
    name: 'FNU',
  },
  editFunctionKeyGenericUrl: { genericURL: 'https://x.test', name: 'URL' },
  editFunctionKeyGroupLogin: {
    editFunctionKeyGlGroupSettings: [{ activated: true, groupId: 5, groupname: 'Support' }],
    name: 'GL',
  },
  editFunctionKeyModuleActivation: {
    editFunctionKeyMaModuleSettings: [{ activated: false, moduleId: 'm', name: 'Mod' }],
    name: 'MA',
  },
  editFunctionKeyParkAndOrbit: { name: 'Park', parkAndOrbitNumber: '70', parkAndOrbitNumbers: ['70', '71'] },
  editFunctionKeyPhoneContact: {
    addressbookRequest: 'CONTACTSEARCH',
    addressbookRequests: ['CONTACTLIST', 'CONTACTSEARCH'],
    folders: ['A'],
    name: 'AB',
    selectedFolder: 'A',
  },
  editFunctionKeyQuickDial: { name: 'QD', number: '1099' },
  editFunctionKeySeperator: { name: '-' },
  editFunctionKeySignalNumber: {
    name: 'SN',
    phoneNumber: '11',
    phoneNumberId: 3,
    possibleSignalnumbers: [phoneNumber],
  },
};
const EXAMPLES: Record<keyof typeof REST67_DEFINITIONS, unknown> = {
  Account: account,
  AssignableNumber: {
    assigned: true,
    countryCode: '49',
    exitCode: '0',
    extension: '10',
    id: 8,
    intern: false,
    localAreaCode: '30',
  },
  AssignableUser: { assigned: true, firstname: 'Anna', id: 2, lastname: 'Albers' },
  Attribute: attribute,
  AuthToken: { token: 'abc' },
  Block: block,
  CallService: { label: 'Telefonie', serviceId: 1, serviceName: 'telephony' },
  ConferenceConfiguration: {
    eMailBody: 'b',
    eMailSubject: 's',
    externalNumberId: 2,
    internalNumberId: 1,
    language: 'de',
    serverAddress: 'pbx',
    variables: [{ name: 'n', placeholder: '$N' }],
  },
  ConferenceConfigurationMailBodyVariable: { name: 'n', placeholder: '$N' },
  ConferenceConfigurationTexts: { eMailBody: 'b', eMailSubject: 's' },
  Contact: {
    accountId: 2,
    blocks: [block],
    editable: true,
    id: '1',
    jabberId: '1001@pbx',
    primaryExternalNumber: '+493055501',
    primaryInternalNumber: '1001',
    tags: [tag],
  },
  ContactList: {
    contacts: [{ additionalValues: {}, id: '1', phoneNumberValues: ['+49301'], summaryValues: ['Anna', 'Albers'] }],
    metadata: { page: 0, pagesize: 20, sort: 'lastname', sortdirection: 'ASC', totalPages: 1 },
    phoneNumbersBlockSchema: block,
    summaryBlockSchema: block,
  },
  ContactSummary: { additionalValues: {}, id: '1', phoneNumberValues: [], summaryValues: [] },
  ContactsScheme: { detailBlocks: [block], phoneNumbersBlock: block, summaryBlock: block },
  EditFunctionKey: editKeys,
  EditFunctionKeyBusyLampField: editKeys.editFunctionKeyBusyLampField,
  EditFunctionKeyCallList: editKeys.editFunctionKeyCallList,
  EditFunctionKeyCcbs: editKeys.editFunctionKeyCcbs,
  EditFunctionKeyDnd: editKeys.editFunctionKeyDnd,
  EditFunctionKeyDtmf: editKeys.editFunctionKeyDtmf,
  EditFunctionKeyForwardCall: editKeys.editFunctionKeyForwardCall,
  EditFunctionKeyForwardNumberUnconditional: editKeys.editFunctionKeyForwardNumberUnconditional,
  EditFunctionKeyForwardNumberUnconditionalNumberSetting:
    editKeys.editFunctionKeyForwardNumberUnconditional.editFunctionKeyFnuNumberSetting[0],
  EditFunctionKeyGenericUrl: editKeys.editFunctionKeyGenericUrl,
  EditFunctionKeyGroupLogin: editKeys.editFunctionKeyGroupLogin,
  EditFunctionKeyGroupLoginGroupSettings: editKeys.editFunctionKeyGroupLogin.editFunctionKeyGlGroupSettings[0],
  EditFunctionKeyModuleActivation: editKeys.editFunctionKeyModuleActivation,
  EditFunctionKeyModuleActivationModuleSettings:
    editKeys.editFunctionKeyModuleActivation.editFunctionKeyMaModuleSettings[0],
  EditFunctionKeyParkAndOrbit: editKeys.editFunctionKeyParkAndOrbit,
  EditFunctionKeyPhoneContact: editKeys.editFunctionKeyPhoneContact,
  EditFunctionKeyQuickDial: editKeys.editFunctionKeyQuickDial,
  EditFunctionKeySeperator: editKeys.editFunctionKeySeperator,
  EditFunctionKeySignalNumber: editKeys.editFunctionKeySignalNumber,
  FmcPhone: {
    active: true,
    confirm: false,
    delay: 5,
    fmcSchedule: [timeFrame],
    id: '1',
    number: '+491701234567',
    telephoneId: '4',
  },
  FunctionKey: functionKey,
  FunctionKeySet: { id: '1', keyOrder: ['1', '2'], name: 'Anna' },
  FunctionKeySetError: { errorField: 'name', functionKeyErrorType: 'DUPLICATE', position: 2 },
  Group: {
    assignableNumbers: [{ assigned: true, id: 8 }],
    assignableUsers: [{ assigned: true, id: 2 }],
    chatGroup: false,
    groupId: 'support',
    id: 5,
    name: 'Support',
    voicemail: false,
  },
  GroupListItem: { groupexternalnumber: '+493055510', groupinternalnumber: '1010', groupname: 'Support', id: 5 },
  Login: { loginType: 'Internal', nonce: 'n', secret: null },
  ManagedConference: {
    conferenceId: 1,
    eMailBody: 'b',
    name: 'Weekly',
    occurrence: 'EVERYWEEK',
    participants: [participant],
    startTime: 1767225600000,
  },
  ManagedConferenceParticipant: participant,
  ManagedConferenceSummary: {
    conferenceId: 1,
    isActive: false,
    isReadonly: false,
    isTerminated: false,
    name: 'Weekly',
    startTime: 1767225600000,
  },
  NumberForPhoneAssignment: { active: true, phoneNumber: '1001', phoneNumberId: 1 },
  PermissionInfo: { description: 'Login', id: 1, permission: 'login_perm' },
  PhoneAssignment: { active: true, isIFMC: false, phoneId: 1, phoneName: 'Softphone 1001', userId: 2 },
  PhoneConfig: { callWaiting: true, displayNumberId: 2, doNotDisturb: false, primaryPhoneId: 1 },
  PhoneNumber: phoneNumber,
  PhoneNumberAssignment: { accountId: 2, phoneNumberId: 1, serviceId: 1 },
  PhoneNumberConfig: {
    possibleSignalnumbers: [phoneNumber],
    primaryExternalNumberId: 2,
    primaryInternalNumberId: 1,
    signalingNumberId: 2,
  },
  RedirectDestination: { redirectDestinationType: 'MAILBOX' },
  RedirectMailboxDestination: mailboxDest,
  RedirectPhoneNumberDestination: numberDest,
  RedirectTrigger: { redirectTriggerType: 'TIMEOUT' },
  Redirection: {
    enabled: false,
    groupNumber: false,
    id: '1',
    lastMailboxDestination: mailboxDest,
    lastPhoneNumberDestination: numberDest,
    phoneNumber: '1002',
    redirectDestination: mailboxDest,
    redirectTrigger: { redirectTriggerType: 'BUSY' },
  },
  RequestMetadata: { page: 0, pagesize: 20, sort: 'name', sortdirection: 'DESC', totalPages: 3 },
  Tag: tag,
  TimeFrame: timeFrame,
  User: {
    email: 'a@b.test',
    familyName: 'Albers',
    faxCallerId: '',
    faxCoverPage: false,
    faxEmailJournal: false,
    faxHeader: '',
    firstName: 'Anna',
    id: 2,
    language: 'de',
    login: '1001',
    missedCallReport: true,
    namespace: '',
    password: '',
    personId: '1',
  },
  VoicemailGroup: { accountId: 5, name: 'Support', sendMail: false },
  VoicemailUser: { accountId: 2, name: 'Anna', sendMail: true, voicemailboxName: 'Anna Albers' },
  Voicemailbox: {
    id: 1,
    maximumDuration: 180,
    name: 'Anna Albers',
    noRecord: false,
    number: '9001',
    password: '1001',
    voicemailGroups: [{ accountId: 5, name: 'Support', sendMail: false }],
    voicemailUsers: [{ accountId: 2, name: 'Anna', sendMail: true, voicemailboxName: 'Anna Albers' }],
  },
  VoicemailboxListItem: {
    assignedgroups: ['Support'],
    assignedusers: ['Anna Albers'],
    id: 1,
    mailboxnumber: '9001',
    voiceboxname: 'Anna Albers',
  },
};

/** The fact sheet's required fields of some definitions, to catch a mark lost in transcription. */
const REQUIRED: Partial<Record<keyof typeof REST67_DEFINITIONS, string[]>> = {
  Account: [
    'accountId',
    'displayInformation',
    'federationname',
    'firstname',
    'lastname',
    'local',
    'primaryInternalPhoneNumber',
    'type',
  ],
  User: ['email', 'familyName', 'firstName', 'language', 'login'],
  Contact: ['blocks', 'editable', 'tags'],
  FunctionKey: ['accountId', 'functionKeyType', 'id', 'name', 'position'],
  PhoneNumber: ['id', 'number', 'type'],
  PhoneNumberConfig: ['possibleSignalnumbers', 'primaryExternalNumberId'],
  Redirection: ['enabled', 'id', 'redirectDestination', 'redirectTrigger'],
  ManagedConference: ['eMailBody', 'name', 'occurrence', 'startTime'],
  Group: [],
  Voicemailbox: [],
  FmcPhone: ['active', 'confirm', 'delay', 'fmcSchedule', 'id', 'number'],
  RequestMetadata: ['page', 'pagesize', 'sortdirection', 'totalPages'],
};

function requiredOf(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    .filter(([, f]) => !f.safeParse(undefined).success)
    .map(([k]) => k)
    .sort();
}

describe('REST 6.7 definitions (fact sheet)', () => {
  it('holds all 63 definitions, each an object schema', () => {
    assert.equal(Object.keys(REST67_DEFINITIONS).length, 63);
    for (const schema of Object.values(REST67_DEFINITIONS)) assert.ok(schema instanceof z.ZodObject);
  });

  for (const [name, schema] of Object.entries(REST67_DEFINITIONS)) {
    it(`${name}: the fact-sheet example with every field parses and keeps every field`, () => {
      const example = EXAMPLES[name as keyof typeof REST67_DEFINITIONS];
      const parsed = schema.safeParse(example);
      assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
      assert.deepEqual(Object.keys(parsed.data as object).sort(), Object.keys(example as object).sort());
      // Every field of the definition appears in the example, so no field was invented or forgotten.
      assert.deepEqual(Object.keys(schema.shape).sort(), Object.keys(example as object).sort());
    });
  }

  it("required marks are the fact sheet's", () => {
    for (const [name, required] of Object.entries(REQUIRED)) {
      assert.deepEqual(
        requiredOf(REST67_DEFINITIONS[name as keyof typeof REST67_DEFINITIONS]),
        [...required].sort(),
        name,
      );
    }
  });

  it('enums refuse values the fact sheet does not list', () => {
    assert.equal(PhoneNumberSchema.safeParse({ id: 1, number: '1', type: 'MOBILE' }).success, false);
    assert.equal(FunctionKeySchema.safeParse({ ...functionKey, functionKeyType: 'SEPERATOR' }).success, false);
    assert.equal(REST67_DEFINITIONS.Account.safeParse({ ...account, type: 'user' }).success, false);
    assert.equal(
      REST67_DEFINITIONS.ConferenceConfiguration.safeParse({
        ...(EXAMPLES.ConferenceConfiguration as object),
        language: 'it',
      }).success,
      false,
    );
    assert.equal(
      REST67_DEFINITIONS.RequestMetadata.safeParse({ ...(EXAMPLES.RequestMetadata as object), sortdirection: 'asc' })
        .success,
      false,
    );
  });

  it('a redirection carries a mailbox or a phone number destination, chosen by redirectDestinationType', () => {
    const base = EXAMPLES.Redirection as Record<string, unknown>;
    assert.ok(RedirectionSchema.safeParse({ ...base, redirectDestination: numberDest }).success);
    assert.equal(
      RedirectionSchema.safeParse({
        ...base,
        redirectDestination: { redirectDestinationType: 'MAILBOX', phoneNumber: '1' },
      }).success,
      false,
    );
  });
});

describe('REST 6.7 bodies are as lenient as the PBX', () => {
  it('User: login as a JSON number becomes the string; password optional; null and "" mean unchanged', () => {
    const body = { login: 1002, firstName: 'B', familyName: 'B', email: '', language: 'de' };
    assert.equal(UserBodySchema.parse(body).login, '1002');
    assert.equal(UserBodySchema.parse(body).password, undefined);
    assert.equal(UserBodySchema.parse({ ...body, password: '' }).password, undefined);
    assert.equal(UserBodySchema.parse({ ...body, password: null }).password, undefined);
    assert.equal(UserBodySchema.parse({ ...body, password: 'secret-1' }).password, 'secret-1');
  });

  it('optional fields may be null; unknown fields are stripped; a wrong type is refused naming the field', () => {
    const user = UserBodySchema.parse({
      login: '1002',
      firstName: 'B',
      familyName: 'B',
      email: '',
      language: 'de',
      personId: null,
      extension: '1002',
      id: 3,
    });
    assert.equal(user.personId, undefined);
    assert.equal('extension' in user, false);
    const bad = UserBodySchema.safeParse({ login: '1002', firstName: 7, familyName: 'B', email: '', language: 'de' });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error!.issues[0]!.path, ['firstName']);
    const missing = UserBodySchema.safeParse({ firstName: 'B', familyName: 'B', email: '', language: 'de' });
    assert.deepEqual(missing.error!.issues[0]!.path, ['login']);
  });

  it('whatever a GET answers, the matching PUT takes back', () => {
    const pairs: [z.ZodType, keyof typeof REST67_DEFINITIONS][] = [
      [UserBodySchema, 'User'],
      [ContactBodySchema, 'Contact'],
      [RedirectionBodySchema, 'Redirection'],
      [FunctionKeyBodySchema, 'FunctionKey'],
      [PhoneNumberConfigBodySchema, 'PhoneNumberConfig'],
      [FmcPhoneBodySchema, 'FmcPhone'],
    ];
    for (const [body, name] of pairs) {
      const got = REST67_DEFINITIONS[name].parse(EXAMPLES[name]);
      const back = body.safeParse(JSON.parse(JSON.stringify(got)));
      assert.ok(back.success, `${name}: ${back.success ? '' : JSON.stringify(back.error.issues)}`);
    }
  });

  it('nested definitions are lenient too (null in a tag of a contact, a redirect destination)', () => {
    const contact = ContactBodySchema.parse({
      blocks: [],
      editable: true,
      tags: [{ name: 'Kunde', alias: null, id: null }],
      id: null,
    });
    assert.deepEqual(JSON.parse(JSON.stringify(contact.tags)), [{ name: 'Kunde' }]);
    assert.equal(
      ContactSchema.safeParse({ blocks: [], editable: true, tags: [{ name: 'Kunde', alias: null }] }).success,
      false,
    );
    const redirect = RedirectionBodySchema.parse({
      enabled: true,
      redirectDestination: { ...numberDest, extra: 1 },
      redirectTrigger: { redirectTriggerType: 'ALWAYS' },
    });
    assert.deepEqual(redirect.redirectDestination, numberDest);
  });

  it('new keys and FMC phones may come without the ids the PBX gives', () => {
    const { id: _id, accountId: _a, ...fresh } = functionKey;
    assert.ok(FunctionKeyBodySchema.safeParse(fresh).success);
    assert.ok(
      FmcPhoneBodySchema.safeParse({ active: true, confirm: false, delay: 0, fmcSchedule: [], number: '+49170' })
        .success,
    );
  });

  it('query booleans in any case; integers from strings', () => {
    for (const [v, want] of [
      ['true', true],
      ['TRUE', true],
      ['False', false],
      ['false', false],
      [true, true],
    ] as const) {
      assert.equal(queryBoolean.parse(v), want);
    }
    for (const v of ['yes', '1', '', 'truee']) assert.equal(queryBoolean.safeParse(v).success, false, v);
    assert.equal(queryInteger.parse('42'), 42);
    assert.equal(queryInteger.parse('-1'), -1);
    for (const v of ['4.2', 'x', ' 42', '']) assert.equal(queryInteger.safeParse(v).success, false, v);
  });
});
