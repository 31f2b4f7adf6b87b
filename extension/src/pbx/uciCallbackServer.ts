/**
 * The XML-RPC server a real STARFACE pushes UCI events to (the `de.vertico.starface.callback.*` parameters name
 * it). The codec is @foxglove/xmlrpc's XmlRpcServer; the HTTP side is ours so that a request to any other path
 * is refused before its body is read or parsed, bodies are bounded, and close() ends kept-alive sockets too.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import {
  XmlRpcFault,
  XmlRpcServer,
  type HttpHandler,
  type HttpRequest,
  type HttpServer,
  type XmlRpcMethodHandler,
  type XmlRpcValue,
} from '@foxglove/xmlrpc';

/** A larger callback body is refused (413): a UCI event is a few hundred bytes. */
export const CALLBACK_MAX_BODY_BYTES = 1024 * 1024;
export const CALLBACK_PATH_PREFIX = '/uci-callback/';

/** What a pushed call carried besides its body: the simulator sends its event metadata in headers. */
export interface CallbackRequest {
  /** Lower-case names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  /** Path and query (a real PBX adds `de.vertico.starface.user`, and may echo our auth). */
  url: string;
}

/** One pushed call, as the server received it on its secret path. */
export type CallbackHandler = (
  method: string,
  params: XmlRpcValue[],
  request: CallbackRequest,
) => XmlRpcValue | Promise<XmlRpcValue>;

/** The HttpRequest handed to XmlRpcServer, which passes it on to the method handler unchanged. */
type RoutedRequest = HttpRequest & CallbackRequest;

/** One path of a PathHttpServer, as @foxglove/xmlrpc's HttpServer (XmlRpcServer sets its handler). */
class Route implements HttpServer {
  handler: HttpHandler = async () => ({ statusCode: 404 });
  constructor(private readonly owner: PathHttpServer) {}
  url(): string | undefined {
    return this.owner.url();
  }
  port(): number | undefined {
    return this.owner.port();
  }
  listen(port?: number, hostname?: string, backlog?: number): Promise<void> {
    return this.owner.listen(port, hostname, backlog);
  }
  close(): void {
    this.owner.close();
  }
}

/** node:http accepting only POSTs to its secret paths (the stream's, and one-shot probe paths). */
class PathHttpServer {
  private readonly server: http.Server;
  private readonly routes = new Map<string, Route>();
  private readonly sockets = new Set<Socket>();
  /** Calls answered 404/405/413 (another path, another method, too big): what the connection test reports. */
  refused = 0;

  constructor(
    private readonly path: string,
    private readonly maxBodyBytes: number,
  ) {
    this.route(path);
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // A PBX that keeps its connection open must not keep the extension host alive.
    this.server.keepAliveTimeout = 5_000;
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
  }

  /** Accepts POSTs on `path` too; the answer is an HttpServer for an XmlRpcServer. */
  route(path: string): Route {
    let r = this.routes.get(path);
    if (!r) this.routes.set(path, (r = new Route(this)));
    return r;
  }

  unroute(path: string): void {
    if (path !== this.path) this.routes.delete(path);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const refuse = (status: number) => {
      this.refused++;
      res.shouldKeepAlive = false;
      res.writeHead(status, { 'Content-Type': 'text/plain', Connection: 'close' }).end();
      req.resume();
    };
    const route = this.routes.get(path);
    if (!route) return refuse(404);
    if (req.method !== 'POST') return refuse(405);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.maxBodyBytes) return refuse(413);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      if (tooBig) return;
      size += chunk.length;
      if (size > this.maxBodyBytes) {
        tooBig = true;
        // The 413 must reach the sender: end the response, then drop the socket (the rest is not read).
        res.once('finish', () => req.socket.destroy());
        refuse(413);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {});
    req.on('end', () => {
      if (tooBig) return;
      const routed: RoutedRequest = {
        body: Buffer.concat(chunks).toString('utf8'),
        method: req.method,
        url: req.url ?? '',
        headers: req.headers,
      };
      route
        .handler(routed)
        .then((out) => {
          res.statusCode = out.statusCode;
          for (const [k, v] of Object.entries(out.headers ?? {})) res.setHeader(k, v);
          res.end(out.body);
        })
        .catch(() => {
          res.statusCode = 500;
          res.end();
        });
    });
  }

  url(): string | undefined {
    const a = this.server.address() as AddressInfo | null;
    return a ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}${this.path}` : undefined;
  }

  port(): number | undefined {
    return (this.server.address() as AddressInfo | null)?.port;
  }

  listen(port?: number, hostname?: string, backlog?: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, hostname, backlog, () => {
        this.server.removeListener('error', onError);
        resolve();
      });
    });
  }

  close(): void {
    this.server.close();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  get listening(): boolean {
    return this.server.listening;
  }

  closed(): Promise<void> {
    return new Promise((resolve) => (this.server.listening ? this.server.once('close', () => resolve()) : resolve()));
  }
}

/** The headers and URL of a routed request (every request reaching a handler went through PathHttpServer). */
function callbackRequest(req: HttpRequest | undefined): CallbackRequest {
  const routed = req as Partial<RoutedRequest> | undefined;
  return { headers: routed?.headers ?? {}, url: routed?.url ?? '' };
}

/** A handler table that answers every method name with one handler. */
class AnyMethod extends Map<string, XmlRpcMethodHandler> {
  constructor(private readonly handler: XmlRpcMethodHandler) {
    super();
  }
  override get(): XmlRpcMethodHandler {
    return this.handler;
  }
}

export interface CallbackServerOptions {
  /** The local address to bind to. */
  host: string;
  /** 0: a free port. */
  port: number;
  onCall: CallbackHandler;
  maxBodyBytes?: number;
}

/**
 * The callback endpoint: listens on `host:port` at a random, unguessable path (`/uci-callback/<24 random
 * bytes>`), so that nothing else on the network can inject events; every other path answers 404.
 */
export class UciCallbackServer {
  /** The secret path the PBX is told to call. */
  readonly path = CALLBACK_PATH_PREFIX + randomBytes(24).toString('base64url');
  private http: PathHttpServer | undefined;
  private listening_: Promise<void> | undefined;
  private boundPort: number;
  /** Calls received on the right path (valid or not). */
  received = 0;

  constructor(private readonly opts: CallbackServerOptions) {
    this.boundPort = opts.port;
  }

  get listening(): boolean {
    return this.http?.listening ?? false;
  }

  get host(): string {
    return this.opts.host;
  }

  /** The bound port (the configured one, or the free one picked at the first listen). */
  get port(): number {
    return this.boundPort;
  }

  /** Calls refused for a wrong path, method or size. */
  get refused(): number {
    return this.http?.refused ?? 0;
  }

  /** Listens (again, on the same port and path after close()). */
  listen(): Promise<void> {
    if (this.http?.listening) return Promise.resolve();
    this.listening_ ??= this.open().finally(() => (this.listening_ = undefined));
    return this.listening_;
  }

  private async open(): Promise<void> {
    const server = new PathHttpServer(this.path, this.opts.maxBodyBytes ?? CALLBACK_MAX_BODY_BYTES);
    const rpc = new XmlRpcServer(server.route(this.path));
    // XmlRpcServer looks handlers up by exact name; every `${service}.${event}` goes to one handler instead.
    rpc.xmlRpcHandlers = new AnyMethod(this.dispatch);
    for (const [path, handler] of this.probes)
      new XmlRpcServer(server.route(path)).xmlRpcHandlers = new AnyMethod(handler);
    await server.listen(this.boundPort, this.opts.host);
    this.boundPort = server.port() ?? this.boundPort;
    this.http = server;
  }

  private readonly probes = new Map<string, XmlRpcMethodHandler>();

  /**
   * A second secret path on this server for a one-shot listener (the connection test while live events run on
   * a fixed port): its calls go to `onCall` only. dispose() removes the path.
   */
  probe(onCall: CallbackHandler): { path: string; dispose(): void } {
    const path = CALLBACK_PATH_PREFIX + randomBytes(24).toString('base64url');
    const handler: XmlRpcMethodHandler = async (method, args, req) => onCall(method, args, callbackRequest(req));
    this.probes.set(path, handler);
    if (this.http) new XmlRpcServer(this.http.route(path)).xmlRpcHandlers = new AnyMethod(handler);
    return {
      path,
      dispose: () => {
        this.probes.delete(path);
        this.http?.unroute(path);
      },
    };
  }

  private readonly dispatch = async (method: string, args: XmlRpcValue[], req?: HttpRequest): Promise<XmlRpcValue> => {
    this.received++;
    try {
      return await this.opts.onCall(method, args, callbackRequest(req));
    } catch (err) {
      throw err instanceof XmlRpcFault ? err : new XmlRpcFault((err as Error).message ?? String(err), -32602);
    }
  };

  /** Stops listening and drops open connections; resolves when the port is free (also after a listen() underway). */
  async close(): Promise<void> {
    await this.listening_?.catch(() => {});
    const server = this.http;
    this.http = undefined;
    if (!server) return;
    const closed = server.closed();
    server.close();
    await closed;
  }
}

/**
 * The local address of the interface that routes to `host`: a UDP socket's connect() picks the route without
 * sending anything. A loopback PBX gives 127.0.0.1 (or ::1).
 */
export async function localAddressToward(host: string): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  const ip = isIP(bare) ? bare : (await lookup(bare)).address;
  const family = isIP(ip) === 6 ? 'udp6' : 'udp4';
  const socket = createSocket(family);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(9, ip, () => {
        socket.removeListener('error', reject);
        resolve();
      });
    });
    return socket.address().address;
  } finally {
    socket.close();
  }
}

/** Whether `address` is one of this machine's interface addresses (so a server can bind to it). */
export function isLocalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === bare));
}

/**
 * Where the callback server binds and what the PBX is told. `configured` (starface.uci.callbackAddress) is what
 * the PBX should call: bound to when it is a local address, else (a NAT's public address) only advertised while
 * the server binds to the interface toward the PBX.
 */
export async function callbackAddresses(
  pbxHost: string,
  configured: string | undefined,
): Promise<{ bind: string; advertise: string }> {
  const wanted = configured?.trim();
  if (wanted && isLocalAddress(wanted)) return { bind: wanted.replace(/^\[|\]$/g, ''), advertise: wanted };
  const local = await localAddressToward(pbxHost);
  return { bind: local, advertise: wanted || local };
}
