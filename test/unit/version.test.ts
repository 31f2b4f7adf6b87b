import assert from 'node:assert/strict';
import { compareVersions, isVersion, parseVersion } from '../../shared/version.js';

describe('four-part version comparison', () => {
  it('compares part by part, numerically', () => {
    assert.equal(compareVersions('10.0.0.19', '6.7.3.11'), 1);
    assert.equal(compareVersions('6.7.3.11', '6.7.3.11'), 0);
    assert.equal(compareVersions('6.7.2.99', '6.7.3.11'), -1);
    assert.equal(compareVersions('6.7.3.9', '6.7.3.11'), -1);
  });
  it('refuses what is not four numeric parts', () => {
    assert.throws(() => parseVersion('6.7.3'), /four-part/);
    assert.equal(isVersion('6.7.3.11'), true);
    assert.equal(isVersion('v6.7.3.11'), false);
  });
});
