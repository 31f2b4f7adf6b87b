import { randomBytes } from 'node:crypto';
import { NONCE_LIFETIME_MS, TOKEN_LIFETIME_MS } from '../../../shared/schemas/login.js';

/** Login nonces (single use, 60 s) and auth tokens (4 h), in memory, as on the PBX: a restart signs everyone out. */
export class Sessions {
  private readonly nonces = new Map<string, number>();
  private readonly tokens = new Map<string, { userId: number; expiresAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxNonces = 10_000,
  ) {}

  newNonce(): string {
    if (this.nonces.size >= this.maxNonces) this.sweep();
    // Still full: forget the oldest, so unauthenticated GETs cannot grow memory without bound.
    while (this.nonces.size >= this.maxNonces) this.nonces.delete(this.nonces.keys().next().value!);
    const nonce = randomBytes(16).toString('hex');
    this.nonces.set(nonce, this.now() + NONCE_LIFETIME_MS);
    return nonce;
  }

  /** True once for a nonce issued less than 60 s ago; it is spent either way. */
  consumeNonce(nonce: string): boolean {
    const expiresAt = this.nonces.get(nonce);
    if (expiresAt === undefined) return false;
    this.nonces.delete(nonce);
    return expiresAt > this.now();
  }

  issueToken(userId: number): string {
    if (this.tokens.size > 50_000) this.sweep();
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { userId, expiresAt: this.now() + TOKEN_LIFETIME_MS });
    return token;
  }

  userFor(token: string): number | undefined {
    const entry = this.tokens.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return entry.userId;
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  /** Ends every token of the user but `keep`; answers how many ended. */
  revokeUser(userId: number, keep?: string): number {
    let ended = 0;
    for (const [token, entry] of this.tokens)
      if (entry.userId === userId && token !== keep) {
        this.tokens.delete(token);
        ended++;
      }
    return ended;
  }

  /** Ends every token of every other user; answers how many ended. */
  revokeAllExcept(userId: number): number {
    let ended = 0;
    for (const [token, entry] of this.tokens)
      if (entry.userId !== userId) {
        this.tokens.delete(token);
        ended++;
      }
    return ended;
  }

  clear(): void {
    this.tokens.clear();
    this.nonces.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const [n, exp] of this.nonces) if (exp <= now) this.nonces.delete(n);
    for (const [t, e] of this.tokens) if (e.expiresAt <= now) this.tokens.delete(t);
  }
}
