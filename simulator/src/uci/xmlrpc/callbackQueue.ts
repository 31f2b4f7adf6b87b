/**
 * Delivers one session's events to the client's XML-RPC callback server: a FIFO with one call in flight (so
 * events arrive in order), exponential back-off while the callback fails, and a bound after which the queue is
 * given up. Bodies are serialised by @foxglove/xmlrpc; answers parsed by its (sax-based) Deserializer.
 */
import { CallbackConnection } from './callbackConnection.js';
import { xmlRpc } from './lib.js';
import {
  UCI_XMLRPC_MAX_BODY,
  type UciXmlRpcCallbackType,
  type UciXmlRpcDeliveryOptions,
} from '../../../../shared/schemas/uciXmlRpc.js';

export interface CallbackTarget {
  type: UciXmlRpcCallbackType;
  host: string;
  port: number;
  path: string;
  /** Appended to the path of every callback request (the user, the client's auth); never logged. */
  query?: string;
}

export function callbackUrl(t: CallbackTarget): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `${t.type === 'https' ? 'https' : 'http'}://${host}:${t.port}${t.path}`;
}

/**
 * callbackUrl for logs and sim.events.log: a client's callback path may be its secret (the extension's
 * `/uci-callback/<random>`), so only the first segment and 4 characters of the rest are shown. A path of one
 * segment (`/<random>`, with or without a trailing slash) may be all secret: 4 characters of it are shown.
 */
export function redactedCallbackUrl(t: CallbackTarget): string {
  return callbackUrl({ ...t, path: redactedCallbackPath(t.path) });
}

export function redactedCallbackPath(path: string): string {
  const m = /^(\/[^/]*\/)(.*[^/].*)$/.exec(path);
  if (m) return `${m[1]}${m[2]!.slice(0, 4)}…`;
  const segment = /^\/([^/]*)/.exec(path)?.[1] ?? '';
  return segment.length <= 4 ? path : `/${segment.slice(0, 4)}…`;
}

/** The callback answered a fault: it received the event and refused it; the event is not sent again. */
export class CallbackRejected extends Error {
  constructor(
    readonly method: string,
    readonly faultCode: number | undefined,
    readonly faultString: string,
  ) {
    super(`fault ${faultCode ?? '?'} "${faultString}" from ${method}`);
  }
}

/**
 * A callback request of one event: its methodName and the request's tail (Content-Type, Content-Length, the
 * simulator's metadata headers, the blank line and the serialised methodCall), made once and shared by every
 * session that gets the event; each session puts its own request line and Host in front.
 */
export interface CallbackCall {
  method: string;
  tail: Buffer;
}

/** The tail of a callback request (see CallbackCall). */
export function callbackTail(body: string, headers: Readonly<Record<string, string>> = {}): Buffer {
  let head = `Content-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  // A replayed event's name is the client's text: nothing but printable ASCII reaches a header line.
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value.replace(/[^\x20-\x7e]/g, '?')}\r\n`;
  return Buffer.from(`${head}\r\n${body}`, 'utf8');
}

export class CallbackQueue {
  private readonly items: CallbackCall[] = [];
  private inFlight = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private failingSince: number | undefined;
  private lastError = '';
  private stopped = false;
  private readonly connection: CallbackConnection;
  /** The request line, Host and User-Agent of every request of this queue. */
  private readonly prefix: Buffer;

  constructor(
    readonly target: CallbackTarget,
    private readonly opts: UciXmlRpcDeliveryOptions,
    /** The bound was passed: the queue is already empty and stopped. */
    /** `reason` says what gave out without the socket error; `lastError` is that error, for the operator only. */
    private readonly onGiveUp: (dropped: number, reason: string, lastError: string) => void,
    private readonly now: () => number = Date.now,
    /** The callback answered a fault for an event: it was delivered (and refused), the queue moves on. */
    private readonly onRejected: (rejected: CallbackRejected) => void = () => {},
  ) {
    this.backoffMs = opts.backoffInitialMs;
    this.connection = new CallbackConnection(target, UCI_XMLRPC_MAX_BODY);
    const path = target.query ? `${target.path}${target.path.includes('?') ? '&' : '?'}${target.query}` : target.path;
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    this.prefix = Buffer.from(`POST ${path} HTTP/1.1\r\nHost: ${host}:${target.port}\r\nUser-Agent: starface-sim\r\n`);
  }

  get length(): number {
    return this.items.length;
  }

  push(call: CallbackCall): void {
    if (this.stopped) return;
    this.items.push(call);
    if (this.items.length > this.opts.maxQueue) {
      this.giveUp(`more than ${this.opts.maxQueue} events waiting for ${redactedCallbackUrl(this.target)}`);
      return;
    }
    if (!this.inFlight && !this.retryTimer) this.next();
  }

  /** Resolves once nothing waits or is in flight (or the queue stopped), at the latest after `ms`. */
  drained(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const started = Date.now();
      const check = () => {
        if (this.stopped || (this.items.length === 0 && !this.inFlight) || Date.now() - started >= ms) resolve();
        else setTimeout(check, 10).unref();
      };
      check();
    });
  }

  /** Stops delivering; answers how many events were still waiting. */
  stop(): number {
    const dropped = this.items.length;
    this.stopped = true;
    this.items.length = 0;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.inFlight = false;
    this.connection.destroy();
    return dropped;
  }

  private giveUp(reason: string): void {
    const dropped = this.stop();
    this.onGiveUp(dropped, reason, this.lastError);
  }

  private next(): void {
    const head = this.items[0];
    if (this.stopped || !head) return;
    this.send(head).then(
      (rejected) => {
        if (this.stopped) return;
        if (rejected) this.onRejected(rejected);
        this.items.shift();
        this.backoffMs = this.opts.backoffInitialMs;
        this.failingSince = undefined;
        this.lastError = '';
        this.next();
      },
      (err: Error) => {
        if (this.stopped) return;
        this.lastError = err.message;
        const now = this.now();
        this.failingSince ??= now;
        if (now - this.failingSince >= this.opts.maxFailingMs) {
          this.giveUp(`${redactedCallbackUrl(this.target)} failed for ${now - this.failingSince} ms`);
          return;
        }
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.next();
        }, this.backoffMs);
        this.backoffMs = Math.min(this.backoffMs * 2, this.opts.backoffMaxMs);
      },
    );
  }

  /**
   * One methodCall; resolves on a methodResponse (with the fault when the callback refused the event: delivered,
   * not retried), rejects on a transport error, a timeout, a non-2xx status or an answer that is not XML-RPC.
   * Only an answer that holds a fault is parsed in full; a plain methodResponse is recognised by its root.
   */
  private async send(item: CallbackCall): Promise<CallbackRejected | undefined> {
    this.inFlight = true;
    try {
      const answer = await this.connection.request(this.prefix, item.tail, this.opts.timeoutMs);
      if (answer.status < 200 || answer.status > 299) throw new Error(`HTTP ${answer.status} from ${item.method}`);
      const text = answer.body.toString('utf8');
      if (!text.includes('<fault>')) {
        if (!/<methodResponse[\s>]/.test(text)) throw new Error(`bad answer to ${item.method}: not a methodResponse`);
        return undefined;
      }
      try {
        await new (xmlRpc().Deserializer)().deserializeMethodResponse(text);
        return undefined;
      } catch (err) {
        if (err instanceof xmlRpc().XmlRpcFault)
          return new CallbackRejected(item.method, err.faultCode, (err.faultString ?? '').slice(0, 500));
        throw new Error(`bad answer to ${item.method}: ${(err as Error).message}`);
      }
    } finally {
      this.inFlight = false;
    }
  }
}
