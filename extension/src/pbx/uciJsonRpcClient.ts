import { WebSocket } from 'ws';
import type { SimEvent } from '../../../shared/schemas/events.js';
import {
  UCI_AUTH_PARAM,
  UCI_METHODS,
  UCI_PATH,
  UciNotificationSchema,
  type UciMethodKey,
} from '../../../shared/schemas/uci.js';
import { pbxAgent } from './httpsFetch.js';

/** A UCI request the connector refused (JSON-RPC error), with its code. */
export class UciRpcError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** The UCI WebSocket was not upgraded: `status` 404 means the PBX has none (a real STARFACE speaks XML-RPC). */
export class UciUnavailableError extends Error {
  constructor(readonly status: number) {
    super(`the PBX answered HTTP ${status} for ${UCI_PATH}`);
  }
}

export interface UciJsonRpcOptions {
  /** The connection's transport: its certificate trust applies to wss: as to REST. */
  transport?: typeof fetch;
  timeoutMs?: number;
  keepAliveMs?: number;
}

/**
 * One UCI session over the connector's JSON-RPC WebSocket, signed in as one user with that user's UCI token (as
 * the STARFACE App for Teams acts as the user who signed in). Requests are answered by id; events arrive through
 * `onEvent`. Nothing reconnects: a closed session is reported through `onClose` and its owner decides.
 */
export class UciJsonRpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private closedByUs = false;
  onEvent: (event: SimEvent) => void = () => {};
  onClose: (reason: string) => void = () => {};

  private constructor(
    private readonly ws: WebSocket,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Opens the session. `restBaseUrl` is the connection's `…/rest`; `token` the UCI token of the user (never
   * logged). Rejects with UciUnavailableError when the PBX has no UCI WebSocket.
   */
  static connect(restBaseUrl: string, token: string, opts: UciJsonRpcOptions = {}): Promise<UciJsonRpcClient> {
    const url = new URL(restBaseUrl.replace(/\/rest\/?$/, '') + UCI_PATH);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set(UCI_AUTH_PARAM, token);
    const agent = opts.transport ? pbxAgent(opts.transport, url) : undefined;
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, ...(agent ? { agent } : {}) });
    const client = new UciJsonRpcClient(ws, timeoutMs);
    return new Promise((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        ws.terminate();
        reject(new UciUnavailableError(res.statusCode ?? 0));
      });
      ws.once('error', (err) => reject(err));
      ws.once('open', () => {
        client.start(opts.keepAliveMs ?? 30_000);
        resolve(client);
      });
    });
  }

  private start(keepAliveMs: number): void {
    this.ws.on('error', () => {});
    this.ws.on('message', (data) => this.onMessage(String(data)));
    this.ws.on('close', (code, reason) => {
      if (this.keepAlive) clearInterval(this.keepAlive);
      for (const p of this.pending.values()) p.reject(new Error(`the UCI connection closed (${code})`));
      this.pending.clear();
      if (!this.closedByUs) this.onClose(reason.length ? `${code}: ${reason.toString()}` : String(code));
    });
    this.keepAlive = setInterval(() => void this.call('keepAlive', {}).catch(() => undefined), keepAliveMs);
    this.keepAlive.unref?.();
  }

  /** One request by its key in UCI_METHODS, with named params. */
  call(method: UciMethodKey, params: Record<string, unknown>): Promise<unknown> {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('the UCI connection is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${UCI_METHODS[method]}: no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method: UCI_METHODS[method], params }));
    });
  }

  close(): void {
    this.closedByUs = true;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.ws.close(1000);
  }

  private onMessage(text: string): void {
    let msg: { id?: unknown; method?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof msg.id === 'number' && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id)!;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new UciRpcError(String(msg.error.message ?? 'UCI error'), Number(msg.error.code ?? 0)));
      else p.resolve(msg.result);
      return;
    }
    if (typeof msg.method !== 'string') return;
    const parsed = UciNotificationSchema.safeParse(msg);
    if (parsed.success) this.onEvent(parsed.data.params);
  }
}
