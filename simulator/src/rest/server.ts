import type { RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

export function serverHandlers(ctx: RestContext): HandlersFor<'getServerVersion'> {
  return {
    getServerVersion: () => ({ version: ctx.holder.state.server.version }),
  };
}
