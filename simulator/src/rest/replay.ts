import { SimError } from '../state/errors.js';
import type { RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

/** POST /rest/sim/replay: plays recorded events back to the UCI subscribers (admin). */
export function replayHandlers(ctx: RestContext): HandlersFor<'postReplay'> {
  return {
    postReplay: ({ body }) => {
      const player = ctx.replayer;
      if (!player) throw new SimError(503, 'UNAVAILABLE', 'Replay is not available while the simulator is stopping');
      const accepted = player.schedule(body.events, body.speed, body.delayMs);
      ctx.log('info', 'replay scheduled', {
        events: accepted.scheduled,
        durationMs: accepted.durationMs,
        speed: body.speed,
      });
      return accepted;
    },
  };
}
