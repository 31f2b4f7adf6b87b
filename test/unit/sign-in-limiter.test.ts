/**
 * The failed sign-in limiter (simulator/src/auth/rateLimit.ts) on its own, with a fake clock: who waits, for how
 * long, and that a full table drops entries without lifting a running wait.
 */
import assert from 'node:assert/strict';
import { DEFAULT_RATE_LIMIT, FailedLoginLimiter, sourceKey } from '../../simulator/src/auth/rateLimit.js';

const ATTACKER = '127.0.0.2';
const ADMIN_HOST = '127.0.0.1';

function limiter(opts: Partial<typeof DEFAULT_RATE_LIMIT> = {}) {
  const clock = { now: Date.parse('2025-06-01T10:00:00Z') };
  const l = new FailedLoginLimiter({ ...DEFAULT_RATE_LIMIT, ...opts }, () => clock.now);
  return { l, clock };
}

describe('sign-in limiter', () => {
  it("another address's failures never hold back a login from an address without failures", () => {
    const { l } = limiter();
    for (let i = 0; i < 1000; i++) l.fail('admin', ATTACKER);
    assert.ok(l.retryAfter('admin', ATTACKER) > 0, 'the guesser waits');
    assert.equal(l.retryAfter('admin', ADMIN_HOST), 0, 'the admin elsewhere does not');
  });

  it("the same address's failures for other logins never hold back a login without failures there", () => {
    const { l } = limiter();
    for (let i = 0; i < 1000; i++) l.fail(`guess-${i}`, ADMIN_HOST);
    assert.ok(l.retryAfter('guess-1', ADMIN_HOST) > 0);
    assert.ok(l.retryAfter(undefined, ADMIN_HOST) > 0, 'an attempt without a login counts as the address');
    assert.equal(l.retryAfter('admin', ADMIN_HOST), 0);
  });

  it('one login from one address: free tries, then a wait that doubles with every failure up to the cap', () => {
    const { l, clock } = limiter({ perLogin: 3, backoffMs: 1000, maxWaitMs: 8000 });
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      waits.push(l.retryAfter('anna', ATTACKER));
      l.fail('anna', ATTACKER);
      const wait = l.retryAfter('anna', ATTACKER);
      if (wait > 0) waits.push(wait);
      clock.now += wait * 1000;
    }
    assert.deepEqual(waits, [0, 0, 0, 1, 0, 2, 0, 4, 0, 8, 0, 8, 0, 8]);
  });

  it('the wait counts down; a success forgets the failures of that address only', () => {
    const { l, clock } = limiter({ backoffMs: 10_000 });
    for (let i = 0; i < 5; i++) l.fail('anna', ATTACKER);
    for (let i = 0; i < 4; i++) l.fail('anna', ADMIN_HOST);
    assert.equal(l.retryAfter('anna', ATTACKER), 10);
    clock.now += 4_000;
    assert.equal(l.retryAfter('anna', ATTACKER), 6);
    l.succeed('anna', ADMIN_HOST);
    l.fail('anna', ADMIN_HOST);
    assert.equal(l.retryAfter('anna', ADMIN_HOST), 0, 'its four earlier failures were forgotten');
    assert.equal(l.retryAfter('anna', ATTACKER), 6);
  });

  it('failures are forgotten a window after the last one, but not while the wait they caused runs', () => {
    const { l, clock } = limiter({ windowMs: 60_000, backoffMs: 1000, maxWaitMs: 600_000 });
    for (let i = 0; i < 4; i++) l.fail('anna', ATTACKER);
    clock.now += 120_000;
    l.fail('anna', ATTACKER);
    assert.equal(l.retryAfter('anna', ATTACKER), 0, 'one failure now, not five');
    // Up to a wait longer than the window: 5 + 7 failures, each after the wait before it.
    for (let i = 0; i < 11; i++) {
      l.fail('anna', ATTACKER);
      clock.now += l.retryAfter('anna', ATTACKER) * 1000;
    }
    l.fail('anna', ATTACKER);
    const wait = l.retryAfter('anna', ATTACKER);
    assert.ok(wait * 1000 > 60_000, `a wait beyond the window: ${wait} s`);
    clock.now += 61_000;
    assert.ok(l.retryAfter('anna', ATTACKER) > 0, 'still waiting a window after the last failure');
    // (The longest wait they could cause is the cap: under attack from many addresses, the first failure counts.)
    clock.now += 600_000 + 60_000;
    l.fail('anna', ATTACKER);
    assert.equal(l.retryAfter('anna', ATTACKER), 0, 'forgotten a window after the longest wait they could cause');
  });

  it('one address guessing many logins waits for each login it failed for', () => {
    const { l } = limiter({ perAddress: 10 });
    for (let i = 0; i < 9; i++) l.fail(`user-${i}`, ATTACKER);
    assert.equal(l.retryAfter('user-0', ATTACKER), 0);
    l.fail('user-9', ATTACKER);
    for (let i = 0; i < 10; i++) assert.ok(l.retryAfter(`user-${i}`, ATTACKER) > 0, `user-${i}`);
    assert.equal(l.retryAfter('user-10', ATTACKER), 0, 'a login it has not tried gets its one try');
  });

  it('a login guessed from many addresses: each address with a failure waits from its first one', () => {
    const { l } = limiter({ perLoginAllAddresses: 20 });
    for (let i = 1; i <= 19; i++) l.fail('admin', `127.0.1.${i}`);
    assert.equal(l.retryAfter('admin', '127.0.1.1'), 0, '19 in all: one failure each is free');
    l.fail('admin', '127.0.1.20');
    for (let i = 1; i <= 20; i++) assert.ok(l.retryAfter('admin', `127.0.1.${i}`) > 0, `127.0.1.${i}`);
    assert.equal(l.retryAfter('admin', ADMIN_HOST), 0, 'an address without failures still gets in');
  });

  it('a full table (100,000 entries) drops the oldest entries that make nobody wait, and keeps every running wait', () => {
    const { l } = limiter();
    // Ten logins made to wait at the start, from ten addresses.
    for (let a = 0; a < 10; a++) for (let i = 0; i < 5; i++) l.fail(`victim-${a}`, `127.0.2.${a}`);
    assert.ok(l.retryAfter('victim-0', '127.0.2.0') > 0);
    // A flood of single failures from elsewhere: more entries than the table holds.
    for (let i = 0; i < 110_000; i++) l.fail(`flood-${i}`, `127.0.3.${i % 200}`);
    for (let a = 0; a < 10; a++) assert.ok(l.retryAfter(`victim-${a}`, `127.0.2.${a}`) > 0, `victim-${a} still waits`);
    assert.ok(l.size <= DEFAULT_RATE_LIMIT.maxEntries, `bounded: ${l.size}`);
  });

  it('even a table full of running waits stays bounded', () => {
    const { l } = limiter({ maxEntries: 100, perLogin: 1, perAddress: 1, perLoginAllAddresses: 1 });
    for (let i = 0; i < 1000; i++) l.fail(`user-${i}`, ATTACKER);
    assert.ok(l.size <= 100, `bounded: ${l.size}`);
    assert.ok(l.retryAfter('user-999', ATTACKER) > 0, 'the newest are kept');
  });

  it('one source: IPv4 whatever its writing, IPv6 by its /64', () => {
    assert.equal(sourceKey('::ffff:127.0.0.2'), '127.0.0.2');
    assert.equal(sourceKey('127.0.0.2'), '127.0.0.2');
    assert.equal(sourceKey('::1'), '::1');
    assert.equal(sourceKey('2001:db8:1:2:aaaa::1'), sourceKey('2001:0db8:0001:0002:bbbb:cccc:dddd:eeee'));
    assert.notEqual(sourceKey('2001:db8:1:2::1'), sourceKey('2001:db8:1:3::1'));
    const { l } = limiter();
    for (let i = 0; i < 5; i++) l.fail('anna', `2001:db8:1:2::${i + 1}`);
    assert.ok(l.retryAfter('anna', '2001:db8:1:2::99') > 0, 'a new address of the same /64 waits too');
  });
});
