// Issue 19, STARFACE 10's sign-in in a real extension host: the bundled simulator with the `starface-10` scenario,
// its node's "OAuth client" and "Copy OAuth Client Secret", a connection with `auth: oauth` whose secret is kept
// in SecretStorage (a second sign-in asks for nothing), the tree loading over Bearer tokens and live events over
// the UCI with the JWT (XML-RPC, as a real PBX sends them).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../extension/src/extension';
import type { TreeNode } from '../../extension/src/model/tree/pbxTreeModel';
import type { SimEvent } from '../../shared/schemas/events';
import { OAUTH_CLIENT_SECRET_PATTERN } from '../../shared/schemas/oauth';
import { until } from '../support/until';
import { exec } from './support/exec';
import { activateDevKit, SIM, SIM_REST, trustSimulatorCertificateInPrompts } from './support/host';

const TEN = 'Admin on STARFACE 10 (OAuth)';

let api: DevKitApi;

async function rootNode(name: string): Promise<TreeNode> {
  const roots = await api.tree.getChildren();
  const node = roots.find((n) => n.label === name);
  assert.ok(node, `the tree has "${name}"; it has ${roots.map((n) => JSON.stringify(n.label)).join(', ')}`);
  return node;
}

describe('STARFACE 10 OAuth sign-in (issue 19, real extension host)', function () {
  this.timeout(120_000);
  const uci = () => vscode.workspace.getConfiguration('starface.uci');
  let untrust: (() => void) | undefined;

  before(async () => {
    api = await activateDevKit();
    untrust = trustSimulatorCertificateInPrompts(api);
    const rest = await exec<string>(30_000, 'starface.startSimulator', { scenario: 'starface-10' });
    assert.match(rest ?? '', SIM_REST, 'the simulator started');
    const sim = api.sessions.get(SIM)!;
    await until('the simulator session is signed in', () => sim.state === 'ready', 20_000);
    await uci().update('transport', 'xml-rpc', vscode.ConfigurationTarget.Global);
    await uci().update('callbackAddress', '127.0.0.1', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    untrust?.();
    try {
      if (api?.sessions.get(TEN))
        await exec(15_000, 'starface.removeConnection', await rootNode(TEN), { confirmed: true });
      await uci().update('transport', undefined, vscode.ConfigurationTarget.Global);
      await uci().update('callbackAddress', undefined, vscode.ConfigurationTarget.Global);
      if (api?.simulator.running) await vscode.commands.executeCommand('starface.stopSimulator');
    } finally {
      await vscode.workspace.getConfiguration('starface').update('connections', [], vscode.ConfigurationTarget.Global);
    }
  });

  let secret = '';

  it('the simulator node shows the OAuth client, masked, and copies its secret', async () => {
    const sim = await rootNode(SIM);
    const simulatorNode = (await api.tree.getChildren(sim)).find((n) => n.contextValue === 'simulator');
    assert.ok(simulatorNode, 'the "Simulator" node');
    const oauth = (await api.tree.getChildren(simulatorNode)).find((n) => n.contextValue === 'simOAuthClient');
    assert.ok(oauth, 'an "OAuth client" child on a STARFACE 10 simulator');
    assert.equal(oauth.description, 'rest-client-headless · •••');
    assert.equal(await exec(15_000, 'starface.copyOAuthClientSecret', oauth), true);
    secret = await vscode.env.clipboard.readText();
    assert.match(secret, OAUTH_CLIENT_SECRET_PATTERN);
    assert.ok(!JSON.stringify(oauth).includes(secret), 'the node never holds the secret');
    await vscode.env.clipboard.writeText('');
  });

  it('a connection with auth oauth signs in with the secret, loads the tree and follows live events (JWT)', async () => {
    const simUrl = api.sessions.get(SIM)!.connection.url;
    // The admin sees every event; its password is the simulator's, in SecretStorage (copied as a trainer does).
    assert.equal(await exec(15_000, 'starface.copySimulatorPassword'), true);
    const adminPassword = await vscode.env.clipboard.readText();
    await vscode.env.clipboard.writeText('');
    const added = await exec<string>(30_000, 'starface.addConnection', {
      name: TEN,
      url: simUrl,
      login: 'admin',
      password: adminPassword,
      auth: 'oauth',
      clientSecret: secret,
    });
    assert.equal(added, TEN);
    const session = api.sessions.get(TEN)!;
    assert.equal(session.state, 'ready', session.error);
    assert.equal(session.signInMethod, 'oauth');
    const configured = vscode.workspace
      .getConfiguration('starface')
      .get<{ name: string; auth?: string }[]>('connections')!
      .find((c) => c.name === TEN);
    assert.equal(configured?.auth, 'oauth', 'the method is in the setting');
    assert.ok(!JSON.stringify(configured).includes(secret), 'the secret is not in the setting');

    const children = await api.tree.getChildren(await rootNode(TEN));
    assert.ok(children.length > 0, 'the tree loads');

    await until('live events', () => session.live.state === 'live', 20_000);
    assert.equal(session.liveSource, 'xml-rpc');
    const seen: SimEvent[] = [];
    const sub = session.onDidReceiveEvents((events) => seen.push(...events));
    try {
      const admin = api.sessions.get(SIM)!.api.client;
      await admin.send('PUT', '/modules/configurations/1', { autoprovisioning: false });
      await until(
        'an event over the UCI with the JWT',
        () => seen.some((e) => e.service === 'sim.events.config'),
        20_000,
      );
      await admin.send('PUT', '/modules/configurations/1', { autoprovisioning: true });
    } finally {
      sub.dispose();
    }
  });

  it('keeps the secret in SecretStorage: signed out and in again, nothing is asked', async () => {
    const node = await rootNode(TEN);
    await exec(15_000, 'starface.signOut', node);
    assert.equal(api.sessions.get(TEN)!.state, 'signed-out');
    // exec fails when the command opens a prompt: the password and the secret both come from SecretStorage.
    assert.equal(await exec(20_000, 'starface.signIn', node), true);
    assert.equal(api.sessions.get(TEN)!.signInMethod, 'oauth');
  });

  it('Choose Sign-In Method… switches to the login handshake and back', async () => {
    assert.equal(
      await exec(20_000, 'starface.chooseSignInMethod', await rootNode(TEN), { method: 'legacy' }),
      'legacy',
    );
    await until('signed in anew', () => api.sessions.get(TEN)?.state === 'ready', 20_000);
    assert.equal(api.sessions.get(TEN)!.signInMethod, 'legacy');
    assert.equal(
      await exec(20_000, 'starface.chooseSignInMethod', await rootNode(TEN), { method: 'auto', clientSecret: secret }),
      'auto',
    );
    await until('signed in anew', () => api.sessions.get(TEN)?.state === 'ready', 20_000);
    assert.equal(api.sessions.get(TEN)!.signInMethod, 'oauth', 'auto with a stored secret on a 10: OAuth');
  });
});
