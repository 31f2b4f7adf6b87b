/**
 * The XML-RPC session cap (per login and address, default 20) cannot keep a user's own client out: sessions filled
 * from another address do not count against this one, and at the cap from the same address a login replaces the
 * least recently used session instead of being refused.
 */
import assert from 'node:assert/strict';
import { Deserializer, serializeMethodCall } from '@foxglove/xmlrpc';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { UCI_METHODS as M } from '../../shared/schemas/uci.js';
import { UCI_XMLRPC_LOG_EVENTS, UCI_XMLRPC_MAX_SESSIONS_PER_LOGIN } from '../../shared/schemas/uciXmlRpc.js';
import { httpFrom } from '../support/fromAddress.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { until } from '../support/until.js';
import { xmlRpcClient, xmlRpcQuery } from '../support/xmlrpc-callback.js';

const ANNA = DEMO_USERS.anna;
const CAP = UCI_XMLRPC_MAX_SESSIONS_PER_LOGIN;

/** One XML-RPC call from `localAddress`; answers the result (a fault throws). */
async function callFrom(localAddress: string, endpoint: string, query: URLSearchParams, method: string) {
  const reply = await httpFrom(localAddress, `${endpoint}?${query}`, {
    method: 'POST',
    body: serializeMethodCall(method, []),
    headers: { 'Content-Type': 'text/xml' },
  });
  assert.equal(reply.status, 200);
  return new Deserializer().deserializeMethodResponse(String(reply.body));
}

describe('UCI over XML-RPC: the session cap keeps no client out', function () {
  this.timeout(60_000);
  let sim: RunningSim;
  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
  });
  afterEach(async () => {
    await sim?.stop();
  });

  it(`${CAP} sessions opened with Anna's password from another address do not keep her client out`, async () => {
    for (let i = 0; i < CAP + 5; i++)
      assert.equal(await callFrom('127.0.0.2', sim.addresses.xmlRpc, xmlRpcQuery(ANNA, 30_000 + i), M.login), true);
    const own = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ANNA, 31_000));
    assert.equal(await own.methodCall(M.login), true);
    assert.equal(await own.methodCall(M.keepAlive), true);
  });

  it(`from the same address, a login beyond ${CAP} replaces the least recently used session`, async () => {
    const filler = Array.from({ length: CAP }, (_, i) =>
      xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ANNA, 32_000 + i)),
    );
    for (const c of filler) assert.equal(await c.methodCall(M.login), true);
    const own = xmlRpcClient(sim.addresses.xmlRpc, xmlRpcQuery(ANNA, 33_000));
    assert.equal(await own.methodCall(M.login), true, 'the client gets in');
    assert.equal(await own.methodCall(M.keepAlive), true);
    assert.equal(await filler[0]!.methodCall(M.keepAlive), false, 'the least recently used session made room');
    assert.equal(await filler[1]!.methodCall(M.keepAlive), true);
    await until('a replaced event', () =>
      sim.internals.bus
        .since(0)
        .find((e) => e.service === SIM_SERVICES.log && e.event === UCI_XMLRPC_LOG_EVENTS.replaced),
    );
  });
});
