import * as vscode from 'vscode';
import { connectionCommands } from './commands/connections.js';
import type { CommandContext } from './commands/context.js';
import { miscCommands } from './commands/misc.js';
import { simulatorCommands } from './commands/simulator.js';
import { teamsCommands } from './commands/teams.js';
import { userCommands } from './commands/users.js';
import { DEFAULT_INSPECTOR_BUFFER, INSPECTOR_VIEW_TYPE } from '../../shared/schemas/inspector.js';
import { InspectorFeed } from './inspector/inspectorFeed.js';
import { InspectorPanels, readBufferSize } from './inspector/inspectorPanel.js';
import { SessionManager } from './model/sessions.js';
import { PbxTreeProvider } from './views/pbxTreeProvider.js';
import { PasswordStore } from './vscode/secrets.js';
import { onConnectionsChanged, readConnections, writeConnections } from './vscode/settings.js';
import { SimulatorHost } from './vscode/simulatorHost.js';
import { createStatusBar } from './vscode/statusBar.js';

/** What activate() returns: tests in the extension host reach the live objects through it. */
export interface DevKitApi {
  sessions: SessionManager;
  tree: PbxTreeProvider;
  simulator: SimulatorHost;
  /** The event inspector: its panel and the feed that posts to it. */
  inspector: InspectorPanels;
}

/** Composition root: the only place that builds objects; every disposable goes to the context. */
export function activate(context: vscode.ExtensionContext): DevKitApi {
  const log = vscode.window.createOutputChannel('STARFACE', { log: true });
  const version = String((context.extension.packageJSON as { version?: string }).version);
  const sessions = new SessionManager((level, message) => log[level](message));
  const read = () => readConnections((problem) => log.warn(problem));
  const simulator = new SimulatorHost(context, log);
  const tree = new PbxTreeProvider(sessions, vscode.l10n.t);
  const ctx: CommandContext = { sessions, passwords: new PasswordStore(context.secrets), log, simulator, readConnections: read, writeConnections };

  const feed = new InspectorFeed({ bufferSize: readBufferSize(DEFAULT_INSPECTOR_BUFFER), t: vscode.l10n.t, language: vscode.env.language, log: (level, message) => log[level](message) });
  const inspector = new InspectorPanels(context.extensionUri, feed, sessions, log);
  const following = feed.follow(sessions);
  const bufferSetting = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('starface.inspector.bufferSize')) feed.bufferSize = readBufferSize(DEFAULT_INSPECTOR_BUFFER);
  });

  const commands = { ...connectionCommands(ctx), ...simulatorCommands(ctx), ...teamsCommands(ctx), ...userCommands(ctx), ...miscCommands(ctx, version) };
  const view = vscode.window.createTreeView('starface.pbx', { treeDataProvider: tree, showCollapseAll: true });
  const updateContext = () => void vscode.commands.executeCommand('setContext', 'starface.hasConnections', sessions.all.length > 0);
  const sessionsChanged = sessions.onDidChange(updateContext);

  context.subscriptions.push(
    log,
    sessions,
    simulator,
    tree,
    view,
    { dispose: () => sessionsChanged.dispose() },
    createStatusBar(sessions),
    onConnectionsChanged(() => sessions.setConnections(read())),
    ...Object.entries(commands).map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
    feed,
    following,
    bufferSetting,
    inspector,
    vscode.commands.registerCommand('starface.openInspector', (target?: { connection?: string; ref?: { connection?: string } }) => void inspector.open(target)),
    vscode.window.registerWebviewPanelSerializer(INSPECTOR_VIEW_TYPE, inspector),
  );
  sessions.setConnections(read());
  updateContext();
  log.info(`STARFACE Teams DevKit ${version} activated`);
  return { sessions, tree, simulator, inspector };
}

export function deactivate(): void {}
