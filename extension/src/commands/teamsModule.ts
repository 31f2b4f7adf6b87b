import { chmod, readFile, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { isFqdn } from '../../../shared/schemas/common.js';
import type { Configuration, Mode } from '../../../shared/schemas/modules.js';
import { checkKeyFile } from '../pbx/keyFileCheck.js';
import type { PbxSession } from '../model/pbxSession.js';
import type { TreeNode } from '../model/tree/pbxTreeModel.js';
import {
  guarded,
  readySession,
  requireOperation,
  UserFacingError,
  withProgress,
  type CommandContext,
  type CommandTable,
} from './context.js';

const t = vscode.l10n.t;

/** The node's configuration, else the only (or the active) one, else ask. */
async function configurationFor(session: PbxSession, node?: TreeNode): Promise<Configuration | undefined> {
  requireOperation(session, 'getConfigurations', t('Admin › Modules › Module configurations'));
  const configs = (session.data!.configurations ?? []).map((c) => c.configuration);
  if (node?.ref.configurationId !== undefined) {
    const found = configs.find((c) => c.id === node.ref.configurationId);
    if (!found) throw new UserFacingError(t('The configuration no longer exists; refresh the tree.'));
    return found;
  }
  if (configs.length === 0) throw new UserFacingError(t('There is no "Teams Integration" configuration (R11).'));
  const active = configs.filter((c) => c.active);
  if (configs.length === 1) return configs[0];
  if (active.length === 1) return active[0];
  const pick = await vscode.window.showQuickPick(
    configs.map((c) => ({ label: c.name, description: c.active ? t('active') : t('inactive'), c })),
    { title: t('Which configuration?') },
  );
  return pick?.c;
}

export function teamsModuleCommands(ctx: CommandContext): CommandTable {
  const after = async (session: PbxSession) => session.refresh();

  const restart = async (session: PbxSession, config: Configuration) => {
    await withProgress(t('Restarting the UCI connector of "{0}"…', config.name), async (): Promise<void> => {
      if (config.connector.active) await session.api.setConnector(config.id, false);
      await session.api.setConnector(config.id, true);
    });
    ctx.log.info(`UCI connector of configuration ${config.id} restarted`);
    await after(session);
  };

  return {
    'starface.generateKey': guarded(ctx, 'generateKey', async (node?: TreeNode, opts?: { confirmed?: boolean }) => {
      const session = readySession(ctx, node);
      const config = await configurationFor(session, node);
      if (!config) return undefined;
      if (!opts?.confirmed) {
        const generate = t('Generate New Key');
        const answer = await vscode.window.showWarningMessage(
          t('Generate a new key for "{0}"?', config.name),
          {
            modal: true,
            detail: t(
              'Once the UCI connector restarts, the old key stops working: every Teams user must then sign in with the new key or key file.',
            ),
          },
          generate,
        );
        if (answer !== generate) return undefined;
      }
      const generated = await session.api.generateKey(config.id);
      ctx.log.info(`new key for configuration ${config.id}: ${generated.fingerprint}`);
      await after(session);
      if (!opts?.confirmed) {
        const restartNow = t('Restart Connector');
        const saveFile = t('Save Key File…');
        void vscode.window
          .showInformationMessage(
            t('New key {0}. Restart the UCI connector to put it into use (R17).', generated.fingerprint),
            restartNow,
            saveFile,
          )
          .then((a) => {
            if (a === restartNow) void vscode.commands.executeCommand('starface.restartConnector', node);
            if (a === saveFile) void vscode.commands.executeCommand('starface.saveKeyFile', node);
          });
      }
      return generated.fingerprint;
    }),

    'starface.saveKeyFile': guarded(ctx, 'saveKeyFile', async (node?: TreeNode, opts?: { uri?: vscode.Uri }) => {
      const session = readySession(ctx, node);
      const config = await configurationFor(session, node);
      if (!config) return undefined;
      const file = await session.api.keyFile(config.id);
      const target =
        opts?.uri ??
        (await vscode.window.showSaveDialog({
          title: t('Save the key file of "{0}"', config.name),
          defaultUri: vscode.Uri.joinPath(
            vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.env.HOME ?? '/'),
            `${file.pbxName || 'starface'}.starface-key.json`,
          ),
          filters: { [t('STARFACE key file')]: ['json'] },
        }));
      if (!target) return undefined;
      // 0600 on creation, and again in case the file existed with a wider mode: it holds a secret.
      await writeFile(target.fsPath, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
      await chmod(target.fsPath, 0o600);
      ctx.log.info(`key file of configuration ${config.id} (${file.fingerprint}) saved to ${target.fsPath}`);
      if (!opts?.uri)
        void vscode.window.showInformationMessage(t('Key file saved to {0} (readable only by you).', target.fsPath));
      return target.fsPath;
    }),

    'starface.checkKeyFile': guarded(ctx, 'checkKeyFile', async (uri?: vscode.Uri) => {
      const session = readySession(ctx);
      const target =
        uri ??
        (
          await vscode.window.showOpenDialog({
            title: t('Open a STARFACE key file'),
            filters: { [t('STARFACE key file')]: ['json'] },
          })
        )?.[0];
      if (!target) return undefined;
      const text = await readFile(target.fsPath, 'utf8');
      const findings = checkKeyFile(text, session.data!.configurations?.map((c) => c.configuration) ?? null, t);
      for (const f of findings) ctx.log.info(`key file check: ${f.ok ? 'ok' : 'PROBLEM'}: ${f.message}`);
      const problems = findings.filter((f) => !f.ok);
      const summary = findings.map((f) => `${f.ok ? '✓' : '✗'} ${f.message}`).join('\n');
      if (problems.length)
        void vscode.window.showWarningMessage(t('The key file has {0} problem(s).', problems.length), {
          modal: true,
          detail: summary,
        });
      else
        void vscode.window.showInformationMessage(t('The key file matches "{0}".', session.connection.name), {
          modal: true,
          detail: summary,
        });
      return findings;
    }),

    'starface.restartConnector': guarded(ctx, 'restartConnector', async (node?: TreeNode) => {
      const session = readySession(ctx, node);
      const config = await configurationFor(session, node);
      if (!config) return undefined;
      await restart(session, config);
      return true;
    }),

    'starface.setMode': guarded(ctx, 'setMode', async (node?: TreeNode, mode?: Mode) => {
      const session = readySession(ctx, node);
      const config = await configurationFor(session, node);
      if (!config) return undefined;
      let chosen = mode;
      if (!chosen) {
        const pick = await vscode.window.showQuickPick(
          [
            {
              label: 'Vollständige Integration',
              description: t('Full integration — the only supported mode'),
              mode: 'FULL_INTEGRATION' as const,
            },
            {
              label: 'Abgleich Präsenzstatus',
              description: t('Presence sync — offered, but not supported (R13)'),
              mode: 'PRESENCE_SYNC' as const,
            },
          ],
          { title: t('Mode of "{0}"', config.name) },
        );
        if (!pick) return undefined;
        chosen = pick.mode;
        if (chosen === 'PRESENCE_SYNC') {
          const yes = t('Set Anyway');
          const answer = await vscode.window.showWarningMessage(
            t('"Abgleich Präsenzstatus" is not supported and must not be selected (R13).'),
            { modal: true },
            yes,
          );
          if (answer !== yes) return undefined;
        }
      }
      await session.api.updateConfiguration(config.id, { mode: chosen });
      await after(session);
      return chosen;
    }),

    'starface.setPbxName': guarded(ctx, 'setPbxName', async (node?: TreeNode, name?: string) => {
      const session = readySession(ctx, node);
      const config = await configurationFor(session, node);
      if (!config) return undefined;
      const value =
        name ??
        (await vscode.window.showInputBox({
          title: t('"Name der Anlage" of "{0}"', config.name),
          prompt: t('The fully qualified domain name of the PBX (R14)'),
          value: config.pbxName,
          validateInput: (v) =>
            isFqdn(v.trim()) ? undefined : t('Not a fully qualified domain name, e.g. pbx.example.com'),
        }));
      if (value === undefined) return undefined;
      await session.api.updateConfiguration(config.id, { pbxName: value.trim() });
      await after(session);
      return value.trim();
    }),

    'starface.toggleAutoprovisioning': guarded(ctx, 'toggleAutoprovisioning', async (node?: TreeNode) => {
      const session = readySession(ctx, node);
      const config = await configurationFor(session, node);
      if (!config) return undefined;
      await session.api.updateConfiguration(config.id, { autoprovisioning: !config.autoprovisioning });
      await after(session);
      return !config.autoprovisioning;
    }),
  };
}
