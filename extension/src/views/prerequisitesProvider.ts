import * as vscode from 'vscode';
import type { PrerequisiteStatus } from '../../../shared/schemas/prerequisites.js';
import type { Translate } from '../text/i18n.js';
import type { PrerequisiteNode, PrerequisitesModel } from '../model/tree/prerequisitesModel.js';
import { COLLAPSE } from './treeItems.js';

const ICONS: Record<PrerequisiteStatus, { icon: string; color: string }> = {
  pass: { icon: 'pass', color: 'testing.iconPassed' },
  warn: { icon: 'warning', color: 'list.warningForeground' },
  fail: { icon: 'error', color: 'testing.iconFailed' },
  unknown: { icon: 'question', color: 'descriptionForeground' },
};

/** Shows the PrerequisitesModel's report; empty (and so the welcome view) until a check ran. */
export class PrerequisitesProvider implements vscode.TreeDataProvider<PrerequisiteNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PrerequisiteNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: { dispose(): void };

  constructor(
    readonly model: PrerequisitesModel,
    private readonly t: Translate,
  ) {
    this.sub = model.onDidChange(() => this.changed.fire(undefined));
  }

  getTreeItem(node: PrerequisiteNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, COLLAPSE[node.collapsible]);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    if (this.model.running && node.kind === 'summary') item.iconPath = new vscode.ThemeIcon('loading~spin');
    else if (node.status) {
      const { icon, color } = ICONS[node.status];
      item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    }
    if (node.kind === 'summary' && this.model.stale)
      item.command = { command: 'starface.checkPrerequisites', title: this.t('Run Again') };
    return item;
  }

  getChildren(node?: PrerequisiteNode): PrerequisiteNode[] {
    if (!node) return this.model.nodes({ t: this.t, language: vscode.env.language });
    return node.children ?? [];
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
