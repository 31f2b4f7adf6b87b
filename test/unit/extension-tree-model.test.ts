import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { englishOnly } from '../../extension/src/text/i18n.js';
import {
  connectionNode,
  userDetailNodes,
  type TreeContext,
  type TreeNode,
} from '../../extension/src/model/tree/pbxTreeModel.js';
import { PbxApi } from '../../extension/src/pbx/api.js';
import { PbxRestClient } from '../../extension/src/pbx/restClient.js';
import { loadPbxData, loadUserDetails, type PbxData } from '../../extension/src/pbx/snapshot.js';
import { loadUserTelephony } from '../../extension/src/pbx/telephony.js';
import { PbxError } from '../../extension/src/pbx/restClient.js';
import type { Connection } from '../../shared/schemas/connection.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';

const KEY_AGE_MS = 3 * 60 * 60_000 + 5 * 60_000; // "3 h ago"

async function signedInApi(base: string): Promise<PbxApi> {
  const client = new PbxRestClient(base);
  await client.login('admin', ADMIN_PASSWORD);
  return new PbxApi(client);
}

function child(node: TreeNode, label: string): TreeNode {
  const found = node.children?.find((c) => c.label === label);
  assert.ok(
    found,
    `"${node.label}" has no child "${label}"; it has ${JSON.stringify(node.children?.map((c) => c.label))}`,
  );
  return found;
}

/** The context a test builds trees in: English, a fixed clock `KEY_AGE_MS` after the key was made. */
function contextFor(data: PbxData): TreeContext {
  const keyCreatedAt = data.configurations?.[0]?.configuration.keyCreatedAt;
  return {
    t: englishOnly,
    language: 'en',
    now: keyCreatedAt ? Date.parse(keyCreatedAt) + KEY_AGE_MS : Date.parse('2025-06-01T12:00:00Z'),
  };
}

describe('extension tree model', () => {
  let sim: RunningSim;
  let api: PbxApi;
  let connection: Connection;

  beforeEach(async () => {
    sim = await startSim();
    api = await signedInApi(sim.base);
    connection = {
      name: 'Demo',
      url: sim.base.replace(/\/rest$/, ''),
      login: 'admin',
      kind: 'simulator',
      auth: 'auto',
    };
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('shows the demo PBX: Server, Licences, Users, Teams Integration', async () => {
    const data = await loadPbxData(api, () => 1234);
    assert.equal(data.loadedAt, 1234);
    assert.equal(data.simulator, true);
    const root = connectionNode(connection, 'ready', data, undefined, contextFor(data));
    assert.equal(root.label, 'Demo');
    assert.equal(root.description, 'simulator');
    assert.equal(root.contextValue, 'connection.simulator.signedIn');
    assert.equal(root.collapsible, 'expanded');
    assert.deepEqual(
      root.children!.map((c) => c.label),
      ['Server', 'Licences', 'Users', 'Groups', 'Teams Integration'],
    );

    const server = child(root, 'Server');
    assert.match(server.description!, /8\.1\.0\.4/);
    assert.match(server.description!, /R1 ✓/);
    assert.equal(server.contextValue, 'server.pass');
    assert.equal(server.value, '8.1.0.4');

    const licences = child(root, 'Licences');
    assert.equal(licences.contextValue, 'licences');
    assert.equal(licences.children!.length, 2);
    assert.deepEqual(licences.children!.map((l) => l.label).sort(), ['MS Teams Integration', 'UCC-Client Premium']);
    for (const l of licences.children!) {
      assert.equal(l.description, '2 of 2 used');
      assert.equal(l.contextValue, 'licence');
      assert.equal(l.ref.licenceType, l.label);
    }

    const users = child(root, 'Users');
    assert.equal(users.description, '4');
    assert.deepEqual(
      users.children!.map((u) => u.value),
      ['admin', '1001', '1002', '1003'],
    );
    for (const u of users.children!) {
      assert.equal(u.lazy, 'userDetails');
      assert.equal(u.children, undefined);
      assert.equal(u.contextValue, 'user.simulator');
      assert.equal(typeof u.ref.userId, 'number');
    }
    assert.equal(child(users, '1001 Anna Albers').ref.userId, 2);
    assert.equal(child(users, '1001 Anna Albers').description, 'ext. 1001');

    const teams = child(root, 'Teams Integration');
    assert.equal(teams.contextValue, 'teams');
    const config = child(teams, 'Teams');
    assert.equal(config.ref.configurationId, 1);
    assert.equal(config.contextValue, 'configuration.active.connectorOn.hasKey');
    assert.equal(config.description, 'active');
    const fingerprint = data.configurations![0]!.configuration.keyFingerprint!;
    assert.match(fingerprint, /^SHA256:/);
    assert.equal(child(config, 'Mode').description, 'Vollständige Integration');
    assert.equal(child(config, 'Mode').value, 'FULL_INTEGRATION');
    assert.equal(child(config, 'PBX name').description, 'pbx.demo.starface.test');
    const key = child(config, 'Key');
    assert.ok(key.description!.startsWith(fingerprint.slice(0, 19)), key.description);
    assert.match(key.description!, /3 h ago$/);
    assert.equal(key.value, fingerprint);
    assert.equal(key.contextValue, 'configKey.hasKey');
    assert.equal(child(config, 'Autoprovisioning').description, 'on');
    const connector = child(config, 'UCI connector');
    assert.equal(connector.description, 'active');
    assert.equal(connector.contextValue, 'configConnector.on');
    const log = child(config, 'Module log');
    assert.equal(log.description, String(data.configurations![0]!.log.length));
    assert.ok(log.children!.length > 0);
    // Every id is unique: VS Code refuses a tree with duplicate ids.
    const ids: string[] = [];
    const walk = (n: TreeNode) => {
      ids.push(n.id);
      n.children?.forEach(walk);
    };
    walk(root);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('says "restart needed" after a change the connector has not picked up', async () => {
    const put = await sim.admin.put('/modules/configurations/1', { autoprovisioning: false });
    assert.equal(put.status, 200);
    const data = await loadPbxData(api);
    const root = connectionNode(connection, 'ready', data, undefined, contextFor(data));
    const config = child(child(root, 'Teams Integration'), 'Teams');
    assert.match(config.description!, /restart needed/);
    assert.match(config.contextValue, /pendingRestart/);
    assert.equal(config.contextValue, 'configuration.active.connectorOn.pendingRestart.hasKey');
    assert.equal(child(config, 'Autoprovisioning').description, 'off (R16)');
    const connector = child(config, 'UCI connector');
    assert.equal(connector.description, 'active · restart needed');
    assert.equal(connector.contextValue, 'configConnector.on.pendingRestart');

    // Restarting the connector clears it.
    await api.setConnector(1, false);
    await api.setConnector(1, true);
    const after = await loadPbxData(api);
    const config2 = child(
      child(connectionNode(connection, 'ready', after, undefined, contextFor(after)), 'Teams Integration'),
      'Teams',
    );
    assert.doesNotMatch(config2.contextValue, /pendingRestart/);
  });

  it('shows user details: 1002 lacks the Teams right, 1003 has no licences', async () => {
    const data = await loadPbxData(api);
    const ctx = contextFor(data);
    const ref = { connection: connection.name };
    const nodesFor = async (login: string) => {
      const user = data.users.find((u) => u.login === login)!;
      return userDetailNodes(user, await loadUserDetails(api, user.id), ref, ctx);
    };
    const teamsRight = 'Integration mit Microsoft Teams';

    const anna = await nodesFor('1001');
    assert.deepEqual(
      anna.map((n) => n.label),
      ['Licences', 'Rights', 'Desktop app', 'Phone numbers', 'Phones'],
    );
    assert.ok(child(anna[1]!, teamsRight));
    assert.equal(anna[0]!.description, 'UCC-Client Premium, MS Teams Integration');

    const bernd = await nodesFor('1002');
    const berndRights = bernd.find((n) => n.label === 'Rights')!;
    assert.equal(berndRights.ref.userId, 3);
    assert.ok(!berndRights.children!.some((r) => r.label === teamsRight), 'Bernd must not have the Teams right');
    assert.ok(berndRights.children!.some((r) => r.label === 'App Premium-Funktionen'));
    assert.equal(berndRights.description, String(berndRights.children!.length));
    assert.equal(bernd.find((n) => n.label === 'Desktop app')!.description, 'active on macos');

    const carla = await nodesFor('1003');
    const carlaLicences = carla.find((n) => n.label === 'Licences')!;
    assert.equal(carlaLicences.description, 'none');
    assert.equal(carlaLicences.collapsible, 'none');
    assert.deepEqual(carlaLicences.children, []);
    assert.ok(
      child(
        carla.find((n) => n.label === 'Rights')!,
        teamsRight,
      ),
    );
  });

  it("shows a user's phone numbers (internal/external, primary, shown on calls) and phones (SIP/iFMC, active)", async () => {
    const data = await loadPbxData(api);
    const anna = data.users.find((u) => u.login === '1001')!;
    const nodes = userDetailNodes(anna, await loadUserDetails(api, anna.id), { connection: 'Demo' }, contextFor(data));
    const numbers = nodes.find((n) => n.contextValue === 'userPhoneNumbers')!;
    assert.equal(numbers.label, 'Phone numbers');
    assert.equal(numbers.description, '2');
    assert.deepEqual(
      numbers.children!.map((n) => [n.label, n.description, n.contextValue]),
      [
        ['1001', 'internal · primary', 'userPhoneNumber.internal.primary'],
        ['+4930555011', 'external · primary · shown on calls', 'userPhoneNumber.external.primary.display'],
      ],
    );
    const phones = nodes.find((n) => n.contextValue === 'userPhones')!;
    assert.deepEqual(
      phones.children!.map((n) => [n.label, n.description, n.contextValue]),
      [['Softphone 1001', 'SIP · active', 'userPhone.sip.active']],
    );
    assert.equal(phones.children![0]!.ref.userId, anna.id);

    // After a change over REST the reloaded details follow: a second, inactive phone; the external number released.
    await sim.admin.post(`/users/${anna.id}/phoneconfig/phones`, {
      active: false,
      isIFMC: false,
      phoneId: 0,
      phoneName: 'Desk',
      userId: anna.id,
    });
    const external = numbers.children![1]!.id.split(':').at(-1);
    await sim.admin.delete(`/users/${anna.id}/phonenumberconfig/phonenumbers/${external}`);
    const after = userDetailNodes(anna, await loadUserDetails(api, anna.id), { connection: 'Demo' }, contextFor(data));
    assert.deepEqual(
      after.find((n) => n.contextValue === 'userPhoneNumbers')!.children!.map((n) => n.description),
      ['internal · primary · shown on calls'],
    );
    assert.deepEqual(
      after.find((n) => n.contextValue === 'userPhones')!.children!.map((n) => [n.label, n.contextValue]),
      [
        ['Softphone 1001', 'userPhone.sip.active'],
        ['Desk', 'userPhone.sip.inactive'],
      ],
    );
  });

  it('a user without "Administration" sees their own phones and numbers', async () => {
    const client = new PbxRestClient(sim.base);
    await client.login('1003', 'carla-demo-1003');
    const carlaApi = new PbxApi(client);
    const me = await carlaApi.me();
    const telephony = await loadUserTelephony(carlaApi, me.id);
    assert.deepEqual(
      telephony?.numbers.map((n) => n.number),
      ['1003', '+4930555013'],
    );
    assert.deepEqual(
      telephony?.phones.map((p) => p.phoneName),
      ['Softphone 1003'],
    );
  });

  it('leaves phones and numbers out where the PBX refuses them, without an error node', async () => {
    const refusing = (status: number | undefined) =>
      ({
        client: {
          call: () => Promise.reject(new PbxError('refused', status, status ? `HTTP_${status}` : 'UNREACHABLE')),
        },
      }) as unknown as PbxApi;
    for (const status of [403, 404, 500]) assert.equal(await loadUserTelephony(refusing(status), 2), null);
    await assert.rejects(loadUserTelephony(refusing(undefined), 2), /refused/, 'an unreachable PBX is an error');
    const user = { id: 2, login: '1001', firstName: 'A', familyName: 'B', email: '', language: 'de' };
    const ctx: TreeContext = { t: englishOnly, language: 'en', now: 0 };
    const nodes = userDetailNodes(
      user,
      { rights: [], licences: null, app: null, telephony: null },
      { connection: 'x' },
      ctx,
    );
    assert.ok(!nodes.some((n) => n.contextValue === 'userPhones' || n.contextValue === 'userPhoneNumbers'));
    assert.ok(!nodes.some((n) => n.contextValue === 'error'));
  });

  it('shows "Only the simulator offers this" for what a real PBX has no REST resource for', async () => {
    // A real STARFACE: the simulator behind a proxy that answers 404 (an HTML page, as Tomcat does) for the
    // simulator-only paths.
    const proxy: Server = createServer((req, res) => {
      const path = req.url!.replace(/^\/rest/, '');
      if (/^\/(licenses|modules|sim)(\/|\?|$)/.test(path)) {
        res.writeHead(404, { 'Content-Type': 'text/html' });
        res.end('<html><body><h1>HTTP Status 404 – Not Found</h1></body></html>');
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const h of ['content-type', 'authtoken', 'x-version'])
          if (typeof req.headers[h] === 'string') headers[h] = req.headers[h];
        fetch(sim.base + path, {
          method: req.method,
          headers,
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        }).then(
          async (r) => {
            res.writeHead(r.status, { 'Content-Type': r.headers.get('content-type') ?? 'application/json' });
            res.end(await r.text());
          },
          () => {
            res.writeHead(502);
            res.end();
          },
        );
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/rest`;
      const realApi = await signedInApi(base);
      const data = await loadPbxData(realApi);
      assert.equal(data.simulator, false);
      assert.equal(data.licences, null);
      assert.equal(data.modules, null);
      assert.equal(data.configurations, null);
      assert.equal(data.users.length, 4);

      const pbx: Connection = { name: 'Real', url: base, login: 'admin', kind: 'pbx', auth: 'auto' };
      const root = connectionNode(pbx, 'ready', data, undefined, contextFor(data));
      assert.equal(root.contextValue, 'connection.pbx.signedIn');
      assert.equal(root.description, base);
      const licences = child(root, 'Licences');
      assert.equal(licences.contextValue, 'licences.unavailable');
      assert.equal(licences.children!.length, 1);
      assert.match(licences.children![0]!.label, /^Only the simulator offers this/);
      assert.equal(licences.children![0]!.contextValue, 'simulatorOnly');
      assert.match(licences.children![0]!.tooltip!, /Admin › Server › Licences/);
      const teams = child(root, 'Teams Integration');
      assert.equal(teams.contextValue, 'teams.unavailable');
      assert.match(teams.children![0]!.label, /^Only the simulator offers this/);
      assert.equal(child(root, 'Server').description, '8.1.0.4 · R1 ✓');
      for (const u of child(root, 'Users').children!) assert.equal(u.contextValue, 'user');

      const anna = data.users.find((u) => u.login === '1001')!;
      const details = await loadUserDetails(realApi, anna.id);
      assert.equal(details.licences, null);
      assert.equal(details.app, null);
      assert.ok(details.rights.length > 0);
      const nodes = userDetailNodes(anna, details, { connection: pbx.name }, contextFor(data));
      // Phones and numbers are REST 6.7 operations a real STARFACE has: they show there too.
      assert.deepEqual(
        nodes.slice(3).map((n) => n.label),
        ['Phone numbers', 'Phones'],
      );
      assert.match(nodes[0]!.label, /only the simulator offers them/);
      assert.equal(nodes[0]!.contextValue, 'simulatorOnly');
      assert.equal(nodes[1]!.label, 'Rights');
      assert.match(nodes[2]!.label, /only the simulator knows it/);
      assert.equal(nodes[2]!.contextValue, 'simulatorOnly');
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('shows the same for a hand-made snapshot with the simulator-only parts null', async () => {
    const data = { ...(await loadPbxData(api)), licences: null, modules: null, configurations: null, simulator: false };
    const root = connectionNode(
      { ...connection, kind: 'pbx', auth: 'auto' },
      'ready',
      data,
      undefined,
      contextFor(data),
    );
    for (const label of ['Licences', 'Teams Integration']) {
      const node = child(root, label);
      assert.equal(node.children!.length, 1);
      assert.match(node.children![0]!.label, /Only the simulator offers this/);
    }
  });

  it('shows signed-out, signing-in and error states without data', () => {
    const ctx: TreeContext = { t: englishOnly, language: 'en', now: 0 };
    const out = connectionNode(connection, 'signed-out', undefined, undefined, ctx);
    assert.equal(out.contextValue, 'connection.simulator.signedOut');
    assert.equal(out.collapsible, 'collapsed');
    assert.equal(out.children!.length, 1);
    assert.match(out.children![0]!.label, /Not signed in/);
    assert.equal(out.children![0]!.contextValue, 'signInHint');

    const busy = connectionNode(connection, 'signing-in', undefined, undefined, ctx);
    assert.equal(busy.contextValue, 'connection.simulator.signedOut');
    assert.equal(busy.children![0]!.label, 'Signing in…');

    const message = 'Nothing listens at http://127.0.0.1:9/rest (connection refused)';
    const failed = connectionNode(connection, 'error', undefined, message, ctx);
    assert.equal(failed.contextValue, 'connection.simulator.signedOut');
    assert.equal(failed.icon, 'error');
    assert.equal(failed.children![0]!.label, message);
    assert.equal(failed.children![0]!.contextValue, 'error');
    assert.equal(connectionNode(connection, 'error', undefined, undefined, ctx).children![0]!.label, 'Unknown error');

    const pbx = connectionNode(
      { name: 'Office', url: 'https://pbx.example.com', login: 'admin', kind: 'pbx', auth: 'auto' },
      'signed-out',
      undefined,
      undefined,
      ctx,
    );
    assert.equal(pbx.contextValue, 'connection.pbx.signedOut');
    assert.equal(pbx.description, 'https://pbx.example.com');
    assert.match(pbx.tooltip!, /login: admin/);

    // "ready" without data (a race while loading) falls back to the sign-in hint rather than failing.
    assert.equal(
      connectionNode(connection, 'ready', undefined, undefined, ctx).children![0]!.contextValue,
      'signInHint',
    );
  });

  it('shows R1 ✗ for scenario broken-r1', async () => {
    const broken = await startSim({ scenario: 'broken-r1' });
    try {
      const data = await loadPbxData(await signedInApi(broken.base));
      const server = child(connectionNode(connection, 'ready', data, undefined, contextFor(data)), 'Server');
      assert.equal(server.description, '6.7.2.4 · R1 ✗');
      assert.equal(server.contextValue, 'server.fail');
      assert.equal(server.icon, 'error');
      assert.match(server.tooltip!, /6\.7\.2\.4 is older than 6\.7\.3\.11/);
    } finally {
      await broken.stop();
    }
  });

  it('builds the first level over 1,000 users', async function () {
    this.timeout(60_000);
    const existing = (await api.users()).length;
    const creates = Array.from({ length: 1000 - existing }, (_, i) => {
      const n = 2000 + i;
      return sim.admin.post('/users', {
        login: `u${n}`,
        firstName: `First${n}`,
        familyName: `Family${n}`,
        email: `u${n}@example.com`,
        language: 'en',
        extension: String(n),
        password: `password-${n}`,
      });
    });
    const replies = await Promise.all(creates);
    assert.ok(replies.every((r) => r.status === 201));
    // How long this takes is `npm run bench -- extension` (tree first level); here, what it builds.
    const data = await loadPbxData(api);
    assert.equal(data.users.length, 1000);
    const root = connectionNode(connection, 'ready', data, undefined, contextFor(data));
    const users = child(root, 'Users');
    assert.equal(users.description, '1000');
    assert.equal(users.children!.length, 1000);
    assert.ok(users.children!.every((u) => u.lazy === 'userDetails' && u.children === undefined));
  });
});

describe('extension: SIP registrations in the tree', () => {
  it('a user node lists the user’s SIP bindings with transport, source and time left', () => {
    const user = {
      id: 2,
      login: '1001',
      firstName: 'Anna',
      familyName: 'Albers',
      email: '',
      language: 'de',
      extension: '1001',
    };
    const details = { rights: [], licences: [], app: null };
    const reg = {
      aor: 'sip:1001@pbx.demo.starface.test',
      userId: 2,
      login: '1001',
      extension: '1001',
      contact: 'sip:a1@x.invalid;transport=ws',
      transport: 'WS' as const,
      source: '127.0.0.1:50000',
      expiresAt: '2026-01-01T01:00:00.000Z',
      expiresIn: 600,
      callId: 'c',
      cseq: 2,
      path: [],
      userAgent: 'SIP.js/0.21.1',
      registeredAt: '2026-01-01T00:50:00.000Z',
    };
    const ctx = { t: englishOnly, language: 'en', now: Date.parse('2026-01-01T00:50:00Z') };
    const nodes = userDetailNodes(user, details, { connection: 'sim' }, ctx, true, [reg]);
    const sip = nodes.find((n) => n.contextValue === 'userRegistrations')!;
    assert.equal(sip.description, '1');
    assert.equal(sip.children?.[0]?.label, 'sip:a1@x.invalid;transport=ws');
    assert.equal(sip.children?.[0]?.description, 'WS from 127.0.0.1:50000, 600 s left');
    assert.equal(
      userDetailNodes(user, details, { connection: 'sim' }, ctx, true, []).find(
        (n) => n.contextValue === 'userRegistrations',
      )?.description,
      'none',
    );
    assert.equal(
      userDetailNodes(user, details, { connection: 'pbx' }, ctx, true, null).find(
        (n) => n.contextValue === 'userRegistrations',
      ),
      undefined,
      'a real PBX has no such node',
    );
  });
});
