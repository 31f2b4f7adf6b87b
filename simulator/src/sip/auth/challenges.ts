import type { SipRequest, SipResponse } from '../message/message.js';
import type { UserDirectory } from '../directory.js';
import type { DigestAuthenticator, DigestCredentials, DigestVerifyResult } from './digest.js';

/**
 * Adds the digest challenges, strongest first, to a 401 (`WWW-Authenticate`) or 407 (`Proxy-Authenticate`).
 *
 * sipp 3.6.1 joins all challenge fields and takes the first "algorithm=" it finds (it only does MD5), so it
 * would give up on the strongest-first list. RFC 3261 allows space around "=" (EQUAL = SWS "=" SWS): written
 * so for the SHA challenges, sipp's search lands on the MD5 one, and RFC parsers read the same values.
 */
export function appendChallenges(res: SipResponse, auth: DigestAuthenticator, field: 'WWW-Authenticate' | 'Proxy-Authenticate', stale: boolean): void {
  for (const value of auth.challenge({ stale })) res.headers.append(field, value.replace(/, algorithm=(?!MD5\b)/, ', algorithm = '));
}

/**
 * Checks the first parseable credentials in `Authorization` (registrar) or `Proxy-Authorization` (proxy)
 * against the users' SIP passwords; no credentials means the request must be challenged. A user without a
 * SIP password cannot authenticate.
 */
export function checkCredentials(
  req: SipRequest,
  auth: DigestAuthenticator,
  directory: UserDirectory,
  field: 'authorization' | 'proxy-authorization',
): { creds: DigestCredentials; verdict: DigestVerifyResult } | undefined {
  const creds = req.headers
    .getAll(field)
    .map((v) => auth.parseCredentials(v))
    .find((c) => c !== undefined);
  if (!creds) return undefined;
  const verdict = auth.verify(creds, { method: req.method, password: (username) => directory.login(username)?.sipPassword || undefined });
  return { creds, verdict };
}
