import * as vscode from 'vscode';
import type { TreeNode } from '../model/tree/pbxTreeModel.js';
import type { CertificateTrust } from '../vscode/certificates.js';
import { guarded, sessionFor, type CommandContext, type CommandTable } from './context.js';

const t = vscode.l10n.t;

/**
 * `starface.forgetCertificate`: drops the connection's pinned certificate, the way out of a CHANGED refusal once
 * the user knows the PBX really got a new certificate. The next request shows the certificate prompt again.
 */
export function certificateCommands(ctx: CommandContext, trust: CertificateTrust): CommandTable {
  return {
    'starface.forgetCertificate': guarded(ctx, 'forgetCertificate', async (node?: TreeNode) => {
      const session = sessionFor(ctx, node);
      const forgotten = await trust.forget(session.connection);
      void vscode.window.showInformationMessage(
        forgotten
          ? t(
              'The trusted certificate of "{0}" is forgotten: the next sign-in shows the certificate again.',
              session.connection.name,
            )
          : t('"{0}" has no trusted certificate to forget.', session.connection.name),
      );
      return forgotten;
    }),
  };
}
