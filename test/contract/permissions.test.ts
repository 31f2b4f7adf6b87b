// Contract: /rest/permissions (PermissionInfo list) and /rest/permissions/users/{userId}.
import assert from 'node:assert/strict';
import type { PermissionInfo, User } from '../../shared/schemas/users.js';
import { assertPermissionList, testLogin } from './shapes.js';
import { skipUnlessWritable, signedInSuite } from './target.js';

describe('contract: permissions', () => {
  const suite = signedInSuite();
  let me: User;
  before(async () => {
    me = (await suite.api.get('/users/me')).body;
  });

  describe('read', () => {
    it('GET /permissions answers PermissionInfo {id, permission, description} with unique ids', async () => {
      const r = await suite.api.get('/permissions');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assertPermissionList(r.body);
      assert.ok(r.body.length >= 1);
    });

    it('GET /permissions/users/{me} answers PermissionInfo from the catalogue', async () => {
      const all = (await suite.api.get('/permissions')).body as PermissionInfo[];
      const r = await suite.api.get(`/permissions/users/${me.id}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assertPermissionList(r.body, 'user permissions');
      const byId = new Map(all.map((p) => [p.id, p]));
      for (const p of r.body as PermissionInfo[]) {
        assert.deepEqual(p, byId.get(p.id), `permission ${p.id} differs from GET /permissions`);
      }
      // The account signed in, so it holds at least one right.
      assert.ok(r.body.length >= 1);
    });
  });

  describe('write', () => {
    let user: User | undefined;
    beforeEach(function () {
      skipUnlessWritable(this, suite.target);
    });
    after(async () => {
      if (user && suite.target.writable) await suite.api.delete(`/users/${user.id}`);
    });

    it('PUT /permissions/users/{id} sets the full list: rights not listed are removed', async () => {
      const login = testLogin();
      const created = await suite.api.post('/users', {
        login,
        firstName: 'Contract',
        familyName: `Rights ${login}`,
        email: '',
        language: 'en',
        password: `Ct-${login}-pw!`,
      });
      assert.ok(
        created.status >= 200 && created.status < 300,
        `POST /users answered ${created.status} ${JSON.stringify(created.body)}`,
      );
      user = ((await suite.api.get(`/users?searchTerm=${login}`)).body as User[]).find((u) => u.login === login);
      assert.ok(user);

      const all = (await suite.api.get('/permissions')).body as PermissionInfo[];
      const login_ = all.find((p) => p.permission === 'login_perm' || p.description === 'Login');
      const pick = [login_ ?? all[0]!, ...all.filter((p) => p !== login_ && p.permission !== 'admin_perm').slice(0, 2)];
      const ids = pick.map((p) => p.id).sort((a, b) => a - b);
      let r = await suite.api.put(`/permissions/users/${user.id}`, ids);
      assert.ok(r.status >= 200 && r.status < 300, `PUT answered ${r.status} ${JSON.stringify(r.body)}`);
      let held = ((await suite.api.get(`/permissions/users/${user.id}`)).body as PermissionInfo[])
        .map((p) => p.id)
        .sort((a, b) => a - b);
      assert.deepEqual(held, ids);

      r = await suite.api.put(`/permissions/users/${user.id}`, [ids[0]]);
      assert.ok(r.status >= 200 && r.status < 300);
      held = ((await suite.api.get(`/permissions/users/${user.id}`)).body as PermissionInfo[]).map((p) => p.id);
      assert.deepEqual(held, [ids[0]]);
    });

    it('PUT /permissions/users/{id} of an unknown user answers 404', async () => {
      const r = await suite.api.put('/permissions/users/987654321', []);
      assert.equal(r.status, 404);
    });
  });
});
