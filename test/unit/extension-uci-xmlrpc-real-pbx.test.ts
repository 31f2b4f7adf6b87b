// The extension's UCI over XML-RPC live source (extension/src/live/uciXmlRpcSource.ts) against a stand-in for a
// real STARFACE (starface-uci-methods.md): auth and callback in the query, login / keepAlive / logout /
// subscribeEvents("ucp.v22.events.call") answering booleans, keepAlive answering false once the PBX has dropped
// the session, and callbacks with exactly one struct, the user and auth in the callback URL and none of the
// simulator's headers. The source must number the events itself, keep their order, notice the dropped session
// by keepAlive alone, log in and subscribe again, and say that events may have been missed.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Deserializer,
  serializeFault,
  serializeMethodCall,
  serializeMethodResponse,
  XmlRpcFault,
  type XmlRpcStruct,
  type XmlRpcValue,
} from '@foxglove/xmlrpc';
import { uciToken } from '../../shared/hashes.js';
import { CALL_EVENT_SERVICE, CALL_STATE_EVENT } from '../../shared/schemas/calls.js';
import type { SimEvent } from '../../shared/schemas/events.js';
import { UCI_METHODS, USER_STATE_SERVICE } from '../../shared/schemas/uci.js';
import {
  UCI_XMLRPC_CALLBACK_QUERY,
  UCI_XMLRPC_EVENT_HEADERS,
  UCI_XMLRPC_PARAMS as P,
} from '../../shared/schemas/uciXmlRpc.js';
import type { EventGap } from '../../extension/src/live/liveSource.js';
import { UciXmlRpcSource } from '../../extension/src/live/uciXmlRpcSource.js';
import { until } from '../support/until.js';

const LOGIN = '1001';
const TOKEN = uciToken(LOGIN, 'secret');

interface Received {
  method: string;
  params: XmlRpcValue[];
  query: URLSearchParams;
  answer: XmlRpcValue | 'fault';
}

/** A loopback stand-in for a real STARFACE's POST /xml-rpc and its callbacks. */
class StandInPbx {
  readonly received: Received[] = [];
  /** The one session (the stand-in serves one client); undefined once logged out or dropped. */
  private session: { callback: URL; subscribed: boolean } | undefined;
  private readonly server: Server = createServer((req, res) => this.onRequest(req, res));

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** What the extension takes as the connection's REST base; /xml-rpc is next to it. */
  get restBase(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/rest`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The PBX forgets the session (its timeout, a restart): keepAlive answers false from now on. */
  drop(): void {
    this.session = undefined;
  }

  methods(name: string): Received[] {
    return this.received.filter((r) => r.method === name);
  }

  /** One call state to the subscribed callback, as a real PBX sends it; resolves with the client's answer. */
  async push(state: XmlRpcStruct): Promise<XmlRpcValue> {
    const s = this.session;
    if (!s?.subscribed) throw new Error('no subscribed session to push to');
    const url = new URL(s.callback);
    url.searchParams.set(UCI_XMLRPC_CALLBACK_QUERY.user, LOGIN);
    url.searchParams.set(UCI_XMLRPC_CALLBACK_QUERY.auth, TOKEN);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body: serializeMethodCall(`${CALL_EVENT_SERVICE}.${CALL_STATE_EVENT}`, [state]),
    });
    return new Deserializer().deserializeMethodResponse(await res.text());
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://pbx');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (url.pathname !== '/xml-rpc' || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      void new Deserializer().deserializeMethodCall(Buffer.concat(chunks).toString('utf8')).then(([method, params]) => {
        const record: Received = { method, params, query: url.searchParams, answer: 'fault' };
        this.received.push(record);
        let body: string;
        try {
          record.answer = this.answer(method, params, url.searchParams);
          body = serializeMethodResponse(record.answer);
        } catch (err) {
          body = serializeFault(err as XmlRpcFault);
        }
        res.writeHead(200, { 'Content-Type': 'text/xml' }).end(body);
      });
    });
  }

  private answer(method: string, params: XmlRpcValue[], query: URLSearchParams): XmlRpcValue {
    if (query.get(P.auth) !== TOKEN) throw new XmlRpcFault('authentication failed', 1);
    switch (method) {
      case UCI_METHODS.login: {
        assert.deepEqual(params, [], 'login takes no params');
        const callback = new URL(
          `${query.get(P.callbackType) ?? 'http'}://${query.get(P.callbackHost)}:${query.get(P.callbackPort)}`,
        );
        callback.pathname = query.get(P.callbackPath) ?? '/';
        this.session = { callback, subscribed: false };
        return true;
      }
      case UCI_METHODS.keepAlive:
        // Callable without a login: "am I still signed in?" (IAH, TMA, ESPO).
        return this.session !== undefined;
      case UCI_METHODS.logout:
        this.session = undefined;
        return true;
      case UCI_METHODS.subscribeEvents:
        if (!this.session) throw new XmlRpcFault('not logged in', 2);
        // One plain string, as every public client sends it; only the call events are certain on a real PBX.
        if (params.length !== 1 || params[0] !== CALL_EVENT_SERVICE)
          throw new XmlRpcFault(`unknown event group ${JSON.stringify(params)}`, 3);
        this.session.subscribed = true;
        return true;
      default:
        throw new XmlRpcFault(`unknown method ${method}`, 4);
    }
  }
}

const callState = (state: string, timestamp: string): XmlRpcStruct => ({
  id: 'b6a0c1d2-0000-4000-8000-000000000001',
  state,
  timestamp,
  callerNumber: '1002',
  callerName: 'Bernd',
  calledNumber: LOGIN,
  calledName: 'Anna',
});

describe('extension: UCI over XML-RPC against a stand-in real STARFACE (no seq, no replay)', () => {
  let pbx: StandInPbx;
  let source: UciXmlRpcSource | undefined;
  beforeEach(async () => {
    pbx = new StandInPbx();
    await pbx.start();
  });
  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await pbx.close();
  });

  it('numbers the events in arrival order, notices a dropped session by keepAlive false, logs in and subscribes again, says events may be missed, and follows on', async () => {
    const rec = {
      events: [] as SimEvent[],
      notices: [] as string[],
      gaps: [] as EventGap[],
      errors: [] as string[],
      resyncs: 0,
    };
    // As follow.ts starts it for a real PBX: call and userState, userState optional, no replay.
    source = new UciXmlRpcSource(
      {
        restBaseUrl: pbx.restBase,
        uciToken: TOKEN,
        services: [CALL_EVENT_SERVICE, USER_STATE_SERVICE],
        optionalServices: [USER_STATE_SERVICE],
        replay: false,
        onNotice: (m) => rec.notices.push(m),
      },
      {
        onEvents: (events) => rec.events.push(...events),
        onResync: () => rec.resyncs++,
        onError: (err) => rec.errors.push(err.message),
        onGap: (gap) => rec.gaps.push(gap),
        keepAliveMs: 50,
        maxBackoffMs: 200,
      },
    );
    const live = source;
    live.start();
    await until('live', () => live.connected);

    const [login] = pbx.methods(UCI_METHODS.login);
    assert.equal(login!.query.get(P.auth), TOKEN, 'the UCI token in the query');
    assert.equal(login!.query.get(P.callbackHost), '127.0.0.1');
    assert.match(login!.query.get(P.callbackPath) ?? '', /^\/uci-callback\//);
    assert.deepEqual(
      pbx.methods(UCI_METHODS.subscribeEvents).map((r) => r.params),
      [[CALL_EVENT_SERVICE], [USER_STATE_SERVICE]],
      'one plain string per subscription, no sinceSeq',
    );
    assert.equal(rec.notices.length, 1, rec.notices.join('\n'));
    assert.match(rec.notices[0]!, /refused the subscription of ucp\.v22\.events\.userState/);

    // Three states, one after the other, without any of the simulator's headers.
    const t0 = 1_740_823_200_000;
    for (const [i, state] of ['INCOMING', 'RINGING', 'CONNECTED'].entries())
      assert.equal(await pbx.push(callState(state, String(t0 + i))), true, 'answered true');
    await until('three events', () => rec.events.length === 3);
    assert.deepEqual(
      rec.events.map((e) => [e.seq, e.service, e.event, e.data.state, e.data.timestamp]),
      [
        [1, CALL_EVENT_SERVICE, CALL_STATE_EVENT, 'INCOMING', t0],
        [2, CALL_EVENT_SERVICE, CALL_STATE_EVENT, 'RINGING', t0 + 1],
        [3, CALL_EVENT_SERVICE, CALL_STATE_EVENT, 'CONNECTED', t0 + 2],
      ],
      'numbered here, in the order they came, none dropped for lacking metadata',
    );
    for (const e of rec.events) assert.ok(!Number.isNaN(Date.parse(e.time)), `time of receipt: ${e.time}`);
    assert.ok(
      !Object.values(UCI_XMLRPC_EVENT_HEADERS).some((h) => JSON.stringify(rec.events).includes(h)),
      'nothing of the simulator',
    );

    // The PBX drops the session: nothing faults, only keepAlive answers false.
    pbx.drop();
    await until('logged in again', () => pbx.methods(UCI_METHODS.login).length === 2);
    await until(
      'subscribed again and live',
      () => pbx.methods(UCI_METHODS.subscribeEvents).length === 4 && live.connected,
    );
    assert.ok(
      pbx.methods(UCI_METHODS.keepAlive).some((r) => r.answer === false),
      'the drop was seen by keepAlive answering false',
    );
    assert.equal(pbx.methods(UCI_METHODS.keepAlive).filter((r) => r.answer === 'fault').length, 0);
    const relogin = pbx.received.findIndex((r, i) => r.method === UCI_METHODS.login && i > 0);
    assert.deepEqual(
      pbx.received.slice(relogin, relogin + 3).map((r) => [r.method, r.params]),
      [
        [UCI_METHODS.login, []],
        [UCI_METHODS.subscribeEvents, [CALL_EVENT_SERVICE]],
        [UCI_METHODS.subscribeEvents, [USER_STATE_SERVICE]],
      ],
      'a new login, then the same subscriptions',
    );
    await until('the notice', () => rec.notices.length === 3);
    assert.match(rec.notices[1]!, /refused the subscription of ucp\.v22\.events\.userState/);
    assert.match(rec.notices[2]!, /ended the UCI session.*may have been missed.*cannot send them again/);
    assert.equal(rec.resyncs, 1, 'the data is reloaded once');
    assert.deepEqual(rec.errors, [], 'a dropped session is no error');
    assert.deepEqual(rec.gaps, [], 'marked with the next event');

    // Following on: the next event comes after an "events may be missing" mark.
    assert.equal(await pbx.push(callState('HANGUP', String(t0 + 3))), true);
    await until('the event after the drop', () => rec.events.length === 4);
    assert.deepEqual(
      rec.events.map((e) => [e.seq, e.data.state]),
      [
        [1, 'INCOMING'],
        [2, 'RINGING'],
        [3, 'CONNECTED'],
        [4, 'HANGUP'],
      ],
    );
    assert.deepEqual(rec.gaps, [{ afterSeq: 3, beforeSeq: 4, filled: false, uncounted: true }]);

    await live.stop();
    source = undefined;
    assert.equal(pbx.received.at(-1)!.method, UCI_METHODS.logout, 'logged out on stop');
    assert.equal(pbx.methods(UCI_METHODS.logout).length, 1, 'and only then: the drop was resumed, not logged out');
  });

  it('a session that is gone after a network failure is resumed the same way (keepAlive false at reconnect)', async () => {
    const rec = { events: [] as SimEvent[], notices: [] as string[], gaps: [] as EventGap[], errors: [] as string[] };
    // A fetch that fails every request while `down` (the network between us and the PBX).
    let down = false;
    const flaky: typeof fetch = (input, init) =>
      down ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);
    source = new UciXmlRpcSource(
      {
        restBaseUrl: pbx.restBase,
        uciToken: TOKEN,
        services: [CALL_EVENT_SERVICE],
        replay: false,
        onNotice: (m) => rec.notices.push(m),
        fetch: flaky,
      },
      {
        onEvents: (events) => rec.events.push(...events),
        onError: (err) => rec.errors.push(err.message),
        onGap: (gap) => rec.gaps.push(gap),
        keepAliveMs: 50,
        maxBackoffMs: 100,
      },
    );
    const live = source;
    live.start();
    await until('live', () => live.connected);
    await pbx.push(callState('INCOMING', '1'));
    await until('the first event', () => rec.events.length === 1);
    down = true;
    await until('the failure noticed', () => rec.errors.length > 0);
    pbx.drop();
    down = false;
    await until('logged in again', () => pbx.methods(UCI_METHODS.login).length === 2 && live.connected);
    assert.ok(
      pbx.methods(UCI_METHODS.keepAlive).some((r) => r.answer === false),
      'asked whether the session still exists',
    );
    await until('the notice', () => rec.notices.some((m) => /may have been missed/.test(m)));
    await pbx.push(callState('HANGUP', '2'));
    await until('the next event', () => rec.events.length === 2);
    assert.deepEqual(
      rec.events.map((e) => [e.seq, e.data.state]),
      [
        [1, 'INCOMING'],
        [2, 'HANGUP'],
      ],
    );
    assert.deepEqual(rec.gaps, [{ afterSeq: 1, beforeSeq: 2, filled: false, uncounted: true }]);
  });
});
