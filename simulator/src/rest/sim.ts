import { RIGHT_OAUTH, rightByKey } from '../../../shared/catalogue.js';
import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import {
  OAUTH_ACCESS_TOKEN_LIFETIME_S,
  OAUTH_CLIENT_ID,
  OAUTH_REFRESH_TOKEN_LIFETIME_S,
  OAUTH_SCOPE,
  OAUTH_TOKEN_PATH,
} from '../../../shared/schemas/oauth.js';
import { loadScenario, parseScenario, ScenarioError } from '../scenarios/apply.js';
import { SimError } from '../state/errors.js';
import { ADMIN_LOGIN, findUser, setSipSecret } from '../state/users.js';
import type { StoredUser } from '../state/model.js';
import { sipSecretIsLoginPassword } from '../state/sipSecret.js';
import type { SimCredentials } from '../../../shared/schemas/credentials.js';
import type { RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

/** The simulator's own resources (teams sign-in and replay have their own files). */
export function simHandlers(
  ctx: RestContext,
): HandlersFor<
  | 'getAppSession'
  | 'putAppSession'
  | 'getRegistrations'
  | 'getCredentials'
  | 'putSipSecret'
  | 'getOAuthClient'
  | 'getCalls'
  | 'getEvents'
  | 'postScenario'
> {
  return {
    getAppSession: ({ params }) => findUser(ctx.holder.state, params.userId).app,

    putAppSession: ({ params, body }) =>
      ctx.holder.commit((s, emit) => {
        const user = findUser(s, params.userId);
        user.app = {
          active: body.active,
          platform: body.platform ?? user.app.platform,
          version: body.version ?? user.app.version,
          lastSeen: new Date().toISOString(),
        };
        emit({
          service: SIM_SERVICES.users,
          event: body.active ? 'app-signed-in' : 'app-signed-out',
          data: { userId: params.userId, login: user.login, platform: user.app.platform },
        });
        return user.app;
      }),

    getRegistrations: () => ctx.registrations(),

    getCredentials: () => credentials(ctx.holder.state.users, ctx.sipDomains(), ctx.sipRealm()),

    putSipSecret: ({ params, body }) =>
      ctx.holder.commit((s, emit) => {
        const user = setSipSecret(s, emit, params.userId, body.secret);
        return { userId: user.id, login: user.login, secret: user.sipPassword, generated: body.secret === undefined };
      }),

    getOAuthClient: ({ req }) => {
      const secret = ctx.oauth.clientSecret();
      if (!ctx.oauth.available() || secret === undefined)
        throw new SimError(
          404,
          'NOT_FOUND',
          `No OAuth on this PBX: it reports version ${ctx.oauth.version}; STARFACE 10 or later has it (scenario "starface-10")`,
          { version: ctx.oauth.version },
        );
      const right = rightByKey(RIGHT_OAUTH)!;
      return {
        clientId: OAUTH_CLIENT_ID,
        clientSecret: secret,
        // Where this request came in: the address the caller can reach.
        tokenUrl: `${req.protocol}://${req.get('host') ?? req.socket.localAddress}${OAUTH_TOKEN_PATH}`,
        scope: OAUTH_SCOPE,
        accessTokenLifetime: OAUTH_ACCESS_TOKEN_LIFETIME_S,
        refreshTokenLifetime: OAUTH_REFRESH_TOKEN_LIFETIME_S,
        right: { id: right.id, permission: right.permission, description: right.description },
      };
    },

    getCalls: () => ctx.calls(),

    getEvents: ({ query, res }) => {
      const oldestSeq = ctx.bus.oldestSeq;
      if (ctx.bus.isGone(query.sinceSeq)) {
        throw new SimError(
          410,
          'EVENTS_GONE',
          `Events after seq ${query.sinceSeq} are no longer buffered; the oldest available is ${oldestSeq}`,
          {
            oldestSeq,
            lastSeq: ctx.bus.lastSeq,
          },
        );
      }
      if (query.sinceSeq > ctx.bus.lastSeq)
        res.set('X-Sim-Note', 'sinceSeq is ahead of lastSeq: the simulator restarted (see bootId)');
      return {
        events: ctx.bus.since(query.sinceSeq, query.limit),
        lastSeq: ctx.bus.lastSeq,
        oldestSeq,
        bootId: ctx.bus.bootId,
      };
    },

    postScenario: async ({ body }) => {
      let scenario;
      try {
        scenario = 'name' in body ? loadBuiltin(body.name) : parseScenario(body.scenario, 'in the request body');
      } catch (err) {
        if (err instanceof ScenarioError) throw new SimError(400, 'INVALID_SCENARIO', err.message);
        throw err;
      }
      try {
        await ctx.applyScenario(scenario);
      } catch (err) {
        // Valid in shape but not as a PBX (a number with two holders, an unknown user named): rolled back, a 400.
        if (err instanceof ScenarioError) throw new SimError(400, 'INVALID_SCENARIO', err.message);
        throw err;
      }
      return { scenario: scenario.name, lastSeq: ctx.bus.lastSeq };
    },
  };
}

/** Over REST only built-in names: a path would let a client read files of the machine. */
function loadBuiltin(name: string) {
  if (/[/\\]/.test(name) || name.endsWith('.json')) {
    throw new ScenarioError(
      `Only built-in scenarios are applied by name over REST; send a file's content as {"scenario": {...}}`,
    );
  }
  return loadScenario(name);
}

/**
 * The trainer's cheat sheet. The login password is stored as a hash only; it is known exactly where it is also
 * the SIP secret (then the hash matches): the built-in scenarios' users, whose passwords are public.
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
        password: sipSecretIsLoginPassword(u) ? u.sipPassword : null,
        sipPassword: u.sipPassword,
      })),
    sipDomains: [...domains],
    sipRealm: realm,
  };
}
