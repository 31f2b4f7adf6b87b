// RFC 4475 torture messages against the running simulator: valid ones are processed, invalid ones get 400 (505
// for a bad version) or are dropped when no answer can be formed, and every transport keeps serving.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startSim, type RunningSim } from '../support/rest.js';
import { cleanUp } from '../support/cleanup.js';

interface Entry {
  name: string;
  file?: string;
  section: string;
  valid: boolean;
  kind: 'request' | 'response';
  expect: string;
}

const DIR = join(__dirname, '..', 'fixtures', 'rfc4475');
const corpus = (JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as Entry[]).map((e) => ({
  ...e,
  data: readFileSync(join(DIR, e.file ?? `${e.name}.dat`)),
}));

/** The answer each message must get over UDP: a status, `drop` (no answer), or `processed` (anything but 400/505). */
const EXPECTED: Record<string, number | number[] | 'drop' | 'processed'> = {
  badvers: 505,
  // Nothing to answer: a status line we cannot read, a response, a request without To, From and Call-ID.
  bigcode: 'drop',
  scalarlg: 'drop',
  insuf: 'drop',
  unreason: 'drop',
  noreason: 'drop',
  bcast: 'drop',
  unkscm: 416,
  novelsc: 416,
  bext01: 420,
  // 404: the Request-URI names a domain this PBX does not serve (RFC 3261 §10.3 step 1 comes first); 400: a
  // registrar of that domain would refuse the non-SIP address of record.
  unksm2: [400, 404],
  zeromf: 483,
};

function expectation(e: Entry): number | number[] | 'drop' | 'processed' {
  return EXPECTED[e.name] ?? (e.valid ? 'processed' : 400);
}

function callIdOf(data: Buffer): string | undefined {
  return /\r\n(?:call-id|i)\s*:\s*([^\r\n]+)/i.exec(data.toString('latin1'))?.[1]?.trim();
}

/**
 * Sends a datagram and collects the answers carrying `callId` until a final one arrives, or `ms` pass (a drop
 * can only be seen as silence).
 */
function exchange(
  socket: Socket,
  port: number,
  data: Buffer,
  callId: string | undefined,
  ms: number,
): Promise<string[]> {
  return new Promise((resolve) => {
    const got: string[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.off('message', on);
      resolve(got);
    };
    const on = (m: Buffer) => {
      const text = m.toString('utf8');
      if (callId && !text.includes(callId)) return;
      got.push(text);
      if (!/^SIP\/2\.0 1\d\d/.test(text)) done();
    };
    const timer = setTimeout(done, ms);
    socket.on('message', on);
    socket.send(data, port, '127.0.0.1');
  });
}

const OPTIONS = (id: string) =>
  Buffer.from(
    [
      `OPTIONS sip:pbx.demo.starface.test SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK${id}`,
      'Max-Forwards: 70',
      '<sip:pbx.demo.starface.test>'.replace(/^/, 'To: '),
      `From: <sip:1001@pbx.demo.starface.test>;tag=${id}`,
      `Call-ID: ${id}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );

describe('SIP: the RFC 4475 torture corpus', function () {
  this.timeout(60_000);
  let sim: RunningSim;
  let port: number;
  let socket: Socket;
  before(async () => {
    sim = await startSim();
    port = Number(sim.addresses.sipUdp.split(':').pop());
    socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  });
  after(() =>
    cleanUp(
      () => socket?.close(),
      () => sim?.stop(),
    ),
  );

  it('holds all 32 messages of §3.1 and the 17 of §3.2–3.4', () => {
    assert.equal(corpus.filter((e) => e.section.startsWith('3.1.1')).length, 13);
    assert.equal(corpus.filter((e) => e.section.startsWith('3.1.2')).length, 19);
    assert.equal(corpus.length, 49);
  });

  for (const e of corpus) {
    const want = expectation(e);
    it(`${e.section} ${e.name} over UDP: ${want === 'drop' ? 'dropped' : want === 'processed' ? 'processed' : `answered ${want}`}`, async () => {
      const callId = callIdOf(e.data);
      const answers = await exchange(socket, port, e.data, callId, want === 'drop' ? 300 : 3000);
      const finals = answers.filter((a) => !/^SIP\/2\.0 1\d\d/.test(a));
      const statuses = finals.map((a) => Number(/^SIP\/2\.0 (\d{3})/.exec(a)?.[1]));
      if (want === 'drop') assert.deepEqual(statuses, [], `no answer, got ${statuses.join(', ')}`);
      else if (want === 'processed') {
        assert.ok(statuses.length >= 1 || answers.length >= 1, 'an answer');
        for (const s of statuses) assert.ok(s !== 400 && s !== 505, `processed, not refused: got ${s}\n${finals[0]}`);
      } else
        assert.ok(
          statuses.length === 1 && ([want].flat() as number[]).includes(statuses[0]!),
          finals[0] ?? '(no answer)',
        );
      // Whatever came before, the simulator still answers.
      const ok = await exchange(socket, port, OPTIONS(`after-${e.name}`), `after-${e.name}`, 3000);
      assert.ok(
        ok.some((a) => a.startsWith('SIP/2.0 200') && a.includes(`after-${e.name}`)),
        `OPTIONS answered after ${e.name}`,
      );
    });
  }

  it('every message over TCP (one connection each) and over WebSocket leaves both transports serving', async () => {
    for (const e of corpus) {
      await new Promise<void>((resolve) => {
        const tcp = connect(port, '127.0.0.1', () => tcp.end(e.data));
        tcp.setTimeout(2000, () => tcp.destroy());
        tcp.on('error', () => resolve());
        tcp.on('close', () => resolve());
        tcp.resume();
      });
    }
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(sim.addresses.sipWs, 'sip');
      ws.on('open', () => {
        for (const e of corpus) ws.send(e.data.toString('utf8'));
        ws.send(OPTIONS('ws-after').toString('utf8').replace('SIP/2.0/UDP 127.0.0.1:5099', 'SIP/2.0/WS x.invalid'));
      });
      ws.on('message', (m) => {
        if (m.toString().includes('ws-after') && m.toString().startsWith('SIP/2.0 200')) {
          ws.close();
          resolve();
        }
      });
      ws.on('error', reject);
      setTimeout(() => reject(new Error('no answer over WebSocket after the corpus')), 5000);
    });
    const tcpOk = await new Promise<string>((resolve, reject) => {
      const tcp = connect(port, '127.0.0.1', () =>
        tcp.write(OPTIONS('tcp-after').toString('latin1').replace('SIP/2.0/UDP', 'SIP/2.0/TCP')),
      );
      let got = '';
      tcp.on('data', (d) => {
        got += d.toString();
        if (got.includes('\r\n\r\n')) {
          tcp.destroy();
          resolve(got);
        }
      });
      tcp.on('error', reject);
    });
    assert.match(tcpOk, /^SIP\/2\.0 200/);
    assert.ok(
      (await exchange(socket, port, OPTIONS('udp-final'), 'udp-final', 3000)).some((a) => a.startsWith('SIP/2.0 200')),
    );
  });
});
