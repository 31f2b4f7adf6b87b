import type { FunctionKeyType } from '../../../../shared/schemas/functionKeys.js';
import { UCI_ERRORS, UCI_METHODS } from '../../../../shared/schemas/uci.js';
import type { UciFunctionKey } from '../../../../shared/schemas/uciValues.js';
import { userAccount } from '../../state/accounts.js';
import type { PbxState, StoredUser } from '../../state/model.js';
import { fullNumber } from '../../state/numberFormat.js';
import { redirectAccountsOf } from '../../state/redirects.js';
import { listRedirects } from '../../state/redirects.js';
import type { StoredFunctionKey, StoredFunctionKeySet, StoredRedirect } from '../../state/telephonyModel.js';
import { RpcError } from './methods.js';
import { avatarHash } from './userState.js';

/*
 * The user's function keys as the UCI shows them (functionKey service): the REST 6.7 keys of their sets, with
 * what each key dials or watches read off the PBX model.
 */

/** The UCI docs spell the busy lamp field BUSY_LAMP_FIELD (IAH UcpFunctionKeyRequests.php); REST 6.7 BUSYLAMPFIELD. */
export function uciKeyType(type: FunctionKeyType): string {
  return type === 'BUSYLAMPFIELD' ? 'BUSY_LAMP_FIELD' : type;
}

export interface OwnKey {
  set: StoredFunctionKeySet;
  key: StoredFunctionKey;
}

/** A key of one of the user's own sets; any other id (another user's key, none at all) is not found. */
export function ownKey(state: PbxState, user: StoredUser, keyId: string): OwnKey {
  for (const set of state.functionKeySets) {
    if (set.userId !== user.id) continue;
    const key = set.keys.find((k) => k.id === keyId);
    if (key) return { set, key };
  }
  throw new RpcError(
    UCI_ERRORS.notFound,
    `No function key "${keyId}" among yours (${UCI_METHODS.getFunctionKeys} lists them)`,
  );
}

/** The refusal of a method for a key of a type it does not work on. */
export function wrongKeyType(method: string, key: StoredFunctionKey, works: string): RpcError {
  return new RpcError(
    UCI_ERRORS.refused,
    `${method}: key ${key.id} ("${key.name}") is a ${uciKeyType(key.functionKeyType)} key; ${method} works on ${works} keys`,
  );
}

/** The user's internal number a client dials (their primary one, else the first), "" without one. */
export function internalNumberOf(state: PbxState, user: StoredUser): string {
  return userAccount(state, user).primaryInternalPhoneNumber;
}

/** The user a number reaches: an internal number (the extension) or an external one (in full) of a user. */
function userByNumber(state: PbxState, dialled: string): StoredUser | undefined {
  const n = state.phoneNumbers.find(
    (x) =>
      x.userId !== null &&
      ((x.type === 'INTERNAL' && x.number === dialled) || (x.type === 'EXTERNAL' && fullNumber(state, x) === dialled)),
  );
  return n ? state.users.find((u) => u.id === n.userId) : undefined;
}

/**
 * The user behind a key: the one a busy lamp field watches, or the one a quick dial calls when it dials a
 * user's number. Its contact, avatar and image hash are what the key shows.
 */
export function keyUser(state: PbxState, key: StoredFunctionKey): StoredUser | undefined {
  if (key.functionKeyType === 'BUSYLAMPFIELD') return state.users.find((u) => u.id === key.blfAccountId);
  if (key.functionKeyType === 'QUICKDIAL' && key.directCallTargetnumber)
    return userByNumber(state, key.directCallTargetnumber);
  return undefined;
}

/** What the key dials or watches; "" for keys that have no number. */
function keyNumber(state: PbxState, key: StoredFunctionKey): string {
  switch (key.functionKeyType) {
    case 'BUSYLAMPFIELD': {
      const watched = keyUser(state, key);
      return watched ? internalNumberOf(state, watched) : '';
    }
    case 'QUICKDIAL':
      return key.directCallTargetnumber ?? '';
    case 'PARKANDORBIT':
      return key.poNumber ?? '';
    case 'PHONEDTMF':
      return key.dtmf ?? '';
    case 'SIGNALNUMBER': {
      const n = state.phoneNumbers.find((x) => x.id === key.displayNumberId);
      return n ? fullNumber(state, n) : '';
    }
    case 'FORWARDNUMBER':
      // The numbers the key forwards, as the phone's key label lists them.
      return (key.redirectNumberIds ?? [])
        .flatMap((id) => {
          const n = state.phoneNumbers.find((x) => x.id === id);
          return n ? [fullNumber(state, n)] : [];
        })
        .join(', ');
    default:
      return '';
  }
}

export function toUciFunctionKey(state: PbxState, set: StoredFunctionKeySet, key: StoredFunctionKey): UciFunctionKey {
  const user = keyUser(state, key);
  return {
    id: key.id,
    name: key.name,
    type: uciKeyType(key.functionKeyType),
    position: key.position,
    keySetId: set.id,
    number: keyNumber(state, key),
    accountId: key.functionKeyType === 'BUSYLAMPFIELD' && user ? String(user.id) : '',
    imageHash: user ? avatarHash(state, user.id) : '',
  };
}

/**
 * The redirections a forwarding key switches. FORWARD: its trigger on each of the user's own numbers (a group's
 * numbers are forwarded by a group's key, and need another right). FORWARDNUMBER: the unconditional (ALWAYS)
 * redirection of each number it names that still belongs to the user or one of their groups.
 */
export function keyRedirects(
  state: PbxState,
  user: StoredUser,
  key: StoredFunctionKey,
  method: string,
): StoredRedirect[] {
  if (key.functionKeyType === 'FORWARD')
    return listRedirects(state, [user.id]).filter((r) => r.trigger === key.forwardType);
  if (key.functionKeyType === 'FORWARDNUMBER') {
    const ids = new Set(key.redirectNumberIds);
    return listRedirects(state, redirectAccountsOf(state, user.id)).filter(
      (r) => r.trigger === 'ALWAYS' && ids.has(r.phoneNumberId),
    );
  }
  throw wrongKeyType(method, key, 'FORWARD and FORWARDNUMBER');
}
