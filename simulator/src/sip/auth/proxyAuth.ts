import type { SipRefusalReason } from '../../../../shared/schemas/registrations.js';
import type { StoredUser } from '../../state/model.js';
import type { UserDirectory } from '../directory.js';
import type { SipRequest } from '../message/message.js';
import { parseNameAddr, parseUri } from '../message/uri.js';
import type { DigestAuthenticator } from './digest.js';
import { checkCredentials, DIGEST_REFUSALS, throttledPhrase } from './challenges.js';
import type { SipAuthGate } from './gate.js';

/** A refusal to report (log line and event) and to answer with `status` (and `phrase`, if given). */
export interface ProxyRefusal {
  status: number;
  reason: SipRefusalReason;
  message: string;
  login: string | undefined;
  phrase?: string;
}

/**
 * The verdict on a request's Proxy-Authorization. Not ok: report `refusal` if there is one, then answer a 407
 * with fresh challenges (`challenge`, stale or not) or else the refusal's status.
 */
export type ProxyAuthResult =
  { ok: true; user: StoredUser } | { ok: false; refusal?: ProxyRefusal; challenge?: { stale: boolean } };

/** Digest with 407 (RFC 3261 §22.3); the From user must be the one who authenticated. */
export function authenticateCaller(
  req: SipRequest,
  auth: DigestAuthenticator,
  directory: UserDirectory,
  gate?: { gate: SipAuthGate; source: string },
): ProxyAuthResult {
  const checked = checkCredentials(req, auth, directory, 'proxy-authorization', gate);
  if (!checked) return { ok: false, challenge: { stale: false } };
  const { creds, verdict } = checked;
  if (!verdict.ok) {
    const { reason, message } = DIGEST_REFUSALS[verdict.reason];
    if (verdict.reason === 'malformed') {
      return {
        ok: false,
        refusal: {
          status: 400,
          reason,
          message,
          login: creds.username,
          phrase: 'Bad Request (malformed Proxy-Authorization)',
        },
      };
    }
    if (verdict.reason === 'throttled') {
      return {
        ok: false,
        refusal: { status: 403, reason, message, login: creds.username, phrase: throttledPhrase(verdict.retryAfter) },
      };
    }
    return {
      ok: false,
      refusal: { status: 407, reason, message, login: creds.username },
      challenge: { stale: verdict.stale === true },
    };
  }
  const user = directory.login(verdict.username);
  const fromUri = parseUri(parseNameAddr(req.headers.get('from') ?? '')?.uri ?? '');
  const fromUser = fromUri ? directory.userPart(fromUri.user) : undefined;
  if (!user || !fromUser || fromUser.id !== user.id) {
    const message = `${verdict.username} authenticated, but the request is From ${fromUri?.user ?? '?'}`;
    return {
      ok: false,
      refusal: {
        status: 403,
        reason: 'from-mismatch',
        message,
        login: verdict.username,
        phrase: 'Forbidden (From is not the authenticated user)',
      },
    };
  }
  return { ok: true, user };
}
