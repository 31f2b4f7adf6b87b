// The event inspector (issue 6), host side, in a real VS Code extension host against the bundled simulator, run
// once per live-events transport (`starface.uci.transport`: the UCI WebSocket and the UCI over XML-RPC with the
// extension's own callback server, issue 9): `starface.openInspector` opens the panel with a strict CSP (a fresh
// nonce per load, no inline handlers, resources only from dist/webview); a REST change on the simulator reaches
// the panel as an `events` batch (read from the feed's record of what the host posted) and as a row in the real
// webview's DOM (read by the runner's page); invalid webview messages are ignored; export and open of JSON Lines;
// the serializer restores a panel.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../extension/src/extension';
import type { HostMessage } from '../../shared/schemas/inspector';
import { INSPECTOR_VIEW_TYPE } from '../../shared/schemas/inspector';
import { sleep, until } from '../support/until';
import { activateDevKit, EXTENSION_ID, SIM, simulatorSession } from './support/host';

let api: DevKitApi;

const posted = (): HostMessage[] => api.inspector.feed.posted;
/** A mark into what the host posted; it stays meaningful while `posted` is trimmed to its newest 200. */
const mark = () => api.inspector.feed.postedCount;
const postedSince = (m: number) => posted().slice(Math.max(0, posted().length - (api.inspector.feed.postedCount - m)));
const uci = () => vscode.workspace.getConfiguration('starface.uci');

/** Whether dist/webview/inspector.js exists (the tests can speak for a webview without it). */
const bundleBuilt = () =>
  existsSync(join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'webview', 'inspector.js'));
/**
 * Waits until the current panel's webview has loaded and said `ready` itself. A panel is disposed only after
 * that: in the browser workbench every webview shares one service-worker scope and a new webview waits for the
 * worker's hand-over (controllerchange); a webview disposed while that hand-over is under way can leave the next
 * one waiting for a hand-over that never comes, and it never says `ready`.
 */
const webviewLoaded = () => until('a ready from the webview', () => api.inspector.webviewReady > 0, 15_000);

type Transport = 'websocket' | 'xml-rpc';
/** What PbxSession.liveSource says when it follows over that transport. */
const SOURCE = { websocket: 'uci', 'xml-rpc': 'xml-rpc' } as const;

function inspectorSuite(transport: Transport): void {
  describe(`the event inspector over ${transport === 'xml-rpc' ? 'UCI XML-RPC' : 'the UCI WebSocket'} (real extension host, bundled simulator)`, function () {
    this.timeout(60_000);
    let tmp: string;

    before(async () => {
      tmp = mkdtempSync(join(tmpdir(), 'starface-inspector-test-'));
      api = await activateDevKit();
      assert.ok(api.inspector, 'activate() returns the inspector');
      await uci().update('transport', transport, vscode.ConfigurationTarget.Global);
      const s = await simulatorSession(api);
      await until(
        `live events over ${transport}`,
        () => s.liveSource === SOURCE[transport] && s.live.state === 'live',
        15_000,
      );
    });

    after(async () => {
      try {
        api?.inspector.current?.dispose();
        await uci().update('transport', undefined, vscode.ConfigurationTarget.Global);
        if (api?.simulator.running) await vscode.commands.executeCommand('starface.stopSimulator');
      } finally {
        await vscode.workspace
          .getConfiguration('starface')
          .update('connections', [], vscode.ConfigurationTarget.Global);
        rmSync(tmp, { recursive: true, force: true });
      }
    });

    it('is contributed: the command, the buffer setting (default 50,000) and the serializer activation', () => {
      const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
      assert.ok(
        pkg.contributes.commands.some((c: any) => c.command === 'starface.openInspector' && c.category === 'STARFACE'),
      );
      assert.equal(pkg.contributes.configuration.properties['starface.inspector.bufferSize'].default, 50_000);
      assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${INSPECTOR_VIEW_TYPE}`));
      assert.equal(api.inspector.feed.bufferSize, 50_000);
    });

    it('starface.openInspector opens one panel with scripts, no retained context and only dist/webview as resource root', async () => {
      await vscode.commands.executeCommand('starface.openInspector');
      const panel = api.inspector.current;
      assert.ok(panel, 'a panel is open');
      assert.equal(panel.viewType, INSPECTOR_VIEW_TYPE);
      assert.equal(panel.options.retainContextWhenHidden, false);
      assert.equal(panel.webview.options.enableScripts, true);
      const roots = panel.webview.options.localResourceRoots ?? [];
      assert.equal(roots.length, 1);
      assert.ok(roots[0]!.path.endsWith('/dist/webview'), roots[0]!.path);
      await vscode.commands.executeCommand('starface.openInspector');
      assert.equal(api.inspector.current, panel, 'a second open reveals the same panel');
    });

    it("the HTML has a CSP with a per-load crypto nonce, one nonce'd external script and no inline handlers or scripts", async () => {
      const html = api.inspector.lastHtml;
      const nonce = api.inspector.lastNonce;
      assert.match(nonce, /^[A-Za-z0-9+/]{24}$/, 'a base64 nonce of 18 random bytes');
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
        .exec(html)?.[1]
        ?.replace(/&#39;/g, "'");
      assert.ok(csp, 'a CSP meta tag');
      const src = api.inspector.current!.webview.cspSource;
      assert.equal(
        csp,
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${src}; img-src ${src} data:; font-src ${src}`,
      );
      assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
      assert.doesNotMatch(html, /javascript:/i);
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.equal(scripts.length, 1);
      assert.equal(scripts[0]![2]!.trim(), '', 'no inline script');
      assert.ok(scripts[0]![1]!.includes(`nonce="${nonce}"`));
      assert.match(scripts[0]![1]!, /src="[^"]*\/dist\/webview\/inspector\.js"/);
      assert.doesNotMatch(html, /<style\b/, 'no inline style block');
      assert.ok(!html.includes(api.simulator.dataDir), 'nothing about the host in the page');

      // Closing and opening again loads the page again, with a new nonce.
      if (bundleBuilt()) await webviewLoaded();
      api.inspector.current!.dispose();
      await until('the panel is gone', () => api.inspector.current === undefined);
      await vscode.commands.executeCommand('starface.openInspector');
      assert.ok(api.inspector.current);
      assert.notEqual(api.inspector.lastNonce, nonce);
    });

    it('on `ready` the host posts init, the live status and the backlog; a REST change arrives as an events batch', async () => {
      const m0 = mark();
      assert.equal(await api.inspector.receive({ type: 'ready' }), true);
      const first = postedSince(m0);
      const init = first.find((m) => m.type === 'init');
      assert.ok(init && init.type === 'init');
      assert.equal(init.connection, SIM);
      assert.equal(init.bufferSize, 50_000);
      const status = first.find((m) => m.type === 'status');
      assert.ok(status && status.type === 'status');
      assert.equal(status.status.state, 'live');
      assert.equal(status.status.connection, SIM);
      for (const secret of ['authToken', 'de.vertico.starface.auth'])
        assert.ok(!JSON.stringify(first).includes(secret), 'no token in what the webview gets');

      const m1 = mark();
      const session = api.sessions.get(SIM)!;
      const config = session.data!.configurations![0]!.configuration;
      await session.api.updateConfiguration(config.id, { autoprovisioning: !config.autoprovisioning });
      const batch = await until('an events batch with the config change', () =>
        postedSince(m1).find((m) => m.type === 'events' && m.events.some((e) => e.service === 'sim.events.config')),
      );
      assert.ok(batch.type === 'events' && batch.events.length <= 2000);
      const inBatch = batch.events.map((e) => e.seq);
      assert.deepEqual(
        inBatch,
        [...inBatch].sort((a, b) => a - b),
        'in order',
      );
      assert.ok(
        !JSON.stringify(postedSince(m0)).includes('de.vertico.starface.auth'),
        'no token in what the webview gets',
      );
      await session.api.updateConfiguration(config.id, { autoprovisioning: config.autoprovisioning });

      // A reloaded webview (ready again) gets the backlog with that event.
      const m2 = mark();
      await api.inspector.receive({ type: 'ready' });
      const backlog = postedSince(m2)
        .filter((m) => m.type === 'events')
        .flatMap((m) => (m.type === 'events' ? m.events : []));
      assert.ok(
        backlog.some((e) => e.service === 'sim.events.config'),
        'the backlog holds the config event',
      );
      const seqs = backlog.map((e) => e.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        'oldest first',
      );
    });

    it('when the webview bundle is built, its script runs under the CSP and says `ready` itself', async function () {
      if (!bundleBuilt()) this.skip();
      await webviewLoaded();
    });

    it('a REST change shows as a row in the real webview (checked in its DOM by the test runner)', async () => {
      const dir = process.env.STARFACE_DOM_CHECK_DIR;
      assert.ok(dir, 'test/vscode/run.mjs passes STARFACE_DOM_CHECK_DIR: this test needs its page to read the webview');
      await webviewLoaded();
      const session = api.sessions.get(SIM)!;
      const config = session.data!.configurations![0]!.configuration;
      const name = `DOM check ${transport} ${Date.now()}`;
      const m0 = mark();
      await session.api.updateConfiguration(config.id, { name });
      try {
        // The row's summary shows the event; its seq is what identifies it in the grid.
        const event = await until('the rename in the feed', () =>
          postedSince(m0)
            .flatMap((m) => (m.type === 'events' ? m.events : []))
            .find((e) => e.service === 'sim.events.config' && e.event === 'configuration-changed'),
        );
        let found = false;
        const started = Date.now();
        while (!found && Date.now() - started < 10_000) {
          rmSync(join(dir!, 'response.json'), { force: true });
          writeFileSync(
            join(dir!, 'request.json'),
            JSON.stringify({ texts: [String(event.seq), 'configuration-changed'] }),
          );
          const answer = await until(
            'the runner to look',
            () =>
              existsSync(join(dir!, 'response.json')) && JSON.parse(readFileSync(join(dir!, 'response.json'), 'utf8')),
          );
          found = answer.found === true;
          if (!found) await sleep(200);
        }
        assert.ok(found, `a row with seq ${event.seq} is in the webview's grid`);
      } finally {
        await session.api.updateConfiguration(config.id, { name: config.name });
      }
    });

    it('ignores and logs invalid webview messages', async () => {
      const before = api.inspector.rejected;
      const bad: unknown[] = [
        'ready',
        null,
        { type: 'evil', payload: '<img src=x onerror=alert(1)>' },
        { type: 'copy', text: 42 },
        { type: 'export', scope: 'everything', events: [] },
        { type: 'export', scope: 'all', events: [{ seq: 'x' }] },
      ];
      for (const m of bad) assert.equal(await api.inspector.receive(m), false, JSON.stringify(m));
      assert.equal(api.inspector.rejected, before + bad.length);
      assert.ok(api.inspector.current, 'the panel stays open');
    });

    it('export writes the rows as JSON Lines where the save dialog says', async () => {
      const out = join(tmp, 'export.jsonl');
      const saved = api.inspector.dialogs.save;
      api.inspector.dialogs.save = async () => vscode.Uri.file(out);
      try {
        const events = [
          { seq: 1, time: '2025-01-01T00:00:00.000Z', service: 'sim.events.config', event: 'changed', data: { id: 1 } },
          {
            seq: 2,
            time: '2025-01-01T00:00:01.000Z',
            service: 'ucp.v22.events.call',
            event: 'updated',
            data: { caller: '<img src=x onerror=alert(1)>' },
          },
        ];
        assert.equal(await api.inspector.receive({ type: 'export', scope: 'filtered', events }), true);
        const lines = readFileSync(out, 'utf8').split('\n');
        assert.equal(lines.pop(), '', 'ends with a newline');
        assert.deepEqual(
          lines.map((l) => JSON.parse(l)),
          events,
        );
      } finally {
        api.inspector.dialogs.save = saved;
      }
    });

    it('openFile reads a recording (events and UCI notifications), posts `loaded` and counts bad lines', async () => {
      const file = join(tmp, 'recording.jsonl');
      const ev = (seq: number) => ({
        seq,
        time: '2025-01-01T00:00:00.000Z',
        service: 'sim.events.users',
        event: 'changed',
        data: { id: seq },
      });
      writeFileSync(
        file,
        [
          JSON.stringify(ev(1)),
          JSON.stringify({ jsonrpc: '2.0', method: 'sim.events.users.changed', params: ev(2) }),
          'not json',
          '{"seq":3}',
          '',
        ].join('\n'),
      );
      const opened = api.inspector.dialogs.open;
      api.inspector.dialogs.open = async () => [vscode.Uri.file(file)];
      try {
        assert.equal(await api.inspector.receive({ type: 'openFile' }), true);
        assert.deepEqual(api.inspector.lastLoaded, { source: 'recording.jsonl', events: 2, skipped: 2 });
      } finally {
        api.inspector.dialogs.open = opened;
      }
    });

    it('the serializer restores a panel after a reload', async () => {
      api.inspector.current?.dispose();
      await until('the panel is gone', () => api.inspector.current === undefined);
      // What VS Code does on reload: a panel of our view type, handed to the registered serializer.
      const panel = vscode.window.createWebviewPanel(INSPECTOR_VIEW_TYPE, 'restored', vscode.ViewColumn.Active, {});
      await api.inspector.deserializeWebviewPanel(panel, { paused: false });
      assert.equal(api.inspector.current, panel);
      assert.equal(panel.webview.options.enableScripts, true);
      assert.equal(panel.webview.options.localResourceRoots?.length, 1);
      assert.ok(panel.webview.html.includes(`nonce-${api.inspector.lastNonce}`));
      if (bundleBuilt()) await webviewLoaded();
      panel.dispose();
    });
  });
}

inspectorSuite('websocket');
inspectorSuite('xml-rpc');
