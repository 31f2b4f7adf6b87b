import * as vscode from 'vscode';
import { ConnectionSchema, restBaseUrl, type Connection } from '../../../shared/schemas/connection.js';
import type { TreeNode } from '../model/treeModel.js';
import { guarded, sessionFor, UserFacingError, withProgress, type CommandContext, type CommandTable } from './context.js';

const t = vscode.l10n.t;

export interface ConnectionInput {
  name: string;
  url: string;
  login: string;
  password?: string;
  kind?: 'simulator' | 'pbx';
}

async function askConnection(existing?: Connection): Promise<ConnectionInput | undefined> {
  const url = await vscode.window.showInputBox({
    title: t('STARFACE address'),
    prompt: t('The PBX address as you would type it in a browser, e.g. https://pbx.example.com'),
    value: existing?.url,
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        restBaseUrl(v);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  if (!url) return undefined;
  const login = await vscode.window.showInputBox({ title: t('Login'), prompt: t('The STARFACE login (an administrator for everything the tree offers)'), value: existing?.login, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : t('Enter a login')) });
  if (!login) return undefined;
  const password = await vscode.window.showInputBox({ title: t('Password of {0}', login), password: true, ignoreFocusOut: true, prompt: t('Kept in VS Code\'s secret storage, never in settings') });
  if (password === undefined) return undefined;
  const name = existing?.name ?? (await vscode.window.showInputBox({ title: t('Name of this connection'), value: new URL(restBaseUrl(url)).host, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : t('Enter a name')) }));
  if (!name) return undefined;
  return { name: name.trim(), url: url.trim(), login: login.trim(), password };
}

export function connectionCommands(ctx: CommandContext): CommandTable {
  const save = async (input: ConnectionInput, replacing?: string) => {
    const connection = ConnectionSchema.parse({ name: input.name, url: input.url, login: input.login, kind: input.kind ?? 'pbx' });
    const list = ctx.readConnections().filter((c) => c.name !== (replacing ?? connection.name));
    if (replacing !== connection.name && list.some((c) => c.name === connection.name)) throw new UserFacingError(t('A connection named "{0}" exists already.', connection.name));
    await ctx.writeConnections([...list, connection]);
    if (input.password !== undefined) await ctx.passwords.store(connection.name, input.password);
    ctx.sessions.setConnections(ctx.readConnections());
    return connection;
  };

  const signInSession = async (session: ReturnType<typeof sessionFor>, given?: string): Promise<boolean> => {
    let password = given ?? (await ctx.passwords.get(session.connection.name));
    if (password === undefined) {
      password = await vscode.window.showInputBox({ title: t('Password of {0} on {1}', session.connection.login, session.connection.name), password: true, ignoreFocusOut: true });
      if (password === undefined) return false;
    }
    const secret = password;
    await withProgress(t('Signing in to {0}…', session.connection.name), () => session.signIn(secret), vscode.ProgressLocation.Window);
    await ctx.passwords.store(session.connection.name, secret);
    ctx.sessions.select(session.connection.name);
    ctx.log.info(`signed in to ${session.connection.name} as ${session.connection.login}`);
    return true;
  };

  return {
    'starface.addConnection': guarded(ctx, 'addConnection', async (input?: ConnectionInput) => {
      const value = input ?? (await askConnection());
      if (!value) return undefined;
      const connection = await save(value);
      ctx.sessions.select(connection.name);
      await signInSession(ctx.sessions.get(connection.name)!, value.password);
      return connection.name;
    }),
    'starface.editConnection': guarded(ctx, 'editConnection', async (node?: TreeNode, input?: ConnectionInput) => {
      const session = sessionFor(ctx, node);
      const value = input ?? (await askConnection(session.connection));
      if (!value) return undefined;
      await save({ ...value, kind: session.connection.kind }, session.connection.name);
      return value.name;
    }),
    'starface.removeConnection': guarded(ctx, 'removeConnection', async (node?: TreeNode, opts?: { confirmed?: boolean }) => {
      const session = sessionFor(ctx, node);
      const name = session.connection.name;
      if (!opts?.confirmed) {
        const remove = t('Remove');
        const answer = await vscode.window.showWarningMessage(t('Remove the connection "{0}" and its stored password?', name), { modal: true }, remove);
        if (answer !== remove) return false;
      }
      await ctx.writeConnections(ctx.readConnections().filter((c) => c.name !== name));
      await ctx.passwords.delete(name);
      ctx.sessions.setConnections(ctx.readConnections());
      return true;
    }),
    'starface.signIn': guarded(ctx, 'signIn', (node?: TreeNode, opts?: { password?: string }) => signInSession(sessionFor(ctx, node), opts?.password)),
    'starface.signOut': guarded(ctx, 'signOut', async (node?: TreeNode) => {
      const session = sessionFor(ctx, node);
      await session.signOut();
      return true;
    }),
    'starface.refresh': guarded(ctx, 'refresh', async (node?: TreeNode) => {
      const sessions = node ? [sessionFor(ctx, node)] : ctx.sessions.all;
      await withProgress(t('Refreshing STARFACE…'), () => Promise.all(sessions.map((s) => s.refresh())), vscode.ProgressLocation.Window);
      return true;
    }),
    'starface.selectConnection': guarded(ctx, 'selectConnection', async (name?: string) => {
      const names = ctx.sessions.all.map((s) => s.connection.name);
      const chosen = name ?? (await vscode.window.showQuickPick(names, { title: t('Select a STARFACE connection') }));
      if (!chosen) return undefined;
      ctx.sessions.select(chosen);
      return chosen;
    }),
  };
}
