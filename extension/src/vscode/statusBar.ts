import * as vscode from 'vscode';
import type { SessionManager } from '../model/sessions.js';
import { errorText } from '../text/errorText.js';

/** Shows the selected connection and its connector: "STARFACE: demo · connector active". */
export function createStatusBar(sessions: SessionManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('starface.status', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('STARFACE connection');
  item.command = 'starface.selectConnection';
  const update = () => {
    const s = sessions.selected;
    if (!s) {
      item.hide();
      return;
    }
    const configs = s.data?.configurations ?? null;
    const active = configs?.find((c) => c.configuration.active)?.configuration;
    let connector = '';
    if (s.state === 'ready' && configs !== null) {
      connector = !active
        ? vscode.l10n.t('no active configuration')
        : !active.connector.active
          ? vscode.l10n.t('connector inactive')
          : active.pendingRestart
            ? vscode.l10n.t('restart needed')
            : vscode.l10n.t('connector active');
    }
    const icon =
      s.state === 'ready'
        ? active?.pendingRestart || (active && !active.connector.active)
          ? '$(warning)'
          : '$(plug)'
        : s.state === 'error'
          ? '$(error)'
          : '$(debug-disconnect)';
    const state =
      s.state === 'ready'
        ? connector
        : s.state === 'signing-in'
          ? vscode.l10n.t('signing in…')
          : s.state === 'error'
            ? vscode.l10n.t('error')
            : vscode.l10n.t('signed out');
    item.text = `${icon} STARFACE: ${s.connection.name}${state ? ` · ${state}` : ''}`;
    item.tooltip =
      s.failure !== undefined ? errorText(s.failure, vscode.l10n.t) : `${s.connection.url} (${s.connection.login})`;
    item.show();
  };
  const sub = sessions.onDidChange(update);
  update();
  return vscode.Disposable.from(item, { dispose: () => sub.dispose() });
}
