import assert from 'node:assert/strict';
import { API } from '../../shared/api.js';
import { fillPath } from '../../shared/api/endpoint.js';
import type { NodeRef, TreeNode } from '../../extension/src/model/tree/pbxTreeModel.js';
import { restResourceOf } from '../../extension/src/model/tree/restResource.js';

const node = (contextValue: string, ref: Partial<NodeRef> = {}): TreeNode => ({
  id: 'x',
  label: 'x',
  contextValue,
  collapsible: 'none',
  ref: { connection: 'c', ...ref },
});

/** The request "Open in REST" makes for a node, or undefined. */
function request(n: TreeNode, onBehalfOf?: string): string | undefined {
  const r = restResourceOf(n, onBehalfOf);
  if (!r) return undefined;
  const e = API[r.id];
  return `${e.method.toUpperCase()} ${fillPath(e, r.params, r.query)}`;
}

describe('Open in REST: the REST GET behind a tree node', () => {
  it('lists and single objects, with the ids the node carries', () => {
    assert.equal(request(node('connection.simulator.signedIn')), 'GET /openapi.json');
    assert.equal(request(node('users')), 'GET /users');
    assert.equal(request(node('user.simulator', { userId: 3 })), 'GET /users/3');
    assert.equal(request(node('userRights', { userId: 3 })), 'GET /permissions/users/3');
    assert.equal(request(node('userPhoneNumbers', { userId: 3 })), 'GET /users/3/phonenumberconfig/phonenumbers/');
    assert.equal(
      request(node('userPhoneNumber.external.primary.display', { userId: 3, phoneNumberId: 9 })),
      'GET /users/3/phonenumberconfig/phonenumbers/9',
    );
    assert.equal(request(node('userPhones', { userId: 3 })), 'GET /users/3/phoneconfig/phones');
    assert.equal(request(node('userPhone.sip.active', { userId: 3, phoneId: 4 })), 'GET /users/3/phoneconfig/phones/4');
    assert.equal(request(node('groups')), 'GET /groups');
    assert.equal(request(node('group', { groupId: 5 })), 'GET /groups/5');
    assert.equal(
      request(node('configuration.active.connectorOn', { configurationId: 2 })),
      'GET /modules/configurations/2',
    );
    assert.equal(request(node('configLog', { configurationId: 2 })), 'GET /modules/configurations/2/log');
  });

  it("a redirect of another user is read on their behalf; one's own without", () => {
    assert.equal(request(node('redirects', { userId: 3 }), '1002'), 'GET /redirects?actOnBehalfOf=1002');
    assert.equal(request(node('redirect.enabled', { userId: 3, redirectId: '7-BUSY' })), 'GET /redirects/7-BUSY');
    assert.equal(
      request(node('redirect.disabled', { userId: 3, redirectId: '7-BUSY' }), '1002'),
      'GET /redirects/7-BUSY?actOnBehalfOf=1002',
    );
  });

  it('nodes without a GET of their own (a right, a log line, the key) have none, nor do nodes missing their id', () => {
    for (const cv of ['userRight', 'logEntry', 'configKey.hasKey', 'simAdminPassword.hidden', 'error', 'groupMember'])
      assert.equal(restResourceOf(node(cv, { userId: 3, configurationId: 2 })), undefined, cv);
    assert.equal(restResourceOf(node('group')), undefined);
    assert.equal(restResourceOf(node('userPhone.sip.active', { userId: 3 })), undefined);
    assert.equal(restResourceOf(node('user.simulator')), undefined);
  });
});
