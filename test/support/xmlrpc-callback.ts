import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  XmlRpcClient,
  XmlRpcServer,
  type HttpHandler,
  type HttpRequest,
  type HttpServer,
  type XmlRpcMethodHandler,
  type XmlRpcValue,
} from '@foxglove/xmlrpc';
import { uciToken } from '../../shared/hashes.js';
import { UCI_XMLRPC_PARAMS, xmlRpcEventMeta, type UciXmlRpcEventMeta } from '../../shared/schemas/uciXmlRpc.js';
import { until } from './until.js';

export interface CallbackCall {
  method: string;
  args: XmlRpcValue[];
  /** The request's headers (lower-case names): the simulator's event metadata travels here. */
  headers: IncomingHttpHeaders;
  /** Path and query of the request. */
  url: string;
}

/** The simulator's metadata of a callback (from its headers); throws when it is missing or broken. */
export function metaOf(call: CallbackCall): UciXmlRpcEventMeta {
  const meta = xmlRpcEventMeta(call.headers);
  if (!meta) throw new Error(`${call.method}: no simulator metadata in the headers ${JSON.stringify(call.headers)}`);
  return meta;
}

/** The seq header of every callback, in arrival order. */
export const seqsOf = (calls: readonly CallbackCall[]): number[] => calls.map((c) => metaOf(c).seq);

type Recorded = HttpRequest & { headers: IncomingHttpHeaders };

/**
 * node:http as @foxglove/xmlrpc's HttpServer, handing the headers on (its own HttpServerNodejs copies the request's
 * own fields only, and node keeps the headers behind a getter). close() drops kept-alive sockets too, so a closed
 * callback is down at once.
 */
class HeaderHttpServer implements HttpServer {
  handler: HttpHandler = async () => ({ statusCode: 404 });
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const input: Recorded = {
        body: Buffer.concat(chunks).toString('utf8'),
        method: req.method,
        url: req.url,
        headers: req.headers,
      };
      this.handler(input).then(
        (out) => {
          res.statusCode = out.statusCode;
          for (const [k, v] of Object.entries(out.headers ?? {})) res.setHeader(k, v);
          res.end(out.body);
        },
        () => {
          res.statusCode = 500;
          res.end();
        },
      );
    });
  });
  url(): string | undefined {
    const a = this.server.address() as AddressInfo | null;
    return a ? `http://127.0.0.1:${a.port}/` : undefined;
  }
  port(): number | undefined {
    return (this.server.address() as AddressInfo | null)?.port;
  }
  listen(port?: number, hostname?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, hostname, () => {
        this.server.removeListener('error', reject);
        resolve();
      });
    });
  }
  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }
}

/** Answers every methodName with one handler (XmlRpcServer looks handlers up by name). */
class AnyMethod extends Map<string, XmlRpcMethodHandler> {
  constructor(private readonly handler: XmlRpcMethodHandler) {
    super();
  }
  override get(): XmlRpcMethodHandler {
    return this.handler;
  }
}

/** A real XML-RPC server (@foxglove/xmlrpc over node http) on 127.0.0.1 recording every call it gets. */
export class CallbackServer {
  readonly calls: CallbackCall[] = [];
  private constructor(private readonly server: XmlRpcServer) {}

  static async start(port = 0, calls: CallbackCall[] = []): Promise<CallbackServer> {
    const server = new XmlRpcServer(new HeaderHttpServer());
    const cb = new CallbackServer(server);
    cb.calls.push(...calls);
    server.xmlRpcHandlers = new AnyMethod(async (method, args, req) => {
      const r = req as Recorded;
      cb.calls.push({ method, args, headers: r.headers, url: r.url ?? '' });
      return true;
    });
    await server.listen(port, '127.0.0.1');
    return cb;
  }

  get port(): number {
    return this.server.port()!;
  }

  close(): void {
    this.server.close();
  }

  async waitFor(what: string, pred: (calls: CallbackCall[]) => boolean, ms = 10_000): Promise<void> {
    await until(what, () => pred(this.calls), ms, 10);
  }
}

/** The query of a UCI XML-RPC request: UCI token of the user, and the callback when given. */
export function xmlRpcQuery(
  user: { login: string; password: string },
  callbackPort?: number,
  extra: Record<string, string> = {},
): URLSearchParams {
  const P = UCI_XMLRPC_PARAMS;
  const q = new URLSearchParams({ [P.auth]: uciToken(user.login, user.password) });
  if (callbackPort !== undefined) {
    q.set(P.callbackHost, '127.0.0.1');
    q.set(P.callbackPort, String(callbackPort));
    q.set(P.callbackPath, '/');
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}

export function xmlRpcClient(endpoint: string, query: URLSearchParams): XmlRpcClient {
  return new XmlRpcClient(`${endpoint}?${query}`);
}

/** The fault of a call that must fail. */
export async function faultOf(p: Promise<unknown>): Promise<{ faultCode: number; faultString: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { faultCode?: number; faultString?: string; message: string };
    if (e.faultCode === undefined) throw err;
    return { faultCode: e.faultCode, faultString: e.faultString ?? '' };
  }
  throw new Error('expected an XML-RPC fault, got a result');
}
