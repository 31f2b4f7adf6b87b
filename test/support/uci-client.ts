import { WebSocket } from 'ws';
import { uciToken } from '../../shared/hashes.js';
import { UCI_AUTH_PARAM } from '../../shared/schemas/uci.js';

export interface Notification {
  jsonrpc: '2.0';
  method: string;
  params: { seq: number; time: string; service: string; event: string; data: Record<string, any> };
}

export interface Closed {
  code: number;
  reason: string;
}

/** A UCI test client over a real `ws` socket: requests answered by id, notifications collected. */
export class UciClient {
  readonly notifications: Notification[] = [];
  readonly closed: Promise<Closed>;
  readonly opened: Promise<void>;
  private nextId = 1;
  private readonly pending = new Map<number | string, (msg: any) => void>();
  private waiters: (() => void)[] = [];
  /** Every frame received, in order, parsed. */
  readonly frames: any[] = [];

  constructor(
    readonly ws: WebSocket,
    opts: { keepFrames?: boolean } = {},
  ) {
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        // A request still waiting gets no answer any more: it fails now instead of hanging until the test's timeout.
        for (const done of this.pending.values())
          done({
            jsonrpc: '2.0',
            id: null,
            error: { code: 'closed', message: `connection closed (${code}) before the answer` },
          });
        this.pending.clear();
        resolve({ code, reason: reason.toString() });
      }),
    );
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('error', () => undefined);
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString());
      if (opts.keepFrames) this.frames.push(msg);
      if (msg.id !== undefined && (msg.result !== undefined || msg.error !== undefined)) {
        const done = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        done?.(msg);
      } else if (msg.method) {
        this.notifications.push(msg);
        const w = this.waiters;
        this.waiters = [];
        for (const f of w) f();
      }
    });
  }

  static connect(url: string, query: Record<string, string> = {}, opts: { keepFrames?: boolean } = {}): UciClient {
    const u = new URL(url);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return new UciClient(new WebSocket(u), opts);
  }

  /** Connected with the UCI token of login/password in the query. */
  static async as(url: string, user: { login: string; password: string }): Promise<UciClient> {
    const c = UciClient.connect(url, { [UCI_AUTH_PARAM]: uciToken(user.login, user.password) });
    await c.opened;
    return c;
  }

  /** The whole response ({result} or {error}). */
  call(method: string, params?: unknown): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params !== undefined ? { params } : {}) }));
    });
  }

  /** The result; throws with the error otherwise. */
  async request(method: string, params?: unknown): Promise<any> {
    const r = await this.call(method, params);
    if (r.error) throw Object.assign(new Error(`${method}: ${r.error.message} (${r.error.code})`), { rpc: r.error });
    return r.result;
  }

  /** Sends a raw frame and answers the next response (one with an id or null id). */
  raw(frame: string | Buffer, id: number | string | null = null): Promise<any> {
    return new Promise((resolve) => {
      this.pending.set(id as any, resolve);
      this.ws.send(frame);
    });
  }

  async waitFor(pred: (n: Notification) => boolean, timeoutMs = 10_000): Promise<Notification> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.notifications.find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching notification within ${timeoutMs} ms; got ${this.notifications.map((n) => `${n.params.seq} ${n.method}`).join(', ') || 'none'}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitForCount(n: number, timeoutMs = 10_000): Promise<void> {
    await this.waitFor(() => this.notifications.length >= n, timeoutMs).catch(() => {
      throw new Error(`expected ${n} notifications within ${timeoutMs} ms, got ${this.notifications.length}`);
    });
  }

  close(): void {
    this.ws.close();
  }
}
