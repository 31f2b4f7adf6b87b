import { WebSocket } from 'ws';
import { uciTokenFromHash } from '../../../shared/hashes.js';
import { UCI_AUTH_PARAM } from '../../../shared/schemas/uci.js';

const ANSWER_TIMEOUT_MS = 10_000;

export interface UciNotification {
  service: string;
  event: string;
  data: Record<string, unknown>;
}

/**
 * The story's UCI client: JSON-RPC over the simulator's own /uci WebSocket, signed in as a user with the UCI token
 * (made from the stored password hash, as the STARFACE clients send it), so its requests and the events they cause
 * take the path of any client's.
 */
export class StoryUciClient {
  private nextId = 1;
  private readonly pending = new Map<number, (msg: { result?: unknown; error?: { message?: string } }) => void>();
  private readonly watchers = new Set<(n: UciNotification) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('error', () => undefined);
    ws.on('message', (raw) => {
      let msg: {
        id?: number;
        method?: string;
        params?: UciNotification;
        result?: unknown;
        error?: { message?: string };
      };
      try {
        msg = JSON.parse(raw.toString());
      } catch {
        return;
      }
      if (msg.method && msg.params) {
        for (const w of [...this.watchers]) w(msg.params);
      } else if (typeof msg.id === 'number') {
        const done = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        done?.(msg);
      }
    });
    ws.once('close', () => {
      for (const done of this.pending.values()) done({ error: { message: 'the UCI connection closed' } });
      this.pending.clear();
    });
  }

  static async open(url: string, login: string, passwordHash: string, ca?: string): Promise<StoryUciClient> {
    const u = new URL(url);
    u.searchParams.set(UCI_AUTH_PARAM, uciTokenFromHash(login, passwordHash));
    const ws = new WebSocket(u, ca === undefined ? {} : { ca });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (err) => reject(new Error(`UCI sign-in of ${login} failed: ${err.message}`)));
    });
    return new StoryUciClient(ws);
  }

  request<T = unknown>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no UCI answer to ${method}`));
      }, ANSWER_TIMEOUT_MS);
      this.pending.set(id, (msg) => {
        clearTimeout(timer);
        if (msg.error) reject(new Error(`UCI ${method.split('.').pop()}: ${msg.error.message ?? 'failed'}`));
        else resolve(msg.result as T);
      });
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  /** Resolves with the first notification that matches, within the timeout. */
  waitFor(
    what: string,
    match: (n: UciNotification) => boolean,
    timeoutMs = ANSWER_TIMEOUT_MS,
  ): Promise<UciNotification> {
    return new Promise((resolve, reject) => {
      const watcher = (n: UciNotification): void => {
        if (!match(n)) return;
        this.watchers.delete(watcher);
        clearTimeout(timer);
        resolve(n);
      };
      const timer = setTimeout(() => {
        this.watchers.delete(watcher);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      this.watchers.add(watcher);
    });
  }

  close(): void {
    this.ws.terminate();
  }
}
