// The setup walkthrough (issue 20) in a real extension host against the bundled simulator started from `fresh`:
// each step is fixed through its own "Do it for me" command (or the sign-in rehearsal), and ticks once the PBX's
// live events say its rules pass — in the model, in the context key and in the workbench's walkthrough page (DOM);
// breaking a rule again (deactivating the configuration, taking a licence) unticks it there, and fixing it ticks it
// again (which VS Code's `onContext` completion events alone would not do a second time).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../extension/src/extension';
import type { PbxSession } from '../../extension/src/model/pbxSession';
import { STEP_IDS, type StepId, type StepStatus } from '../../extension/src/walkthrough/steps';
import { until } from '../support/until';
import { exec } from './support/exec';
import { activateDevKit, EXTENSION_ID, SIM, SIM_REST } from './support/host';
import { waitForAttribute } from './support/workbench';

const PBX_NAME = 'pbx.example.com';

let api: DevKitApi;
let session: PbxSession;

const model = () => api.walkthrough.model;
const status = (id: StepId) => model().state(id).status;

/** The step's check box in the walkthrough page: VS Code marks it with the full step id. */
const checkbox = (id: StepId) => `[data-done-step-id="${EXTENSION_ID}#starface.setup#${id}"]`;

/** The step is `want` in the model, its context key says so, and (with `dom`) the walkthrough page shows it. */
async function stepIs(id: StepId, want: StepStatus, dom = true): Promise<void> {
  await until(
    `step ${id} is ${want} (now ${status(id)}: ${JSON.stringify(
      model()
        .state(id)
        .results.map((r) => [r.id, r.status]),
    )})`,
    () => (status(id) === want ? true : undefined),
    20_000,
  );
  const ticked = want === 'done';
  await until(`the context key of ${id} is ${ticked}`, () => api.walkthrough.ticks.ticked(id) === ticked || undefined);
  if (!dom) return;
  const seen = await waitForAttribute(checkbox(id), 'aria-checked', String(ticked));
  assert.ok(
    seen.found,
    `the walkthrough page shows ${id} ${ticked ? 'ticked' : 'unticked'} (aria-checked ${seen.value})`,
  );
}

const fixStep = (id: StepId) =>
  exec<unknown[]>(20_000, 'starface.walkthrough.fixStep', { step: id, confirm: false, pbxName: PBX_NAME });

describe('the setup walkthrough (real extension host, bundled simulator from "fresh")', function () {
  this.timeout(180_000);

  before(async () => {
    api = await activateDevKit();
    assert.ok(api.walkthrough?.model, 'activate() returns the walkthrough model');
    const rest = await exec<string>(30_000, 'starface.startSimulator', { scenario: 'fresh' });
    assert.match(rest ?? '', SIM_REST, 'the simulator started');
    session = api.sessions.get(SIM)!;
    await until('the session is signed in', () => session.state === 'ready', 20_000);
    api.sessions.select(SIM);
    await until('live events', () => session.live.state === 'live', 20_000);
    await exec(15_000, 'starface.openWalkthrough');
    const seen = await waitForAttribute(checkbox('version'), 'aria-checked', 'true', 20_000);
    assert.ok(seen.found, `the walkthrough page is open and ticks the version (aria-checked ${seen.value})`);
  });

  after(async () => {
    try {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      if (api?.simulator.running) await vscode.commands.executeCommand('starface.stopSimulator');
    } finally {
      await vscode.workspace.getConfiguration('starface').update('connections', [], vscode.ConfigurationTarget.Global);
    }
  });

  it('contributes one walkthrough whose steps tick only through their context keys', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const walkthrough = pkg.contributes.walkthroughs.find((w: { id: string }) => w.id === 'starface.setup');
    assert.deepEqual(
      walkthrough.steps.map((s: { id: string }) => s.id),
      [...STEP_IDS],
    );
    for (const id of ['starface.openWalkthrough', 'starface.walkthrough.fixStep', 'starface.walkthrough.showStep'])
      assert.ok(
        pkg.contributes.commands.some((c: { command: string }) => c.command === id),
        id,
      );
  });

  it('a fresh PBX: the version is ticked, the other steps are not', async () => {
    await stepIs('version', 'done');
    for (const id of STEP_IDS.slice(1, 11)) await stepIs(id, 'open', id === 'licences' || id === 'connector');
    await stepIs('teamsApp', 'unknown', false);
    await stepIs('signIn', 'unknown');
  });

  it('each step ticks when its fix has reached the PBX, in the guide’s order, to a fully set-up PBX', async () => {
    for (const id of STEP_IDS.slice(1, 11)) {
      // An earlier step's fix may have done this one too (a configuration is created active): then nothing is left.
      const applied = await fixStep(id);
      assert.ok(Array.isArray(applied), `${id}: the fix ran (${JSON.stringify(applied)})`);
      if (applied.length === 0) assert.equal(status(id), 'done', `${id}: nothing applied because it is done`);
      await stepIs(id, 'done');
    }
    for (const id of STEP_IDS.slice(0, 11)) assert.equal(status(id), 'done', `${id} is still ticked`);
  });

  it('the Teams steps tick on a Teams sign-in (the rehearsal, as the app signs in)', async () => {
    // The clipboard needs the workbench page focused, not the walkthrough's media webview.
    await vscode.commands.executeCommand('workbench.action.focusSideBar');
    assert.equal(await exec(5_000, 'starface.copySimulatorPassword'), true);
    const password = await vscode.env.clipboard.readText();
    await vscode.env.clipboard.writeText('');
    const outcome = await exec<{ ok: boolean; results: unknown[] }>(15_000, 'starface.rehearseTeamsSignIn', {
      pbxName: PBX_NAME,
      currentKey: true,
      login: 'admin',
      password,
      quiet: true,
    });
    assert.equal(outcome?.ok, true, JSON.stringify(outcome?.results));
    await stepIs('signIn', 'done');
    await stepIs('teamsApp', 'done');
    for (const id of STEP_IDS) assert.equal(status(id), 'done', `${id}: every step is ticked`);
  });

  it('deactivating the configuration unticks its step (and the sign-in); activating it ticks it again', async () => {
    const id = (await session.api.configurations())[0]!.id;
    await session.api.updateConfiguration(id, { active: false });
    await stepIs('configuration', 'open');
    await stepIs('signIn', 'unknown');
    await stepIs('connector', 'open');
    await session.api.updateConfiguration(id, { active: true });
    await stepIs('configuration', 'done');
    await fixStep('connector');
    await stepIs('connector', 'done');
  });

  it('taking a licence away unticks the licences step; its fix ticks it again', async () => {
    const me = (await session.api.users()).find((u) => u.login === 'admin')!;
    await session.api.setUserLicences(me.id, []);
    await stepIs('licences', 'open');
    await fixStep('licences');
    await stepIs('licences', 'done');
  });

  it('a step shows its check; a step already done offers nothing to apply', async () => {
    const shown = await exec<{ id: string; status: string; results: { id: string }[] }>(
      10_000,
      'starface.walkthrough.showStep',
      'licences',
    );
    assert.equal(shown?.status, 'done');
    assert.deepEqual(
      shown?.results.map((r) => r.id),
      ['R8', 'R2', 'R3'],
    );
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.deepEqual(await fixStep('licences'), []);
  });
});
