import assert from 'node:assert/strict';
import { UnauthenticatedLimiter } from '../../simulator/src/sip/transport/authLimits.js';

describe('SIP unauthenticated-connection limiter', () => {
  it('admits up to the cap, logs a flood of refusals once, and frees a slot on auth or release', () => {
    const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
    const limiter = new UnauthenticatedLimiter((_level, msg, fields) => lines.push({ msg, fields }), 2, 60_000);
    const a = limiter.admit(() => {}, 'TCP');
    const b = limiter.admit(() => {}, 'WS');
    assert.ok(a && b);
    for (let i = 0; i < 50; i++)
      assert.equal(
        limiter.admit(() => {}, 'TCP'),
        undefined,
      );
    assert.equal(lines.length, 1, 'one log line for the whole flood');
    a.markAuthenticated();
    a.release();
    const c = limiter.admit(() => {}, 'TCP');
    assert.ok(c, 'an authenticated connection no longer counts');
    b.release();
    c.release();
    const d = limiter.admit(() => {}, 'TCP');
    assert.ok(d, 'a released slot is free again');
    d.release();
  });
});
