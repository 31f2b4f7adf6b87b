import assert from 'node:assert/strict';
import { nestsDeeperThan } from '../../shared/jsonDepth.js';

describe('nestsDeeperThan (shared/jsonDepth.ts)', () => {
  it('counts the value itself as level 1; scalars nest nothing', () => {
    assert.equal(nestsDeeperThan(1, 0), false);
    assert.equal(nestsDeeperThan('x', 0), false);
    assert.equal(nestsDeeperThan(null, 0), false);
    assert.equal(nestsDeeperThan({}, 1), false);
    assert.equal(nestsDeeperThan({}, 0), true);
    assert.equal(nestsDeeperThan({ a: [1, { b: 2 }] }, 3), false);
    assert.equal(nestsDeeperThan({ a: [1, { b: {} }] }, 3), true);
  });

  it('measures a value nested a million levels deep without overflowing the stack', () => {
    const deep = JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000)) as unknown;
    assert.equal(nestsDeeperThan(deep, 64), true);
    assert.equal(nestsDeeperThan(deep, 1_000_000), false);
  });
});
