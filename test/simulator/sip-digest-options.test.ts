// Which digest challenges the registrar (401) and the proxy (407) send: by default one MD5 challenge with
// qop="auth", as a real STARFACE; the RFC 8760 algorithms only when asked for (option, scenario field).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario } from '../../simulator/src/scenarios/builtin.js';
import { createSimulator } from '../../simulator/src/simulator.js';
import { removeTempDirs, tempDir } from '../support/cli.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import {
  parseChallenge,
  randomToken,
  Registration,
  SipClient,
  type SipReply,
  type SipTransportName,
} from '../support/sip-client.js';

const PBX = 'pbx.demo.starface.test';
const ANNA = { username: DEMO_USERS.anna.login, password: DEMO_USERS.anna.password };
const TRANSPORTS: SipTransportName[] = ['udp', 'tcp', 'ws'];

describe('SIP digest challenges', function () {
  this.timeout(20_000);
  const clients: SipClient[] = [];
  const sims: RunningSim[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    for (const s of sims.splice(0)) await s.stop();
  });
  after(() => removeTempDirs());

  async function sim(opts: Parameters<typeof startSim>[0] = {}): Promise<RunningSim> {
    const s = await startSim(opts);
    sims.push(s);
    return s;
  }

  async function open(s: RunningSim, transport: SipTransportName): Promise<SipClient> {
    const address =
      transport === 'udp' ? s.addresses.sipUdp : transport === 'tcp' ? s.addresses.sipTcp : s.addresses.sipWs;
    const c = await SipClient.to(transport, address);
    clients.push(c);
    return c;
  }

  /** The algorithms of a 401's WWW-Authenticate headers, in order. */
  async function registerChallenges(
    s: RunningSim,
    transport: SipTransportName = 'udp',
  ): Promise<{ reply: SipReply; algorithms: string[] }> {
    const reg = new Registration(await open(s, transport), ANNA, { domain: PBX });
    // Sent by hand: Registration.send() would insist on an MD5 challenge to answer.
    const reply = await reg.client.request(reg.build({ cseq: 1 }));
    assert.equal(reply.status, 401, reply.raw);
    return { reply, algorithms: reply.getAll('www-authenticate').map((c) => parseChallenge(c).algorithm ?? '') };
  }

  /** An unauthenticated INVITE from Anna to 1002: the proxy's 407. */
  async function inviteChallenge(c: SipClient): Promise<SipReply> {
    const callId = `${randomToken(8)}@test`;
    const reply = await c.request(
      [
        `INVITE sip:1002@${PBX} SIP/2.0`,
        `Via: ${c.via()}`,
        'Max-Forwards: 70',
        `From: <sip:1001@${PBX}>;tag=${randomToken(4)}`,
        `To: <sip:1002@${PBX}>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 INVITE',
        `Contact: <${c.contactUri('1001')}>`,
      ].join('\r\n') + '\r\n\r\n',
    );
    assert.equal(reply.status, 407, reply.raw);
    return reply;
  }

  describe('the default: one MD5 challenge with qop="auth"', () => {
    for (const transport of TRANSPORTS) {
      it(`REGISTER over ${transport.toUpperCase()}: exactly one WWW-Authenticate, MD5, and an MD5 answer registers`, async () => {
        const s = await sim();
        const reg = new Registration(await open(s, transport), ANNA, { domain: PBX, algorithm: 'MD5' });
        const first = await reg.send({ expires: 300 });
        assert.equal(first.status, 401, first.raw);
        const headers = first.getAll('www-authenticate');
        assert.equal(headers.length, 1, first.raw);
        assert.match(
          headers[0]!,
          /^Digest realm="pbx\.demo\.starface\.test", nonce="[^"]+", opaque="[^"]+", algorithm=MD5, qop="auth"$/,
        );
        const ok = await reg.send({ expires: 300 });
        assert.equal(ok.status, 200, ok.raw);
      });

      it(`INVITE over ${transport.toUpperCase()}: exactly one Proxy-Authenticate, MD5, qop="auth"`, async () => {
        const s = await sim();
        const reply = await inviteChallenge(await open(s, transport));
        const headers = reply.getAll('proxy-authenticate');
        assert.equal(headers.length, 1, reply.raw);
        const c = parseChallenge(headers[0]!);
        assert.equal(c.algorithm, 'MD5');
        assert.equal(c.qop, 'auth');
        assert.equal(c.realm, PBX);
      });
    }

    it('an answer with an algorithm that was not offered (SHA-256) is refused with a new MD5 challenge', async () => {
      const s = await sim();
      const reg = new Registration(await open(s, 'udp'), ANNA, { domain: PBX, algorithm: 'MD5' });
      assert.equal((await reg.send()).status, 401);
      // Answer the MD5 challenge's nonce as if SHA-256 had been offered.
      Object.assign(reg.digest!, { algorithm: 'SHA-256' });
      const reply = await reg.send({ expires: 300 });
      assert.equal(reply.status, 401, reply.raw);
      assert.deepEqual(
        reply.getAll('www-authenticate').map((c) => parseChallenge(c).algorithm),
        ['MD5'],
      );
      assert.deepEqual((await s.admin.get('/sim/registrations')).body, []);
    });
  });

  describe('opting in to more algorithms', () => {
    it('createSimulator({sipDigest}) sets the challenges in that order, for the registrar and the proxy', async () => {
      const s = await sim({ sipDigest: ['sha-256', 'MD5'] });
      assert.deepEqual((await registerChallenges(s)).algorithms, ['SHA-256', 'MD5']);
      const invite = await inviteChallenge(await open(s, 'tcp'));
      assert.deepEqual(
        invite.getAll('proxy-authenticate').map((c) => parseChallenge(c).algorithm),
        ['SHA-256', 'MD5'],
      );
      // One nonce for the alternatives; each one registers.
      const nonces = new Set(invite.getAll('proxy-authenticate').map((c) => parseChallenge(c).nonce));
      assert.equal(nonces.size, 1);
      for (const algorithm of ['SHA-256', 'MD5'] as const) {
        const reg = new Registration(await open(s, 'udp'), ANNA, { domain: PBX, algorithm });
        assert.equal((await reg.register({ expires: 300 })).status, 200, algorithm);
      }
      // Not offered, so not accepted.
      const sha512 = new Registration(await open(s, 'udp'), ANNA, { domain: PBX, algorithm: 'MD5' });
      assert.equal((await sha512.send()).status, 401);
      Object.assign(sha512.digest!, { algorithm: 'SHA-512-256' });
      assert.equal((await sha512.send({ expires: 300 })).status, 401);
    });

    it('createSimulator refuses an unknown or repeated algorithm with a clear error', () => {
      assert.throws(
        () => createSimulator({ memory: true, sipDigest: ['sha-1'] }),
        /sipDigest: unknown digest algorithm "sha-1"/,
      );
      assert.throws(() => createSimulator({ memory: true, sipDigest: ['md5', 'MD5'] }), /listed twice/);
      assert.throws(() => createSimulator({ memory: true, sipDigest: [] }), /at least one/);
    });

    it('the scenario field sip.digest, from a scenario file, sets them; a scenario without it goes back to MD5', async () => {
      const file = join(tempDir(), 'digest.json');
      writeFileSync(
        file,
        JSON.stringify({ ...demoScenario(), name: 'demo-sha', sip: { digest: ['sha-512-256', 'sha-256', 'md5'] } }),
      );
      const s = await sim({ scenario: file });
      assert.deepEqual((await registerChallenges(s)).algorithms, ['SHA-512-256', 'SHA-256', 'MD5']);
      const applied = await s.admin.post('/sim/scenario', {
        scenario: { ...demoScenario(), name: 'demo-sha256', sip: { digest: ['SHA-256'] } },
      });
      assert.equal(applied.status, 200, JSON.stringify(applied.body));
      assert.deepEqual((await registerChallenges(s, 'tcp')).algorithms, ['SHA-256']);
      assert.equal((await s.admin.post('/sim/scenario', { name: 'demo' })).status, 200);
      assert.deepEqual((await registerChallenges(s, 'ws')).algorithms, ['MD5']);
    });

    it('the option wins over the scenario field', async () => {
      const file = join(tempDir(), 'digest.json');
      writeFileSync(file, JSON.stringify({ ...demoScenario(), name: 'demo-sha', sip: { digest: ['sha-512-256'] } }));
      const s = await sim({ scenario: file, sipDigest: ['md5'] });
      assert.deepEqual((await registerChallenges(s)).algorithms, ['MD5']);
    });

    it('an invalid sip.digest in a scenario is refused naming the field, and nothing changes', async () => {
      const s = await sim();
      for (const digest of [['sha-1'], ['md5', 'md5'], [], 'md5']) {
        const reply = await s.admin.post('/sim/scenario', {
          scenario: { ...demoScenario(), name: 'bad', sip: { digest } },
        });
        assert.equal(reply.status, 400, JSON.stringify(digest));
        assert.equal(reply.body.code, 'INVALID_SCENARIO');
        assert.match(reply.body.message, /sip\.digest/);
      }
      const unknownKey = await s.admin.post('/sim/scenario', {
        scenario: { ...demoScenario(), name: 'bad', sip: { digests: ['md5'] } },
      });
      assert.equal(unknownKey.status, 400);
      assert.equal(s.sim.scenario, 'demo');
      assert.deepEqual((await registerChallenges(s)).algorithms, ['MD5']);
    });
  });
});
