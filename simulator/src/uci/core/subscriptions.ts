import type { SimEvent } from '../../../../shared/schemas/events.js';
import { UCI_ERRORS } from '../../../../shared/schemas/uci.js';
import {
  busService,
  UCI_MAX_SERVICES_PER_SESSION,
  UCI_SUBSCRIBABLE_SERVICES,
  unknownUciServices,
} from '../../../../shared/schemas/uciNames.js';
import type { EventBus } from '../../events/bus.js';
import { RpcError } from './methods.js';
import type { UciSession } from './session.js';

/**
 * One transport's end of a subscription: a WebSocket connection, an XML-RPC session with its callback queue.
 * An event is delivered once however many names the client subscribed to it under; the transport sends it
 * under each of `session.routes.get(event.service)`.
 */
export interface Subscriber {
  readonly session: UciSession;
  /** Hands one event on (a frame sent, a callback queued); false once the subscriber takes no more. */
  deliver(event: SimEvent): boolean;
  /**
   * The transport's own limits, checked before anything is registered; throws to refuse. `backlog()` reads the
   * events the subscription would replay (and throws sinceSeqGone when they are no longer buffered).
   */
  admit?(backlog: () => readonly SimEvent[], sinceSeq: number | undefined): void;
}

/** What subscribeEvents answers, and the backlog to hand on right after the answer. */
export interface Subscribed {
  result: { services: string[]; replayed: number; lastSeq: number; oldestSeq: number; bootId: string };
  backlog: readonly SimEvent[];
}

/**
 * Every UCI subscription of both transports: one bus listener hands each event to the subscribers of its
 * service that may see it, once (a subscriber's `deliveredSeq` drops what its backlog already carried).
 */
export class Subscriptions {
  private readonly byService = new Map<string, Set<Subscriber>>();
  private readonly unsubscribeBus: () => void;

  constructor(private readonly bus: EventBus) {
    this.unsubscribeBus = bus.subscribe((e) => this.dispatch(e));
  }

  subscribe(sub: Subscriber, services: string[], sinceSeq: number | undefined): Subscribed {
    const { bus } = this;
    const session = sub.session;
    // One check for both transports: only known names (no per-name state for invented ones), empty entries
    // dropped, and a cap over all requests of the session.
    const named = services.filter((s) => s !== '');
    const unknown = unknownUciServices(named);
    if (unknown.length)
      throw new RpcError(
        UCI_ERRORS.invalidParams,
        `unknown service(s) ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ` (+${unknown.length - 3})` : ''}; known: ${UCI_SUBSCRIBABLE_SERVICES.join(', ')}`,
      );
    const added = [...new Set(named)].filter((s) => !session.services.has(s));
    if (session.services.size + added.length > UCI_MAX_SERVICES_PER_SESSION)
      throw new RpcError(
        UCI_ERRORS.invalidParams,
        `at most ${UCI_MAX_SERVICES_PER_SESSION} services per session (${session.services.size} subscribed)`,
      );
    const addedBus = new Set(added.map(busService));
    let backlog: SimEvent[] | undefined;
    const readBacklog = (): SimEvent[] => {
      if (backlog) return backlog;
      if (sinceSeq !== undefined && bus.isGone(sinceSeq)) {
        throw new RpcError(
          UCI_ERRORS.sinceSeqGone,
          `Events after seq ${sinceSeq} are no longer buffered; the oldest available is ${bus.oldestSeq}`,
          {
            oldestSeq: bus.oldestSeq,
            lastSeq: bus.lastSeq,
          },
        );
      }
      return (backlog =
        sinceSeq === undefined || added.length === 0
          ? []
          : bus.since(sinceSeq).filter((e) => addedBus.has(e.service) && session.sees(e)));
    };
    sub.admit?.(readBacklog, sinceSeq);
    const replay = readBacklog();
    // Registered and the backlog read in one synchronous step: publishing is synchronous too, so nothing falls in
    // between; deliveredSeq drops any live event the backlog already carried.
    for (const s of added) {
      session.services.add(s);
      const target = busService(s);
      const names = session.routes.get(target);
      if (names) names.push(s);
      else session.routes.set(target, [s]);
      let set = this.byService.get(target);
      if (!set) this.byService.set(target, (set = new Set()));
      set.add(sub);
    }
    const lastSeq = bus.lastSeq;
    session.deliveredSeq = Math.max(session.deliveredSeq, lastSeq);
    return {
      result: {
        services: [...session.services],
        replayed: replay.length,
        lastSeq,
        oldestSeq: bus.oldestSeq,
        bootId: bus.bootId,
      },
      backlog: replay,
    };
  }

  /** Answers the services still subscribed. Without `services`, all of them end. */
  unsubscribe(sub: Subscriber, services: string[] | undefined): string[] {
    const session = sub.session;
    for (const s of services ?? [...session.services]) {
      if (!session.services.delete(s)) continue;
      const target = busService(s);
      const names = session.routes.get(target)?.filter((n) => n !== s) ?? [];
      if (names.length) session.routes.set(target, names);
      else {
        session.routes.delete(target);
        this.drop(target, sub);
      }
    }
    return [...session.services];
  }

  /** No entry stays for a service nobody subscribes to any more. */
  private drop(service: string, sub: Subscriber): void {
    const set = this.byService.get(service);
    if (set?.delete(sub) && set.size === 0) this.byService.delete(service);
  }

  /** Services with at least one subscriber (for tests: nothing stays after unsubscribe or close). */
  get serviceCount(): number {
    return this.byService.size;
  }

  /** The subscriber is gone (closed, timed out, given up). */
  forget(sub: Subscriber): void {
    for (const s of sub.session.routes.keys()) this.drop(s, sub);
    sub.session.services.clear();
    sub.session.routes.clear();
  }

  stop(): void {
    this.unsubscribeBus();
    this.byService.clear();
  }

  private dispatch(event: SimEvent): void {
    const subs = this.byService.get(event.service);
    if (!subs || subs.size === 0) return;
    // A Set may lose members while it is iterated (a subscriber dropped for being too slow): no copy needed.
    for (const sub of subs) {
      const session = sub.session;
      if (event.seq <= session.deliveredSeq || !session.sees(event)) continue;
      session.deliveredSeq = event.seq;
      sub.deliver(event);
    }
  }
}

/** An event's encoding, made once and shared by every subscriber of one transport (the bus dispatches one event at a time). */
export function oncePerEvent<T>(encode: (event: SimEvent) => T): (event: SimEvent) => T {
  let last: SimEvent | undefined;
  let encoded: T;
  return (event) => {
    if (event !== last) {
      encoded = encode(event);
      last = event;
    }
    return encoded;
  };
}

/**
 * An event's encoding under a service name (the name a session subscribed it under: v22, or a v30 alias), made
 * once per name and shared by every subscriber of one transport.
 */
export function oncePerEventAndName<T>(
  encode: (event: SimEvent, name: string) => T,
): (event: SimEvent, name: string) => T {
  let last: SimEvent | undefined;
  const byName = new Map<string, T>();
  return (event, name) => {
    if (event !== last) {
      byName.clear();
      last = event;
    }
    let encoded = byName.get(name);
    if (encoded === undefined) byName.set(name, (encoded = encode(event, name)));
    return encoded;
  };
}
