import type { Connection } from '../../../shared/schemas/connection.js';
import { uciToken } from '../../../shared/hashes.js';
import { CALL_EVENT_SERVICE } from '../../../shared/schemas/calls.js';
import { restBaseUrl } from '../../../shared/schemas/connection.js';
import { SIM_SERVICES, type SimEvent } from '../../../shared/schemas/events.js';
import { USER_STATE_SERVICE } from '../../../shared/schemas/uci.js';
import {
  DEFAULT_UCI_LIVE_SETTINGS,
  LiveFollow,
  loadXmlRpc,
  type LiveState,
  type UciLiveSettings,
} from '../live/follow.js';
import type { EventGap, LiveSourceKind } from '../live/liveSource.js';
import { PbxApi } from '../pbx/api.js';
import type { LiveEventsCheckResult } from '../pbx/liveEventsCheck.js';
import { PbxError, PbxRestClient } from '../pbx/restClient.js';
import { signIn, type SignInMethod } from '../pbx/signIn.js';
import type { UciCredential } from '../pbx/uciXmlRpcClient.js';
import { loadPbxData, loadUserDetails, type PbxData, type UserDetails } from '../pbx/snapshot.js';
import { Emitter } from './emitter.js';
import { errorText } from '../text/errorText.js';
import { englishOnly, type Translate } from '../text/i18n.js';

export type SessionState = 'signed-out' | 'signing-in' | 'ready' | 'error';

// The session's live-event surface speaks these types (its events, its constructor's settings).
export type { EventGap, LiveState, UciLiveSettings };

/**
 * Events about nothing loadPbxData loads (calls, presence): they go to the inspector, but reloading the whole PBX
 * (some seven REST requests) for each call state would change nothing the tree shows.
 */
const UNLOADED_SERVICES = new Set<string>([CALL_EVENT_SERVICE, USER_STATE_SERVICE]);
/**
 * Events about what the tree loads when a node is opened (a user's call journal), not with the PBX: the tree is
 * drawn again, so an open node fetches anew, without reloading the whole PBX for each ended call.
 */
const REDRAW_SERVICES = new Set<string>([SIM_SERVICES.callJournal]);

/** One connection's live view of its PBX: sign-in state, the loaded data, lazily loaded user details. */
export class PbxSession {
  readonly api: PbxApi;
  private _state: SessionState = 'signed-out';
  private _failure: unknown;
  private _data: PbxData | undefined;
  private details = new Map<number, Promise<UserDetails>>();
  private readonly liveFollow: LiveFollow;
  /**
   * The UCI sign-in for XML-RPC: the UCI token made from the password (legacy), or the OAuth session whose access
   * tokens the UCI takes as they are renewed (STARFACE 10). In memory only, never logged.
   */
  private uciToken: UciCredential | undefined;
  private _method: SignInMethod | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private readonly changed = new Emitter<PbxSession>();
  private readonly events = new Emitter<SimEvent[]>();
  readonly onDidChange = this.changed.event;
  readonly onDidReceiveEvents = this.events.event;
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
    /** Milliseconds since the epoch, for OAuth's token expiry (tests move time by it). */
    private readonly now?: () => number,
    /** The connection's transport (httpsFetch.ts: its certificate trust); every request of this session uses it. */
    transport?: typeof fetch,
  ) {
    this.api = new PbxApi(new PbxRestClient(restBaseUrl(connection.url), { timeoutMs, fetch: transport }));
    this.liveFollow = new LiveFollow({
      onEvents: (events) => {
        this.events.fire(events);
        if (events.some((e) => !UNLOADED_SERVICES.has(e.service) && !REDRAW_SERVICES.has(e.service)))
          void this.refresh();
        else if (this._state === 'ready' && events.some((e) => REDRAW_SERVICES.has(e.service))) this.changed.fire(this);
      },
      onResync: () => void this.refresh(),
      onLive: (live) => this.liveChanged.fire(live),
      onGap: (gap) => this.gaps.fire(gap),
      onSignedOut: (err) => this.set('error', err),
      log,
    });
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

  /** How this session signed in (`legacy` handshake or `oauth`); undefined while signed out. */
  get signInMethod(): SignInMethod | undefined {
    return this._method;
  }

  /**
   * Signs in the connection's way (`auth`: auto, legacy, oauth; pbx/signIn.ts). `clientSecret` is the PBX's OAuth
   * client secret when one is stored; OAuth keeps it and the password in memory for new grants.
   */
  async signIn(password: string, opts: { clientSecret?: string } = {}): Promise<void> {
    this.set('signing-in');
    try {
      this._method = undefined;
      const { method, oauth } = await signIn(this.api.client, {
        login: this.connection.login,
        password,
        auth: this.connection.auth ?? 'auto',
        clientSecret: opts.clientSecret,
        now: this.now,
      });
      this._method = method;
      this.uciToken = oauth ?? uciToken(this.connection.login, password);
      this.log(
        'info',
        `signed in to ${this.connection.name} with ${method === 'oauth' ? 'OAuth' : 'the login handshake'}`,
      );
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
    this._method = undefined;
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
    return this.liveFollow.live;
  }

  /** Connects the live events again now, instead of waiting for the back-off. */
  reconnect(): void {
    this.liveFollow.reconnect();
  }

  dispose(): void {
    this.stopFollowing();
    this.changed.dispose();
    this.events.dispose();
    this.liveChanged.dispose();
    this.gaps.dispose();
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
  get liveSource(): LiveSourceKind | undefined {
    return this.liveFollow.kind;
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
    const { checkLiveEvents, UciXmlRpcSource } = await loadXmlRpc();
    // Live events running: test through their callback server (a fixed port cannot be opened twice).
    const current = this.liveFollow.current;
    const live = current instanceof UciXmlRpcSource ? current : undefined;
    const via =
      live?.callback?.listening && live.callbackTarget
        ? { server: live.callback, host: live.callbackTarget.host }
        : undefined;
    return checkLiveEvents(
      {
        restBaseUrl: this.api.client.baseUrl,
        uciToken: this.uciToken,
        callbackAddress: settings.callbackAddress,
        callbackPort: settings.callbackPort,
        waitMs,
        via,
        fetch: this.api.client.transport,
      },
      t,
    );
  }

  private follow(): void {
    this.liveFollow.start({
      name: this.connection.name,
      api: this.api,
      simulator: this._data?.simulator === true,
      uciToken: this.uciToken,
      settings: this.liveSettings(),
    });
  }

  private stopFollowing(): void {
    this.liveFollow.stop();
  }

  private set(state: SessionState, failure?: unknown): void {
    this._state = state;
    this._failure = failure;
    this.changed.fire(this);
  }
}
