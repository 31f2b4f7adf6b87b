import type { SipRefusalReason } from '../../../../shared/schemas/registrations.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { UserDirectory } from '../directory.js';
import type { DigestAuthenticator, DigestCredentials, DigestFailureReason, DigestVerifyResult } from './digest.js';
import type { GateFailureReason, GateVerdict, SipAuthGate } from './gate.js';

/** How a failed digest check is reported (event reason and English text). */
export const DIGEST_REFUSALS: Record<
  DigestFailureReason | GateFailureReason,
  { reason: SipRefusalReason; message: string }
> = {
  'bad-response': { reason: 'wrong-password', message: 'wrong password (the digest response does not match)' },
  'unknown-user': { reason: 'unknown-user', message: 'unknown digest user (no such login, or no SIP password)' },
  'stale-nonce': {
    reason: 'stale-nonce',
    message: 'nonce expired (right credentials; challenged anew with stale=true)',
  },
  'bad-nonce': { reason: 'bad-nonce', message: 'nonce or opaque not issued by this simulator (or by an earlier run)' },
  replay: {
    reason: 'replay',
    message: 'nonce-count not higher than the last one for this nonce (replay); challenged anew',
  },
  'wrong-realm': { reason: 'wrong-realm', message: 'credentials for another realm' },
  'unsupported-algorithm': {
    reason: 'unsupported-algorithm',
    message: 'digest algorithm not offered (see --sip-digest)',
  },
  'missing-qop': { reason: 'missing-qop', message: 'credentials without qop=auth (RFC 2069 style or auth-int)' },
  malformed: { reason: 'malformed-credentials', message: 'malformed digest credentials' },
  throttled: {
    reason: 'throttled',
    message: 'too many failed sign-ins of this login from this address; refused unchecked (403)',
  },
  'spent-nonce': {
    reason: 'spent-nonce',
    message: 'nonce already spent on a wrong response; challenged anew unchecked',
  },
};

/** The phrase of a throttled request's 403. */
export const throttledPhrase = (seconds: number): string =>
  `Forbidden (too many failed sign-ins, try again in ${seconds} s)`;

/**
 * Adds the digest challenges, in the configured order, to a 401 (`WWW-Authenticate`) or 407 (`Proxy-Authenticate`).
 *
 * sipp 3.6.1 joins all challenge fields and takes the first "algorithm=" it finds (it only does MD5), so it
 * would give up on the strongest-first list. RFC 3261 allows space around "=" (EQUAL = SWS "=" SWS): written
 * so for the SHA challenges, sipp's search lands on the MD5 one, and RFC parsers read the same values.
 */
export function appendChallenges(
  res: SipResponse,
  auth: DigestAuthenticator,
  field: 'WWW-Authenticate' | 'Proxy-Authenticate',
  stale: boolean,
): void {
  for (const value of auth.challenge({ stale }))
    res.headers.append(field, value.replace(/, algorithm=(?!MD5\b)/, ', algorithm = '));
}

/**
 * Checks the first parseable credentials in `Authorization` (registrar) or `Proxy-Authorization` (proxy)
 * against the users' SIP passwords; no credentials means the request must be challenged. A user without a
 * SIP password cannot authenticate. With a gate, a login that must wait from this source, or a spent nonce, is
 * answered without checking, and guesses are counted (gate.ts).
 */
export function checkCredentials(
  req: SipRequest,
  auth: DigestAuthenticator,
  directory: UserDirectory,
  field: 'authorization' | 'proxy-authorization',
  gate?: { gate: SipAuthGate; source: string },
): { creds: DigestCredentials; verdict: DigestVerifyResult | GateVerdict } | undefined {
  const creds = req.headers
    .getAll(field)
    .map((v) => auth.parseCredentials(v))
    .find((c) => c !== undefined);
  if (!creds) return undefined;
  const held = gate?.gate.hold(creds, gate.source);
  if (held) return { creds, verdict: held };
  const verdict = auth.verify(creds, {
    method: req.method,
    password: (username) => directory.login(username)?.sipPassword || undefined,
  });
  gate?.gate.record(creds, verdict, gate.source);
  return { creds, verdict };
}
