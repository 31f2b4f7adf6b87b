/**
 * The proxy on the wire, over UDP with raw sockets: 407 and its absorbed ACK, the forwarded INVITE's Via,
 * Record-Route, Max-Forwards and credentials, the hop-by-hop ACK for a non-2xx, retransmissions absorbed,
 * and a 2xx call with an end-to-end ACK and BYE through the Record-Route.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { computeResponse } from '../../simulator/src/sip/auth/digest.js';
import { DEMO_PBX_NAME } from '../../simulator/src/scenarios/builtin.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { cleanUp, each } from '../support/cleanup.js';

interface Msg {
  start: string;
  status: number;
  method: string;
  raw: string;
  get(name: string): string | undefined;
  all(name: string): string[];
}

function parse(raw: string): Msg {
  const [head] = raw.split('\r\n\r\n');
  const [start, ...lines] = head!.split('\r\n');
  const fields = lines.map(
    (l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const,
  );
  const m = /^SIP\/2\.0 (\d{3})/.exec(start!);
  return {
    start: start!,
    status: m ? Number(m[1]) : 0,
    method: m ? '' : start!.split(' ')[0]!,
    raw,
    get: (n) => fields.find(([k]) => k === n)?.[1],
    all: (n) => fields.filter(([k]) => k === n).map(([, v]) => v),
  };
}

class Peer {
  readonly socket: Socket = createSocket('udp4');
  readonly inbox: Msg[] = [];
  private waiters: (() => void)[] = [];
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<this> {
    this.socket.on('message', (data) => {
      this.inbox.push(parse(data.toString('utf8')));
      for (const w of this.waiters.splice(0)) w();
    });
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', () => r()));
    this.port = this.socket.address().port;
    return this;
  }

  send(text: string): void {
    const [head, body = ''] = text.split('\n\n');
    const msg = `${head!
      .trim()
      .split('\n')
      .map((l) => l.trim())
      .join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    this.socket.send(msg, this.target.port, this.target.host);
  }

  /** The first message (removed from the inbox) that matches. */
  async next(what: string, match: (m: Msg) => boolean, ms = 10_000): Promise<Msg> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.inbox.findIndex(match);
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      const left = end - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; inbox: ${this.inbox.map((m) => m.start).join(' | ')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}

function authorization(
  header: string,
  challenge: string,
  user: { login: string; password: string },
  method: string,
  uri: string,
): string {
  const realm = /realm="([^"]+)"/.exec(challenge)![1]!;
  const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
  const opaque = /opaque="([^"]+)"/.exec(challenge)![1]!;
  const cnonce = randomBytes(4).toString('hex');
  const response = computeResponse({
    algorithm: 'MD5',
    username: user.login,
    realm,
    password: user.password,
    method,
    uri,
    nonce,
    nc: '00000001',
    cnonce,
    qop: 'auth',
  });
  return `${header}: Digest username="${user.login}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}", opaque="${opaque}"`;
}

const md5Challenge = (m: Msg, name: string) => m.all(name).find((v) => /algorithm=MD5/.test(v))!;
const branch = () => `z9hG4bK${randomBytes(6).toString('hex')}`;

describe('simulator: SIP proxy on the wire (UDP)', function () {
  this.timeout(30_000);
  let sim: RunningSim;
  let target: { host: string; port: number };
  const peers: Peer[] = [];

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
    target = { host: '127.0.0.1', port: sim.addresses.sipPort };
  });
  afterEach(() =>
    cleanUp(
      each(peers, (p) => p.close()),
      () => sim?.stop(),
    ),
  );

  async function peer(): Promise<Peer> {
    const p = await new Peer(target).open();
    peers.push(p);
    return p;
  }

  async function register(p: Peer, user: { login: string; password: string }): Promise<void> {
    const callId = randomBytes(6).toString('hex');
    const reg = (cseq: number, auth = '') => `REGISTER sip:${DEMO_PBX_NAME} SIP/2.0
      Via: SIP/2.0/UDP 127.0.0.1:${p.port};branch=${branch()}
      Max-Forwards: 70
      From: <sip:${user.login}@${DEMO_PBX_NAME}>;tag=r${cseq}
      To: <sip:${user.login}@${DEMO_PBX_NAME}>
      Call-ID: ${callId}
      CSeq: ${cseq} REGISTER
      Contact: <sip:${user.login}@127.0.0.1:${p.port}>
      Expires: 300${auth ? `\n${auth}` : ''}

`;
    p.send(reg(1));
    const challenge = await p.next('401', (m) => m.status === 401);
    p.send(
      reg(
        2,
        authorization(
          'Authorization',
          md5Challenge(challenge, 'www-authenticate'),
          user,
          'REGISTER',
          `sip:${DEMO_PBX_NAME}`,
        ),
      ),
    );
    await p.next('200 REGISTER', (m) => m.status === 200);
  }

  it('authenticates with 407, forwards with Via/Record-Route/Max-Forwards, ACKs a 486 hop by hop, absorbs retransmissions', async () => {
    const callee = await peer();
    const caller = await peer();
    await register(callee, DEMO_USERS.carla);

    const callId = randomBytes(6).toString('hex');
    const uri = `sip:1003@${DEMO_PBX_NAME}`;
    const b1 = branch();
    const invite = (b: string, cseq: number, auth = '') => `INVITE ${uri} SIP/2.0
      Via: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=${b}
      Max-Forwards: 70
      From: "Anna" <sip:1001@${DEMO_PBX_NAME}>;tag=caller1
      To: <${uri}>
      Call-ID: ${callId}
      CSeq: ${cseq} INVITE
      Contact: <sip:1001@127.0.0.1:${caller.port}>
      Content-Type: application/sdp${auth ? `\n${auth}` : ''}

v=0
o=- 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 5004 RTP/AVP 0
`;
    caller.send(invite(b1, 1));
    const challenge = await caller.next('407', (m) => m.status === 407);
    assert.ok(challenge.all('proxy-authenticate').length >= 1);
    caller.send(`ACK ${uri} SIP/2.0
      Via: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=${b1}
      Max-Forwards: 70
      From: "Anna" <sip:1001@${DEMO_PBX_NAME}>;tag=caller1
      To: ${challenge.get('to')}
      Call-ID: ${callId}
      CSeq: 1 ACK

`);
    const b2 = branch();
    const authed = invite(
      b2,
      2,
      authorization(
        'Proxy-Authorization',
        md5Challenge(challenge, 'proxy-authenticate'),
        DEMO_USERS.anna,
        'INVITE',
        uri,
      ),
    );
    caller.send(authed);
    await caller.next('100 Trying', (m) => m.status === 100);

    const fwd = await callee.next('forwarded INVITE', (m) => m.method === 'INVITE');
    assert.equal(fwd.start, `INVITE sip:1003@127.0.0.1:${callee.port} SIP/2.0`, 'Request-URI = the registered contact');
    const vias = fwd.all('via');
    assert.equal(vias.length, 2);
    assert.match(vias[0]!, /^SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bK\w+$/);
    assert.match(vias[1]!, new RegExp(b2));
    assert.match(fwd.get('record-route') ?? '', /;lr/);
    assert.equal(fwd.get('max-forwards'), '69');
    assert.equal(fwd.get('proxy-authorization'), undefined, 'our own credentials are not passed on');
    assert.equal(callee.inbox.filter((m) => m.method === 'ACK').length, 0, 'the ACK for the 407 was absorbed');

    const respond = (status: string, tag = 'callee1') =>
      callee.send(`SIP/2.0 ${status}
      ${vias.map((v) => `Via: ${v}`).join('\n')}
      From: ${fwd.get('from')}
      To: ${fwd.get('to')};tag=${tag}
      Call-ID: ${callId}
      CSeq: 2 INVITE

`);
    respond('180 Ringing');
    const ringing = await caller.next('180', (m) => m.status === 180);
    assert.equal(ringing.all('via').length, 1, 'the proxy popped its Via');
    respond('486 Busy Here');
    const ack = await callee.next('hop-by-hop ACK', (m) => m.method === 'ACK');
    assert.match(ack.get('via')!, new RegExp(vias[0]!.split('branch=')[1]!), 'the ACK has the INVITE branch');
    assert.equal(ack.get('cseq'), '2 ACK');
    const busy = await caller.next('486', (m) => m.status === 486);
    assert.equal(busy.all('via').length, 1);

    // A retransmitted INVITE gets the final answer again and does not reach the callee twice.
    caller.send(authed);
    await caller.next('486 again', (m) => m.status === 486);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(callee.inbox.filter((m) => m.method === 'INVITE').length, 0);
  });

  it('a 2xx call: the end-to-end ACK and a BYE from the callee travel through the Record-Route', async () => {
    const callee = await peer();
    const caller = await peer();
    await register(callee, DEMO_USERS.carla);
    const callId = randomBytes(6).toString('hex');
    const uri = `sip:1003@${DEMO_PBX_NAME}`;
    const from = `<sip:1001@${DEMO_PBX_NAME}>;tag=c2`;
    const invite = (b: string, cseq: number, auth = '') => `INVITE ${uri} SIP/2.0
      Via: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=${b}
      Max-Forwards: 70
      From: ${from}
      To: <${uri}>
      Call-ID: ${callId}
      CSeq: ${cseq} INVITE
      Contact: <sip:1001@127.0.0.1:${caller.port}>${
        auth
          ? `
${auth}`
          : ''
      }

`;
    caller.send(invite(branch(), 1));
    const challenge = await caller.next('407', (m) => m.status === 407);
    caller.send(
      invite(
        branch(),
        2,
        authorization(
          'Proxy-Authorization',
          md5Challenge(challenge, 'proxy-authenticate'),
          DEMO_USERS.anna,
          'INVITE',
          uri,
        ),
      ),
    );
    const fwd = await callee.next('forwarded INVITE', (m) => m.method === 'INVITE');
    const rr = fwd.all('record-route');
    callee.send(`SIP/2.0 200 OK
      ${fwd
        .all('via')
        .map((v) => `Via: ${v}`)
        .join('\n')}
      ${rr.map((r) => `Record-Route: ${r}`).join('\n')}
      From: ${fwd.get('from')}
      To: ${fwd.get('to')};tag=callee2
      Call-ID: ${callId}
      CSeq: 2 INVITE
      Contact: <sip:1003@127.0.0.1:${callee.port}>

`);
    const ok = await caller.next('200', (m) => m.status === 200);
    assert.deepEqual(ok.all('record-route'), rr);
    const to = ok.get('to')!;
    const routes = [...rr]
      .reverse()
      .map((r) => `Route: ${r}`)
      .join('\n');
    caller.send(`ACK sip:1003@127.0.0.1:${callee.port} SIP/2.0
      Via: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=${branch()}
      ${routes}
      Max-Forwards: 70
      From: ${from}
      To: ${to}
      Call-ID: ${callId}
      CSeq: 2 ACK

`);
    const ack = await callee.next('end-to-end ACK', (m) => m.method === 'ACK');
    assert.equal(ack.all('via').length, 2);
    assert.equal(ack.get('route'), undefined, 'the proxy removed its own Route');

    callee.send(`BYE sip:1001@127.0.0.1:${caller.port} SIP/2.0
      Via: SIP/2.0/UDP 127.0.0.1:${callee.port};branch=${branch()}
      ${rr.map((r) => `Route: ${r}`).join('\n')}
      Max-Forwards: 70
      From: ${to}
      To: ${from}
      Call-ID: ${callId}
      CSeq: 1 BYE

`);
    const bye = await caller.next('BYE', (m) => m.method === 'BYE');
    assert.equal(bye.start, `BYE sip:1001@127.0.0.1:${caller.port} SIP/2.0`);
    caller.send(`SIP/2.0 200 OK
      ${bye
        .all('via')
        .map((v) => `Via: ${v}`)
        .join('\n')}
      From: ${bye.get('from')}
      To: ${bye.get('to')}
      Call-ID: ${callId}
      CSeq: 1 BYE

`);
    await callee.next('200 BYE', (m) => m.status === 200 && /BYE/.test(m.get('cseq') ?? ''));
    assert.deepEqual((await sim.admin.get('/sim/calls')).body, []);
  });
});
