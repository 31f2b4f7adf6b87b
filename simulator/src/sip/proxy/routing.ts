import type { SipRefusalReason } from '../../../../shared/schemas/registrations.js';
import type { StoredUser } from '../../state/model.js';
import type { StoredRedirect } from '../../state/telephonyModel.js';
import { userName, type CallTracker } from '../calls.js';
import type { DialPlan, Destination } from '../dialPlan.js';
import type { Binding, Registrar } from '../registrar.js';
import type { ServerTxn, Transactions } from './transactions.js';
import type { VirtualPhoneAgent } from './virtualPhones.js';
import type { VoicemailAgent } from './voicemail.js';

/**
 * How many redirects one call may follow. The PBX's limit is not documented; five covers every sensible
 * chain (user → colleague → group → mailbox) and stops a loop long before the caller notices.
 */
export const MAX_REDIRECT_HOPS = 5;

export interface RoutingHost {
  plan: DialPlan;
  calls: CallTracker;
  transactions: Transactions;
  registrar: Registrar;
  voicemail: VoicemailAgent;
  virtualPhones: VirtualPhoneAgent;
  /** Sends the INVITE to one registered device of `user` as a new branch. */
  forward(txn: ServerTxn, binding: Binding, user: StoredUser): void;
  /** Answers the caller with a refusal and reports it. */
  refuse(txn: ServerTxn, status: number, why: SipRefusalReason, message: string, phrase?: string): void;
}

/** What a call's routing remembers between its steps. */
interface Route {
  caller: StoredUser;
  /** Redirects followed so far, by id: a second visit is a loop. */
  followed: Set<string>;
  /** The BUSY and TIMEOUT redirects of the destination now ringing, for when its devices refuse or time out. */
  busy?: StoredRedirect;
  timeout?: StoredRedirect;
}

/**
 * The call routing of the PBX on top of the proxy's transactions: rings the devices of the destination the
 * dial plan names (every registered device of a user; of a group, those of its logged-in members, in parallel —
 * the first answer takes the call and the proxy CANCELs the rest), and follows the destination's enabled
 * redirects: ALWAYS at once; BUSY when every rung user is in a call without call waiting, or every device
 * answered busy (486/600); TIMEOUT after its delay of ringing, or at once when there is no device to ring, or
 * every device failed otherwise (not a decline). A redirect leads to a number (routed again: a user, a group,
 * a virtual phone, a mailbox) or to a mailbox, where the voicemail answers. The UCI states follow: each rung
 * user INCOMING/RINGING, the one who answers CONNECTED, the others HANGUP; a redirected call rings the target as
 * a new incoming call of the original caller (the user it left sees HANGUP if it rang them at all).
 */
export class CallRouting {
  private readonly routes = new WeakMap<ServerTxn, Route>();

  constructor(private readonly host: RoutingHost) {}

  /** An initial INVITE from `caller` to a user, group or mailbox (virtual phones and unknown numbers are the proxy's). */
  invite(txn: ServerTxn, caller: StoredUser, dest: Destination): void {
    const callId = txn.req.headers.get('call-id') ?? '';
    const { calls } = this.host;
    if (dest.kind === 'user') txn.call = calls.start(callId, caller, { user: dest.user });
    else if (dest.kind === 'group')
      txn.call = calls.start(callId, caller, { number: dest.dialled, name: dest.group.name, groupId: dest.group.id });
    else if (dest.kind === 'mailbox')
      txn.call = calls.start(callId, caller, { number: dest.box.number, name: dest.box.name });
    const route: Route = { caller, followed: new Set() };
    this.routes.set(txn, route);
    this.deliver(txn, route, dest, undefined);
  }

  /**
   * Every branch of `txn` ended without an answer: follows the BUSY or TIMEOUT redirect that applies, and
   * says whether it took the call on (false: the proxy answers the caller with the best final response).
   */
  exhausted(txn: ServerTxn): boolean {
    const route = this.routes.get(txn);
    if (!route || txn.done || txn.answered) return false;
    const live = txn.branches.filter((b) => !b.superseded);
    if (live.length === 0) return false;
    const busy = live.every((b) => b.status === 486 || b.status === 600);
    const declined = live.some((b) => b.status === 603 || b.status === 486 || b.status === 600);
    const redirect = busy ? route.busy : declined ? undefined : route.timeout;
    if (!redirect) return false;
    for (const b of live) b.superseded = true;
    this.follow(txn, route, redirect);
    return true;
  }

  /** A branch of `txn` failed: its user stops ringing unless another of their devices still rings. */
  branchFailed(txn: ServerTxn, userId: number | undefined): void {
    if (userId === undefined || !txn.call) return;
    const ringing = txn.branches.some((b) => b.userId === userId && !b.superseded && b.status < 200);
    if (!ringing) this.host.calls.dropUser(txn.call, userId);
  }

  private deliver(txn: ServerTxn, route: Route, dest: Destination, via: StoredRedirect | undefined): void {
    if (txn.done || txn.answered) return;
    const call = txn.call;
    switch (dest.kind) {
      case 'mailbox':
        if (call) this.host.voicemail.answer(txn, call, route.caller, dest.box);
        return;
      case 'virtual':
        this.host.virtualPhones.invite(txn, route.caller, dest.phone);
        return;
      case 'none':
        // Only a redirect gets here (the proxy answers an unknown dialled number itself). The simulator has
        // no trunk, so a number outside the PBX cannot be reached: a PBX without a line answers 503.
        this.host.refuse(
          txn,
          503,
          'no-route',
          `redirect ${via?.id ?? ''} leads to ${dest.dialled}, which has no route (the simulator has no outside line)`,
          'Service Unavailable (no route to the redirect target)',
        );
        if (call) this.host.calls.hangup(call);
        return;
      default:
        this.ring(txn, route, dest, via);
    }
  }

  private ring(
    txn: ServerTxn,
    route: Route,
    dest: Extract<Destination, { kind: 'user' | 'group' }>,
    via: StoredRedirect | undefined,
  ): void {
    const { plan, calls, registrar } = this.host;
    const call = txn.call;
    const rules = plan.redirects(dest);
    route.busy = rules.busy;
    route.timeout = rules.timeout;
    if (rules.always) return this.follow(txn, route, rules.always);

    const members = dest.kind === 'user' ? [dest.user] : dest.members;
    // A user in a call without call waiting is busy; with call waiting the new call knocks (rings) as usual.
    const free = members.filter((u) => !(calls.inCall(u.id, call) && !plan.callWaiting(u)));
    const label = dest.kind === 'user' ? `${dest.user.login}` : `group ${dest.group.name}`;
    if (members.length > 0 && free.length === 0) {
      if (rules.busy) return this.follow(txn, route, rules.busy);
      this.host.refuse(txn, 486, 'busy', `${label} is busy (in a call, no call waiting)`);
      if (call) calls.hangup(call);
      return;
    }
    const targets = free.flatMap((u) =>
      registrar
        .contactsOf(u.id)
        .filter((b) => b.flow.open)
        .map((b) => ({ user: u, binding: b })),
    );
    if (targets.length === 0) {
      // Nothing to ring: a TIMEOUT redirect takes the call at once, the way the PBX forwards an unreachable user.
      if (rules.timeout) return this.follow(txn, route, rules.timeout);
      const who =
        dest.kind === 'user' ? `${dest.user.login} has no registered phone` : `${label} has no registered member`;
      this.host.refuse(txn, 480, 'not-registered', who, 'Temporarily Unavailable (not registered)');
      if (call) calls.hangup(call);
      return;
    }
    if (rules.timeout) {
      const timeout = rules.timeout;
      this.host.transactions.schedule(txn, timeout.delaySeconds * 1000, () => this.timedOut(txn, route, timeout));
    }
    if (call) {
      const called =
        dest.kind === 'group'
          ? { number: dest.dialled, name: dest.group.name }
          : via
            ? { number: dest.dialled, name: userName(dest.user) }
            : undefined;
      const rung = new Set(targets.map((t) => t.user.id));
      const groupId = dest.kind === 'group' ? dest.group.id : undefined;
      for (const u of free) if (rung.has(u.id)) calls.addLeg(call, u, called, groupId);
      // The dialled user's own leg exists from the start; a group's placeholder has none.
      for (const id of calls.ringingUsers(call)) if (!rung.has(id)) calls.dropUser(call, id);
    }
    for (const t of targets) this.host.forward(txn, t.binding, t.user);
    if (call) calls.incoming(call);
  }

  /** The TIMEOUT redirect's delay passed while the devices rang: CANCEL them, and on to its target. */
  private timedOut(txn: ServerTxn, route: Route, redirect: StoredRedirect): void {
    if (txn.done || txn.answered) return;
    for (const b of txn.branches) if (b.status < 200) b.superseded = true;
    this.host.transactions.cancelBranches(txn);
    this.follow(txn, route, redirect);
  }

  private follow(txn: ServerTxn, route: Route, redirect: StoredRedirect): void {
    const { calls, plan } = this.host;
    if (txn.call) for (const id of calls.ringingUsers(txn.call)) calls.dropUser(txn.call, id);
    route.busy = route.timeout = undefined;
    if (route.followed.has(redirect.id) || route.followed.size >= MAX_REDIRECT_HOPS) {
      const loop = route.followed.has(redirect.id);
      this.host.refuse(
        txn,
        482,
        'redirect-loop',
        loop
          ? `redirect ${redirect.id} was followed twice for one call: the redirects loop`
          : `the call followed ${MAX_REDIRECT_HOPS} redirects already (the limit)`,
        loop ? 'Loop Detected (redirects loop)' : `Loop Detected (more than ${MAX_REDIRECT_HOPS} redirects)`,
      );
      if (txn.call) calls.hangup(txn.call);
      return;
    }
    route.followed.add(redirect.id);
    this.deliver(txn, route, plan.redirectTarget(redirect), redirect);
  }
}
