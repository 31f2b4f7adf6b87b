/**
 * Delivers one session's events to the client's XML-RPC callback server: a FIFO with one call in flight (so
 * events arrive in order), exponential back-off while the callback fails, and a bound after which the queue is
 * given up. Bodies are serialised by @foxglove/xmlrpc; answers parsed by its (sax-based) Deserializer.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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
 * `/uci-callback/<random>`), so only the first segment and 4 characters of the rest are shown.
 */
export function redactedCallbackUrl(t: CallbackTarget): string {
  const m = /^(\/[^/]*\/)(.+)$/.exec(t.path);
  return callbackUrl({ ...t, path: m ? `${m[1]}${m[2]!.slice(0, 4)}…` : t.path });
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

interface Item {
  method: string;
  /** The serialised methodCall, shared by every session that gets the event. */
  body: string;
  /** The simulator's event metadata (uciXmlRpc.ts UCI_XMLRPC_EVENT_HEADERS). */
  headers?: Readonly<Record<string, string>>;
}

/** A callback request: methodName, body and the metadata headers. */
export type CallbackCall = readonly [method: string, body: string, headers?: Readonly<Record<string, string>>];

export class CallbackQueue {
  private readonly items: Item[] = [];
  private inFlight: ClientRequest | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private failingSince: number | undefined;
  private lastError = '';
  private stopped = false;
  private readonly agent: HttpAgent;

  constructor(
    readonly target: CallbackTarget,
    private readonly opts: UciXmlRpcDeliveryOptions,
    /** The bound was passed: the queue is already empty and stopped. */
    private readonly onGiveUp: (dropped: number, reason: string) => void,
    private readonly now: () => number = Date.now,
    /** The callback answered a fault for an event: it was delivered (and refused), the queue moves on. */
    private readonly onRejected: (rejected: CallbackRejected) => void = () => {},
  ) {
    this.backoffMs = opts.backoffInitialMs;
    this.agent =
      target.type === 'https'
        ? new HttpsAgent({ keepAlive: true, maxSockets: 1 })
        : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  }

  get length(): number {
    return this.items.length;
  }

  push(method: string, body: string, headers?: Readonly<Record<string, string>>): void {
    if (this.stopped) return;
    this.items.push({ method, body, headers });
    if (this.items.length > this.opts.maxQueue) {
      this.giveUp(
        `more than ${this.opts.maxQueue} events waiting for ${redactedCallbackUrl(this.target)}${this.lastError ? ` (last error: ${this.lastError})` : ''}`,
      );
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
    this.inFlight?.destroy();
    this.inFlight = undefined;
    this.agent.destroy();
    return dropped;
  }

  private giveUp(reason: string): void {
    const dropped = this.stop();
    this.onGiveUp(dropped, reason);
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
          this.giveUp(
            `${redactedCallbackUrl(this.target)} failed for ${now - this.failingSince} ms (last error: ${err.message})`,
          );
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
   */
  private send(item: Item): Promise<CallbackRejected | undefined> {
    const { target } = this;
    return new Promise<CallbackRejected | undefined>((resolve, reject) => {
      const request = target.type === 'https' ? httpsRequest : httpRequest;
      const req = request({
        host: target.host,
        port: target.port,
        path: target.query ? `${target.path}${target.path.includes('?') ? '&' : '?'}${target.query}` : target.path,
        method: 'POST',
        agent: this.agent,
        headers: {
          ...item.headers,
          'Content-Type': 'text/xml',
          'Content-Length': Buffer.byteLength(item.body),
          'User-Agent': 'starface-sim',
        },
      });
      this.inFlight = req;
      let settled = false;
      const settle = (err: Error | undefined, rejected?: CallbackRejected) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (this.inFlight === req) this.inFlight = undefined;
        if (err) {
          req.destroy();
          reject(err);
        } else resolve(rejected);
      };
      const timer = setTimeout(
        () => settle(new Error(`no answer within ${this.opts.timeoutMs} ms`)),
        this.opts.timeoutMs,
      );
      req.on('error', (err) => settle(err));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > UCI_XMLRPC_MAX_BODY) settle(new Error(`answer over ${UCI_XMLRPC_MAX_BODY} bytes`));
          else chunks.push(c);
        });
        res.on('error', (err) => settle(err));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            settle(new Error(`HTTP ${status} from ${item.method}`));
            return;
          }
          new (xmlRpc().Deserializer)().deserializeMethodResponse(Buffer.concat(chunks).toString('utf8')).then(
            () => settle(undefined),
            (err: unknown) =>
              err instanceof xmlRpc().XmlRpcFault
                ? settle(
                    undefined,
                    new CallbackRejected(item.method, err.faultCode, (err.faultString ?? '').slice(0, 500)),
                  )
                : settle(new Error(`bad answer to ${item.method}: ${(err as Error).message}`)),
          );
        });
      });
      req.end(item.body);
    });
  }
}
