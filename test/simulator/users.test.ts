import assert from 'node:assert/strict';
import { restLoginSecret, sha512hex } from '../../shared/hashes.js';
import { ADMIN_PASSWORD, DEMO_USERS, RestClient, startSim, type Reply, type RunningSim } from '../support/rest.js';
import { assertError } from '../support/apiErrors.js';

const ALL_PASSWORDS = [ADMIN_PASSWORD, ...Object.values(DEMO_USERS).map((u) => u.password)];

/**
 * No answer may carry a password: no password-like field, no plain password, no hash of one. The one exception
 * is the fact sheet's own: the User's `password` is present but empty when fetched (exactly `"password":""`).
 */
function assertNoSecrets(reply: Reply, extraPasswords: string[] = []): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const withoutEmptyPassword = text.replaceAll('"password":""', '');
  assert.doesNotMatch(
    withoutEmptyPassword,
    /password|passwordHash|sipPassword|secret/i,
    `a password field leaked: ${text}`,
  );
  for (const p of [...ALL_PASSWORDS, ...extraPasswords]) {
    assert.ok(!text.includes(p), `the password "${p}" leaked`);
    assert.ok(!text.includes(sha512hex(p)), `the hash of "${p}" leaked`);
  }
}

async function loginStatus(base: string, login: string, password: string): Promise<number> {
  const c = new RestClient(base);
  const { body } = await c.get('/login');
  const reply = await c.post('/login', {
    loginType: 'Internal',
    nonce: body.nonce,
    secret: restLoginSecret(login, body.nonce, password),
  });
  return reply.status;
}

const logins = (users: { login: string }[]) => users.map((u) => u.login).sort();

describe('REST users', () => {
  let sim: RunningSim;

  before(async () => {
    sim = await startSim({ rateLimit: { perLogin: 1000, perAddress: 1000 } });
  });
  after(async () => {
    await sim?.stop();
  });

  describe('reading', () => {
    it('GET /users lists admin and the three demo users with the real User shape', async () => {
      const reply = await sim.admin.get('/users');
      assert.equal(reply.status, 200);
      assert.ok(Array.isArray(reply.body));
      assert.deepEqual(logins(reply.body), ['1001', '1002', '1003', 'admin']);
      const anna = reply.body.find((u: { login: string }) => u.login === '1001');
      assert.equal(anna.id, 2);
      assert.equal(anna.firstName, 'Anna');
      assert.equal(anna.familyName, 'Albers');
      assert.equal(anna.extension, '1001');
      for (const key of ['id', 'login', 'firstName', 'familyName', 'email', 'language'])
        assert.ok(key in anna, `User has ${key}`);
      const ids = Object.fromEntries(reply.body.map((u: { login: string; id: number }) => [u.login, u.id]));
      assert.deepEqual(ids, { admin: 1, '1001': 2, '1002': 3, '1003': 4 });
      assertNoSecrets(reply);
    });

    it('searchTerm filters by name, case-insensitively', async () => {
      const byFamily = await sim.admin.get('/users?searchTerm=Albers');
      assert.equal(byFamily.status, 200);
      assert.deepEqual(logins(byFamily.body), ['1001']);
      assert.deepEqual(logins((await sim.admin.get('/users?searchTerm=bERND')).body), ['1002']);
      assert.deepEqual(logins((await sim.admin.get('/users?searchTerm=carla')).body), ['1003']);
      assert.deepEqual((await sim.admin.get('/users?searchTerm=nobody-matches-this')).body, []);
    });

    it('searchTerm filters by login', async () => {
      assert.deepEqual(logins((await sim.admin.get('/users?searchTerm=1002')).body), ['1002']);
      assert.deepEqual(logins((await sim.admin.get('/users?searchTerm=admin')).body), ['admin']);
      assert.deepEqual(logins((await sim.admin.get('/users?searchTerm=100')).body), ['1001', '1002', '1003']);
    });

    it('an empty searchTerm lists everybody', async () => {
      assert.equal((await sim.admin.get('/users?searchTerm=')).body.length, 4);
    });

    it('GET /users/me answers the signed-in user', async () => {
      const admin = await sim.admin.get('/users/me');
      assert.equal(admin.status, 200);
      assert.equal(admin.body.login, 'admin');
      assert.equal(admin.body.id, 1);
      assertNoSecrets(admin);
      const anna = await (await sim.as(DEMO_USERS.anna)).get('/users/me');
      assert.equal(anna.status, 200);
      assert.equal(anna.body.id, 2);
      assert.equal(anna.body.login, '1001');
      assertNoSecrets(anna);
    });

    it('GET /users/{id} answers one user; an unknown id is 404, a malformed one 400', async () => {
      const bernd = await sim.admin.get('/users/3');
      assert.equal(bernd.status, 200);
      assert.equal(bernd.body.login, '1002');
      assert.equal(bernd.body.firstName, 'Bernd');
      assertNoSecrets(bernd);
      assertError(await sim.admin.get('/users/999'), 404);
      assertError(await sim.admin.get('/users/abc'), 400);
      assertError(await sim.admin.get('/users/0'), 400);
    });
  });

  describe('writing', () => {
    const dora = {
      login: 'dora.dietz',
      firstName: 'Dora',
      familyName: 'Dietz',
      email: 'dora.dietz@demo.starface.test',
      language: 'de',
      extension: '2040',
      password: 'dora-first-password',
    };
    let doraId: number;

    it('POST /users creates a user: 201, Location, the user without its password', async () => {
      const reply = await sim.admin.post('/users', dora);
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      assert.equal(typeof reply.body.id, 'number');
      doraId = reply.body.id;
      assert.ok(![1, 2, 3, 4].includes(doraId), 'a new id');
      const { password: _pw, ...visible } = dora;
      for (const [k, v] of Object.entries(visible)) assert.equal(reply.body[k], v, k);
      assertNoSecrets(reply, [dora.password]);

      const location = reply.headers.get('location');
      assert.ok(location, 'Location header');
      const url = new URL(location, sim.base);
      assert.equal(url.pathname, `${new URL(sim.base).pathname}/users/${doraId}`);
      const fetched = await sim.admin.call('GET', url.pathname.slice(new URL(sim.base).pathname.length));
      assert.equal(fetched.status, 200);
      assert.equal(fetched.body.login, dora.login);
      assertNoSecrets(fetched, [dora.password]);
    });

    it('the created user shows in the list and in searches by name, login and extension', async () => {
      const list = await sim.admin.get('/users');
      assert.ok(logins(list.body).includes(dora.login));
      assertNoSecrets(list, [dora.password]);
      assert.deepEqual(logins((await sim.admin.get('/users?searchTerm=Dietz')).body), [dora.login]);
      assert.deepEqual(logins((await sim.admin.get('/users?searchTerm=dora.di')).body), [dora.login]);
      assert.deepEqual(logins((await sim.admin.get('/users?searchTerm=2040')).body), [dora.login]);
    });

    it('the created user can sign in with its password', async () => {
      const c = await sim.as({ login: dora.login, password: dora.password });
      const me = await c.get('/users/me');
      assert.equal(me.status, 200);
      assert.equal(me.body.id, doraId);
      assertNoSecrets(me, [dora.password]);
      assert.equal(await loginStatus(sim.base, dora.login, 'not-her-password'), 400);
    });

    // The fact sheet documents 204 without a body for PUT /users/{userId} (this test asserted 200 with the user).
    it('PUT /users/{id} updates the fields: 204, no body', async () => {
      const current = (await sim.admin.get(`/users/${doraId}`)).body;
      const reply = await sim.admin.put(`/users/${doraId}`, { ...current, familyName: 'Dietz-Ebert', language: 'en' });
      assert.equal(reply.status, 204, JSON.stringify(reply.body));
      assert.equal(reply.body, '');
      const again = await sim.admin.get(`/users/${doraId}`);
      assert.equal(again.body.familyName, 'Dietz-Ebert');
      assert.equal(again.body.language, 'en');
      assert.equal(again.body.login, dora.login);
      assertNoSecrets(again, [dora.password]);
      // Without a password in the PUT the old one still works.
      assert.equal(await loginStatus(sim.base, dora.login, dora.password), 200);
    });

    it('PUT with a new password changes it: the old one stops working', async () => {
      const current = (await sim.admin.get(`/users/${doraId}`)).body;
      const newPassword = 'dora-second-password';
      const reply = await sim.admin.put(`/users/${doraId}`, { ...current, password: newPassword });
      assert.equal(reply.status, 204, JSON.stringify(reply.body));
      assertNoSecrets(await sim.admin.get(`/users/${doraId}`), [dora.password, newPassword]);
      assert.equal(await loginStatus(sim.base, dora.login, dora.password), 400);
      assert.equal(await loginStatus(sim.base, dora.login, newPassword), 200);
      dora.password = newPassword;
    });

    it('PUT on an unknown user is 404', async () => {
      const current = (await sim.admin.get(`/users/${doraId}`)).body;
      const { id: _id, ...fields } = current;
      assertError(await sim.admin.put('/users/999', { ...fields, login: 'ghost', extension: '2999' }), 404);
    });

    it('a duplicate login or extension is 409, on create and on update', async () => {
      const base = { firstName: 'Egon', familyName: 'Ernst', email: '', language: 'de', password: 'egon-password' };
      const sameLogin = await sim.admin.post('/users', { ...base, login: '1001', extension: '2050' });
      assertError(sameLogin, 409);
      assert.match(sameLogin.body.message, /1001/);
      const sameExtension = await sim.admin.post('/users', { ...base, login: 'egon', extension: '1002' });
      assertError(sameExtension, 409);
      assert.match(sameExtension.body.message, /1002/);
      assert.equal((await sim.admin.get('/users?searchTerm=Ernst')).body.length, 0, 'nothing was created');

      const current = (await sim.admin.get(`/users/${doraId}`)).body;
      assertError(await sim.admin.put(`/users/${doraId}`, { ...current, login: '1003' }), 409);
      assertError(await sim.admin.put(`/users/${doraId}`, { ...current, extension: '1003' }), 409);
      assert.equal((await sim.admin.get(`/users/${doraId}`)).body.login, dora.login, 'unchanged');
      // Keeping one's own login and extension is no conflict.
      assert.equal((await sim.admin.put(`/users/${doraId}`, current)).status, 204);
    });

    // The fact sheet: `password` is not required on POST (this test asserted 400 without one); such a user exists
    // but cannot sign in until a password is set.
    it('POST /users refuses missing fields and a short password with 400; no password is no sign-in', async () => {
      assertError(await sim.admin.post('/users', { login: 'fritz', firstName: 'Fritz' }), 400);
      const short = await sim.admin.post('/users', {
        login: 'fritz',
        firstName: 'Fritz',
        familyName: 'Fuchs',
        email: '',
        language: 'de',
        password: 'fx9Q2',
      });
      assertError(short, 400);
      assert.ok(!JSON.stringify(short.body).includes('fx9Q2'), 'a refused password is not echoed');
      const withoutPassword = await sim.admin.post('/users', {
        login: 'fritz',
        firstName: 'Fritz',
        familyName: 'Fuchs',
        email: '',
        language: 'de',
      });
      assert.equal(withoutPassword.status, 201, JSON.stringify(withoutPassword.body));
      assert.equal(await loginStatus(sim.base, 'fritz', ''), 400);
      assert.equal((await sim.admin.delete(`/users/${withoutPassword.body.id}`)).status, 204);
    });

    it('DELETE /users/{id} answers 204; the user, its sign-in and its sessions are gone', async () => {
      const doraClient = await sim.as({ login: dora.login, password: dora.password });
      const reply = await sim.admin.delete(`/users/${doraId}`);
      assert.equal(reply.status, 204);
      assertError(await sim.admin.get(`/users/${doraId}`), 404);
      assert.ok(!logins((await sim.admin.get('/users')).body).includes(dora.login));
      assertError(await doraClient.get('/users/me'), 401);
      assert.equal(await loginStatus(sim.base, dora.login, dora.password), 400);
      assertError(await sim.admin.delete(`/users/${doraId}`), 404);
    });

    it('the login and extension of a deleted user can be used again', async () => {
      const reply = await sim.admin.post('/users', dora);
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      assert.notEqual(reply.body.id, doraId, 'ids are not reused');
      assert.equal((await sim.admin.delete(`/users/${reply.body.id}`)).status, 204);
    });

    it('deleting oneself is 409', async () => {
      const reply = await sim.admin.delete('/users/1');
      assertError(reply, 409);
      assert.equal((await sim.admin.get('/users/1')).status, 200);
      assert.equal((await sim.admin.get('/users/me')).status, 200);
    });

    it('the built-in "admin" keeps its login and cannot be deleted, even by another administrator (409)', async () => {
      assert.equal((await sim.admin.put('/permissions/9/users?granted=true', [2])).status, 200);
      try {
        const anna = await sim.as(DEMO_USERS.anna);
        const admin = (await anna.get('/users/1')).body;
        assertError(await anna.put('/users/1', { ...admin, login: 'root' }), 409);
        assertError(await anna.delete('/users/1'), 409);
        const renamed = await anna.put('/users/1', { ...admin, familyName: 'Admin' });
        assert.equal(renamed.status, 204, 'other fields may change');
        assert.equal((await anna.get('/users/1')).body.login, 'admin');
        // The simulator still finds its admin: a scenario can be applied, and admin signs in.
        const applied = await anna.post('/sim/scenario', { name: 'demo' });
        assert.equal(applied.status, 200, JSON.stringify(applied.body));
        assert.equal(await loginStatus(sim.base, 'admin', ADMIN_PASSWORD), 200);
      } finally {
        await sim.admin.put('/permissions/9/users?granted=false', [2]);
      }
    });
  });

  describe('a user without "Administration" (1001)', () => {
    let anna: RestClient;

    before(async () => {
      anna = await sim.as(DEMO_USERS.anna);
    });

    it('may read /users/me and itself', async () => {
      const me = await anna.get('/users/me');
      assert.equal(me.status, 200);
      assert.equal(me.body.id, 2);
      const self = await anna.get('/users/2');
      assert.equal(self.status, 200);
      assert.equal(self.body.login, '1001');
      assertNoSecrets(self);
    });

    it('may read its own permissions and licences', async () => {
      const perms = await anna.get('/permissions/users/2');
      assert.equal(perms.status, 200);
      const names = perms.body.map((p: { permission: string }) => p.permission);
      assert.ok(names.includes('login_perm'));
      assert.ok(names.includes('msteams_perm'));
      assert.ok(!names.includes('admin_perm'));
      const licences = await anna.get('/licenses/users/2');
      assert.equal(licences.status, 200);
      assert.deepEqual([...licences.body].sort(), ['MS Teams Integration', 'UCC-Client Premium']);
    });

    // The API documents a 200 with the users the caller may see on GET /users (this test asserted 403): every
    // user sees every colleague, in the same shape, and so reads each of them too.
    it('reads the user list and other users (200, no secrets); an unknown id is 404', async () => {
      for (const path of ['/users', '/users?searchTerm=1002', '/users/3', '/users/1']) {
        const reply = await anna.get(path);
        assert.equal(reply.status, 200, `${path}: ${JSON.stringify(reply.body)}`);
        assertNoSecrets(reply);
      }
      assert.deepEqual(logins((await anna.get('/users')).body), ['1001', '1002', '1003', 'admin']);
      assertError(await anna.get('/users/999'), 404);
    });

    it("gets 403 on other users' permissions and licences", async () => {
      for (const path of ['/permissions/users/3', '/licenses/users/3', '/permissions', '/permissions/13/users']) {
        assertError(await anna.get(path), 403, 'FORBIDDEN');
      }
    });

    it('gets 403 on /licenses and /modules/configurations', async () => {
      assertError(await anna.get('/licenses'), 403);
      assertError(await anna.get('/modules/configurations'), 403);
    });

    it('gets 403 on every change, even to itself, and nothing changes', async () => {
      const self = (await anna.get('/users/2')).body;
      const before = {
        user: (await sim.admin.get('/users/2')).body,
        perms: (await sim.admin.get('/permissions/users/2')).body,
        licences: (await sim.admin.get('/licenses/users/2')).body,
        bernd: (await sim.admin.get('/permissions/users/3')).body,
      };
      assertError(await anna.put('/users/2', { ...self, familyName: 'Changed', password: 'anna-new-password' }), 403);
      assertError(await anna.put('/users/3', { ...self, login: '1002', extension: '1002' }), 403);
      assertError(await anna.put('/permissions/users/2', [1, 2, 3, 9]), 403);
      assertError(await anna.put('/permissions/13/users?granted=true', [3]), 403);
      assertError(await anna.put('/permissions/9/users?granted=true', [2]), 403);
      assertError(await anna.put('/licenses/users/2', []), 403);
      assertError(await anna.post('/licenses', { type: 'Fax', count: 5 }), 403);
      assertError(
        await anna.post('/users', {
          login: 'sneaky',
          firstName: 'S',
          familyName: 'S',
          email: '',
          language: 'de',
          password: 'sneaky-password',
        }),
        403,
      );
      assertError(await anna.delete('/users/3'), 403);
      assertError(await anna.delete('/users/2'), 403);

      assert.deepEqual((await sim.admin.get('/users/2')).body, before.user);
      assert.deepEqual((await sim.admin.get('/permissions/users/2')).body, before.perms);
      assert.deepEqual((await sim.admin.get('/licenses/users/2')).body, before.licences);
      assert.deepEqual((await sim.admin.get('/permissions/users/3')).body, before.bernd);
      assert.equal(await loginStatus(sim.base, DEMO_USERS.anna.login, DEMO_USERS.anna.password), 200);
      assert.ok(!logins((await sim.admin.get('/users')).body).includes('sneaky'));
    });
  });
});
