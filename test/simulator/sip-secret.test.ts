// SIP secrets apart from login passwords (security issue #18): every user has a SIP secret of its own — the
// scenario's `sipPassword`, the demo's public login password, else a generated one — which real REGISTERs over
// UDP are checked against; PUT /rest/sim/users/{id}/sip-secret sets or regenerates it; the data folder holds no
// login password in plain text and is private; a store written before keeps its users' SIP passwords.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { SIM_SERVICES, type SimEvent } from '../../shared/schemas/events.js';
import { sha512hex } from '../../shared/hashes.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RestClient, type RunningSim } from '../support/rest.js';
import { Registration, SipClient, type DigestUser } from '../support/sip-client.js';
import { assertError, assertNamesField } from '../support/apiErrors.js';
import { cleanUp, each } from '../support/cleanup.js';
import { removeTempDirs, tempDir } from '../support/cli.js';

const PBX = 'pbx.demo.starface.test';

interface Credential {
  userId: number;
  login: string;
  password: string | null;
  sipPassword: string;
}

const olga = (over: Record<string, unknown> = {}) => ({
  login: 'olga',
  firstName: 'Olga',
  familyName: 'Ostermann',
  email: 'olga@demo.starface.test',
  language: 'de',
  extension: '2070',
  password: 'olga-login-password-1',
  ...over,
});

describe('SIP secrets apart from login passwords', function () {
  this.timeout(30_000);
  const sims: RunningSim[] = [];
  const clients: SipClient[] = [];

  after(() =>
    cleanUp(
      each(clients, (c) => c.close()),
      each(sims, (s) => s.stop()),
      () => removeTempDirs(),
    ),
  );

  async function start(opts: Parameters<typeof startSim>[0] = {}): Promise<RunningSim> {
    const sim = await startSim(opts);
    sims.push(sim);
    return sim;
  }

  async function credential(sim: RunningSim, login: string): Promise<Credential> {
    const reply = await sim.admin.get<{ users: Credential[] }>('/sim/credentials');
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const found = reply.body.users.find((u) => u.login === login);
    assert.ok(found, `${login} is on the cheat sheet`);
    return found;
  }

  /** A real REGISTER over UDP, answering the 401 challenge with `user`'s password; the final status. */
  async function register(sim: RunningSim, user: DigestUser, domain = PBX): Promise<number> {
    const client = await SipClient.to('udp', sim.addresses.sipUdp!);
    clients.push(client);
    const reg = new Registration(client, user, { domain });
    const reply = await reg.register({ expires: 60 });
    if (reply.status === 200) assert.equal((await reg.register({ expires: 0 })).status, 200, 'unregistered again');
    return reply.status;
  }

  async function createOlga(sim: RunningSim, over: Record<string, unknown> = {}): Promise<number> {
    const created = await sim.admin.post('/users', olga(over));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.id as number;
  }

  describe('a user created over REST', () => {
    let sim: RunningSim;
    let olgaId: number;
    let events: SimEvent[] = [];

    before(async () => {
      sim = await start({ scenario: 'demo' });
      sim.sim.subscribe((e) => {
        if (e.service === SIM_SERVICES.users) events.push(e);
      });
      olgaId = await createOlga(sim);
    });
    beforeEach(() => {
      events = [];
    });

    it('gets a generated SIP secret, not its login password; only the secret registers', async () => {
      const cred = await credential(sim, 'olga');
      assert.notEqual(cred.sipPassword, olga().password);
      assert.match(cred.sipPassword, /^[A-Za-z0-9_-]{16}$/, '16 random base64url characters');
      assert.equal(cred.password, null, 'the login password is not known to the simulator');
      assert.equal(await register(sim, { username: 'olga', password: olga().password }), 401, 'login password');
      assert.equal(await register(sim, { username: 'olga', password: cred.sipPassword }), 200, 'SIP secret');
      // Another user created the same way gets another secret.
      const other = await sim.admin.post('/users', olga({ login: 'olga2', extension: '2071' }));
      assert.equal(other.status, 201);
      assert.notEqual((await credential(sim, 'olga2')).sipPassword, cred.sipPassword);
    });

    it('a change of the login password leaves the SIP secret (and the new password is not listed)', async () => {
      const before = (await credential(sim, 'olga')).sipPassword;
      const current = (await sim.admin.get(`/users/${olgaId}`)).body;
      const changed = await sim.admin.put(`/users/${olgaId}`, { ...current, password: 'olga-new-login-pw' });
      assert.equal(changed.status, 204, JSON.stringify(changed.body));
      const after = await credential(sim, 'olga');
      assert.equal(after.sipPassword, before);
      assert.equal(after.password, null);
      assert.equal(await register(sim, { username: 'olga', password: before }), 200);
      assert.equal(await register(sim, { username: 'olga', password: 'olga-new-login-pw' }), 401);
      await sim.as({ login: 'olga', password: 'olga-new-login-pw' }); // the login itself changed
    });

    it('PUT …/sip-secret with a secret sets it: answered once, the old one stops registering', async () => {
      const old = (await credential(sim, 'olga')).sipPassword;
      const reply = await sim.admin.put(`/sim/users/${olgaId}/sip-secret`, { secret: 'olga-own-sip-secret' });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(reply.body, { userId: olgaId, login: 'olga', secret: 'olga-own-sip-secret', generated: false });
      assert.equal((await credential(sim, 'olga')).sipPassword, 'olga-own-sip-secret');
      assert.equal(await register(sim, { username: 'olga', password: old }), 401);
      assert.equal(await register(sim, { username: 'olga', password: 'olga-own-sip-secret' }), 200);
      const changed = events.find((e) => e.event === 'sip-secret-changed');
      assert.deepEqual(changed?.data, { userId: olgaId, login: 'olga', generated: false });
      assert.ok(!JSON.stringify(events).includes('olga-own-sip-secret'), 'no secret in events');
    });

    it('PUT …/sip-secret with {} generates a new one', async () => {
      const reply = await sim.admin.put(`/sim/users/${olgaId}/sip-secret`, {});
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.generated, true);
      assert.match(reply.body.secret, /^[A-Za-z0-9_-]{16}$/);
      assert.notEqual(reply.body.secret, 'olga-own-sip-secret');
      assert.equal((await credential(sim, 'olga')).sipPassword, reply.body.secret);
      assert.equal(await register(sim, { username: 'olga', password: reply.body.secret }), 200);
      assert.equal(await register(sim, { username: 'olga', password: 'olga-own-sip-secret' }), 401);
      assert.equal(events.find((e) => e.event === 'sip-secret-changed')?.data.generated, true);
    });

    it('the user may set their own; another user without "Administration" may not (403)', async () => {
      const own = await sim.as({ login: 'olga', password: 'olga-new-login-pw' });
      const mine = await own.put(`/sim/users/${olgaId}/sip-secret`, { secret: 'olga-chose-this' });
      assert.equal(mine.status, 200, JSON.stringify(mine.body));
      assert.equal(mine.body.secret, 'olga-chose-this');
      const anna = await sim.as(DEMO_USERS.anna);
      const theirs = await anna.put(`/sim/users/${olgaId}/sip-secret`, { secret: 'anna-sets-olgas' });
      assertError(theirs, 403, 'FORBIDDEN');
      assert.equal((await credential(sim, 'olga')).sipPassword, 'olga-chose-this');
    });

    it('bad input: a clear 400 naming the field; the login password, the admin, unknown users refused', async () => {
      const put = (body: unknown, id = olgaId, client: RestClient = sim.admin) =>
        client.put(`/sim/users/${id}/sip-secret`, body);
      assertNamesField(await put({ secret: 'short' }), 'secret');
      assertNamesField(await put({ secret: 'x'.repeat(129) }), 'secret');
      assertNamesField(await put({ secret: 'has\nnewline' }), 'secret');
      assertNamesField(await put({ secret: 123456789 }), 'secret');
      assertError(await put({ password: 'olga-new-login-pw' }), 400); // unknown fields are refused
      const same = await put({ secret: 'olga-new-login-pw' });
      assertError(same, 400, 'SIP_SECRET_IS_PASSWORD');
      assert.ok(!JSON.stringify(same.body).includes('olga-new-login-pw'), 'the answer does not echo it');
      const adminId = (await sim.admin.get('/users/me')).body.id as number;
      assertError(await put({}, adminId), 409, 'ADMIN_NO_SIP_ACCOUNT');
      assertError(await put({}, 9999), 404, 'NOT_FOUND');
      assertError(await sim.client().put(`/sim/users/${olgaId}/sip-secret`, {}), 401, 'UNAUTHORIZED');
      assert.equal((await credential(sim, 'olga')).sipPassword, 'olga-chose-this', 'nothing changed');
    });

    it('OpenAPI lists the entry: simulator-only, for the user themself or an admin', async () => {
      const doc = (await sim.admin.get('/openapi.json')).body;
      const op = doc.paths['/sim/users/{userId}/sip-secret'].put;
      assert.deepEqual(op.tags, ['Simulator']);
      assert.equal(op['x-access'], 'self');
      assert.ok(op.requestBody.content['application/json'].schema.properties.secret);
      for (const status of ['200', '400', '401', '403', '404', '409']) assert.ok(op.responses[status], status);
    });
  });

  describe('scenarios', () => {
    it('the demo users keep their public login password as SIP secret, also after a password change', async () => {
      const sim = await start({ scenario: 'demo' });
      for (const u of Object.values(DEMO_USERS)) {
        const cred = await credential(sim, u.login);
        assert.deepEqual([cred.password, cred.sipPassword], [u.password, u.password], u.login);
      }
      assert.equal(await register(sim, { username: '1001', password: DEMO_USERS.anna.password }), 200);
      const anna = (await sim.admin.get('/users')).body.find((u: { login: string }) => u.login === '1001');
      const current = (await sim.admin.get(`/users/${anna.id}`)).body;
      assert.equal((await sim.admin.put(`/users/${anna.id}`, { ...current, password: 'anna-private-pw' })).status, 204);
      const after = await credential(sim, '1001');
      assert.equal(after.sipPassword, DEMO_USERS.anna.password, 'the SIP secret stays the public one');
      assert.equal(after.password, null, 'the new login password is not known');
      assert.equal(await register(sim, { username: '1001', password: DEMO_USERS.anna.password }), 200);
      assert.equal(await register(sim, { username: '1001', password: 'anna-private-pw' }), 401);
    });

    it("a scenario's sipPassword is the SIP secret; a user without one gets a generated secret", async () => {
      const sim = await start({ scenario: 'fresh' });
      const applied = await sim.admin.post('/sim/scenario', {
        scenario: {
          name: 'own-secrets',
          users: [
            { ...olga(), email: '', sipPassword: 'olga-scenario-secret' },
            { ...olga({ login: 'paul', extension: '2072', password: 'paul-login-password' }), email: '' },
          ],
        },
      });
      assert.equal(applied.status, 200, JSON.stringify(applied.body));
      const o = await credential(sim, 'olga');
      assert.deepEqual([o.password, o.sipPassword], [null, 'olga-scenario-secret']);
      const p = await credential(sim, 'paul');
      assert.equal(p.password, null);
      assert.match(p.sipPassword, /^[A-Za-z0-9_-]{16}$/);
      const domain = '127.0.0.1'; // no configuration: the listening address is the domain
      assert.equal(await register(sim, { username: 'olga', password: 'olga-scenario-secret' }, domain), 200);
      assert.equal(await register(sim, { username: 'olga', password: olga().password }, domain), 401);
      assert.equal(await register(sim, { username: 'paul', password: p.sipPassword }, domain), 200);
      assert.equal(await register(sim, { username: 'paul', password: 'paul-login-password' }, domain), 401);
    });

    it('a scenario sipPassword that is too short or has control characters is refused, naming the field', async () => {
      const sim = await start({ scenario: 'fresh' });
      for (const sipPassword of ['short', 'tab\there']) {
        const reply = await sim.admin.post('/sim/scenario', {
          scenario: { name: 'bad', users: [{ ...olga(), sipPassword }] },
        });
        assertError(reply, 400, 'INVALID_SCENARIO');
        assert.match(reply.body.message, /users\.0\.sipPassword/);
      }
    });
  });

  describe('the data folder', () => {
    it('is created 0700, state.json and the lock 0600; no login password of a REST user in plain text', async () => {
      const dir = join(tempDir('starface-sipsecret-'), 'data');
      const sim = await start({ dataDir: dir, scenario: 'demo' });
      await createOlga(sim);
      const secret = (await credential(sim, 'olga')).sipPassword;
      assert.equal(statSync(dir).mode & 0o777, 0o700, 'folder');
      assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600, 'state.json');
      assert.equal(statSync(join(dir, 'lock')).mode & 0o777, 0o600, 'lock');
      const text = readFileSync(join(dir, 'state.json'), 'utf8');
      assert.ok(!text.includes(olga().password), 'no login password in plain text');
      assert.ok(text.includes(sha512hex(olga().password)), 'the login hash (what the login handshake needs)');
      assert.ok(text.includes(secret), 'the SIP secret, which the digest needs');
      assert.ok(!text.includes(ADMIN_PASSWORD), 'no admin password');
    });

    it('an older store loads: its users keep their SIP password (the login password) and still register', async () => {
      const dir = join(tempDir('starface-sipsecret-'), 'data');
      const first = await start({ dataDir: dir, scenario: 'demo' });
      await createOlga(first);
      await first.stop();
      // What an older version wrote: the SIP password followed the login password, with a flag saying so.
      const file = join(dir, 'state.json');
      const state = JSON.parse(readFileSync(file, 'utf8'));
      for (const u of state.users) u.sipPasswordCustom = u.login === 'admin';
      state.users.find((u: { login: string }) => u.login === 'olga').sipPassword = olga().password;
      writeFileSync(file, JSON.stringify(state));
      chmodSync(file, 0o644);

      const sim = await start({ dataDir: dir });
      assert.equal(statSync(file).mode & 0o777, 0o600, 'made private on load');
      const cred = await credential(sim, 'olga');
      assert.deepEqual([cred.password, cred.sipPassword], [olga().password, olga().password]);
      assert.equal(
        await register(sim, { username: 'olga', password: olga().password }),
        200,
        'the phone keeps working',
      );
      // A new secret separates the two; the login password then leaves the store.
      const reply = await sim.admin.put(`/sim/users/${cred.userId}/sip-secret`, {});
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal((await credential(sim, 'olga')).password, null);
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes(olga().password), 'no login password in plain text any more');
      assert.ok(!text.includes('sipPasswordCustom'), 'the old flag is dropped');
    });
  });
});
