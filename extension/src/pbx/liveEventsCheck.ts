/**
 * "Can live events reach this machine?" — the UCI over XML-RPC needs the PBX to open a connection back to our
 * callback server, which a firewall or NAT often prevents. The check goes through every step and says which
 * side failed: listen locally, log in, subscribe, then make the PBX send one event and wait for it.
 *
 * The event: the user's chat presence message is set to a probe text and back. Both are plain UCI requests
 * (setChatPresenceMessage) a real PBX answers for any user, and each change is pushed as a userState event;
 * unlike toggling do-not-disturb it cannot make a call fail meanwhile. The original message is restored even
 * when the event never comes.
 */
import type { XmlRpcValue } from '@foxglove/xmlrpc';
import { USER_STATE_SERVICE } from '../../../shared/schemas/uci.js';
import { UCI_XMLRPC_FAULTS, parseXmlRpcEventMethod } from '../../../shared/schemas/uciXmlRpc.js';
import { englishOnly, type Translate } from '../text/i18n.js';
import { callbackAddresses, UciCallbackServer } from './uciCallbackServer.js';
import { UciXmlRpcClient, UciXmlRpcError, uciXmlRpcUrl, type UciCredential } from './uciXmlRpcClient.js';

export type LiveEventsStepName = 'callback-listen' | 'login' | 'subscribe' | 'event';
/** `inconclusive`: the PBX would not make the probe event (refused its service or the request), so nothing was proven. */
export type LiveEventsFailedSide = 'pbx-unreachable' | 'auth' | 'callback-unreachable' | 'local' | 'inconclusive';

export interface LiveEventsStep {
  step: LiveEventsStepName;
  ok: boolean;
  ms: number;
  /** English, technical: what happened (an address, an error). */
  detail: string;
}

export interface LiveEventsCheckResult {
  ok: boolean;
  steps: LiveEventsStep[];
  failedSide?: LiveEventsFailedSide;
  /** What to do, in the language of `t`. */
  advice: string;
  /** Where the PBX was told to call back. */
  callback?: { host: string; port: number };
}

export interface LiveEventsCheckOptions {
  restBaseUrl: string;
  /** The UCI token, or the OAuth session's access tokens (STARFACE 10). */
  uciToken: UciCredential;
  callbackAddress?: string;
  callbackPort?: number;
  /** How long to wait for the event; default 10 s. */
  waitMs?: number;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /**
   * The running live stream's callback server (it holds the fixed port): the check listens on a one-shot path of
   * it instead of opening its own, advertised at `viaHost`.
   */
  via?: { server: UciCallbackServer; host: string };
  /** The HTTP client (tests stand in for a PBX that refuses a request). */
  fetch?: typeof fetch;
}

export const PROBE_MESSAGE = 'STARFACE DevKit: testing live events';

export async function checkLiveEvents(
  opts: LiveEventsCheckOptions,
  t: Translate = englishOnly,
): Promise<LiveEventsCheckResult> {
  const steps: LiveEventsStep[] = [];
  const endpoint = uciXmlRpcUrl(opts.restBaseUrl);
  const pbx = new URL(endpoint).host;
  const client = new UciXmlRpcClient(endpoint, opts.uciToken, { timeoutMs: opts.timeoutMs, fetch: opts.fetch });
  let server: UciCallbackServer | undefined;
  let probe: { path: string; dispose(): void } | undefined;
  let loggedIn = false;
  let arrived: (detail: string) => void = () => {};
  const event = new Promise<string>((resolve) => (arrived = resolve));

  const step = async <T>(name: LiveEventsStepName, body: () => Promise<{ value: T; detail: string }>): Promise<T> => {
    const started = Date.now();
    try {
      const { value, detail } = await body();
      steps.push({ step: name, ok: true, ms: Date.now() - started, detail });
      return value;
    } catch (err) {
      steps.push({ step: name, ok: false, ms: Date.now() - started, detail: (err as Error).message ?? String(err) });
      throw err;
    }
  };
  const fail = (failedSide: LiveEventsFailedSide, advice: string): LiveEventsCheckResult => ({
    ok: false,
    steps,
    failedSide,
    advice,
    ...(client.callback ? { callback: { host: client.callback.host, port: client.callback.port } } : {}),
  });

  try {
    // 1. Listen where the PBX will be told to call back.
    let advertised = '';
    const onCall = (method: string, params: XmlRpcValue[]) => {
      const name = parseXmlRpcEventMethod(method);
      if (name) arrived(`${method} after ${params.length} param(s)`);
      return true;
    };
    try {
      await step('callback-listen', async () => {
        if (opts.via?.server.listening) {
          const { server: live, host: viaHost } = opts.via;
          probe = live.probe(onCall);
          advertised = viaHost;
          client.callback = { host: viaHost, port: live.port, path: probe.path };
          return {
            value: undefined,
            detail: `using the live events' callback server on port ${live.port} (a one-shot path), advertised as ${viaHost}:${live.port}`,
          };
        }
        const host = new URL(endpoint).hostname;
        const { bind, advertise } = await callbackAddresses(host, opts.callbackAddress);
        advertised = advertise;
        server = new UciCallbackServer({
          host: bind,
          port: opts.callbackPort ?? 0,
          onCall,
        });
        await server.listen();
        client.callback = { host: advertise, port: server.port, path: server.path };
        return {
          value: undefined,
          detail: `listening on ${bind}:${server.port}${bind === advertise ? '' : `, advertised as ${advertise}:${server.port}`}`,
        };
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).message;
      return fail(
        'local',
        t(
          "This machine could not listen for the PBX's events on {0}:{1} ({2}). Choose another port in starface.uci.callbackPort or another address in starface.uci.callbackAddress.",
          advertised || (opts.callbackAddress ?? ''),
          opts.callbackPort ?? 0,
          code,
        ),
      );
    }
    const where = `${client.callback!.host}:${client.callback!.port}`;

    // 2. Log in.
    try {
      await step('login', async () => {
        await client.login();
        loggedIn = true;
        return { value: undefined, detail: `signed in to ${pbx} as ${client.user}` };
      });
    } catch (err) {
      if (err instanceof UciXmlRpcError && err.authRefused)
        return fail(
          'auth',
          t('The PBX refused the sign-in of {0}: check the login and password of this connection.', client.user),
        );
      return fail(
        'pbx-unreachable',
        t(
          'The PBX at {0} did not answer the UCI over XML-RPC ({1}). Check the address, that the PBX is running and that this machine can reach it over HTTP(S).',
          pbx,
          (err as Error).message,
        ),
      );
    }

    const inconclusive = (why: string) =>
      fail(
        'inconclusive',
        t(
          'Inconclusive: the PBX did not make the test event ({0}). Place a test call and watch the inspector: if call events appear, live events work.',
          why,
        ),
      );

    // 3. Subscribe to the user's state: the service of the probe event (a real PBX may not offer it).
    try {
      await step('subscribe', async () => {
        await client.subscribe(USER_STATE_SERVICE);
        return {
          value: undefined,
          detail: `subscribed to ${USER_STATE_SERVICE}; events go to http://${where}/uci-callback/…`,
        };
      });
    } catch (err) {
      const code = err instanceof UciXmlRpcError ? err.faultCode : undefined;
      if (code === UCI_XMLRPC_FAULTS.badCallback || code === UCI_XMLRPC_FAULTS.noCallback) {
        return fail(
          'local',
          t(
            'The PBX refused the callback address {0} ({1}). Set starface.uci.callbackAddress to an address of this machine that the PBX can reach.',
            where,
            (err as Error).message,
          ),
        );
      }
      if (err instanceof UciXmlRpcError && err.kind === 'fault' && !err.sessionLost)
        return inconclusive((err as Error).message);
      return fail(
        'pbx-unreachable',
        t('The PBX signed in but refused the subscription ({0}).', (err as Error).message),
      );
    }

    // 4. Make the PBX send an event, and wait for it.
    const waitMs = opts.waitMs ?? 10_000;
    let original: string | undefined;
    try {
      await step('event', async () => {
        const started = Date.now();
        const state = await client.getUserState();
        original =
          typeof state === 'object' &&
          state !== null &&
          'chatPresenceMessage' in state &&
          typeof state.chatPresenceMessage === 'string'
            ? state.chatPresenceMessage
            : '';
        await client.setChatPresenceMessage(original === PROBE_MESSAGE ? `${PROBE_MESSAGE} ` : PROBE_MESSAGE);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new CallbackTimeout(`no event reached ${where} within ${Math.round(waitMs / 1000)} s`)),
            waitMs,
          );
        });
        try {
          const detail = await Promise.race([event, timeout]);
          return { value: undefined, detail: `${detail} arrived after ${Date.now() - started} ms` };
        } finally {
          clearTimeout(timer);
        }
      });
    } catch (err) {
      if (err instanceof CallbackTimeout) {
        const refused = server?.refused ?? 0;
        const extra =
          refused > 0
            ? ' ' + t('Calls did reach this machine, but not on the callback path: a proxy in between may rewrite it.')
            : '';
        return fail(
          'callback-unreachable',
          t(
            'The PBX accepted the subscription but could not reach {0}:{1} — firewall/NAT: open TCP {1} inbound on this machine or set starface.uci.callbackAddress to an address the PBX can reach.',
            client.callback!.host,
            client.callback!.port,
          ) + extra,
        );
      }
      // The probe request faulted: the PBX would not make the event, which says nothing about the callback.
      if (err instanceof UciXmlRpcError && err.kind === 'fault')
        return inconclusive(
          t(
            'The PBX did not send a test event: it refused to change the chat presence message ({0}).',
            (err as Error).message,
          ),
        );
      return fail(
        'pbx-unreachable',
        t(
          'The PBX did not send a test event: it refused to change the chat presence message ({0}).',
          (err as Error).message,
        ),
      );
    } finally {
      if (original !== undefined) await client.setChatPresenceMessage(original).catch(() => {});
    }
    return {
      ok: true,
      steps,
      advice: t('Live events work: the PBX reached this machine at {0}.', where),
      callback: { host: client.callback!.host, port: client.callback!.port },
    };
  } finally {
    if (loggedIn) await client.logout().catch(() => {});
    probe?.dispose();
    await server?.close();
  }
}

class CallbackTimeout extends Error {}
