import assert from 'node:assert/strict';
import { englishOnly } from '../../extension/src/text/i18n.js';
import { connectionNode, type TreeContext, type TreeNode } from '../../extension/src/model/tree/pbxTreeModel.js';
import { groupsNode } from '../../extension/src/model/tree/groupNodes.js';
import { redirectNodes, userRedirectsNode } from '../../extension/src/model/tree/redirectNodes.js';
import { PbxApi } from '../../extension/src/pbx/api.js';
import { loadUserRedirects, setRedirectEnabled } from '../../extension/src/pbx/groupsSnapshot.js';
import { PbxRestClient } from '../../extension/src/pbx/restClient.js';
import { loadPbxData } from '../../extension/src/pbx/snapshot.js';
import type { Connection } from '../../shared/schemas/connection.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';

const ctx: TreeContext = { t: englishOnly, language: 'en', now: 0 };

async function apiFor(base: string, login: string, password: string): Promise<PbxApi> {
  const client = new PbxRestClient(base);
  await client.login(login, password);
  return new PbxApi(client);
}

function child(node: TreeNode, label: string): TreeNode {
  const found = node.children?.find((c) => c.label === label);
  assert.ok(found, `"${node.label}" has no "${label}"; it has ${JSON.stringify(node.children?.map((c) => c.label))}`);
  return found;
}

describe('extension tree model: groups and redirects', () => {
  let sim: RunningSim;
  let connection: Connection;

  before(async () => {
    sim = await startSim({ scenario: 'demo' });
    connection = {
      name: 'Demo',
      url: sim.base.replace(/\/rest$/, ''),
      login: 'admin',
      kind: 'simulator',
      auth: 'auto',
    };
  });
  after(async () => {
    await sim.stop();
  });

  it('a Groups node lists Support with its numbers and members', async () => {
    const api = await apiFor(sim.base, 'admin', ADMIN_PASSWORD);
    const data = await loadPbxData(api);
    const root = connectionNode(connection, 'ready', data, undefined, ctx);
    const groups = child(root, 'Groups');
    assert.equal(groups.contextValue, 'groups');
    assert.equal(groups.description, '1');
    const support = child(groups, 'Support');
    assert.equal(support.contextValue, 'group');
    assert.equal(support.description, '1010 · 2 members');
    assert.equal(typeof support.ref.groupId, 'number');
    assert.deepEqual(
      support.children!.map((c) => [c.label, c.description, c.contextValue]),
      [
        ['1010', 'internal', 'groupNumber'],
        ['+4930555010', 'external', 'groupNumber'],
        ['1001 Anna Albers', 'member', 'groupMember'],
        ['1002 Bernd Brandt', 'member', 'groupMember'],
      ],
    );
    const ids: string[] = [];
    const walk = (n: TreeNode) => {
      ids.push(n.id);
      n.children?.forEach(walk);
    };
    walk(root);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  });

  it('a user outside the group sees it without members; a PBX without groups shows why', async () => {
    const carla = await apiFor(sim.base, DEMO_USERS.carla.login, DEMO_USERS.carla.password);
    const data = await loadPbxData(carla);
    assert.equal(data.groups?.length, 1);
    assert.equal(data.groups![0]!.group, null);
    const support = child(groupsNode(data.groups!, data.users, { connection: 'Demo' }, ctx), 'Support');
    assert.equal(support.description, '1010');
    assert.deepEqual(
      support.children!.map((c) => c.contextValue),
      ['groupNumber', 'groupNumber', 'groupMembers.unavailable'],
    );
    const none = groupsNode(null, [], { connection: 'Demo' }, ctx);
    assert.equal(none.contextValue, 'groups.unavailable');
    assert.equal(none.children![0]!.contextValue, 'groups.unavailable');
  });

  it("a user's Redirects: one per number and trigger, with target and state; enabling shows", async () => {
    const api = await apiFor(sim.base, 'admin', ADMIN_PASSWORD);
    const data = await loadPbxData(api);
    const bernd = data.users.find((u) => u.login === '1002')!;
    const parent = userRedirectsNode(bernd, { connection: 'Demo' }, ctx);
    assert.equal(parent.lazy, 'userRedirects');
    assert.equal(parent.ref.userId, bernd.id);
    const load = async () => redirectNodes(await loadUserRedirects(api, '1002', false), parent, ctx);
    const nodes = await load();
    assert.equal(nodes.length, 6, 'two numbers, three triggers; group numbers show under the group');
    const busy = nodes.find((n) => n.label === '1002 · When busy')!;
    assert.equal(busy.contextValue, 'redirect.disabled');
    assert.match(busy.description!, /^→ mailbox \d+ · disabled$/);
    assert.equal(busy.ref.userId, bernd.id);
    assert.equal(typeof busy.ref.redirectId, 'string');
    const always = nodes.find((n) => n.label === '1002 · Always')!;
    assert.equal(always.description, '→ no target · disabled');

    await setRedirectEnabled(api, busy.ref.redirectId!, true, '1002');
    const after = (await load()).find((n) => n.label === '1002 · When busy')!;
    assert.equal(after.contextValue, 'redirect.enabled');
    assert.match(after.description!, /· enabled$/);
    await setRedirectEnabled(api, busy.ref.redirectId!, false, '1002');

    // The user themselves, without actOnBehalfOf.
    const own = await apiFor(sim.base, DEMO_USERS.bernd.login, DEMO_USERS.bernd.password);
    assert.equal((await loadUserRedirects(own, '1002', true)).length, 6);
  });

  it('no numbers: a hint; refused: a lock instead of redirects', () => {
    const parent = userRedirectsNode(
      { id: 1, login: 'admin', firstName: '', familyName: '', email: '', language: 'en' },
      { connection: 'Demo' },
      ctx,
    );
    assert.equal(redirectNodes([], parent, ctx)[0]!.contextValue, 'redirects.none');
    assert.equal(redirectNodes(null, parent, ctx)[0]!.contextValue, 'redirects.unavailable');
  });
});
