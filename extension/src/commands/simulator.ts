import * as vscode from 'vscode';
import { z } from 'zod';
import { brokenDescription, BUILTIN_NAMES, STARFACE_10_SCENARIO } from '../../../shared/scenarios.js';
import { pick } from '../text/i18n.js';
import { LocalSimulator } from '../simulator/localSimulator.js';
import { guarded, UserFacingError, withProgress, type CommandContext, type CommandTable } from './context.js';

const t = vscode.l10n.t;
export const SIMULATOR_CONNECTION = 'Local simulator';

function describe(name: string): string {
  if (name === 'demo') return t('1001 fully set up, 1002 lacks the Teams right, 1003 has no licences');
  if (name === 'fresh') return t('only the admin: nothing installed');
  if (name === STARFACE_10_SCENARIO)
    return t('the demo on STARFACE 10: OAuth sign-in for admin, 1001 and 1002; 1003 lacks the OAuth right');
  const id = name.replace('broken-r', 'R');
  const broken = brokenDescription(id);
  return t('the demo with {0} unmet: {1}', id, broken ? pick(broken, vscode.env.language) : '');
}

async function askScenario(): Promise<{ scenario: string | undefined } | undefined> {
  type Pick = vscode.QuickPickItem & { value?: string; file?: boolean; keep?: boolean };
  const items: Pick[] = [
    { label: t('Continue with the stored PBX'), description: t('keeps every change of the last run'), keep: true },
    ...BUILTIN_NAMES.map((name) => ({ label: name, description: describe(name), value: name })),
    { label: t('Scenario file…'), description: t('a JSON scenario (see README)'), file: true },
  ];
  const chosen = await vscode.window.showQuickPick(items, {
    title: t('Start the local STARFACE simulator'),
    placeHolder: t('Choose a scenario; a scenario replaces the stored PBX'),
  });
  if (!chosen) return undefined;
  if (chosen.keep) return { scenario: undefined };
  if (chosen.file) {
    const files = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { [t('Scenario')]: ['json'] },
      title: t('Scenario file'),
    });
    return files?.[0] ? { scenario: files[0].fsPath } : undefined;
  }
  return { scenario: chosen.value };
}

/**
 * What a caller (a test, a walkthrough) may pass to skip the scenario question. Strict, because the view's title
 * button passes the focused tree node instead, which must lead to the question, never to a start with `demo`
 * (that would replace the stored PBX).
 */
const StartOptionsSchema = z.strictObject({ scenario: z.string().min(1).optional(), keep: z.boolean().optional() });

/** What a test may pass to the story command: a speed (a test plays it fast). */
const StoryOptionsSchema = z.strictObject({ speed: z.number().positive().max(1000).optional() });

export function simulatorCommands(ctx: CommandContext): CommandTable {
  return {
    'starface.startSimulator': guarded(ctx, 'startSimulator', async (arg?: unknown) => {
      const given = arg === undefined || arg === null ? undefined : StartOptionsSchema.safeParse(arg);
      const opts = given?.success ? given.data : undefined;
      if (given && !given.success)
        ctx.log.debug('startSimulator: the argument is no start options; asking for the scenario');
      const choice = opts ? { scenario: opts.keep ? undefined : (opts.scenario ?? 'demo') } : await askScenario();
      if (!choice) return undefined;
      let password = await ctx.passwords.get(SIMULATOR_CONNECTION);
      if (!password) {
        password = LocalSimulator.newPassword();
        await ctx.passwords.store(SIMULATOR_CONNECTION, password);
      }
      const secret = password;
      const ready = await withProgress(t('Starting the STARFACE simulator…'), () =>
        ctx.simulator.start(choice.scenario, secret),
      );
      // With TLS the ready line names its CA; the connection is https whatever scheme the line writes.
      const url = (ready.ca ? ready.rest.replace(/^http:/, 'https:') : ready.rest).replace(/\/rest$/, '');
      const others = ctx.readConnections().filter((c) => c.name !== SIMULATOR_CONNECTION);
      await ctx.writeConnections([
        ...others,
        { name: SIMULATOR_CONNECTION, url, login: 'admin', kind: 'simulator', auth: 'auto' },
      ]);
      ctx.sessions.setConnections(ctx.readConnections());
      const session = ctx.sessions.get(SIMULATOR_CONNECTION)!;
      await session.signIn(secret);
      ctx.sessions.select(SIMULATOR_CONNECTION);
      ctx.log.info(
        `simulator started at ${ready.rest} (scenario ${choice.scenario ?? 'stored'}, data ${ctx.simulator.dataDir})`,
      );
      return ready.rest;
    }),
    'starface.playDemoStory': guarded(ctx, 'playDemoStory', async (arg?: unknown) => {
      const session = ctx.sessions.get(SIMULATOR_CONNECTION);
      if (!session || session.state !== 'ready')
        throw new UserFacingError(t('Start the local simulator first: the demo story plays on it.'));
      const given = StoryOptionsSchema.safeParse(arg ?? {});
      const speed = given.success ? given.data.speed : undefined;
      const client = session.api.client;
      const pause = t('Pause');
      const resume = t('Resume');
      const stop = t('Stop');
      const current = await client.call('getStory');
      if (current.state !== 'idle') {
        // One story at a time: the command steers the one playing instead.
        const toggle = current.state === 'playing' ? pause : resume;
        const action = await vscode.window.showInformationMessage(
          t('The story "{0}" is at step {1} of {2}.', current.story ?? '', current.step ?? 0, current.steps ?? 0),
          toggle,
          stop,
        );
        if (action === toggle) await client.call('putStory', { body: { paused: current.state === 'playing' } });
        else if (action === stop) await client.call('deleteStory');
        return current.state;
      }
      const started = await client.call('postStory', { body: { name: 'demo', ...(speed && { speed }) } });
      ctx.log.info(`demo story started (${started.steps} steps)`);
      void vscode.window
        .showInformationMessage(
          t('Playing the demo story ({0} steps): the inspector narrates it, the tree follows.', started.steps ?? 0),
          pause,
          stop,
        )
        .then(async (action) => {
          if (action === pause) await client.call('putStory', { body: { paused: true } }).catch(() => undefined);
          else if (action === stop) await client.call('deleteStory').catch(() => undefined);
        });
      return started.state;
    }),
    'starface.stopSimulator': guarded(ctx, 'stopSimulator', async () => {
      await ctx.sessions.get(SIMULATOR_CONNECTION)?.signOut();
      await ctx.simulator.stop();
      ctx.log.info('simulator stopped');
      return true;
    }),
  };
}
