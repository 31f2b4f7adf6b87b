// In-host benchmark of the extension, run by `npm run bench -- extension` (test/bench/run.mjs) through
// `node test/vscode/run.mjs --files=test/vscode/bench/extension.bench.ts`: one fresh code-server window per run.
// Not a *.test.ts: the `vscode` test tier never loads it (there the extension is activated by earlier tests).
// Prints one line `STARFACE_BENCH {json}` that the bench runner picks out of the relayed console.
//   activation  wall time of `await ext.activate()` from a window where nothing activated it yet, and what VS Code's
//               own marks say of our part: loading dist/extension.js (willLoad→didLoadExtensionCode) and our
//               activate() call until its promise settles (willActivate→didActivateExtension). Both in whole ms:
//               the extension host's marks use Date.now().
//   tree        the real bundled simulator (starface.startSimulator) with BENCH_TREE_USERS (1,000) extra users; the
//               time for the tree's first level: getChildren() of the root, of the connection, of Users — with
//               getTreeItem() for every node returned, as the view does — BENCH_TREE_RUNS (15) times.
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../../extension/src/extension';
import type { TreeNode } from '../../../extension/src/model/tree/pbxTreeModel';

const EXTENSION_ID = 'starface-devkit.starface-teams-devkit';
const SIM = 'Local simulator';
const envInt = (name: string, dflt: number) => {
  const n = Number(process.env[name] ?? '');
  return Number.isInteger(n) && n > 0 ? n : dflt;
};

function markDelta(from: string, to: string): number | null {
  const marks =
    (
      globalThis as { MonacoPerformanceMarks?: { getMarks(): { name: string; startTime: number }[] } }
    ).MonacoPerformanceMarks?.getMarks() ?? [];
  const at = (name: string) => marks.filter((m) => m.name === `code/extHost/${name}/${EXTENSION_ID}`).pop()?.startTime;
  const a = at(from);
  const b = at(to);
  return a === undefined || b === undefined ? null : b - a;
}

async function createUsers(api: DevKitApi, count: number, concurrency = 32): Promise<void> {
  const client = api.sessions.get(SIM)!.api.client;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await client.send('POST', '/users', {
        login: String(20000 + i),
        firstName: `Bench${i % 16}`,
        familyName: `Nachname${i}`,
        email: `user${i}@bench.example.test`,
        language: i % 2 ? 'de' : 'en',
        password: `bench-pw-${i}`,
        extension: String(20000 + i),
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The first level as the view renders it: children, and a TreeItem for each. */
async function firstLevel(api: DevKitApi): Promise<{ ms: number; users: number }> {
  const t0 = performance.now();
  const roots = await api.tree.getChildren();
  roots.forEach((n) => api.tree.getTreeItem(n));
  const conn = roots.find((n) => n.id === `conn:${SIM}`)!;
  const top = await api.tree.getChildren(conn);
  top.forEach((n) => api.tree.getTreeItem(n));
  const usersNode = top.find((n: TreeNode) => n.id.endsWith(':users'))!;
  const users = await api.tree.getChildren(usersNode);
  users.forEach((n) => api.tree.getTreeItem(n));
  return { ms: performance.now() - t0, users: users.length };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.ceil(0.5 * s.length) - 1]!;
};
const round = (n: number) => Math.round(n * 10) / 10;

describe('bench: extension in the host', function () {
  this.timeout(180_000);

  it('activation and the first level of a tree over 1,000 users', async () => {
    const ext = vscode.extensions.getExtension<DevKitApi>(EXTENSION_ID);
    assert.ok(ext);
    assert.equal(ext.isActive, false, 'nothing activated the extension before the bench');
    const t0 = performance.now();
    const api = await ext.activate();
    const wallMs = performance.now() - t0;
    const activation = {
      wallMs: round(wallMs),
      codeLoadingMs: markDelta('willLoadExtensionCode', 'didLoadExtensionCode'),
      activateCallMs: markDelta('willActivateExtension', 'didActivateExtension'),
    };

    const extraUsers = envInt('BENCH_TREE_USERS', 1000);
    const runs = envInt('BENCH_TREE_RUNS', 15);
    let tree: Record<string, unknown> | undefined;
    try {
      const rest = await vscode.commands.executeCommand<string>('starface.startSimulator', { scenario: 'demo' });
      assert.ok(rest, 'the simulator started');
      const session = api.sessions.get(SIM)!;
      const c0 = performance.now();
      await createUsers(api, extraUsers);
      const createMs = performance.now() - c0;
      // Let the event poller's refreshes (1 s interval) triggered by the creations settle before measuring.
      await new Promise((r) => setTimeout(r, 1500));
      await session.refresh();
      await new Promise((r) => setTimeout(r, 1200));
      const l0 = performance.now();
      await session.refresh();
      const loadMs = performance.now() - l0;
      assert.equal(session.state, 'ready', session.error);
      const samples: number[] = [];
      let users = 0;
      for (let i = 0; i < runs; i++) {
        const r = await firstLevel(api);
        samples.push(r.ms);
        users = r.users;
      }
      assert.ok(users >= extraUsers, `${users} users in the tree`);
      tree = {
        users,
        runs,
        firstMs: round(samples[0]!),
        medianMs: round(median(samples)),
        maxMs: round(Math.max(...samples)),
        samplesMs: samples.map(round),
        reloadMs: round(loadMs),
        createUsersMs: Math.round(createMs),
      };
    } finally {
      await vscode.commands.executeCommand('starface.stopSimulator');
      await vscode.workspace.getConfiguration('starface').update('connections', [], vscode.ConfigurationTarget.Global);
    }
    console.log(`STARFACE_BENCH ${JSON.stringify({ activation, tree })}`);
  });
});
