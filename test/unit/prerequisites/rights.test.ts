// Rights on a PBX whose internal keys differ from the catalogue's: found by the German name the PBX shows.
import assert from 'node:assert/strict';
import { RIGHT_APP_PREMIUM, RIGHT_MS_TEAMS, rightByKey } from '../../../shared/catalogue.js';
import { findRight, rightKeyOf } from '../../../extension/src/prerequisites/pbxChecks.js';

const teamsName = rightByKey(RIGHT_MS_TEAMS)!.description;

describe('unit: prerequisites — rights by key or by their German name', () => {
  it('finds a right by the catalogue key first', () => {
    const perms = [{ id: 7, permission: RIGHT_MS_TEAMS, description: 'anything' }];
    assert.equal(findRight(perms, RIGHT_MS_TEAMS)?.id, 7);
  });

  it('falls back to the German name when the PBX uses another key', () => {
    const perms = [
      { id: 3, permission: 'teams_integration', description: teamsName },
      { id: 4, permission: 'app_prem', description: rightByKey(RIGHT_APP_PREMIUM)!.description },
    ];
    assert.equal(findRight(perms, RIGHT_MS_TEAMS)?.id, 3);
    assert.equal(findRight(perms, RIGHT_APP_PREMIUM)?.id, 4);
    assert.equal(rightKeyOf(perms[0]!), RIGHT_MS_TEAMS);
    assert.equal(rightKeyOf(perms[1]!), RIGHT_APP_PREMIUM);
  });

  it('neither key nor name: not found, and an unknown right keeps its own key', () => {
    const perms = [{ id: 9, permission: 'fax_perm_x', description: 'Fax senden' }];
    assert.equal(findRight(perms, RIGHT_MS_TEAMS), undefined);
    assert.equal(findRight(null, RIGHT_MS_TEAMS), undefined);
    assert.equal(rightKeyOf(perms[0]!), 'fax_perm_x');
  });
});
