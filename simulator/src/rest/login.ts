import { timingSafeEqual } from 'node:crypto';
import { RIGHT_LOGIN } from '../../../shared/catalogue.js';
import { restLoginSecretFromHash } from '../../../shared/hashes.js';
import { SimError } from '../state/errors.js';
import { findUserByLogin, hasPassword } from '../state/users.js';
import { AUTH_HEADER, clientAddress, type RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

export function tooMany(seconds: number): SimError {
  return new SimError(429, 'TOO_MANY_FAILED_LOGINS', `Too many failed sign-ins; try again in ${seconds} s`, {
    retryAfter: seconds,
  });
}

/** The real handshake: GET a nonce, POST `login:sha512hex(login + nonce + sha512hex(password))`, get a token. */
export function loginHandlers(ctx: RestContext): HandlersFor<'getLogin' | 'login' | 'logout'> {
  return {
    getLogin: () => ({ loginType: 'Internal', nonce: ctx.sessions.newNonce(), secret: null }),

    login: ({ body, req, res }) => {
      const address = clientAddress(req);
      const colon = body.secret.indexOf(':');
      const login = colon > 0 ? body.secret.slice(0, colon) : undefined;
      const wait = ctx.limiter.retryAfter(login, address);
      if (wait > 0) {
        res.set('Retry-After', String(wait));
        throw tooMany(wait);
      }
      if (body.loginType.toLowerCase() !== 'internal') {
        throw new SimError(
          400,
          'LOGIN_TYPE_UNSUPPORTED',
          'This PBX has no Active Directory connection; use loginType "Internal"',
        );
      }
      // Only an attempt on a nonce we issued (unused, unexpired) is a guess that counts: anyone could send the
      // others, and counting them would let anyone make the real user wait.
      if (!ctx.sessions.consumeNonce(body.nonce)) {
        ctx.log('info', 'login failed', { login, address, reason: 'nonce' });
        throw new SimError(
          400,
          'LOGIN_FAILED',
          'Login failed: the nonce is unknown, used or older than 60 s; GET /rest/login again',
          { nonceValid: false },
        );
      }
      // A user created without a password has none to match: refused like a wrong one until a password is set.
      const found = login === undefined ? undefined : findUserByLogin(ctx.holder.state, login);
      const user = found && hasPassword(found) ? found : undefined;
      const expected = Buffer.from(user ? restLoginSecretFromHash(user.login, body.nonce, user.passwordHash) : '');
      const given = Buffer.from(body.secret);
      const secretOk = expected.length === given.length && timingSafeEqual(expected, given);
      if (!secretOk || !user) {
        ctx.limiter.fail(login, address);
        ctx.log('info', 'login failed', { login, address, reason: 'secret' });
        throw new SimError(400, 'LOGIN_FAILED', 'Login failed: wrong login or password', { nonceValid: true });
      }
      ctx.limiter.succeed(user.login, address);
      if (!user.rights.includes(RIGHT_LOGIN))
        throw new SimError(403, 'LOGIN_NOT_PERMITTED', `User ${user.login} lacks the right "Login"`);
      ctx.log('info', 'login', { login: user.login, address });
      return { token: ctx.sessions.issueToken(user.id) };
    },

    // With a Bearer token the OAuth session ends: both its tokens stop working, as after a Keycloak logout.
    logout: ({ req, res }) => {
      const token = req.get(AUTH_HEADER);
      if (token !== undefined) ctx.sessions.revoke(token);
      else if (typeof res.locals.oauthSession === 'string') ctx.oauth.endSession(res.locals.oauthSession);
    },
  };
}
