import { RIGHT_ADMIN, RIGHT_OAUTH } from '../../../shared/catalogue.js';
import { SESSIONS_ENDED_EVENT, SIM_SERVICES, type SimEvent } from '../../../shared/schemas/events.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log.js';
import type { OAuthRealm } from './oauth.js';
import type { Sessions } from './sessions.js';

/** A UCI transport (WebSocket, XML-RPC) whose signed-in sessions can be ended from outside. */
export interface UciSessionHolder {
  /** Ends the sessions whose user `ofUser` selects, telling the client `reason`; answers how many ended. */
  endSessions(ofUser: (userId: number) => boolean, reason: string): number;
}

/**
 * What a client is told when its session ends (a WebSocket close reason: at most 123 bytes, so no login in it).
 * Every one asks to sign in again: the new session has the new password's token and sees what the user may see.
 */
export const SESSION_ENDED_REASONS = {
  password: 'session ended: the password was changed; sign in again with the new one',
  admin: 'session ended: the right "Administration" was taken; sign in again',
  oauth: 'session ended: the right "API Zugriff mit OAuth Password Grant" was taken',
  deleted: 'session ended: the user was deleted',
  scenario: 'session ended: a scenario was applied; sign in again',
} as const;

export interface SessionRevocationOptions {
  bus: EventBus;
  sessions: Sessions;
  /** OAuth sessions (STARFACE 10): they end with the REST tokens, and when the OAuth right is taken. */
  oauth?: Pick<OAuthRealm, 'revokeUser' | 'revokeAllExcept'>;
  log: Logger;
  uci: readonly UciSessionHolder[];
  /** The built-in administrator's id: a scenario keeps them (id, password, sessions) and replaces everyone else. */
  adminId(): number | undefined;
}

/**
 * Ends the sessions a change took the ground from (OWASP ASVS V3.3.3): REST authTokens, UCI WebSockets and UCI
 * XML-RPC sessions. It follows the state's own events, so every path that changes a user (REST, a scenario, a
 * later UCI setter) is covered without the domain code knowing about sessions:
 * - a password set (`users.updated`, passwordChanged): every session of the user ends; only the REST token that
 *   changed the user's own password stays (ASVS asks to end the *other* sessions; see spareToken);
 * - the user deleted: every session ends;
 * - the right "Administration" taken: the UCI sessions end. They decided at sign-in whether the client sees every
 *   user's events; ending them (rather than quietly dropping events) is what clients handle best: they sign in
 *   again, as after any lost connection, and get what they may see now. REST reads the rights on every request,
 *   so REST tokens stay (also when "Login" is taken: it gates signing in, as login.test.ts expects). A right
 *   granted takes effect in UCI at the next sign-in;
 * - the right "API Zugriff mit OAuth Password Grant" taken: the user's OAuth sessions end (their refresh tokens
 *   and access tokens with them); other sessions do not stand on that right;
 * - a scenario applied: ids are handed out anew, so every session but the administrator's ends.
 *
 * OAuth sessions go with the REST tokens throughout; `spareToken` may name either (an authToken or the OAuth
 * session behind a Bearer token: separate random spaces, so it spares the one it names).
 */
export class SessionRevocation {
  private spared: { userId: number; token: string } | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: SessionRevocationOptions) {
    this.unsubscribe = opts.bus.subscribe((e) => this.onEvent(e));
  }

  /**
   * The next password change of `userId` keeps `token`: call it from inside the commit that changes the user's
   * own password with that token. Commits are serialised, so no other commit's events come in between; a commit
   * that fails must clear it (`clearSpare`).
   */
  spareToken(userId: number, token: string): void {
    this.spared = { userId, token };
  }

  clearSpare(): void {
    this.spared = undefined;
  }

  stop(): void {
    this.unsubscribe();
  }

  private onEvent(e: SimEvent): void {
    // A replayed recording (POST /rest/sim/replay) tells of changes of another time: it ends nobody's session.
    if (e.data.replayed === true) return;
    if (e.service === SIM_SERVICES.server && e.event === 'scenario-applied') {
      this.scenarioApplied();
      return;
    }
    if (e.service !== SIM_SERVICES.users) return;
    const { userId, login } = e.data;
    if (typeof userId !== 'number') return;
    const who = typeof login === 'string' ? login : String(userId);
    if (e.event === 'updated' && e.data.passwordChanged === true) {
      const keep = this.spared?.userId === userId ? this.spared.token : undefined;
      this.spared = undefined;
      this.end(userId, who, SESSION_ENDED_REASONS.password, { rest: true, uci: true, keep });
    } else if (e.event === 'deleted') {
      this.end(userId, who, SESSION_ENDED_REASONS.deleted, { rest: true, uci: true });
    } else if (e.event === 'rights-changed' && Array.isArray(e.data.revoked)) {
      if (e.data.revoked.includes(RIGHT_ADMIN))
        this.end(userId, who, SESSION_ENDED_REASONS.admin, { rest: false, uci: true });
      if (e.data.revoked.includes(RIGHT_OAUTH))
        this.end(userId, who, SESSION_ENDED_REASONS.oauth, { rest: false, uci: false, oauth: true });
    }
  }

  private end(
    userId: number,
    login: string,
    reason: string,
    what: { rest: boolean; uci: boolean; oauth?: boolean; keep?: string },
  ): void {
    const restTokens = what.rest ? this.opts.sessions.revokeUser(userId, what.keep) : 0;
    const oauthSessions = what.rest || what.oauth ? (this.opts.oauth?.revokeUser(userId, what.keep) ?? 0) : 0;
    let uciSessions = 0;
    if (what.uci) for (const t of this.opts.uci) uciSessions += t.endSessions((id) => id === userId, reason);
    this.report({ userId, login }, reason, { restTokens, oauthSessions, uciSessions }, what.keep !== undefined);
  }

  private scenarioApplied(): void {
    const adminId = this.opts.adminId();
    if (adminId === undefined) return;
    const restTokens = this.opts.sessions.revokeAllExcept(adminId);
    const oauthSessions = this.opts.oauth?.revokeAllExcept(adminId) ?? 0;
    let uciSessions = 0;
    for (const t of this.opts.uci) uciSessions += t.endSessions((id) => id !== adminId, SESSION_ENDED_REASONS.scenario);
    this.report(undefined, SESSION_ENDED_REASONS.scenario, { restTokens, oauthSessions, uciSessions }, false);
  }

  private report(
    user: { userId: number; login: string } | undefined,
    reason: string,
    counts: { restTokens: number; oauthSessions: number; uciSessions: number },
    keptCurrent: boolean,
  ): void {
    const { restTokens, oauthSessions, uciSessions } = counts;
    if (restTokens === 0 && oauthSessions === 0 && uciSessions === 0) return;
    // OAuth sessions are named only where there were any: below version 10 the message stays as it was.
    const oauth = oauthSessions > 0 ? `, ${oauthSessions} OAuth session(s)` : '';
    const message = `${user ? `Sessions of ${user.login}` : 'Sessions'} ended (${restTokens} REST token(s)${oauth}, ${uciSessions} UCI session(s)${keptCurrent ? '; the token that changed the password stays' : ''}): ${reason.replace(/^session ended: /, '')}`;
    this.opts.log('info', 'sessions ended', { ...user, reason, restTokens, oauthSessions, uciSessions });
    // Not from inside the dispatch of the event that caused it: every listener sees that event first.
    queueMicrotask(() =>
      this.opts.bus.publish({
        service: SIM_SERVICES.log,
        event: SESSIONS_ENDED_EVENT,
        data: {
          level: 'info',
          message,
          ...user,
          restTokens,
          uciSessions,
          ...(oauthSessions > 0 ? { oauthSessions } : {}),
        },
      }),
    );
  }
}
