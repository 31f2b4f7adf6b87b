export interface RateLimitOptions {
  /** Failures allowed per login within the window before it is locked. */
  perLogin: number;
  /** Failures allowed per client address within the window. */
  perAddress: number;
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  perLogin: 5,
  perAddress: 20,
  windowMs: 5 * 60_000,
  lockMs: 60_000,
};

interface Bucket {
  failures: number[];
  lockedUntil: number;
}

/** Failed sign-ins per login and per client address; a locked key answers 429 until `Retry-After`. */
export class FailedLoginLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly opts: RateLimitOptions = DEFAULT_RATE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait, or 0 when both the login and the address may try. */
  retryAfter(login: string | undefined, address: string): number {
    const now = this.now();
    const waits = [
      this.bucket(`a:${address}`, false),
      login === undefined ? undefined : this.bucket(`l:${login}`, false),
    ]
      .filter((b): b is Bucket => b !== undefined && b.lockedUntil > now)
      .map((b) => Math.ceil((b.lockedUntil - now) / 1000));
    return waits.length ? Math.max(...waits) : 0;
  }

  fail(login: string | undefined, address: string): void {
    this.record(`a:${address}`, this.opts.perAddress);
    if (login !== undefined) this.record(`l:${login}`, this.opts.perLogin);
  }

  succeed(login: string): void {
    this.buckets.delete(`l:${login}`);
  }

  private record(key: string, limit: number): void {
    const now = this.now();
    const bucket = this.bucket(key, true)!;
    bucket.failures = bucket.failures.filter((t) => t > now - this.opts.windowMs);
    bucket.failures.push(now);
    if (bucket.failures.length >= limit) {
      bucket.lockedUntil = now + this.opts.lockMs;
      bucket.failures = [];
    }
  }

  private bucket(key: string, create: boolean): Bucket | undefined {
    let b = this.buckets.get(key);
    if (!b && create) {
      if (this.buckets.size > 100_000) this.buckets.clear();
      this.buckets.set(key, (b = { failures: [], lockedUntil: 0 }));
    }
    return b;
  }
}
