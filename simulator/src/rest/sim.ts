import { Router } from 'express';
import { IdParam } from '../../../shared/schemas/common.js';
import { AppSessionUpdateSchema } from '../../../shared/schemas/app.js';
import { EventQuerySchema, SIM_SERVICES } from '../../../shared/schemas/events.js';
import { ScenarioApplySchema } from '../../../shared/schemas/scenario.js';
import { loadScenario, parseScenario, ScenarioError } from '../scenarios/apply.js';
import { SimError } from '../state/errors.js';
import { ADMIN_LOGIN, findUser } from '../state/users.js';
import type { StoredUser } from '../state/model.js';
import { sha512hex } from '../../../shared/hashes.js';
import type { SimCredentials } from '../../../shared/schemas/credentials.js';
import { requireAdmin, type RestContext } from './context.js';
import { parse } from './errors.js';

export function simRouter(ctx: RestContext): Router {
  const r = Router();

  r.get('/sim/users/:id/app', (req, res) => {
    requireAdmin(ctx, res);
    const id = parse(IdParam, req.params.id, 'path.userId');
    res.json(findUser(ctx.holder.state, id).app);
  });

  r.put('/sim/users/:id/app', async (req, res) => {
    requireAdmin(ctx, res);
    const id = parse(IdParam, req.params.id, 'path.userId');
    const body = parse(AppSessionUpdateSchema, req.body);
    const app = await ctx.holder.commit((s, emit) => {
      const user = findUser(s, id);
      user.app = {
        active: body.active,
        platform: body.platform ?? user.app.platform,
        version: body.version ?? user.app.version,
        lastSeen: new Date().toISOString(),
      };
      emit({ service: SIM_SERVICES.users, event: body.active ? 'app-signed-in' : 'app-signed-out', data: { userId: id, login: user.login, platform: user.app.platform } });
      return user.app;
    });
    res.json(app);
  });

  r.get('/sim/registrations', (_req, res) => {
    requireAdmin(ctx, res);
    res.json(ctx.registrations());
  });

  r.get('/sim/credentials', (_req, res) => {
    requireAdmin(ctx, res);
    res.json(credentials(ctx.holder.state.users, ctx.sipDomains(), ctx.sipRealm()));
  });

  r.get('/sim/calls', (_req, res) => {
    requireAdmin(ctx, res);
    res.json(ctx.calls());
  });

  r.get('/sim/events', (req, res) => {
    requireAdmin(ctx, res);
    const q = parse(EventQuerySchema, req.query, 'query');
    const oldestSeq = ctx.bus.oldestSeq;
    if (ctx.bus.isGone(q.sinceSeq)) {
      throw new SimError(410, 'EVENTS_GONE', `Events after seq ${q.sinceSeq} are no longer buffered; the oldest available is ${oldestSeq}`, {
        oldestSeq,
        lastSeq: ctx.bus.lastSeq,
      });
    }
    if (q.sinceSeq > ctx.bus.lastSeq) res.set('X-Sim-Note', 'sinceSeq is ahead of lastSeq: the simulator restarted (see bootId)');
    res.json({ events: ctx.bus.since(q.sinceSeq, q.limit), lastSeq: ctx.bus.lastSeq, oldestSeq, bootId: ctx.bus.bootId });
  });

  r.post('/sim/scenario', async (req, res) => {
    requireAdmin(ctx, res);
    const body = parse(ScenarioApplySchema, req.body);
    let scenario;
    try {
      scenario = 'name' in body ? loadBuiltin(body.name) : parseScenario(body.scenario, 'in the request body');
    } catch (err) {
      if (err instanceof ScenarioError) throw new SimError(400, 'INVALID_SCENARIO', err.message);
      throw err;
    }
    await ctx.applyScenario(scenario);
    res.json({ scenario: scenario.name, lastSeq: ctx.bus.lastSeq });
  });
  return r;
}

/** Over REST only built-in names: a path would let a client read files of the machine. */
function loadBuiltin(name: string) {
  if (/[/\\]/.test(name) || name.endsWith('.json')) {
    throw new ScenarioError(`Only built-in scenarios are applied by name over REST; send a file's content as {"scenario": {...}}`);
  }
  return loadScenario(name);
}

/**
 * The trainer's cheat sheet. The login password is stored as a hash only; it is known exactly while the SIP
 * password still follows it (then the hash matches), which holds for every scenario user until someone sets
 * one of the two apart.
 */
function credentials(users: readonly StoredUser[], domains: ReadonlySet<string>, realm: string): SimCredentials {
  return {
    users: users
      .filter((u) => u.login !== ADMIN_LOGIN)
      .map((u) => ({
        userId: u.id,
        login: u.login,
        firstName: u.firstName,
        familyName: u.familyName,
        extension: u.extension ?? null,
        password: !u.sipPasswordCustom && sha512hex(u.sipPassword) === u.passwordHash ? u.sipPassword : null,
        sipPassword: u.sipPassword,
      })),
    sipDomains: [...domains],
    sipRealm: realm,
  };
}
