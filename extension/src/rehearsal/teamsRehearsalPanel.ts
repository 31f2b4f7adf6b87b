import * as vscode from 'vscode';
import { uciToken } from '../../../shared/hashes.js';
import type { PrerequisiteFix } from '../../../shared/schemas/prerequisites.js';
import { TEAMS_REHEARSAL_VIEW_TYPE, type RehearsalHostMessage } from '../../../shared/schemas/teamsRehearsal.js';
import type { PbxSession } from '../model/pbxSession.js';
import type { SessionManager } from '../model/sessions.js';
import { TeamsRehearsal } from '../model/teamsRehearsal.js';
import { openXmlRpcRehearsalSession } from '../live/rehearsalUciXmlRpc.js';
import { UciJsonRpcClient, UciUnavailableError } from '../pbx/uciJsonRpcClient.js';
import { checkPrerequisites } from '../prerequisites/run.js';
import { readUciSettings } from '../vscode/settings.js';
import { newNonce, webviewPage, webviewRoot } from '../vscode/webviewPage.js';

const POSTED_KEPT = 200;

/**
 * "STARFACE: Rehearse the Teams App": one panel at a time, bound to the connection selected when it opened. The
 * rehearsal's state and message handling are in model/teamsRehearsal.ts; this only wires it to a webview.
 */
export class TeamsRehearsalPanels implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubs: vscode.Disposable[] = [];
  private _rehearsal: TeamsRehearsal | undefined;
  /** Test hooks: the newest HTML and nonce, `ready`s from the webview, what the host posted (newest 200). */
  lastHtml = '';
  lastNonce = '';
  webviewReady = 0;
  readonly posted: RehearsalHostMessage[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sessions: SessionManager,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get current(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  get rehearsal(): TeamsRehearsal | undefined {
    return this._rehearsal;
  }

  /** `starface.openTeamsRehearsal`: a tree node or `{connection}` selects that connection first. */
  open(target?: { connection?: string; ref?: { connection?: string } }): vscode.WebviewPanel {
    const name = target?.connection ?? target?.ref?.connection;
    if (name && this.sessions.get(name)) this.sessions.select(name);
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const title = vscode.l10n.t('Teams App Rehearsal');
    const panel = vscode.window.createWebviewPanel(TEAMS_REHEARSAL_VIEW_TYPE, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [webviewRoot(this.extensionUri)],
    });
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'starface.svg');
    const rehearsal = this.build(this.sessions.selected);
    this._rehearsal = rehearsal;
    rehearsal.attach((m) => this.post(panel, m));
    this.webviewReady = 0;
    this.lastNonce = newNonce();
    this.lastHtml = webviewPage(panel.webview, this.extensionUri, {
      bundle: 'rehearsal',
      nonce: this.lastNonce,
      language: vscode.env.language,
      title,
    });
    panel.webview.html = this.lastHtml;
    this.panelSubs.push(
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (m && typeof m === 'object' && (m as { type?: unknown }).type === 'ready') this.webviewReady++;
        void rehearsal.receive(m);
      }),
      panel.onDidDispose(() => {
        rehearsal.dispose();
        for (const d of this.panelSubs) d.dispose();
        this.panelSubs = [];
        if (this.panel === panel) this.panel = undefined;
        if (this._rehearsal === rehearsal) this._rehearsal = undefined;
      }),
    );
    return panel;
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private post(panel: vscode.WebviewPanel, message: RehearsalHostMessage): void {
    this.posted.push(message);
    if (this.posted.length > POSTED_KEPT) this.posted.splice(0, this.posted.length - POSTED_KEPT);
    panel.webview
      .postMessage(message)
      .then(undefined, (err: unknown) => this.log.warn(`teams rehearsal: postMessage failed: ${String(err)}`));
  }

  private build(session: PbxSession | undefined): TeamsRehearsal {
    const noSession = () => new Error(vscode.l10n.t('Select a signed-in STARFACE connection first.'));
    return new TeamsRehearsal(
      {
        get api() {
          if (!session) throw noSession();
          return session.api;
        },
        language: () => vscode.env.language,
        t: vscode.l10n.t,
        users: () => session?.data?.users ?? [],
        openUci: async (login, password) => {
          if (!session) throw noSession();
          const client = session.api.client;
          const token = uciToken(login, password);
          const settings = readUciSettings();
          if (settings.transport !== 'xml-rpc') {
            try {
              return await UciJsonRpcClient.connect(client.baseUrl, token, { transport: client.transport });
            } catch (err) {
              // A real STARFACE has no UCI WebSocket: its UCI is XML-RPC with a callback server of ours.
              if (!(err instanceof UciUnavailableError) || settings.transport === 'websocket') throw err;
            }
          }
          return openXmlRpcRehearsalSession({
            restBaseUrl: client.baseUrl,
            uciToken: token,
            login,
            callbackAddress: settings.callbackAddress,
            // A fixed port is the connection's own callback server's: the rehearsal's listens on the next one.
            callbackPort: settings.callbackPort ? Math.min(65535, settings.callbackPort + 1) : 0,
            fetch: client.transport,
          });
        },
        check: async (login) => {
          if (!session) throw noSession();
          return (await checkPrerequisites(session.api, { users: [login], machine: false })).results;
        },
        applyFix: async (fix: PrerequisiteFix) =>
          (await vscode.commands.executeCommand('starface.applyPrerequisiteFix', { fix })) !== undefined,
        log: (level, message) => this.log[level](message),
      },
      () => {
        const configs = (session?.data?.configurations ?? []).map((c) => c.configuration);
        const inUse = [...configs].sort((a, b) => a.id - b.id).find((c) => c.active) ?? configs[0];
        return {
          connection: session?.connection.name ?? null,
          simulator: session?.data?.simulator ?? false,
          pbxName: inUse?.pbxName ?? '',
        };
      },
    );
  }
}
