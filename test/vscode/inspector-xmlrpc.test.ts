// Live events over the UCI over XML-RPC (issue 9), in a real extension host against the bundled simulator, beyond
// what the inspector suite checks over both transports (inspector.test.ts): the settings and command are
// contributed, signing in again keeps following over XML-RPC, and the live-events connection test passes. The
// setting is restored afterwards, so the WebSocket path (the default for the simulator) is what other files see.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../extension/src/extension';
import { until } from '../support/until';
import { activateDevKit, EXTENSION_ID, SIM, simulatorSession } from './support/host';

let api: DevKitApi;

const uci = () => vscode.workspace.getConfiguration('starface.uci');

describe('live events over UCI XML-RPC (real extension host, bundled simulator)', function () {
  this.timeout(60_000);

  before(async () => {
    api = await activateDevKit();
    const s = await simulatorSession(api);
    await until(
      'live events over the WebSocket first (the default for the simulator)',
      () => s.liveSource === 'uci' && s.live.state === 'live',
      10_000,
    );
    // Switching the setting re-follows the signed-in session over XML-RPC.
    await uci().update('transport', 'xml-rpc', vscode.ConfigurationTarget.Global);
    await until('live events over XML-RPC', () => s.liveSource === 'xml-rpc' && s.live.state === 'live', 15_000);
  });

  after(async () => {
    try {
      await uci().update('transport', undefined, vscode.ConfigurationTarget.Global);
      const s = api?.sessions.get(SIM);
      if (s) await until('back on the WebSocket', () => s.liveSource === 'uci' && s.live.state === 'live', 10_000);
      if (api?.simulator.running) await vscode.commands.executeCommand('starface.stopSimulator');
    } finally {
      await vscode.workspace.getConfiguration('starface').update('connections', [], vscode.ConfigurationTarget.Global);
    }
  });

  it('contributes starface.uci.transport (auto|websocket|xml-rpc), callbackAddress, callbackPort and the test command', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(props['starface.uci.transport'].enum, ['auto', 'websocket', 'xml-rpc']);
    assert.equal(props['starface.uci.transport'].default, 'auto');
    assert.equal(props['starface.uci.callbackAddress'].default, '');
    assert.equal(props['starface.uci.callbackPort'].default, 0);
    assert.ok(
      pkg.contributes.commands.some((c: any) => c.command === 'starface.testUciCallback' && c.category === 'STARFACE'),
    );
  });

  it('signing in again keeps following over XML-RPC', async () => {
    const session = api.sessions.get(SIM)!;
    assert.equal(await vscode.commands.executeCommand('starface.signIn'), true);
    await until(
      'live over XML-RPC again',
      () => session.liveSource === 'xml-rpc' && session.live.state === 'live',
      15_000,
    );
  });

  it('starface.testUciCallback reports that live events work', async () => {
    const result = await vscode.commands.executeCommand<{
      ok: boolean;
      failedSide?: string;
      steps: { step: string; ok: boolean }[];
    }>('starface.testUciCallback', undefined, { waitMs: 5_000 });
    assert.ok(result, 'the command returned its result');
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual(
      result.steps.map((s) => s.step),
      ['callback-listen', 'login', 'subscribe', 'event'],
    );
  });
});
