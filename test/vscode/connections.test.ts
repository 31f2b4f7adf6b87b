// Issue 14, "the first hour in VS Code has no dead ends", for connections and sign-in, in a real extension host
// against the bundled simulator (demo scenario). The workbench page answers the input boxes as a user would
// (support/workbench.ts): the host cannot see its own showInputBox.
// - "+" (Add PBX Connection) in the PBX view's title, with a tree item selected: VS Code passes the focused node
//   as the command's argument; the command must ask for the details, not fail on the node.
// - A wrong password: asked for again with a message; stored only after a sign-in took it; Escape keeps the old.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../extension/src/extension';
import type { TreeNode } from '../../extension/src/model/tree/pbxTreeModel';
import { exec } from './support/exec';
import { activateDevKit, SIM, simulatorSession, trustSimulatorCertificateInPrompts } from './support/host';
import { answerInputBox, clickInWorkbench, type InputBoxSeen } from './support/workbench';

const ANNA = { login: '1001', password: 'anna-demo-1001' };
const WRONG_PASSWORD = 'not-annas-password';
/** Added through the prompts, after "+" was given a tree node. */
const PROMPTED = 'Anna (prompted)';
/** Added with a wrong password, then the right one given at the prompt. */
const RETRIED = 'Anna (retried)';
/** RETRIED, renamed at the end. */
const RENAMED = 'Anna (renamed)';
/** Added with a wrong password, the prompt cancelled. */
const CANCELLED = 'Anna (cancelled)';
const REFUSED_MESSAGE = `Sign-in as ${ANNA.login} failed: wrong login or password`;
/** What a raw zod error looks like in a message: its JSON issue list. */
const ZOD_TEXT = /"code"\s*:|invalid_type|"path"\s*:|Expected (string|object)/;

let api: DevKitApi;
let simUrl: string;

const session = (name: string) => {
  const s = api.sessions.get(name);
  assert.ok(s, `a session "${name}" exists`);
  return s;
};
async function connectionNode(name: string): Promise<TreeNode> {
  const roots = await api.tree.getChildren();
  const node = roots.find((n) => n.label === name);
  assert.ok(
    node,
    `the tree has a connection "${name}"; it has ${roots.map((n) => JSON.stringify(n.label)).join(', ')}`,
  );
  return node;
}
function assertNoRawErrors(seen: InputBoxSeen) {
  for (const text of seen.notifications) assert.doesNotMatch(text, ZOD_TEXT, 'no raw zod error on screen');
}

describe('connections and sign-in without dead ends (issue 14, real extension host)', function () {
  this.timeout(120_000);
  let untrust: (() => void) | undefined;

  before(async () => {
    api = await activateDevKit();
    untrust = trustSimulatorCertificateInPrompts(api);
    // Fresh: another file may have left the simulator running with a changed PBX.
    const s = await simulatorSession(api, { fresh: true });
    simUrl = s.connection.url;
  });

  after(async () => {
    untrust?.();
    try {
      for (const name of [PROMPTED, RETRIED, RENAMED, CANCELLED]) {
        if (api?.sessions.get(name))
          await exec(15_000, 'starface.removeConnection', await connectionNode(name), { confirmed: true });
      }
      if (api?.simulator.running) await vscode.commands.executeCommand('starface.stopSimulator');
    } finally {
      await vscode.workspace.getConfiguration('starface').update('connections', [], vscode.ConfigurationTarget.Global);
    }
  });

  describe('"+" (Add PBX Connection) with a tree item selected', () => {
    it('clicked in the real PBX view title with the connection selected, it opens the address prompt', async () => {
      await vscode.commands.executeCommand('starface.pbx.focus');
      const row = await clickInWorkbench(`.monaco-list-row:has-text("${SIM}")`, 10_000, 'selected');
      assert.ok(row.found, `the "${SIM}" row can be clicked (${row.error ?? ''})`);
      assert.match(row.classes ?? '', /\bselected\b/, `the row is selected (${row.classes ?? ''})`);
      const plus = await clickInWorkbench('.pane-header a.action-label[aria-label="Add PBX Connection"]');
      assert.ok(plus.found, `the "+" in the view title can be clicked (${plus.error ?? ''})`);
      // VS Code passed the focused node to the command: it must ask for the address, not fail on the node.
      const seen = await answerInputBox('STARFACE address', null);
      assert.ok(
        seen.found,
        `the address prompt appears (showing: "${seen.title}"; notifications: ${JSON.stringify(seen.notifications)})`,
      );
      assertNoRawErrors(seen);
    });

    it('executed with a tree node as its argument, it asks for the details; the answers add and sign in the connection', async () => {
      const run = exec<string>(60_000, 'starface.addConnection', await connectionNode(SIM));
      const answers: [title: string, answer: string][] = [
        ['STARFACE address', simUrl],
        ['Login', ANNA.login],
        [`Password of ${ANNA.login}`, ANNA.password],
        ['Name of this connection', PROMPTED],
      ];
      for (const [title, answer] of answers) {
        const seen = await answerInputBox(title, answer);
        assert.ok(
          seen.found,
          `the prompt "${title}" appears (showing: "${seen.title}"; notifications: ${JSON.stringify(seen.notifications)})`,
        );
        assert.equal(
          seen.password,
          title.startsWith('Password'),
          `only the password prompt hides what is typed (${title})`,
        );
        assertNoRawErrors(seen);
      }
      assert.equal(await run, PROMPTED, `added and signed in (${api.sessions.get(PROMPTED)?.error ?? ''})`);
      assert.equal(session(PROMPTED).state, 'ready');
      const entry = (
        vscode.workspace.getConfiguration('starface').get<Record<string, unknown>[]>('connections') ?? []
      ).find((c) => c.name === PROMPTED);
      assert.deepEqual(entry, { name: PROMPTED, url: simUrl, login: ANNA.login, kind: 'pbx' });
    });

    it('anything else as its argument (null, an empty object, a URI, incomplete details) also leads to the prompt', async () => {
      for (const arg of [
        null,
        {},
        vscode.Uri.file('/tmp'),
        { name: 'half', url: simUrl },
        { name: 'bad', url: 'ftp://127.0.0.1', login: 'x' },
      ]) {
        const run = exec<string>(30_000, 'starface.addConnection', arg);
        const seen = await answerInputBox('STARFACE address', null);
        assert.ok(seen.found, `the address prompt appears for ${JSON.stringify(arg)} (showing: "${seen.title}")`);
        assertNoRawErrors(seen);
        assert.equal(await run, undefined, 'cancelled: nothing added');
      }
      assert.ok(!api.sessions.get('half') && !api.sessions.get('bad'), 'nothing was added');
    });
  });

  describe('"Start Local Simulator" with a tree item selected', () => {
    it('executed with a tree node as its argument, it asks for the scenario instead of replacing the stored PBX with the demo', async () => {
      const before = api.simulator.addresses?.pid;
      assert.ok(before, 'the simulator of this file runs');
      const run = exec<string>(30_000, 'starface.startSimulator', await connectionNode(SIM));
      const seen = await answerInputBox('Start the local STARFACE simulator', null);
      assert.ok(
        seen.found,
        `the scenario question appears (showing: "${seen.title}"; notifications: ${JSON.stringify(seen.notifications)})`,
      );
      assertNoRawErrors(seen);
      assert.equal(await run, undefined, 'cancelled: nothing started');
      assert.equal(api.simulator.addresses?.pid, before, 'the same simulator process still runs: not restarted');
    });
  });

  describe('a wrong password', () => {
    it('is asked for again with a message; the right one signs in and is the one stored', async () => {
      const run = exec<string>(30_000, 'starface.addConnection', {
        name: RETRIED,
        url: simUrl,
        login: ANNA.login,
        password: WRONG_PASSWORD,
      });
      const seen = await answerInputBox(`Password of ${ANNA.login} on ${RETRIED}`, ANNA.password);
      assert.ok(
        seen.found,
        `the password is asked for again (showing: "${seen.title}"; notifications: ${JSON.stringify(seen.notifications)})`,
      );
      assert.equal(seen.password, true);
      assert.ok(seen.message?.includes(REFUSED_MESSAGE), `the prompt says the sign-in failed: "${seen.message ?? ''}"`);
      assertNoRawErrors(seen);
      assert.equal(
        await run,
        RETRIED,
        `signed in with the second password (${api.sessions.get(RETRIED)?.error ?? ''})`,
      );
      assert.equal(session(RETRIED).state, 'ready');

      // SecretStorage holds the right one: signing in again without a password neither prompts (exec would time
      // out) nor fails.
      assert.equal(await exec(15_000, 'starface.signOut', await connectionNode(RETRIED)), true);
      assert.equal(session(RETRIED).state, 'signed-out');
      assert.equal(await exec(15_000, 'starface.signIn', await connectionNode(RETRIED)), true);
      assert.equal(session(RETRIED).state, 'ready', `signed in from SecretStorage (${session(RETRIED).error ?? ''})`);
    });

    it('cancelled at the prompt, the stored password stays and the connection says why it is signed out', async () => {
      const run = exec<boolean>(30_000, 'starface.signIn', await connectionNode(RETRIED), { password: WRONG_PASSWORD });
      const seen = await answerInputBox(`Password of ${ANNA.login} on ${RETRIED}`, null);
      assert.ok(seen.found, `the password is asked for again (showing: "${seen.title}")`);
      assert.ok(seen.message?.includes(REFUSED_MESSAGE), `the prompt says the sign-in failed: "${seen.message ?? ''}"`);
      assert.equal(await run, false, 'cancelled: not signed in');
      const s = session(RETRIED);
      assert.equal(s.state, 'error');
      assert.equal(s.error, REFUSED_MESSAGE);
      const node = await connectionNode(RETRIED);
      assert.match(node.contextValue, /signedOut$/, 'the tree offers "Sign In"');
      assert.ok(
        (node.children ?? []).some((c) => c.label === REFUSED_MESSAGE),
        'the tree says why',
      );

      // The stored password is still the right one.
      assert.equal(await exec(15_000, 'starface.signIn', node), true);
      assert.equal(s.state, 'ready', `signed in from SecretStorage (${s.error ?? ''})`);
    });

    it('renamed (Edit Connection), the connection keeps its stored password', async () => {
      const renamed = await exec<string>(15_000, 'starface.editConnection', await connectionNode(RETRIED), {
        name: RENAMED,
        url: simUrl,
        login: ANNA.login,
      });
      assert.equal(renamed, RENAMED);
      assert.equal(api.sessions.get(RETRIED), undefined, 'the old name is gone');
      // Signing in under the new name neither prompts (exec would time out) nor fails: the password moved along.
      assert.equal(await exec(15_000, 'starface.signIn', await connectionNode(RENAMED)), true);
      assert.equal(session(RENAMED).state, 'ready', `signed in from SecretStorage (${session(RENAMED).error ?? ''})`);
    });

    it('of a new connection, cancelled at the prompt, is not stored', async () => {
      const run = exec<string>(30_000, 'starface.addConnection', {
        name: CANCELLED,
        url: simUrl,
        login: ANNA.login,
        password: WRONG_PASSWORD,
      });
      const seen = await answerInputBox(`Password of ${ANNA.login} on ${CANCELLED}`, null);
      assert.ok(seen.found, `the password is asked for again (showing: "${seen.title}")`);
      assert.equal(await run, undefined, 'added but not signed in');
      const s = session(CANCELLED);
      assert.equal(s.state, 'error');
      assert.equal(s.error, REFUSED_MESSAGE);

      // Nothing was stored: Sign In asks for a password, without a refusal to report.
      const again = exec<boolean>(30_000, 'starface.signIn', await connectionNode(CANCELLED));
      const asked = await answerInputBox(`Password of ${ANNA.login} on ${CANCELLED}`, null);
      assert.ok(asked.found, 'without a stored password Sign In asks for one');
      assert.ok(!asked.message?.includes(REFUSED_MESSAGE), `no refusal yet: "${asked.message ?? ''}"`);
      assert.equal(await again, false);
    });
  });
});
