import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  UCI_XMLRPC_MAX_RESPONSE_BYTES,
  UciXmlRpcClient,
  UciXmlRpcError,
} from '../../extension/src/pbx/uciXmlRpcClient.js';

/** A loopback server whose handler gets each request; `seen` counts what reached it. */
async function server(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: string[] = [];
  const s = createServer((req, res) => {
    seen.push(req.url!);
    handler(req, res);
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      }),
  };
}

async function rejection(p: Promise<unknown>): Promise<UciXmlRpcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof UciXmlRpcError, `expected a UciXmlRpcError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('extension UCI XML-RPC client: redirects and answer size (the shared httpLimits)', () => {
  it('a 307 to another origin is not followed: the token in the query never reaches it', async () => {
    const other = await server((_, res) => res.end());
    const pbx = await server((req, res) => {
      res.writeHead(307, { Location: `${other.origin}${req.url}` });
      res.end();
    });
    try {
      const client = new UciXmlRpcClient(`${pbx.origin}/xml-rpc`, 'alice:TOKEN-HASH');
      const err = await rejection(client.login());
      assert.equal(err.status, 307);
      assert.match(err.message, new RegExp(`redirects \\(HTTP 307\\) to ${other.origin}/xml-rpc;`));
      assert.doesNotMatch(err.message, /TOKEN-HASH/);
      assert.equal(other.seen.length, 0);
    } finally {
      await pbx.close();
      await other.close();
    }
  });

  it('an answer over the cap is refused as malformed', async () => {
    const pbx = await server((_, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(Buffer.alloc(UCI_XMLRPC_MAX_RESPONSE_BYTES + 1, 0x20));
    });
    try {
      const err = await rejection(new UciXmlRpcClient(`${pbx.origin}/xml-rpc`, 'alice:h').keepAlive());
      assert.equal(err.kind, 'malformed');
      assert.match(err.message, new RegExp(`the answer is over ${UCI_XMLRPC_MAX_RESPONSE_BYTES} bytes`));
    } finally {
      await pbx.close();
    }
  });
});
