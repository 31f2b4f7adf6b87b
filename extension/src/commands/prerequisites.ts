import * as vscode from 'vscode';
import { isFqdn } from '../../../shared/schemas/common.js';
import {
  PrerequisiteFixSchema,
  type PrerequisiteFix,
  type PrerequisitesReport,
  type PrerequisiteResult,
} from '../../../shared/schemas/prerequisites.js';
import { fixLabel, type PrerequisiteNode, type PrerequisitesModel } from '../model/tree/prerequisitesModel.js';
import { pick } from '../text/i18n.js';
import type { PbxSession } from '../model/pbxSession.js';
import { applyFix } from '../prerequisites/fixes.js';
import { reportToHtml, reportToMarkdown } from '../prerequisites/report.js';
import { rehearseSignIn } from '../prerequisites/rehearsal.js';
import { checkPrerequisites } from '../prerequisites/run.js';
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

type RunOptions = NonNullable<Parameters<typeof checkPrerequisites>[1]>;
type MachineOptions = Exclude<RunOptions['machine'], false | undefined>;

/** What `starface.checkPrerequisites` accepts from tests and other commands. */
export interface CheckArgs {
  /** Logins to check the per-user requirements for; default: the check's own choice. */
  users?: string[];
  /** `false`: skip the checks of this machine (R5–R7); else options for them. */
  machine?: false | MachineOptions;
  /** A connection name; default: the selected connection. */
  connection?: string;
}

export interface FixArgs {
  fix: PrerequisiteFix;
  /** `false` applies without the modal confirmation. */
  confirm?: boolean;
  /** For a setPbxName fix without a name: the FQDN, instead of asking for it. */
  pbxName?: string;
}

/** What `starface.rehearseTeamsSignIn` accepts from tests; anything missing is asked for. */
export interface RehearsalArgs {
  pbxName?: string;
  /** The key as typed. */
  key?: string;
  /** A key file's JSON text, or `keyFileUri` to read one. */
  keyFile?: string;
  keyFileUri?: vscode.Uri | string;
  /** Use the key file of the configuration in use, fetched from the simulator (the key is never shown). */
  currentKey?: boolean;
  login?: string;
  password?: string;
  /** Skip the message that shows the outcome. */
  quiet?: boolean;
}

export interface ExportArgs {
  uri?: vscode.Uri | string;
  format?: 'markdown' | 'html';
}

/** VS Code's own proxy settings: R7 checks them besides the environment. */
function vscodeProxySettings(): Pick<MachineOptions, 'vscodeProxy' | 'vscodeNoProxy' | 'vscodeProxySupport'> {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = http.get<string>('proxy')?.trim();
  const noProxy = http.get<string[]>('noProxy');
  const support = http.get<string>('proxySupport');
  return {
    ...(proxy ? { vscodeProxy: proxy } : {}),
    ...(Array.isArray(noProxy) && noProxy.length
      ? { vscodeNoProxy: noProxy.filter((e) => typeof e === 'string') }
      : {}),
    ...(support ? { vscodeProxySupport: support } : {}),
  };
}

async function readText(uri: vscode.Uri | string): Promise<string> {
  const target = typeof uri === 'string' ? vscode.Uri.file(uri) : uri;
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
}

/** The key file as the admin downloads it; its JSON goes to the sign-in as a dropped file would. */
async function currentKeyFile(session: PbxSession, configurationId: number | undefined): Promise<string> {
  if (configurationId === undefined)
    throw new UserFacingError(t('There is no "Teams Integration" configuration (R11).'));
  return JSON.stringify(await session.api.keyFile(configurationId));
}

const isNode = (arg: unknown): arg is PrerequisiteNode =>
  typeof arg === 'object' &&
  arg !== null &&
  'kind' in arg &&
  'fixes' in arg &&
  Array.isArray((arg as PrerequisiteNode).fixes);

export function prerequisiteCommands(ctx: CommandContext, model: PrerequisitesModel): CommandTable {
  /** The arguments of the last run: a re-run after a fix checks the same users in the same way. */
  let last: CheckArgs = {};
  let inFlight: Promise<PrerequisitesReport> | undefined;

  const sessionOf = (name?: string): PbxSession => {
    if (name === undefined) return readySession(ctx);
    const session = ctx.sessions.get(name);
    if (!session) throw new UserFacingError(t('No connection named "{0}"', name));
    if (session.state !== 'ready' || !session.data)
      throw new UserFacingError(t('Sign in to "{0}" first.', session.connection.name));
    return session;
  };

  /** A second click while a check runs joins it; `fresh` (after a fix) waits for it and checks again. */
  const run = async (args: CheckArgs, fresh = false): Promise<PrerequisitesReport> => {
    if (inFlight && !fresh) return inFlight;
    await inFlight?.catch(() => undefined);
    const session = sessionOf(args.connection);
    const options: RunOptions = {
      ...(args.users ? { users: args.users } : {}),
      machine: args.machine === false ? false : { ...vscodeProxySettings(), ...args.machine },
    };
    last = args;
    model.setRunning(true);
    inFlight = (async () => {
      try {
        const report = await withProgress(t('Checking the prerequisites of "{0}"…', session.connection.name), () =>
          checkPrerequisites(session.api, options),
        );
        model.setReport(session.connection.name, report, session.data);
        const { pass, warn, fail, unknown } = report.summary;
        ctx.log.info(
          `prerequisites of ${session.connection.name}: ${pass} pass, ${warn} warn, ${fail} fail, ${unknown} unknown (${report.durationMs} ms)`,
        );
        return report;
      } finally {
        inFlight = undefined;
        model.setRunning(false);
      }
    })();
    return inFlight;
  };

  return {
    'starface.checkPrerequisites': guarded(ctx, 'checkPrerequisites', async (args?: CheckArgs) => {
      // From the view's title menu VS Code passes nothing; from a tree item it passes the node: neither is options.
      const options = args && !isNode(args) && typeof args === 'object' ? args : {};
      const report = await run(options);
      // Run from the palette, the view may be hidden: show where the results are.
      if (!args) void vscode.commands.executeCommand('starface.prerequisites.focus');
      return report;
    }),

    'starface.applyPrerequisiteFix': guarded(ctx, 'applyPrerequisiteFix', async (arg?: PrerequisiteNode | FixArgs) => {
      if (!model.report || model.connection === undefined)
        throw new UserFacingError(t('Run the prerequisites check first.'));
      // A fix from an outdated report may no longer fit the PBX: refuse it and offer a fresh check.
      if (model.stale) {
        const again = t('Run the check again');
        void vscode.window
          .showWarningMessage(
            t(
              'The prerequisites report is outdated, so its fixes may no longer fit the PBX. Run the check again, then apply the fix.',
            ),
            again,
          )
          .then((a) => {
            if (a === again)
              void vscode.commands.executeCommand('starface.checkPrerequisites', {
                ...last,
                connection: model.connection,
              });
          });
        return undefined;
      }
      // The check offers only what this PBX's REST API can do (on a real STARFACE: granting rights).
      const session = sessionOf(model.connection);
      let fix: PrerequisiteFix | undefined;
      if (isNode(arg)) {
        if (arg.fixes.length === 0) throw new UserFacingError(t('Nothing here can be fixed automatically.'));
        if (arg.fixes.length === 1) fix = arg.fixes[0];
        else {
          const chosen = await vscode.window.showQuickPick(
            arg.fixes.map((f) => ({ label: fixLabel(f, vscode.env.language), fix: f })),
            { title: t('Which fix?') },
          );
          fix = chosen?.fix;
        }
      } else if (arg?.fix !== undefined) {
        const parsed = PrerequisiteFixSchema.safeParse(arg.fix);
        if (!parsed.success)
          throw new UserFacingError(
            t('Not a fix the prerequisites check offers: {0}', parsed.error.issues[0]?.message ?? ''),
          );
        fix = parsed.data;
      }
      if (!fix) return undefined;
      if (fix.kind === 'setPbxName' && !fix.pbxName) {
        // The check knew no FQDN for the PBX (its address is an IP or a short name): ask for one.
        const given =
          (!isNode(arg) ? arg?.pbxName : undefined) ??
          (await vscode.window.showInputBox({
            title: t('"Name der Anlage": the PBX\'s FQDN'),
            prompt: t('The fully qualified domain name of the PBX, e.g. pbx.example.com (R14)'),
            ignoreFocusOut: true,
            validateInput: (v) =>
              isFqdn(v.trim()) ? undefined : t('Enter a fully qualified domain name such as pbx.example.com'),
          }));
        if (given === undefined) return undefined;
        if (!isFqdn(given.trim()))
          throw new UserFacingError(t('"{0}" is not a fully qualified domain name.', given.trim()));
        fix = { ...fix, pbxName: given.trim() };
      }
      const label = fixLabel(fix, vscode.env.language);
      const confirm = isNode(arg) || arg?.confirm !== false;
      if (confirm) {
        const apply = t('Apply');
        const answer = await vscode.window.showWarningMessage(
          t('Apply this fix on "{0}"?', session.connection.name),
          { modal: true, detail: label },
          apply,
        );
        if (answer !== apply) return undefined;
      }
      await withProgress(label, () => applyFix(session.api, fix));
      ctx.log.info(`prerequisite fix on ${session.connection.name}: ${JSON.stringify(fix)}`);
      await session.refresh();
      return run({ ...last, connection: session.connection.name }, true);
    }),

    'starface.rehearseTeamsSignIn': guarded(ctx, 'rehearseTeamsSignIn', async (arg?: RehearsalArgs) => {
      const args = arg && typeof arg === 'object' && !isNode(arg) ? arg : {};
      const session = readySession(ctx);
      requireOperation(session, 'teamsLogin', t('the STARFACE App in Microsoft Teams'));
      const configs = (session.data!.configurations ?? []).map((c) => c.configuration);
      const inUse = [...configs].sort((a, b) => a.id - b.id).find((c) => c.active) ?? configs[0];

      const pbxName =
        args.pbxName ??
        (await vscode.window.showInputBox({
          title: t('Teams sign-in rehearsal (1/4): "Name der Anlage"'),
          prompt: t('The PBX name the user types into the STARFACE App in Teams (R14, R21)'),
          value: inUse?.pbxName ?? '',
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? undefined : t('Enter the PBX name')),
        }));
      if (pbxName === undefined) return undefined;

      let key = args.key;
      let keyFile = args.keyFile;
      if (args.keyFileUri) keyFile = await readText(args.keyFileUri);
      if (key === undefined && keyFile === undefined && args.currentKey)
        keyFile = await currentKeyFile(session, inUse?.id);
      if (key === undefined && keyFile === undefined) {
        const items = [
          ...(inUse?.keyFingerprint
            ? [
                {
                  label: t('Key file of "{0}"', inUse.name),
                  description: t('fetched from the simulator; the key is not shown'),
                  source: 'current' as const,
                },
              ]
            : []),
          { label: t('Open a key file…'), description: t('as dropped into the Teams app'), source: 'file' as const },
          { label: t('Type the key…'), description: t('as typed into the Teams app'), source: 'typed' as const },
        ];
        const chosen = await vscode.window.showQuickPick(items, {
          title: t('Teams sign-in rehearsal (2/4): key or key file'),
          ignoreFocusOut: true,
        });
        if (!chosen) return undefined;
        if (chosen.source === 'current') keyFile = await currentKeyFile(session, inUse?.id);
        else if (chosen.source === 'file') {
          const uri = (
            await vscode.window.showOpenDialog({
              title: t('Open a STARFACE key file'),
              filters: { [t('STARFACE key file')]: ['json'] },
            })
          )?.[0];
          if (!uri) return undefined;
          keyFile = await readText(uri);
        } else {
          key = await vscode.window.showInputBox({
            title: t('Teams sign-in rehearsal (2/4): key'),
            password: true,
            ignoreFocusOut: true,
            validateInput: (v) => (v.trim() ? undefined : t('Enter the key')),
          });
          if (key === undefined) return undefined;
          key = key.trim();
        }
      }

      const login =
        args.login ??
        (await vscode.window.showInputBox({
          title: t('Teams sign-in rehearsal (3/4): STARFACE login'),
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? undefined : t('Enter a login')),
        }));
      if (login === undefined) return undefined;
      const password =
        args.password ??
        (await vscode.window.showInputBox({
          title: t('Teams sign-in rehearsal (4/4): password of {0}', login.trim()),
          password: true,
          ignoreFocusOut: true,
        }));
      if (!password) return undefined;

      const outcome = await withProgress(t('Rehearsing the Teams sign-in of {0}…', login.trim()), () =>
        rehearseSignIn(
          session.api,
          {
            pbxName: pbxName.trim(),
            login: login.trim(),
            password,
            ...(keyFile !== undefined ? { keyFile } : { key: key ?? '' }),
          },
          session.data?.users ?? [],
        ),
      );
      model.setRehearsal(outcome);
      ctx.log.info(
        `Teams sign-in rehearsal of ${outcome.login}: ${outcome.ok ? 'signed in' : `refused (${outcome.results.map((r) => `${r.id} ${r.status}`).join(', ')})`}`,
      );
      if (!args.quiet) {
        const language = vscode.env.language;
        const message = (r: PrerequisiteResult) => (r.i18n ? pick(r.i18n.message, language) : r.message);
        if (outcome.ok) void vscode.window.showInformationMessage(message(outcome.results[0]!));
        else {
          const detail = outcome.results
            .map((r) => `✗ ${r.id}: ${message(r)}\n   ${t('Guide: „{0}“', r.guide)}`)
            .join('\n');
          void vscode.window.showWarningMessage(t('The Teams sign-in of {0} is refused.', outcome.login), {
            modal: true,
            detail,
          });
        }
      }
      return outcome;
    }),

    'starface.exportPrerequisitesReport': guarded(ctx, 'exportPrerequisitesReport', async (args?: ExportArgs) => {
      const report = model.report;
      if (!report) throw new UserFacingError(t('Run the prerequisites check first.'));
      const options = args && !isNode(args) ? args : {};
      let format = options.format;
      let target = typeof options.uri === 'string' ? vscode.Uri.file(options.uri) : options.uri;
      if (!format && target) format = /\.html?$/i.test(target.path) ? 'html' : 'markdown';
      if (!format) {
        const chosen = await vscode.window.showQuickPick(
          [
            { label: 'Markdown', description: '.md', format: 'markdown' as const },
            { label: 'HTML', description: '.html', format: 'html' as const },
          ],
          { title: t('Export the prerequisites report as') },
        );
        if (!chosen) return undefined;
        format = chosen.format;
      }
      const ext = format === 'html' ? 'html' : 'md';
      target ??= await vscode.window.showSaveDialog({
        title: t('Export the prerequisites report'),
        defaultUri: vscode.Uri.joinPath(
          vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.env.HOME ?? '/'),
          `starface-prerequisites.${ext}`,
        ),
        filters: format === 'html' ? { HTML: ['html', 'htm'] } : { Markdown: ['md'] },
      });
      if (!target) return undefined;
      const text = format === 'html' ? reportToHtml(report) : reportToMarkdown(report);
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
      ctx.log.info(`prerequisites report exported to ${target.fsPath}`);
      if (!options.uri) {
        const open = t('Open');
        void vscode.window.showInformationMessage(t('Report saved to {0}.', target.fsPath), open).then((a) => {
          if (a === open) void vscode.commands.executeCommand('vscode.open', target);
        });
      }
      return target.fsPath;
    }),
  };
}
