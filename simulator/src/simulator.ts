import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { sha512hex } from '../../shared/hashes.js';
import { isVersion } from '../../shared/version.js';
import { EventBus } from './events/bus.js';
import { jsonLogger, type Logger } from './log.js';
import { createRestApp } from './rest/app.js';
import type { RestContext } from './rest/context.js';
import { DEFAULT_RATE_LIMIT, FailedLoginLimiter, type RateLimitOptions } from './auth/rateLimit.js';
import { SessionRevocation } from './auth/sessionRevocation.js';
import { OAuthRealm } from './auth/oauth.js';
import { ensureOAuthClient } from './state/oauthClient.js';
import { Sessions } from './auth/sessions.js';
import { BrowserGuard, parseOrigins } from './auth/browserGuard.js';
import { ADMIN_LOGIN, buildScenarioState, loadScenario } from './scenarios/apply.js';
import type { Scenario } from '../../shared/schemas/scenario.js';
import type { SimEvent } from '../../shared/schemas/events.js';
import { registerInternals } from './internals.js';
import { logStartup } from './state/modules.js';
import type { PbxState } from './state/model.js';
import { StateHolder } from './state/pbx.js';
import { JsonFileStore, MemoryStore, type Store } from './state/store.js';
import { SipServer } from './sip/sipServer.js';
import { parseDigestList, type DigestAlgorithm } from '../../shared/schemas/sipDigest.js';
import { SipProxy } from './sip/proxy/proxy.js';
import { UciCore } from './uci/core/core.js';
import { UciWebSocketServer } from './uci/ws/server.js';
import { sipCallControl } from './uci/sipCallControl.js';
import { Replayer } from './events/replay.js';
import { XmlRpcEndpoint } from './uci/xmlrpc/endpoint.js';
import { UCI_XMLRPC_PATH, type UciXmlRpcDeliveryOptions } from '../../shared/schemas/uciXmlRpc.js';
import { UCI_DEFAULT_KEEPALIVE_MS, UCI_PATH } from '../../shared/schemas/uci.js';
import { OAUTH_CLIENT_ID } from '../../shared/schemas/oauth.js';
import { TEAMS_MODULE_NAME } from '../../shared/catalogue.js';
import type { TlsMaterial } from './tls/index.js';
import { StoryPlayer } from './story/player.js';

declare const __DEVKIT_VERSION__: string | undefined;
export const SIMULATOR_VERSION = typeof __DEVKIT_VERSION__ === 'string' ? __DEVKIT_VERSION__ : '0.0.0-dev';

export interface SimulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  httpPort?: number;
  /** SIP over UDP and TCP; 0 picks a free port (the same number for both). Default 5060. */
  sipPort?: number;
  /**
   * HTTPS and WSS on the HTTP port, SIP over TLS on `sipTlsPort`, with a local CA and a server certificate kept in
   * `<dataDir>/tls/` (with `memory`: a private temp folder removed at stop). See tls/folder.ts for what is reused.
   */
  tls?: boolean;
  /** SIP over TLS (with `tls`); 0 picks a free port. Default 5061. */
  sipTlsPort?: number;
  /**
   * With `tls`: a folder holding the CA (ca.pem, ca-key.pem) to sign the server certificate with instead of the
   * simulator's own (made there when missing). For test suites and teams that trust one CA for many simulators.
   */
  tlsCaDir?: string;
  /** Folder of the JSON store; ignored with `memory`. */
  dataDir?: string;
  memory?: boolean;
  /** Built-in name or JSON file; applied to an empty store, or to any store with `reset`. Default: demo. */
  scenario?: string;
  reset?: boolean;
  /** Else the store's, else generated (see `generatedAdminPassword`). */
  adminPassword?: string;
  /** The PBX version to report, overriding the scenario's. */
  version?: string;
  minVersion?: string;
  logger?: Logger;
  /** Failed sign-ins (REST, Teams, UCI, SIP digest): see RateLimitOptions; defaults DEFAULT_RATE_LIMIT. */
  rateLimit?: Partial<RateLimitOptions>;
  /** Milliseconds since the epoch; tests pass a fake one to age nonces, tokens and lockouts. */
  clock?: () => number;
  /** How long a call may ring before the caller gets 408 (default 60 000 ms). */
  ringTimeoutMs?: number;
  /** UCI: a session without any request (keepAlive or other) for this long is closed (default 60 000 ms). */
  uciKeepAliveMs?: number;
  /** UCI: bytes a connection may have queued for sending before it is closed with 1013 (default 4 MiB). */
  uciSendQueueBytes?: number;
  /** UCI over XML-RPC (POST /xml-rpc): callback delivery bounds (defaults UCI_XMLRPC_DELIVERY). */
  uciXmlRpcDelivery?: Partial<UciXmlRpcDeliveryOptions>;
  /**
   * UCI over XML-RPC: sessions one login may hold from one address (default UCI_XMLRPC_MAX_SESSIONS_PER_LOGIN = 20);
   * one more replaces the least recently used of them.
   */
  uciXmlRpcMaxSessionsPerLogin?: number;
  /**
   * UCI over XML-RPC: whatever the bind, the simulator calls back only the requester's own address, or a loopback
   * address / `localhost` when the requester is on loopback itself. UNSAFE opt-in: true allows any callback host,
   * so any signed-in user can make the simulator POST to any host and port (server-side request forgery);
   * for tests only.
   */
  uciXmlRpcAnyCallbackHost?: boolean;
  /**
   * HTTP: how long one request (headers and body) may take before the socket is closed with 408 (default
   * 30 000 ms). A slow or never-finished body must not hold a socket and its buffer for ever.
   */
  httpRequestTimeoutMs?: number;
  /**
   * SIP digest algorithms the registrar and proxy offer, in order of preference, one challenge each (any case:
   * `['sha-512-256', 'sha-256', 'md5']`). Overrides the scenario's `sip.digest`; default MD5 only, as a real
   * STARFACE. An unknown or repeated name throws.
   */
  sipDigest?: readonly string[];
  /** SIP: how long refusals from one source are counted before one `request-refused` event reports them (default 10 000 ms). */
  sipRefusalWindowMs?: number;
  /**
   * SIP: most TCP and WebSocket connections open at once on which no request has passed digest auth yet; more are
   * closed at once (default 100, Asterisk's `tcpauthlimit`).
   */
  sipUnauthLimit?: number;
  /** SIP: such a connection is closed when nothing on it authenticated within this time (default 30 000 ms, `tcpauthtimeout`). */
  sipUnauthTimeoutMs?: number;
  /**
   * Origins (`scheme://host[:port]`) of web pages that may use the simulator from a browser: their WebSocket
   * upgrades (/sip, /uci) and HTTP requests pass, and they get CORS answers for exactly that origin. Default none:
   * a request with any other Origin header (the simulator's own aside) is refused with 403; requests without one
   * (node, curl, softphones) are not from a page and pass. A malformed origin throws. See auth/browserGuard.ts.
   */
  allowOrigins?: readonly string[];
}

export interface SimulatorAddresses {
  rest: string;
  /** SIP over WebSocket (RFC 7118), subprotocol "sip". */
  sipWs: string;
  /** host:port of SIP over UDP and over TCP. */
  sipUdp: string;
  sipTcp: string;
  /** The UCI connector: JSON-RPC 2.0 over WebSocket. */
  uci: string;
  /** The UCI over XML-RPC, as on a real PBX (POST). */
  xmlRpc: string;
  host: string;
  httpPort: number;
  sipPort: number;
  /** With `tls` only: host:port of SIP over TLS. */
  sipTls?: string;
  sipTlsPort?: number;
  /** With `tls` only: absolute path of the CA certificate (PEM) to trust. */
  ca?: string;
  /** With `tls` only: SHA-256 of the server certificate (DER), upper-case hex pairs joined by `:`. */
  fingerprint?: string;
}

/**
 * The public handle. Tests that need the parts inside (the bus, the SIP server, the UCI core) get them from
 * `simulatorInternals()` in internals.ts, which is not part of this API.
 */
export interface Simulator {
  /** Listens on every port; answers the addresses. */
  start(): Promise<SimulatorAddresses>;
  /** Closes every socket and flushes the store. */
  stop(): Promise<void>;
  /**
   * Applies the scenario again (a built-in name or a .json file; default: the current one), as
   * `POST /rest/sim/scenario` does: the admin keeps the password, every other session ends.
   */
  reset(scenario?: string): Promise<void>;
  /** The addresses, once started. */
  readonly addresses: SimulatorAddresses | undefined;
  /** Every event the simulator publishes (REST, UCI, SIP), in seq order; answers the unsubscribe. */
  subscribe(listener: (event: SimEvent) => void): () => void;
  /** The admin password when the simulator made one up; undefined otherwise. */
  readonly generatedAdminPassword: string | undefined;
  readonly adminLogin: string;
  readonly scenario: string;
  /** Set when an existing store was used and the requested scenario was therefore not applied. */
  readonly scenarioSkipped: boolean;
  readonly storeDescription: string;
  /**
   * The OAuth client of a STARFACE 10 (its id and secret, for the trainer: the CLI banner shows them); undefined
   * before start() and while the PBX reports a version below 10.
   */
  readonly oauthClient: { clientId: string; clientSecret: string } | undefined;
}

const ALL_INTERFACES = new Set(['0.0.0.0', '::', '']);
const urlHostOf = (host: string): string => (host.includes(':') ? `[${host}]` : host);

export function createSimulator(opts: SimulatorOptions = {}): Simulator {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.logger ?? jsonLogger('info');
  const bus = new EventBus();
  const store: Store = opts.memory ? new MemoryStore() : new JsonFileStore(opts.dataDir ?? '.starface-sim');
  let server: Server | HttpsServer | undefined;
  /** With `tls` and `memory`: the temp folder of the certificates, removed at stop. */
  let tlsTempDir: string | undefined;
  let sip: SipServer | undefined;
  let proxy: SipProxy | undefined;
  let holder: StateHolder | undefined;
  let uci: UciCore | undefined;
  let uciWs: UciWebSocketServer | undefined;
  let xmlRpc: XmlRpcEndpoint | undefined;
  let addresses: SimulatorAddresses | undefined;
  let applyScenario: ((scenario: Scenario) => Promise<void>) | undefined;
  /** What reset() applies again: the scenario built at start or applied since; undefined for a loaded store. */
  let currentScenario: Scenario | undefined;
  let replayer: Replayer | undefined;
  let revocation: SessionRevocation | undefined;
  let oauth: OAuthRealm | undefined;
  let story: StoryPlayer | undefined;
  const sockets = new Set<Socket>();
  let generatedAdminPassword: string | undefined;
  let scenarioName = '';
  let scenarioSkipped = false;

  if (opts.version !== undefined && !isVersion(opts.version))
    throw new Error(`--version-string "${opts.version}" is not a four-part version such as 6.7.3.11`);
  if (opts.minVersion !== undefined && !isVersion(opts.minVersion))
    throw new Error(`minVersion "${opts.minVersion}" is not a four-part version`);
  let sipDigest: DigestAlgorithm[] | undefined;
  if (opts.sipDigest !== undefined) {
    const parsed = parseDigestList(opts.sipDigest);
    if (!parsed.ok) throw new Error(`sipDigest: ${parsed.error}`);
    sipDigest = parsed.algorithms;
  }
  const allowOrigins = parseOrigins(opts.allowOrigins ?? []);
  if (!allowOrigins.ok) throw new Error(`allowOrigins: ${allowOrigins.error}`);

  async function loadState(): Promise<PbxState> {
    if (opts.reset && store instanceof JsonFileStore) store.reset();
    const existing = store.load();
    const given = opts.adminPassword;
    if (existing) {
      scenarioSkipped = opts.scenario !== undefined;
      const admin = existing.users.find((u) => u.login === ADMIN_LOGIN);
      if (admin && given !== undefined) admin.passwordHash = sha512hex(given);
      if (opts.version) existing.server.version = opts.version;
      if (opts.minVersion) existing.server.minVersion = opts.minVersion;
      return existing;
    }
    const password = given ?? (generatedAdminPassword = randomBytes(12).toString('base64url'));
    const scenario = loadScenario(opts.scenario ?? 'demo');
    currentScenario = scenario;
    return buildScenarioState(
      scenario,
      { adminPasswordHash: sha512hex(password), version: opts.version, minVersion: opts.minVersion },
      (e) => bus.publish(e),
    );
  }

  // startUnguarded is internal: start() wraps it to release the store's lock when it fails.
  const handle: Simulator & { startUnguarded(): Promise<SimulatorAddresses> } = {
    get generatedAdminPassword() {
      return generatedAdminPassword;
    },
    adminLogin: ADMIN_LOGIN,
    get scenario() {
      return scenarioName;
    },
    get scenarioSkipped() {
      return scenarioSkipped;
    },
    get storeDescription() {
      return store.description;
    },
    get addresses() {
      return addresses;
    },
    get oauthClient() {
      const secret = oauth?.available() ? oauth.clientSecret() : undefined;
      return secret === undefined ? undefined : { clientId: OAUTH_CLIENT_ID, clientSecret: secret };
    },
    subscribe: (listener) => bus.subscribe(listener),

    async reset(name?: string) {
      if (!applyScenario) throw new Error('the simulator is not running: start() it first');
      let scenario = name === undefined ? currentScenario : loadScenario(name);
      if (!scenario) {
        try {
          scenario = loadScenario(scenarioName);
        } catch {
          throw new Error(
            `the current scenario "${scenarioName}" came with the store and is not built in: name the scenario to reset to`,
          );
        }
      }
      await applyScenario(scenario);
    },

    async start() {
      try {
        return await handle.startUnguarded();
      } catch (err) {
        // A start that fails after the store took the folder's lock (port taken, corrupt file) must not keep
        // the lock: the next start would otherwise find it held by a live process (this one).
        store.close();
        removeTlsTempDir();
        throw err;
      }
    },
    async startUnguarded() {
      const initial = await loadState();
      scenarioName = initial.scenario;
      holder = new StateHolder(store, bus, initial);
      await holder.commit((draft, emit) => {
        logStartup(draft, emit);
        ensureOAuthClient(draft);
      });
      const h = holder;
      const clock = opts.clock ?? Date.now;
      const tls = opts.tls ? await loadTls(h.state) : undefined;
      // One limiter for every sign-in: REST, Teams, UCI (WebSocket and XML-RPC) and SIP digest.
      const limiter = new FailedLoginLimiter({ ...DEFAULT_RATE_LIMIT, ...opts.rateLimit }, clock);
      sip = new SipServer({
        host,
        port: opts.sipPort ?? 5060,
        state: () => h.state,
        revision: () => h.revision,
        bus,
        log,
        now: opts.clock,
        digest: sipDigest,
        refusalWindowMs: opts.sipRefusalWindowMs,
        unauthLimit: opts.sipUnauthLimit,
        unauthTimeoutMs: opts.sipUnauthTimeoutMs,
        limiter,
        tls: tls && { port: opts.sipTlsPort ?? 5061, context: { key: tls.key, cert: tls.cert } },
      });
      const sipServer = sip;
      const router = new SipProxy({
        host: {
          auth: sipServer.auth,
          refusals: sipServer.refusals,
          registrar: sipServer.registrar,
          directory: sipServer.directory,
          authGate: sipServer.authGate,
          domains: () => sipServer.domains(),
          send: (message, flow) => sipServer.send(message, flow),
          options: (req) => sipServer.options(req),
          onFlowClosed: (listener) => sipServer.ws.onFlowClosed(listener),
        },
        state: () => h.state,
        revision: () => h.revision,
        commit: (mutator) => h.commit(mutator),
        bus,
        log,
        ringTimeoutMs: opts.ringTimeoutMs,
        now: opts.clock,
      });
      proxy = router;
      sipServer.setRouter(router);
      const sessions = new Sessions(clock);
      const realm = (oauth = new OAuthRealm({ state: () => h.state, limiter, now: clock }));
      const uciCore = new UciCore({
        holder: h,
        bus,
        sessions,
        oauth: realm,
        limiter,
        callControl: sipCallControl(() => proxy),
      });
      uci = uciCore;
      const uciServer = new UciWebSocketServer({
        core: uciCore,
        log,
        keepAliveMs: opts.uciKeepAliveMs,
        sendQueueBytes: opts.uciSendQueueBytes,
      });
      uciWs = uciServer;
      const xmlRpcEndpoint = new XmlRpcEndpoint({
        core: uciCore,
        log,
        keepAliveMs: opts.uciKeepAliveMs ?? UCI_DEFAULT_KEEPALIVE_MS,
        delivery: opts.uciXmlRpcDelivery,
        maxSessionsPerLogin: opts.uciXmlRpcMaxSessionsPerLogin,
        anyCallbackHost: opts.uciXmlRpcAnyCallbackHost === true,
      });
      xmlRpc = xmlRpcEndpoint;
      revocation = new SessionRevocation({
        bus,
        sessions,
        oauth: realm,
        log,
        uci: [uciServer, xmlRpcEndpoint.sessions],
        adminId: () => h.state.users.find((u) => u.login === ADMIN_LOGIN)?.id,
      });
      replayer = new Replayer(bus);
      const ctx: RestContext = {
        holder: h,
        bus,
        sessions,
        oauth: realm,
        limiter,
        log,
        registrations: () => sipServer.registrar.list(),
        sipDomains: () => sipServer.domains(),
        sipRealm: () => sipServer.realm(),
        calls: () => router.list(),
        replayer,
        revocation,
        applyScenario: (applyScenario = async (scenario: Scenario) => {
          await h.commit((draft, emit) => {
            const admin = draft.users.find((u) => u.login === ADMIN_LOGIN)!;
            const next = buildScenarioState(
              scenario,
              { adminPasswordHash: admin.passwordHash, version: opts.version, minVersion: opts.minVersion },
              emit,
            );
            Object.assign(draft, next);
            // Optional parts the new scenario leaves out must not survive from the old one.
            if (!next.sip) delete draft.sip;
          });
          // Ids were handed out anew: SessionRevocation ended every session but the admin's (who keeps id 1).
          scenarioName = scenario.name;
          currentScenario = scenario;
          log('info', 'scenario applied', { scenario: scenario.name });
        }),
      };
      story = ctx.story = new StoryPlayer({
        state: () => h.state,
        bus,
        log,
        targets: () => {
          if (!addresses) return undefined;
          // The story's clients reach the listeners on loopback when they are bound to every interface.
          const local = ALL_INTERFACES.has(host) ? '127.0.0.1' : host;
          return {
            rest: addresses.rest.replace(`//${urlHostOf(host)}:`, `//${urlHostOf(local)}:`),
            uci: addresses.uci.replace(`//${urlHostOf(host)}:`, `//${urlHostOf(local)}:`),
            sipHost: local,
            sipUdpPort: addresses.sipPort,
            ...(tls && { ca: tls.ca }),
          };
        },
        issueAdminToken: () => sessions.issueToken(h.state.users.find((u) => u.login === ADMIN_LOGIN)!.id),
        revokeToken: (token) => sessions.revoke(token),
      });
      const restHttp = createRestApp(ctx, SIMULATOR_VERSION);
      // Upgraded sockets (/uci, /sip WebSockets) are no longer requests: the request timeouts do not cut them.
      // Node checks them every connectionsCheckingInterval, so that follows the timeout.
      const requestTimeout = opts.httpRequestTimeoutMs ?? 30_000;
      // Before any routing, parsing or authentication: a foreign web page must not make a request act.
      const guard = new BrowserGuard({ bind: host, allowOrigins: allowOrigins.origins, log });
      const httpOptions = {
        ...restHttp.serverOptions,
        requestTimeout,
        headersTimeout: Math.min(20_000, requestTimeout),
        connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(requestTimeout / 4))),
      };
      const listener = (req: Parameters<typeof restHttp.listener>[0], res: Parameters<typeof restHttp.listener>[1]) => {
        if (!guard.admit(req, res)) return;
        if (!xmlRpcEndpoint.handle(req, res)) restHttp.listener(req, res);
      };
      if (tls) {
        const https = createHttpsServer(
          { ...httpOptions, key: tls.key, cert: tls.cert, handshakeTimeout: 10_000 },
          listener,
        );
        // Plain HTTP to the HTTPS port, a broken ClientHello: that socket ends, nothing else notices.
        https.on('tlsClientError', (_err, socket) => socket.destroy());
        server = https;
      } else server = createServer(httpOptions, listener);
      server.on('upgrade', (req, socket, head) => {
        if (!guard.admitUpgrade(req, socket)) return;
        const path = (req.url ?? '').split('?')[0];
        if (path === '/sip') sipServer.handleUpgrade(req, socket, head);
        else if (path === UCI_PATH) uciServer.handleUpgrade(req, socket, head);
        else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      });
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(opts.httpPort ?? 8080, host, () => {
          server!.off('error', reject);
          guard.bound((server!.address() as AddressInfo).address);
          resolve();
        });
      });
      let sipAddr;
      try {
        sipAddr = await sipServer.start();
      } catch (err) {
        await new Promise<void>((resolve) => server!.close(() => resolve()));
        throw err;
      }
      if (ALL_INTERFACES.has(host))
        log('warn', 'bound to all interfaces: anyone on the network can reach this simulator', { host });
      const port = (server.address() as AddressInfo).port;
      const urlHost = urlHostOf(host);
      const http = tls ? 'https' : 'http';
      const ws = tls ? 'wss' : 'ws';
      addresses = {
        rest: `${http}://${urlHost}:${port}/rest`,
        sipWs: `${ws}://${urlHost}:${port}/sip`,
        sipUdp: `${urlHost}:${sipAddr.udp.port}`,
        sipTcp: `${urlHost}:${sipAddr.tcp.port}`,
        uci: `${ws}://${urlHost}:${port}${UCI_PATH}`,
        xmlRpc: `${http}://${urlHost}:${port}${UCI_XMLRPC_PATH}`,
        host,
        httpPort: port,
        sipPort: sipAddr.udp.port,
      };
      if (tls && sipAddr.tls) {
        addresses.sipTls = `${urlHost}:${sipAddr.tls.port}`;
        addresses.sipTlsPort = sipAddr.tls.port;
        addresses.ca = tls.caPath;
        addresses.fingerprint = tls.fingerprint;
      }
      log('info', 'simulator started', {
        rest: addresses.rest,
        sipWs: addresses.sipWs,
        sipUdp: addresses.sipUdp,
        sipTcp: addresses.sipTcp,
        ...(tls && { sipTls: addresses.sipTls, ca: addresses.ca, fingerprint: addresses.fingerprint }),
        uci: addresses.uci,
        xmlRpc: addresses.xmlRpc,
        store: store.description,
        scenario: scenarioName,
      });
      return addresses;
    },

    async stop() {
      await story?.close();
      story = undefined;
      applyScenario = undefined;
      addresses = undefined;
      replayer?.stop();
      revocation?.stop();
      await xmlRpc?.stop();
      uciWs?.stop();
      uci?.stop();
      if (server) {
        const s = server;
        server = undefined;
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
      }
      await sip?.stop();
      await holder?.idle();
      store.close();
      removeTlsTempDir();
    },
  };

  function removeTlsTempDir(): void {
    if (tlsTempDir) rmSync(tlsTempDir, { recursive: true, force: true });
    tlsTempDir = undefined;
  }

  /**
   * The certificates for this start: `<data>/tls/`, or a private temp folder with `memory` (mkdtemp: mode 0700).
   * Loaded on demand: a start without TLS never reads the certificate library.
   */
  async function loadTls(state: PbxState): Promise<TlsMaterial> {
    const { ensureTlsFolder, serverNames } = await import('./tls/index.js');
    const pbxName = state.configurations.find((c) => c.module === TEAMS_MODULE_NAME && c.active && c.pbxName)?.pbxName;
    const interfaces = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
    let dir: string;
    if (opts.memory) dir = tlsTempDir = mkdtempSync(join(tmpdir(), 'starface-sim-tls-'));
    else dir = join(resolvePath(opts.dataDir ?? '.starface-sim'), 'tls');
    const material = await ensureTlsFolder({
      dir,
      caDir: opts.tlsCaDir && resolvePath(opts.tlsCaDir),
      names: serverNames(host, pbxName, interfaces),
      label: pbxName ?? host,
    });
    if (material.made.ca) log('info', 'TLS: made a new local CA', { ca: material.caPath });
    if (material.made.server)
      log('info', 'TLS: made a new server certificate', {
        reason: material.made.server,
        fingerprint: material.fingerprint,
      });
    return material;
  }
  registerInternals(handle, {
    bus,
    get holder() {
      return holder;
    },
    get sip() {
      return sip;
    },
    get proxy() {
      return proxy;
    },
    get uci() {
      return uci;
    },
    get uciWs() {
      return uciWs;
    },
    get xmlRpc() {
      return xmlRpc;
    },
  });
  return handle;
}
