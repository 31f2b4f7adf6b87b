// "STARFACE: Play Demo Story" in a real extension host: the built-in demo plays on the bundled simulator (fast),
// step by step to the end; while one plays the command steers it instead of starting another.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../extension/src/extension';
import { until } from '../support/until';
import { exec } from './support/exec';
import { activateDevKit, simulatorSession } from './support/host';

describe('STARFACE: Play Demo Story', function () {
  this.timeout(120_000);
  let api: DevKitApi;

  before(async () => {
    api = await activateDevKit();
  });

  after(async () => {
    if (api?.simulator.running) await vscode.commands.executeCommand('starface.stopSimulator');
  });

  it('plays the demo story on the local simulator to its end', async () => {
    const session = await simulatorSession(api, { fresh: true });
    const state = await exec<string>(30_000, 'starface.playDemoStory', { speed: 1000 });
    assert.equal(state, 'playing', 'the command answers the state (undefined: it failed, see the STARFACE log)');
    const client = session.api.client;
    const final = await until(
      'the story to end',
      async () => {
        const s = await client.call('getStory');
        return s.state === 'idle' && s;
      },
      60_000,
    );
    assert.equal(final.error, undefined, final.error);
    assert.equal(final.story, 'demo');
    assert.equal(final.step, final.steps);
  });
});
