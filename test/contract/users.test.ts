// Contract: /rest/users (list, search, me, by id) and, when the target allows writes, create/update/delete.
import assert from 'node:assert/strict';
import type { User } from '../../shared/schemas/users.js';
import { assertUser, assertUserList, testLogin } from './shapes.js';
import { skipUnlessWritable, signedInSuite } from './target.js';

describe('contract: users', () => {
  const suite = signedInSuite();

  describe('read', () => {
    it('GET /users lists Users: login, firstName, familyName, email, language, id; no password value', async () => {
      const r = await suite.api.get('/users');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assertUserList(r.body);
      assert.ok(r.body.length >= 1);
      assert.ok(
        r.body.some((u: User) => u.login === suite.target.login),
        `the signed-in account ${suite.target.login} is not in the list`,
      );
    });

    it('GET /users?searchTerm= narrows the list to matching users', async () => {
      const all = (await suite.api.get('/users')).body as User[];
      const probe = all.find((u) => u.familyName.trim().length >= 3) ?? all[0]!;
      const term = probe.familyName.trim().length >= 3 ? probe.familyName.trim() : probe.login;
      const r = await suite.api.get(`/users?searchTerm=${encodeURIComponent(term)}`);
      assert.equal(r.status, 200);
      assertUserList(r.body);
      const hits = r.body as User[];
      assert.ok(
        hits.some((u) => u.id === probe.id),
        `searching "${term}" did not find user ${probe.id}`,
      );
      assert.ok(hits.length <= all.length);
      const ids = new Set(all.map((u) => u.id));
      assert.ok(hits.every((u) => ids.has(u.id)));
    });

    it('GET /users?searchTerm= with a term nobody matches answers an empty list', async () => {
      const r = await suite.api.get('/users?searchTerm=zzqx-contract-nobody-matches');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, []);
    });

    it('GET /users/me answers the signed-in User', async () => {
      const r = await suite.api.get('/users/me');
      assert.equal(r.status, 200);
      assertUser(r.body, 'me');
      assert.equal(r.body.login, suite.target.login);
    });

    it('GET /users/{id} answers the same User as the list', async () => {
      const me = (await suite.api.get('/users/me')).body as User;
      const r = await suite.api.get(`/users/${me.id}`);
      assert.equal(r.status, 200);
      assertUser(r.body);
      for (const k of ['id', 'login', 'firstName', 'familyName', 'email', 'language'] as const)
        assert.equal(r.body[k], me[k], k);
    });

    it('GET /users/{id} of an unknown id answers 404', async () => {
      assert.equal((await suite.api.get('/users/987654321')).status, 404);
    });
  });

  describe('write', () => {
    let created: User | undefined;
    beforeEach(function () {
      skipUnlessWritable(this, suite.target);
    });
    after(async () => {
      // Leave the PBX as found, whatever failed.
      if (created && suite.target.writable) await suite.api.delete(`/users/${created.id}`);
    });

    it('POST /users creates a User that GET returns without its password', async () => {
      const login = testLogin();
      const body = {
        login,
        firstName: 'Contract',
        familyName: `Test ${login}`,
        email: `contract-${login}@example.invalid`,
        language: 'en',
        password: `Ct-${login}-pw!`,
      };
      const r = await suite.api.post('/users', body);
      assert.ok(r.status >= 200 && r.status < 300, `POST /users answered ${r.status} ${JSON.stringify(r.body)}`);
      const found = ((await suite.api.get(`/users?searchTerm=${login}`)).body as User[]).find((u) => u.login === login);
      assert.ok(found, `the new user ${login} is not listed`);
      created = found;
      assertUser(found);
      assert.equal(found.firstName, body.firstName);
      assert.equal(found.familyName, body.familyName);
      assert.equal(found.email, body.email);
      assert.equal(found.language, body.language);
      const byId = await suite.api.get(`/users/${found.id}`);
      assert.equal(byId.status, 200);
      assertUser(byId.body);
      assert.ok(!JSON.stringify(byId.body).includes(body.password), 'the password came back');
    });

    it('PUT /users/{id} changes the User', async function () {
      if (!created) this.skip();
      const next = { ...created, familyName: `Changed ${created.login}` };
      const r = await suite.api.put(`/users/${created.id}`, next);
      assert.ok(r.status >= 200 && r.status < 300, `PUT answered ${r.status} ${JSON.stringify(r.body)}`);
      const after = await suite.api.get(`/users/${created.id}`);
      assert.equal(after.body.familyName, next.familyName);
      assert.equal(after.body.login, created.login);
      created = after.body;
    });

    it('DELETE /users/{id} removes the User', async function () {
      if (!created) this.skip();
      const r = await suite.api.delete(`/users/${created.id}`);
      assert.ok(r.status >= 200 && r.status < 300, `DELETE answered ${r.status}`);
      assert.equal((await suite.api.get(`/users/${created.id}`)).status, 404);
      created = undefined;
    });
  });
});
