// The event inspector fed over the UCI over XML-RPC (issue 9), in a real extension host against the bundled
// simulator: with `starface.uci.transport` = `xml-rpc` the session follows the simulator the way it follows a
// real STARFACE (login with the UCI token, a callback XML-RPC server of its own, subscribe, keepAlive), and a
// REST change reaches the inspector feed. The setting is restored afterwards, so the WebSocket path (the
// default for the simulator) is what the other test files see.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../extension/src/extension';
import type { HostMessage } from '../../shared/schemas/inspector';

const EXTENSION_ID = 'starface-devkit.starface-teams-devkit';
const SIM = 'Local simulator';

let api: DevKitApi;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => T | undefined | false, ms = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() - started > ms) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

const posted = (): HostMessage[] => api.inspector.feed.posted;
const mark = () => posted().length;
const uci = () => vscode.workspace.getConfiguration('starface.uci');

describe('the event inspector over UCI XML-RPC (real extension host, bundled simulator)', function () {
  this.timeout(60_000);

  before(async () => {
    const ext = vscode.extensions.getExtension<DevKitApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    if (!api.simulator.running) {
      const rest = await vscode.commands.executeCommand<string>('starface.startSimulator', { scenario: 'demo' });
      assert.equal(typeof rest, 'string', 'the simulator started');
    }
    const s = api.sessions.get(SIM);
    assert.ok(s, 'the simulator connection exists');
    await until('the session is signed in', () => s.state === 'ready', 20_000);
    api.sessions.select(SIM);
    await until('live events over the WebSocket first (the default for the simulator)', () => s.liveSource === 'uci' && s.live.state === 'live', 10_000);
  });

  after(async () => {
    try {
      api?.inspector.current?.dispose();
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
    assert.ok(pkg.contributes.commands.some((c: any) => c.command === 'starface.testUciCallback' && c.category === 'STARFACE'));
  });

  it('switching the setting to xml-rpc re-follows the simulator over XML-RPC, and a REST change reaches the inspector feed', async () => {
    const session = api.sessions.get(SIM)!;
    await uci().update('transport', 'xml-rpc', vscode.ConfigurationTarget.Global);
    await until('live events over XML-RPC', () => session.liveSource === 'xml-rpc' && session.live.state === 'live', 15_000);

    await vscode.commands.executeCommand('starface.openInspector');
    assert.ok(api.inspector.current, 'a panel is open');
    const m0 = mark();
    assert.equal(await api.inspector.receive({ type: 'ready' }), true);
    const status = posted()
      .slice(m0)
      .find((m) => m.type === 'status');
    assert.ok(status && status.type === 'status' && status.status.state === 'live', JSON.stringify(status));

    const m1 = mark();
    const config = session.data!.configurations![0]!.configuration;
    await session.api.updateConfiguration(config.id, { autoprovisioning: !config.autoprovisioning });
    try {
      const batch = await until('an events batch with the config change', () =>
        posted()
          .slice(m1)
          .find((m) => m.type === 'events' && m.events.some((e) => e.service === 'sim.events.config')),
      );
      assert.ok(batch.type === 'events');
      const seqs = batch.events.map((e) => e.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in order');
      assert.ok(!JSON.stringify(posted().slice(m0)).includes('de.vertico.starface.auth'), 'no token in what the webview gets');
    } finally {
      await session.api.updateConfiguration(config.id, { autoprovisioning: config.autoprovisioning });
    }
  });

  it('signing in again keeps following over XML-RPC', async () => {
    const session = api.sessions.get(SIM)!;
    assert.equal(await vscode.commands.executeCommand('starface.signIn'), true);
    await until('live over XML-RPC again', () => session.liveSource === 'xml-rpc' && session.live.state === 'live', 15_000);
  });

  it('starface.testUciCallback reports that live events work', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; failedSide?: string; steps: { step: string; ok: boolean }[] }>('starface.testUciCallback', undefined, { waitMs: 5_000 });
    assert.ok(result, 'the command returned its result');
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual(
      result.steps.map((s) => s.step),
      ['callback-listen', 'login', 'subscribe', 'event'],
    );
  });
});
