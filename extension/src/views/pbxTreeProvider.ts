import * as vscode from 'vscode';
import { userDetailNodes, connectionNode, type TreeNode } from '../model/tree/pbxTreeModel.js';
import type { SessionManager } from '../model/sessions.js';
import type { Translate } from '../text/i18n.js';
import { errorText } from '../text/errorText.js';
import { isLocalSimulator, loginNodes, simulatorNode, type SimulatorAddresses } from '../model/tree/simulatorNode.js';
import { COLLAPSE } from './treeItems.js';
import { redirectNodes, userRedirectsNode } from '../model/tree/redirectNodes.js';
import { CALL_JOURNAL_NODE_LIMIT, callJournalNodes, userCallJournalNode } from '../model/tree/callJournalNodes.js';
import { loadUserRedirects } from '../pbx/groupsSnapshot.js';
import { optional } from '../pbx/snapshot.js';

/** The simulator this window runs, as the tree needs it. */
export interface LocalSimulatorSource {
  readonly addresses: SimulatorAddresses | undefined;
  readonly onDidChange: vscode.Event<unknown>;
  readonly adminLogin: string;
  adminPassword(): Promise<string | undefined>;
}

/** Maps the plain tree model onto VS Code's tree; user details are fetched when a user is expanded. */
export class PbxTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: { dispose(): void }[];
  private revealed = false;

  constructor(
    private readonly sessions: SessionManager,
    private readonly t: Translate,
    private readonly local?: LocalSimulatorSource,
  ) {
    this.subs = [sessions.onDidChange(() => this.changed.fire(undefined))];
    if (local) {
      // A new or stopped simulator starts masked again.
      this.subs.push(local.onDidChange(() => this.setAdminPasswordRevealed(false)));
    }
  }

  /** Shows or masks the simulator's admin password in the tree; it is read from SecretStorage only when shown. */
  setAdminPasswordRevealed(revealed: boolean): void {
    this.revealed = revealed;
    this.changed.fire(undefined);
  }

  get adminPasswordRevealed(): boolean {
    return this.revealed;
  }

  private ctx() {
    return { t: this.t, language: vscode.env.language, now: Date.now() };
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, COLLAPSE[node.collapsible]);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    if (node.icon)
      item.iconPath = new vscode.ThemeIcon(
        node.icon,
        node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined,
      );
    if (node.contextValue.startsWith('connection.') && node.contextValue.endsWith('signedOut')) {
      item.command = { command: 'starface.signIn', title: this.t('Sign In'), arguments: [node] };
    }
    return item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      const addresses = this.local?.addresses;
      const adminPassword = addresses && this.revealed ? await this.local!.adminPassword() : undefined;
      return this.sessions.all.map((s) => {
        const conn = connectionNode(
          s.connection,
          s.state,
          s.data,
          s.failure === undefined ? undefined : errorText(s.failure, this.t),
          this.ctx(),
        );
        if (!isLocalSimulator(s.connection, addresses)) return conn;
        const sim = simulatorNode(
          { addresses: addresses!, adminLogin: this.local!.adminLogin, adminPassword, version: s.data?.version },
          conn.ref,
          this.ctx(),
        );
        return { ...conn, children: [sim, ...(conn.children ?? [])] };
      });
    }
    if (node.children) return node.children;
    if (node.lazy === 'simulatorLogins') {
      const session = this.sessions.get(node.ref.connection);
      try {
        if (!session || session.state !== 'ready')
          throw new Error(this.t('Sign in to "{0}" first.', node.ref.connection));
        return loginNodes(await session.api.credentials(), node.ref, this.ctx());
      } catch (err) {
        return [this.errorNode(node, err)];
      }
    }
    if (node.lazy === 'userRedirects' && node.ref.userId !== undefined) {
      const session = this.sessions.get(node.ref.connection);
      const user = session?.data?.users.find((u) => u.id === node.ref.userId);
      if (!session || !user) return [];
      try {
        // Loaded on every expansion and refresh: redirect events reload the session, and this follows.
        const self = user.login === session.connection.login;
        const redirects = await optional(() => loadUserRedirects(session.api, user.login, self));
        return redirectNodes(redirects, node, this.ctx());
      } catch (err) {
        return [this.errorNode(node, err)];
      }
    }
    if (node.lazy === 'userCallJournal' && node.ref.userId !== undefined) {
      const session = this.sessions.get(node.ref.connection);
      if (!session || session.state !== 'ready') return [];
      try {
        // Loaded on every expansion and refresh: a sim.events.calljournal event re-renders the tree, and this follows.
        const page = await optional(() => session.api.callJournal(node.ref.userId!, CALL_JOURNAL_NODE_LIMIT));
        return callJournalNodes(page, node, this.ctx());
      } catch (err) {
        return [this.errorNode(node, err)];
      }
    }
    if (node.lazy === 'userDetails' && node.ref.userId !== undefined) {
      const session = this.sessions.get(node.ref.connection);
      const user = session?.data?.users.find((u) => u.id === node.ref.userId);
      if (!session || !user) return [];
      try {
        const registrations = session.data?.registrations?.filter((r) => r.userId === user.id) ?? null;
        return [
          ...userDetailNodes(
            user,
            await session.userDetails(user.id),
            node.ref,
            this.ctx(),
            session.data?.admin ?? true,
            registrations,
          ),
          userRedirectsNode(user, node.ref, this.ctx()),
          userCallJournalNode(user, node.ref, this.ctx()),
        ];
      } catch (err) {
        return [this.errorNode(node, err)];
      }
    }
    return [];
  }

  /** A lazy node's children that failed to load: one node saying why, in place of them. */
  private errorNode(parent: TreeNode, err: unknown): TreeNode {
    return {
      id: `${parent.id}:error`,
      ref: parent.ref,
      label: errorText(err, this.t),
      icon: 'error',
      contextValue: 'error',
      collapsible: 'none',
    };
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    for (const sub of this.subs) sub.dispose();
    this.changed.dispose();
  }
}
