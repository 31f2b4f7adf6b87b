import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import { REGISTRAR_EVENTS, type SipRefusal, type SipRefusalReason } from '../../../shared/schemas/registrations.js';
import { sourceKey } from '../auth/rateLimit.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log.js';
import type { Flow } from './transport/flow.js';

/** One refused request, as the registrar or proxy knows it. Never the password, digest response or nonce. */
export interface RefusalInput {
  method: string;
  status: number;
  reason: SipRefusalReason;
  message: string;
  flow: Flow;
  login?: string;
  aor?: string;
  target?: string;
}

export interface RefusalReporterOptions {
  bus: EventBus;
  log: Logger;
  /** How long further refusals of one source and reason are counted before one event reports them. Default 10 s. */
  windowMs?: number;
  now?: () => number;
  /** Windows (source and reason) tracked at once; refusals from further sources are counted under source "*". Default 1 000. */
  maxSources?: number;
}

export const DEFAULT_REFUSAL_WINDOW_MS = 10_000;
/** Client-chosen text in a log line or event is cut here: a 60 KB user name is no help to anyone. */
const MAX_TEXT = 200;

/** What is kept of a refusal until its window closes: clipped copies, no reference to the flow or the message. */
type Detail = Omit<SipRefusal, 'count' | 'firstAt' | 'lastAt'> & { at: number };

interface Window {
  /** Refusals counted since the last report. */
  pending: number;
  /** When the first of the pending ones came. */
  pendingSince: number;
  last: Detail;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Client-chosen text cut to {@link MAX_TEXT} and copied: a slice of a string shares the parent's memory in V8,
 * so a kept slice of a 60 KB message would keep the whole message alive for the window.
 */
const clip = (s: string): string =>
  Buffer.from(s.length <= MAX_TEXT ? s : `${s.slice(0, MAX_TEXT)}…`, 'utf8').toString('utf8');
/**
 * A SIP URI may carry a password (`sip:alice:secret@host`, RFC 3261 §19.1.1, deprecated): never repeat it. The
 * password part is bounded: unbounded, a 60 KB `sip:a:sip:a:…` without "@" costs quadratic time per field.
 */
const redact = (s: string): string => s.replace(/\b(sips?:[^\s:@;?<>"]*):[^\s@<>"]{0,256}@/gi, '$1:***@');
const text = (s: string): string => clip(redact(s));

/**
 * Reports refused SIP requests as an info log line and a `request-refused` event. A flood from one source must
 * not push every other event out of the bus's ring: the first refusal per source address and reason is reported at once,
 * the ones after it within the window are only counted and reported together when it closes (and the window
 * starts again while they keep coming).
 */
export class RefusalReporter {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxSources: number;

  constructor(private readonly opts: RefusalReporterOptions) {
    this.windowMs = Math.max(1, opts.windowMs ?? DEFAULT_REFUSAL_WINDOW_MS);
    this.now = opts.now ?? Date.now;
    this.maxSources = Math.max(1, opts.maxSources ?? 1000);
  }

  refused(input: RefusalInput): void {
    const at = this.now();
    // Per address, not address:port: a new socket (or TCP connection) per request must not open a new window.
    let source = sourceKey(input.flow.remote.address);
    let key = `${source}|${input.reason}`;
    if (!this.windows.has(key) && this.windows.size >= this.maxSources) {
      source = '*';
      key = `*|${input.reason}`;
    }
    const last: Detail = {
      method: text(input.method),
      status: input.status,
      reason: input.reason,
      message: text(input.message),
      source,
      transport: input.flow.transport,
      ...(input.login !== undefined ? { login: text(input.login) } : {}),
      ...(input.aor !== undefined ? { aor: text(input.aor) } : {}),
      ...(input.target !== undefined ? { target: text(input.target) } : {}),
      at,
    };
    const open = this.windows.get(key);
    if (open) {
      if (open.pending++ === 0) open.pendingSince = at;
      open.last = last;
      return;
    }
    this.report(last, 1, at);
    const window: Window = { pending: 0, pendingSince: at, last, timer: this.arm(key) };
    this.windows.set(key, window);
  }

  /** Windows open now (bounded by `maxSources` plus one per reason for the overflow source "*"). */
  get tracked(): number {
    return this.windows.size;
  }

  /** Reports what is still counted and stops the timers. */
  stop(): void {
    for (const [key, w] of this.windows) {
      clearTimeout(w.timer);
      if (w.pending > 0) this.report(w.last, w.pending, w.pendingSince);
      this.windows.delete(key);
    }
  }

  private arm(key: string): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.close(key), this.windowMs);
    timer.unref();
    return timer;
  }

  private close(key: string): void {
    const w = this.windows.get(key);
    if (!w) return;
    if (w.pending === 0) {
      this.windows.delete(key);
      return;
    }
    this.report(w.last, w.pending, w.pendingSince);
    w.pending = 0;
    w.timer = this.arm(key);
  }

  private report(r: Detail, count: number, firstAt: number): void {
    const { at, ...detail } = r;
    const data: SipRefusal = {
      ...detail,
      count,
      firstAt: new Date(firstAt).toISOString(),
      lastAt: new Date(at).toISOString(),
    };
    const counted = count > 1 ? ` (${count} times since ${data.firstAt})` : '';
    this.opts.log('info', `sip ${data.method} refused: ${data.message}${counted}`, { ...data });
    this.opts.bus.publish({ service: SIM_SERVICES.registrar, event: REGISTRAR_EVENTS.requestRefused, data });
  }
}
