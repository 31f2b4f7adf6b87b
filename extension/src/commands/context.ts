import * as vscode from 'vscode';
import type { Connection } from '../../../shared/schemas/connection.js';
import type { PbxSession } from '../model/pbxSession.js';
import type { SessionManager } from '../model/sessions.js';
import type { TreeNode } from '../model/tree/pbxTreeModel.js';
import { errorText } from '../text/errorText.js';
import type { SimulatorHost } from '../vscode/simulatorHost.js';
import type { ClientSecretStore, PasswordStore } from '../vscode/secrets.js';
import { API, type EndpointId } from '../../../shared/api.js';

export interface CommandContext {
  sessions: SessionManager;
  passwords: PasswordStore;
  /** OAuth client secrets (STARFACE 10), per connection. */
  clientSecrets: ClientSecretStore;
  log: vscode.LogOutputChannel;
  simulator: SimulatorHost;
  readConnections(): Connection[];
  writeConnections(connections: Connection[]): Promise<void>;
}

/** Thrown for a message the user should read as it is (no stack, no "Error:"). */
export class UserFacingError extends Error {}

/** The node's connection, else the selected one; refuses when there is none. */
export function sessionFor(ctx: CommandContext, node?: TreeNode): PbxSession {
  const session = node ? ctx.sessions.get(node.ref.connection) : ctx.sessions.selected;
  if (!session)
    throw new UserFacingError(vscode.l10n.t('No STARFACE connection: add one or start the local simulator first.'));
  return session;
}

export function readySession(ctx: CommandContext, node?: TreeNode): PbxSession {
  const session = sessionFor(ctx, node);
  if (session.state !== 'ready' || !session.data)
    throw new UserFacingError(vscode.l10n.t('Sign in to "{0}" first.', session.connection.name));
  return session;
}

/**
 * Refuses a command whose REST operation the connected PBX does not offer: the table's `real` flag says which
 * operations only the simulator has; on a real STARFACE the user is sent to `where` in its admin UI instead.
 */
export function requireOperation(session: PbxSession, id: EndpointId, where: string): void {
  if (API[id].real) return;
  if (!session.data?.simulator) {
    throw new UserFacingError(
      vscode.l10n.t(
        '"{0}" is a real STARFACE: its REST API does not offer this; use {1}.',
        session.connection.name,
        where,
      ),
    );
  }
}

/** Runs a command body: errors become one clear message (and a log line), never a stack trace. */
export function guarded<A extends unknown[], R>(ctx: CommandContext, name: string, body: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R | undefined> => {
    try {
      return await body(...args);
    } catch (err) {
      ctx.log.error(`${name}: ${(err as Error).message || String(err)}`);
      void vscode.window.showErrorMessage(errorText(err, vscode.l10n.t));
      return undefined;
    }
  };
}

export function withProgress<T>(
  title: string,
  task: () => Promise<T>,
  location = vscode.ProgressLocation.Notification,
): Thenable<T> {
  return vscode.window.withProgress({ location, title }, task);
}

/** Command id → handler. Handlers take what VS Code passes: a tree node from menus, or options from tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- registerCommand's own callback type
export type CommandTable = Record<string, (...args: any[]) => unknown>;
