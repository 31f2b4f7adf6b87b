// Contract: GET /rest/server/version.
import assert from 'node:assert/strict';
import { ServerVersionSchema } from '../../shared/schemas/login.js';
import type { RestClient } from '../support/rest.js';
import { assertVersion } from './shapes.js';
import { logout, openTarget, type ContractTarget } from './target.js';

describe('contract: server version', () => {
  let target: ContractTarget;
  let api: RestClient;
  before(async function () {
    this.timeout(30_000);
    target = await openTarget();
    api = await target.signIn();
  });
  after(async () => {
    await logout(api);
    await target?.close();
  });

  it('GET /server/version answers {version: "A.B.C.D"}', async () => {
    const r = await api.get('/server/version');
    assert.equal(r.status, 200);
    assert.ok(ServerVersionSchema.safeParse(r.body).success, JSON.stringify(r.body));
    assertVersion(r.body.version);
  });
});
