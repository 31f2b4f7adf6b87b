import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PbxError } from '../../extension/src/pbx/restClient.js';

export interface LoopbackHttp {
  origin: string;
  /** `${origin}/rest`, where the extension's REST client expects the API. */
  base: string;
  close(): Promise<void>;
}

/** A stand-in PBX on 127.0.0.1 whose answers the test writes by hand; close() also ends kept-alive sockets. */
export async function loopbackHttp(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LoopbackHttp> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    base: `${origin}/rest`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The PbxError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function pbxRejection(p: Promise<unknown>): Promise<PbxError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof PbxError, `expected a PbxError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}
