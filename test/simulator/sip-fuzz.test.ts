// Property-based fuzzing of the SIP transports: 10,000+ mutated messages (fixed seed) over UDP, TCP and
// WebSocket must leave the simulator up, still answering and still registering clients.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { computeResponse } from '../../simulator/src/sip/auth/digest.js';
import { parseMessage } from '../../simulator/src/sip/message/message.js';
import { startSim, type RunningSim } from '../support/rest.js';
import { until } from '../support/until.js';

const SEED = 4475;
const DOMAIN = 'pbx.demo.starface.test';

function register(callId: string, cseq: number, extra = ''): string {
  return [
    `REGISTER sip:${DOMAIN} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK${callId}${cseq};rport`,
    'Max-Forwards: 70',
    `To: <sip:1001@${DOMAIN}>`,
    `From: "Anna" <sip:1001@${DOMAIN}>;tag=fz${cseq}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} REGISTER`,
    'Contact: <sip:1001@127.0.0.1:5099>;expires=600',
    ...(extra ? [extra] : []),
    'User-Agent: fuzz',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

const INVITE = [
  `INVITE sip:1003@${DOMAIN} SIP/2.0`,
  'Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKinv1',
  'Max-Forwards: 70',
  `To: "Carla" <sip:1003@${DOMAIN}>`,
  `From: "Anna" <sip:1001@${DOMAIN}>;tag=a1`,
  'Call-ID: inv-1@127.0.0.1',
  'CSeq: 1 INVITE',
  'Contact: <sip:1001@127.0.0.1:5099>',
  'Content-Type: application/sdp',
  'Content-Length: 98',
  '',
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n',
].join('\r\n');

const OPTIONS = [
  `OPTIONS sip:${DOMAIN} SIP/2.0`,
  'Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKopt',
  'Max-Forwards: 70',
  `To: <sip:${DOMAIN}>`,
  `From: <sip:1001@${DOMAIN}>;tag=o1`,
  'Call-ID: opt-1',
  'CSeq: 1 OPTIONS',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

const RESPONSE = [
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKx',
  `To: <sip:1003@${DOMAIN}>;tag=b`,
  `From: <sip:1001@${DOMAIN}>;tag=a`,
  'Call-ID: r1',
  'CSeq: 1 INVITE',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

const SEEDS = [register('fz-1', 1), INVITE, OPTIONS, RESPONSE].map((s) => Buffer.from(s));

/** One mutation of a valid message: what a broken client, a bad network or an attacker sends. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert'), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('delete'), at: fc.nat(), length: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('truncate'), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine'), at: fc.nat(), times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({
    kind: fc.constant('text'),
    at: fc.nat(),
    text: fc.constantFrom(
      ':',
      ';',
      ',',
      '<',
      '>',
      '"',
      '\\',
      '\r\n',
      '\n',
      ' ',
      '\t',
      '%00',
      '%',
      'SIP/2.0',
      '\u00e4',
      '\u0000',
      '=',
      '@',
      'Content-Length: 99999',
      'CSeq: 4294967296 REGISTER',
    ),
  }),
);

type Mutation = { kind: string; at: number; [k: string]: unknown };

function mutate(seed: Buffer, mutations: Mutation[]): Buffer {
  let b = Buffer.from(seed);
  for (const m of mutations) {
    const at = b.length ? m.at % (b.length + 1) : 0;
    if (m.kind === 'flip' && b.length) b[at % b.length] = m.byte as number;
    else if (m.kind === 'insert')
      b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes as Uint8Array), b.subarray(at)]);
    else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + (m.length as number))]);
    else if (m.kind === 'truncate') b = b.subarray(0, at);
    else if (m.kind === 'text') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text as string), b.subarray(at)]);
    else if (m.kind === 'duplicateLine') {
      const lines = b.toString('latin1').split('\r\n');
      const i = m.at % lines.length;
      lines.splice(i, 0, ...Array<string>(m.times as number).fill(lines[i]!));
      b = Buffer.from(lines.join('\r\n'), 'latin1');
    }
  }
  return b;
}

const messages = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([seed, ms]) => mutate(seed, ms as Mutation[]));

function udpClient(): Promise<{ socket: Socket; port: number }> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => resolve({ socket, port: socket.address().port }));
  });
}

/**
 * Sends a request over UDP and waits for the final answer to this Call-ID, retransmitting as a SIP client does
 * (RFC 3261 Timer A: 500 ms, doubling to 4 s, for 64·T1 = 32 s): after a flood a datagram may be dropped, or wait
 * behind thousands of others, on a busy machine.
 */
function udpRequest(
  socket: Socket,
  target: { host: string; port: number },
  text: string,
  callId: string,
  timeoutMs = 32_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let interval = 500;
    let resend: ReturnType<typeof setTimeout>;
    const send = () => {
      socket.send(Buffer.from(text), target.port, target.host);
      resend = setTimeout(send, interval);
      interval = Math.min(interval * 2, 4000);
    };
    const done = () => {
      clearTimeout(timer);
      clearTimeout(resend);
      socket.off('message', onMessage);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no answer to ${callId}`));
    }, timeoutMs);
    const onMessage = (data: Buffer) => {
      const s = data.toString('utf8');
      if (!s.includes(`Call-ID: ${callId}`) || /^SIP\/2\.0 1\d\d/.test(s)) return;
      done();
      resolve(s);
    };
    socket.on('message', onMessage);
    send();
  });
}

describe('SIP fuzzing (fast-check, fixed seed)', function () {
  this.timeout(120_000);
  let sim: RunningSim;
  let udp: { host: string; port: number };
  before(async () => {
    sim = await startSim();
    const [host, port] = sim.addresses.sipUdp.split(':');
    udp = { host: host!, port: Number(port) };
  });
  after(() => sim?.stop());

  it('the parser answers every one of 10,000 mutated messages without throwing', () => {
    let refused = 0;
    fc.assert(
      fc.property(messages, (m) => {
        const r = parseMessage(m);
        if (!r.ok) refused++;
        return typeof r.ok === 'boolean';
      }),
      { seed: SEED, numRuns: 10_000 },
    );
    assert.ok(refused > 1000, `most mutations break the message (${refused} refused)`);
  });

  it('10,000 mutated datagrams over UDP, 300 over TCP and 300 over WebSocket leave the simulator serving', async () => {
    const samples = fc.sample(messages, { seed: SEED, numRuns: 10_000 });
    const { socket } = await udpClient();
    let answers = 0;
    socket.on('message', () => answers++);
    try {
      for (let i = 0; i < samples.length; i++) {
        socket.send(samples[i]!, udp.port, udp.host);
        // Let the server breathe now and then: the test is about robustness, not about UDP buffer overruns.
        if (i % 200 === 199) await new Promise((r) => setTimeout(r, 5));
      }
      // Mutated messages that still carry a Via, From, To, Call-ID and CSeq are answered (400 and others).
      await until('answers to more than 1,000 of the mutated datagrams', () => answers > 1000);
      const streamSamples = fc.sample(messages, { seed: SEED + 1, numRuns: 300 });
      await new Promise<void>((resolve, reject) => {
        const tcp = connect(udp.port, udp.host, () => {
          for (const m of streamSamples) tcp.write(m);
          tcp.end();
        });
        tcp.on('error', () => resolve()); // the server may close a stream it cannot frame: that is its right
        tcp.on('close', () => resolve());
        tcp.setTimeout(10_000, () => reject(new Error('TCP fuzz stalled')));
        tcp.resume();
      });
      await new Promise<void>((resolve) => {
        const ws = new WebSocket(sim.addresses.sipWs, 'sip');
        ws.on('open', () => {
          for (const m of streamSamples) ws.send(m.toString('utf8'));
          ws.close();
        });
        ws.on('close', () => resolve());
        ws.on('error', () => resolve());
      });

      // Still up: OPTIONS is answered, and a client registers with digest afterwards.
      const options = await udpRequest(socket, udp, OPTIONS.replace('opt-1', 'opt-after'), 'opt-after');
      assert.match(options, /^SIP\/2\.0 200/);
      const callId = `after-${randomBytes(4).toString('hex')}`;
      const challenge = await udpRequest(socket, udp, register(callId, 1), callId);
      assert.match(challenge, /^SIP\/2\.0 401/);
      const md5 = /WWW-Authenticate: (Digest [^\r\n]*algorithm=MD5[^\r\n]*)/i.exec(challenge)![1]!;
      const nonce = /nonce="([^"]+)"/.exec(md5)![1]!;
      const realm = /realm="([^"]+)"/.exec(md5)![1]!;
      const opaque = /opaque="([^"]+)"/.exec(md5)?.[1];
      const uri = `sip:${DOMAIN}`;
      const response = computeResponse({
        algorithm: 'MD5',
        username: '1001',
        realm,
        password: 'anna-demo-1001',
        method: 'REGISTER',
        uri,
        nonce,
        nc: '00000001',
        cnonce: 'fuzzc',
        qop: 'auth',
      });
      const auth = `Authorization: Digest username="1001", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, cnonce="fuzzc", qop=auth, nc=00000001${opaque ? `, opaque="${opaque}"` : ''}`;
      const ok = await udpRequest(socket, udp, register(callId, 2, auth), callId);
      assert.match(ok, /^SIP\/2\.0 200/);
      const bindings = await sim.admin.get('/sim/registrations');
      assert.ok(
        bindings.body.some((b: { login: string; source: string }) => b.login === '1001'),
        'the binding is listed',
      );
    } finally {
      socket.close();
    }
  });
});
