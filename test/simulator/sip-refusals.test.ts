// Refused SIP requests: one info log line and one `request-refused` event each, with the reason, method, source,
// transport and login/AOR, never a secret; a flood from one source is aggregated into a few events with a count.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SIM_SERVICES, type SimEvent } from '../../shared/schemas/events.js';
import { REGISTRAR_EVENTS, SipRefusalSchema } from '../../shared/schemas/registrations.js';
import type { Logger } from '../../simulator/src/log.js';
import { DEMO_USERS, startSim } from '../support/rest.js';
import {
  parseChallenge,
  randomToken,
  Registration,
  SipClient,
  type DigestUser,
  type SipReply,
  type SipTransportName,
} from '../support/sip-client.js';
import { until } from '../support/until.js';
import { computeResponse } from '../../simulator/src/sip/auth/digest.js';
import { spawn } from 'node:child_process';
import { EventBus } from '../../simulator/src/events/bus.js';
import { RefusalReporter } from '../../simulator/src/sip/refusals.js';
import type { Flow } from '../../simulator/src/sip/transport/flow.js';
import { TEST_TLS } from '../support/testTls.js';

const PBX = 'pbx.demo.starface.test';
const ANNA: DigestUser = { username: DEMO_USERS.anna.login, password: DEMO_USERS.anna.password };
const CARLA: DigestUser = { username: DEMO_USERS.carla.login, password: DEMO_USERS.carla.password };

interface LogLine {
  level: string;
  msg: string;
  [k: string]: unknown;
}

/** A simulator whose log lines and registrar events are collected. */
async function observed(opts: Parameters<typeof startSim>[0] = {}) {
  const lines: LogLine[] = [];
  const logger: Logger = (level, msg, fields) => lines.push(JSON.parse(JSON.stringify({ level, msg, ...fields })));
  const sim = await startSim({ logger, clock: opts.clock, ...opts });
  const events: SimEvent[] = [];
  sim.sim.subscribe((e) => {
    if (e.service === SIM_SERVICES.registrar && e.event === REGISTRAR_EVENTS.requestRefused) events.push(e);
  });
  const refusalLines = () => lines.filter((l) => l.reason !== undefined && /refused/.test(l.msg));
  return { sim, lines, events, refusalLines };
}

describe('SIP refused requests: log and events', function () {
  this.timeout(30_000);
  let o: Awaited<ReturnType<typeof observed>>;
  let offset = 0;
  const clients: SipClient[] = [];
  /** Every secret the tests send: none may appear in a log line or an event. */
  const secrets = new Set<string>([ANNA.password, CARLA.password, 'not-annas-password']);

  before(async () => {
    o = await observed({ clock: () => Date.now() + offset });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await o.sim.stop();
  });
  afterEach(() => {
    offset = 0;
  });

  /** Refusals are reported per source address: every client sends from a loopback address of its own. */
  let nextSource = 10;
  async function open(transport: SipTransportName = 'udp'): Promise<SipClient> {
    const a = o.sim.addresses;
    const target = transport === 'udp' ? a.sipUdp : transport === 'tcp' ? a.sipTcp : a.sipWs;
    const c = await SipClient.to(transport, target, undefined, `127.0.0.${nextSource++}`);
    clients.push(c);
    return c;
  }

  /** Remembers the nonce and response of the last Authorization sent, so the test can look for them. */
  function remember(reply: SipReply): void {
    for (const c of reply.getAll('www-authenticate').concat(reply.getAll('proxy-authenticate')))
      secrets.add(parseChallenge(c).nonce!);
  }

  /** The one event and the one log line of this client's refusal with this reason; checks the common fields. */
  async function refusal(c: SipClient, reason: string, method = 'REGISTER') {
    const source = c.transport === 'ws' ? c.target.localAddress! : c.local.address;
    const ev = await until(`a ${reason} event`, () =>
      o.events.find((e) => e.data.reason === reason && e.data.source === source),
    );
    const data = SipRefusalSchema.parse(ev.data);
    assert.equal(data.method, method);
    assert.equal(data.transport, c.target.url?.startsWith('wss:') ? 'WSS' : c.transport.toUpperCase());
    assert.equal(data.count, 1);
    const line = await until(`a ${reason} log line`, () =>
      o.refusalLines().find((l) => l.reason === reason && l.source === data.source),
    );
    assert.equal(line.level, 'info');
    assert.equal(line.method, method);
    assert.equal(line.transport, data.transport);
    assert.match(line.msg, new RegExp(`^sip ${method} refused: `));
    return { data, line };
  }

  function assertNoSecrets(): void {
    const text = JSON.stringify(o.lines) + JSON.stringify(o.events);
    for (const s of secrets) assert.ok(!text.includes(s), `a secret leaked into the log or events: ${s.slice(0, 6)}…`);
    // No digest response hash: 32 hex digits (MD5) are nowhere.
    assert.doesNotMatch(text, /\b[0-9a-f]{32}\b/);
  }

  after(() => assertNoSecrets());

  it('wrong password: 401, reason wrong-password, with login and AOR', async () => {
    const reg = new Registration(await open(), ANNA, { domain: PBX });
    remember(await reg.send());
    const reply = await reg.send({ password: 'not-annas-password' });
    assert.equal(reply.status, 401);
    remember(reply);
    const { data, line } = await refusal(reg.client, 'wrong-password');
    assert.equal(data.status, 401);
    assert.equal(data.login, '1001');
    assert.equal(data.aor, `sip:1001@${PBX}`);
    assert.equal(line.login, '1001');
    assert.equal(line.aor, `sip:1001@${PBX}`);
  });

  it('unknown user: reason unknown-user', async () => {
    const reg = new Registration(
      await open('tcp'),
      { username: 'nobody', password: 'whatever-secret' },
      { domain: PBX },
    );
    secrets.add('whatever-secret');
    remember(await reg.send({ aor: '1001' }));
    remember(await reg.send({ aor: '1001' }));
    const { data } = await refusal(reg.client, 'unknown-user');
    assert.equal(data.login, 'nobody');
  });

  it('stale nonce: reason stale-nonce (and the retry registers)', async () => {
    const reg = new Registration(await open(), ANNA, { domain: PBX });
    remember(await reg.send());
    offset += 301_000;
    const stale = await reg.send({ expires: 300 });
    assert.equal(stale.status, 401);
    remember(stale);
    assert.equal((await refusal(reg.client, 'stale-nonce')).data.status, 401);
    assert.equal((await reg.send({ expires: 300 })).status, 200);
  });

  it('an algorithm not offered: reason unsupported-algorithm', async () => {
    const reg = new Registration(await open('ws'), ANNA, { domain: PBX });
    remember(await reg.send());
    Object.assign(reg.digest!, { algorithm: 'SHA-512-256' });
    remember(await reg.send({ expires: 300 }));
    const { data } = await refusal(reg.client, 'unsupported-algorithm');
    assert.equal(data.transport, TEST_TLS ? 'WSS' : 'WS');
    assert.equal(data.login, '1001');
  });

  it('another realm: reason wrong-realm', async () => {
    const reg = new Registration(await open(), ANNA, { domain: PBX });
    remember(await reg.send());
    (reg.digest!.challenge as Record<string, string>).realm = 'other.realm.test';
    remember(await reg.send({ expires: 300 }));
    await refusal(reg.client, 'wrong-realm');
  });

  it("someone else's address: 403, reason aor-mismatch", async () => {
    const reg = new Registration(await open('tcp'), ANNA, { domain: PBX });
    const reply = await reg.register({ aor: '1003' });
    assert.equal(reply.status, 403);
    const { data } = await refusal(reg.client, 'aor-mismatch');
    assert.equal(data.status, 403);
    assert.equal(data.login, '1001');
    assert.equal(data.aor, `sip:1003@${PBX}`);
  });

  it('an unknown AOR: 404, reason unknown-aor; a domain not served: unknown-domain', async () => {
    const reg = new Registration(await open(), ANNA, { domain: PBX });
    assert.equal((await reg.register({ aor: '9999' })).status, 404);
    await refusal(reg.client, 'unknown-aor');
    assert.equal((await reg.send({ domain: 'example.com' })).status, 404);
    await refusal(reg.client, 'unknown-domain');
  });

  it('a password in a SIP URI (sip:user:password@host) is not repeated', async () => {
    const c = await open();
    secrets.add('uri-secret-4711');
    const text =
      [
        'REGISTER sip:elsewhere.example SIP/2.0',
        `Via: ${c.via()}`,
        'Max-Forwards: 70',
        `From: <sip:1001@${PBX}>;tag=${randomToken(4)}`,
        `To: <sip:1001:uri-secret-4711@${PBX}>`,
        `Call-ID: ${randomToken(8)}@test`,
        'CSeq: 1 REGISTER',
        `Contact: <${c.contactUri('1001')}>`,
      ].join('\r\n') + '\r\n\r\n';
    assert.equal((await c.request(text)).status, 404);
    const { data } = await refusal(c, 'unknown-domain');
    assert.equal(data.aor, `sip:1001:***@${PBX}`);
  });

  it('a replayed nonce-count: reason replay', async () => {
    const reg = new Registration(await open(), ANNA, { domain: PBX });
    assert.equal((await reg.register({ expires: 300 })).status, 200);
    assert.equal((await reg.send({ expires: 300, nc: 1 })).status, 401);
    await refusal(reg.client, 'replay');
    await reg.send({ contacts: ['*'], expires: 0 });
  });

  describe('calls', () => {
    /** An INVITE from `from`, authenticated as `user`, to `to`; resolves with the final answer. */
    async function invite(
      c: SipClient,
      user: DigestUser,
      from: string,
      to: string,
      opts: { password?: string } = {},
    ): Promise<SipReply> {
      const callId = `${randomToken(8)}@test`;
      const uri = `sip:${to}@${PBX}`;
      const text = (cseq: number, auth?: string) =>
        [
          `INVITE ${uri} SIP/2.0`,
          `Via: ${c.via()}`,
          'Max-Forwards: 70',
          `From: <sip:${from}@${PBX}>;tag=${randomToken(4)}`,
          `To: <${uri}>`,
          `Call-ID: ${callId}`,
          `CSeq: ${cseq} INVITE`,
          `Contact: <${c.contactUri(from)}>`,
          ...(auth ? [`Proxy-Authorization: ${auth}`] : []),
        ].join('\r\n') + '\r\n\r\n';
      const challenge = await c.request(text(1));
      assert.equal(challenge.status, 407);
      remember(challenge);
      const ch = parseChallenge(challenge.get('proxy-authenticate')!);
      const cnonce = randomToken(4);
      const response = computeResponse({
        algorithm: 'MD5',
        username: user.username,
        realm: ch.realm!,
        password: opts.password ?? user.password,
        method: 'INVITE',
        uri,
        nonce: ch.nonce!,
        nc: '00000001',
        cnonce,
        qop: 'auth',
      });
      const auth = `Digest username="${user.username}", realm="${ch.realm}", nonce="${ch.nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}", opaque="${ch.opaque}"`;
      return c.request(text(2, auth), 5000);
    }

    it('a call From someone else: 403, reason from-mismatch', async () => {
      const c = await open();
      assert.equal((await invite(c, ANNA, '1003', '1002')).status, 403);
      const { data } = await refusal(c, 'from-mismatch', 'INVITE');
      assert.equal(data.login, '1001');
      assert.equal(data.aor, `sip:1003@${PBX}`);
      assert.equal(data.target, `sip:1002@${PBX}`);
    });

    it('a wrong password on INVITE: 407 again, reason wrong-password', async () => {
      const c = await open('tcp');
      assert.equal((await invite(c, ANNA, '1001', '1002', { password: 'not-annas-password' })).status, 407);
      assert.equal((await refusal(c, 'wrong-password', 'INVITE')).data.status, 407);
    });

    it('an unknown number: 404 unknown-number; a user without a phone: 480 not-registered', async () => {
      const c = await open();
      assert.equal((await invite(c, ANNA, '1001', '4711')).status, 404);
      assert.equal((await refusal(c, 'unknown-number', 'INVITE')).data.target, `sip:4711@${PBX}`);
      assert.equal((await invite(c, ANNA, '1001', '1003')).status, 480);
      assert.equal((await refusal(c, 'not-registered', 'INVITE')).data.status, 480);
    });
  });
});

describe('SIP refused requests: aggregation per source', function () {
  this.timeout(120_000);

  it('1,000 bad REGISTERs from one source make two events and two log lines, counting all 1,000', async () => {
    // A window longer than any run: the aggregated report comes when the simulator stops. The sign-in limiter
    // would answer 403 after 5 guesses (sip-auth-limiter.test.ts); here every guess is checked and refused alike.
    const noThrottle = { perLogin: 10_000, perAddress: 10_000, perLoginAllAddresses: 10_000 };
    const o = await observed({ sipRefusalWindowMs: 3_600_000, rateLimit: noThrottle });
    const c = await SipClient.to('tcp', o.sim.addresses.sipTcp);
    try {
      const reg = new Registration(c, ANNA, { domain: PBX });
      assert.equal((await reg.send()).status, 401);
      for (let i = 0; i < 1000; i++) {
        const reply = await reg.send({ password: 'not-annas-password', nc: 1 });
        assert.equal(reply.status, 401);
      }
      // Meanwhile a refusal from another source is reported at once: the flood did not drown it.
      const otherClient = await SipClient.to('udp', o.sim.addresses.sipUdp, undefined, '127.0.0.2');
      const other = new Registration(otherClient, ANNA, { domain: PBX });
      assert.equal((await other.register({ aor: '1003' })).status, 403);
      await until("the other source's refusal", () => o.events.find((e) => e.data.reason === 'aor-mismatch'));
      await other.client.close();
      assert.equal(o.events.filter((e) => e.data.reason === 'wrong-password').length, 1, 'only the first so far');
    } finally {
      await c.close();
      await o.sim.stop();
    }
    const flood = o.events.filter((e) => e.data.reason === 'wrong-password');
    assert.deepEqual(
      flood.map((e) => e.data.count),
      [1, 999],
    );
    const last = SipRefusalSchema.parse(flood[1]!.data);
    assert.equal(last.source, flood[0]!.data.source);
    assert.ok(Date.parse(last.firstAt) <= Date.parse(last.lastAt));
    const lines = o.refusalLines().filter((l) => l.reason === 'wrong-password');
    assert.deepEqual(
      lines.map((l) => l.count),
      [1, 999],
    );
    assert.match(lines[1]!.msg, /\(999 times since /);
  });

  it('when the window closes, what was counted is published as one event with the count', async () => {
    const o = await observed({ sipRefusalWindowMs: 200 });
    const c = await SipClient.to('udp', o.sim.addresses.sipUdp);
    try {
      const reg = new Registration(c, ANNA, { domain: PBX });
      assert.equal((await reg.send()).status, 401);
      for (let i = 0; i < 5; i++) assert.equal((await reg.send({ password: 'not-annas-password', nc: 1 })).status, 401);
      // However the five fell into windows, the events add up to five and the first stands alone.
      const total = () =>
        o.events.filter((e) => e.data.reason === 'wrong-password').reduce((n, e) => n + (e.data.count as number), 0);
      await until('all five counted', () => total() === 5);
      const counts = o.events.map((e) => e.data.count as number);
      assert.equal(counts[0], 1);
      assert.ok(counts.length <= 5, String(counts));
    } finally {
      await c.close();
      await o.sim.stop();
    }
  });
});

describe("SIP refused requests: the reporter's bounds", function () {
  this.timeout(60_000);
  // Sources are addresses (whatever the port): n is the n-th of 10.0.0.0/8.
  const flow = (n: number): Flow => ({
    id: `udp:10.0.${n >> 8}.${n & 255}:5070`,
    transport: 'UDP',
    remote: { address: `10.0.${n >> 8}.${n & 255}`, port: 5070 },
    local: { address: '127.0.0.1', port: 5060 },
    open: true,
    send: () => undefined,
  });

  it('a flood from many sources keeps at most maxSources windows; the rest is counted under source "*"', () => {
    const bus = new EventBus();
    const events: SimEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const reporter = new RefusalReporter({ bus, log: () => undefined, windowMs: 3_600_000, maxSources: 50 });
    try {
      for (let n = 1; n <= 5000; n++) {
        reporter.refused({
          method: 'REGISTER',
          status: 401,
          reason: 'wrong-password',
          message: 'x'.repeat(60_000),
          flow: flow(n),
          login: 'y'.repeat(60_000),
        });
      }
      // 50 sources plus one "*" window for this reason, however many sources came.
      assert.equal(reporter.tracked, 51);
      assert.equal(events.length, 51, 'the first of each tracked source, and the first of the overflow');
      assert.equal(events[50]!.data.source, '*');
      for (const e of events)
        assert.ok(
          (e.data.message as string).length <= 201 && (e.data.login as string).length <= 201,
          'client text is clipped',
        );
    } finally {
      reporter.stop();
    }
    const total = events.reduce((n, e) => n + (e.data.count as number), 0);
    assert.equal(total, 5000, 'every refusal is counted');
    assert.equal(reporter.tracked, 0);
  });

  it('an open window does not keep the process alive', async () => {
    // A child reports one refusal with an hour-long window and never stops the reporter: it must still exit.
    const code = `
      const { EventBus } = require('./simulator/src/events/bus.ts');
      const { RefusalReporter } = require('./simulator/src/sip/refusals.ts');
      const r = new RefusalReporter({ bus: new EventBus(), log: () => undefined, windowMs: 3_600_000 });
      const flow = { id: 'udp:127.0.0.1:5070', transport: 'UDP', remote: { address: '127.0.0.1', port: 5070 }, local: { address: '127.0.0.1', port: 5060 }, open: true, send() {} };
      r.refused({ method: 'REGISTER', status: 401, reason: 'wrong-password', message: 'wrong password', flow });
      r.refused({ method: 'REGISTER', status: 401, reason: 'wrong-password', message: 'wrong password', flow });
      console.log('windows', r.tracked);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], {
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    try {
      // The ceiling is generous; an hour-long timer holding the process would run into it.
      const exitCode = await Promise.race([
        exited,
        new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 45_000).unref()),
      ]);
      assert.equal(exitCode, 0, out);
      assert.match(out, /windows 1/);
    } finally {
      child.kill();
    }
  });
});
