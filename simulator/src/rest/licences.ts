import { Router } from 'express';
import { IdParam } from '../../../shared/schemas/common.js';
import { LicenceInstallSchema, UserLicencesSchema } from '../../../shared/schemas/licences.js';
import { assignLicences, installLicence, toLicenceDtos } from '../state/licences.js';
import { findUser } from '../state/users.js';
import { requireAdmin, requireSelfOrAdmin, type RestContext } from './context.js';
import { parse } from './errors.js';

export function licencesRouter(ctx: RestContext): Router {
  const r = Router();

  r.get('/licenses', (_req, res) => {
    requireAdmin(ctx, res);
    res.json(toLicenceDtos(ctx.holder.state));
  });

  r.post('/licenses', async (req, res) => {
    requireAdmin(ctx, res);
    const body = parse(LicenceInstallSchema, req.body);
    const licence = await ctx.holder.commit((s, emit) => installLicence(s, emit, body.type, body.count));
    res.status(201).json(licence);
  });

  r.get('/licenses/users/:userId', (req, res) => {
    const userId = parse(IdParam, req.params.userId, 'path.userId');
    requireSelfOrAdmin(ctx, res, userId);
    res.json(findUser(ctx.holder.state, userId).licences);
  });

  r.put('/licenses/users/:userId', async (req, res) => {
    requireAdmin(ctx, res);
    const userId = parse(IdParam, req.params.userId, 'path.userId');
    const types = parse(UserLicencesSchema, req.body);
    const licences = await ctx.holder.commit((s, emit) => {
      const user = findUser(s, userId);
      assignLicences(s, emit, user, types);
      return user.licences;
    });
    res.json(licences);
  });
  return r;
}
