import * as vscode from 'vscode';
import type { SimEvent } from '../../../shared/schemas/events.js';
import {
  INSPECTOR_VIEW_TYPE,
  WebviewMessageSchema,
  type HostMessage,
  type WebviewMessage,
} from '../../../shared/schemas/inspector.js';
import type { SessionManager } from '../model/sessions.js';
import { newNonce, webviewPage, webviewRoot } from '../vscode/webviewPage.js';
import { InspectorFeed } from './inspectorFeed.js';
import { parseJsonLines, toJsonLines } from './jsonl.js';

const SETTING = 'inspector.bufferSize';
/** Larger files are refused: the webview holds every row in memory. */
const MAX_OPEN_BYTES = 256 * 1024 * 1024;

/** Reads `starface.inspector.bufferSize` (a whole number ≥ 100; the default otherwise). */
export function readBufferSize(fallback: number): number {
  const n = vscode.workspace.getConfiguration('starface').get<number>(SETTING);
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 1_000_000 ? n : fallback;
}

/**
 * The "STARFACE Events" panel: one at a time, bound to the feed of the selected connection. The host holds the
 * UCI socket; the webview gets events only, never a credential. Survives a reload through the serializer.
 */
export class InspectorPanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubs: vscode.Disposable[] = [];
  private sink: vscode.Disposable | undefined;
  /** Test hooks: the HTML and nonce of the newest load, and how many webview messages were refused. */
  lastHtml = '';
  lastNonce = '';
  rejected = 0;
  /** Test hook: `ready` messages from the current panel's webview itself (its script ran under the CSP). */
  webviewReady = 0;
  lastLoaded: { source: string; events: number; skipped: number } | undefined;
  /** Dialogs, replaceable by tests (a dialog would hang an unattended run). */
  dialogs = {
    save: (options: vscode.SaveDialogOptions) => vscode.window.showSaveDialog(options),
    open: (options: vscode.OpenDialogOptions) => vscode.window.showOpenDialog(options),
  };

  constructor(
    private readonly extensionUri: vscode.Uri,
    readonly feed: InspectorFeed,
    private readonly sessions: SessionManager,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The open panel, if any. */
  get current(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  /** `starface.openInspector`: shows the panel (a tree node or `{connection}` selects that connection first). */
  open(target?: { connection?: string; ref?: { connection?: string } }): vscode.WebviewPanel {
    const name = target?.connection ?? target?.ref?.connection;
    if (name && this.sessions.get(name)) this.sessions.select(name);
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      INSPECTOR_VIEW_TYPE,
      vscode.l10n.t('STARFACE Events'),
      vscode.ViewColumn.Active,
      this.options(),
    );
    this.setup(panel);
    return panel;
  }

  /** After a reload VS Code hands back the panel it had; the webview's own state comes back through setState. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, _state: unknown): Promise<void> {
    if (this.panel) {
      // Only one inspector: a second restored one closes.
      panel.dispose();
      return;
    }
    panel.webview.options = this.options();
    this.setup(panel);
  }

  /**
   * A message from the webview, validated with the contract: anything else is logged and ignored.
   * Returns whether it was accepted. (Public so that tests can speak for a webview.)
   */
  async receive(raw: unknown): Promise<boolean> {
    const parsed = WebviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.rejected++;
      const type =
        raw && typeof raw === 'object' && 'type' in raw
          ? String((raw as { type: unknown }).type).slice(0, 40)
          : typeof raw;
      this.log.warn(
        `inspector: ignored an invalid webview message (${type}): ${parsed.error.issues[0]?.message ?? ''}`,
      );
      return false;
    }
    try {
      await this.handle(parsed.data);
    } catch (err) {
      this.log.error(`inspector: ${parsed.data.type} failed: ${(err as Error).message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Event inspector: {0}', (err as Error).message));
    }
    return true;
  }

  dispose(): void {
    this.panel?.dispose();
    this.detach();
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [webviewRoot(this.extensionUri)],
    };
  }

  private setup(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'starface.svg');
    this.webviewReady = 0;
    this.lastNonce = newNonce();
    this.lastHtml = webviewPage(panel.webview, this.extensionUri, {
      bundle: 'inspector',
      nonce: this.lastNonce,
      language: vscode.env.language,
      title: vscode.l10n.t('STARFACE Events'),
      body: '<div id="inspector"></div>',
    });
    panel.webview.html = this.lastHtml;
    this.panelSubs.push(
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (m && typeof m === 'object' && (m as { type?: unknown }).type === 'ready') this.webviewReady++;
        void this.receive(m);
      }),
      // Hidden without retained context, the webview is gone: it says `ready` again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.detach();
      }),
      panel.onDidDispose(() => {
        this.detach();
        for (const d of this.panelSubs) d.dispose();
        this.panelSubs = [];
        if (this.panel === panel) this.panel = undefined;
      }),
    );
  }

  private detach(): void {
    this.sink?.dispose();
    this.sink = undefined;
  }

  private post(message: HostMessage): void {
    const panel = this.panel;
    if (!panel) return;
    panel.webview
      .postMessage(message)
      .then(undefined, (err: unknown) => this.log.warn(`inspector: postMessage failed: ${String(err)}`));
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A (re)loaded webview: init, status, the backlog, then live batches.
        this.detach();
        this.sink = this.feed.attach((m) => this.post(m));
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(message.text);
        return;
      case 'reconnect': {
        const session = this.sessions.selected;
        if (session && (session.state === 'signed-out' || session.state === 'error'))
          await vscode.commands.executeCommand('starface.signIn');
        else this.feed.reconnect();
        return;
      }
      case 'export':
        return this.exportEvents(message.events, message.scope);
      case 'openFile':
        return this.openFile();
    }
  }

  private async exportEvents(events: SimEvent[], scope: 'all' | 'filtered'): Promise<void> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `starface-events-${stamp}${scope === 'filtered' ? '-filtered' : ''}.jsonl`;
    const uri = await this.dialogs.save({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
      filters: { [vscode.l10n.t('JSON Lines')]: ['jsonl'] },
      saveLabel: vscode.l10n.t('Export'),
      title: vscode.l10n.t('Export {0} events as JSON Lines', events.length),
    });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(toJsonLines(events), 'utf8'));
    this.log.info(`inspector: exported ${events.length} events to ${uri.toString()}`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} events to {1}', events.length, uri.fsPath));
  }

  private async openFile(): Promise<void> {
    const picked = await this.dialogs.open({
      canSelectMany: false,
      canSelectFolders: false,
      filters: {
        [vscode.l10n.t('JSON Lines')]: ['jsonl', 'ndjson', 'json', 'log'],
        [vscode.l10n.t('All files')]: ['*'],
      },
      openLabel: vscode.l10n.t('Open'),
      title: vscode.l10n.t('Open a JSON Lines recording'),
    });
    const uri = picked?.[0];
    if (!uri) return;
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_OPEN_BYTES)
      throw new Error(vscode.l10n.t('{0} is larger than {1} MB', uri.fsPath, MAX_OPEN_BYTES / 1024 / 1024));
    const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    const { events, skipped, skippedLines } = parseJsonLines(text);
    const source = uri.path.split('/').pop() ?? uri.fsPath;
    this.lastLoaded = { source, events: events.length, skipped };
    this.post({ type: 'loaded', source, events, skipped });
    this.log.info(
      `inspector: opened ${uri.fsPath}: ${events.length} events, ${skipped} lines skipped${skipped ? ` (lines ${skippedLines.join(', ')}${skipped > skippedLines.length ? ', …' : ''})` : ''}`,
    );
    if (skipped > 0)
      void vscode.window.showWarningMessage(
        vscode.l10n.t('{0}: {1} lines are not events and were skipped', source, skipped),
      );
  }
}
