// Contract: GET /rest/server/version.
import assert from 'node:assert/strict';
import { ServerVersionSchema } from '../../shared/schemas/login.js';
import { assertVersion } from './shapes.js';
import { signedInSuite } from './target.js';

describe('contract: server version', () => {
  const suite = signedInSuite();

  it('GET /server/version answers {version: "A.B.C.D"}', async () => {
    const r = await suite.api.get('/server/version');
    assert.equal(r.status, 200);
    assert.ok(ServerVersionSchema.safeParse(r.body).success, JSON.stringify(r.body));
    assertVersion(r.body.version);
  });
});
