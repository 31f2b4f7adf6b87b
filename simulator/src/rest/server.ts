import { Router } from 'express';
import type { RestContext } from './context.js';

export function serverRouter(ctx: RestContext): Router {
  const r = Router();
  r.get('/server/version', (_req, res) => {
    res.json({ version: ctx.holder.state.server.version });
  });
  return r;
}
