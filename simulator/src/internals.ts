/**
 * For tests only, not part of the public API (index.ts does not export it): the parts inside a running
 * simulator, for setup that has to reach past the wire (publishing a bus event, reading the ring buffer,
 * forgetting SIP bindings, counting UCI connections). Everything else goes through the public handle.
 */
import type { EventBus } from './events/bus.js';
import type { Simulator } from './simulator.js';
import type { SipProxy } from './sip/proxy/proxy.js';
import type { SipServer } from './sip/sipServer.js';
import type { StateHolder } from './state/pbx.js';
import type { UciCore } from './uci/core/core.js';
import type { UciWebSocketServer } from './uci/ws/server.js';
import type { XmlRpcEndpoint } from './uci/xmlrpc/endpoint.js';

export interface SimulatorInternals {
  readonly bus: EventBus;
  /** The state holder, once started: setup the REST API does not offer yet (redirects, group logins). */
  readonly holder: StateHolder | undefined;
  /** The SIP side, once started. */
  readonly sip: SipServer | undefined;
  /** The call-routing proxy and its call model, once started. */
  readonly proxy: SipProxy | undefined;
  /** The transport-free UCI (subscriptions, call book, call control), once started. */
  readonly uci: UciCore | undefined;
  /** The UCI over WebSocket at /uci, once started. */
  readonly uciWs: UciWebSocketServer | undefined;
  /** The UCI over XML-RPC at /xml-rpc, once started. */
  readonly xmlRpc: XmlRpcEndpoint | undefined;
}

const INTERNALS = new WeakMap<Simulator, SimulatorInternals>();

/** createSimulator() records its parts here. */
export function registerInternals(sim: Simulator, internals: SimulatorInternals): void {
  INTERNALS.set(sim, internals);
}

/** The parts inside a simulator made by createSimulator(); for tests only. */
export function simulatorInternals(sim: Simulator): SimulatorInternals {
  const internals = INTERNALS.get(sim);
  if (!internals) throw new Error('not a simulator made by createSimulator()');
  return internals;
}
