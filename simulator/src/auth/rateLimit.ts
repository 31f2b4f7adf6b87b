import { createHash } from 'node:crypto';
import { isIP } from 'node:net';

export interface RateLimitOptions {
  /** Failures of one login from one address before that address has to wait for that login. */
  perLogin: number;
  /** Failures from one address, all logins together, before it has to wait for every login it failed for. */
  perAddress: number;
  /**
   * Failures of one login from all addresses together (an attack from many) before every address that failed for
   * it has to wait from its first failure on.
   */
  perLoginAllAddresses: number;
  /** The first wait; every further failure doubles it. */
  backoffMs: number;
  /** The longest wait. */
  maxWaitMs: number;
  /** Failures are forgotten this long after the last one, or after the longest wait it can cause has ended. */
  windowMs: number;
  /** Entries kept at most; beyond, the least recently failed ones that make nobody wait are dropped first. */
  maxEntries: number;
}

/**
 * fail2ban's default ban on Asterisk is 10 minutes; the wait only reaches it after 15 failures of one login from
 * one address, and it never keeps out an address without failures for the login.
 */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  perLogin: 5,
  perAddress: 20,
  perLoginAllAddresses: 20,
  backoffMs: 1000,
  maxWaitMs: 10 * 60_000,
  windowMs: 5 * 60_000,
  maxEntries: 100_000,
};

interface Entry {
  /** The map key, a copy of its own (see `count`). */
  key: string;
  failures: number;
  last: number;
  /** When the failures are forgotten. */
  expires: number;
}

const PAIR = 'p';
const ADDRESS = 'a';
const LOGIN = 'l';

/**
 * Failed sign-ins (REST, Teams, UCI, SIP digest), counted per login and address (OWASP: throttle, do not lock):
 *
 * - A login from an address without failures for it is never held back, whatever happens elsewhere: nobody can
 *   lock the administrator out by failing for them, from another address or from the same one (127.0.0.1 is
 *   every local tool).
 * - After `perLogin` failures of one login from one address, that address waits for that login: `backoffMs`,
 *   doubled with every further failure, at most `maxWaitMs`. A success there forgets them.
 * - After `perAddress` failures from one address (many logins guessed), it waits likewise for every login it
 *   has failed for (a login it has not failed for still gets its one try).
 * - After `perLoginAllAddresses` failures of one login from all addresses, every address with a failure for it
 *   waits from that failure on (an attack from many addresses).
 *
 * Callers check `retryAfter` before they check the credentials (a waiting attempt is not counted), then report
 * `fail` or `succeed`. Entries are bounded: beyond `maxEntries` the least recently failed ones that make nobody
 * wait go first, so a flood of foreign failures cannot lift a running wait.
 */
export class FailedLoginLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly opts: RateLimitOptions = DEFAULT_RATE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** Entries held (for tests and benches). */
  get size(): number {
    return this.entries.size;
  }

  /** Seconds this login must wait from this address, or 0 when it may try. No login: only the address counts. */
  retryAfter(login: string | undefined, address: string): number {
    // Nobody failed lately (the usual case, asked on every sign-in and digest check): no keys to build.
    if (this.entries.size === 0) return 0;
    const now = this.now();
    const source = sourceKey(address);
    let until = 0;
    if (login !== undefined) {
      // No failure of this login from here: it gets in (or fails, and counts) whatever else goes on.
      const pair = this.live(key(PAIR, login, source), now);
      if (!pair) return 0;
      if (pair.failures >= this.opts.perLogin) until = pair.last + this.wait(pair.failures - this.opts.perLogin);
      const all = this.live(key(LOGIN, login), now);
      if (all && all.failures >= this.opts.perLoginAllAddresses)
        until = Math.max(until, pair.last + this.wait(pair.failures - 1));
    }
    const from = this.live(key(ADDRESS, source), now);
    if (from && from.failures >= this.opts.perAddress)
      until = Math.max(until, from.last + this.wait(from.failures - this.opts.perAddress));
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  fail(login: string | undefined, address: string): void {
    const now = this.now();
    const source = sourceKey(address);
    this.count(key(ADDRESS, source), now, this.opts.perAddress);
    if (login === undefined) return;
    // A pair may be made to wait from its first failure (attack from many addresses): it lives that long.
    this.count(key(PAIR, login, source), now, 1);
    this.count(key(LOGIN, login), now, Number.POSITIVE_INFINITY);
  }

  /** The right credentials: this address's failures for this login are forgotten (not the others'). */
  succeed(login: string, address: string): void {
    if (this.entries.size === 0) return;
    this.entries.delete(key(PAIR, login, sourceKey(address)));
  }

  private wait(steps: number): number {
    return Math.min(this.opts.maxWaitMs, this.opts.backoffMs * 2 ** Math.min(steps, 52));
  }

  private live(k: string, now: number): Entry | undefined {
    const e = this.entries.get(k);
    if (e && e.expires <= now) {
      this.entries.delete(k);
      return undefined;
    }
    return e;
  }

  /** One more failure; `waitsFrom` is the count from which this entry makes somebody wait. */
  private count(k: string, now: number, waitsFrom: number): void {
    const old = this.live(k, now);
    const failures = (old?.failures ?? 0) + 1;
    const waits = failures >= waitsFrom ? this.wait(failures - waitsFrom) : 0;
    // A key built from a slice of a request (a SIP header, a JSON body) would keep the whole request alive in V8
    // for as long as the entry lives: a new entry gets a copy of its own.
    const key = old?.key ?? Buffer.from(k, 'utf8').toString('utf8');
    const entry: Entry = { key, failures, last: now, expires: now + waits + this.opts.windowMs };
    // Re-inserted, so that the map's order is that of the last failure (oldest first).
    if (old) this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.opts.maxEntries) this.evict(now);
  }

  /**
   * Drops a tenth of the entries at once (so that a flood pays for a scan once per many failures): expired ones
   * and those that make nobody wait, least recently failed first; running waits only when nothing else is left.
   */
  private evict(now: number): void {
    const target = Math.floor(this.opts.maxEntries * 0.9);
    for (const [k, e] of this.entries) {
      if (this.entries.size <= target) return;
      if (e.expires <= now || !this.holds(k, e, now)) this.entries.delete(k);
    }
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.opts.maxEntries) return;
      this.entries.delete(k);
    }
  }

  /** Whether dropping this entry could let somebody in earlier (or forget an attack on a login). */
  private holds(k: string, e: Entry, now: number): boolean {
    switch (k[0]) {
      case PAIR:
        return e.failures >= this.opts.perLogin && e.last + this.wait(e.failures - this.opts.perLogin) > now;
      case ADDRESS:
        return e.failures >= this.opts.perAddress && e.last + this.wait(e.failures - this.opts.perAddress) > now;
      default:
        return e.failures >= this.opts.perLoginAllAddresses;
    }
  }
}

/** Logins up to this length are kept as they are; a longer one (no real login is) by its hash. */
const MAX_KEPT_LOGIN = 128;

/** The map key of a login, an address, or a login from an address. */
function key(kind: string, first: string, source?: string): string {
  // Anyone may send a login of kilobytes (a SIP digest user name, a REST secret): 100,000 of them must not
  // cost gigabytes.
  const f = first.length > MAX_KEPT_LOGIN ? `#${createHash('sha256').update(first).digest('base64url')}` : first;
  return source === undefined ? `${kind}\n${f}` : `${kind}\n${f}\n${source}`;
}

/**
 * What counts as one address: an IPv4 address (also written IPv4-mapped, as a dual-stack socket reports it), and
 * for IPv6 its /64, which one host usually holds whole (one address per guess would otherwise be free). Loopback
 * `::1` stays itself.
 */
export function sourceKey(address: string): string {
  const a = address.toLowerCase();
  if (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4) return a.slice(7);
  if (isIP(a) !== 6 || a === '::1') return a;
  const groups = expandIpv6(a);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : a;
}

/** The eight groups of an IPv6 address (no zone, no embedded IPv4 beyond the mapped form handled above). */
function expandIpv6(a: string): string[] | undefined {
  const address = a.split('%')[0]!;
  const [head, tail] = address.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  if (tail === undefined && left.length !== 8) return undefined;
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => '0');
  const groups = [...left, ...zeros, ...right];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => g.replace(/^0+(?=.)/, ''));
}
