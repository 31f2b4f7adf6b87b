import assert from 'node:assert/strict';
import { uciToken } from '../../shared/hashes.js';
import { UCI_AUTH_PARAM } from '../../shared/schemas/uci.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';

describe('simulator: UCI sign-ins share the REST lockout', () => {
  let sim: RunningSim;
  before(async () => {
    sim = await startSim({ rateLimit: { perLogin: 3, perAddress: 50 } });
  });
  after(() => sim?.stop());

  it('after 3 wrong UCI tokens for 1001 even the right one is refused for a while, and REST is locked too', async () => {
    const { login, password } = DEMO_USERS.anna;
    for (let i = 0; i < 3; i++) {
      const c = UciClient.connect(sim.addresses.uci, { [UCI_AUTH_PARAM]: uciToken(login, `wrong-${i}`) });
      assert.equal((await c.closed).code, 4401);
    }
    const right = UciClient.connect(sim.addresses.uci, { [UCI_AUTH_PARAM]: uciToken(login, password) });
    const closed = await right.closed;
    assert.equal(closed.code, 4401);
    assert.match(closed.reason, /Too many failed sign-ins; try again in \d+ s/);
    await assert.rejects(sim.as(DEMO_USERS.anna), /429/);
  });
});
