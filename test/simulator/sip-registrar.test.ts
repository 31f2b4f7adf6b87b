import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { SIM_SERVICES, type SimEvent } from '../../shared/schemas/events.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { sleep } from '../support/until.js';
import {
  contactExpiries,
  parseChallenge,
  randomToken,
  Registration,
  SipClient,
  type DigestUser,
  type SipReply,
  type SipTransportName,
} from '../support/sip-client.js';
import { cleanUp, each } from '../support/cleanup.js';
import { assertGranted } from '../support/expiry.js';
import { TEST_TLS } from '../support/testTls.js';

const PBX = 'pbx.demo.starface.test';
const ANNA: DigestUser = { username: DEMO_USERS.anna.login, password: DEMO_USERS.anna.password };
const BERND: DigestUser = { username: DEMO_USERS.bernd.login, password: DEMO_USERS.bernd.password };
const CARLA: DigestUser = { username: DEMO_USERS.carla.login, password: DEMO_USERS.carla.password };
const GERD = {
  login: 'gerd',
  firstName: 'Gerd',
  familyName: 'Groß',
  email: 'gerd@demo.starface.test',
  language: 'de',
  extension: '2060',
  password: 'gerd-login-password',
};

describe('SIP registrar', function () {
  this.timeout(30_000);
  let sim: RunningSim;
  /** The simulator's clock runs `offset` ms ahead of real time. */
  let offset = 0;
  let events: SimEvent[] = [];
  let unsubscribe: () => void;
  const clients: SipClient[] = [];
  let gerdSip: DigestUser;

  before(async () => {
    // These tests check the RFC 8760 challenge set, so they opt in to it (the default is one MD5 challenge).
    sim = await startSim({ clock: () => Date.now() + offset, sipDigest: ['sha-512-256', 'sha-256', 'md5'] });
    unsubscribe = sim.sim.subscribe((e) => {
      if (e.service === SIM_SERVICES.registrar) events.push(e);
    });
    const created = await sim.admin.post('/users', GERD);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // A user created over REST gets a SIP secret of its own, not the login password: the cheat sheet has it.
    const creds = await sim.admin.get<{ users: { login: string; sipPassword: string }[] }>('/sim/credentials');
    const secret = creds.body.users.find((u) => u.login === GERD.login)!.sipPassword;
    assert.notEqual(secret, GERD.password);
    gerdSip = { username: GERD.login, password: secret };
  });
  after(() =>
    cleanUp(
      () => unsubscribe?.(),
      each(clients, (c) => c.close()),
      () => sim?.stop(),
    ),
  );
  beforeEach(() => {
    events = [];
  });
  afterEach(() =>
    // Each test starts with no bindings and a clock in step.
    cleanUp(
      () => sim.internals.sip!.registrar['bindings'].clear(),
      () => (offset = 0),
      each(clients, (c) => c.close()),
    ),
  );

  async function open(transport: SipTransportName = 'udp', protocols?: string[]): Promise<SipClient> {
    const address =
      transport === 'udp' ? sim.addresses.sipUdp : transport === 'tcp' ? sim.addresses.sipTcp : sim.addresses.sipWs;
    const c = await SipClient.to(transport, address, protocols);
    clients.push(c);
    return c;
  }

  async function registration(
    user: DigestUser = ANNA,
    opts: { transport?: SipTransportName; domain?: string; algorithm?: 'MD5' | 'SHA-256' | 'SHA-512-256' } = {},
  ) {
    return new Registration(await open(opts.transport), user, {
      domain: opts.domain ?? PBX,
      algorithm: opts.algorithm,
    });
  }

  async function bindings(): Promise<any[]> {
    const reply = await sim.admin.get('/sim/registrations');
    assert.equal(reply.status, 200);
    return reply.body;
  }

  const named = (name: string) => events.filter((e) => e.event === name);

  async function waitForEvent(name: string, timeoutMs = 10_000): Promise<SimEvent> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = named(name)[0];
      if (found) return found;
      if (Date.now() > end)
        throw new Error(`no ${name} event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ')}`);
      await sleep(25);
    }
  }

  function options(c: SipClient, extra: string[] = [], method = 'OPTIONS'): Promise<SipReply> {
    return c.request(
      [
        `${method} sip:${PBX} SIP/2.0`,
        `Via: ${c.via()}`,
        'Max-Forwards: 70',
        `From: <sip:1001@${PBX}>;tag=${randomToken(4)}`,
        `To: <sip:${PBX}>`,
        `Call-ID: ${randomToken(8)}@test`,
        `CSeq: 1 ${method}`,
        ...extra,
      ].join('\r\n') + '\r\n\r\n',
    );
  }

  describe('digest authentication', () => {
    it('challenges with three WWW-Authenticate headers, strongest first, qop="auth", one nonce', async () => {
      const reg = await registration();
      const reply = await reg.send();
      assert.equal(reply.status, 401);
      const challenges = reply.getAll('www-authenticate');
      assert.equal(challenges.length, 3, reply.raw);
      const parsed = challenges.map(parseChallenge);
      assert.deepEqual(
        parsed.map((c) => c.algorithm),
        ['SHA-512-256', 'SHA-256', 'MD5'],
      );
      for (const [i, c] of parsed.entries()) {
        assert.match(challenges[i]!, /^Digest /);
        assert.match(challenges[i]!, /qop="auth"/, 'qop as a quoted list');
        assert.equal(c.realm, PBX);
        assert.equal(c.qop, 'auth');
        assert.ok(c.nonce && c.nonce.length >= 16, 'a nonce');
        assert.equal(c.nonce, parsed[0]!.nonce, 'one nonce for all');
        assert.equal(c.stale, undefined, 'not stale');
      }
      assert.match(reply.get('to') ?? '', /;tag=/, 'a To tag');
      assert.equal(named('registered').length, 0);
    });

    for (const algorithm of ['MD5', 'SHA-256', 'SHA-512-256'] as const) {
      it(`a REGISTER authenticated with ${algorithm} succeeds`, async () => {
        const reg = await registration(ANNA, { algorithm });
        const reply = await reg.register({ expires: 300 });
        assert.equal(reply.status, 200, reply.raw);
        const ev = await waitForEvent('registered');
        assert.equal(ev.data.aor, `sip:1001@${PBX}`);
        assert.equal(ev.data.login, '1001');
        const list = await bindings();
        assert.equal(list.length, 1);
        assert.equal(list[0].aor, `sip:1001@${PBX}`);
        assert.equal(list[0].contact, reg.client.contactUri('1001'));
      });
    }

    it('a wrong password is 401 with a new challenge and a request-refused event with its reason', async () => {
      const reg = await registration();
      assert.equal((await reg.send()).status, 401);
      const reply = await reg.send({ password: 'not-the-password' });
      assert.equal(reply.status, 401);
      assert.equal(reply.getAll('www-authenticate').length, 3);
      const ev = await waitForEvent('request-refused');
      assert.equal(ev.data.login, '1001');
      assert.equal(ev.data.reason, 'wrong-password');
      assert.equal(ev.data.status, 401);
      assert.equal(ev.data.transport, 'UDP');
      assert.equal(named('registered').length, 0);
      assert.deepEqual(await bindings(), []);
    });

    it('an unknown user is 401 and request-refused (unknown-user)', async () => {
      const reg = await registration({ username: 'nobody', password: 'x' });
      assert.equal((await reg.send({ aor: '1001' })).status, 401);
      assert.equal((await reg.send({ aor: '1001' })).status, 401);
      assert.equal((await waitForEvent('request-refused')).data.reason, 'unknown-user');
    });

    it('a replayed nonce-count is refused (401, request-refused: replay), the next count is accepted', async () => {
      const reg = await registration();
      assert.equal((await reg.register({ expires: 300 })).status, 200);
      assert.equal(reg.digest!.nc, 1);
      const replay = await reg.send({ expires: 300, nc: 1 });
      assert.equal(replay.status, 401, replay.raw);
      const ev = await waitForEvent('request-refused');
      assert.equal(ev.data.reason, 'replay');
      assert.deepEqual(
        named('request-refused').map((e) => e.data.reason),
        ['replay'],
        'a replay is no failed sign-in',
      );
      // The client carries on with the old nonce and nc=2, as a UA would.
      reg.digest!.nc = 1;
      const next = await reg.send({ expires: 300 });
      assert.equal(next.status, 200, next.raw);
      assert.equal(reg.digest!.nc, 2);
      assert.equal(named('refreshed').length, 1);
    });

    it('an expired nonce with the right credentials is 401 with stale=true on every challenge', async () => {
      const reg = await registration();
      assert.equal((await reg.send()).status, 401);
      offset += 301_000; // nonce lifetime: 5 minutes
      const reply = await reg.send({ expires: 300 });
      assert.equal(reply.status, 401, reply.raw);
      const challenges = reply.getAll('www-authenticate').map(parseChallenge);
      assert.equal(challenges.length, 3);
      for (const c of challenges) assert.equal(c.stale?.toLowerCase(), 'true');
      assert.deepEqual(
        named('request-refused').map((e) => e.data.reason),
        ['stale-nonce'],
        'stale is no failure',
      );
      // The fresh nonce works.
      const retry = await reg.send({ expires: 300 });
      assert.equal(retry.status, 200, retry.raw);
    });

    it('a nonce of an earlier run (a restart) with the right credentials is 401 with stale=true; the retry registers', async () => {
      // A refreshing UA reuses the nonce it has; after a restart it is not ours. Without stale=true, baresip
      // (libre) takes the second 401 for its realm as a wrong password and stops registering.
      const earlier = await startSim();
      const before = new Registration(await SipClient.to('udp', earlier.addresses.sipUdp), ANNA, { domain: PBX });
      try {
        assert.equal((await before.register({ expires: 300 })).status, 200);
      } finally {
        await before.client.close();
        await earlier.stop();
      }
      const reg = await registration();
      reg.digest = before.digest;
      const reply = await reg.send({ expires: 300 });
      assert.equal(reply.status, 401, reply.raw);
      const challenges = reply.getAll('www-authenticate').map(parseChallenge);
      assert.equal(challenges.length, 3);
      for (const c of challenges) assert.equal(c.stale?.toLowerCase(), 'true');
      assert.deepEqual(
        named('request-refused').map((e) => e.data.reason),
        ['bad-nonce'],
      );
      const retry = await reg.send({ expires: 300 });
      assert.equal(retry.status, 200, retry.raw);
    });

    it('an expired nonce with a wrong password is 401 without stale', async () => {
      const reg = await registration();
      assert.equal((await reg.send()).status, 401);
      offset += 301_000;
      const reply = await reg.send({ password: 'wrong' });
      assert.equal(reply.status, 401);
      for (const c of reply.getAll('www-authenticate').map(parseChallenge)) assert.equal(c.stale, undefined);
      assert.equal((await waitForEvent('request-refused')).data.reason, 'wrong-password');
    });
  });

  describe('address of record', () => {
    it('403 when 1001 registers the AOR of 1003', async () => {
      const reg = await registration();
      const reply = await reg.register({ aor: CARLA.username });
      assert.equal(reply.status, 403, reply.raw);
      assert.deepEqual(await bindings(), []);
    });

    it('404 for an unknown AOR in a served domain', async () => {
      const reg = await registration();
      const reply = await reg.register({ aor: '9999' });
      assert.equal(reply.status, 404, reply.raw);
    });

    it('404 for a domain not served, in the Request-URI or in the To', async () => {
      const reg = await registration();
      const byUri = await reg.send({ domain: 'example.com' });
      assert.equal(byUri.status, 404, byUri.raw);
      const c = reg.client;
      const toOther = await c.request(
        [
          `REGISTER sip:${PBX} SIP/2.0`,
          `Via: ${c.via()}`,
          'From: <sip:1001@example.com>;tag=abc',
          'To: <sip:1001@example.com>',
          `Call-ID: ${randomToken()}@test`,
          'CSeq: 1 REGISTER',
          `Contact: <${c.contactUri('1001')}>`,
        ].join('\r\n') + '\r\n\r\n',
      );
      assert.equal(toOther.status, 404, toOther.raw);
    });

    for (const domain of [PBX, '127.0.0.1', 'localhost']) {
      it(`registers by login and by extension in ${domain}`, async () => {
        const byLogin = await registration(gerdSip, { domain });
        assert.equal((await byLogin.register({ aor: 'gerd', expires: 300 })).status, 200);
        const byExtension = await registration(gerdSip, { domain });
        const reply = await byExtension.register({ aor: '2060', expires: 300 });
        assert.equal(reply.status, 200, reply.raw);
        const list = await bindings();
        assert.equal(list.length, 2);
        for (const b of list) {
          assert.equal(b.aor, `sip:gerd@${domain}`, 'the AOR is named by login');
          assert.equal(b.login, 'gerd');
          assert.equal(b.extension, '2060');
        }
      });
    }
  });

  describe('expiry', () => {
    it('the contact expires parameter wins over the Expires header', async () => {
      const reg = await registration();
      const sentAt = Date.now();
      const reply = await reg.register({ contacts: [`<${reg.client.contactUri('1001')}>;expires=120`], expires: 600 });
      assert.equal(reply.status, 200, reply.raw);
      assert.equal(contactExpiries(reply).get(reg.client.contactUri('1001')), 120);
      const [b] = await bindings();
      assertGranted(b, 120, sentAt);
    });

    it('the Expires header applies when the contact has no parameter', async () => {
      const reg = await registration();
      const reply = await reg.register({ expires: 600 });
      assert.equal(contactExpiries(reply).get(reg.client.contactUri('1001')), 600);
    });

    it('without either the default is 3600', async () => {
      const reg = await registration();
      const reply = await reg.register();
      assert.equal(reply.status, 200, reply.raw);
      assert.equal(contactExpiries(reply).get(reg.client.contactUri('1001')), 3600);
    });

    it('9999 is shortened to 7200 in the 200', async () => {
      const reg = await registration();
      const reply = await reg.register({ expires: 9999 });
      assert.equal(reply.status, 200, reply.raw);
      assert.equal(contactExpiries(reply).get(reg.client.contactUri('1001')), 7200);
      assert.ok((await bindings())[0].expiresIn <= 7200);
    });

    it('30 is 423 Interval Too Brief with Min-Expires: 60; retrying with 60 works', async () => {
      const reg = await registration();
      const brief = await reg.register({ expires: 30 });
      assert.equal(brief.status, 423, brief.raw);
      assert.equal(brief.get('min-expires'), '60');
      assert.deepEqual(await bindings(), []);
      const contactParam = await reg.send({ contacts: [`<${reg.client.contactUri('1001')}>;expires=59`] });
      assert.equal(contactParam.status, 423);
      const retry = await reg.send({ expires: 60 });
      assert.equal(retry.status, 200, retry.raw);
      assert.equal(contactExpiries(retry).get(reg.client.contactUri('1001')), 60);
    });

    it('bindings expire on time: an expired event and gone from /rest/sim/registrations', async () => {
      const reg = await registration();
      assert.equal((await reg.register({ expires: 60 })).status, 200);
      const other = await registration(BERND);
      assert.equal((await other.register({ expires: 3600 })).status, 200);
      offset += 59_000;
      await sleep(1100);
      assert.equal(named('expired').length, 0, 'not before its time');
      offset += 1_500;
      const ev = await waitForEvent('expired', 10_000); // the registrar sweeps every second
      assert.equal(ev.data.aor, `sip:1001@${PBX}`);
      assert.equal(ev.data.contact, reg.client.contactUri('1001'));
      const list = await bindings();
      assert.deepEqual(
        list.map((b) => b.login),
        ['1002'],
      );
    });
  });

  describe('contacts', () => {
    it('Contact: * with Expires: 0 removes every binding of the AOR', async () => {
      const a = await registration();
      assert.equal((await a.register({ expires: 300 })).status, 200);
      const b = await registration();
      assert.equal((await b.register({ expires: 300 })).status, 200);
      assert.equal((await bindings()).length, 2);
      const reply = await a.send({ contacts: ['*'], expires: 0 });
      assert.equal(reply.status, 200, reply.raw);
      assert.deepEqual(reply.getAll('contact'), []);
      assert.deepEqual(await bindings(), []);
      assert.equal(named('unregistered').length, 2);
      assert.ok(named('unregistered').every((e) => e.data.reason === 'wildcard'));
    });

    it('Contact: * without Expires: 0 is 400', async () => {
      const reg = await registration();
      assert.equal((await reg.register({ expires: 300 })).status, 200);
      const noExpires = await reg.send({ contacts: ['*'] });
      assert.equal(noExpires.status, 400, noExpires.raw);
      const nonZero = await reg.send({ contacts: ['*'], expires: 60 });
      assert.equal(nonZero.status, 400, nonZero.raw);
      assert.equal((await bindings()).length, 1);
    });

    it('Contact: * together with another contact is 400', async () => {
      const reg = await registration();
      assert.equal((await reg.register({ expires: 300 })).status, 200);
      const reply = await reg.send({ contacts: ['*', `<${reg.client.contactUri('1001')}>`], expires: 0 });
      assert.equal(reply.status, 400, reply.raw);
      assert.equal((await bindings()).length, 1);
    });

    it('a REGISTER without Contact is a query: 200 with the bindings, nothing changed', async () => {
      const reg = await registration();
      const first = await reg.register({
        contacts: [`<sip:1001@192.0.2.1:5070>;expires=300`, `<sip:1001@192.0.2.2:5070>;expires=600`],
      });
      assert.equal(first.status, 200, first.raw);
      events = [];
      const query = await reg.send({ contacts: [] });
      assert.equal(query.status, 200, query.raw);
      const listed = contactExpiries(query);
      assert.deepEqual([...listed.keys()].sort(), ['sip:1001@192.0.2.1:5070', 'sip:1001@192.0.2.2:5070']);
      assert.ok(listed.get('sip:1001@192.0.2.2:5070')! > 590);
      assert.deepEqual(events, [], 'a query changes nothing');
      assert.equal((await bindings()).length, 2);
      // A query of an AOR without bindings is 200 with no Contact.
      const carla = await registration(CARLA);
      const empty = await carla.register({ contacts: [] });
      assert.equal(empty.status, 200);
      assert.deepEqual(empty.getAll('contact'), []);
    });

    it('two contacts in one REGISTER are both bound; one can be removed with expires=0', async () => {
      const reg = await registration();
      const reply = await reg.register({
        contacts: ['<sip:1001@192.0.2.1:5070>', '"Desk" <sip:1001@192.0.2.2:5070;transport=tcp>'],
        expires: 300,
      });
      assert.equal(reply.status, 200, reply.raw);
      assert.equal(contactExpiries(reply).size, 2);
      assert.equal(named('registered').length, 2);
      assert.deepEqual((await bindings()).map((b) => b.contact).sort(), [
        'sip:1001@192.0.2.1:5070',
        'sip:1001@192.0.2.2:5070;transport=tcp',
      ]);
      const remove = await reg.send({ contacts: ['<sip:1001@192.0.2.1:5070>;expires=0'] });
      assert.equal(remove.status, 200, remove.raw);
      assert.deepEqual([...contactExpiries(remove).keys()], ['sip:1001@192.0.2.2:5070;transport=tcp']);
      const ev = await waitForEvent('unregistered');
      assert.equal(ev.data.contact, 'sip:1001@192.0.2.1:5070');
    });

    it('the 200 echoes each Contact byte for byte but for expires: quoted +sip.instance, reg-id, display name', async () => {
      for (const transport of ['udp', 'tcp'] as const) {
        const reg = await registration(ANNA, { transport });
        const uri = reg.client.contactUri('1001');
        // As linphone sends it; a +sip.instance echoed without its quotes makes linphone's Contact parser fail.
        const sent = `"Anna Albers" <${uri};line=ab12>;+sip.instance="<urn:uuid:6e1f0c9a-1d2b-4c3d-8e4f-5a6b7c8d9e0f>";reg-id=1;+org.linphone.specs="lime,groupchat";q=0.8;expires=600`;
        const reply = await reg.register({ contacts: [sent] });
        assert.equal(reply.status, 200, reply.raw);
        const [contact] = reply.getAll('contact');
        assert.equal(
          contact,
          `"Anna Albers" <${uri};line=ab12>;+sip.instance="<urn:uuid:6e1f0c9a-1d2b-4c3d-8e4f-5a6b7c8d9e0f>";reg-id=1;+org.linphone.specs="lime,groupchat";q=0.8;expires=600`,
          `${transport}: ${reply.raw}`,
        );
        // A refresh with a quoted value holding ";" keeps it whole too.
        const again = await reg.send({ contacts: [`<${uri}>;+sip.instance="<urn:uuid:x;y>";expires=300`] });
        assert.equal(again.status, 200, again.raw);
        assert.equal(again.getAll('contact')[0], `<${uri}>;+sip.instance="<urn:uuid:x;y>";expires=300`);
        if (transport === 'udp') {
          // A bare URI (its ";" parameters are the field's) gets its <>; space around ";" is dropped, the rest
          // stays, and a "<" inside a quoted parameter is no bracket.
          const bare = await reg.send({
            contacts: [`${uri} ; Expires=300 ; Reg-Id=2 ;+sip.instance="<urn:uuid:x;y>"`],
          });
          assert.equal(bare.status, 200, bare.raw);
          assert.deepEqual(bare.getAll('contact'), [`<${uri}>;Reg-Id=2;+sip.instance="<urn:uuid:x;y>";expires=300`]);
        }
        sim.internals.sip!.registrar['bindings'].clear();
      }
    });

    it('an Expires: 0 header (no contact parameter) removes the binding', async () => {
      const reg = await registration();
      assert.equal((await reg.register({ expires: 300 })).status, 200);
      assert.equal((await bindings()).length, 1);
      const reply = await reg.send({ expires: 0 });
      assert.equal(reply.status, 200, reply.raw);
      assert.deepEqual(reply.getAll('contact'), []);
      assert.deepEqual(await bindings(), []);
      assert.equal((await waitForEvent('unregistered')).data.reason, 'expires=0');
    });

    it('Path is stored with the binding and echoed in the 200', async () => {
      const reg = await registration();
      const path = ['<sip:edge1.example.net;lr>', '<sip:edge2.example.net;lr>'];
      const reply = await reg.register({ expires: 300, headers: path.map((p) => `Path: ${p}`) });
      assert.equal(reply.status, 200, reply.raw);
      assert.deepEqual(reply.getAll('path'), path);
      assert.deepEqual((await bindings())[0].path, path);
    });

    it('same Call-ID with a CSeq not higher is 400; a higher one refreshes; another Call-ID updates', async () => {
      const reg = await registration();
      assert.equal((await reg.register({ expires: 300 })).status, 200);
      const cseq = reg.cseq;
      const equal = await reg.send({ cseq, expires: 600 });
      assert.equal(equal.status, 400, equal.raw);
      const lower = await reg.send({ cseq: cseq - 1, expires: 600 });
      assert.equal(lower.status, 400, lower.raw);
      assert.equal((await bindings())[0].expiresIn <= 300, true, 'unchanged');
      const higher = await reg.send({ cseq: cseq + 1, expires: 600 });
      assert.equal(higher.status, 200, higher.raw);
      assert.equal(named('refreshed').length, 1);
      // The same contact from another Call-ID, with a low CSeq: an update, not a reorder.
      const other = new Registration(reg.client, ANNA, { domain: PBX });
      const fromOther = await other.register({ expires: 900 });
      assert.equal(fromOther.status, 200, fromOther.raw);
      const list = await bindings();
      assert.equal(list.length, 1);
      assert.equal(list[0].callId, other.callId);
      assert.ok(list[0].expiresIn > 600);
    });
  });

  describe('methods and extensions', () => {
    it('OPTIONS to the PBX is answered 200 with Allow (keep-alive), over UDP, TCP and WS', async () => {
      for (const transport of ['udp', 'tcp', 'ws'] as const) {
        const c = await open(transport);
        const reply = await options(c);
        assert.equal(reply.status, 200, `${transport}: ${reply.raw}`);
        const allow = (reply.get('allow') ?? '').split(/\s*,\s*/);
        for (const m of ['REGISTER', 'OPTIONS', 'INVITE']) assert.ok(allow.includes(m), `${transport} Allow: ${allow}`);
      }
    });

    it('a double-CRLF ping on TCP gets a CRLF pong', async () => {
      const c = await open('tcp');
      const pong = c.next((raw) => raw === '\r\n', 2000);
      c.sendRaw('\r\n\r\n');
      assert.equal(await pong, '\r\n');
      assert.equal((await options(c)).status, 200);
    });

    it('an unknown method is 405 with Allow', async () => {
      const c = await open();
      const reply = await options(c, [], 'FOO');
      assert.equal(reply.status, 405, reply.raw);
      const allow = (reply.get('allow') ?? '').split(/\s*,\s*/);
      assert.ok(allow.includes('REGISTER') && allow.includes('OPTIONS'), String(allow));
      assert.ok(!allow.includes('FOO'));
    });

    it('Require: foo on REGISTER is 420 with Unsupported: foo; Require: path is fine', async () => {
      const reg = await registration();
      const reply = await reg.send({ headers: ['Require: foo'] });
      assert.equal(reply.status, 420, reply.raw);
      assert.equal(reply.get('unsupported'), 'foo');
      const path = await reg.register({ expires: 300, headers: ['Require: path', 'Path: <sip:edge.example.net;lr>'] });
      assert.equal(path.status, 200, path.raw);
    });

    it('Require: foo on OPTIONS is 420 with Unsupported: foo', async () => {
      const reply = await options(await open(), ['Require: foo']);
      assert.equal(reply.status, 420, reply.raw);
      assert.equal(reply.get('unsupported'), 'foo');
    });
  });

  describe('transports', () => {
    it('a REGISTER over TCP binds to the connection: transport TCP, source, expiresIn in the REST view', async () => {
      const reg = await registration(ANNA, { transport: 'tcp' });
      const sentAt = Date.now();
      const reply = await reg.register({ expires: 300 });
      assert.equal(reply.status, 200, reply.raw);
      const [b] = await bindings();
      assert.equal(b.transport, 'TCP');
      assert.equal(b.source, `${reg.client.local.address}:${reg.client.local.port}`);
      assertGranted(b, 300, sentAt);
      assert.equal(b.callId, reg.callId);
      assert.equal(b.cseq, reg.cseq);
      assert.equal(b.userAgent, 'sip-client-test');
      assert.equal(b.login, '1001');
      assert.equal(b.extension, '1001');
      assert.ok(!Number.isNaN(Date.parse(b.expiresAt)) && !Number.isNaN(Date.parse(b.registeredAt)));
    });

    it('the REST view lists bindings of several users and transports', async () => {
      const udp = await registration(ANNA);
      assert.equal((await udp.register({ expires: 300 })).status, 200);
      const ws = await registration(BERND, { transport: 'ws' });
      const sentAt = Date.now();
      assert.equal((await ws.register({ expires: 600 })).status, 200);
      const list = await bindings();
      const byLogin = Object.fromEntries(list.map((b) => [b.login, b]));
      assert.equal(byLogin['1001'].transport, 'UDP');
      assert.equal(byLogin['1001'].source, `127.0.0.1:${udp.client.local.port}`);
      assert.equal(byLogin['1002'].transport, TEST_TLS ? 'WSS' : 'WS');
      assert.match(byLogin['1002'].source, /^127\.0\.0\.1:\d+$/);
      assertGranted(byLogin['1002'], 600, sentAt);
    });

    it('a WebSocket binding goes when the socket closes (unregistered event)', async () => {
      const reg = await registration(ANNA, { transport: 'ws' });
      const reply = await reg.register({ expires: 600 });
      assert.equal(reply.status, 200, reply.raw);
      assert.equal((await bindings())[0].transport, TEST_TLS ? 'WSS' : 'WS');
      await reg.client.close();
      const ev = await waitForEvent('unregistered');
      assert.equal(ev.data.aor, `sip:1001@${PBX}`);
      assert.equal(ev.data.transport, TEST_TLS ? 'WSS' : 'WS');
      assert.deepEqual(await bindings(), []);
    });

    it('WebSocket without the subprotocol "sip" is refused', async () => {
      const refused = (protocols: string[]) =>
        new Promise<number>((resolve, reject) => {
          const ws = new WebSocket(sim.addresses.sipWs, protocols);
          ws.on('open', () => {
            ws.terminate();
            reject(new Error(`opened with ${JSON.stringify(protocols)}`));
          });
          ws.on('unexpected-response', (_req, res) => {
            resolve(res.statusCode ?? 0);
            res.resume();
            ws.terminate();
          });
          ws.on('error', () => {});
        });
      assert.equal(await refused([]), 400);
      assert.equal(await refused(['chat']), 400);
      // And the transport still accepts a proper client.
      const c = await open('ws');
      assert.equal((await options(c)).status, 200);
    });

    const bigRegister = (c: SipClient) => {
      const pad = 'x'.repeat(70 * 1024);
      return [
        `REGISTER sip:${PBX} SIP/2.0`,
        `Via: ${c.via()}`,
        `From: <sip:1001@${PBX}>;tag=big`,
        `To: <sip:1001@${PBX}>`,
        `Call-ID: ${randomToken()}@test`,
        'CSeq: 1 REGISTER',
        `X-Padding: ${pad}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    };

    it('a 70 KiB message on TCP is refused: the connection is closed; the port keeps accepting', async () => {
      const c = await open('tcp');
      c.sendRaw(bigRegister(c));
      const closed = await Promise.race([c.closed.then(() => true), sleep(10_000).then(() => false)]);
      assert.ok(closed, 'the server closed the connection');
      for (const raw of c.received) assert.doesNotMatch(raw, /^SIP\/2\.0 [12]\d\d/, 'no success answer');
      assert.equal((await options(await open('tcp'))).status, 200);
    });

    it('a 70 KiB body on TCP (Content-Length over the limit) is refused too', async () => {
      const c = await open('tcp');
      const body = 'v=0\r\n'.padEnd(70 * 1024, 'a');
      c.sendRaw(
        [
          `OPTIONS sip:${PBX} SIP/2.0`,
          `Via: ${c.via()}`,
          `From: <sip:1001@${PBX}>;tag=big`,
          `To: <sip:${PBX}>`,
          `Call-ID: ${randomToken()}@test`,
          'CSeq: 1 OPTIONS',
          'Content-Type: application/sdp',
          `Content-Length: ${body.length}`,
          '',
          body,
        ].join('\r\n'),
      );
      const closed = await Promise.race([c.closed.then(() => true), sleep(10_000).then(() => false)]);
      assert.ok(closed, 'the server closed the connection');
      for (const raw of c.received) assert.doesNotMatch(raw, /^SIP\/2\.0 2\d\d/);
    });

    it('a 70 KiB message on WS is refused with close code 1009; /sip keeps accepting', async () => {
      const c = await open('ws');
      c.sendRaw(bigRegister(c));
      const closed = await Promise.race([c.closed, sleep(10_000).then(() => undefined)]);
      assert.ok(closed, 'the server closed the WebSocket');
      assert.equal(closed.code, 1009);
      assert.equal((await options(await open('ws'))).status, 200);
    });

    it('a ~65 KB UDP datagram is dropped and the server still answers the next OPTIONS', async () => {
      const c = await open('udp');
      const junk = Buffer.alloc(65_000, 'x');
      Buffer.from(`REGISTER sip:${PBX} SIP/2.0\r\nX-Junk: `).copy(junk);
      const anything = c.next(() => true, 400);
      c.sendRaw(junk);
      assert.equal(await anything, undefined, 'no answer to the junk');
      const reply = await options(c);
      assert.equal(reply.status, 200);
    });

    it('garbage on every transport never stops them from accepting', async () => {
      const inputs = [
        '\0\0\0',
        'REGISTER\r\n\r\n',
        'SIP/2.0 200 OK\r\n\r\n',
        'INVITE sip:x SIP/2.0\r\nContent-Length: -1\r\n\r\n',
        '\xff\xfe'.repeat(100),
      ];
      for (const transport of ['udp', 'tcp', 'ws'] as const) {
        for (const input of inputs) {
          const c = await open(transport);
          c.sendRaw(Buffer.from(input, 'latin1'));
        }
        await sleep(50);
        const fresh = await open(transport);
        assert.equal((await options(fresh)).status, 200, transport);
      }
    });
  });
});
