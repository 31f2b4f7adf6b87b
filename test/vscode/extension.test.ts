// The extension against the REAL bundled simulator, inside a real VS Code extension host (code-server 4.100.3):
// `starface.startSimulator {scenario:'demo'}` spawns dist/simulator/cli.js; the tree is read through the API that
// activate() returns (api.tree.getChildren / getTreeItem), the commands run with their prompt-skipping arguments.
// Covers issue 3: the demo's nodes, a new key changes the fingerprint shown, the key file is 0600, passwords land
// in SecretStorage and never in settings, every contributed command is registered (and the other way round),
// start/stop of the simulator from the commands. Runs through test/vscode/run.mjs (`npm run test:vscode`).
import * as assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../extension/src/extension';
import type { TreeNode } from '../../extension/src/model/tree/pbxTreeModel';
import { keyFingerprint } from '../../shared/hashes';
import { KeyFileSchema } from '../../shared/schemas/keyfile';
import { exec } from './support/exec';
import {
  activateDevKit,
  EXTENSION_ID,
  SIM,
  SIM_REST,
  simulatorGet,
  trustSimulatorCertificateInPrompts,
} from './support/host';
import { answerInputBox } from './support/workbench';

const ANNA = { name: 'Anna (1001)', login: '1001', password: 'anna-demo-1001' };
const ADMIN2 = { name: 'Second admin', login: 'devkit-admin', password: 'second-admin-pw-7e1f' };
const WRONG = { name: 'Wrong password', login: '1002', password: 'not-bernds-password' };

interface ContributedCommand {
  command: string;
}
interface Manifest {
  contributes: { commands: ContributedCommand[]; views: Record<string, { id: string }[]> };
}

let api: DevKitApi;
let simUrl: string; // the connection URL (without /rest)
let simPid: number;
let simPassword: string;
const tmp = mkdtempSync(join(tmpdir(), 'starface-ext-test-'));

const session = (name: string) => {
  const s = api.sessions.get(name);
  assert.ok(s, `a session "${name}" exists`);
  return s;
};

async function roots(): Promise<TreeNode[]> {
  return api.tree.getChildren();
}
async function child(parent: TreeNode | undefined, label: string | RegExp): Promise<TreeNode> {
  const kids = await api.tree.getChildren(parent);
  const found = kids.find((n) => (typeof label === 'string' ? n.label === label : label.test(n.label)));
  assert.ok(
    found,
    `"${parent?.label ?? '(root)'}" has a child ${String(label)}; it has ${kids.map((k) => JSON.stringify(k.label)).join(', ')}`,
  );
  return found;
}
const simNode = () => child(undefined, SIM);
const s = () => session(SIM);
async function keyNode(): Promise<TreeNode> {
  const teams = await child(await simNode(), 'Teams Integration');
  return child(await child(teams, 'Teams'), 'Key');
}
function descriptionOf(node: TreeNode): string {
  const d = api.tree.getTreeItem(node).description;
  return typeof d === 'string' ? d : String(d);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The simulator processes this extension host spawned: /proc/<pid>/stat's ppid is ours, argv runs cli.js. */
function simulatorChildren(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => a.endsWith(join('dist', 'simulator', 'cli.js'))) && argv.includes('--ready-json'))
        out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function environOf(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const i = kv.indexOf('=');
    if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}

/** Everything VS Code holds for `starface.connections`, at every level, as one string; plus the settings files. */
function settingsText(): string {
  const inspected = vscode.workspace.getConfiguration('starface').inspect('connections');
  return JSON.stringify(inspected);
}
function settingsFiles(): string[] {
  // test/vscode/run.mjs gives code-server TMPDIR=<tmp> and --user-data-dir <tmp>/user-data.
  const files = [join(tmpdir(), 'user-data', 'User', 'settings.json')];
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (ws) files.push(join(ws, '.vscode', 'settings.json'));
  return files.filter((f) => existsSync(f));
}
function assertNoPasswordInSettings(...passwords: string[]) {
  const inspected = vscode.workspace.getConfiguration('starface').inspect<unknown[]>('connections');
  for (const [level, value] of Object.entries(inspected ?? {})) {
    if (!Array.isArray(value)) continue;
    for (const entry of value)
      assert.ok(
        !('password' in (entry as object)),
        `starface.connections (${level}) holds no password field: ${JSON.stringify(entry)}`,
      );
  }
  const files = settingsFiles();
  assert.ok(
    files.some((f) => readFileSync(f, 'utf8').includes('"starface.connections"')),
    `a settings file on disk holds starface.connections (${files.join(', ')})`,
  );
  const texts = [settingsText(), ...files.map((f) => readFileSync(f, 'utf8'))];
  for (const pw of passwords) {
    assert.ok(pw.length >= 6);
    for (const text of texts) assert.ok(!text.includes(pw), 'no password in the settings');
  }
}

describe('the extension against the bundled simulator (real extension host)', function () {
  this.timeout(60_000);
  let untrust: (() => void) | undefined;

  before(async () => {
    api = await activateDevKit();
    assert.ok(api?.tree && api.sessions && api.simulator, 'activate() returns the DevKitApi');
    untrust = trustSimulatorCertificateInPrompts(api);
  });

  after(async () => {
    untrust?.();
    try {
      if (api?.simulator.running) await vscode.commands.executeCommand('starface.stopSimulator');
      for (const pid of simulatorChildren()) process.kill(pid, 'SIGKILL');
    } finally {
      await vscode.workspace.getConfiguration('starface').update('connections', [], vscode.ConfigurationTarget.Global);
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  describe('commands', () => {
    it('every contributed command is registered, and every registered starface.* command is contributed', async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      const manifest = ext.packageJSON as Manifest;
      const contributed = manifest.contributes.commands.map((c) => c.command).sort();
      assert.ok(contributed.length >= 20, `the manifest contributes commands (${contributed.length})`);
      // VS Code itself registers <viewId>.focus, <viewId>.resetViewLocation… for each contributed view.
      const viewIds = Object.values(manifest.contributes.views)
        .flat()
        .map((v) => v.id);
      const registered = (await vscode.commands.getCommands(true))
        .filter((id) => id.startsWith('starface.') && !viewIds.some((v) => id.startsWith(`${v}.`)))
        .sort();
      assert.deepEqual(
        contributed.filter((c) => !registered.includes(c)),
        [],
        'contributed but not registered',
      );
      assert.deepEqual(
        registered.filter((c) => !contributed.includes(c)),
        [],
        'registered but not contributed',
      );
      assert.deepEqual(registered, contributed);
    });
  });

  describe('simulator, tree, key', () => {
    it('starface.startSimulator {scenario: demo} starts the bundled simulator and signs in', async () => {
      assert.equal(api.simulator.running, false, 'no simulator runs before the command');
      const rest = await exec<string>(30_000, 'starface.startSimulator', { scenario: 'demo' });
      assert.equal(
        typeof rest,
        'string',
        'the command returns the REST URL (undefined: it failed, see the STARFACE log)',
      );
      assert.match(rest!, SIM_REST);
      simUrl = rest!.replace(/\/rest$/, '');
      assert.equal(api.simulator.running, true);

      const pids = simulatorChildren();
      assert.equal(pids.length, 1, `one simulator child process (${pids.join(', ')})`);
      simPid = pids[0]!;
      assert.ok(alive(simPid));
      // The data lives in the extension's storage, not in the workspace.
      const dataDir = api.simulator.dataDir;
      assert.ok(
        readFileSync(`/proc/${simPid}/cmdline`, 'utf8').split('\0').includes(dataDir),
        `the simulator runs on ${dataDir}`,
      );
      assert.ok(existsSync(dataDir) && readdirSync(dataDir).length > 0, 'the data directory holds the stored PBX');
      const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      if (ws) assert.ok(!dataDir.startsWith(ws), 'not inside the workspace folder');
      // The generated admin password reaches the simulator through its environment (never argv).
      simPassword = environOf(simPid).STARFACE_SIM_ADMIN_PASSWORD ?? '';
      assert.ok(simPassword.length >= 16, 'a generated admin password');
      assert.ok(!readFileSync(`/proc/${simPid}/cmdline`, 'utf8').includes(simPassword), 'the password is not in argv');

      // the login challenge: answered without a token
      assert.equal(await simulatorGet(api, `${rest}/login`), 200);
      const s = session(SIM);
      assert.equal(s.state, 'ready', `signed in (${s.error ?? ''})`);
      assert.equal(s.connection.kind, 'simulator');
      assert.equal(s.connection.login, 'admin');
      assert.equal(api.sessions.selected?.connection.name, SIM);
    });

    it("the demo scenario's nodes appear in the tree", async () => {
      const conn = await simNode();
      assert.equal(conn.id, `conn:${SIM}`);
      assert.match(conn.contextValue, /^connection\.simulator\.signedIn$/);
      const item = api.tree.getTreeItem(conn);
      assert.equal(item.label, SIM);
      assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);

      const top = await api.tree.getChildren(conn);
      // The simulator this window runs adds its own node first (issue 14); the PBX's nodes follow unchanged.
      assert.deepEqual(
        top.map((n) => n.label),
        ['Simulator', 'Server', 'Licences', 'Users', 'Groups', 'Teams Integration'],
      );
      const server = top[1]!;
      assert.match(descriptionOf(server), /^\d+\.\d+.*R1 ✓$/);

      const users = await child(conn, 'Users');
      const userNodes = await api.tree.getChildren(users);
      for (const [login, name] of [
        ['1001', 'Anna Albers'],
        ['1002', 'Bernd Brandt'],
        ['1003', 'Carla Conrad'],
      ]) {
        const u = userNodes.find((n) => n.label === `${login} ${name}`);
        assert.ok(u, `user ${login} ${name} is listed: ${userNodes.map((n) => n.label).join(', ')}`);
        assert.equal(u.contextValue, 'user.simulator');
        assert.equal(descriptionOf(u), `ext. ${login}`);
      }
      assert.equal(descriptionOf(users), String(userNodes.length));
      // User details load lazily on expansion.
      const anna = userNodes.find((n) => n.label.startsWith('1001 '))!;
      const details = await api.tree.getChildren(anna);
      assert.deepEqual(
        details.map((n) => n.label),
        [
          'Licences',
          'Rights',
          'Desktop app',
          'Phone numbers',
          'Phones',
          'SIP registrations',
          'Redirects',
          'Call journal',
        ],
      );
      assert.equal(details[5]!.description, 'none', 'no phone of 1001 is registered yet');
      // Nobody has called yet: the simulator's call journal (GET /rest/sim/users/{id}/calljournal) is empty.
      assert.deepEqual(
        (await api.tree.getChildren(details[7]!)).map((n) => [n.label, n.contextValue]),
        [['No calls yet', 'callJournal.none']],
      );
      // Her numbers and phones, read with the REST 6.7 operations.
      const numbers = await api.tree.getChildren(details[3]!);
      assert.deepEqual(
        numbers.map((n) => [n.label, descriptionOf(n)]),
        [
          ['1001', 'internal · primary'],
          ['+4930555011', 'external · primary · shown on calls'],
        ],
      );
      const phones = await api.tree.getChildren(details[4]!);
      assert.deepEqual(
        phones.map((n) => [n.label, descriptionOf(n), n.contextValue]),
        [['Softphone 1001', 'SIP · active', 'userPhone.sip.active']],
      );

      const teams = await child(conn, 'Teams Integration');
      const config = await child(teams, 'Teams');
      assert.match(config.contextValue, /^configuration\.active\..*hasKey/);
      const key = await child(config, 'Key');
      assert.equal(key.contextValue, 'configKey.hasKey');
      const fingerprint = s().data!.configurations![0]!.configuration.keyFingerprint!;
      assert.ok(fingerprint.startsWith('SHA256:'));
      assert.ok(
        descriptionOf(key).startsWith(`${fingerprint.slice(0, 19)}…`),
        `the Key node shows the fingerprint prefix: ${descriptionOf(key)}`,
      );
      assert.equal(key.value, fingerprint);
    });

    it('Groups shows Support with its numbers and members; Enable/Disable Redirect PUT and the tree follows', async () => {
      const support = await child(await child(await simNode(), 'Groups'), 'Support');
      const labels = (await api.tree.getChildren(support)).map((n) => n.label);
      for (const label of ['1010', '+4930555010', '1001 Anna Albers', '1002 Bernd Brandt'])
        assert.ok(labels.includes(label), `Support lists ${label}: ${labels.join(', ')}`);

      const bernd = await child(await child(await simNode(), 'Users'), /^1002 /);
      const redirects = await child(bernd, 'Redirects');
      const busy = () => child(redirects, '1002 · When busy');
      const before = await busy();
      assert.equal(before.contextValue, 'redirect.disabled');
      assert.match(descriptionOf(before), /^→ mailbox \d+ · disabled$/);
      assert.equal(await exec<boolean>(15_000, 'starface.enableRedirect', before), true);
      const enabled = await busy();
      assert.equal(enabled.contextValue, 'redirect.enabled', 'the tree shows the redirect enabled after the PUT');
      assert.match(descriptionOf(enabled), /· enabled$/);
      assert.equal(await exec<boolean>(15_000, 'starface.disableRedirect', enabled), true);
      assert.equal((await busy()).contextValue, 'redirect.disabled');
      // An unset redirect asks for a target; given one it is enabled with it.
      const always = await child(redirects, '1002 · Always');
      assert.equal(await exec<boolean>(15_000, 'starface.enableRedirect', always, { phoneNumber: '1003' }), true);
      const after = await child(redirects, '1002 · Always');
      assert.equal(after.contextValue, 'redirect.enabled');
      assert.match(descriptionOf(after), /^→ 1003 · enabled$/);
      await exec(15_000, 'starface.disableRedirect', after);
    });

    it("Open in REST shows the REST answer behind a node as JSON (a user's phones; the connection's OpenAPI)", async () => {
      const anna = await child(await child(await simNode(), 'Users'), /^1001 /);
      const phones = await child(anna, 'Phones');
      const opened = await exec<{ request: string; document: vscode.TextDocument }>(
        15_000,
        'starface.openInRest',
        phones,
      );
      assert.ok(opened, 'the command answered');
      assert.equal(opened.request, `GET /rest/users/${anna.ref.userId}/phoneconfig/phones`);
      assert.equal(opened.document.languageId, 'json');
      assert.equal(opened.document.isUntitled, true, 'nothing is written to disk');
      const answer = JSON.parse(opened.document.getText()) as { phoneName: string }[];
      assert.deepEqual(
        answer.map((p) => p.phoneName),
        ['Softphone 1001'],
      );
      const api = await exec<{ request: string; document: vscode.TextDocument }>(
        15_000,
        'starface.openInRest',
        await simNode(),
      );
      assert.equal(api!.request, 'GET /rest/openapi.json');
      assert.equal((JSON.parse(api!.document.getText()) as { openapi: string }).openapi, '3.1.0');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('starface.generateKey {confirmed} changes the fingerprint the Key node shows', async () => {
      const before = await keyNode();
      const beforeText = descriptionOf(before);
      const config = await child(await child(await simNode(), 'Teams Integration'), 'Teams');
      const fingerprint = await exec<string>(15_000, 'starface.generateKey', config, { confirmed: true });
      assert.equal(typeof fingerprint, 'string', 'generateKey returns the new fingerprint (undefined: it failed)');
      assert.notEqual(fingerprint, before.value);
      const after = await keyNode();
      assert.equal(after.value, fingerprint, 'after the refresh the tree holds the new key');
      const afterText = descriptionOf(after);
      assert.notEqual(afterText, beforeText);
      assert.ok(
        afterText.startsWith(`${fingerprint!.slice(0, 19)}…`),
        `the Key node shows the new prefix: ${afterText}`,
      );
      // The configuration now waits for a connector restart (R17).
      const config2 = await child(await child(await simNode(), 'Teams Integration'), 'Teams');
      assert.match(config2.contextValue, /pendingRestart/);
    });

    it('starface.saveKeyFile writes the key file with mode 0600', async () => {
      const target = join(tmp, 'demo.starface-key.json');
      const key = await keyNode();
      const written = await exec<string>(15_000, 'starface.saveKeyFile', key, { uri: vscode.Uri.file(target) });
      assert.equal(written, target);
      assert.equal(statSync(target).mode & 0o777, 0o600);
      const file = KeyFileSchema.parse(JSON.parse(readFileSync(target, 'utf8')));
      assert.equal(file.fingerprint, key.value, 'the file holds the key the tree shows');
      assert.equal(keyFingerprint(file.key), file.fingerprint);
      assert.equal(file.pbxName, 'pbx.demo.starface.test');

      // An existing, world-readable file is narrowed to 0600 too.
      const existing = join(tmp, 'existing.json');
      writeFileSync(existing, '{}');
      chmodSync(existing, 0o644);
      assert.equal(
        await exec<string>(15_000, 'starface.saveKeyFile', key, { uri: vscode.Uri.file(existing) }),
        existing,
      );
      assert.equal(statSync(existing).mode & 0o777, 0o600);
      KeyFileSchema.parse(JSON.parse(readFileSync(existing, 'utf8')));
    });
  });

  describe('passwords: SecretStorage, never settings', () => {
    it("the simulator connection's password is not in settings, and a sign-in without a password takes it from SecretStorage", async () => {
      const entries = vscode.workspace.getConfiguration('starface').get<Record<string, unknown>[]>('connections') ?? [];
      const entry = entries.find((c) => c.name === SIM);
      assert.deepEqual(entry, { name: SIM, url: simUrl, login: 'admin', kind: 'simulator' });
      assertNoPasswordInSettings(simPassword);

      const conn = await simNode();
      assert.equal(await exec(15_000, 'starface.signOut', conn), true);
      assert.equal(s().state, 'signed-out');
      assert.match((await simNode()).contextValue, /signedOut$/);
      // No password argument: a prompt would time out; success proves the password came from SecretStorage.
      assert.equal(await exec(15_000, 'starface.signIn', await simNode()), true);
      assert.equal(s().state, 'ready', `signed in again (${s().error ?? ''})`);
      assert.match((await simNode()).contextValue, /signedIn$/);
    });

    it('starface.addConnection keeps the password of a second admin connection in SecretStorage only', async () => {
      // A second administrator on the same simulator, made with the simulator session's own REST client.
      const created = (await s().api.client.send('POST', '/users', {
        login: ADMIN2.login,
        firstName: 'Second',
        familyName: 'Admin',
        email: '',
        language: 'en',
        password: ADMIN2.password,
      })) as { id: number };
      await s().api.setUserPermissions(created.id, [1, 9]); // Login + Administration

      const name = await exec<string>(15_000, 'starface.addConnection', {
        name: ADMIN2.name,
        url: simUrl,
        login: ADMIN2.login,
        password: ADMIN2.password,
      });
      assert.equal(name, ADMIN2.name, `added and signed in (${api.sessions.get(ADMIN2.name)?.error ?? ''})`);
      const second = session(ADMIN2.name);
      assert.equal(second.state, 'ready');
      assert.equal(second.connection.kind, 'pbx');
      const entry = (
        vscode.workspace.getConfiguration('starface').get<Record<string, unknown>[]>('connections') ?? []
      ).find((c) => c.name === ADMIN2.name);
      assert.deepEqual(entry, { name: ADMIN2.name, url: simUrl, login: ADMIN2.login, kind: 'pbx' });
      assertNoPasswordInSettings(simPassword, ADMIN2.password);
      assert.ok(
        (await roots()).some((n) => n.id === `conn:${ADMIN2.name}`),
        'the tree shows the new connection',
      );

      assert.equal(await exec(15_000, 'starface.signOut', await child(undefined, ADMIN2.name)), true);
      assert.equal(second.state, 'signed-out');
      assert.equal(
        await exec(15_000, 'starface.signIn', await child(undefined, ADMIN2.name)),
        true,
        `signed in from SecretStorage (${second.error ?? ''})`,
      );
      assert.equal(second.state, 'ready');
      assertNoPasswordInSettings(simPassword, ADMIN2.password);
    });

    it("starface.addConnection as user 1001 stores Anna's password in SecretStorage, not settings, and shows her own part", async () => {
      // 1001 has no right "Administration": the PBX shows her only her own user; the tree says what is hidden.
      const name = await exec<string>(15_000, 'starface.addConnection', {
        name: ANNA.name,
        url: simUrl,
        login: ANNA.login,
        password: ANNA.password,
      });
      assert.equal(name, ANNA.name);
      const anna = session(ANNA.name);
      assert.equal(anna.state, 'ready', `signed in (${anna.error ?? ''})`);
      assert.equal(anna.data?.admin, false);
      const entry = (
        vscode.workspace.getConfiguration('starface').get<Record<string, unknown>[]>('connections') ?? []
      ).find((c) => c.name === ANNA.name);
      assert.deepEqual(entry, { name: ANNA.name, url: simUrl, login: ANNA.login, kind: 'pbx' });
      assertNoPasswordInSettings(simPassword, ADMIN2.password, ANNA.password);

      const node = await child(undefined, ANNA.name);
      const users = await child(node, 'Users');
      assert.deepEqual(
        (await api.tree.getChildren(users)).map((u) => u.label),
        ['1001 Anna Albers'],
      );
      const licences = await child(node, 'Licences');
      assert.ok(
        (await api.tree.getChildren(licences)).some((c) => /Administration/.test(c.label)),
        'the Licences node says it needs "Administration"',
      );
      const teams = await child(node, 'Teams Integration');
      assert.ok(
        (await api.tree.getChildren(teams)).some((c) => /Administration/.test(c.label)),
        'so does Teams Integration',
      );
      const mine = await api.tree.getChildren((await api.tree.getChildren(users))[0]);
      const myLicences = mine.find((c) => c.contextValue === 'userLicences');
      assert.equal(
        myLicences?.description,
        'UCC-Client Premium, MS Teams Integration',
        'her own licences are readable',
      );

      // Signing in again without a password uses the stored one (a missing secret would open a prompt instead).
      assert.equal(await exec(15_000, 'starface.signOut', node), true);
      assert.equal(await exec(15_000, 'starface.signIn', await child(undefined, ANNA.name)), true);
      assert.equal(anna.state, 'ready');
    });

    it('a wrong password gives a clear message', async () => {
      const run = exec<string>(15_000, 'starface.addConnection', {
        name: WRONG.name,
        url: simUrl,
        login: WRONG.login,
        password: WRONG.password,
      });
      // The password is asked for again (connections.test.ts covers that); Escape leaves it signed out.
      const asked = await answerInputBox(`Password of ${WRONG.login} on ${WRONG.name}`, null);
      assert.ok(asked.found, `the password is asked for again (showing: "${asked.title}")`);
      assert.equal(await run, undefined, 'the command fails (it is wrapped: no exception)');
      const wrong = session(WRONG.name);
      assert.equal(wrong.state, 'error');
      assert.equal(wrong.error, `Sign-in as ${WRONG.login} failed: wrong login or password`);
      const node = await child(undefined, WRONG.name);
      assert.ok(
        (node.children ?? []).some((c) => c.label === wrong.error),
        'the tree shows the message under the connection',
      );
      assertNoPasswordInSettings(WRONG.password);
      // The other connections are unharmed.
      assert.equal(s().state, 'ready');
    });

    it('starface.removeConnection forgets the connection and its password', async () => {
      for (const n of [ANNA.name, WRONG.name]) {
        assert.equal(
          await exec(15_000, 'starface.removeConnection', await child(undefined, n), { confirmed: true }),
          true,
        );
        assert.equal(api.sessions.get(n), undefined);
      }
      // Re-adding without a password must now ask for one: SecretStorage no longer has it.
      await vscode.workspace
        .getConfiguration('starface')
        .update(
          'connections',
          [
            ...(vscode.workspace.getConfiguration('starface').get<unknown[]>('connections') ?? []),
            { name: WRONG.name, url: simUrl, login: WRONG.login, kind: 'pbx' },
          ],
          vscode.ConfigurationTarget.Global,
        );
      await waitFor(() => api.sessions.get(WRONG.name) !== undefined, 'the settings change reaches the sessions');
      const run = vscode.commands.executeCommand('starface.signIn', await child(undefined, WRONG.name));
      const prompted = await Promise.race([
        run.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), 1500)),
      ]);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal(await run, false, 'cancelling the prompt signs nobody in');
      assert.equal(prompted, true, 'without a stored password the command asks for one');
      assert.equal(
        await exec(15_000, 'starface.removeConnection', await child(undefined, WRONG.name), { confirmed: true }),
        true,
      );
    });
  });

  describe('stopping', () => {
    it('starface.stopSimulator ends the process and signs the connection out', async () => {
      assert.ok(alive(simPid));
      assert.equal(await exec(15_000, 'starface.stopSimulator'), true);
      assert.equal(alive(simPid), false, `the simulator (pid ${simPid}) is gone`);
      assert.deepEqual(simulatorChildren(), []);
      assert.equal(api.simulator.running, false);
      await assert.rejects(fetch(`${simUrl}/rest/server/version`), 'nothing listens on its port');
      assert.equal(session(SIM).state, 'signed-out');
      assert.match((await simNode()).contextValue, /^connection\.simulator\.signedOut$/);
    });

    it('starface.startSimulator again starts a new process; stopSimulator stops it', async () => {
      const rest = await exec<string>(30_000, 'starface.startSimulator', { scenario: 'demo' });
      assert.match(rest ?? '', SIM_REST);
      const [pid] = simulatorChildren();
      assert.ok(pid && pid !== simPid && alive(pid));
      assert.equal(session(SIM).state, 'ready');
      // The scenario was applied anew (--reset): the second admin of the last run is gone.
      assert.ok(!session(SIM).data!.users.some((u) => u.login === ADMIN2.login));
      assert.equal(await exec(15_000, 'starface.stopSimulator'), true);
      assert.equal(alive(pid), false);
      assert.equal(session(SIM).state, 'signed-out');
    });
  });
});

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
