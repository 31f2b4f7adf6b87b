import * as vscode from 'vscode';
import type { TreeNode } from '../model/tree/pbxTreeModel.js';
import { isLocalSimulator, softphoneSettings } from '../model/tree/simulatorNode.js';
import type { PbxTreeProvider } from '../views/pbxTreeProvider.js';
import { guarded, readySession, UserFacingError, type CommandContext, type CommandTable } from './context.js';
import { SIMULATOR_CONNECTION } from './simulator.js';
import { pickUser } from './users.js';
import { PbxError } from '../pbx/restClient.js';

const t = vscode.l10n.t;

/** The actions of the "Simulator" node: the admin password (reveal, hide, copy) and a user's softphone settings. */
export function simulatorNodeCommands(ctx: CommandContext, tree: PbxTreeProvider): CommandTable {
  const adminPassword = async (): Promise<string> => {
    const password = ctx.simulator.running ? await ctx.passwords.get(SIMULATOR_CONNECTION) : undefined;
    if (!password)
      throw new UserFacingError(
        t('The local simulator is not running: start it with "STARFACE: Start Local Simulator".'),
      );
    return password;
  };
  return {
    'starface.revealSimulatorPassword': guarded(ctx, 'revealSimulatorPassword', async () => {
      await adminPassword();
      tree.setAdminPasswordRevealed(true);
      return true;
    }),
    'starface.hideSimulatorPassword': guarded(ctx, 'hideSimulatorPassword', async () => {
      tree.setAdminPasswordRevealed(false);
      return true;
    }),
    'starface.copySimulatorPassword': guarded(ctx, 'copySimulatorPassword', async () => {
      await vscode.env.clipboard.writeText(await adminPassword());
      void vscode.window.setStatusBarMessage(t('Admin password copied'), 3000);
      return true;
    }),
    // Read from the simulator as its admin (the local simulator's connection signs in as admin) when asked.
    'starface.copyOAuthClientSecret': guarded(ctx, 'copyOAuthClientSecret', async (node?: TreeNode) => {
      const session = readySession(ctx, node);
      if (!session.data?.simulator)
        throw new UserFacingError(
          t(
            '"{0}" is a real STARFACE: its client secret is in the admin UI under Server › Status › REST-API.',
            session.connection.name,
          ),
        );
      let info;
      try {
        info = await session.api.client.call('getOAuthClient');
      } catch (err) {
        if (err instanceof PbxError && err.isNotFound)
          throw new UserFacingError(
            t(
              'The simulator "{0}" reports version {1}: OAuth comes with STARFACE 10 (scenario "starface-10").',
              session.connection.name,
              session.data.version,
            ),
          );
        throw err;
      }
      await vscode.env.clipboard.writeText(info.clientSecret);
      void vscode.window.setStatusBarMessage(t('OAuth client secret copied'), 3000);
      return true;
    }),
    'starface.copySoftphoneSettings': guarded(ctx, 'copySoftphoneSettings', async (node?: TreeNode) => {
      const session = readySession(ctx, node);
      const addresses = ctx.simulator.addresses;
      if (!isLocalSimulator(session.connection, addresses)) {
        throw new UserFacingError(
          t(
            'Softphone settings are known for the simulator this window runs only; "{0}" is not it.',
            session.connection.name,
          ),
        );
      }
      const userId =
        node?.ref.userId ??
        (await pickUser(
          session.data!.users.filter((u) => u.login !== 'admin'),
          t('Copy the softphone settings of which user?'),
        ));
      if (userId === undefined) return undefined;
      const creds = await session.api.credentials();
      const user = creds.users.find((u) => u.userId === userId);
      if (!user) throw new UserFacingError(t('The simulator has no SIP account for this user.'));
      const text = softphoneSettings(user, creds.sipRealm, addresses!, t);
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage(t('Softphone settings of {0} copied', user.login), 3000);
      return text;
    }),
  };
}
