import assert from 'node:assert/strict';
import { ENDPOINTS } from '../../shared/api.js';
import { DEMO_USERS, startSim, type RestClient, type RunningSim } from '../support/rest.js';

// The access column of the REST table is what the simulator enforces, entry by entry: nothing here lists paths.
describe('REST table: access from each entry', () => {
  let sim: RunningSim;
  let anna: RestClient;
  let annaId: number;

  before(async () => {
    sim = await startSim({ scenario: 'demo' });
    anna = await sim.as(DEMO_USERS.anna);
    annaId = (await anna.get<{ id: number }>('/users/me')).body.id;
  });
  after(async () => {
    await sim.stop();
  });

  const fill = (path: string, id: number) => path.replace(/\{\w+\}/g, String(id));

  it('every entry but the public ones asks for sign-in (401) without a token', async () => {
    for (const e of ENDPOINTS.filter((x) => x.access !== 'public')) {
      const reply = await sim.client().call(e.method.toUpperCase(), fill(e.path, 1));
      assert.equal(reply.status, 401, `${e.method} ${e.path} → ${reply.status} ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.code, 'UNAUTHORIZED');
    }
  });

  it('a public entry answers without a token', async () => {
    for (const e of ENDPOINTS.filter((x) => x.access === 'public')) {
      const reply = await sim
        .client()
        .call(e.method.toUpperCase(), fill(e.path, 1), e.method === 'get' ? undefined : {});
      assert.notEqual(reply.status, 401, `${e.method} ${e.path}`);
      assert.notEqual(reply.status, 404, `${e.method} ${e.path}`);
    }
  });

  it('every admin entry refuses a user without "Administration" (403) before reading the request', async () => {
    for (const e of ENDPOINTS.filter((x) => x.access === 'admin')) {
      const reply = await anna.call(
        e.method.toUpperCase(),
        fill(e.path, annaId),
        e.method === 'get' ? undefined : { unexpected: true },
      );
      assert.equal(reply.status, 403, `${e.method} ${e.path} → ${reply.status} ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.code, 'FORBIDDEN');
    }
  });

  it('a "self" entry answers for the caller and refuses another user (403)', async () => {
    const others = (await sim.admin.get<{ id: number }[]>('/users')).body
      .map((u) => u.id)
      .filter((id) => id !== annaId);
    for (const e of ENDPOINTS.filter((x) => x.access === 'self')) {
      const method = e.method.toUpperCase();
      // A write the user may make on their own data (PUT phoneconfig, her avatar): refused for another user before the body
      // is read; for herself the body decides (here an unknown-only body, so 400, never 403).
      const body = e.method === 'get' ? undefined : { unexpected: true };
      const own = await anna.call(method, fill(e.path, annaId), body);
      if (e.method !== 'get') assert.notEqual(own.status, 403, `${method} ${e.path} for herself`);
      // Every id of the path is filled with hers; where the path names a further object (a phone), that id may
      // be someone else's object, which is 404 (the per-resource tests read her own ones with 200).
      else if (e.path.match(/\{\w+\}/g)!.length > 1)
        assert.ok(
          own.status === 200 || (own.status === 404 && own.body.code === 'NOT_FOUND'),
          `${e.path} for herself → ${own.status} ${JSON.stringify(own.body)}`,
        );
      else assert.equal(own.status, 200, `${e.path} for herself → ${own.status} ${JSON.stringify(own.body)}`);
      const other = await anna.call(method, fill(e.path, others[0]!), body);
      assert.equal(other.status, 403, `${method} ${e.path} for another user`);
      assert.equal(other.body.code, 'FORBIDDEN');
    }
  });
});
