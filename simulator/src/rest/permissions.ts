import { Router } from 'express';
import { z } from 'zod';
import { rightById, RIGHTS } from '../../../shared/catalogue.js';
import { IdParam } from '../../../shared/schemas/common.js';
import { PermissionIdListSchema, UserIdListSchema, type PermissionInfo } from '../../../shared/schemas/users.js';
import { notFound } from '../state/errors.js';
import { findUser, setPermissionForUsers, setUserRights, toUserDto } from '../state/users.js';
import { requireAdmin, requireSelfOrAdmin, type RestContext } from './context.js';
import { parse } from './errors.js';

const GrantedQuery = z.object({
  granted: z.enum(['true', 'false'], { error: 'granted must be true or false' }).transform((v) => v === 'true'),
});

const info = (r: (typeof RIGHTS)[number]): PermissionInfo => ({ id: r.id, permission: r.permission, description: r.description });

export function permissionsRouter(ctx: RestContext): Router {
  const r = Router();

  r.get('/permissions', (_req, res) => {
    requireAdmin(ctx, res);
    res.json(RIGHTS.map(info));
  });

  r.get('/permissions/users/:userId', (req, res) => {
    const userId = parse(IdParam, req.params.userId, 'path.userId');
    requireSelfOrAdmin(ctx, res, userId);
    const user = findUser(ctx.holder.state, userId);
    res.json(RIGHTS.filter((right) => user.rights.includes(right.permission)).map(info));
  });

  r.put('/permissions/users/:userId', async (req, res) => {
    requireAdmin(ctx, res);
    const userId = parse(IdParam, req.params.userId, 'path.userId');
    const ids = parse(PermissionIdListSchema, req.body);
    await ctx.holder.commit((s, emit) => setUserRights(s, emit, userId, ids));
    res.status(204).end();
  });

  r.get('/permissions/:permissionId/users', (req, res) => {
    requireAdmin(ctx, res);
    const permissionId = parse(IdParam, req.params.permissionId, 'path.permissionId');
    const right = rightById(permissionId);
    if (!right) throw notFound('Permission', permissionId);
    res.json(ctx.holder.state.users.filter((u) => u.rights.includes(right.permission)).map(toUserDto));
  });

  r.put('/permissions/:permissionId/users', async (req, res) => {
    requireAdmin(ctx, res);
    const permissionId = parse(IdParam, req.params.permissionId, 'path.permissionId');
    const { granted } = parse(GrantedQuery, req.query, 'query');
    const userIds = parse(UserIdListSchema, req.body);
    await ctx.holder.commit((s, emit) => setPermissionForUsers(s, emit, permissionId, userIds, granted));
    res.status(204).end();
  });
  return r;
}
