import * as vscode from 'vscode';
import type { TreeNode } from '../model/tree/pbxTreeModel.js';
import { guarded, type CommandContext, type CommandTable } from './context.js';

export function miscCommands(ctx: CommandContext, version: string): CommandTable {
  return {
    'starface.copyValue': guarded(ctx, 'copyValue', async (node?: TreeNode) => {
      const value = node?.value ?? node?.description ?? node?.label;
      if (value === undefined) return undefined;
      await vscode.env.clipboard.writeText(value);
      return value;
    }),
    'starface.showLog': guarded(ctx, 'showLog', async () => {
      ctx.log.show(true);
      return true;
    }),
    'starface.showVersion': guarded(ctx, 'showVersion', async () => {
      const message = vscode.l10n.t('STARFACE Teams DevKit {0}', version);
      void vscode.window.showInformationMessage(message);
      return message;
    }),
  };
}
