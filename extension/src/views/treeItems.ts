import * as vscode from 'vscode';
import type { Collapsible } from '../model/tree/pbxTreeModel.js';

/** The tree models' plain collapsible state as VS Code's. */
export const COLLAPSE: Record<Collapsible, vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};
