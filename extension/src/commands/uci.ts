import * as vscode from 'vscode';
import type { TreeNode } from '../model/tree/pbxTreeModel.js';
import type { LiveEventsFailedSide, LiveEventsCheckResult } from '../pbx/liveEventsCheck.js';
import { guarded, readySession, withProgress, type CommandContext, type CommandTable } from './context.js';

const t = vscode.l10n.t;

function sideText(side: LiveEventsFailedSide): string {
  switch (side) {
    case 'pbx-unreachable':
      return t('the PBX cannot be reached');
    case 'auth':
      return t('the PBX refused the sign-in');
    case 'callback-unreachable':
      return t('the PBX cannot reach this machine');
    case 'local':
      return t('this machine cannot listen for events');
    case 'inconclusive':
      return t('the test was inconclusive');
  }
}

export function uciCommands(ctx: CommandContext): CommandTable {
  return {
    /** Can the PBX push UCI events to this machine? Shows which side failed and what to do. */
    'starface.testUciCallback': guarded(
      ctx,
      'testUciCallback',
      async (node?: TreeNode, opts?: { waitMs?: number }): Promise<LiveEventsCheckResult> => {
        const session = readySession(ctx, node);
        const name = session.connection.name;
        const result = await withProgress(t('Testing live events from {0}…', name), () =>
          session.testLiveEvents(t, opts?.waitMs),
        );
        for (const s of result.steps)
          ctx.log.info(`live events test ${name}: ${s.step} ${s.ok ? 'ok' : 'FAILED'} (${s.ms} ms): ${s.detail}`);
        const showLog = t('Show Log');
        if (result.ok) {
          ctx.log.info(`live events test ${name}: ok`);
          void vscode.window.showInformationMessage(result.advice);
        } else {
          ctx.log.warn(`live events test ${name}: failed (${result.failedSide}): ${result.advice}`);
          void vscode.window
            .showWarningMessage(
              t('Live events from {0}: {1}. {2}', name, sideText(result.failedSide!), result.advice),
              showLog,
            )
            .then((choice) => {
              if (choice === showLog) ctx.log.show(true);
            });
        }
        return result;
      },
    ),
  };
}
