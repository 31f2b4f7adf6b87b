import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import * as wsModule from 'ws';
import type { WebSocket } from 'ws';
import type { SimEvent } from '../../shared/schemas/events.js';
import { notificationMethod } from '../../shared/schemas/uci.js';
import { oncePerEventAndName } from '../../simulator/src/uci/core/subscriptions.js';
import { UciConnection } from '../../simulator/src/uci/ws/connection.js';
import { notificationFrame, notificationText } from '../../simulator/src/uci/ws/protocol.js';
import { textFrame } from '../../simulator/src/uci/ws/wireFrame.js';

// ws's own framing and parsing (not in @types/ws): the yardstick a shared frame must match byte for byte.
const wsLib = wsModule as unknown as {
  Sender: { frame(data: Buffer, opts: Record<string, unknown>): Buffer[] };
  Receiver: new (opts: { isServer: boolean; maxPayload: number }) => Writable;
};

/** What `ws` itself puts on the wire for a server's text message. */
function wsFrame(text: string): Buffer {
  const data = Buffer.from(text);
  return Buffer.concat(wsLib.Sender.frame(data, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }));
}

/** The messages a `ws` client's receiver reads from `bytes`. */
function received(bytes: Buffer): Promise<string[]> {
  const receiver = new wsLib.Receiver({ isServer: false, maxPayload: 0 });
  const out: string[] = [];
  receiver.on('message', (data: Buffer, isBinary: boolean) => {
    assert.equal(isBinary, false, 'a text frame');
    out.push(data.toString('utf8'));
  });
  return new Promise((resolve, reject) => {
    receiver.on('error', reject);
    receiver.write(bytes, () => resolve(out));
  });
}

const event = (seq: number, service = 'ucp.v22.events.userState'): SimEvent => ({
  seq,
  time: '2026-12-06T05:00:00.000Z',
  service,
  event: 'receiveUserState',
  data: { login: 'anna', chatPresenceMessage: 'Grüße — ünïcødé ✓' },
});

describe('UCI WebSocket: a frame serialised and framed once, shared by every subscriber', () => {
  it('is byte for byte what ws would send, for every length class (7-bit, 16-bit, 64-bit) and multi-byte UTF-8', async () => {
    for (const length of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
      const text = 'x'.repeat(length);
      const frame = textFrame(text);
      assert.deepEqual(frame.wire, wsFrame(text), `length ${length}`);
      assert.equal(frame.payload.toString('utf8'), text);
      assert.deepEqual(await received(frame.wire), [text]);
    }
    // The length field counts bytes, not characters: 124 characters of 2 bytes each need the 16-bit form.
    const umlauts = 'ü'.repeat(124);
    assert.deepEqual(textFrame(umlauts).wire, wsFrame(umlauts));
    assert.deepEqual(await received(textFrame(umlauts).wire), [umlauts]);
  });

  it('a notification frame carries exactly the JSON-RPC notification of the name it was made for', async () => {
    const e = event(7);
    for (const name of ['ucp.v22.events.userState', 'ucp.v30.events.userState']) {
      const [text] = await received(notificationFrame(e, name).wire);
      assert.equal(text, notificationText(e, name));
      assert.deepEqual(JSON.parse(text!), {
        jsonrpc: '2.0',
        method: notificationMethod(name, e.event),
        params: e,
      });
    }
    assert.match(notificationText(e, 'ucp.v30.events.userState'), /"method":"ucp\.v30\.events\.userState\./);
  });

  it('one encoding per event and name: shared while the event is the same, made anew for the next event', () => {
    let made = 0;
    const frame = oncePerEventAndName((e: SimEvent, name: string) => {
      made++;
      return notificationFrame(e, name);
    });
    const a = event(1);
    const v22 = frame(a, 'ucp.v22.events.userState');
    assert.equal(frame(a, 'ucp.v22.events.userState'), v22, 'the same object for every subscriber');
    const v30 = frame(a, 'ucp.v30.events.userState');
    assert.notEqual(v30, v22, 'another name, another frame');
    assert.equal(made, 2);
    const b = event(2);
    const next = frame(b, 'ucp.v22.events.userState');
    assert.notEqual(next, v22);
    assert.equal(JSON.parse(next.payload.toString()).params.seq, 2);
    assert.equal(made, 3);
  });
});

/** A stand-in for a `ws` server socket: what went straight to the TCP socket, what went through `ws`. */
function fakeWs(senderState: number, queued: unknown[], readyState = 1) {
  const direct: Buffer[] = [];
  const viaWs: Buffer[] = [];
  let corks = 0;
  const socket = {
    cork: () => void corks++,
    uncork: () => void corks--,
    write: (b: Buffer) => void direct.push(b),
  } as unknown as Socket;
  const ws = {
    readyState,
    bufferedAmount: 0,
    _socket: socket,
    _sender: { _state: senderState, _queue: queued },
    send: (data: Buffer) => void viaWs.push(data),
    once: () => undefined,
    close: () => undefined,
    terminate: () => undefined,
  } as unknown as WebSocket;
  return { ws, direct, viaWs, corks: () => corks };
}

const connectionOn = (ws: WebSocket) =>
  new UciConnection(ws, {
    keepAliveMs: 60_000,
    sendQueueBytes: 1 << 20,
    closeGraceMs: 1000,
    remote: '127.0.0.1',
    frame: (e, name) => notificationFrame(e, name),
    onTooSlow: () => undefined,
    onClosed: () => undefined,
  });

describe('UCI WebSocket: when the shared frame goes straight to the socket', () => {
  it('ws idle and the connection open: the whole frame on the socket; the first of a tick at once, the next corked until the tick ends', async () => {
    const f = fakeWs(0, []);
    const conn = connectionOn(f.ws);
    const frame = notificationFrame(event(1), 'ucp.v22.events.userState');
    conn.send(frame);
    assert.equal(f.corks(), 0, 'one frame: written at once');
    conn.send(frame);
    conn.send(frame);
    assert.equal(f.direct.length, 3);
    assert.equal(f.direct[0], frame.wire);
    assert.equal(f.viaWs.length, 0);
    assert.equal(f.corks(), 1, 'corked once, from the second frame of the tick');
    await new Promise((r) => process.nextTick(r));
    assert.equal(f.corks(), 0, 'uncorked after the tick');
    conn.send(frame);
    assert.equal(f.corks(), 0, 'a new tick: the first frame at once again');
    await new Promise((r) => process.nextTick(r));
    conn.close(1000, 'done');
  });

  it('ws holding frames of its own (compressing, reading a Blob): the payload goes through ws, behind them', () => {
    for (const f of [fakeWs(1, []), fakeWs(0, [['queued']]), fakeWs(2, [])]) {
      const conn = connectionOn(f.ws);
      const frame = notificationFrame(event(1), 'ucp.v22.events.userState');
      conn.send(frame);
      assert.equal(f.direct.length, 0);
      assert.deepEqual(f.viaWs, [frame.payload]);
      conn.close(1000, 'done');
    }
  });

  it('a connection the peer is closing: nothing goes straight to the socket (ws drops what comes after a close)', () => {
    const f = fakeWs(0, [], 2);
    const conn = connectionOn(f.ws);
    conn.send(notificationFrame(event(1), 'ucp.v22.events.userState'));
    assert.equal(f.direct.length, 0);
    assert.equal(f.viaWs.length, 1);
    conn.close(1000, 'done');
  });
});
