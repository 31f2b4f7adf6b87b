import type { Request, Response, NextFunction, RequestHandler } from 'express';
import { RIGHT_ADMIN } from '../../../shared/catalogue.js';
import { OAUTH_TOKEN_PATH } from '../../../shared/schemas/oauth.js';
import type { Scenario } from '../../../shared/schemas/scenario.js';
import type { Registration } from '../../../shared/schemas/registrations.js';
import type { CallInfo } from '../../../shared/schemas/calls.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log.js';
import { forbidden, SimError } from '../state/errors.js';
import type { StoredUser } from '../state/model.js';
import type { StateHolder } from '../state/pbx.js';
import type { FailedLoginLimiter } from '../auth/rateLimit.js';
import type { SessionRevocation } from '../auth/sessionRevocation.js';
import type { Sessions } from '../auth/sessions.js';
import type { OAuthRealm } from '../auth/oauth.js';
import type { Replayer } from '../events/replay.js';
import type { Story, StoryStatus } from '../../../shared/schemas/story.js';

export interface RestContext {
  holder: StateHolder;
  bus: EventBus;
  sessions: Sessions;
  /** STARFACE 10's OAuth (Bearer tokens); answers nothing below version 10. */
  oauth: OAuthRealm;
  limiter: FailedLoginLimiter;
  log: Logger;
  applyScenario(scenario: Scenario): Promise<void>;
  registrations(): Registration[];
  /** Domains the SIP registrar and proxy serve (PBX names, then the listening address). */
  sipDomains(): ReadonlySet<string>;
  /** The realm of the SIP digest challenges. */
  sipRealm(): string;
  /** Live calls through the SIP proxy. */
  calls(): CallInfo[];
  /** Plays recorded events back to UCI subscribers (POST /rest/sim/replay). */
  replayer?: Replayer;
  /** Ends the sessions a change of a user took the ground from; REST only tells it which token to spare. */
  revocation?: SessionRevocation;
  /** Plays stories (/rest/sim/story); absent while the simulator is stopping. */
  story?: StoryControl;
}

/** What REST needs of the story player (simulator/src/story/player.ts). */
export interface StoryControl {
  status(): StoryStatus;
  start(story: Story, speed: number): StoryStatus;
  setPaused(paused: boolean): StoryStatus;
  stop(): Promise<StoryStatus>;
}

export const AUTH_HEADER = 'authtoken';

/**
 * Every endpoint but the login ones needs a valid `authToken` header or, on a STARFACE 10, `Authorization: Bearer`
 * with an OAuth access token. The legacy header wins when both come (it is what the PBX always took). An
 * access token that does not count is a 401 with RFC 6750's `WWW-Authenticate: Bearer error="invalid_token"`.
 */
export function requireAuth(ctx: RestContext): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = req.get(AUTH_HEADER);
    const bearer = token === undefined ? bearerToken(req.get('authorization')) : undefined;
    if (bearer !== undefined) {
      const check = ctx.oauth.checkAccessToken(bearer);
      if (!check.ok) {
        const description = check.message.replace(/["\\]/g, "'");
        res.set('WWW-Authenticate', `Bearer realm="pbx", error="invalid_token", error_description="${description}"`);
        throw new SimError(401, 'UNAUTHORIZED', check.message, { reason: check.reason });
      }
      res.locals.userId = check.user.id;
      res.locals.oauthSession = check.sessionId;
      return next();
    }
    const userId = token ? ctx.sessions.userFor(token) : undefined;
    if (userId === undefined || !ctx.holder.state.users.some((u) => u.id === userId)) {
      throw new SimError(
        401,
        'UNAUTHORIZED',
        token
          ? 'The authToken is unknown or expired; sign in again'
          : ctx.oauth.available()
            ? `Sign in first: send the authToken header from POST /rest/login, or Authorization: Bearer with an access token from POST ${OAUTH_TOKEN_PATH}`
            : 'Sign in first: send the authToken header from POST /rest/login',
      );
    }
    res.locals.userId = userId;
    next();
  };
}

/** The token of `Authorization: Bearer <token>`; undefined for no header or another scheme. */
function bearerToken(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

/**
 * What the caller signed in with, for the things that end or spare it: the authToken, or the OAuth session behind
 * the Bearer token. The two come from separate random spaces, so one string names one of them only.
 */
export function callerCredential(req: Request, res: Response): string | undefined {
  return req.get(AUTH_HEADER) ?? (res.locals.oauthSession as string | undefined);
}

export function actor(ctx: RestContext, res: Response): StoredUser {
  return ctx.holder.state.users.find((u) => u.id === res.locals.userId)!;
}

export function isAdmin(user: StoredUser): boolean {
  return user.rights.includes(RIGHT_ADMIN);
}

/** Users with "Administration" may change everything; others only read what is theirs. */
export function requireAdmin(ctx: RestContext, res: Response): StoredUser {
  const user = actor(ctx, res);
  if (!isAdmin(user)) throw forbidden('This needs the right "Administration"');
  return user;
}

export function requireSelfOrAdmin(ctx: RestContext, res: Response, userId: number): StoredUser {
  const user = actor(ctx, res);
  if (user.id !== userId && !isAdmin(user))
    throw forbidden('You may only read or change your own data without the right "Administration"');
  return user;
}

export function clientAddress(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}
