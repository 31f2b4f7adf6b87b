import * as vscode from 'vscode';
import { certificateCommands } from './commands/certificates.js';
import { connectionCommands } from './commands/connections.js';
import type { CommandContext } from './commands/context.js';
import type { TreeNode } from './model/tree/pbxTreeModel.js';
import { miscCommands } from './commands/misc.js';
import { prerequisiteCommands } from './commands/prerequisites.js';
import { SIMULATOR_CONNECTION, simulatorCommands } from './commands/simulator.js';
import { simulatorNodeCommands } from './commands/simulatorNode.js';
import { uciCommands } from './commands/uci.js';
import { teamsModuleCommands } from './commands/teamsModule.js';
import { teamsAppCommands } from './commands/teamsApp.js';
import { userCommands } from './commands/users.js';
import { walkthroughCommands } from './commands/walkthrough.js';
import { openInRestCommands } from './commands/openInRest.js';
import { redirectCommands } from './commands/redirects.js';
import { DEFAULT_INSPECTOR_BUFFER, INSPECTOR_VIEW_TYPE } from '../../shared/schemas/inspector.js';
import { InspectorFeed } from './inspector/inspectorFeed.js';
import { InspectorPanels, readBufferSize } from './inspector/inspectorPanel.js';
import { PrerequisitesModel } from './model/tree/prerequisitesModel.js';
import { TeamsRehearsalPanels } from './rehearsal/teamsRehearsalPanel.js';
import { SessionManager } from './model/sessions.js';
import { WalkthroughModel } from './model/walkthroughModel.js';
import { TeamsFindingsModel } from './model/tree/teamsFindingsModel.js';
import { TeamsFindingsProvider } from './views/teamsFindingsProvider.js';
import { TeamsAppDiagnostics } from './vscode/teamsAppDiagnostics.js';
import { PbxTreeProvider } from './views/pbxTreeProvider.js';
import { PrerequisitesProvider } from './views/prerequisitesProvider.js';
import { ClientSecretStore, PasswordStore } from './vscode/secrets.js';
import {
  onConnectionsChanged,
  onUciSettingsChanged,
  readConnections,
  readUciSettings,
  writeConnections,
} from './vscode/settings.js';
import { CertificateTrust } from './vscode/certificates.js';
import { SimulatorHost } from './vscode/simulatorHost.js';
import { createStatusBar } from './vscode/statusBar.js';
import { WalkthroughTicks } from './vscode/walkthrough.js';

/** What activate() returns: tests in the extension host reach the live objects through it. */
export interface DevKitApi {
  sessions: SessionManager;
  tree: PbxTreeProvider;
  /** The STARFACE view showing `tree` (its visibility: tests). */
  pbxView: vscode.TreeView<TreeNode>;
  simulator: SimulatorHost;
  /** The event inspector: its panel and the feed that posts to it. */
  inspector: InspectorPanels;
  /** The rehearsal of the STARFACE App for Teams: its panel and the rehearsal in it. */
  rehearsal: TeamsRehearsalPanels;
  /** The prerequisites check: its last report (the view shows it) and the view's provider. */
  prerequisites: { model: PrerequisitesModel; provider: PrerequisitesProvider };
  /** Teams app validation: the report the findings view shows, and the live manifest diagnostics. */
  teams: { findings: TeamsFindingsModel; diagnostics: TeamsAppDiagnostics };
  /** Certificate pins and prompts of https connections. */
  certificates: CertificateTrust;
  /** The setup walkthrough: its steps judged on the selected PBX, and the ticks shown for them. */
  walkthrough: { model: WalkthroughModel; ticks: WalkthroughTicks };
}

/** Composition root: the only place that builds objects; every disposable goes to the context. */
export function activate(context: vscode.ExtensionContext): DevKitApi {
  const log = vscode.window.createOutputChannel('STARFACE', { log: true });
  const version = String((context.extension.packageJSON as { version?: string }).version);
  const simulator = new SimulatorHost(context, log);
  const certificates = new CertificateTrust(
    context.globalState,
    () => simulator.ca,
    log,
    context.extensionMode === vscode.ExtensionMode.Test,
  );
  const sessions = new SessionManager(
    (level, message) => log[level](message),
    readUciSettings,
    (c) => certificates.transportFor(c),
  );
  const read = () => readConnections((problem) => log.warn(problem));
  const passwords = new PasswordStore(context.secrets);
  const clientSecrets = new ClientSecretStore(context.secrets);
  const tree = new PbxTreeProvider(sessions, vscode.l10n.t, {
    get addresses() {
      return simulator.addresses;
    },
    onDidChange: simulator.onDidChange,
    adminLogin: 'admin',
    adminPassword: async () => passwords.get(SIMULATOR_CONNECTION),
  });
  const ctx: CommandContext = {
    sessions,
    passwords,
    clientSecrets,
    log,
    simulator,
    readConnections: read,
    writeConnections,
  };

  const feed = new InspectorFeed({
    bufferSize: readBufferSize(DEFAULT_INSPECTOR_BUFFER),
    t: vscode.l10n.t,
    language: vscode.env.language,
    log: (level, message) => log[level](message),
  });
  const inspector = new InspectorPanels(context.extensionUri, feed, sessions, log);
  const rehearsal = new TeamsRehearsalPanels(context.extensionUri, sessions, log);
  const following = feed.follow(sessions);
  const bufferSetting = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('starface.inspector.bufferSize'))
      feed.bufferSize = readBufferSize(DEFAULT_INSPECTOR_BUFFER);
  });

  // Cheap to build: the manifest schemas are compiled on the first validation, not here.
  const teams = {
    findings: new TeamsFindingsModel(),
    diagnostics: new TeamsAppDiagnostics((level, message) => log[level](message)),
  };
  const teamsFindings = new TeamsFindingsProvider(teams.findings, vscode.l10n.t);
  const prerequisites = new PrerequisitesModel();
  const prerequisitesProvider = new PrerequisitesProvider(prerequisites, vscode.l10n.t);
  const prerequisitesFollowing = prerequisites.follow(sessions);
  const prerequisitesContext = prerequisites.onDidChange(
    () =>
      void vscode.commands.executeCommand(
        'setContext',
        'starface.hasPrerequisitesReport',
        prerequisites.report !== undefined,
      ),
  );

  const walkthrough = new WalkthroughModel(sessions, (level, message) => log[level](message));
  const walkthroughTicks = new WalkthroughTicks(walkthrough, context.extension.id, log);

  const commands = {
    ...walkthroughCommands(ctx, walkthrough, context.extension.id),
    ...prerequisiteCommands(ctx, prerequisites),
    ...connectionCommands(ctx),
    ...certificateCommands(ctx, certificates),
    ...simulatorCommands(ctx),
    ...simulatorNodeCommands(ctx, tree),
    ...teamsModuleCommands(ctx),
    ...teamsAppCommands(ctx, teams),
    ...userCommands(ctx),
    ...redirectCommands(ctx),
    ...openInRestCommands(ctx),
    ...uciCommands(ctx),
    ...miscCommands(ctx, version),
  };
  const view = vscode.window.createTreeView('starface.pbx', { treeDataProvider: tree, showCollapseAll: true });
  const updateContext = () =>
    void vscode.commands.executeCommand('setContext', 'starface.hasConnections', sessions.all.length > 0);
  const sessionsChanged = sessions.onDidChange(updateContext);
  // A revealed password must not wait, shown, for the next time someone opens the view (a shared screen).
  const remask = view.onDidChangeVisibility((e) => {
    if (!e.visible && tree.adminPasswordRevealed) tree.setAdminPasswordRevealed(false);
  });

  context.subscriptions.push(
    log,
    certificates,
    sessions,
    simulator,
    tree,
    view,
    remask,
    { dispose: () => sessionsChanged.dispose() },
    createStatusBar(sessions),
    onConnectionsChanged(() => sessions.setConnections(read())),
    onUciSettingsChanged(() => sessions.all.forEach((s) => s.restartLive())),
    ...Object.entries(commands).map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
    feed,
    following,
    bufferSetting,
    inspector,
    vscode.commands.registerCommand(
      'starface.openInspector',
      (target?: { connection?: string; ref?: { connection?: string } }) => void inspector.open(target),
    ),
    vscode.window.registerWebviewPanelSerializer(INSPECTOR_VIEW_TYPE, inspector),
    rehearsal,
    vscode.commands.registerCommand(
      'starface.openTeamsRehearsal',
      (target?: { connection?: string; ref?: { connection?: string } }) => void rehearsal.open(target),
    ),
    prerequisites,
    prerequisitesProvider,
    prerequisitesFollowing,
    prerequisitesContext,
    vscode.window.createTreeView('starface.prerequisites', {
      treeDataProvider: prerequisitesProvider,
      showCollapseAll: true,
    }),
    teams.findings,
    teams.diagnostics,
    teamsFindings,
    vscode.window.createTreeView('starface.teamsFindings', { treeDataProvider: teamsFindings, showCollapseAll: true }),
    walkthrough,
    walkthroughTicks,
  );
  sessions.setConnections(read());
  updateContext();
  log.info(`STARFACE Teams DevKit ${version} activated`);
  return {
    sessions,
    tree,
    pbxView: view,
    simulator,
    inspector,
    rehearsal,
    teams,
    certificates,
    prerequisites: { model: prerequisites, provider: prerequisitesProvider },
    walkthrough: { model: walkthrough, ticks: walkthroughTicks },
  };
}

export function deactivate(): void {}
