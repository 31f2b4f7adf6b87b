import { WebSocket } from 'ws';
import type { SimEvent } from '../../../shared/schemas/events.js';
import {
  UCI_CLOSE,
  UCI_ERRORS,
  UCI_JWT_PARAM,
  UCI_KNOWN_SERVICES,
  UCI_METHODS,
  UCI_PATH,
  UciNotificationSchema,
} from '../../../shared/schemas/uci.js';
import { pbxAgent } from '../pbx/httpsFetch.js';
import type { PbxRestClient } from '../pbx/restClient.js';
import type { LiveSource, LiveSourceOptions } from './liveSource.js';
import { ResumeCursor } from './resumeCursor.js';
import { TickBatcher } from './tickBatcher.js';

/**
 * Follows the simulator's UCI connector (JSON-RPC over WebSocket at /uci) for live events. A dropped connection
 * is re-established with back-off and re-subscribed with `sinceSeq`, so nothing is missed or seen twice. A PBX
 * without it (a real STARFACE speaks UCI over XML-RPC) is reported unavailable.
 */
export class UciWebSocketSource implements LiveSource {
  readonly kind = 'uci';
  private ws: WebSocket | undefined;
  private readonly cursor: ResumeCursor;
  private stopped = true;
  private opened = false;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private nextId = 1;
  /** Bumped by each connect and by stop: a token that comes after either opens nothing. */
  private run = 0;
  /** Events of one tick arrive as one batch: one refresh for a burst. */
  private readonly batch = new TickBatcher<SimEvent>(
    (events) => this.opts.onEvents(events),
    () => this.stopped,
  );

  constructor(
    private readonly client: PbxRestClient,
    private readonly opts: LiveSourceOptions,
  ) {
    this.cursor = new ResumeCursor({
      order: 'ordered',
      retryBaseMs: 500,
      maxBackoffMs: opts.maxBackoffMs,
      onGap: (gap) => opts.onGap?.(gap),
    });
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Connects again now instead of waiting for the back-off (a user's "reconnect"); a no-op while connected. */
  reconnectNow(): void {
    if (this.stopped || this.ws?.readyState === WebSocket.OPEN || this.ws?.readyState === WebSocket.CONNECTING) return;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.cursor.resetBackoff();
    this.connect();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.run++;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.ws?.close(1000);
    this.ws = undefined;
    this.opts.onState?.({ state: 'stopped' });
    return Promise.resolve();
  }

  /**
   * The REST session's authToken, or (signed in with OAuth) a fresh access token as `de.vertico.starface.jwt`:
   * it signs the connection in once, and the session then lives as long as the connection.
   */
  private async url(): Promise<string> {
    const base = new URL(this.client.baseUrl.replace(/\/rest$/, '') + UCI_PATH);
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    const oauth = this.client.oauth;
    if (oauth) base.searchParams.set(UCI_JWT_PARAM, await oauth.accessToken());
    else base.searchParams.set('authToken', this.client.authToken ?? '');
    return base.toString();
  }

  private connect(): void {
    if (this.stopped) return;
    if (!this.opened) this.opts.onState?.({ state: 'connecting' });
    // Stopped (and maybe started again) while the token came: that run is over.
    const run = ++this.run;
    this.url().then(
      (url) => {
        if (run === this.run) this.open(url);
      },
      (err: unknown) => {
        if (run !== this.run || this.stopped) return;
        const status = (err as { status?: number }).status;
        // The token endpoint refused: the OAuth sign-in is gone. No answer at all: try again later.
        if (typeof status === 'number') this.signedOut((err as Error).message);
        else this.retry(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  private open(url: string): void {
    if (this.stopped) return;
    // wss: the connection's agent, so its CA and pinned certificate apply to the UCI WebSocket as to REST.
    const agent = pbxAgent(this.client.transport, url);
    const ws = new WebSocket(url, { handshakeTimeout: 10_000, ...(agent ? { agent } : {}) });
    this.ws = ws;
    ws.on('unexpected-response', (_req, res) => {
      // Never upgraded: no UCI WebSocket here (a 404 from a real PBX), or not signed in.
      const status = res.statusCode ?? 0;
      res.resume();
      ws.terminate();
      if (status === 401 || status === 403) this.signedOut(`HTTP ${status}`);
      else if (!this.opened) this.unavailable(`HTTP ${status} for ${UCI_PATH}`);
      else this.retry(new Error(`HTTP ${status} for ${UCI_PATH}`));
    });
    ws.on('open', () => {
      this.opened = true;
      this.cursor.resetBackoff();
      this.subscribe(this.cursor.resumeAt());
      const every = this.opts.keepAliveMs ?? 30_000;
      if (this.keepAlive) clearInterval(this.keepAlive);
      this.keepAlive = setInterval(() => this.send(UCI_METHODS.keepAlive, {}), every);
      this.keepAlive.unref?.();
    });
    ws.on('message', (data) => this.onMessage(String(data)));
    ws.on('error', () => {});
    ws.on('close', (code, reason) => {
      if (this.keepAlive) clearInterval(this.keepAlive);
      if (this.stopped || this.ws !== ws) return;
      if (code === UCI_CLOSE.authFailed) this.signedOut(reason.toString() || 'UCI sign-in refused');
      else if (!this.opened && code === 1006) this.retry(new Error('the UCI connection failed'));
      else this.retry(new Error(`the UCI connection closed (${code}${reason.length ? `: ${reason.toString()}` : ''})`));
    });
  }

  private send(method: string, params: unknown): number {
    const id = this.nextId++;
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return id;
  }

  private subscribeId = -1;

  private subscribe(sinceSeq: number | undefined): void {
    this.subscribeId = this.send(
      UCI_METHODS.subscribeEvents,
      sinceSeq === undefined ? { services: [...UCI_KNOWN_SERVICES] } : { services: [...UCI_KNOWN_SERVICES], sinceSeq },
    );
  }

  private onMessage(text: string): void {
    let msg: {
      id?: unknown;
      method?: unknown;
      result?: { lastSeq?: number; bootId?: string };
      error?: { code: number; data?: unknown };
    };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.id === this.subscribeId) {
      if (msg.error?.code === UCI_ERRORS.sinceSeqGone) {
        // The missed events left the buffer: start afresh and reload everything.
        this.cursor.lost();
        this.opts.onResync?.();
        this.subscribe(this.cursor.resumeAt());
        return;
      }
      const result = msg.result;
      if (!result) return;
      if (this.cursor.anchor(result.bootId, result.lastSeq)) this.opts.onResync?.();
      this.opts.onState?.({ state: 'live' });
      return;
    }
    if (typeof msg.method !== 'string') return;
    const parsed = UciNotificationSchema.safeParse(msg);
    if (!parsed.success) return;
    const event = parsed.data.params;
    if (this.cursor.accept(event.seq)) this.batch.push(event);
  }

  private retry(err: Error): void {
    if (this.stopped) return;
    const wait = this.cursor.retryIn();
    this.opts.onError?.(err, wait);
    this.opts.onState?.({ state: 'reconnecting', error: err, retryInMs: wait });
    this.timers.push(setTimeout(() => this.connect(), wait));
  }

  private unavailable(reason: string): void {
    this.stop();
    this.opts.onUnavailable?.(reason);
  }

  private signedOut(reason: string): void {
    this.stop();
    this.opts.onSignedOut?.(reason);
  }
}
