/**
 * STARFACE 10's OAuth sign-in as a client: the password grant of the client `rest-client-headless` at the PBX's
 * Keycloak, the refresh grant before the access token expires, a new password grant once the refresh token has
 * expired (or the PBX forgot the session, e.g. after a restart). Facts: starface-uci-methods.md §1.2.
 *
 * The password and the client secret stay in memory for the session's life (a new password grant needs them);
 * neither they nor a token ever reach an error message or a log line.
 */
import {
  OAUTH_CLIENT_ID,
  OAUTH_SCOPE,
  OAUTH_TOKEN_PATH,
  OAuthErrorSchema,
  OAuthTokenAnswerSchema,
  type OAuthError,
  type OAuthTokenAnswer,
} from '../../../shared/schemas/oauth.js';
import { boundedText, isRedirect, ResponseTooLargeError } from './httpLimits.js';
import { networkFailure, PbxError, redirectError, type BearerAuth } from './restClient.js';
import { besideRest } from '../../../shared/schemas/connection.js';

/** A token answer is a few KiB (two JWTs); this bounds what a wrong server can make us buffer. */
const OAUTH_MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * The share of the access token's lifetime after which it is renewed: at 80 % of 300 s a minute is left for a
 * request under way, and a clock a little off between client and PBX does not matter.
 */
export const OAUTH_RENEW_AT = 0.8;
/** A refresh token this close to its end is not used: the password grant is the safer way then. */
const REFRESH_MARGIN_MS = 5_000;

export interface OAuthCredentials {
  login: string;
  password: string;
  clientSecret: string;
}

export interface OAuthSessionOptions {
  /** The connection's fetch: certificate pinning applies to the token requests as to REST. */
  fetch: typeof fetch;
  /** Milliseconds since the epoch (tests move time by it). */
  now?: () => number;
  timeoutMs?: number;
}

/** `https://pbx/rest` (restBaseUrl) → `https://pbx/auth/realms/pbx/oauth2/token`. */
export function oauthTokenUrl(restBase: string): string {
  return besideRest(restBase, OAUTH_TOKEN_PATH);
}

/** The tokens of one OAuth session; `renew…`/`…ExpiresAt` in milliseconds since the epoch. */
interface Tokens {
  access: string;
  refresh: string;
  renewAt: number;
  accessExpiresAt: number;
  refreshExpiresAt: number;
}

export class OAuthSession implements BearerAuth {
  private tokens: Tokens | undefined;
  private pending: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  /** Grants made (password, refresh), for the log and tests. */
  readonly grants = { password: 0, refresh: 0 };

  constructor(
    readonly tokenUrl: string,
    private readonly credentials: OAuthCredentials,
    private readonly opts: OAuthSessionOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  get login(): string {
    return this.credentials.login;
  }

  get signedIn(): boolean {
    return this.tokens !== undefined;
  }

  /** When the current access token expires (ms since the epoch); undefined when signed out. */
  get accessExpiresAt(): number | undefined {
    return this.tokens?.accessExpiresAt;
  }

  /** The password grant. Throws a PbxError that says what to fix (password, client secret, right). */
  signIn(): Promise<void> {
    return this.once(() => this.passwordGrant());
  }

  /** An access token with time left: renewed (refresh grant, else password grant) once 80 % of it has passed. */
  async accessToken(): Promise<string> {
    const t = this.tokens;
    if (t && this.now() < t.renewAt) return t.access;
    await this.once(() => this.renewNow());
    return this.tokens!.access;
  }

  /** The PBX refused the access token (401): renew it now, whatever our clock says. */
  renew(): Promise<void> {
    return this.once(() => this.renewNow());
  }

  signOut(): void {
    this.tokens = undefined;
  }

  /** One grant at a time: requests that find the token stale together wait for the same renewal. */
  private once(grant: () => Promise<void>): Promise<void> {
    this.pending ??= grant().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async renewNow(): Promise<void> {
    const t = this.tokens;
    if (t && this.now() + REFRESH_MARGIN_MS < t.refreshExpiresAt) {
      try {
        return await this.refreshGrant(t.refresh);
      } catch (err) {
        // invalid_grant: the refresh token expired or the PBX ended the session (restart, password change).
        if (!(err instanceof PbxError && err.code === 'OAUTH_INVALID_GRANT')) throw err;
      }
    }
    await this.passwordGrant();
  }

  private async passwordGrant(): Promise<void> {
    const { login, password, clientSecret } = this.credentials;
    const answer = await this.post(
      {
        grant_type: 'password',
        client_id: OAUTH_CLIENT_ID,
        client_secret: clientSecret,
        scope: OAUTH_SCOPE,
        username: login,
        password,
      },
      'password',
    );
    this.grants.password++;
    this.keep(answer);
  }

  private async refreshGrant(refreshToken: string): Promise<void> {
    const answer = await this.post(
      {
        grant_type: 'refresh_token',
        client_id: OAUTH_CLIENT_ID,
        client_secret: this.credentials.clientSecret,
        refresh_token: refreshToken,
      },
      'refresh_token',
    );
    this.grants.refresh++;
    this.keep(answer);
  }

  private keep(answer: OAuthTokenAnswer): void {
    const at = this.now();
    this.tokens = {
      access: answer.access_token,
      refresh: answer.refresh_token,
      renewAt: at + answer.expires_in * 1000 * OAUTH_RENEW_AT,
      accessExpiresAt: at + answer.expires_in * 1000,
      refreshExpiresAt: at + answer.refresh_expires_in * 1000,
    };
  }

  private async post(form: Record<string, string>, grant: 'password' | 'refresh_token'): Promise<OAuthTokenAnswer> {
    const path = new URL(this.tokenUrl).pathname;
    let res: Response;
    try {
      res = await this.opts.fetch(this.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
        // A redirect would resend the password and the client secret to wherever it points.
        redirect: 'manual',
      });
    } catch (err) {
      throw unreachable(this.tokenUrl, err);
    }
    if (isRedirect(res)) throw redirectError('POST', path, this.tokenUrl, res);
    let text: string;
    try {
      text = await boundedText(res, OAUTH_MAX_RESPONSE_BYTES);
    } catch (err) {
      if (err instanceof ResponseTooLargeError)
        throw new PbxError(`POST ${path}: ${err.message}`, res.status, 'TOO_LARGE');
      throw unreachable(this.tokenUrl, err);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.ok) {
      const parsed = OAuthTokenAnswerSchema.safeParse(json);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0]!;
      throw PbxError.of(
        { code: 'UNEXPECTED_SHAPE', method: 'POST', path, at: issue.path.join('.'), issue: issue.message },
        res.status,
        'UNEXPECTED_SHAPE',
      );
    }
    if (res.status === 404) throw PbxError.of({ code: 'OAUTH_NOT_OFFERED', base: this.tokenUrl }, 404, 'NOT_FOUND');
    const refusal = OAuthErrorSchema.safeParse(json);
    if (!refusal.success)
      throw PbxError.of({ code: 'HTTP', method: 'POST', path, status: res.status }, res.status, `HTTP_${res.status}`);
    throw oauthRefusal(refusal.data, res.status, grant, this.credentials.login);
  }
}

/**
 * Keycloak's refusals in words a person can act on. The description is Keycloak's own text (never a secret):
 * "Invalid user credentials", "Account disabled…" (here: the right is missing), "Invalid client…".
 */
export function oauthRefusal(
  e: OAuthError,
  status: number,
  grant: 'password' | 'refresh_token',
  login: string,
): PbxError {
  if (e.error === 'invalid_client') return PbxError.of({ code: 'OAUTH_WRONG_SECRET' }, status, 'OAUTH_INVALID_CLIENT');
  if (e.error === 'invalid_grant' && grant === 'password') {
    if (/^Account disabled/i.test(e.error_description))
      return PbxError.of({ code: 'OAUTH_RIGHT_MISSING', login }, status, 'OAUTH_RIGHT_MISSING', e);
    if (/^Invalid user credentials/i.test(e.error_description))
      return PbxError.of({ code: 'LOGIN_FAILED', login }, status, 'OAUTH_INVALID_GRANT', e);
  }
  return PbxError.of(
    { code: 'OAUTH_REFUSED', error: e.error, description: e.error_description },
    status,
    e.error === 'invalid_grant' ? 'OAUTH_INVALID_GRANT' : `OAUTH_${e.error.toUpperCase()}`,
    e,
  );
}

function unreachable(url: string, err: unknown): PbxError {
  return PbxError.of(networkFailure(new URL(url).origin, err), undefined, 'UNREACHABLE');
}
