import * as vscode from 'vscode';
import { API } from '../../../shared/api.js';
import { fillPath } from '../../../shared/api/endpoint.js';
import type { TreeNode } from '../model/tree/pbxTreeModel.js';
import { restResourceOf } from '../model/tree/restResource.js';
import {
  guarded,
  readySession,
  requireOperation,
  UserFacingError,
  type CommandContext,
  type CommandTable,
} from './context.js';

const t = vscode.l10n.t;

/** What the command did, for tests: the request it made and the document it opened. */
export interface OpenedRest {
  request: string;
  document: vscode.TextDocument;
}

/**
 * Open in REST: the REST answer behind a tree node, as a JSON document (untitled, nothing saved), so the fields
 * the tree leaves out are one click away. The request goes with the connection's session, like the tree's own.
 */
export function openInRestCommands(ctx: CommandContext): CommandTable {
  return {
    'starface.openInRest': guarded(ctx, 'openInRest', async (node?: TreeNode): Promise<OpenedRest> => {
      if (!node) throw new UserFacingError(t('Choose an item in the STARFACE tree.'));
      const session = readySession(ctx, node);
      const user = session.data!.users.find((u) => u.id === node.ref.userId);
      const onBehalfOf = user && user.login !== session.connection.login ? user.login : undefined;
      const resource = restResourceOf(node, onBehalfOf);
      if (!resource) throw new UserFacingError(t('This item has no REST resource of its own.'));
      // The simulator's own resources (its OpenAPI document, licences, module configurations) are not on a real PBX.
      requireOperation(session, resource.id, t('the STARFACE admin UI'));
      const e = API[resource.id];
      const path = fillPath(e, resource.params, resource.query);
      const answer = await session.api.client.request(e.method.toUpperCase(), path, { auth: e.access !== 'public' });
      const request = `${e.method.toUpperCase()} ${new URL(session.api.client.baseUrl).pathname.replace(/\/$/, '')}${path}`;
      ctx.log.info(`openInRest: ${request}`);
      const document = await vscode.workspace.openTextDocument({
        language: 'json',
        content: `${JSON.stringify(answer, null, 2)}\n`,
      });
      await vscode.window.showTextDocument(document, { preview: true });
      vscode.window.setStatusBarMessage(request, 10_000);
      return { request, document };
    }),
  };
}
