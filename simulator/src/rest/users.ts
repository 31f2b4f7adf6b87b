import { Router } from 'express';
import { z } from 'zod';
import { IdParam } from '../../../shared/schemas/common.js';
import { UserCreateSchema, UserUpdateSchema } from '../../../shared/schemas/users.js';
import { createUser, deleteUser, findUser, toUserDto, updateUser } from '../state/users.js';
import type { StoredUser } from '../state/model.js';
import { actor, requireAdmin, requireSelfOrAdmin, type RestContext } from './context.js';
import { parse } from './errors.js';

const SEPARATOR = '\u0000';
const SearchQuery = z.object({
  searchTerm: z.string().max(200).refine((v) => !v.includes(SEPARATOR), 'searchTerm may not contain NUL').optional(),
});

/** Per user one lower-cased string of the searchable fields, joined by a character no search term holds. */
type SearchIndex = { user: StoredUser; text: string }[];

export function usersRouter(ctx: RestContext): Router {
  const r = Router();
  // Lower-cased search fields, rebuilt after any commit: a search then no longer lower-cases every field of
  // every user on every request.
  let index: { revision: number; entries: SearchIndex } | undefined;
  const searchIndex = (): SearchIndex => {
    if (index?.revision !== ctx.holder.revision) {
      const entries = ctx.holder.state.users.map((user) => ({
        user,
        text: [user.login, user.firstName, user.familyName, user.email, user.extension ?? ''].join(SEPARATOR).toLowerCase(),
      }));
      index = { revision: ctx.holder.revision, entries };
    }
    return index.entries;
  };

  r.get('/users', (req, res) => {
    requireAdmin(ctx, res);
    const { searchTerm } = parse(SearchQuery, req.query, 'query');
    const term = searchTerm?.trim().toLowerCase();
    const users = ctx.holder.state.users;
    const hits = term
      ? searchIndex()
          .filter((e) => e.text.includes(term))
          .map((e) => e.user)
      : users;
    res.json(hits.map(toUserDto));
  });

  r.get('/users/me', (_req, res) => {
    res.json(toUserDto(actor(ctx, res)));
  });

  r.post('/users', async (req, res) => {
    requireAdmin(ctx, res);
    const body = parse(UserCreateSchema, req.body);
    const user = await ctx.holder.commit((s, emit) => createUser(s, emit, body));
    res.status(201).location(`${req.baseUrl}/users/${user.id}`).json(toUserDto(user));
  });

  r.get('/users/:id', (req, res) => {
    const id = parse(IdParam, req.params.id, 'path.userId');
    requireSelfOrAdmin(ctx, res, id);
    res.json(toUserDto(findUser(ctx.holder.state, id)));
  });

  r.put('/users/:id', async (req, res) => {
    requireAdmin(ctx, res);
    const id = parse(IdParam, req.params.id, 'path.userId');
    const body = parse(UserUpdateSchema, req.body);
    const user = await ctx.holder.commit((s, emit) => updateUser(s, emit, id, body));
    res.json(toUserDto(user));
  });

  r.delete('/users/:id', async (req, res) => {
    const admin = requireAdmin(ctx, res);
    const id = parse(IdParam, req.params.id, 'path.userId');
    await ctx.holder.commit((s, emit) => deleteUser(s, emit, id, admin.id));
    ctx.sessions.revokeUser(id);
    res.status(204).end();
  });
  return r;
}
