/**
 * Live UCI events from a real STARFACE: UCI over XML-RPC with the events pushed back to our own XML-RPC
 * callback server. The wire (requests, the callback server, decoding a pushed call) is in pbx/; this is the
 * following: session, subscriptions, keep-alive, and resuming through the shared ResumeCursor.
 *
 * The simulator numbers its events (seq in the callback's headers) and replays what a lost session missed; a
 * real PBX does neither. Its events are numbered here in the order they arrive, and a lost session (keepAlive
 * answers false, or a "not logged in" fault) is resumed by logging in and subscribing again, with a notice
 * and a gap mark that events may have been missed meanwhile.
 */
import { XmlRpcFault, type XmlRpcValue } from '@foxglove/xmlrpc';
import type { SimEvent } from '../../../shared/schemas/events.js';
import { UCI_ERRORS, UCI_KNOWN_SERVICES } from '../../../shared/schemas/uci.js';
import { UCI_XMLRPC_FAULTS } from '../../../shared/schemas/uciXmlRpc.js';
import { callbackAddresses, UciCallbackServer } from '../pbx/uciCallbackServer.js';
import { decodePushedEvent } from '../pbx/uciXmlRpcEvent.js';
import { UciXmlRpcClient, UciXmlRpcError, uciXmlRpcUrl, type UciCredential } from '../pbx/uciXmlRpcClient.js';
import type { CallbackRequest } from '../pbx/uciCallbackServer.js';
import type { LiveSource, LiveSourceOptions } from './liveSource.js';
import { ResumeCursor } from './resumeCursor.js';
import { TickBatcher } from './tickBatcher.js';

/** What the XML-RPC source needs besides the shared options: where, as whom, and where events come back. */
export interface UciXmlRpcTarget {
  /** The REST base URL (restBaseUrl); /xml-rpc is next to /rest. */
  restBaseUrl: string;
  /**
   * `login:sha512hex(login + "*" + sha512hex(password))`, computed at sign-in and held in memory only; or the OAuth
   * session (STARFACE 10), whose access token each request carries, renewed before it expires.
   */
  uciToken: UciCredential;
  /** The address the PBX calls back (starface.uci.callbackAddress); empty: the interface that routes to the PBX. */
  callbackAddress?: string;
  /** The callback port (starface.uci.callbackPort); 0: a free one. */
  callbackPort?: number;
  /** The services to subscribe; default every service the simulator knows. A real PBX knows only ucp.* ones. */
  services?: readonly string[];
  /** After a session loss, ask for the missed events with sinceSeq (the simulator's extra; a real PBX has no seq). */
  replay?: boolean;
  /** Services a PBX may refuse (a real PBX surely knows only ucp.v22.events.call): a fault is reported via onNotice. */
  optionalServices?: readonly string[];
  /** Something worth a log line that needs no retry (an optional service refused). */
  onNotice?: (message: string) => void;
  /** Per request. */
  timeoutMs?: number;
  /** The HTTP client for the requests (tests stand in for a failing network). */
  fetch?: typeof fetch;
}

/** Below the PBX's session timeout (the simulator's is 60 s) with room for a slow answer. */
const XMLRPC_KEEPALIVE_MS = 20_000;

export class UciXmlRpcSource implements LiveSource {
  readonly kind = 'xml-rpc';
  readonly client: UciXmlRpcClient;
  private server: UciCallbackServer | undefined;
  private stopped = true;
  private opened = false;
  private live = false;
  /** A session exists on the PBX (logged in and subscribed) as far as we know. */
  private session = false;
  /** The session was lost: the next successful subscription reloads everything. */
  private lost = false;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  /** Bumped by start/stop: an outcome from an older run is ignored. */
  private run = 0;
  private connecting: Promise<void> | undefined;
  /**
   * The simulator's seqs (a real PBX sends none): the newest for sinceSeq after a session loss, and the repeats
   * (at-least-once delivery) to drop. Unordered: the backlogs of services subscribed one by one arrive one after
   * the other, not in seq order.
   */
  private readonly cursor: ResumeCursor;
  private readonly subscribed = new Set<string>();
  /** For a real PBX's events, which carry no seq: numbered in the order they arrive, never reset. */
  private localSeq = 0;
  /** The seq of the newest event handed on (the simulator's or our own), for the gap mark after a lost session. */
  private lastSeq: number | undefined;
  /** A lost session was resumed without a replay: the next event gets a gap mark before it. */
  private missedBefore = false;
  /** Events of one tick arrive as one batch: one refresh for a burst. */
  private readonly batch = new TickBatcher<SimEvent>(
    (events) => this.opts.onEvents(events),
    () => this.stopped,
  );
  private closing: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: UciXmlRpcTarget,
    private readonly opts: LiveSourceOptions,
  ) {
    this.client = new UciXmlRpcClient(uciXmlRpcUrl(target.restBaseUrl), target.uciToken, {
      timeoutMs: target.timeoutMs,
      fetch: target.fetch,
    });
    this.cursor = new ResumeCursor({
      order: 'unordered',
      retryBaseMs: 500,
      maxBackoffMs: opts.maxBackoffMs,
      onGap: (gap) => opts.onGap?.(gap),
    });
  }

  /** Logged in, subscribed and the callback server listening. */
  get connected(): boolean {
    return this.live && (this.server?.listening ?? false);
  }

  /** The callback server (for the connection test and tests): its address, port, secret path and counters. */
  get callback(): UciCallbackServer | undefined {
    return this.server;
  }

  /** The address the PBX is told to call back, once known. */
  get callbackTarget() {
    return this.client.callback;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.run++;
    void this.connect();
  }

  /** Connects again now instead of waiting for the back-off; a no-op while live or connecting. */
  reconnectNow(): void {
    if (this.stopped || this.connecting || this.connected) return;
    this.clearTimers();
    this.cursor.resetBackoff();
    void this.connect();
  }

  /** Stops: logs out (best effort), closes the callback server, clears timers. Resolves when all is closed. */
  stop(): Promise<void> {
    if (this.stopped) return this.closing;
    this.stopped = true;
    this.run++;
    this.live = false;
    this.clearTimers();
    const hadSession = this.session;
    this.session = false;
    const server = this.server;
    this.server = undefined;
    this.opts.onState?.({ state: 'stopped' });
    this.closing = (async () => {
      // The port first: a restart on a fixed port must find it free however long the logout takes.
      await server?.close();
      if (hadSession) await this.client.logout().catch(() => {});
    })();
    return this.closing;
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }

  private connect(): Promise<void> {
    this.connecting ??= this.establish().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async establish(): Promise<void> {
    const run = this.run;
    if (this.stopped) return;
    if (!this.opened) this.opts.onState?.({ state: 'connecting' });
    let loggedIn = false;
    try {
      if (!(await this.listen(run))) return;
      // After a network failure the PBX may still hold the session (and its queued events): keep it if so.
      if (this.session && (await this.client.keepAlive())) {
        if (run !== this.run) return;
        this.goLive();
        return;
      }
      if (this.session) this.lost = true;
      this.session = false;
      await this.client.login();
      loggedIn = true;
      if (run !== this.run) {
        await this.client.logout().catch(() => {});
        return;
      }
      // A new login: a restarted simulator counts from 1 again, and events may arrive before subscribe answers.
      this.cursor.newSession();
      // The newest seq, not resumeAt(): a subscription answers a bare true, no position to tell a filled gap by.
      const replayAfter = this.target.replay && this.lost ? this.cursor.lastSeq : undefined;
      await this.subscribeAll(replayAfter);
      if (run !== this.run) {
        await this.client.logout().catch(() => {});
        return;
      }
      this.session = true;
      this.goLive();
      if (this.lost) {
        this.lost = false;
        if (replayAfter === undefined) this.announceMissed();
        this.opts.onResync?.();
      }
    } catch (err) {
      if (run !== this.run || this.stopped) {
        // Stopped while signing in or subscribing: the PBX must not keep a session calling a closed port.
        if (loggedIn) await this.client.logout().catch(() => {});
        return;
      }
      const e = err instanceof Error ? err : new Error(String(err));
      if (e instanceof UciXmlRpcError && e.authRefused) return this.signedOut(e.message);
      if (!this.opened && e instanceof UciXmlRpcError && e.kind === 'http' && e.status === 404)
        return this.unavailable(`HTTP 404 for ${new URL(this.client.endpoint).pathname}`);
      this.retry(e);
    }
  }

  private get services(): readonly string[] {
    return this.target.services ?? UCI_KNOWN_SERVICES;
  }

  /**
   * One service per subscribeEvents, with a single string param as the real PBX takes it (plus the simulator's
   * sinceSeq). A fault for an optional service (the real PBX may not know userState) is reported, not fatal.
   */
  private async subscribeAll(sinceSeq: number | undefined): Promise<void> {
    this.subscribed.clear();
    let since = sinceSeq;
    for (const service of this.services) {
      try {
        try {
          await this.client.subscribe(service, since);
        } catch (err) {
          if (!(since !== undefined && err instanceof UciXmlRpcError && err.faultCode === UCI_ERRORS.sinceSeqGone))
            throw err;
          // The missed events left the buffer (or would not fit the PBX's queue): go on without replay; what is
          // gone is reported with the next event, and the session's onResync reloads everything.
          this.cursor.lost();
          since = undefined;
          await this.client.subscribe(service);
        }
        this.subscribed.add(service);
      } catch (err) {
        const optional = this.target.optionalServices?.includes(service) ?? false;
        if (!optional || !(err instanceof UciXmlRpcError) || err.kind !== 'fault' || err.sessionLost || err.authRefused)
          throw err;
        this.target.onNotice?.(
          `the PBX refused the subscription of ${service} (${err.message}); its events will not arrive`,
        );
      }
    }
  }

  /** The services the current session subscribed successfully (the connection test asks). */
  hasSubscribed(service: string): boolean {
    return this.subscribed.has(service);
  }

  /** Listens (again) for the PBX's calls; false when stop() came meanwhile (and then nothing is left open). */
  private async listen(run: number): Promise<boolean> {
    if (!this.server) {
      const host = new URL(this.client.endpoint).hostname;
      const { bind, advertise } = await callbackAddresses(host, this.target.callbackAddress);
      if (run !== this.run) return false;
      this.server = new UciCallbackServer({
        host: bind,
        port: this.target.callbackPort ?? 0,
        onCall: (method, params, request) => this.onCall(method, params, request),
      });
      this.advertise = advertise;
    }
    const server = this.server;
    await server.listen();
    if (run !== this.run) {
      await server.close();
      return false;
    }
    this.client.callback = { host: this.advertise, port: server.port, path: server.path };
    return true;
  }
  private advertise = '';

  private goLive(): void {
    this.opened = true;
    this.live = true;
    this.cursor.resetBackoff();
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = setInterval(() => void this.tick(), this.opts.keepAliveMs ?? XMLRPC_KEEPALIVE_MS);
    this.keepAlive.unref?.();
    this.opts.onState?.({ state: 'live' });
  }

  /** keepAlive: a lost session (fault "not logged in", false) logs in again; a failed request retries. */
  private async tick(): Promise<void> {
    const run = this.run;
    if (this.connecting || !this.live) return;
    let alive: boolean;
    try {
      alive = await this.client.keepAlive();
    } catch (err) {
      if (run !== this.run) return;
      this.live = false;
      if (this.keepAlive) clearInterval(this.keepAlive);
      this.retry(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (run !== this.run || alive) return;
    // The PBX ended the session (keepAlive timeout, callback queue dropped, restart): log in and subscribe again.
    this.live = false;
    this.session = false;
    this.lost = true;
    if (this.keepAlive) clearInterval(this.keepAlive);
    void this.connect();
  }

  private retry(err: Error): void {
    if (this.stopped) return;
    this.live = false;
    const wait = this.cursor.retryIn();
    this.opts.onError?.(err, wait);
    this.opts.onState?.({ state: 'reconnecting', error: err, retryInMs: wait });
    const timer = setTimeout(() => void this.connect(), wait);
    timer.unref?.();
    this.timers.push(timer);
  }

  /**
   * One pushed event: `${service}.${event}` with the data struct. The simulator's headers give its seq and time;
   * without them (a real PBX) the event is numbered here and stamped with the time it arrived, never dropped.
   */
  private onCall(method: string, params: XmlRpcValue[], request: CallbackRequest): XmlRpcValue {
    if (this.stopped) throw new XmlRpcFault('not subscribed', UCI_XMLRPC_FAULTS.notLoggedIn);
    const pushed = decodePushedEvent(method, params, request.headers);
    const m = pushed.meta;
    // A repeat is answered true all the same: it was delivered.
    if (m && !this.cursor.accept(m.seq)) return true;
    const event: SimEvent = {
      seq: m?.seq ?? ++this.localSeq,
      time: m?.time ?? new Date().toISOString(),
      service: pushed.service,
      event: pushed.event,
      data: pushed.data,
    };
    if (this.missedBefore) {
      this.missedBefore = false;
      const after = this.lastSeq !== undefined && this.lastSeq < event.seq ? this.lastSeq : event.seq - 1;
      this.opts.onGap?.({ afterSeq: after, beforeSeq: event.seq, filled: false, uncounted: true });
    }
    this.lastSeq = event.seq;
    this.batch.push(event);
    return true;
  }

  /**
   * The PBX had ended our session and we are back without a replay (a real PBX cannot send what it pushed to
   * nobody): say so now in the log, and mark the place in the event stream with the next event.
   */
  private announceMissed(): void {
    this.missedBefore = true;
    this.target.onNotice?.(
      'the PBX had ended the UCI session; signed in and subscribed again. Events from while the session was gone may have been missed (the PBX cannot send them again); the data was reloaded',
    );
  }

  private unavailable(reason: string): void {
    void this.stop();
    this.opts.onUnavailable?.(reason);
  }

  private signedOut(reason: string): void {
    void this.stop();
    this.opts.onSignedOut?.(reason);
  }
}
