// Contract: /rest/permissions (PermissionInfo list) and /rest/permissions/users/{userId}.
import assert from 'node:assert/strict';
import type { PermissionInfo, User } from '../../shared/schemas/users.js';
import type { RestClient } from '../support/rest.js';
import { assertPermissionList, testLogin } from './shapes.js';
import { logout, openTarget, skipUnlessWritable, type ContractTarget } from './target.js';

describe('contract: permissions', () => {
  let target: ContractTarget;
  let api: RestClient;
  let me: User;
  before(async function () {
    this.timeout(30_000);
    target = await openTarget();
    api = await target.signIn();
    me = (await api.get('/users/me')).body;
  });
  after(async () => {
    await logout(api);
    await target?.close();
  });

  describe('read', () => {
    it('GET /permissions answers PermissionInfo {id, permission, description} with unique ids', async () => {
      const r = await api.get('/permissions');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assertPermissionList(r.body);
      assert.ok(r.body.length >= 1);
    });

    it('GET /permissions/users/{me} answers PermissionInfo from the catalogue', async () => {
      const all = (await api.get('/permissions')).body as PermissionInfo[];
      const r = await api.get(`/permissions/users/${me.id}`);
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
      skipUnlessWritable(this, target);
    });
    after(async () => {
      if (user && target.writable) await api.delete(`/users/${user.id}`);
    });

    it('PUT /permissions/users/{id} sets the full list: rights not listed are removed', async () => {
      const login = testLogin();
      const created = await api.post('/users', { login, firstName: 'Contract', familyName: `Rights ${login}`, email: '', language: 'en', password: `Ct-${login}-pw!` });
      assert.ok(created.status >= 200 && created.status < 300, `POST /users answered ${created.status} ${JSON.stringify(created.body)}`);
      user = ((await api.get(`/users?searchTerm=${login}`)).body as User[]).find((u) => u.login === login);
      assert.ok(user);

      const all = (await api.get('/permissions')).body as PermissionInfo[];
      const login_ = all.find((p) => p.permission === 'login_perm' || p.description === 'Login');
      const pick = [login_ ?? all[0]!, ...all.filter((p) => p !== login_ && p.permission !== 'admin_perm').slice(0, 2)];
      const ids = pick.map((p) => p.id).sort((a, b) => a - b);
      let r = await api.put(`/permissions/users/${user.id}`, ids);
      assert.ok(r.status >= 200 && r.status < 300, `PUT answered ${r.status} ${JSON.stringify(r.body)}`);
      let held = ((await api.get(`/permissions/users/${user.id}`)).body as PermissionInfo[]).map((p) => p.id).sort((a, b) => a - b);
      assert.deepEqual(held, ids);

      r = await api.put(`/permissions/users/${user.id}`, [ids[0]]);
      assert.ok(r.status >= 200 && r.status < 300);
      held = ((await api.get(`/permissions/users/${user.id}`)).body as PermissionInfo[]).map((p) => p.id);
      assert.deepEqual(held, [ids[0]]);
    });

    it('PUT /permissions/users/{id} of an unknown user answers 404', async () => {
      const r = await api.put('/permissions/users/987654321', []);
      assert.equal(r.status, 404);
    });
  });
});
