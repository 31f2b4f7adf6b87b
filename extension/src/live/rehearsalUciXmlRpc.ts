import { CALL_EVENT_SERVICE } from '../../../shared/schemas/calls.js';
import type { SimEvent } from '../../../shared/schemas/events.js';
import { UCI_METHODS, UCI_POSITIONAL, USER_STATE_SERVICE, type UciMethodKey } from '../../../shared/schemas/uci.js';
import type { XmlRpcValue } from '@foxglove/xmlrpc';
import { loadXmlRpc } from './follow.js';
import type { LiveSource } from './liveSource.js';

/** The shape model/teamsRehearsal.ts takes as the user's UCI session (structural: live/ does not import model/). */
export interface XmlRpcRehearsalSession {
  call(method: UciMethodKey, params: Record<string, unknown>): Promise<unknown>;
  onEvent: (event: SimEvent) => void;
  onClose: (reason: string) => void;
  close(): void;
}

export interface XmlRpcRehearsalTarget {
  restBaseUrl: string;
  /** The user's UCI token (never logged). */
  uciToken: string;
  login: string;
  callbackAddress: string;
  callbackPort: number;
  /** The connection's transport (its certificate trust). */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * A signed-in user's UCI session the way a real STARFACE offers it (XML-RPC at /xml-rpc, events pushed to our
 * callback server): requests with positional params, events from the UCI over XML-RPC source. The session is the
 * user's own, so the call and presence events it gets, which carry no login on a real PBX, are the user's.
 */
export async function openXmlRpcRehearsalSession(target: XmlRpcRehearsalTarget): Promise<XmlRpcRehearsalSession> {
  const { UciXmlRpcSource } = await loadXmlRpc();
  let source: InstanceType<typeof UciXmlRpcSource> | undefined;
  let live = false;
  const session: XmlRpcRehearsalSession = {
    onEvent: () => {},
    onClose: () => {},
    call: (method, params) => {
      // The source subscribed when it started.
      if (method === 'subscribeEvents') return Promise.resolve(true);
      // A real PBX takes getCallList's nine bounds positionally; left out, it answers its defaults.
      const names = method === 'getCallList' ? [] : UCI_POSITIONAL[method];
      const args = names.map((n) => (params[n] ?? '') as XmlRpcValue);
      while (args.length && args.at(-1) === '' && method !== 'placeCallWithPhone') args.pop();
      return source!.client.call(UCI_METHODS[method], args);
    },
    close: () => void source?.stop(),
  };
  const mine = (e: SimEvent): SimEvent =>
    e.data.login === undefined && (e.service === CALL_EVENT_SERVICE || e.service === USER_STATE_SERVICE)
      ? { ...e, data: { ...e.data, login: target.login } }
      : e;
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      if (live) session.onClose(reason);
      else {
        void (source as LiveSource | undefined)?.stop();
        reject(new Error(reason));
      }
    };
    source = new UciXmlRpcSource(
      {
        restBaseUrl: target.restBaseUrl,
        uciToken: target.uciToken,
        callbackAddress: target.callbackAddress,
        callbackPort: target.callbackPort,
        services: [CALL_EVENT_SERVICE, USER_STATE_SERVICE],
        optionalServices: [USER_STATE_SERVICE],
        replay: false,
        ...(target.fetch ? { fetch: target.fetch } : {}),
        ...(target.timeoutMs ? { timeoutMs: target.timeoutMs } : {}),
      },
      {
        onEvents: (events) => {
          for (const e of events) session.onEvent(mine(e));
        },
        onSignedOut: fail,
        onUnavailable: fail,
        onError: (err) => {
          // Before the first subscription a failure ends the attempt; later the source retries by itself.
          if (!live) fail(err.message);
        },
        onState: (state) => {
          if (state.state !== 'live' || live) return;
          live = true;
          resolve(session);
        },
      },
    );
    source.start();
  });
}
