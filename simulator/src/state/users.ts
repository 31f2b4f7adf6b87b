import {
  DEFAULT_USER_RIGHTS,
  RIGHT_ADMIN,
  rightById,
  type LicenceType,
  type RightKey,
} from '../../../shared/catalogue.js';
import { sha512hex } from '../../../shared/hashes.js';
import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type { User, UserCreate, UserUpdate } from '../../../shared/schemas/users.js';
import { conflict, invalid, notFound } from './errors.js';
import type { PbxState, StoredUser } from './model.js';
import type { Emit } from './pbx.js';
import { assignLicences } from './licences.js';
import { linkUserContact, syncUserContact, unlinkUserContact } from './userContact.js';
import { ensureNumberFree, type NumberHolder } from './numberClaims.js';
import { removeUserData } from './userRemoval.js';
import { generateSipSecret } from './sipSecret.js';

/** The built-in administrator's login: `--admin-password` and scenario changes find the admin by it. */
export const ADMIN_LOGIN = 'admin';

export function findUser(state: PbxState, id: number): StoredUser {
  const user = state.users.find((u) => u.id === id);
  if (!user) throw notFound('User', id);
  return user;
}

export function findUserByLogin(state: PbxState, login: string): StoredUser | undefined {
  return state.users.find((u) => u.login === login);
}

/** `passwordHash` of a user created without a password: no REST login, UCI token or SIP digest matches it. */
export const NO_PASSWORD = '';

export function hasPassword(user: StoredUser): boolean {
  return user.passwordHash !== NO_PASSWORD;
}

/** The optional user fields a client writes; an update that leaves one out clears it. */
const OPTIONAL_USER_FIELDS = [
  'namespace',
  'missedCallReport',
  'faxCallerId',
  'faxCoverPage',
  'faxEmailJournal',
  'faxHeader',
  'extension',
] as const;

/**
 * The real `User` with every field of the definition (unset optional ones as their empty value, as the PBX's
 * Jackson serialises its defaults), `password` present but empty; the password and the SIP secret never leave.
 */
export function toUserDto(u: StoredUser): User {
  const dto: User = {
    id: u.id,
    login: u.login,
    firstName: u.firstName,
    familyName: u.familyName,
    email: u.email,
    language: u.language,
    namespace: u.namespace ?? '',
    personId: u.personId ?? '',
    missedCallReport: u.missedCallReport ?? false,
    faxCallerId: u.faxCallerId ?? '',
    faxCoverPage: u.faxCoverPage ?? false,
    faxEmailJournal: u.faxEmailJournal ?? false,
    faxHeader: u.faxHeader ?? '',
    password: '',
  };
  if (u.extension !== undefined) dto.extension = u.extension;
  return dto;
}

/**
 * Login and extension are both dialled (SIP user part, dial plan): neither may be a number another holds — another
 * user's login or extension, an internal number assigned elsewhere, a voicemail box, a virtual phone (numberClaims.ts).
 */
function ensureUnique(state: PbxState, login: string, extension: string | undefined, selfId?: number): void {
  if (state.users.some((u) => u.id !== selfId && u.login === login)) {
    throw conflict('LOGIN_TAKEN', `The login "${login}" is already used by another user`, { field: 'login' });
  }
  const self: NumberHolder | undefined = selfId === undefined ? undefined : { kind: 'user', userId: selfId };
  ensureNumberFree(state, login, self, 'LOGIN_TAKEN', 'login', 'The login');
  if (extension !== undefined)
    ensureNumberFree(state, extension, self, 'EXTENSION_TAKEN', 'extension', 'The extension');
}

type RequiredUserField = 'login' | 'firstName' | 'familyName' | 'email' | 'language';

/** A new user: the definition's required fields, any of the optional ones, and what only the simulator sets. */
export interface NewUser
  extends Pick<UserCreate, RequiredUserField>, Partial<Omit<UserCreate, RequiredUserField | 'id' | 'personId'>> {
  sipPassword?: string;
  rights?: readonly RightKey[];
  licences?: readonly LicenceType[];
}

/**
 * `checked`: the caller has already made sure login and extension are unique (a scenario of 10,000 users).
 * `contact: false`: the caller links the user's contact later (a scenario, whose own contacts come first).
 * Without a password the user exists but cannot sign in (REST, UCI) until one is set, as on the PBX.
 * The SIP secret is the given `sipPassword`, else a generated one, never the login password: the store keeps
 * the login password as a hash only (the built-in scenarios pass their public passwords as `sipPassword`).
 */
export function createUser(
  state: PbxState,
  emit: Emit,
  input: NewUser,
  opts: { checked?: boolean; contact?: boolean } = {},
): StoredUser {
  if (!opts.checked) ensureUnique(state, input.login, input.extension);
  const {
    password,
    sipPassword,
    rights,
    licences,
    id: _ignored,
    personId: _pbxOwned,
    ...fields
  } = input as NewUser & { id?: number; personId?: string };
  const user: StoredUser = {
    ...definedOnly(fields),
    id: state.nextId.user++,
    passwordHash: password === undefined ? NO_PASSWORD : sha512hex(password),
    sipPassword: sipPassword ?? generateSipSecret(),
    rights: [...(rights ?? DEFAULT_USER_RIGHTS)],
    licences: [],
    app: { active: false, platform: null, version: null, lastSeen: null },
  };
  state.users.push(user);
  if (licences?.length) assignLicences(state, emit, user, licences);
  emit({ service: SIM_SERVICES.users, event: 'created', data: { userId: user.id, login: user.login } });
  if (opts.contact !== false) linkUserContact(state, emit, user);
  return user;
}

/** Drops the keys a lenient body left `undefined` (a `null` sent for an optional field), so none is stored. */
function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function updateUser(state: PbxState, emit: Emit, id: number, input: UserUpdate): StoredUser {
  const user = findUser(state, id);
  if (user.login === ADMIN_LOGIN && input.login !== ADMIN_LOGIN) {
    throw conflict('ADMIN_LOGIN_FIXED', `The administrator's login "${ADMIN_LOGIN}" cannot be changed`, {
      field: 'login',
    });
  }
  ensureUnique(state, input.login, input.extension, id);
  // `id` is the path's, `personId` the PBX's (the user's contact): both accepted back as GET gave them, ignored.
  const { password, id: _ignored, personId: _pbxOwned, ...fields } = input;
  for (const key of OPTIONAL_USER_FIELDS) {
    delete user[key];
  }
  Object.assign(user, definedOnly(fields));
  // The SIP secret stays: it is the phone's, and following the password would store the new one in plain text.
  if (password !== undefined) user.passwordHash = sha512hex(password);
  emit({
    service: SIM_SERVICES.users,
    event: 'updated',
    data: { userId: id, login: user.login, passwordChanged: password !== undefined },
  });
  syncUserContact(state, emit, user);
  return user;
}

/**
 * Sets a user's SIP secret, or generates one when `secret` is undefined; answers the secret now in force. One equal
 * to the login password is refused: the store would then hold the login password in plain text. Registrations
 * made with the old secret stay until they expire; their refresh is challenged and refused, as a phone's is on a
 * PBX whose SIP password changed.
 */
export function setSipSecret(state: PbxState, emit: Emit, userId: number, secret: string | undefined): StoredUser {
  const user = findUser(state, userId);
  if (user.login === ADMIN_LOGIN)
    throw conflict('ADMIN_NO_SIP_ACCOUNT', `The built-in administrator "${ADMIN_LOGIN}" has no SIP account`);
  const next = secret ?? generateSipSecret();
  if (sha512hex(next) === user.passwordHash)
    throw invalid('SIP_SECRET_IS_PASSWORD', 'secret: the SIP secret must differ from the login password', {
      field: 'secret',
    });
  user.sipPassword = next;
  emit({
    service: SIM_SERVICES.users,
    event: 'sip-secret-changed',
    data: { userId, login: user.login, generated: secret === undefined },
  });
  return user;
}

export function deleteUser(state: PbxState, emit: Emit, id: number, actorId: number): void {
  const user = findUser(state, id);
  if (id === actorId) throw conflict('CANNOT_DELETE_SELF', 'You cannot delete the user you are signed in as');
  if (user.login === ADMIN_LOGIN)
    throw conflict('ADMIN_UNDELETABLE', `The built-in administrator "${ADMIN_LOGIN}" cannot be deleted`);
  if (user.rights.includes(RIGHT_ADMIN) && state.users.filter((u) => u.rights.includes(RIGHT_ADMIN)).length === 1) {
    throw conflict('LAST_ADMIN', 'The last user with the right "Administration" cannot be deleted');
  }
  state.users = state.users.filter((u) => u.id !== id);
  unlinkUserContact(state, emit, user);
  state.avatars = state.avatars.filter((a) => a.userId !== id);
  removeUserData(state, emit, user);
  emit({
    service: SIM_SERVICES.users,
    event: 'deleted',
    data: { userId: id, login: user.login, releasedLicences: user.licences },
  });
}

function rightsFromIds(ids: readonly number[]): RightKey[] {
  const unknownIds = ids.filter((id) => !rightById(id));
  if (unknownIds.length)
    throw invalid('UNKNOWN_PERMISSION', `Unknown permission id(s): ${unknownIds.join(', ')}`, { unknownIds });
  return [...new Set(ids.map((id) => rightById(id)!.permission))];
}

function guardLastAdmin(state: PbxState, user: StoredUser, nextRights: readonly RightKey[]): void {
  if (user.rights.includes(RIGHT_ADMIN) && !nextRights.includes(RIGHT_ADMIN)) {
    if (state.users.filter((u) => u.rights.includes(RIGHT_ADMIN)).length === 1) {
      throw conflict('LAST_ADMIN', 'The right "Administration" cannot be taken from the last administrator');
    }
  }
}

/** PUT /permissions/users/{id}: the full list; rights not listed are removed. */
export function setUserRights(state: PbxState, emit: Emit, userId: number, permissionIds: readonly number[]): void {
  const user = findUser(state, userId);
  const next = rightsFromIds(permissionIds);
  guardLastAdmin(state, user, next);
  const before = new Set(user.rights);
  user.rights = next;
  emitRightChanges(emit, user, before);
}

/** PUT /permissions/{permissionId}/users?granted=: grant to or revoke from each listed user. */
export function setPermissionForUsers(
  state: PbxState,
  emit: Emit,
  permissionId: number,
  userIds: readonly number[],
  granted: boolean,
): void {
  const right = rightById(permissionId);
  if (!right) throw notFound('Permission', permissionId);
  const users = userIds.map((id) => findUser(state, id));
  for (const user of users) {
    const before = new Set(user.rights);
    const next = granted
      ? [...new Set([...user.rights, right.permission])]
      : user.rights.filter((r) => r !== right.permission);
    guardLastAdmin(state, user, next);
    user.rights = next;
    emitRightChanges(emit, user, before);
  }
}

function emitRightChanges(emit: Emit, user: StoredUser, before: Set<RightKey>): void {
  const granted = user.rights.filter((r) => !before.has(r));
  const revoked = [...before].filter((r) => !user.rights.includes(r));
  if (granted.length || revoked.length) {
    emit({
      service: SIM_SERVICES.users,
      event: 'rights-changed',
      data: { userId: user.id, login: user.login, granted, revoked },
    });
  }
}
