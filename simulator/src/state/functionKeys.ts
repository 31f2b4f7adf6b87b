import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type {
  EditFunctionKey,
  FunctionKey,
  FunctionKeySet,
  FunctionKeySetError,
  FunctionKeyType,
} from '../../../shared/schemas/functionKeys.js';
import { listAccounts, userAccount } from './accounts.js';
import { conflict, invalid, notFound } from './errors.js';
import type { PbxState, StoredUser } from './model.js';
import type { Emit } from './pbx.js';
import { toPhoneNumberDto } from './phoneNumbers.js';
import type { StoredFunctionKey, StoredFunctionKeySet, StoredPhoneNumber } from './telephonyModel.js';

/*
 * Function key sets and their keys (REST 6.7 "Function keys"). A set belongs to one user; its keys sit at
 * positions (a phone's key slots), unique within the set, and `keyOrder` is the keys by position. A key keeps
 * only the fields of its type: whatever else a client sends along (a GET echoed back after a type change) is
 * dropped, so the model never holds a quick-dial number on a busy-lamp key.
 */

/** What a key as a client sends it carries (POST/PUT bodies: `id` and `accountId` may be absent). */
export type FunctionKeyInput = Omit<FunctionKey, 'id' | 'accountId'> & { id?: string; accountId?: string };

type TypeField = Exclude<keyof StoredFunctionKey, 'id' | 'name' | 'position' | 'functionKeyType'>;

/** Per key type: the fields it needs, and the ones it may carry besides. */
const TYPE_FIELDS: Record<FunctionKeyType, { required: readonly TypeField[]; optional?: readonly TypeField[] }> = {
  BUSYLAMPFIELD: { required: ['blfAccountId'] },
  PHONECALLLIST: { required: ['callListRequest'] },
  COMPLETIONOFCALLSTOBUSYSUBSCRIBER: { required: [] },
  DONOTDISTURB: { required: [] },
  PHONEDTMF: { required: ['dtmf'] },
  FORWARD: { required: ['forwardType'] },
  FORWARDNUMBER: { required: ['redirectNumberIds'] },
  PHONEGENERICURL: { required: ['genericURL'] },
  GROUPLOGIN: { required: ['groupIds'] },
  MODULEACTIVATION: { required: ['activateModuleIds'] },
  PARKANDORBIT: { required: ['poNumber'] },
  ADDRESSBOOK: { required: ['addressbookRequest'], optional: ['addressBookFolderName'] },
  QUICKDIAL: { required: ['directCallTargetnumber'] },
  SEPARATOR: { required: [] },
  SIGNALNUMBER: { required: ['displayNumberId'] },
};

export const MAX_KEY_POSITION = 999;
const DTMF = /^[0-9*#A-Da-d,]{1,64}$/;
const DIAL = /^\+?[0-9*#]{1,32}$/;
const DIGITS = /^\d{1,20}$/;

/** One problem with a key: the field (as the API names it) and why. */
export interface KeyProblem {
  field: string;
  message: string;
}

export function findFunctionKeySet(state: PbxState, id: string): StoredFunctionKeySet {
  const set = state.functionKeySets.find((s) => s.id === id);
  if (!set) throw notFound('Function key set', id);
  return set;
}

export function findFunctionKey(set: StoredFunctionKeySet, keyId: string): StoredFunctionKey {
  const key = set.keys.find((k) => k.id === keyId);
  if (!key) throw notFound(`Function key of set ${set.id}:`, keyId);
  return key;
}

export function toFunctionKeySetDto(set: StoredFunctionKeySet): FunctionKeySet {
  return { id: set.id, name: set.name, keyOrder: set.keys.map((k) => k.id) };
}

export function toFunctionKeyDto(set: StoredFunctionKeySet, key: StoredFunctionKey): FunctionKey {
  return { ...structuredClone(key), accountId: String(set.userId) };
}

/** The numbers a user may use on a key: their own and those of their groups. */
function numbersOf(state: PbxState, userId: number): StoredPhoneNumber[] {
  const groups = new Set(state.groups.filter((g) => g.members.some((m) => m.userId === userId)).map((g) => g.id));
  return state.phoneNumbers.filter((n) => n.userId === userId || (n.groupId !== null && groups.has(n.groupId)));
}

function checkTypeField(state: PbxState, ownerId: number, field: TypeField, value: unknown): string | undefined {
  switch (field) {
    case 'blfAccountId':
      return state.users.some((u) => u.id === value) ? undefined : `no user with the account id ${String(value)}`;
    case 'dtmf':
      return DTMF.test(value as string) ? undefined : 'must be 1 to 64 of 0-9 * # A-D and ,';
    case 'directCallTargetnumber':
      return DIAL.test(value as string) ? undefined : 'must be a number to dial (digits, * and #, an optional +)';
    case 'poNumber':
      return DIGITS.test(value as string) ? undefined : 'must be the digits of a park orbit';
    case 'genericURL':
      return /^https?:\/\/[^\s]+$/.test(value as string) ? undefined : 'must be an http or https URL';
    case 'redirectNumberIds':
    case 'displayNumberId': {
      const own = new Set(numbersOf(state, ownerId).map((n) => n.id));
      const ids = Array.isArray(value) ? (value as number[]) : [value as number];
      if (!ids.length) return 'needs at least one number';
      const bad = ids.find((id) => !own.has(id));
      return bad === undefined ? undefined : `${bad} is not a number of this user or of their groups`;
    }
    case 'groupIds': {
      const ids = value as number[];
      if (!ids.length) return 'needs at least one group';
      const bad = ids.find(
        (id) => !state.groups.some((g) => g.id === id && g.members.some((m) => m.userId === ownerId)),
      );
      return bad === undefined ? undefined : `${bad} is not a group this user is a member of`;
    }
    case 'activateModuleIds': {
      const ids = value as string[];
      if (!ids.length) return 'needs at least one module configuration';
      const bad = ids.find((id) => !state.configurations.some((c) => String(c.id) === id));
      return bad === undefined ? undefined : `no module configuration ${bad}`;
    }
    default:
      return undefined; // enums and free text: their schema has checked them
  }
}

/** The key as the model stores it (only its type's fields), or the first problem with it. */
export function checkKey(
  state: PbxState,
  ownerId: number,
  input: FunctionKeyInput,
  id: string,
): { key: StoredFunctionKey } | { problem: KeyProblem } {
  if (input.position < 0 || input.position > MAX_KEY_POSITION)
    return { problem: { field: 'position', message: `must be 0 to ${MAX_KEY_POSITION}` } };
  if (input.name.length > 100) return { problem: { field: 'name', message: 'must be at most 100 characters' } };
  const fields = TYPE_FIELDS[input.functionKeyType];
  const key: StoredFunctionKey = {
    id,
    name: input.name,
    position: input.position,
    functionKeyType: input.functionKeyType,
  };
  for (const field of [...fields.required, ...(fields.optional ?? [])]) {
    const value = input[field];
    if (value === undefined) {
      if (fields.required.includes(field))
        return { problem: { field, message: `a ${input.functionKeyType} key needs ${field}` } };
      continue;
    }
    const message = checkTypeField(state, ownerId, field, value);
    if (message) return { problem: { field, message } };
    (key as Record<string, unknown>)[field] = structuredClone(value);
  }
  return { key };
}

const keyInvalid = (p: KeyProblem) =>
  invalid('VALIDATION_FAILED', `Invalid body.${p.field}: ${p.message}`, [
    { path: p.field, message: p.message, code: 'invalid_function_key' },
  ]);

function sortKeys(set: StoredFunctionKeySet): void {
  set.keys.sort((a, b) => a.position - b.position);
}

function positionTaken(set: StoredFunctionKeySet, position: number, exceptId?: string): void {
  const other = set.keys.find((k) => k.position === position && k.id !== exceptId);
  if (other)
    throw conflict('POSITION_TAKEN', `Position ${position} of set ${set.id} holds key ${other.id} already`, {
      field: 'position',
      keyId: other.id,
    });
}

export function createFunctionKey(
  state: PbxState,
  emit: Emit,
  setId: string,
  input: FunctionKeyInput,
): { set: StoredFunctionKeySet; key: StoredFunctionKey } {
  const set = findFunctionKeySet(state, setId);
  const checked = checkKey(state, set.userId, input, String(state.nextId.functionKey));
  if ('problem' in checked) throw keyInvalid(checked.problem);
  positionTaken(set, checked.key.position);
  state.nextId.functionKey++;
  set.keys.push(checked.key);
  sortKeys(set);
  emit({
    service: SIM_SERVICES.functionKeys,
    event: 'created',
    data: { fkSetId: set.id, keyId: checked.key.id, userId: set.userId },
  });
  return { set, key: checked.key };
}

/** PUT of one key: its type and fields are replaced; `id` and `accountId` of the body are the path's and the set's. */
export function updateFunctionKey(
  state: PbxState,
  emit: Emit,
  setId: string,
  keyId: string,
  input: FunctionKeyInput,
): void {
  const set = findFunctionKeySet(state, setId);
  const index = set.keys.indexOf(findFunctionKey(set, keyId));
  const checked = checkKey(state, set.userId, input, keyId);
  if ('problem' in checked) throw keyInvalid(checked.problem);
  positionTaken(set, checked.key.position, keyId);
  set.keys[index] = checked.key;
  sortKeys(set);
  emit({ service: SIM_SERVICES.functionKeys, event: 'updated', data: { fkSetId: set.id, keyId, userId: set.userId } });
}

export function deleteFunctionKey(state: PbxState, emit: Emit, setId: string, keyId: string): void {
  const set = findFunctionKeySet(state, setId);
  set.keys.splice(set.keys.indexOf(findFunctionKey(set, keyId)), 1);
  emit({ service: SIM_SERVICES.functionKeys, event: 'deleted', data: { fkSetId: set.id, keyId, userId: set.userId } });
}

/**
 * PUT of a whole set: the list is the set's keys afterwards. A key whose `id` is one of the set's keeps it, any
 * other gets a new one; keys not listed are removed. Every problem is reported at once, as the API's
 * `FunctionKeySetError` list (DUPLICATE: a position or id used twice; CORRUPT: a key its type does not allow).
 */
export function replaceFunctionKeys(
  state: PbxState,
  emit: Emit,
  setId: string,
  inputs: readonly FunctionKeyInput[],
): { errors: FunctionKeySetError[] } | { keys: StoredFunctionKey[] } {
  const set = findFunctionKeySet(state, setId);
  const existing = new Set(set.keys.map((k) => k.id));
  const errors: FunctionKeySetError[] = [];
  const positions = new Set<number>();
  const ids = new Set<string>();
  const keys: StoredFunctionKey[] = [];
  for (const input of inputs) {
    const keep = input.id !== undefined && existing.has(input.id) && !ids.has(input.id);
    if (input.id !== undefined && ids.has(input.id))
      errors.push({ errorField: 'id', functionKeyErrorType: 'DUPLICATE', position: input.position });
    const id = keep ? input.id! : String(state.nextId.functionKey++);
    ids.add(id);
    if (positions.has(input.position))
      errors.push({ errorField: 'position', functionKeyErrorType: 'DUPLICATE', position: input.position });
    positions.add(input.position);
    const checked = checkKey(state, set.userId, input, id);
    if ('problem' in checked)
      errors.push({ errorField: checked.problem.field, functionKeyErrorType: 'CORRUPT', position: input.position });
    else keys.push(checked.key);
  }
  if (errors.length) return { errors };
  set.keys = keys;
  sortKeys(set);
  emit({
    service: SIM_SERVICES.functionKeys,
    event: 'updated',
    data: { fkSetId: set.id, userId: set.userId, keyIds: set.keys.map((k) => k.id) },
  });
  return { keys: set.keys };
}

/** The set shows on the phone (a phone of the set's owner); a phone shows one set, so it leaves any other. */
export function putSetOnPhone(state: PbxState, emit: Emit, setId: string, phoneId: number): void {
  const set = findFunctionKeySet(state, setId);
  for (const other of state.functionKeySets) {
    if (other !== set && other.phoneIds.includes(phoneId)) {
      other.phoneIds = other.phoneIds.filter((p) => p !== phoneId);
      emit({
        service: SIM_SERVICES.functionKeys,
        event: 'updated',
        data: { fkSetId: other.id, userId: other.userId, phoneIds: other.phoneIds },
      });
    }
  }
  if (!set.phoneIds.includes(phoneId)) set.phoneIds.push(phoneId);
  emit({
    service: SIM_SERVICES.functionKeys,
    event: 'updated',
    data: { fkSetId: set.id, userId: set.userId, phoneIds: set.phoneIds },
  });
}

// ---- the edit forms (EditFunctionKey) ----

function fullName(u: StoredUser): string {
  return `${u.firstName} ${u.familyName}`.trim();
}

const CALL_LIST_REQUESTS = ['INCOMING', 'OUTGOING', 'MISSED'];
const FORWARD_TYPES = ['ALWAYS', 'BUSY', 'TIMEOUT'];
const ADDRESSBOOK_REQUESTS = ['CONTACTLIST', 'CONTACTSEARCH'];

/**
 * The edit form of every key type for `owner`, filled from `key` where given. The choices come from the model:
 * the PBX's users (busy lamp), the owner's and their groups' numbers, their groups, the module configurations,
 * the address book's tags (its folders). The simulator models no park orbits: that list is empty.
 */
function forms(state: PbxState, owner: StoredUser, key?: StoredFunctionKey): Required<EditFunctionKey> {
  const name = key?.name ?? '';
  const numbers = numbersOf(state, owner.id);
  const groups = state.groups.filter((g) => g.members.some((m) => m.userId === owner.id));
  const blf = key?.blfAccountId === undefined ? undefined : state.users.find((u) => u.id === key.blfAccountId);
  const signal = numbers.find((n) => n.id === key?.displayNumberId);
  return {
    editFunctionKeyBusyLampField: {
      availableAccounts: listAccounts(state).filter((a) => a.type === 'USER' && a.accountId !== owner.id),
      blfAccountId: blf?.id ?? 0,
      blfDisplayInformation: blf ? fullName(blf) : '',
      name,
      number: blf ? userAccount(state, blf).primaryInternalPhoneNumber : '',
    },
    editFunctionKeyCallList: {
      callListRequest: key?.callListRequest ?? 'MISSED',
      callListRequests: CALL_LIST_REQUESTS,
      name,
    },
    editFunctionKeyCcbs: { name },
    editFunctionKeyDnd: { name },
    editFunctionKeyDtmf: { dtmf: key?.dtmf ?? '', name },
    editFunctionKeyForwardCall: { forwardType: key?.forwardType ?? 'ALWAYS', forwardTypes: FORWARD_TYPES, name },
    editFunctionKeyForwardNumberUnconditional: {
      editFunctionKeyFnuNumberSetting: numbers.map((n) => ({
        activated: key?.redirectNumberIds?.includes(n.id) ?? false,
        group: n.groupId !== null,
        number: n.number,
        numberId: n.id,
      })),
      name,
    },
    editFunctionKeyGenericUrl: { genericURL: key?.genericURL ?? '', name },
    editFunctionKeyGroupLogin: {
      editFunctionKeyGlGroupSettings: groups.map((g) => ({
        activated: key?.groupIds?.includes(g.id) ?? false,
        groupId: g.id,
        groupname: g.name,
      })),
      name,
    },
    editFunctionKeyModuleActivation: {
      editFunctionKeyMaModuleSettings: state.configurations.map((c) => ({
        activated: key?.activateModuleIds?.includes(String(c.id)) ?? false,
        moduleId: String(c.id),
        name: c.name,
      })),
      name,
    },
    editFunctionKeyParkAndOrbit: { name, parkAndOrbitNumber: key?.poNumber ?? '', parkAndOrbitNumbers: [] },
    editFunctionKeyPhoneContact: {
      addressbookRequest: key?.addressbookRequest ?? 'CONTACTSEARCH',
      addressbookRequests: ADDRESSBOOK_REQUESTS,
      folders: state.tags.filter((t) => t.ownerUserId === null || t.ownerUserId === owner.id).map((t) => t.name),
      name,
      selectedFolder: key?.addressBookFolderName ?? '',
    },
    editFunctionKeyQuickDial: { name, number: key?.directCallTargetnumber ?? '' },
    editFunctionKeySeperator: { name },
    editFunctionKeySignalNumber: {
      name,
      phoneNumber: signal?.number ?? '',
      phoneNumberId: signal?.id ?? 0,
      possibleSignalnumbers: numbers.map((n) => toPhoneNumberDto(state, n)),
    },
  };
}

/** Which member of EditFunctionKey edits which key type. */
const FORM_OF: Record<FunctionKeyType, keyof EditFunctionKey> = {
  BUSYLAMPFIELD: 'editFunctionKeyBusyLampField',
  PHONECALLLIST: 'editFunctionKeyCallList',
  COMPLETIONOFCALLSTOBUSYSUBSCRIBER: 'editFunctionKeyCcbs',
  DONOTDISTURB: 'editFunctionKeyDnd',
  PHONEDTMF: 'editFunctionKeyDtmf',
  FORWARD: 'editFunctionKeyForwardCall',
  FORWARDNUMBER: 'editFunctionKeyForwardNumberUnconditional',
  PHONEGENERICURL: 'editFunctionKeyGenericUrl',
  GROUPLOGIN: 'editFunctionKeyGroupLogin',
  MODULEACTIVATION: 'editFunctionKeyModuleActivation',
  PARKANDORBIT: 'editFunctionKeyParkAndOrbit',
  ADDRESSBOOK: 'editFunctionKeyPhoneContact',
  QUICKDIAL: 'editFunctionKeyQuickDial',
  SEPARATOR: 'editFunctionKeySeperator',
  SIGNALNUMBER: 'editFunctionKeySignalNumber',
};

/** The defaults of every key type for a new key of `owner`. */
export function editDefaults(state: PbxState, owner: StoredUser): EditFunctionKey {
  return forms(state, owner);
}

/** The edit form of one key: the member of its type only. */
export function editFormOf(state: PbxState, set: StoredFunctionKeySet, key: StoredFunctionKey): EditFunctionKey {
  const owner = state.users.find((u) => u.id === set.userId);
  if (!owner) throw notFound('User', set.userId);
  const member = FORM_OF[key.functionKeyType];
  return { [member]: forms(state, owner, key)[member] };
}
