import * as vscode from 'vscode';
import { isFqdn } from '../../../shared/schemas/common.js';
import type { PrerequisiteFix } from '../../../shared/schemas/prerequisites.js';
import type { WalkthroughModel } from '../model/walkthroughModel.js';
import { fixLabel } from '../model/tree/prerequisitesModel.js';
import { applyFix } from '../prerequisites/fixes.js';
import { pick } from '../text/i18n.js';
import { isStepId, stepById, STEP_IDS, type StepId, type StepState } from '../walkthrough/steps.js';
import { WALKTHROUGH_ID } from '../vscode/walkthrough.js';
import { guarded, UserFacingError, withProgress, type CommandContext, type CommandTable } from './context.js';

const t = vscode.l10n.t;

/** Where a Teams app is distributed to an organisation (R20); no API shows it. */
const TEAMS_ADMIN_CENTER = 'https://admin.teams.microsoft.com/policies/manage-apps';

/** What the walkthrough's step commands accept: the step id (as its buttons pass it) or options (tests). */
export type StepArg = StepId | { step: StepId; confirm?: boolean; pbxName?: string };

/** The step names for quick picks and messages (the walkthrough itself shows package.nls titles). */
function stepName(id: StepId): string {
  switch (id) {
    case 'version':
      return t('PBX version');
    case 'licences':
      return t('Licences');
    case 'rights':
      return t('Rights');
    case 'desktopApp':
      return t('Desktop app');
    case 'module':
      return t('Import the module');
    case 'configuration':
      return t('One active configuration');
    case 'mode':
      return t('Mode "Vollständige Integration"');
    case 'pbxName':
      return t('PBX name');
    case 'key':
      return t('Key and key file');
    case 'autoprovisioning':
      return t('Autoprovisioning');
    case 'connector':
      return t('Restart the UCI connector');
    case 'teamsApp':
      return t('Install the Teams app');
    case 'signIn':
      return t('Sign in to Teams');
  }
}

const stepTitle = (id: StepId) => `${STEP_IDS.indexOf(id) + 1}. ${stepName(id)}`;

function statusName(status: StepState['status']): string {
  switch (status) {
    case 'done':
      return t('done');
    case 'open':
      return t('to do');
    case 'unknown':
      return t('cannot be judged');
  }
}

const statusMark = (s: string) => (s === 'pass' ? '✓' : s === 'fail' || s === 'warn' ? '✗' : '?');

/** The step's rule results, one line each, in the UI language. */
function describe(state: StepState): string {
  const language = vscode.env.language;
  return state.results
    .map((r) => {
      const who = r.login ? ` (${r.login})` : '';
      const fix = r.fix && r.status !== 'pass' ? `\n   ${pick(r.fix, language)}` : '';
      return `${statusMark(r.status)} ${r.id}${who}: ${pick(r.message, language)}${fix}`;
    })
    .join('\n');
}

export function walkthroughCommands(ctx: CommandContext, model: WalkthroughModel, extensionId: string): CommandTable {
  const chooseStep = async (arg: unknown): Promise<{ id: StepId; confirm: boolean; pbxName?: string } | undefined> => {
    if (isStepId(arg)) return { id: arg, confirm: true };
    if (arg && typeof arg === 'object' && isStepId((arg as { step?: unknown }).step)) {
      const a = arg as { step: StepId; confirm?: boolean; pbxName?: string };
      return { id: a.step, confirm: a.confirm !== false, ...(a.pbxName ? { pbxName: a.pbxName } : {}) };
    }
    const picked = await vscode.window.showQuickPick(
      model.states.map((s) => ({ label: stepTitle(s.id), description: statusName(s.status), id: s.id })),
      { title: t('Which step of the walkthrough?') },
    );
    return picked && { id: picked.id, confirm: true };
  };

  const openAdminUi = async (id: StepId): Promise<string | undefined> => {
    const step = stepById(id);
    const where = pick(step.where, vscode.env.language);
    if (step.place === 'teams') {
      await vscode.env.openExternal(vscode.Uri.parse(TEAMS_ADMIN_CENTER));
      return TEAMS_ADMIN_CENTER;
    }
    const session = model.session;
    if (!session) throw new UserFacingError(t('Sign in to a PBX first.'));
    if (session.data?.simulator) {
      // The simulator has no admin UI: its PBX tree shows the same, and the step's fix does what the page does.
      void vscode.window.showInformationMessage(
        t(
          'The simulator has no admin UI; on a real STARFACE this is done under {0}. The STARFACE view shows it.',
          where,
        ),
      );
      void vscode.commands.executeCommand('starface.pbx.focus');
      return undefined;
    }
    const url = new URL('/', session.connection.url).toString();
    void vscode.window.showInformationMessage(t('In the admin UI of "{0}": {1}', session.connection.name, where));
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  };

  /** A fix that needs the PBX's FQDN (R14) the check did not know: asked for, or taken from the arguments. */
  const completeFix = async (
    fix: PrerequisiteFix,
    pbxName: string | undefined,
  ): Promise<PrerequisiteFix | undefined> => {
    if (fix.kind !== 'setPbxName' || fix.pbxName) return fix;
    const given =
      pbxName ??
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
    return { ...fix, pbxName: given.trim() };
  };

  return {
    'starface.openWalkthrough': guarded(ctx, 'openWalkthrough', async () => {
      await vscode.commands.executeCommand(
        'workbench.action.openWalkthrough',
        `${extensionId}#${WALKTHROUGH_ID}`,
        false,
      );
    }),

    'starface.walkthrough.showStep': guarded(ctx, 'walkthrough.showStep', async (arg?: StepArg) => {
      const chosen = await chooseStep(arg);
      if (!chosen) return undefined;
      const state = model.state(chosen.id);
      const fix = t('Fix');
      const where = t('Where in the admin UI');
      const actions = [...(state.fixes.length ? [fix] : []), where];
      const fixes = state.fixes.map((f) => `🔧 ${fixLabel(f, vscode.env.language)}`);
      const detail = [
        describe(state),
        t('Where: {0}', pick(stepById(chosen.id).where, vscode.env.language)),
        ...(fixes.length ? [fixes.join('\n')] : []),
      ].join('\n\n');
      const title = `${stepTitle(chosen.id)}: ${statusName(state.status)}`;
      if (state.status === 'done') {
        void vscode.window.showInformationMessage(title);
        return state;
      }
      void vscode.window.showWarningMessage(title, { modal: true, detail }, ...actions).then((a) => {
        if (a === fix) void vscode.commands.executeCommand('starface.walkthrough.fixStep', chosen.id);
        if (a === where) void vscode.commands.executeCommand('starface.walkthrough.openAdminUi', chosen.id);
      });
      return state;
    }),

    'starface.walkthrough.openAdminUi': guarded(ctx, 'walkthrough.openAdminUi', async (arg?: StepArg) => {
      const chosen = await chooseStep(arg);
      return chosen && openAdminUi(chosen.id);
    }),

    /**
     * Does what the step asks through the PBX's API: the prerequisites check's fixes for the step's failing rules,
     * in order. The tick follows from the PBX's events, not from this command.
     */
    'starface.walkthrough.fixStep': guarded(ctx, 'walkthrough.fixStep', async (arg?: StepArg) => {
      const chosen = await chooseStep(arg);
      if (!chosen) return undefined;
      const session = model.session;
      if (!session) throw new UserFacingError(t('Sign in to a PBX first.'));
      if (chosen.id === 'signIn') return vscode.commands.executeCommand('starface.rehearseTeamsSignIn');
      await model.reload();
      const state = model.state(chosen.id);
      if (state.status === 'done') {
        void vscode.window.showInformationMessage(t('{0}: already done.', stepTitle(chosen.id)));
        return [];
      }
      let fixes = state.fixes;
      // R12 with several active configurations: which one stays active is the admin's choice.
      const keep = fixes.filter((f) => f.kind === 'keepConfiguration');
      if (keep.length > 1) {
        const picked = await vscode.window.showQuickPick(
          keep.map((f) => ({ label: fixLabel(f, vscode.env.language), fix: f })),
          { title: t('Which fix?') },
        );
        if (!picked) return undefined;
        fixes = [...fixes.filter((f) => f.kind !== 'keepConfiguration'), picked.fix];
      }
      if (fixes.length === 0) {
        const where = t('Where in the admin UI');
        void vscode.window
          .showWarningMessage(
            t('{0}: nothing here can be done through the API of "{1}".', stepTitle(chosen.id), session.connection.name),
            { modal: true, detail: describe(state) },
            where,
          )
          .then((a) => {
            if (a === where) void openAdminUi(chosen.id);
          });
        return [];
      }
      const complete: PrerequisiteFix[] = [];
      for (const f of fixes) {
        const done = await completeFix(f, chosen.pbxName);
        if (!done) return undefined;
        complete.push(done);
      }
      const labels = complete.map((f) => fixLabel(f, vscode.env.language));
      if (chosen.confirm) {
        const apply = t('Apply');
        const answer = await vscode.window.showWarningMessage(
          t('Apply this fix on "{0}"?', session.connection.name),
          { modal: true, detail: labels.join('\n') },
          apply,
        );
        if (answer !== apply) return undefined;
      }
      await withProgress(stepTitle(chosen.id), async () => {
        for (const f of complete) await applyFix(session.api, f);
      });
      ctx.log.info(`walkthrough step ${chosen.id} on ${session.connection.name}: ${JSON.stringify(complete)}`);
      // A real STARFACE sends no events for these changes: read it again once, as after any fix.
      await session.refresh();
      return complete;
    }),
  };
}
