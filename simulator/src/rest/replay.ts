import { Router } from 'express';
import { ReplayRequestSchema } from '../../../shared/schemas/uci.js';
import { SimError } from '../state/errors.js';
import { requireAdmin, type RestContext } from './context.js';
import { parse } from './errors.js';

/** POST /rest/sim/replay: plays recorded events back to the UCI subscribers (admin). */
export function replayRouter(ctx: RestContext): Router {
  const r = Router();
  r.post('/sim/replay', (req, res) => {
    requireAdmin(ctx, res);
    const body = parse(ReplayRequestSchema, req.body);
    const player = ctx.replayer;
    if (!player) throw new SimError(503, 'UNAVAILABLE', 'Replay is not available while the simulator is stopping');
    const accepted = player.schedule(body.events, body.speed, body.delayMs);
    ctx.log('info', 'replay scheduled', { events: accepted.scheduled, durationMs: accepted.durationMs, speed: body.speed });
    res.status(202).json(accepted);
  });
  return r;
}
