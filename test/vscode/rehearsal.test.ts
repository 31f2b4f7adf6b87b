// "STARFACE: Rehearse the Teams App" in a real extension host against the bundled simulator (demo scenario): the
// panel opens under a strict CSP and its webview says `ready`; 1001 signs in with the simulator's key file as the
// STARFACE App for Teams would; then a real call arrives: a story on the simulator registers two SIP phones over
// loopback UDP and places a click-to-dial call (UCI placeCallWithPhone) from 1003 to 1001, whose phone rings unanswered.
// The call reaches the panel over 1001's own UCI session and shows as a toast with the caller in the webview's DOM
// (read by the runner's page); after it ends, the missed call is in the journal.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../extension/src/extension';
import type { RehearsalHostMessage } from '../../shared/schemas/teamsRehearsal';
import { sleep, until } from '../support/until';
import { exec } from './support/exec';
import { activateDevKit, EXTENSION_ID, simulatorSession } from './support/host';

/** Asks the runner's page whether an element matching `selector` in a webview holds every text. */
async function inWebview(selector: string, texts: string[], withinMs = 15_000): Promise<boolean> {
  const dir = process.env.STARFACE_DOM_CHECK_DIR;
  assert.ok(dir, 'test/vscode/run.mjs passes STARFACE_DOM_CHECK_DIR: this test needs its page to read the webview');
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    rmSync(join(dir, 'response.json'), { force: true });
    writeFileSync(join(dir, 'request.json'), JSON.stringify({ selector, texts }));
    const answer = await until(
      'the runner to look',
      () => existsSync(join(dir, 'response.json')) && JSON.parse(readFileSync(join(dir, 'response.json'), 'utf8')),
    );
    if (answer.found === true) return true;
    await sleep(200);
  }
  return false;
}

const CALL_STORY = {
  name: 'rehearsal-call',
  description: { en: 'Carla calls Anna; nobody answers.', de: 'Carla ruft Anna an; niemand nimmt ab.' },
  steps: [
    {
      say: { en: 'Carla registers.', de: 'Carla meldet sich an.' },
      action: { do: 'register', user: '1003' },
      pauseMs: 0,
    },
    {
      say: { en: 'Anna registers.', de: 'Anna meldet sich an.' },
      action: { do: 'register', user: '1001' },
      pauseMs: 0,
    },
    {
      say: { en: 'Carla calls Anna.', de: 'Carla ruft Anna an.' },
      action: { do: 'call', from: '1003', to: '1001', answer: false, holdMs: 60_000 },
      pauseMs: 0,
    },
  ],
};

describe('STARFACE: Rehearse the Teams App (real extension host, bundled simulator)', function () {
  this.timeout(120_000);
  let api: DevKitApi;

  before(async () => {
    api = await activateDevKit();
  });

  after(async () => {
    api?.rehearsal.current?.dispose();
    const session = api?.sessions.get('Local simulator');
    await session?.api.client.call('deleteStory').catch(() => undefined);
  });

  it('signs 1001 in and shows a real incoming call as a toast with the caller', async () => {
    const session = await simulatorSession(api, { fresh: true });
    await exec(10_000, 'starface.openTeamsRehearsal');
    const panels = api.rehearsal;
    assert.ok(panels.current, 'the panel is open');
    // The CSP sits in an attribute: its quotes are escaped.
    assert.match(panels.lastHtml, /default-src &#39;none&#39;/);
    assert.ok(
      panels.lastHtml.includes(`script-src &#39;nonce-${panels.lastNonce}&#39;`),
      'the script runs by its nonce only',
    );
    assert.ok(!/<script>|\son\w+=/i.test(panels.lastHtml), 'no inline script or handler');
    const built = existsSync(
      join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'webview', 'rehearsal.js'),
    );
    assert.ok(built, 'node esbuild.mjs built dist/webview/rehearsal.js');
    await until('a ready from the webview', () => panels.webviewReady > 0, 15_000);
    const posted = (type: RehearsalHostMessage['type']) => panels.posted.filter((m) => m.type === type);
    assert.equal(posted('init').at(-1)?.type, 'init');

    // What the user types into the app: the PBX name and the key file the admin handed out.
    const config = session.data!.configurations![0]!.configuration;
    const keyFile = JSON.stringify(await session.api.keyFile(config.id));
    const rehearsal = panels.rehearsal!;
    assert.equal(
      await rehearsal.receive({
        type: 'signIn',
        pbxName: config.pbxName,
        keyFile,
        login: '1001',
        password: 'anna-demo-1001',
      }),
      true,
    );
    const signedIn = await until(
      'signed in (or an error)',
      () => posted('signedIn').at(-1) ?? posted('error').at(-1),
      15_000,
    );
    assert.equal(signedIn.type === 'signedIn' && signedIn.login, '1001', JSON.stringify(posted('error')));
    assert.ok(await inWebview('.who', ['Signed in as', '1001']), 'the signed-in view in the webview');

    // A real call: SIP phones register, 1003 calls 1001 with click-to-dial; 1001's phone rings.
    await session.api.client.call('postStory', { body: { story: CALL_STORY, speed: 1 } });
    const call = await until(
      'the incoming call in the panel',
      () =>
        panels.posted.find(
          (m): m is Extract<RehearsalHostMessage, { type: 'call' }> =>
            m.type === 'call' && m.call.incoming && (m.call.state === 'INCOMING' || m.call.state === 'RINGING'),
        ),
      30_000,
    );
    assert.equal(call.call.number, '1003');
    assert.match(call.call.name, /Carla/);
    assert.ok(
      await inWebview('.toast', ['Incoming call from', 'Carla', '1003']),
      'a toast with the caller in the webview',
    );

    // Carla gives up: the call ends and Anna's journal has the missed call.
    await session.api.client.call('deleteStory');
    await until(
      'the missed call in the journal',
      () =>
        posted('journal').some(
          (m) => m.type === 'journal' && m.entries.some((e) => e.incoming && e.missed && e.number === '1003'),
        ),
      30_000,
    );
  });
});
