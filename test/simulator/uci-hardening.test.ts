/**
 * Security hardening of the UCI over XML-RPC callbacks: no callback to another host whatever the bind (no
 * server-side request forgery), no socket error in the event the user reads (no port-scan oracle), and no CR/LF
 * from a callback parameter or an event name on the wire. Only loopback sees traffic; 192.0.2.1 is a parameter.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SIM_SERVICES, type SimEvent } from '../../shared/schemas/events.js';
import { UCI_ERRORS, UCI_METHODS as M } from '../../shared/schemas/uci.js';
import { UCI_MAX_SERVICES_PER_SESSION, UCI_SUBSCRIBABLE_SERVICES } from '../../shared/schemas/uciNames.js';
import {
  UCI_XMLRPC_FAULTS as F,
  UCI_XMLRPC_LOG_EVENTS,
  UCI_XMLRPC_PARAMS as P,
} from '../../shared/schemas/uciXmlRpc.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';
import { until } from '../support/sipjs.js';
import { faultOf, xmlRpcClient, xmlRpcQuery } from '../support/xmlrpc-callback.js';

const ADMIN = { login: 'admin', password: ADMIN_PASSWORD };
const FAST = { backoffInitialMs: 20, backoffMaxMs: 100, timeoutMs: 1000 };
const OK_RESPONSE =
  '<?xml version="1.0"?><methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>';

/** A raw loopback TCP listener: records every byte and every connection, answers each request with 200. */
class RawListener {
  readonly chunks: Buffer[] = [];
  connections = 0;
  private constructor(private readonly server: Server) {}
  static async start(): Promise<RawListener> {
    const ref: { self?: RawListener } = {};
    const server = createServer((sock: Socket) => {
      ref.self!.connections++;
      sock.on('data', (b: Buffer) => {
        ref.self!.chunks.push(b);
        if (b.includes('</methodCall>'))
          sock.write(
            `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(OK_RESPONSE)}\r\n\r\n${OK_RESPONSE}`,
          );
      });
      sock.on('error', () => {});
    });
    ref.self = new RawListener(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return ref.self;
  }
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe('simulator: UCI hardening (XML-RPC callbacks)', function () {
  this.timeout(30_000);
  let sim: RunningSim | undefined;
  let listeners: RawListener[] = [];
  let logged: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];

  beforeEach(() => {
    listeners = [];
    logged = [];
  });
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
    for (const l of listeners) await l.close();
  });

  async function listener(): Promise<RawListener> {
    const l = await RawListener.start();
    listeners.push(l);
    return l;
  }
  const query = (host: string, port: number, path = '/') =>
    xmlRpcQuery(ADMIN, undefined, { [P.callbackHost]: host, [P.callbackPort]: String(port), [P.callbackPath]: path });

  it('a callback to a host that is neither loopback nor the requester is refused on a loopback-bound simulator, before any connection', async () => {
    sim = await startSim({ scenario: 'demo', uciXmlRpcDelivery: FAST });
    const l = await listener();
    for (const host of ['192.0.2.1', '[2001:db8::1]', 'callback.example.invalid']) {
      const f = await faultOf(xmlRpcClient(sim.addresses.xmlRpc, query(host, l.port)).methodCall(M.login));
      assert.equal(f.faultCode, F.badCallback, host);
      assert.match(f.faultString, /must be your own address/, host);
    }
    // Loopback callbacks from a loopback requester still work (localhost by name, 127.0.0.1 literally).
    for (const host of ['localhost', '127.0.0.1'])
      assert.equal(await xmlRpcClient(sim.addresses.xmlRpc, query(host, l.port)).methodCall(M.login), true, host);
    assert.equal(l.connections, 0, 'a login alone connects nowhere');
  });

  it('a given-up callback publishes a generic reason; the socket error stays in the simulator log', async () => {
    sim = await startSim({
      scenario: 'demo',
      uciXmlRpcDelivery: { ...FAST, maxFailingMs: 200 },
      logger: (level, msg, fields) => logged.push({ level, msg, fields }),
    });
    const l = await listener();
    const port = l.port;
    const c = xmlRpcClient(sim.addresses.xmlRpc, query('127.0.0.1', port));
    await c.methodCall(M.login);
    await c.methodCall(M.subscribeEvents, ['sim.events.licences']);
    await l.close();
    listeners = listeners.filter((x) => x !== l);
    const from = sim.internals.bus.lastSeq;
    await sim.admin.post('/licenses', { type: 'Fax', count: 1 });
    let event: SimEvent | undefined;
    await until(
      'the drop log event',
      () =>
        !!(event = sim!.internals.bus
          .since(from)
          .find((e) => e.service === SIM_SERVICES.log && e.event === UCI_XMLRPC_LOG_EVENTS.dropped)),
      10_000,
    );
    const published = JSON.stringify(event!.data);
    assert.match(String(event!.data.reason), /^callback unreachable/);
    assert.ok(!/ECONNREFUSED|refused|ECONNRESET|HTTP\/|status|last error/i.test(published), published);
    const own = logged.find((x) => x.msg === UCI_XMLRPC_LOG_EVENTS.dropped);
    assert.ok(own, 'the simulator log has the drop');
    assert.match(String(own.fields?.lastError), /ECONNREFUSED/, 'the operator still sees the socket error');
  });

  it('CR, LF or a space in the callback path or host never reach the wire: refused at login', async () => {
    sim = await startSim({ scenario: 'demo', uciXmlRpcDelivery: FAST });
    const l = await listener();
    const bad: [string, string][] = [
      ['127.0.0.1', '/a\r\nX-Injected: 1'],
      ['127.0.0.1', '/a b'],
      ['127.0.0.1', '/a\nX-Injected: 1'],
      ['127.0.0.1\r\nX-Injected: 1', '/'],
      ['localhost X', '/'],
    ];
    for (const [host, path] of bad) {
      const f = await faultOf(xmlRpcClient(sim.addresses.xmlRpc, query(host, l.port, path)).methodCall(M.login));
      assert.equal(f.faultCode, F.badCallback, JSON.stringify([host, path]));
    }
    assert.equal(l.connections, 0);
  });

  it('CR/LF in a replayed event name never reach a header line', async () => {
    sim = await startSim({ scenario: 'demo', uciXmlRpcDelivery: FAST });
    const l = await listener();
    const c = xmlRpcClient(sim.addresses.xmlRpc, query('127.0.0.1', l.port, '/cb'));
    await c.methodCall(M.login);
    await c.methodCall(M.subscribeEvents, ['sim.events.licences']);
    // What a replayed recording may hold: the event name is the recording's text.
    sim.internals.bus.publish({ service: 'sim.events.licences', event: 'changed\r\nX-Injected: 1\r\n\r\n', data: {} });
    await until('the callback request', () => l.text.includes('</methodCall>'), 10_000);
    const head = l.text.slice(0, l.text.indexOf('\r\n\r\n'));
    assert.ok(head.startsWith('POST /cb?'), head);
    for (const line of head.split('\r\n')) {
      assert.ok(!/^X-Injected/i.test(line), `an injected header line: ${JSON.stringify(head)}`);
      assert.ok(!/[\r\n]/.test(line), `a bare CR or LF in ${JSON.stringify(line)}`);
    }
  });

  it('subscribeEvents takes only known services (-32602 naming them); an empty entry is refused; every known name fits the cap', async () => {
    sim = await startSim({ scenario: 'demo', uciXmlRpcDelivery: FAST });
    const l = await listener();
    const c = xmlRpcClient(sim.addresses.xmlRpc, query('127.0.0.1', l.port));
    await c.methodCall(M.login);
    const f = await faultOf(c.methodCall(M.subscribeEvents, ['sim.events.licences', 'sim.events.invented-1']));
    assert.equal(f.faultCode, UCI_ERRORS.invalidParams);
    assert.match(f.faultString, /unknown service\(s\) sim\.events\.invented-1; known: /);
    assert.ok(f.faultString.includes('ucp.v22.events.call'), f.faultString);
    assert.ok(f.faultString.includes('ucp.v30.events.call'), 'the aliases are named as well');
    // An empty entry never reaches the core: the contract's schema refuses it with a clear fault.
    const empty = await faultOf(c.methodCall(M.subscribeEvents, ['', 'sim.events.licences']));
    assert.match(empty.faultString, /not a service name/);
    // Every known name at once is within the per-session cap.
    assert.ok(UCI_SUBSCRIBABLE_SERVICES.length <= UCI_MAX_SERVICES_PER_SESSION);
    const all = UCI_SUBSCRIBABLE_SERVICES.filter((x) => !x.includes('.client.')); // v20 client services are declared, not subscribed
    await c.methodCall(M.subscribeEvents, all); // a fault would throw
    const again = await faultOf(c.methodCall(M.subscribeEvents, ['sim.events.nope']));
    assert.equal(again.faultCode, UCI_ERRORS.invalidParams, 'still refused after a successful subscription');
  });
});
