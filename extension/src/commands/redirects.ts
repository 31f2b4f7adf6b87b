import * as vscode from 'vscode';
import type { TreeNode } from '../model/tree/pbxTreeModel.js';
import { needsTarget, setRedirectEnabled } from '../pbx/groupsSnapshot.js';
import { guarded, readySession, UserFacingError, type CommandContext, type CommandTable } from './context.js';

const t = vscode.l10n.t;

/** Options tests (and other callers) pass instead of a tree node. */
interface RedirectOptions {
  connection?: string;
  userId?: number;
  redirectId?: string;
  /** The number to forward to when the redirection has none yet (else the user is asked). */
  phoneNumber?: string;
}

/**
 * Enable / Disable Redirect on a redirect node: the redirection is read and PUT back with `enabled` changed,
 * on behalf of its user when that is not the signed-in one (an administrator's session). A refusal of the PBX
 * (the user lacks "Umleitung", a real PBX without the right for this sign-in) is shown as its message.
 */
export function redirectCommands(ctx: CommandContext): CommandTable {
  const setEnabled = (enabled: boolean) =>
    guarded(ctx, enabled ? 'enableRedirect' : 'disableRedirect', async (node?: TreeNode, opts?: RedirectOptions) => {
      const session = readySession(
        ctx,
        node ?? (opts?.connection ? ({ ref: { connection: opts.connection } } as TreeNode) : undefined),
      );
      const redirectId = opts?.redirectId ?? node?.ref.redirectId;
      const userId = opts?.userId ?? node?.ref.userId;
      if (redirectId === undefined) throw new UserFacingError(t('Choose a redirect in the STARFACE tree.'));
      const user = session.data!.users.find((u) => u.id === userId);
      const onBehalfOf = user && user.login !== session.connection.login ? user.login : undefined;
      let phoneNumber = opts?.phoneNumber;
      if (enabled && phoneNumber === undefined) {
        const query = onBehalfOf === undefined ? undefined : { actOnBehalfOf: onBehalfOf };
        const current = await session.api.client.call('redirectsRedirectIdGet', { params: { redirectId }, query });
        if (needsTarget(current)) {
          phoneNumber = await vscode.window.showInputBox({
            title: t('Forward to which number?'),
            value: current.lastPhoneNumberDestination?.phoneNumber ?? '',
            validateInput: (v) =>
              /^\+?[0-9*#]{1,32}$/.test(v.trim()) ? undefined : t('A phone number: digits, an optional leading +'),
          });
          if (phoneNumber === undefined) return undefined;
          phoneNumber = phoneNumber.trim();
        }
      }
      await setRedirectEnabled(session.api, redirectId, enabled, onBehalfOf, phoneNumber);
      await session.refresh();
      return true;
    });

  return {
    'starface.enableRedirect': setEnabled(true),
    'starface.disableRedirect': setEnabled(false),
  };
}
