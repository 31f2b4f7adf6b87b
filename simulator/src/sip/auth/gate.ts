import type { FailedLoginLimiter } from '../../auth/rateLimit.js';
import type { DigestCredentials, DigestVerifyResult } from './digest.js';

/** Why the gate answers for the digest check (it never looked at the response). */
export type GateFailureReason = 'throttled' | 'spent-nonce';

/** The gate's answer instead of a digest verdict: wait (403), or challenge anew (the nonce was spent on a guess). */
export type GateVerdict =
  | { ok: false; reason: 'throttled'; retryAfter: number; stale?: undefined }
  | { ok: false; reason: 'spent-nonce'; stale?: undefined };

/** A nonce on which a wrong response was given stays spent as long as one of ours could be fresh (5 minutes). */
const SPENT_FOR_MS = 300_000;
const MAX_SPENT = 10_000;
/** Ours are 32 characters; a longer one is made up, and a fresh one costs its maker nothing: not worth keeping. */
const MAX_KEPT_NONCE = 64;

/**
 * Digest guesses count in the limiter of the REST, Teams and UCI sign-ins (per login and source address), so a
 * SIP guesser is slowed down as Kamailio's pike / Asterisk with fail2ban do, and a login guessed over SIP waits over
 * REST too from that address. Also, one nonce is good for one wrong response: the next one on it is challenged
 * anew without being checked, so each guess costs a round trip for a fresh nonce.
 *
 * A guess is a response checked against a password and found wrong: `bad-response` and `unknown-user` (on a nonce
 * of ours), and `bad-nonce` without `stale` — a nonce not ours, whose response does not fit the user's password
 * either (a right one is answered `stale=true` and does not count; without counting the wrong ones, a made-up nonce
 * would be an unlimited oracle). Stale, replayed, malformed or wrong-realm credentials are not guesses.
 */
export class SipAuthGate {
  private readonly spent = new Map<string, number>();

  constructor(
    private readonly limiter: FailedLoginLimiter,
    private readonly now: () => number = Date.now,
  ) {}

  /** Before the response is checked: a verdict when it must not be, else undefined. */
  hold(creds: DigestCredentials, source: string): GateVerdict | undefined {
    const retryAfter = this.limiter.retryAfter(creds.username, source);
    if (retryAfter > 0) return { ok: false, reason: 'throttled', retryAfter };
    if (this.spent.size > 0) {
      const until = this.spent.get(creds.nonce);
      if (until !== undefined) {
        if (until > this.now()) return { ok: false, reason: 'spent-nonce' };
        this.spent.delete(creds.nonce);
      }
    }
    return undefined;
  }

  /** After: counts a guess and spends its nonce, or forgets this source's failures for the login. */
  record(creds: DigestCredentials, verdict: DigestVerifyResult, source: string): void {
    if (verdict.ok) {
      this.limiter.succeed(verdict.username, source);
      return;
    }
    const guess =
      verdict.reason === 'bad-response' ||
      verdict.reason === 'unknown-user' ||
      (verdict.reason === 'bad-nonce' && verdict.stale !== true);
    if (!guess) return;
    this.limiter.fail(creds.username, source);
    if (creds.nonce.length > MAX_KEPT_NONCE) return;
    if (this.spent.size >= MAX_SPENT) this.spent.delete(this.spent.keys().next().value!);
    // A copy: the parsed value is a slice of the request, which it would keep alive in V8.
    this.spent.set(Buffer.from(creds.nonce, 'utf8').toString('utf8'), this.now() + SPENT_FOR_MS);
  }
}
