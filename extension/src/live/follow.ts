/**
 * Which live-event source follows a PBX, and what happens when it fails: the simulator's UCI WebSocket (`uci`),
 * the UCI over XML-RPC with our callback server (`xml-rpc`, a real PBX's way), or the simulator's event log
 * (`poll`) when the simulator offers neither. The sources report; this decides (fall back, give up, sign out)
 * and keeps one LiveState for the session.
 */
import { CALL_EVENT_SERVICE } from '../../../shared/schemas/calls.js';
import type { SimEvent } from '../../../shared/schemas/events.js';
import { USER_STATE_SERVICE } from '../../../shared/schemas/uci.js';
import type { PbxApi } from '../pbx/api.js';
import type { UciCredential } from '../pbx/uciXmlRpcClient.js';
import { PbxError } from '../pbx/restClient.js';
import { EventLogSource } from './eventLogSource.js';
import type { EventGap, LiveSource, LiveSourceKind, LiveSourceOptions } from './liveSource.js';
import { UciWebSocketSource } from './uciWebSocketSource.js';

/** How the live events flow: the current source's state. */
export interface LiveState {
  state: 'connecting' | 'live' | 'reconnecting' | 'disconnected';
  /** Why it reconnects. */
  error?: Error;
  retryInMs?: number;
}

/** starface.uci.*: how live events flow. `auto`: the WebSocket for the simulator, XML-RPC for a real PBX. */
export interface UciLiveSettings {
  transport: 'auto' | 'websocket' | 'xml-rpc';
  /** What the PBX calls back; empty: the address of the interface that routes to the PBX. */
  callbackAddress: string;
  /** 0: a free port. */
  callbackPort: number;
}

export const DEFAULT_UCI_LIVE_SETTINGS: UciLiveSettings = { transport: 'auto', callbackAddress: '', callbackPort: 0 };

/** The services a real PBX is asked for (the sim.events.* ones are the simulator's own). */
const REAL_PBX_SERVICES = [CALL_EVENT_SERVICE, USER_STATE_SERVICE];
/** Only the call events are certain on a real PBX: a refused userState subscription is logged, not fatal. */
const OPTIONAL_REAL_PBX_SERVICES = [USER_STATE_SERVICE];

/** Loaded on first use: the bundle keeps it apart (dist/lazy/uciXmlRpc.js), so activation need not parse it. */
export const loadXmlRpc = () => import('./uciXmlRpc.js');

/** What to follow: one signed-in connection. */
export interface FollowTarget {
  /** The connection's name, for log lines. */
  name: string;
  /** Signed in: the WebSocket takes its token, the event log its requests. */
  api: PbxApi;
  /** The PBX is the simulator (it has the WebSocket and the event log). */
  simulator: boolean;
  /** The UCI token (or OAuth session) for the XML-RPC sign-in; without it there is no XML-RPC source. Never logged. */
  uciToken: UciCredential | undefined;
  settings: UciLiveSettings;
}

/** What the follower reports to its session. */
export interface FollowHooks {
  onEvents(events: SimEvent[]): void;
  /** The PBX restarted or events were lost: reload everything. */
  onResync(): void;
  onLive(live: LiveState): void;
  onGap(gap: EventGap): void;
  /** The PBX signed us out (restart, expired token): following has stopped; show it. */
  onSignedOut(err: Error): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** One session's live events: at most one source at a time. */
export class LiveFollow {
  private source: LiveSource | undefined;
  /** Counts start()/stop() calls, so a source whose module loaded late knows it was superseded. */
  private generation = 0;
  /** The earlier sources' shutdown: a new XML-RPC source starts after it, so a fixed callback port is free. */
  private stopping: Promise<void> = Promise.resolve();
  private _live: LiveState = { state: 'disconnected' };

  constructor(private readonly hooks: FollowHooks) {}

  get live(): LiveState {
    return this._live;
  }

  /** The source following now; undefined before it starts and once the PBX refused or lacks every source. */
  get current(): LiveSource | undefined {
    return this.source;
  }

  get kind(): LiveSourceKind | undefined {
    return this.source?.kind;
  }

  /** Connects the live events again now, instead of waiting for the back-off. */
  reconnect(): void {
    this.source?.reconnectNow();
  }

  /** Follows `target` (anew: a previous source stops first, or every event would arrive twice). */
  start(target: FollowTarget): void {
    this.stop();
    const { settings, simulator } = target;
    const xmlRpc = !simulator || settings.transport === 'xml-rpc';
    if (xmlRpc && !target.uciToken) return;
    if (!xmlRpc) return this.begin(target, xmlRpc, (opts) => new UciWebSocketSource(target.api.client, opts));
    const generation = this.generation;
    const uciToken = target.uciToken!;
    // A fixed callback port is free only once the previous source has stopped.
    Promise.all([loadXmlRpc(), settings.callbackPort ? this.stopping : undefined]).then(
      ([{ UciXmlRpcSource }]) => {
        // Signed out, or following anew, while the module loaded.
        if (generation !== this.generation) return;
        this.begin(
          target,
          xmlRpc,
          (opts) =>
            new UciXmlRpcSource(
              {
                restBaseUrl: target.api.client.baseUrl,
                uciToken,
                callbackAddress: settings.callbackAddress,
                callbackPort: settings.callbackPort,
                services: simulator ? undefined : REAL_PBX_SERVICES,
                optionalServices: simulator ? undefined : OPTIONAL_REAL_PBX_SERVICES,
                onNotice: (message) => this.hooks.log('warn', `UCI events from ${target.name}: ${message}`),
                replay: simulator,
                // The connection's transport: what it trusts (a pinned certificate) holds for the UCI too.
                fetch: target.api.client.transport,
              },
              opts,
            ),
        );
      },
      (err: unknown) => this.hooks.log('error', `the UCI over XML-RPC could not be loaded: ${(err as Error).message}`),
    );
  }

  stop(): void {
    this.generation++;
    // Stopped while still current: its last state ("stopped") is reported as this source's.
    const stopped = this.source?.stop();
    if (stopped)
      this.stopping = Promise.all([this.stopping, stopped]).then(
        () => {},
        () => {},
      );
    this.source = undefined;
    this.setLive({ state: 'disconnected' });
  }

  /**
   * Starts one source. `xmlRpc`: the UCI chosen was XML-RPC, whose refused token leaves REST working (an LDAP
   * user, a lockout); a refused WebSocket or event log means the REST sign-in is gone.
   */
  private begin(target: FollowTarget, xmlRpc: boolean, make: (opts: LiveSourceOptions) => LiveSource): void {
    const { name } = target;
    const generation = this.generation;
    // The handlers run only once `source` is set: a source reports nothing before start().
    const mine = () => this.source === source;
    const opts: LiveSourceOptions = {
      onEvents: (events) => {
        if (this._live.state === 'reconnecting') this.setLive({ state: 'live' });
        this.hooks.onEvents(events);
      },
      onResync: () => this.hooks.onResync(),
      onError: (err, retry) => {
        if (source.kind !== 'poll')
          return this.hooks.log(
            'warn',
            `UCI events from ${name}: ${err.message}; retrying in ${Math.round(retry / 1000)} s`,
          );
        if (err instanceof PbxError && err.isAuth) return this.signedOut(name, err);
        this.hooks.log('warn', `events from ${name}: ${err.message}; retrying in ${Math.round(retry / 1000)} s`);
      },
      onSignedOut: (reason) => {
        if (!xmlRpc)
          return this.signedOut(name, PbxError.of({ code: 'NOT_SIGNED_IN' }, 401, 'NOT_SIGNED_IN', { reason }));
        if (mine()) this.source = undefined;
        this.hooks.log('warn', `${name} refused the UCI sign-in (${reason}); no live events`);
      },
      onUnavailable: (reason) => {
        // Stopped or following anew since: falling back now would leave a poller nobody stops.
        if (generation !== this.generation) return;
        if (mine()) this.source = undefined;
        if (!target.simulator) {
          this.hooks.log('warn', `${name} has no UCI over XML-RPC (${reason}); no live events`);
          return;
        }
        this.hooks.log(
          'info',
          `${name} has no UCI ${xmlRpc ? 'over XML-RPC' : 'WebSocket'} (${reason}); following its event log instead`,
        );
        this.begin(target, xmlRpc, (o) => new EventLogSource(target.api, o));
      },
      onState: (state) => {
        if (!mine()) return;
        if (state.state === 'stopped') this.setLive({ state: 'disconnected' });
        else if (state.state === 'reconnecting')
          this.setLive({ state: 'reconnecting', error: state.error, retryInMs: state.retryInMs });
        else this.setLive({ state: state.state });
      },
      onGap: (gap) => this.hooks.onGap(gap),
    };
    const source = make(opts);
    this.source = source;
    source.start();
  }

  /** Following on cannot succeed: stop and let the session show it. */
  private signedOut(name: string, err: Error): void {
    this.stop();
    this.hooks.log('warn', `events from ${name}: ${err.message}`);
    this.hooks.onSignedOut(err);
  }

  private setLive(live: LiveState): void {
    if (live.state === this._live.state && live.state !== 'reconnecting') return;
    this._live = live;
    this.hooks.onLive(live);
  }
}
