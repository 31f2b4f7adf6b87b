/**
 * The UCI methods, one table per service (handlers/), and how one runs: the signed-in user is looked up, the
 * params are parsed with the contract's schema, the handler answers a result or throws an RpcError; the
 * transport (ws/, xmlrpc/) frames both.
 */
import { UCI_ERRORS, UCI_METHODS, UCI_PARAMS, type UciMethodKey } from '../../../../shared/schemas/uci.js';
import type { StoredUser } from '../../state/model.js';
import { CALL_HANDLERS } from './handlers/calls.js';
import { CALL_LIST_HANDLERS } from './handlers/callList.js';
import { CONNECTION_HANDLERS } from './handlers/connection.js';
import { FUNCTION_KEY_HANDLERS } from './handlers/functionKeys.js';
import { GROUP_HANDLERS } from './handlers/groups.js';
import { PHONE_HANDLERS } from './handlers/phones.js';
import { REDIRECT_HANDLERS } from './handlers/redirects.js';
import type { Handler, HandlerContext, HandlerTable, UciPeer } from './handlers/types.js';
import { USER_STATE_HANDLERS } from './handlers/userState.js';
import { VOICEMAIL_HANDLERS } from './handlers/voicemail.js';
import { parseParams, RpcError } from './methods.js';

export { AnswerThen, type HandlerContext, type UciPeer } from './handlers/types.js';

const HANDLERS: HandlerTable<Exclude<UciMethodKey, 'login'>> = {
  ...CONNECTION_HANDLERS,
  ...CALL_HANDLERS,
  ...USER_STATE_HANDLERS,
  ...PHONE_HANDLERS,
  ...GROUP_HANDLERS,
  ...REDIRECT_HANDLERS,
  ...FUNCTION_KEY_HANDLERS,
  ...VOICEMAIL_HANDLERS,
  ...CALL_LIST_HANDLERS,
};

function currentUser(ctx: HandlerContext, conn: UciPeer): StoredUser {
  const id = conn.session.user?.id;
  const user = id === undefined ? undefined : ctx.holder.state.users.find((u) => u.id === id);
  if (!user) {
    throw new RpcError(
      UCI_ERRORS.notAuthenticated,
      id === undefined
        ? `Not signed in: send ${UCI_METHODS.login} with your UCI token first, or connect with ?de.vertico.starface.auth=<login>:<hash> or ?authToken=<REST token>`
        : 'The signed-in user no longer exists; sign in again',
    );
  }
  return user;
}

/**
 * Runs one method for a signed-in peer. `login` is the transport's (it signs in its own way and may close the
 * socket). `v20Style`: the method was called by its v20 UCP name, whose documented answers differ (IAH's doc):
 * placeCall answers "" when the PBX refuses the call, getCallState an empty struct for an unknown call.
 */
export function runMethod(
  ctx: HandlerContext,
  conn: UciPeer,
  key: Exclude<UciMethodKey, 'login'>,
  params: unknown,
  v20Style = false,
): unknown {
  const user = currentUser(ctx, conn);
  const parsed = parseParams(key, UCI_PARAMS[key], params);
  const run = () => (HANDLERS[key] as Handler<typeof key>)(ctx, conn, user, parsed as never);
  if (!v20Style || (key !== 'placeCallWithPhone' && key !== 'getCallState')) return run();
  const refused = key === 'placeCallWithPhone' ? { callId: '' } : {};
  try {
    const result = run();
    return result instanceof Promise ? result.catch((err: unknown) => v20Answer(err, refused)) : result;
  } catch (err) {
    return v20Answer(err, refused);
  }
}

function v20Answer(err: unknown, refused: unknown): unknown {
  if (err instanceof RpcError && err.code !== UCI_ERRORS.internalError) return refused;
  throw err;
}
