import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { MANIFEST, SHORT_NAME_MAX, type TeamsValidationReport } from '../../../shared/schemas/teamsApp.js';
import type { TeamsFindingsModel } from '../model/tree/teamsFindingsModel.js';
import { ENV_FILE, envNames, PBX_PLACEHOLDERS } from '../teamsApp/placeholders.js';
import type { TeamsAppDiagnostics } from '../vscode/teamsAppDiagnostics.js';
import { guarded, UserFacingError, withProgress, type CommandContext, type CommandTable } from './context.js';

const t = vscode.l10n.t;
/** The Teams domain code brings ajv, the zip and PNG libraries: loaded on first use, not when the extension activates. */
const teamsDomain = () => import('../teamsApp/index.js');
const [PBX_NAME, PBX_URL] = PBX_PLACEHOLDERS;

export interface TeamsAppParts {
  findings: TeamsFindingsModel;
  diagnostics: TeamsAppDiagnostics;
}

export interface NewTeamsAppOptions {
  appName?: string;
  envName?: string;
  /** Replace an existing manifest without asking. */
  overwrite?: boolean;
  /** Open the new manifest in an editor (default true). */
  open?: boolean;
}

export interface PackageTeamsAppOptions {
  envName?: string;
  /** Show no notification (tests, scripts): the result is the command's return value. */
  quiet?: boolean;
}

/** The PBX values for `${{STARFACE_PBX_NAME}}` / `${{STARFACE_PBX_URL}}` from the selected connection, when signed in. */
function pbxValues(ctx: CommandContext): { values: Record<string, string>; from?: string } {
  const session = ctx.sessions.selected;
  if (!session || session.state !== 'ready' || !session.data) return { values: {} };
  const values: Record<string, string> = { [PBX_URL]: session.connection.url };
  const configs = (session.data.configurations ?? []).map((c) => c.configuration);
  const active = configs.filter((c) => c.active);
  const config = active.length === 1 ? active[0] : configs.length === 1 ? configs[0] : undefined;
  if (config?.pbxName) values[PBX_NAME] = config.pbxName;
  return { values, from: session.connection.name };
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** A folder Uri, a manifest.json or a `.env.<name>` in it → the app folder (and the env the file names). */
async function appFolderOf(uri: vscode.Uri): Promise<{ folder: string; envName?: string }> {
  if (await isDirectory(uri.fsPath)) return { folder: uri.fsPath };
  const env = ENV_FILE.exec(basename(uri.fsPath))?.[1];
  return { folder: dirname(uri.fsPath), envName: env };
}

function activeManifestFolder(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.uri.scheme === 'file' && basename(doc.uri.fsPath) === MANIFEST ? dirname(doc.uri.fsPath) : undefined;
}

function validateAppName(value: string): string | undefined {
  const name = value.trim();
  if (!name) return t('Enter a name for the app.');
  if ([...name].length > SHORT_NAME_MAX)
    return t('At most {0} characters (Teams shows the short name in the app bar).', SHORT_NAME_MAX);
  return undefined;
}

export function teamsAppCommands(ctx: CommandContext, parts: TeamsAppParts): CommandTable {
  /** Shows a report in the findings view (and its manifest findings in Problems for a manifest on disk). */
  const show = async (report: TeamsValidationReport, manifestPath: string | undefined) => {
    parts.findings.set(report);
    if (manifestPath) await parts.diagnostics.showReport(report, manifestPath);
    void vscode.commands.executeCommand('starface.teamsFindings.focus');
  };

  return {
    'starface.newTeamsApp': guarded(ctx, 'newTeamsApp', async (target?: vscode.Uri, opts: NewTeamsAppOptions = {}) => {
      const folder =
        target?.fsPath ??
        (
          await vscode.window.showOpenDialog({
            title: t('Folder for the new Teams app'),
            canSelectFolders: true,
            canSelectFiles: false,
            canSelectMany: false,
            openLabel: t('Create Teams App Here'),
            defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
          })
        )?.[0]?.fsPath;
      if (!folder) return undefined;
      if (opts.appName !== undefined && validateAppName(opts.appName))
        throw new UserFacingError(validateAppName(opts.appName)!);
      const appName =
        opts.appName ??
        (await vscode.window.showInputBox({
          title: t('New Teams app'),
          prompt: t('The app name users see in Teams (name.short, at most {0} characters)', SHORT_NAME_MAX),
          value: 'STARFACE',
          validateInput: validateAppName,
        }));
      if (appName === undefined) return undefined;
      let overwrite = opts.overwrite ?? false;
      const envName = opts.envName ?? 'dev';
      if (!overwrite && (existsSync(join(folder, MANIFEST)) || existsSync(join(folder, `.env.${envName}`)))) {
        if (opts.appName !== undefined)
          throw new UserFacingError(t('{0} already holds a Teams app (manifest.json or .env.{1}).', folder, envName));
        const replace = t('Replace');
        const answer = await vscode.window.showWarningMessage(
          t('{0} already holds a Teams app (manifest.json or .env.{1}). Replace its files?', folder, envName),
          { modal: true },
          replace,
        );
        if (answer !== replace) return undefined;
        overwrite = true;
      }
      const pbx = pbxValues(ctx);
      const { createAppFolder } = await teamsDomain();
      const created = await createAppFolder(folder, {
        appName: appName.trim(),
        envName,
        values: pbx.values,
        overwrite,
        t,
      });
      ctx.log.info(
        `Teams app "${appName.trim()}" created in ${folder} (${created.files.length} files; PBX values ${pbx.from ? `from ${pbx.from}` : 'not filled'})`,
      );
      if (opts.open !== false)
        await vscode.window.showTextDocument(vscode.Uri.file(created.manifestPath), { preview: false });
      if (!pbx.from) {
        void vscode.window.showInformationMessage(
          t(
            'Teams app created. Sign in to a STARFACE connection to fill the PBX values, or enter them in {0}.',
            basename(created.envPath),
          ),
        );
      }
      return created;
    }),

    'starface.packageTeamsApp': guarded(
      ctx,
      'packageTeamsApp',
      async (target?: vscode.Uri, options?: PackageTeamsAppOptions | string) => {
        const opts: PackageTeamsAppOptions = typeof options === 'string' ? { envName: options } : (options ?? {});
        let folder: string | undefined;
        let envName = opts.envName;
        if (target) {
          const of = await appFolderOf(target);
          folder = of.folder;
          envName ??= of.envName;
        }
        folder ??= activeManifestFolder();
        folder ??= (
          await vscode.window.showOpenDialog({
            title: t('Teams app folder to package'),
            canSelectFolders: true,
            canSelectFiles: false,
            canSelectMany: false,
            openLabel: t('Package'),
            defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
          })
        )?.[0]?.fsPath;
        if (!folder) return undefined;
        if (!existsSync(join(folder, MANIFEST)))
          throw new UserFacingError(t('{0} holds no manifest.json: create one with "New Teams App Package".', folder));
        if (!envName) {
          const envs = await envNames(folder);
          if (envs.length === 0)
            throw new UserFacingError(t('{0} holds no .env.<name> file with the values for the manifest.', folder));
          envName =
            envs.length === 1
              ? envs[0]
              : (
                  await vscode.window.showQuickPick(
                    envs.map((name) => ({ label: name, description: `.env.${name}` })),
                    { title: t('Package for which environment?') },
                  )
                )?.label;
          if (!envName) return undefined;
        }
        const pbx = pbxValues(ctx);
        const appFolder = folder;
        const env = envName;
        // The connection's values only fill what .env.<name> lacks or leaves empty: the file the user edits wins.
        const result = await withProgress(t('Packaging the Teams app ({0})…', env), async () =>
          (await teamsDomain()).packageApp(appFolder, env, { defaults: pbx.values, t }),
        );
        await show(result.report, join(appFolder, MANIFEST));
        const { errors, warnings } = result.report;
        ctx.log.info(
          `Teams app in ${appFolder} packaged for ${env}: ${result.ok ? result.zipPath : 'not written'} (${errors} errors, ${warnings} warnings)`,
        );
        if (opts.quiet) return result;
        if (result.ok && result.zipPath) {
          const reveal = t('Reveal in Explorer');
          const openFolder = t('Open Folder');
          const zip = vscode.Uri.file(result.zipPath);
          void vscode.window
            .showInformationMessage(
              t('Teams app package written: {0} ({1} warning(s)).', basename(result.zipPath), warnings),
              reveal,
              openFolder,
            )
            .then((a) => {
              if (a === reveal) void vscode.commands.executeCommand('revealInExplorer', zip);
              if (a === openFolder) void vscode.commands.executeCommand('revealFileInOS', zip);
            });
        } else {
          const problems = t('Show Problems');
          void vscode.window
            .showErrorMessage(t('The Teams app has {0} error(s): no package was written.', errors), problems)
            .then((a) => {
              if (a === problems) void vscode.commands.executeCommand('workbench.actions.view.problems');
            });
        }
        return result;
      },
    ),

    'starface.validateTeamsApp': guarded(ctx, 'validateTeamsApp', async (target?: vscode.Uri) => {
      const path =
        target?.fsPath ??
        (
          await vscode.window.showOpenDialog({
            title: t('Teams app folder or package (.zip) to validate'),
            canSelectFolders: true,
            canSelectFiles: true,
            canSelectMany: false,
            openLabel: t('Validate'),
            filters: { [t('Teams app package')]: ['zip'], [t('Teams app manifest')]: ['json'] },
            defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
          })
        )?.[0]?.fsPath;
      if (!path) return undefined;
      const report = await withProgress(t('Validating {0}…', basename(path)), async () =>
        (await teamsDomain()).validateAppPath(path, { t }),
      );
      // A manifest file by any name (build/manifest.dev.json) gets its own findings, not the folder's manifest.json.
      await show(
        report,
        report.kind === 'folder' ? join(path, MANIFEST) : report.kind === 'manifest' ? path : undefined,
      );
      ctx.log.info(
        `Teams app ${path} validated: ${report.errors} errors, ${report.warnings} warnings (${Math.round(report.durationMs)} ms)`,
      );
      if (report.ok)
        void vscode.window.showInformationMessage(t('{0} is valid ({1} warning(s)).', basename(path), report.warnings));
      else
        void vscode.window.showWarningMessage(
          t('{0} has {1} error(s) and {2} warning(s).', basename(path), report.errors, report.warnings),
        );
      return report;
    }),
  };
}
