import { englishOnly, type Translate } from './i18n.js';

/**
 * Failures the extension itself describes (not the PBX's own messages), as a code and parameters, so the UI
 * can say them in the user's language. `describe(..., englishOnly)` gives the English text for logs.
 */
export type Failure =
  | { code: 'LOGIN_FAILED'; login: string; oauthOffered?: boolean }
  | { code: 'NOT_SIGNED_IN' }
  | { code: 'TIMEOUT'; base: string }
  | { code: 'REFUSED'; base: string }
  | { code: 'DNS'; base: string }
  | { code: 'TLS'; base: string; detail: string }
  | { code: 'UNREACHABLE'; base: string; detail: string }
  | { code: 'CERT_UNTRUSTED'; base: string; name: string; fingerprint: string; reason: string }
  | { code: 'CERT_CHANGED'; base: string; name: string; pinned: string; presented: string }
  | { code: 'HTTP'; method: string; path: string; status: number }
  | { code: 'NOT_JSON'; method: string; path: string; base: string }
  | { code: 'UNEXPECTED_SHAPE'; method: string; path: string; at: string; issue: string }
  | { code: 'SIM_START_TIMEOUT'; seconds: number }
  | { code: 'SIM_BAD_READY_LINE'; line: string }
  | { code: 'SIM_EXITED'; how: string; reason: string }
  | { code: 'NO_SUCH_CONNECTION'; name: string }
  | { code: 'OAUTH_WRONG_SECRET' }
  | { code: 'OAUTH_SECRET_MISSING' }
  | { code: 'OAUTH_RIGHT_MISSING'; login: string }
  | { code: 'OAUTH_NOT_OFFERED'; base: string }
  | { code: 'OAUTH_REFUSED'; error: string; description: string };

export function describe(f: Failure, t: Translate): string {
  switch (f.code) {
    case 'LOGIN_FAILED':
      return f.oauthOffered
        ? t(
            'Sign-in as {0} failed: wrong login or password. The PBX also offers OAuth sign-in (STARFACE 10): if it accepts only OAuth, choose it and enter the client secret with "Choose Sign-In Method…"',
            f.login,
          )
        : t('Sign-in as {0} failed: wrong login or password', f.login);
    case 'NOT_SIGNED_IN':
      return t('Not signed in');
    case 'TIMEOUT':
      return t('{0} did not answer in time', f.base);
    case 'REFUSED':
      return t('Nothing listens at {0} (connection refused)', f.base);
    case 'DNS':
      return t('The host of {0} is unknown (DNS)', f.base);
    case 'TLS':
      return t('The TLS certificate of {0} is not trusted ({1})', f.base, f.detail);
    case 'UNREACHABLE':
      return t('Cannot reach {0}: {1}', f.base, f.detail);
    case 'CERT_UNTRUSTED':
      return t(
        'The certificate of {0} ({1}) is not trusted ({2}); SHA-256 {3}. Trust it for this connection only after comparing the fingerprint with the PBX.',
        f.name,
        f.base,
        f.reason,
        f.fingerprint,
      );
    case 'CERT_CHANGED':
      return t(
        'The certificate of {0} ({1}) has CHANGED: trusted was SHA-256 {2}, now presented {3}. The connection is refused. If the PBX really got a new certificate, run "Forget Trusted Certificate" and decide again.',
        f.name,
        f.base,
        f.pinned,
        f.presented,
      );
    case 'HTTP':
      return t('{0} {1} failed with HTTP {2}', f.method, f.path, f.status);
    case 'NOT_JSON':
      return t('{0} {1}: the answer is not JSON — is {2} a STARFACE?', f.method, f.path, f.base);
    case 'UNEXPECTED_SHAPE':
      return t('{0} {1}: unexpected answer at "{2}": {3}', f.method, f.path, f.at, f.issue);
    case 'SIM_START_TIMEOUT':
      return t('The simulator did not start within {0} s', f.seconds);
    case 'SIM_BAD_READY_LINE':
      return t('The simulator printed an unexpected first line: {0}', f.line);
    case 'SIM_EXITED':
      return t('The simulator exited ({0}): {1}', f.how, f.reason);
    case 'NO_SUCH_CONNECTION':
      return t('No connection named "{0}"', f.name);
    case 'OAUTH_WRONG_SECRET':
      return t(
        'The PBX refused the OAuth client secret (invalid_client): copy it again from the admin UI (Server › Status › REST-API) with "Choose Sign-In Method…"',
      );
    case 'OAUTH_SECRET_MISSING':
      return t('OAuth sign-in needs the PBX\'s client secret: enter it with "Choose Sign-In Method…"');
    case 'OAUTH_RIGHT_MISSING':
      return t(
        'Sign-in as {0} refused: the user lacks the right "API Zugriff mit OAuth Password Grant" (Keycloak: Account disabled)',
        f.login,
      );
    case 'OAUTH_NOT_OFFERED':
      return t(
        'The PBX offers no OAuth ({0} answers 404; STARFACE 10 or later has it): choose the sign-in method "legacy"',
        f.base,
      );
    case 'OAUTH_REFUSED':
      return t('The PBX refused the OAuth sign-in: {0} ({1})', f.error, f.description);
  }
}

/** An error whose English message is for logs and whose `failure` the UI translates. */
export class DescribedError extends Error {
  constructor(readonly failure: Failure) {
    super(describe(failure, englishOnly));
  }
}

/** The text to show for any error: translated when the extension wrote it, as sent when the PBX did. */
export function errorText(err: unknown, t: Translate): string {
  const failure = (err as { failure?: Failure } | undefined)?.failure;
  if (failure) return describe(failure, t);
  return (err as Error | undefined)?.message || String(err);
}
