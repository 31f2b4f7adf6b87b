import { UCI_CLOSE, UCI_ERRORS, UCI_KNOWN_SERVICES } from '../../../../../shared/schemas/uci.js';
import {
  UCI_PROVIDED_EVENTS,
  UCI_V20_CALL_SERVICE,
  UCI_V20_CONNECTION_SERVICE,
  resolveUciMethod,
  uciMethodNames,
} from '../../../../../shared/schemas/uciNames.js';
import { RpcError } from '../methods.js';
import { AnswerThen, type HandlerTable } from './types.js';

const V20_SERVICES = [UCI_V20_CALL_SERVICE, UCI_V20_CONNECTION_SERVICE];

/** connection, service and system: the session itself, what it subscribes to, what the PBX offers. */
export const CONNECTION_HANDLERS: HandlerTable<
  | 'logout'
  | 'keepAlive'
  | 'subscribeEvents'
  | 'unsubscribeEvents'
  | 'setProvidedServices'
  | 'getProvidedEvents'
  | 'getProvidedRequests'
  | 'providesEvents'
  | 'providesRequests'
  | 'getServerVersion'
> = {
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
  /**
   * v20: the client names the callback services it implements. `ucp.v20.client.communication.call` subscribes
   * it to call states under that name, `ucp.v20.client.connection` to the reset sent when the simulator stops.
   * A later call replaces the earlier declaration.
   */
  setProvidedServices: (ctx, conn, _u, p) => {
    const unknown = p.services.filter((s) => !V20_SERVICES.includes(s));
    if (unknown.length) {
      throw new RpcError(
        UCI_ERRORS.invalidParams,
        `setProvidedServices: unknown client service(s) ${unknown.join(', ')}; the PBX calls back ${V20_SERVICES.join(' and ')}`,
      );
    }
    const session = conn.session;
    const wantsCalls = p.services.includes(UCI_V20_CALL_SERVICE);
    session.resetOnStop = p.services.includes(UCI_V20_CONNECTION_SERVICE);
    if (!wantsCalls && session.services.has(UCI_V20_CALL_SERVICE))
      ctx.subscriptions.unsubscribe(conn, [UCI_V20_CALL_SERVICE]);
    if (wantsCalls && !session.services.has(UCI_V20_CALL_SERVICE))
      ctx.subscriptions.subscribe(conn, [UCI_V20_CALL_SERVICE], undefined);
    return true;
  },
  getProvidedEvents: () => [...UCI_PROVIDED_EVENTS, ...UCI_KNOWN_SERVICES.filter((s) => s.startsWith('sim.'))],
  getProvidedRequests: () => uciMethodNames(),
  providesEvents: (_ctx, _c, _u, p) =>
    UCI_PROVIDED_EVENTS.includes(p.service) || UCI_KNOWN_SERVICES.includes(p.service),
  providesRequests: (_ctx, _c, _u, p) => resolveUciMethod(p.method) !== undefined,
  getServerVersion: (ctx) => ctx.holder.state.server.version,
};
