// The prerequisites check (issue 8), VS Code side, in a real extension host against the bundled simulator:
// `starface.checkPrerequisites` fills the "Prerequisites" view (1002 fails R10, 1001 passes everything of hers);
// the grantRight fix for 1002 through `starface.applyPrerequisiteFix` re-runs the check (R10 passes) and shows the
// right in the PBX tree; a later change marks the report outdated instead of re-running it; the report exports
// as Markdown and HTML; R7 reads VS Code's `http.proxy`; the sign-in rehearsal with the simulator's key file.
// Independent of the other files' order: it starts its own simulator with the demo (which resets the PBX).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../extension/src/extension';
import type { PrerequisiteNode } from '../../extension/src/model/tree/prerequisitesModel';
import type { TreeNode } from '../../extension/src/model/tree/pbxTreeModel';
import type { PrerequisitesReport, PrerequisiteResult } from '../../shared/schemas/prerequisites';
import { until } from '../support/until';
import { exec } from './support/exec';
import { activateDevKit, EXTENSION_ID, SIM, simulatorSession } from './support/host';

const R10_GUIDE = 'Recht "Integration mit Microsoft Teams"';

let api: DevKitApi;
let simPort: number;
const tmp = mkdtempSync(join(tmpdir(), 'starface-prereq-test-'));

/** Machine checks against loopback only: deterministic, fast, and no traffic leaves the host. */
const machine = () => ({ hosts: ['127.0.0.1'], port: simPort, timeoutMs: 2000, env: {}, systemProxy: false as const });
const check = (users?: string[]) =>
  exec<PrerequisitesReport>(30_000, 'starface.checkPrerequisites', { machine: machine(), ...(users ? { users } : {}) });

const provider = () => api.prerequisites.provider;
function kids(node?: PrerequisiteNode): PrerequisiteNode[] {
  return provider().getChildren(node);
}
function kid(parent: PrerequisiteNode | undefined, label: string | RegExp): PrerequisiteNode {
  const found = kids(parent).find((n) => (typeof label === 'string' ? n.label === label : label.test(n.label)));
  assert.ok(
    found,
    `"${parent?.label ?? '(root)'}" has a child ${String(label)}; it has ${kids(parent)
      .map((k) => JSON.stringify(k.label))
      .join(', ')}`,
  );
  return found;
}
const userNode = (login: string) => kid(kid(undefined, 'Users'), new RegExp(`^${login}\\b`));
const requirement = (parent: PrerequisiteNode, id: string) => kid(parent, new RegExp(`^${id} `));
const icon = (node: PrerequisiteNode) => (provider().getTreeItem(node).iconPath as vscode.ThemeIcon).id;
const result = (report: PrerequisitesReport, id: string, user?: string): PrerequisiteResult => {
  const found = report.results.find((r) => r.id === id && r.user === user);
  assert.ok(found, `the report has ${id}${user ? ` for ${user}` : ''}`);
  return found;
};

async function pbxChild(parent: TreeNode | undefined, label: string | RegExp): Promise<TreeNode> {
  const children = await api.tree.getChildren(parent);
  const found = children.find((n) => (typeof label === 'string' ? n.label === label : label.test(n.label)));
  assert.ok(found, `"${parent?.label ?? '(root)'}" has a child ${String(label)}`);
  return found;
}

describe('the prerequisites check (real extension host, bundled simulator)', function () {
  this.timeout(90_000);

  before(async () => {
    api = await activateDevKit();
    assert.ok(api.prerequisites?.model, 'activate() returns the prerequisites model');
    // Always a fresh demo: another file may have left the simulator running with a changed PBX.
    const s = await simulatorSession(api, { fresh: true });
    simPort = Number(new URL(s.connection.url).port);
  });

  after(async () => {
    try {
      await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
      if (api?.simulator.running) await vscode.commands.executeCommand('starface.stopSimulator');
    } finally {
      await vscode.workspace.getConfiguration('starface').update('connections', [], vscode.ConfigurationTarget.Global);
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('is contributed: the view, its welcome button, the commands and the inline fix', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    assert.ok(pkg.contributes.views.starface.some((v: { id: string }) => v.id === 'starface.prerequisites'));
    assert.ok(
      pkg.contributes.viewsWelcome.some(
        (w: { view: string; contents: string }) =>
          w.view === 'starface.prerequisites' && w.contents.includes('(command:starface.checkPrerequisites)'),
      ),
    );
    for (const id of [
      'starface.checkPrerequisites',
      'starface.applyPrerequisiteFix',
      'starface.exportPrerequisitesReport',
      'starface.rehearseTeamsSignIn',
    ]) {
      assert.ok(
        pkg.contributes.commands.some(
          (c: { command: string; category: string }) => c.command === id && c.category === 'STARFACE',
        ),
        id,
      );
    }
    const inline = pkg.contributes.menus['view/item/context'].find(
      (m: { command: string; group: string }) => m.command === 'starface.applyPrerequisiteFix' && m.group === 'inline',
    );
    assert.match(inline.when, /view == starface\.prerequisites/);
  });

  it('starface.checkPrerequisites fills the view: 1002 fails R10 with a fix, 1001 passes', async () => {
    const report = await check();
    assert.ok(report, 'the command returns the report (undefined: it failed, see the STARFACE log)');
    assert.equal(report.simulator, true);
    assert.deepEqual(
      report.users?.map((u) => u.login),
      ['1001', '1002', '1003'],
    );
    assert.equal(api.prerequisites.model.report, report);
    assert.equal(api.prerequisites.model.stale, false);

    const r10 = result(report, 'R10', '1002');
    assert.equal(r10.status, 'fail');
    assert.equal(r10.guide, R10_GUIDE);
    assert.deepEqual(r10.fixes, [{ kind: 'grantRight', userId: r10.userId, login: '1002', right: 'msteams_perm' }]);
    for (const id of ['R2', 'R3', 'R4', 'R9', 'R10'])
      assert.equal(result(report, id, '1001').status, 'pass', `${id} for 1001`);
    // The machine checks ran against loopback: the simulator's port takes TCP but speaks no TLS (R6 names the
    // stage); no proxy in the given environment nor in VS Code's settings (R7).
    assert.equal(result(report, 'R6').status, 'fail', result(report, 'R6').message);
    assert.match(result(report, 'R6').message, /127\.0\.0\.1 \(TLS: /);
    assert.equal(result(report, 'R7').status, 'pass', result(report, 'R7').message);

    // The tree: summary, groups, the user nodes with their requirements.
    const roots = kids();
    assert.equal(roots[0]!.kind, 'summary');
    assert.equal(roots[0]!.label, SIM);
    assert.match(roots[0]!.description ?? '', /passed/);
    assert.deepEqual(
      roots.slice(1).map((n) => n.label),
      ['This machine', 'PBX', 'Users', 'Teams app'],
    );
    assert.deepEqual(
      kids(kid(undefined, 'This machine')).map((n) => n.result?.id),
      ['R5', 'R6', 'R7'],
    );
    assert.ok(kids(kid(undefined, 'PBX')).some((n) => n.result?.id === 'R1'));

    const bernd = userNode('1002');
    assert.equal(bernd.label, '1002 Bernd Brandt');
    assert.equal(bernd.status, 'fail');
    assert.equal(icon(bernd), 'error');
    const berndR10 = requirement(bernd, 'R10');
    assert.equal(berndR10.status, 'fail');
    assert.equal(icon(berndR10), 'error');
    assert.match(berndR10.contextValue, /^prerequisite\.fail\.fixable$/, 'the inline "Fix" action shows');
    assert.equal(berndR10.description, r10.message);
    const tooltip = String(provider().getTreeItem(berndR10).tooltip);
    assert.ok(tooltip.includes(`„${R10_GUIDE}“`), `the tooltip quotes the guide: ${tooltip}`);
    assert.ok(tooltip.includes(r10.explanation), 'and explains in English');

    const anna = userNode('1001');
    assert.equal(anna.status, 'pass');
    assert.equal(icon(anna), 'pass');
    assert.deepEqual(
      kids(anna).map((n) => [n.result?.id, n.status]),
      ['R2', 'R3', 'R4', 'R9', 'R10'].map((id) => [id, 'pass']),
    );
    assert.equal(
      ((provider().getTreeItem(anna).iconPath as vscode.ThemeIcon).color as unknown as { id: string }).id,
      'testing.iconPassed',
    );
    assert.ok(!kids(anna).some((n) => /fixable/.test(n.contextValue)), 'nothing to fix for 1001');
    // 1003 has no licences: install and assign are offered, so the fix asks which one (two fixes).
    assert.match(requirement(userNode('1003'), 'R2').contextValue, /\.fixable\.several$/);
  });

  it("the sign-in rehearsal with the simulator's key file: 1002 is refused for R10", async () => {
    const pbxName = api.sessions.get(SIM)!.data!.configurations![0]!.configuration.pbxName;
    const outcome = await exec<{ ok: boolean; results: PrerequisiteResult[] }>(15_000, 'starface.rehearseTeamsSignIn', {
      pbxName,
      currentKey: true,
      login: '1002',
      password: 'bernd-demo-1002',
      quiet: true,
    });
    assert.ok(outcome, 'the command returns the outcome');
    assert.equal(outcome.ok, false);
    assert.ok(
      outcome.results.some((r) => r.id === 'R10' && r.status === 'fail'),
      JSON.stringify(outcome.results.map((r) => [r.id, r.status])),
    );
    const group = kid(undefined, /^Sign-in rehearsal: 1002$/);
    assert.equal(group.description, 'refused');
    assert.ok(kids(group).some((n) => n.result?.id === 'R10'));
  });

  it('starface.applyPrerequisiteFix {fix, confirm: false} grants the right, re-runs the check and refreshes the PBX tree', async () => {
    const fix = requirement(userNode('1002'), 'R10').fixes[0]!;
    const report = await exec<PrerequisitesReport>(30_000, 'starface.applyPrerequisiteFix', { fix, confirm: false });
    assert.ok(report, 'the command returns the new report');
    assert.equal(result(report, 'R10', '1002').status, 'pass');
    assert.equal(api.prerequisites.model.report, report);
    assert.equal(requirement(userNode('1002'), 'R10').status, 'pass');
    assert.match(
      result(report, 'R6').message,
      /127\.0\.0\.1/,
      'the re-run checked the machine as the first run did (loopback)',
    );

    const sim = await pbxChild(undefined, SIM);
    const bernd = await pbxChild(await pbxChild(sim, 'Users'), /^1002 /);
    const rights = await pbxChild(bernd, 'Rights');
    assert.ok(
      (await api.tree.getChildren(rights)).some((r) => r.label === 'Integration mit Microsoft Teams'),
      'the PBX tree shows the new right',
    );

    // The Teams sign-in of 1002 now succeeds.
    const pbxName = api.sessions.get(SIM)!.data!.configurations![0]!.configuration.pbxName;
    const outcome = await exec<{ ok: boolean }>(15_000, 'starface.rehearseTeamsSignIn', {
      pbxName,
      currentKey: true,
      login: '1002',
      password: 'bernd-demo-1002',
      quiet: true,
    });
    assert.equal(outcome?.ok, true);
    assert.equal(kid(undefined, /^Sign-in rehearsal: 1002$/).description, 'signed in');
  });

  it('a change on the PBX marks the report outdated; it is not re-run by itself', async () => {
    const model = api.prerequisites.model;
    const before = model.report;
    assert.equal(model.stale, false, 'the sign-in rehearsal changed nothing the report depends on');
    const session = api.sessions.get(SIM)!;
    const config = session.data!.configurations![0]!.configuration;
    await session.api.updateConfiguration(config.id, { autoprovisioning: false });
    await until('the report turns stale', () => model.stale);
    assert.equal(model.report, before, 'the old report is kept to read');
    // A fix from the outdated report is refused (nothing applied), with an offer to run the check again.
    const staleFix = { kind: 'enableAutoprovisioning', configurationId: config.id };
    assert.equal(await exec(15_000, 'starface.applyPrerequisiteFix', { fix: staleFix, confirm: false }), undefined);
    assert.equal(model.report, before, 'no re-run');
    assert.equal(kids()[0]!.description, 'outdated — run again');
    assert.equal(provider().getTreeItem(kids()[0]!).command?.command, 'starface.checkPrerequisites');

    const again = await check();
    assert.equal(result(again!, 'R16').status, 'fail');
    assert.equal(model.stale, false);
    await session.api.updateConfiguration(config.id, { autoprovisioning: true });
    await until('the report turns stale again', () => model.stale);
  });

  it('exports the report as Markdown and as HTML', async () => {
    await check();
    const md = join(tmp, 'report.md');
    const html = join(tmp, 'report.html');
    assert.equal(
      await exec(10_000, 'starface.exportPrerequisitesReport', { uri: vscode.Uri.file(md), format: 'markdown' }),
      md,
    );
    assert.equal(
      await exec(10_000, 'starface.exportPrerequisitesReport', { uri: vscode.Uri.file(html), format: 'html' }),
      html,
    );

    const mdText = readFileSync(md, 'utf8');
    const r10Rows = mdText.split('\n').filter((l) => l.startsWith('| **R10**'));
    assert.equal(r10Rows.length, 3, 'an R10 row per user');
    assert.ok(
      r10Rows.every((l) => l.includes('PASS')),
      'R10 passes for everyone after the fix',
    );
    assert.ok(mdText.includes('„Recht "Integration mit Microsoft Teams"“'), 'the German guide wording');

    const htmlText = readFileSync(html, 'utf8');
    assert.match(htmlText, /^<!DOCTYPE html>/);
    assert.ok(htmlText.includes('<b>R10</b>'));
    assert.ok(
      htmlText.includes('„Recht &quot;Integration mit Microsoft Teams&quot;“'),
      'the guide wording, HTML-escaped',
    );
    assert.ok(!htmlText.includes('Recht "Integration'), 'no unescaped quotes from the data');
    assert.doesNotMatch(htmlText, /<script/i);
  });

  it("R7 reads VS Code's http.proxy and never shows its password", async () => {
    await vscode.workspace
      .getConfiguration('http')
      .update('proxy', 'http://alice:s3cret-proxy-pw@proxy.example.test:3128', vscode.ConfigurationTarget.Global);
    try {
      const report = await check(['1001']);
      const r7 = result(report!, 'R7');
      assert.equal(r7.status, 'fail');
      assert.match(r7.message, /VS Code setting http\.proxy/);
      assert.ok(r7.message.includes('proxy.example.test:3128'));
      assert.ok(!JSON.stringify(report).includes('s3cret-proxy-pw'), 'the proxy password is not in the report');
      assert.deepEqual(
        report!.users?.map((u) => u.login),
        ['1001'],
        'users: [...] limits the per-user checks',
      );
      assert.equal(requirement(kid(undefined, 'This machine'), 'R7').status, 'fail');
    } finally {
      await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('bad input gives a clear message and keeps the last report', async () => {
    const model = api.prerequisites.model;
    const last = model.report;
    assert.equal(
      await exec(15_000, 'starface.checkPrerequisites', { users: ['no-such-user'], machine: false }),
      undefined,
      'the command fails (wrapped: no exception)',
    );
    assert.equal(model.report, last);
    assert.equal(model.running, false);
    const fix = { kind: 'grantRight', userId: 2, right: 'no_such_perm' };
    assert.equal(
      await exec(15_000, 'starface.applyPrerequisiteFix', { fix, confirm: false }),
      undefined,
      'an invalid fix is refused before anything is changed',
    );
    assert.equal(model.report, last);
  });
});
