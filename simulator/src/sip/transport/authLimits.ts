import type { Logger } from '../../log.js';

/** Asterisk's defaults (sip.conf `tcpauthlimit` 100, `tcpauthtimeout` 30 s). */
export const DEFAULT_UNAUTH_LIMIT = 100;
export const DEFAULT_UNAUTH_TIMEOUT_MS = 30_000;
/** At most one "limit reached" log line per this interval, so a flood does not flood the log too. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/** One admitted connection: mark it once a request on it passed digest, release it when it closes. */
export interface UnauthSlot {
  markAuthenticated(): void;
  release(): void;
}

/**
 * Caps connections (TCP, WebSocket) on which no request has passed digest auth yet, and closes those that do not
 * authenticate in time: without it, held idle connections used up the process's descriptors and every listener
 * (REST, UCI, SIP) refused new ones. Authenticated connections leave the count and keep the transport's idle rules.
 */
export class UnauthenticatedLimiter {
  private count = 0;
  private refusedSinceLog = 0;
  private lastLogAt = -Infinity;

  constructor(
    private readonly log: Logger,
    private readonly limit = DEFAULT_UNAUTH_LIMIT,
    private readonly timeoutMs = DEFAULT_UNAUTH_TIMEOUT_MS,
  ) {}

  /** A slot for a new connection, or undefined when the cap is reached (the caller closes it at once). */
  admit(close: () => void, transport: string): UnauthSlot | undefined {
    if (this.count >= this.limit) {
      this.refused(transport);
      return undefined;
    }
    this.count++;
    let counted = true;
    const leave = () => {
      if (!counted) return;
      counted = false;
      this.count--;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      leave();
      close();
    }, this.timeoutMs);
    timer.unref();
    return { markAuthenticated: leave, release: leave };
  }

  private refused(transport: string): void {
    this.refusedSinceLog++;
    const now = Date.now();
    if (now - this.lastLogAt < REFUSAL_LOG_INTERVAL_MS) return;
    this.lastLogAt = now;
    this.log('warn', 'sip connection refused: too many unauthenticated connections', {
      transport,
      limit: this.limit,
      refused: this.refusedSinceLog,
    });
    this.refusedSinceLog = 0;
  }
}
