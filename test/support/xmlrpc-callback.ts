import { XmlRpcClient, XmlRpcServer, type XmlRpcMethodHandler, type XmlRpcValue } from '@foxglove/xmlrpc';
import { HttpServerNodejs } from '@foxglove/xmlrpc/nodejs';
import { uciToken } from '../../shared/hashes.js';
import { UCI_XMLRPC_PARAMS } from '../../shared/schemas/uciXmlRpc.js';
import { until } from './until.js';

export interface CallbackCall {
  method: string;
  args: XmlRpcValue[];
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
    const server = new XmlRpcServer(new HttpServerNodejs());
    const cb = new CallbackServer(server);
    cb.calls.push(...calls);
    server.xmlRpcHandlers = new AnyMethod(async (method, args) => {
      cb.calls.push({ method, args });
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
