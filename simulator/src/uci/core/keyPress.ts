import type { RedirectDestinationUnion } from '../../../../shared/schemas/redirects.js';
import { UCI_ERRORS } from '../../../../shared/schemas/uci.js';
import { setMemberLogin } from '../../state/groups.js';
import type { PbxState, StoredUser } from '../../state/model.js';
import type { Emit } from '../../state/pbx.js';
import { changeRefusal, mayChangeRedirect, mayReadRedirect } from '../../state/redirects.js';
import { updateRedirect } from '../../state/redirects.js';
import type { StoredFunctionKey, StoredRedirect } from '../../state/telephonyModel.js';
import { NO_CALL_CONTROL } from './callControl.js';
import { internalNumberOf, keyRedirects, keyUser, ownKey, uciKeyType } from './functionKeyView.js';
import type { HandlerContext } from './handlers/types.js';
import { RpcError } from './methods.js';
import { rethrowForUci } from './refusal.js';
import { changeUserState } from './userState.js';

/*
 * pressKey: what pressing a key on the user's phone does, for the key types whose effect lives in the PBX model
 * (DND, group login, forwarding) or is a call (quick dial, busy lamp field). Every change goes through the same
 * state functions as REST, so it publishes the same events and meets the same refusals. A toggle reads the state
 * inside its commit: two presses in a row switch twice, never the same way twice.
 */

const METHOD = 'pressKey';
const PRESSABLE = 'DONOTDISTURB, GROUPLOGIN, FORWARD, FORWARDNUMBER, QUICKDIAL and BUSY_LAMP_FIELD';

const refused = (message: string) => new RpcError(UCI_ERRORS.refused, `${METHOD}: ${message}`);

export async function pressKey(ctx: HandlerContext, user: StoredUser, keyId: string): Promise<true> {
  const { key } = ownKey(ctx.holder.state, user, keyId);
  switch (key.functionKeyType) {
    case 'DONOTDISTURB':
      await changeUserState(ctx.holder, ctx.calls, user.id, (current) => ({ doNotDisturb: !current.doNotDisturb }));
      return true;
    case 'GROUPLOGIN':
      await ctx.holder.commit((s, emit) => toggleGroupLogin(s, emit, user.id, keyId)).catch(rethrowForUci);
      return true;
    case 'FORWARD':
    case 'FORWARDNUMBER':
      await ctx.holder.commit((s, emit) => toggleForwarding(s, emit, user.id, keyId)).catch(rethrowForUci);
      return true;
    case 'QUICKDIAL':
    case 'BUSYLAMPFIELD':
      await dial(ctx, user, key);
      return true;
    default:
      throw refused(
        `key ${key.id} ("${key.name}") is a ${uciKeyType(key.functionKeyType)} key, which acts on the phone itself; the simulator presses ${PRESSABLE} keys`,
      );
  }
}

function draftUser(s: PbxState, userId: number): StoredUser {
  const user = s.users.find((u) => u.id === userId);
  if (!user) throw new RpcError(UCI_ERRORS.notAuthenticated, 'The signed-in user no longer exists; sign in again');
  return user;
}

/** Logged in to any of the key's groups: out of all of them; else in to all (the key's lamp is lit for any). */
function toggleGroupLogin(s: PbxState, emit: Emit, userId: number, keyId: string): void {
  const { key } = ownKey(s, draftUser(s, userId), keyId);
  const memberships = (key.groupIds ?? []).flatMap((id) => {
    const member = s.groups.find((g) => g.id === id)?.members.find((m) => m.userId === userId);
    return member ? [{ groupId: id, member }] : [];
  });
  if (!memberships.length)
    throw refused(
      `key ${key.id} ("${key.name}") logs in to groups ${(key.groupIds ?? []).join(', ') || '(none)'}, of which you are no member any more`,
    );
  const loggedIn = !memberships.some((m) => m.member.loggedIn);
  for (const m of memberships) setMemberLogin(s, emit, m.groupId, userId, loggedIn);
}

/** Any of the key's redirections on: all of them off; else all on, each to its destination. */
function toggleForwarding(s: PbxState, emit: Emit, userId: number, keyId: string): void {
  const user = draftUser(s, userId);
  const { key } = ownKey(s, user, keyId);
  const redirects = keyRedirects(s, user, key, METHOD);
  if (!redirects.length) throw refused(`key ${key.id} ("${key.name}") names no number of yours to forward`);
  for (const r of redirects) {
    const why = !mayReadRedirect(s, user, r)
      ? 'This redirection belongs to another user'
      : mayChangeRedirect(s, user, r)
        ? undefined
        : changeRefusal(user, r);
    if (why) throw new RpcError(UCI_ERRORS.forbidden, `${METHOD}: ${why} (redirect ${r.id})`);
  }
  const enable = !redirects.some((r) => r.enabled);
  for (const r of redirects) {
    if (r.enabled === enable) continue;
    updateRedirect(s, emit, r.id, {
      enabled: enable,
      redirectTrigger: { redirectTriggerType: r.trigger },
      redirectDestination: enable ? destinationToEnable(key, r) : destinationOf(r.target),
    });
  }
}

function destinationOf(target: StoredRedirect['target']): RedirectDestinationUnion {
  return target.type === 'MAILBOX'
    ? { redirectDestinationType: 'MAILBOX', mailboxId: String(target.voicemailboxId) }
    : { redirectDestinationType: 'PHONENUMBER', phoneNumber: target.phoneNumber };
}

/**
 * Where a redirection goes when a key switches it on: its destination, else the number or the mailbox it went to
 * last (a key has no destination of its own). Never set up: refused, since forwarding to nowhere is no forwarding.
 */
function destinationToEnable(key: StoredFunctionKey, r: StoredRedirect): RedirectDestinationUnion {
  if (r.target.type === 'MAILBOX' || r.target.phoneNumber !== '') return destinationOf(r.target);
  if (r.lastPhoneNumber) return { redirectDestinationType: 'PHONENUMBER', phoneNumber: r.lastPhoneNumber };
  if (r.lastVoicemailboxId !== null)
    return { redirectDestinationType: 'MAILBOX', mailboxId: String(r.lastVoicemailboxId) };
  throw refused(
    `key ${key.id} ("${key.name}") would switch on redirect ${r.id} (${r.trigger}), which has no destination yet; set one first (setRedirectSetting, or PUT /rest/redirects/${r.id})`,
  );
}

/** Click-to-dial from the user's phone to what the key dials: the quick dial's number, the watched user. */
async function dial(ctx: HandlerContext, user: StoredUser, key: StoredFunctionKey): Promise<void> {
  const control = ctx.callControl();
  if (!control) throw new RpcError(UCI_ERRORS.callControlUnavailable, NO_CALL_CONTROL);
  let destination: string;
  if (key.functionKeyType === 'QUICKDIAL') destination = key.directCallTargetnumber ?? '';
  else {
    const watched = keyUser(ctx.holder.state, key);
    destination = watched ? internalNumberOf(ctx.holder.state, watched) : '';
  }
  if (!destination)
    throw refused(`key ${key.id} ("${key.name}") has no number to dial (the user it watches has no internal number)`);
  await control.placeCallWithPhone(user, destination, undefined, undefined);
}
