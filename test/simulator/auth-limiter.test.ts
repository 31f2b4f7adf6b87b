/**
 * The failed sign-in limiter over the wire (simulator/src/auth/rateLimit.ts): REST logins and SIP digest guesses
 * counted per login and source address, with back-off. Other sources are other loopback addresses (127.0.0.2, …;
 * Linux answers for all of 127/8). A frozen clock keeps every wait running; no test looks at durations.
 */
import assert from 'node:assert/strict';
import { restLoginSecret } from '../../shared/hashes.js';
import { REGISTRAR_EVENTS, SipRefusalSchema } from '../../shared/schemas/registrations.js';
import { SIM_SERVICES, type SimEvent } from '../../shared/schemas/events.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { RestFrom } from '../support/fromAddress.js';
import { Registration, SipClient, type DigestUser } from '../support/sip-client.js';
import { until } from '../support/until.js';

const PBX = 'pbx.demo.starface.test';
const ANNA: DigestUser = { username: DEMO_USERS.anna.login, password: DEMO_USERS.anna.password };

describe('sign-in limiter: REST logins per login and address', function () {
  this.timeout(60_000);
  let now = Date.parse('2025-06-01T10:00:00Z');
  let sim: RunningSim;

  beforeEach(async () => {
    sim = await startSim({ clock: () => now });
  });
  afterEach(async () => {
    await sim?.stop();
  });

  it("another address's failed logins for admin do not lock the admin out", async () => {
    const attacker = new RestFrom(sim.base, '127.0.0.2');
    for (let i = 0; i < 5; i++) assert.equal((await attacker.attempt('admin', `guess-${i}`)).status, 400);
    for (let i = 5; i < 30; i++) assert.equal((await attacker.attempt('admin', `guess-${i}`)).status, 429);
    assert.equal((await attacker.attempt('admin', ADMIN_PASSWORD)).status, 429, 'the guessing address waits');
    const reply = await new RestFrom(sim.base, '127.0.0.1').attempt('admin', ADMIN_PASSWORD);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  });

  it('failures for other logins from the same address (every local tool is 127.0.0.1) do not keep admin out', async () => {
    const local = new RestFrom(sim.base, '127.0.0.1');
    for (let i = 0; i < 25; i++) assert.ok([400, 429].includes((await local.attempt(`tool-${i}`, 'wrong')).status));
    assert.equal((await local.attempt('admin', ADMIN_PASSWORD)).status, 200);
  });

  it('a POST without a valid nonce is refused but not counted', async () => {
    const other = new RestFrom(sim.base, '127.0.0.2');
    const nonce = await other.nonce();
    assert.equal((await other.post(nonce, restLoginSecret('admin', nonce, ADMIN_PASSWORD))).status, 200);
    for (let i = 0; i < 30; i++) {
      const made = i % 2 ? 'made-up-nonce' : nonce; // never issued, or issued and already used
      const reply = await other.post(made, `admin:${'0'.repeat(128)}`);
      assert.equal(reply.status, 400);
      assert.equal(reply.body.code, 'LOGIN_FAILED');
      assert.equal(reply.body.details.nonceValid, false);
    }
    const reply = await other.attempt('admin', ADMIN_PASSWORD);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  });

  it('the wait grows with every failure after it', async () => {
    const other = new RestFrom(sim.base, '127.0.0.2');
    for (let i = 0; i < 5; i++) assert.equal((await other.attempt(DEMO_USERS.anna.login, `wrong-${i}`)).status, 400);
    const waits: number[] = [];
    for (let round = 0; round < 3; round++) {
      const held = await other.attempt(DEMO_USERS.anna.login, DEMO_USERS.anna.password);
      assert.equal(held.status, 429);
      const wait = Number(held.headers['retry-after']);
      waits.push(wait);
      now += wait * 1000;
      assert.equal((await other.attempt(DEMO_USERS.anna.login, `wrong-again-${round}`)).status, 400);
    }
    assert.ok(waits[0]! > 0 && waits[1]! > waits[0]! && waits[2]! > waits[1]!, `growing: ${waits.join(', ')}`);
  });
});

describe('sign-in limiter: SIP digest guesses', function () {
  this.timeout(60_000);
  const now = Date.parse('2025-06-01T10:00:00Z');
  let sim: RunningSim;
  const clients: SipClient[] = [];
  const refused: SimEvent[] = [];

  beforeEach(async () => {
    refused.length = 0;
    // An hour-long aggregation window: what is counted is reported when the simulator stops.
    sim = await startSim({ clock: () => now, sipRefusalWindowMs: 3_600_000 });
    sim.sim.subscribe((e) => {
      if (e.service === SIM_SERVICES.registrar && e.event === REGISTRAR_EVENTS.requestRefused) refused.push(e);
    });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await sim?.stop();
  });

  async function udpFrom(address: string): Promise<SipClient> {
    const c = await SipClient.to('udp', sim.addresses.sipUdp, undefined, address);
    clients.push(c);
    return c;
  }

  it('count in the REST limiter: the guessing address gets 403, then waits over REST too; others do not', async () => {
    const reg = new Registration(await udpFrom('127.0.0.2'), ANNA, { domain: PBX });
    assert.equal((await reg.send()).status, 401);
    for (let i = 0; i < 5; i++) assert.equal((await reg.send({ password: `guess-${i}` })).status, 401);
    const held = await reg.send({ password: 'guess-5' });
    assert.equal(held.status, 403);
    assert.match(held.reason, /too many failed sign-ins/);
    assert.equal((await reg.send()).status, 403, 'even the right password, unchecked');

    const rest = await new RestFrom(sim.base, '127.0.0.2').attempt(ANNA.username, ANNA.password);
    assert.equal(rest.status, 429, 'REST from the guessing address waits');
    assert.match(String(rest.headers['retry-after']), /^\d+$/);
    const elsewhere = await new RestFrom(sim.base, '127.0.0.1').attempt(ANNA.username, ANNA.password);
    assert.equal(elsewhere.status, 200, 'REST from another address gets in');
    const phone = new Registration(await udpFrom('127.0.0.1'), ANNA, { domain: PBX });
    assert.equal((await phone.register()).status, 200, 'and so does her phone');
    const throttled = await until('a throttled refusal', () => refused.find((e) => e.data.reason === 'throttled'));
    assert.equal(SipRefusalSchema.parse(throttled.data).status, 403);
  });

  it('REST failures count for SIP from the same address', async () => {
    const rest = new RestFrom(sim.base, '127.0.0.3');
    for (let i = 0; i < 5; i++) assert.equal((await rest.attempt(ANNA.username, `guess-${i}`)).status, 400);
    const reg = new Registration(await udpFrom('127.0.0.3'), ANNA, { domain: PBX });
    assert.equal((await reg.register()).status, 403);
    const phone = new Registration(await udpFrom('127.0.0.1'), ANNA, { domain: PBX });
    assert.equal((await phone.register()).status, 200);
  });

  it('a nonce takes one wrong response: the next one on it is challenged anew, unchecked', async () => {
    const reg = new Registration(await udpFrom('127.0.0.4'), ANNA, { domain: PBX });
    assert.equal((await reg.send()).status, 401);
    const first = reg.digest!;
    assert.equal((await reg.send({ password: 'guess' })).status, 401);
    // The same nonce again (next nc), now with the right password: spent, so only a fresh challenge.
    reg.digest = first;
    const again = await reg.send();
    assert.equal(again.status, 401);
    assert.ok(again.get('www-authenticate'), 'a fresh challenge');
    await until('a spent-nonce refusal', () => refused.find((e) => e.data.reason === 'spent-nonce'));
    assert.equal((await reg.send()).status, 200, 'the fresh nonce works');
  });

  it('a flood of failed digests from fresh sockets of one address makes a handful of events, not one each', async () => {
    const before = sim.internals.bus.lastSeq;
    const statuses = new Map<number, number>();
    for (let i = 0; i < 100; i++) {
      const c = await udpFrom('127.0.0.5');
      const reg = new Registration(c, { username: `guess-${i % 3}`, password: 'x' }, { domain: PBX });
      assert.equal((await reg.send({ aor: '1001' })).status, 401);
      const status = (await reg.send({ aor: '1001' })).status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      await c.close();
    }
    assert.ok((statuses.get(403) ?? 0) > 0, `throttled too: ${JSON.stringify([...statuses])}`);
    const published = sim.internals.bus.lastSeq - before;
    assert.ok(published <= 4, `${published} events for 100 refusals`);
    await sim.stop();
    const mine = refused.filter((e) => e.data.source === '127.0.0.5');
    assert.equal(
      mine.reduce((n, e) => n + (e.data.count as number), 0),
      100,
      'every refusal is counted',
    );
  });
});
