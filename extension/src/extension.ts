import * as vscode from 'vscode';
import { connectionCommands } from './commands/connections.js';
import type { CommandContext } from './commands/context.js';
import { miscCommands } from './commands/misc.js';
import { simulatorCommands } from './commands/simulator.js';
import { teamsCommands } from './commands/teams.js';
import { userCommands } from './commands/users.js';
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
  );
  sessions.setConnections(read());
  updateContext();
  log.info(`STARFACE Teams DevKit ${version} activated`);
  return { sessions, tree, simulator };
}

export function deactivate(): void {}
