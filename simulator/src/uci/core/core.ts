import { SIM_SERVICES } from '../../../../shared/schemas/events.js';
import type { UciMethodKey } from '../../../../shared/schemas/uci.js';
import type { FailedLoginLimiter } from '../../auth/rateLimit.js';
import type { Sessions } from '../../auth/sessions.js';
import type { OAuthRealm } from '../../auth/oauth.js';
import { signInWithJwt, signInWithToken, type UciSignIn } from '../../auth/uciToken.js';
import type { EventBus } from '../../events/bus.js';
import type { StateHolder } from '../../state/pbx.js';
import { CallBook } from './callBook.js';
import type { UciCallControl } from './callControl.js';
import { runMethod, type HandlerContext, type UciPeer } from './dispatch.js';
import { Subscriptions } from './subscriptions.js';
import { publishTelephonyChange, redirectAlwaysActive } from './userState.js';

export interface UciCoreOptions {
  holder: StateHolder;
  bus: EventBus;
  sessions: Sessions;
  /** STARFACE 10's OAuth: access tokens sign in too. */
  oauth?: OAuthRealm;
  /** Failed sign-ins, shared with the REST login. */
  limiter?: FailedLoginLimiter;
  callControl?: UciCallControl;
}

/**
 * The UCI without a transport: the subscriptions, the call book, the call-control slot, the user-state rule and
 * the methods. The WebSocket server (ws/) and the XML-RPC endpoint (xmlrpc/) both take it; neither owns it.
 */
export class UciCore implements HandlerContext {
  readonly holder: StateHolder;
  readonly bus: EventBus;
  readonly calls: CallBook;
  readonly subscriptions: Subscriptions;
  private control: UciCallControl | undefined;
  private readonly unsubscribeDnd: () => void;
  private readonly unsubscribeRedirects: () => void;
  /** Each user's redirectAlwaysActive as last seen, to tell a redirect change that flips it from one that does not. */
  private alwaysActive = new Map<number, boolean>();

  constructor(private readonly opts: UciCoreOptions) {
    const { bus, holder } = opts;
    this.holder = holder;
    this.bus = bus;
    this.control = opts.callControl;
    this.calls = new CallBook(bus, (userId) => publishTelephonyChange(holder, bus, this.calls, userId));
    this.subscriptions = new Subscriptions(bus);
    // DND is one flag for both APIs: when REST (PUT phoneconfig) changes it, UCI subscribers see a userState event.
    this.unsubscribeDnd = bus.subscribe((e) => {
      if (e.service !== SIM_SERVICES.phones || e.event !== 'configUpdated') return;
      const { userId, changed } = e.data;
      if (typeof userId === 'number' && Array.isArray(changed) && changed.includes('doNotDisturb'))
        publishTelephonyChange(holder, bus, this.calls, userId);
    });
    // redirectAlwaysActive is derived from the redirects: a change (REST PUT /redirects, UCI redirect.*, a number
    // taken away) that flips it is a userState event. One commit may change several of a user's redirects; the
    // first of its events already sees the end state, the others then find nothing flipped.
    this.seedAlwaysActive();
    this.unsubscribeRedirects = bus.subscribe((e) => {
      if (e.service === SIM_SERVICES.server && e.event === 'scenario-applied') this.seedAlwaysActive();
      if (e.service !== SIM_SERVICES.redirects) return;
      const userId = e.data.accountId;
      if (typeof userId !== 'number' || !holder.state.users.some((u) => u.id === userId)) return;
      const active = redirectAlwaysActive(holder.state, userId);
      if (active === (this.alwaysActive.get(userId) ?? false)) return;
      this.alwaysActive.set(userId, active);
      publishTelephonyChange(holder, bus, this.calls, userId);
    });
  }

  private seedAlwaysActive(): void {
    const state = this.holder.state;
    this.alwaysActive = new Map(state.users.map((u) => [u.id, redirectAlwaysActive(state, u.id)]));
  }

  callControl(): UciCallControl | undefined {
    return this.control;
  }

  /** simulator.ts wires the SIP side here. */
  setCallControl(control: UciCallControl | undefined): void {
    this.control = control;
  }

  /**
   * A UCI token (`login:hash`), a REST token or an OAuth access token. Failed sign-ins count per login and address
   * together with the REST logins and SIP digest (one limiter), so no transport of the UCI is a way around the
   * REST throttle.
   */
  signIn(token: string, remote: string): UciSignIn {
    return signInWithToken(this.holder.state, this.opts.sessions, this.opts.limiter, token, remote, this.opts.oauth);
  }

  /** An OAuth access token (`de.vertico.starface.jwt`); undefined when the simulator has no OAuth at all. */
  signInWithJwt(token: string, remote: string): UciSignIn | undefined {
    return this.opts.oauth && signInWithJwt(this.opts.oauth, this.opts.limiter, token, remote);
  }

  /** True when the PBX offers OAuth (version 10 or later). */
  oauthAvailable(): boolean {
    return this.opts.oauth?.available() ?? false;
  }

  /** Runs one method for a signed-in peer; `login` is the transport's. */
  run(peer: UciPeer, key: Exclude<UciMethodKey, 'login'>, params: unknown, v20Style = false): unknown {
    return runMethod(this, peer, key, params, v20Style);
  }

  stop(): void {
    this.subscriptions.stop();
    this.calls.stop();
    this.unsubscribeDnd();
    this.unsubscribeRedirects();
  }
}
