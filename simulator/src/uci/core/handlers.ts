/**
 * The UCI methods. Each parses its params with the contract's schema and answers a result or throws an
 * RpcError; the transport (ws/, xmlrpc/) frames both.
 */
import type { z } from 'zod';
import { UCI_CLOSE, UCI_ERRORS, UCI_METHODS, UCI_PARAMS, type UciMethodKey } from '../../../../shared/schemas/uci.js';
import type { StoredUser } from '../../state/model.js';
import type { StateHolder } from '../../state/pbx.js';
import type { CallBook } from './callBook.js';
import { NO_CALL_CONTROL, type UciCallControl } from './callControl.js';
import { parseParams, RpcError } from './methods.js';
import type { Subscriber, Subscriptions } from './subscriptions.js';
import { changeUserState, userState } from './userState.js';

/** What the methods need of a transport (a WebSocket connection, an XML-RPC session): its session, its end of the subscriptions and a way to end it. */
export interface UciPeer extends Subscriber {
  close(code: number, reason: string): void;
}

/** What the methods work on: the core (core.ts). */
export interface HandlerContext {
  readonly holder: StateHolder;
  readonly calls: CallBook;
  readonly subscriptions: Subscriptions;
  callControl(): UciCallControl | undefined;
}

/** A result to answer, and what to send right after the answer (a subscription's backlog). */
export class AnswerThen {
  constructor(
    readonly result: unknown,
    readonly after: () => void,
  ) {}
}

type Params<K extends UciMethodKey> = z.output<(typeof UCI_PARAMS)[K]>;
type Handler<K extends UciMethodKey> = (
  ctx: HandlerContext,
  conn: UciPeer,
  user: StoredUser,
  params: Params<K>,
) => unknown;

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

function ownCall(ctx: HandlerContext, conn: UciPeer, callId: string) {
  const call = ctx.calls.get(callId);
  if (!call || (call.userId !== conn.session.user!.id && !conn.session.user!.admin)) {
    throw new RpcError(UCI_ERRORS.notFound, `No live call with id "${callId}" for you (see ${UCI_METHODS.getCallIds})`);
  }
  return call;
}

const HANDLERS: { [K in UciMethodKey]: Handler<K> } = {
  login: () => undefined, // handled before (needs no signed-in user)
  logout: (_ctx, conn) => {
    setImmediate(() => conn.close(UCI_CLOSE.normal, 'logged out'));
    return true;
  },
  keepAlive: () => true,
  subscribeEvents: (ctx, conn, _u, p) => {
    const { result, backlog } = ctx.subscriptions.subscribe(conn, p.services, p.sinceSeq);
    // The answer first, then the backlog (in the same tick, so no live event can come between), then live events.
    return new AnswerThen(result, () => {
      for (const e of backlog) if (!conn.deliver(e)) return;
    });
  },
  unsubscribeEvents: (ctx, conn, _u, p) => ({ services: ctx.subscriptions.unsubscribe(conn, p.services) }),
  placeCallWithPhone: async (ctx, _conn, user, p) => {
    const control = ctx.callControl();
    if (!control) throw new RpcError(UCI_ERRORS.callControlUnavailable, NO_CALL_CONTROL);
    return { callId: await control.placeCallWithPhone(user, p.destination, p.phoneId, p.callId) };
  },
  getCallIds: (ctx, _conn, user) => ctx.calls.callIds(user.id),
  getCallState: (ctx, conn, _u, p) => {
    const { userId: _id, login: _login, ...map } = ownCall(ctx, conn, p.callId);
    return map;
  },
  hangupCall: async (ctx, conn, user, p) => {
    const control = ctx.callControl();
    if (!control) throw new RpcError(UCI_ERRORS.callControlUnavailable, NO_CALL_CONTROL);
    ownCall(ctx, conn, p.callId);
    await control.hangupCall(user, p.callId);
    return true;
  },
  getUserState: (ctx, _conn, user) => userState(user, ctx.calls),
  setDoNotDisturbSetting: (ctx, _conn, user, p) =>
    changeUserState(ctx.holder, ctx.calls, user.id, { doNotDisturb: p.doNotDisturb }),
  setChatPresenceMessage: (ctx, _conn, user, p) =>
    changeUserState(ctx.holder, ctx.calls, user.id, { chatPresenceMessage: p.message }),
};

/** Runs one method for a signed-in peer. `login` is the transport's (it signs in its own way and may close the socket). */
export function runMethod(
  ctx: HandlerContext,
  conn: UciPeer,
  key: Exclude<UciMethodKey, 'login'>,
  params: unknown,
): unknown {
  const user = currentUser(ctx, conn);
  const parsed = parseParams(key, UCI_PARAMS[key], params);
  return (HANDLERS[key] as Handler<typeof key>)(ctx, conn, user, parsed as never);
}
