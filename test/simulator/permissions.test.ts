import assert from 'node:assert/strict';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { assertError } from '../support/apiErrors.js';

interface PermissionInfo {
  id: number;
  permission: string;
  description: string;
}

describe('REST permissions', () => {
  let sim: RunningSim;

  before(async () => {
    sim = await startSim();
  });
  after(async () => {
    await sim?.stop();
  });

  const idsOf = async (userId: number): Promise<number[]> => {
    const reply = await sim.admin.get(`/permissions/users/${userId}`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return (reply.body as PermissionInfo[]).map((p) => p.id).sort((a, b) => a - b);
  };
  const holders = async (permissionId: number): Promise<string[]> => {
    const reply = await sim.admin.get(`/permissions/${permissionId}/users`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return (reply.body as { login: string }[]).map((u) => u.login).sort();
  };

  describe('GET /permissions', () => {
    it('lists all 14 rights as {id, permission, description}', async () => {
      const reply = await sim.admin.get('/permissions');
      assert.equal(reply.status, 200);
      const list = reply.body as PermissionInfo[];
      assert.equal(list.length, 14);
      assert.deepEqual(
        list.map((p) => p.id).sort((a, b) => a - b),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
      );
      for (const p of list) {
        assert.deepEqual(Object.keys(p).sort(), ['description', 'id', 'permission']);
        assert.equal(typeof p.id, 'number');
        assert.equal(typeof p.permission, 'string');
        assert.equal(typeof p.description, 'string');
      }
      const byId = new Map(list.map((p) => [p.id, p]));
      assert.deepEqual(byId.get(1), { id: 1, permission: 'login_perm', description: 'Login' });
      assert.deepEqual(byId.get(9), { id: 9, permission: 'admin_perm', description: 'Administration' });
      assert.equal(byId.get(12)!.description, 'App Premium-Funktionen');
      assert.equal(byId.get(13)!.description, 'Integration mit Microsoft Teams');
      assert.equal(byId.get(13)!.permission, 'msteams_perm');
      // STARFACE 10's, listed at every version (below 10 it grants nothing).
      assert.equal(byId.get(14)!.description, 'API Zugriff mit OAuth Password Grant');
      assert.equal(new Set(list.map((p) => p.permission)).size, 14, 'permission keys are unique');
    });
  });

  describe('per user', () => {
    it("GET /permissions/users/{id} answers the user's rights as PermissionInfo", async () => {
      const reply = await sim.admin.get('/permissions/users/3');
      assert.equal(reply.status, 200);
      const names = (reply.body as PermissionInfo[]).map((p) => p.description);
      assert.ok(names.includes('App Premium-Funktionen'));
      assert.ok(!names.includes('Integration mit Microsoft Teams'), 'Bernd lacks the Teams right');
      assert.ok((await idsOf(2)).includes(13), 'Anna has the Teams right');
      assert.ok((await idsOf(1)).includes(9), 'admin has Administration');
    });

    it('PUT /permissions/users/{id} sets the full list; unlisted rights are removed (200, as the fact sheet documents)', async () => {
      const before = await idsOf(3);
      assert.ok(before.length > 3);
      const reply = await sim.admin.put('/permissions/users/3', [1, 13, 2]);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body, '');
      assert.deepEqual(await idsOf(3), [1, 2, 13]);

      assert.equal((await sim.admin.put('/permissions/users/3', [5, 5, 1])).status, 200, 'duplicates are harmless');
      assert.deepEqual(await idsOf(3), [1, 5]);

      assert.equal((await sim.admin.put('/permissions/users/3', [])).status, 200);
      assert.deepEqual(await idsOf(3), []);

      assert.equal((await sim.admin.put('/permissions/users/3', before)).status, 200);
      assert.deepEqual(await idsOf(3), before);
    });

    it('the new rights take effect at once (Administration grants admin endpoints)', async () => {
      // GET /users answers every user now (fact sheet), so an admin-only read stands in for it: GET /permissions.
      const bernd = await sim.as(DEMO_USERS.bernd);
      assertError(await bernd.get('/permissions'), 403);
      const before = await idsOf(3);
      assert.equal((await sim.admin.put('/permissions/users/3', [...before, 9])).status, 200);
      assert.equal((await bernd.get('/permissions')).status, 200);
      assert.equal((await sim.admin.put('/permissions/users/3', before)).status, 200);
      assertError(await bernd.get('/permissions'), 403);
    });

    it('an unknown user is 404', async () => {
      assertError(await sim.admin.put('/permissions/users/999', [1]), 404);
      assertError(await sim.admin.get('/permissions/users/999'), 404);
    });

    it('an unknown permission id is 400 and changes nothing', async () => {
      const before = await idsOf(3);
      const reply = await sim.admin.put('/permissions/users/3', [1, 99]);
      assertError(reply, 400);
      assert.match(reply.body.message, /99/);
      assertError(await sim.admin.put('/permissions/users/3', [0]), 400);
      assertError(await sim.admin.put('/permissions/users/3', [-1]), 400);
      assert.deepEqual(await idsOf(3), before);
    });

    it('a body that is not a list of integer ids is 400', async () => {
      const before = await idsOf(3);
      assertError(await sim.admin.put('/permissions/users/3', { ids: [1] }), 400);
      assertError(await sim.admin.put('/permissions/users/3', ['login_perm']), 400);
      assertError(await sim.admin.put('/permissions/users/3', [1.5]), 400);
      assert.deepEqual(await idsOf(3), before);
    });
  });

  describe('per permission', () => {
    it('GET /permissions/{id}/users lists who holds it', async () => {
      assert.deepEqual(await holders(13), ['1001', '1003']);
      assert.deepEqual(await holders(12), ['1001', '1002', '1003']);
      assert.deepEqual(await holders(9), ['admin']);
    });

    it('PUT ?granted=true grants to every listed user (200, as the fact sheet documents), keeping their other rights', async () => {
      const berndBefore = await idsOf(3);
      const reply = await sim.admin.put('/permissions/13/users?granted=true', [3, 2]);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(await holders(13), ['1001', '1002', '1003']);
      assert.deepEqual(
        await idsOf(3),
        [...berndBefore, 13].sort((a, b) => a - b),
      );
    });

    it('PUT ?granted=false revokes from every listed user and leaves the others', async () => {
      const reply = await sim.admin.put('/permissions/13/users?granted=false', [3, 4]);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(await holders(13), ['1001']);
      assert.ok((await idsOf(3)).includes(12), 'other rights stay');
      // Revoking what a user does not hold is fine.
      assert.equal((await sim.admin.put('/permissions/13/users?granted=false', [3])).status, 200);
      // Restore the demo.
      assert.equal((await sim.admin.put('/permissions/13/users?granted=true', [4])).status, 200);
      assert.deepEqual(await holders(13), ['1001', '1003']);
    });

    it('granted must be given as true or false: 400 otherwise', async () => {
      assertError(await sim.admin.put('/permissions/13/users', [3]), 400);
      assertError(await sim.admin.put('/permissions/13/users?granted=yes', [3]), 400);
      assert.deepEqual(await holders(13), ['1001', '1003']);
    });

    it('an unknown user in the list is 404 and nobody in the list changes', async () => {
      assertError(await sim.admin.put('/permissions/13/users?granted=true', [3, 999]), 404);
      assert.deepEqual(await holders(13), ['1001', '1003']);
    });

    it('an unknown permission is 404', async () => {
      assertError(await sim.admin.get('/permissions/99/users'), 404);
      assertError(await sim.admin.put('/permissions/99/users?granted=true', [3]), 404);
    });
  });

  describe('the last administrator', () => {
    it('cannot lose Administration by PUT /permissions/users/{id}: 409', async () => {
      const before = await idsOf(1);
      const reply = await sim.admin.put(
        '/permissions/users/1',
        before.filter((id) => id !== 9),
      );
      assertError(reply, 409);
      assert.deepEqual(await idsOf(1), before);
      assert.equal((await sim.admin.get('/users')).status, 200);
    });

    it('cannot lose Administration by PUT /permissions/9/users?granted=false: 409', async () => {
      assertError(await sim.admin.put('/permissions/9/users?granted=false', [1]), 409);
      assert.deepEqual(await holders(9), ['admin']);
    });

    it('with a second administrator one may go, but not both at once', async () => {
      assert.equal((await sim.admin.put('/permissions/9/users?granted=true', [2])).status, 200);
      assert.deepEqual(await holders(9), ['1001', 'admin']);
      assertError(await sim.admin.put('/permissions/9/users?granted=false', [1, 2]), 409);
      assert.deepEqual(await holders(9), ['1001', 'admin'], 'a refused change leaves nothing behind');
      assert.equal((await sim.admin.put('/permissions/9/users?granted=false', [2])).status, 200);
      assert.deepEqual(await holders(9), ['admin']);
      const annaIds = await idsOf(2);
      assert.ok(!annaIds.includes(9));
    });
  });
});
