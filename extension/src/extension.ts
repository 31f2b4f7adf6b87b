import * as vscode from 'vscode';

/** Composition root. The extension's features arrive with their issues; this entry only proves the wiring. */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('starface.showVersion', () => {
      const version = String((context.extension.packageJSON as { version?: string }).version);
      const message = vscode.l10n.t('STARFACE Teams DevKit {0}', version);
      void vscode.window.showInformationMessage(message);
      return message;
    }),
  );
}

export function deactivate(): void {}
