import type { Request, Response, NextFunction, RequestHandler } from 'express';
import { RIGHT_ADMIN } from '../../../shared/catalogue.js';
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
import type { Replayer } from '../events/replay.js';

export interface RestContext {
  holder: StateHolder;
  bus: EventBus;
  sessions: Sessions;
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
}

export const AUTH_HEADER = 'authtoken';

/** Every endpoint but the login ones needs a valid `authToken` header. */
export function requireAuth(ctx: RestContext): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = req.get(AUTH_HEADER);
    const userId = token ? ctx.sessions.userFor(token) : undefined;
    if (userId === undefined || !ctx.holder.state.users.some((u) => u.id === userId)) {
      throw new SimError(
        401,
        'UNAUTHORIZED',
        token
          ? 'The authToken is unknown or expired; sign in again'
          : 'Sign in first: send the authToken header from POST /rest/login',
      );
    }
    res.locals.userId = userId;
    next();
  };
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
