import type { Connection } from '../../../shared/schemas/connection.js';
import { uciToken } from '../../../shared/hashes.js';
import { CALL_EVENT_SERVICE } from '../../../shared/schemas/calls.js';
import { restBaseUrl } from '../../../shared/schemas/connection.js';
import type { SimEvent } from '../../../shared/schemas/events.js';
import { USER_STATE_SERVICE } from '../../../shared/schemas/uci.js';
import { PbxApi } from '../pbx/api.js';
import { EventPoller } from '../pbx/eventPoller.js';
import { UciEventStream, type UciEventStreamOptions } from '../pbx/uciEvents.js';
import type { LiveEventsCheckResult } from '../pbx/liveEventsCheck.js';
import type { UciXmlRpcStream } from '../pbx/uciXmlRpcStream.js';
import { PbxError, PbxRestClient } from '../pbx/restClient.js';
import { loadPbxData, loadUserDetails, type PbxData, type UserDetails } from '../pbx/snapshot.js';
import { Emitter } from './emitter.js';
import { errorText } from '../text/errorText.js';
import { englishOnly, type Translate } from '../text/i18n.js';

export type SessionState = 'signed-out' | 'signing-in' | 'ready' | 'error';

/** How the live events flow: the UCI socket's (or the event poller's) state. */
export interface LiveState {
  state: 'connecting' | 'live' | 'reconnecting' | 'disconnected';
  /** Why it reconnects. */
  error?: Error;
  retryInMs?: number;
}

/** Events after `afterSeq` and before `beforeSeq` were missed during a drop; `filled`: asked for again with sinceSeq. */
export interface EventGap {
  afterSeq: number;
  beforeSeq: number;
  filled: boolean;
}

/** starface.uci.*: how live events flow. `auto`: the WebSocket for the simulator, XML-RPC for a real PBX. */
export interface UciLiveSettings {
  transport: 'auto' | 'websocket' | 'xml-rpc';
  /** What the PBX calls back; empty: the address of the interface that routes to the PBX. */
  callbackAddress: string;
  /** 0: a free port. */
  callbackPort: number;
}

const DEFAULT_UCI_LIVE_SETTINGS: UciLiveSettings = { transport: 'auto', callbackAddress: '', callbackPort: 0 };

/** The services a real PBX is asked for (the sim.events.* ones are the simulator's own). */
const REAL_PBX_SERVICES = [CALL_EVENT_SERVICE, USER_STATE_SERVICE];
/**
 * Events about nothing loadPbxData loads (calls, presence): they go to the inspector, but reloading the whole PBX
 * (some seven REST requests) for each call state would change nothing the tree shows.
 */
const UNLOADED_SERVICES = new Set<string>(REAL_PBX_SERVICES);
/** Only the call events are certain on a real PBX: a refused userState subscription is logged, not fatal. */
const OPTIONAL_REAL_PBX_SERVICES = [USER_STATE_SERVICE];

/** Loaded on first use: the bundle keeps it apart (dist/lazy/uciXmlRpc.js), so activation need not parse it. */
const loadXmlRpc = () => import('../pbx/uciXmlRpc.js');

/** One connection's live view of its PBX: sign-in state, the loaded data, lazily loaded user details. */
export class PbxSession {
  readonly api: PbxApi;
  private _state: SessionState = 'signed-out';
  private _failure: unknown;
  private _data: PbxData | undefined;
  private details = new Map<number, Promise<UserDetails>>();
  private poller: EventPoller | undefined;
  private uci: UciEventStream | UciXmlRpcStream | undefined;
  private uciKind: 'uci' | 'xml-rpc' | undefined;
  /** Counts follow()/stopFollowing() calls, so a follower whose module loaded late knows it was superseded. */
  private followGeneration = 0;
  /** The last stopped stream's shutdown: a new XML-RPC stream starts after it, so a fixed callback port is free. */
  private stopping: Promise<void> = Promise.resolve();
  /** The UCI token for the XML-RPC sign-in, made from the password at sign-in; in memory only, never logged. */
  private uciToken: string | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private readonly changed = new Emitter<PbxSession>();
  private readonly events = new Emitter<SimEvent[]>();
  readonly onDidChange = this.changed.event;
  readonly onDidReceiveEvents = this.events.event;
  private _live: LiveState = { state: 'disconnected' };
  private readonly liveChanged = new Emitter<LiveState>();
  private readonly gaps = new Emitter<EventGap>();
  /** The live event source connects, goes live, drops and retries, or stops. */
  readonly onDidChangeLive = this.liveChanged.event;
  /** A reconnect found events missed meanwhile. */
  readonly onDidDetectGap = this.gaps.event;

  constructor(
    readonly connection: Connection,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void = () => {},
    timeoutMs?: number,
    private readonly liveSettings: () => UciLiveSettings = () => DEFAULT_UCI_LIVE_SETTINGS,
  ) {
    this.api = new PbxApi(new PbxRestClient(restBaseUrl(connection.url), { timeoutMs }));
  }

  get state(): SessionState {
    return this._state;
  }
  get error(): string | undefined {
    return this._failure === undefined ? undefined : errorText(this._failure, englishOnly);
  }
  /** The error behind state `error`, for `errorText(failure, t)` in the user's language. */
  get failure(): unknown {
    return this._failure;
  }
  get data(): PbxData | undefined {
    return this._data;
  }

  async signIn(password: string): Promise<void> {
    this.set('signing-in');
    try {
      await this.api.client.login(this.connection.login, password);
      this.uciToken = uciToken(this.connection.login, password);
      await this.reload();
      this.set('ready');
      this.follow();
    } catch (err) {
      this.set('error', err);
      throw err;
    }
  }

  async signOut(): Promise<void> {
    this.stopFollowing();
    this.uciToken = undefined;
    try {
      await this.api.client.logout();
    } catch {
      // Signing out of an unreachable PBX still forgets the token.
    }
    this._data = undefined;
    this.details.clear();
    this.set('signed-out');
  }

  /** Reloads everything; calls that arrive during a reload fold into one more. */
  async refresh(): Promise<void> {
    if (this._state !== 'ready' && this._state !== 'error') return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          await this.reload();
        } while (this.refreshAgain);
        this.set('ready');
      } catch (err) {
        this.set('error', err);
        this.log('warn', `refresh of ${this.connection.name} failed: ${(err as Error).message}`);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  userDetails(userId: number): Promise<UserDetails> {
    let p = this.details.get(userId);
    if (!p) {
      p = loadUserDetails(this.api, userId);
      p.catch(() => this.details.delete(userId));
      this.details.set(userId, p);
    }
    return p;
  }

  get live(): LiveState {
    return this._live;
  }

  /** Connects the live events again now, instead of waiting for the back-off. */
  reconnect(): void {
    this.uci?.reconnectNow();
  }

  dispose(): void {
    this.stopFollowing();
    this.changed.dispose();
    this.events.dispose();
    this.liveChanged.dispose();
    this.gaps.dispose();
  }

  private setLive(live: LiveState): void {
    if (live.state === this._live.state && live.state !== 'reconnecting') return;
    this._live = live;
    this.liveChanged.fire(live);
  }

  private async reload(): Promise<void> {
    const data = await loadPbxData(this.api);
    this._data = data;
    this.details.clear();
  }

  /**
   * Where live events come from: the simulator's UCI WebSocket (`uci`), the UCI over XML-RPC with our callback
   * server (`xml-rpc`, a real PBX's way), or the simulator's event log (`poll`).
   */
  get liveSource(): 'uci' | 'xml-rpc' | 'poll' | undefined {
    return this.uci ? this.uciKind : this.poller ? 'poll' : undefined;
  }

  /** Follows the live events again with the current starface.uci.* settings (after they changed). */
  restartLive(): void {
    if (this._state === 'ready' && this._data) this.follow();
  }

  /**
   * The live-events connection test: can the PBX reach this machine's callback server? Uses the settings and
   * the token of this sign-in.
   */
  async testLiveEvents(t: Translate = englishOnly, waitMs?: number): Promise<LiveEventsCheckResult> {
    if (!this.uciToken || this._state !== 'ready') throw PbxError.of({ code: 'NOT_SIGNED_IN' }, 401, 'NOT_SIGNED_IN');
    const settings = this.liveSettings();
    const { checkLiveEvents, UciXmlRpcStream } = await loadXmlRpc();
    // Live events running: test through their callback server (a fixed port cannot be opened twice).
    const live = this.uci instanceof UciXmlRpcStream ? this.uci : undefined;
    const via = live?.callback?.listening && live.callbackTarget ? { server: live.callback, host: live.callbackTarget.host } : undefined;
    return checkLiveEvents({ restBaseUrl: this.api.client.baseUrl, uciToken: this.uciToken, callbackAddress: settings.callbackAddress, callbackPort: settings.callbackPort, waitMs, via }, t);
  }

  private follow(): void {
    // Signing in again must not leave the previous follower running: every event would arrive twice.
    this.stopFollowing();
    const onEvents = (events: SimEvent[]) => {
      if (this._live.state === 'reconnecting') this.setLive({ state: 'live' });
      this.events.fire(events);
      if (events.some((e) => !UNLOADED_SERVICES.has(e.service))) void this.refresh();
    };
    const signedOut = (err: Error) => {
      // The PBX signed us out (restart, expired token): following on cannot succeed; show it and stop.
      this.stopFollowing();
      this.log('warn', `events from ${this.connection.name}: ${err.message}`);
      this.set('error', err);
    };
    const settings = this.liveSettings();
    const simulator = this._data?.simulator === true;
    const xmlRpc = !simulator || settings.transport === 'xml-rpc';
    if (xmlRpc && !this.uciToken) return;
    let uci: UciEventStream | UciXmlRpcStream | undefined;
    const options: UciEventStreamOptions = {
      onEvents,
      onResync: () => void this.refresh(),
      onError: (err, retry) => this.log('warn', `UCI events from ${this.connection.name}: ${err.message}; retrying in ${Math.round(retry / 1000)} s`),
      onSignedOut: (reason) => {
        if (!xmlRpc) return signedOut(PbxError.of({ code: 'NOT_SIGNED_IN' }, 401, 'NOT_SIGNED_IN', { reason }));
        // The UCI refused the token while REST took the password (an LDAP user, a lockout): the tree still works.
        if (this.uci === uci) this.uci = undefined;
        this.log('warn', `${this.connection.name} refused the UCI sign-in (${reason}); no live events`);
      },
      onUnavailable: (reason) => {
        if (this.uci === uci) this.uci = undefined;
        if (!simulator) {
          this.log('warn', `${this.connection.name} has no UCI over XML-RPC (${reason}); no live events`);
          return;
        }
        this.log('info', `${this.connection.name} has no UCI ${xmlRpc ? 'over XML-RPC' : 'WebSocket'} (${reason}); following its event log instead`);
        this.poll(onEvents, signedOut);
      },
      onState: (state) => {
        if (this.uci !== uci) return;
        if (state.state === 'stopped') this.setLive({ state: 'disconnected' });
        else if (state.state === 'reconnecting') this.setLive({ state: 'reconnecting', error: state.error, retryInMs: state.retryInMs });
        else this.setLive({ state: state.state });
      },
      onGap: (gap) => this.gaps.fire(gap),
    };
    const begin = (stream: UciEventStream | UciXmlRpcStream, kind: 'uci' | 'xml-rpc') => {
      uci = stream;
      this.uci = stream;
      this.uciKind = kind;
      stream.start();
    };
    if (!xmlRpc) return begin(new UciEventStream(this.api.client, options), 'uci');
    const generation = this.followGeneration;
    const uciToken = this.uciToken!;
    // A fixed callback port is free only once the previous stream has stopped.
    Promise.all([loadXmlRpc(), settings.callbackPort ? this.stopping : undefined]).then(
      ([{ UciXmlRpcStream }]) => {
        // Signed out, or following anew, while the module loaded.
        if (generation !== this.followGeneration) return;
        const stream = new UciXmlRpcStream(
          {
            restBaseUrl: this.api.client.baseUrl,
            uciToken,
            callbackAddress: settings.callbackAddress,
            callbackPort: settings.callbackPort,
            services: simulator ? undefined : REAL_PBX_SERVICES,
            optionalServices: simulator ? undefined : OPTIONAL_REAL_PBX_SERVICES,
            onNotice: (message) => this.log('warn', `UCI events from ${this.connection.name}: ${message}`),
            replay: simulator,
          },
          options,
        );
        begin(stream, 'xml-rpc');
      },
      (err: unknown) => this.log('error', `the UCI over XML-RPC could not be loaded: ${(err as Error).message}`),
    );
  }

  private poll(onEvents: (events: SimEvent[]) => void, signedOut: (err: Error) => void): void {
    const poller = new EventPoller(this.api, {
      onEvents,
      onResync: () => void this.refresh(),
      onError: (err, retry) => {
        if (err instanceof PbxError && err.isAuth) signedOut(err);
        else {
          this.log('warn', `events from ${this.connection.name}: ${(err as Error).message}; retrying in ${Math.round(retry / 1000)} s`);
          this.setLive({ state: 'reconnecting', error: err instanceof Error ? err : new Error(String(err)), retryInMs: retry });
        }
      },
    });
    this.poller = poller;
    poller.start();
    this.setLive({ state: 'live' });
  }

  private stopFollowing(): void {
    this.followGeneration++;
    const stopped = this.uci?.stop();
    if (stopped) this.stopping = stopped.catch(() => {});
    this.uci = undefined;
    this.uciKind = undefined;
    this.poller?.stop();
    this.poller = undefined;
    this.setLive({ state: 'disconnected' });
  }

  private set(state: SessionState, failure?: unknown): void {
    this._state = state;
    this._failure = failure;
    this.changed.fire(this);
  }
}
