import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { Translate } from '../text/i18n.js';
import type { FindingNode, TeamsFindingsModel } from '../model/tree/teamsFindingsModel.js';
import { COLLAPSE } from './treeItems.js';

/** The "Teams App Validation" view: the last report, grouped by file; a finding opens where it is or its help. */
export class TeamsFindingsProvider implements vscode.TreeDataProvider<FindingNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FindingNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: { dispose(): void };

  constructor(
    private readonly model: TeamsFindingsModel,
    private readonly t: Translate,
  ) {
    this.sub = model.onDidChange(() => this.changed.fire(undefined));
  }

  getTreeItem(node: FindingNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, COLLAPSE[node.collapsible]);
    item.id = node.id;
    item.description = node.description;
    item.contextValue = `teams.${node.kind}`;
    item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
    const f = node.finding;
    if (f) {
      const tooltip = new vscode.MarkdownString();
      tooltip.appendText(node.tooltip ?? node.label);
      if (f.helpUrl) tooltip.appendMarkdown(`\n\n[${this.t('Open help for {0}', f.rule)}](${encodeURI(f.helpUrl)})`);
      item.tooltip = tooltip;
      item.command = this.open(node);
    } else {
      item.tooltip = node.tooltip;
      const file = this.fileUri(node);
      if (node.kind === 'file' && file) item.resourceUri = file;
    }
    return item;
  }

  getChildren(node?: FindingNode): FindingNode[] {
    return node ? (node.children ?? []) : this.model.roots(this.t);
  }

  /** The finding's file on disk: a folder target holds it; a zip's files are not on disk. */
  private fileUri(node: FindingNode): vscode.Uri | undefined {
    const origin = node.origin;
    if (!origin || origin.kind === 'zip') return undefined;
    const folder = origin.kind === 'manifest' ? dirname(origin.target) : origin.target;
    const file = node.finding?.file || (node.kind === 'file' ? node.label : 'manifest.json');
    return vscode.Uri.file(join(folder, file));
  }

  private open(node: FindingNode): vscode.Command | undefined {
    const f = node.finding!;
    const file = this.fileUri(node);
    if (file) {
      const options: vscode.TextDocumentShowOptions = {};
      if (file.path.endsWith('.json')) {
        const start = new vscode.Position(f.line - 1, f.column - 1);
        const end = new vscode.Position(f.endLine - 1, f.endColumn - 1);
        options.selection = new vscode.Range(start, end.isBefore(start) ? start : end);
      }
      return { command: 'vscode.open', title: this.t('Open File'), arguments: [file, options] };
    }
    // Inside a zip there is nothing to open in an editor: the help page says what the rule wants.
    if (f.helpUrl)
      return { command: 'vscode.open', title: this.t('Open Help'), arguments: [vscode.Uri.parse(f.helpUrl)] };
    return undefined;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
