import type { z } from 'zod';
import type { UCI_PARAMS, UciMethodKey } from '../../../../../shared/schemas/uci.js';
import type { EventBus } from '../../../events/bus.js';
import type { StoredUser } from '../../../state/model.js';
import type { StateHolder } from '../../../state/pbx.js';
import type { CallBook } from '../callBook.js';
import type { UciCallControl } from '../callControl.js';
import type { Subscriber, Subscriptions } from '../subscriptions.js';

/** What the methods need of a transport (a WebSocket connection, an XML-RPC session): its session, its end of the subscriptions and a way to end it. */
export interface UciPeer extends Subscriber {
  close(code: number, reason: string): void;
}

/** What the methods work on: the core (core.ts). */
export interface HandlerContext {
  readonly holder: StateHolder;
  readonly bus: EventBus;
  readonly calls: CallBook;
  readonly subscriptions: Subscriptions;
  callControl(): UciCallControl | undefined;
}

/** A result to answer, and what to send right after the answer (a subscription's backlog). */
export class AnswerThen {
  constructor(
    readonly result: unknown,
    readonly after: () => void,
  ) {}
}

export type Params<K extends UciMethodKey> = z.output<(typeof UCI_PARAMS)[K]>;
export type Handler<K extends UciMethodKey> = (
  ctx: HandlerContext,
  conn: UciPeer,
  user: StoredUser,
  params: Params<K>,
) => unknown;
/** The handlers of one service (one file each under handlers/). */
export type HandlerTable<K extends UciMethodKey> = { [P in K]: Handler<P> };
