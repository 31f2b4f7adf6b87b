// The extension in the test host and its bundled simulator, as every test file sets them up.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../../extension/src/extension';
import type { PbxSession } from '../../../extension/src/model/pbxSession';
import { until } from '../../support/until';
import { exec } from './exec';

export const EXTENSION_ID = 'starface-devkit.starface-teams-devkit';
/** The connection the extension makes for its bundled simulator. */
export const SIM = 'Local simulator';

/** Activates the extension and answers its API. */
export async function activateDevKit(): Promise<DevKitApi> {
  const ext = vscode.extensions.getExtension<DevKitApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is present`);
  return ext.activate();
}

/**
 * The bundled simulator's session, signed in and selected. It is started with the demo scenario when it is not
 * running, or always with `fresh` (another file may have left it running with a changed PBX).
 */
export async function simulatorSession(api: DevKitApi, opts: { fresh?: boolean } = {}): Promise<PbxSession> {
  if (opts.fresh || !api.simulator.running) {
    const rest = await exec<string>(30_000, 'starface.startSimulator', { scenario: 'demo' });
    assert.match(rest ?? '', /^http:\/\/127\.0\.0\.1:\d+\/rest$/, 'the simulator started');
  }
  const s = api.sessions.get(SIM);
  assert.ok(s, 'the simulator connection exists');
  await until('the session is signed in', () => s.state === 'ready', 20_000);
  api.sessions.select(SIM);
  return s;
}
