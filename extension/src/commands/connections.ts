import * as vscode from 'vscode';
import {
  ConnectionAuthSchema,
  ConnectionDetailsSchema,
  ConnectionSchema,
  restBaseUrl,
  type Connection,
  type ConnectionAuth,
  type ConnectionDetails,
} from '../../../shared/schemas/connection.js';
import type { TreeNode } from '../model/tree/pbxTreeModel.js';
import { OAUTH_CLIENT_SECRET_PATTERN } from '../../../shared/schemas/oauth.js';
import { PbxError } from '../pbx/restClient.js';
import {
  guarded,
  sessionFor,
  UserFacingError,
  withProgress,
  type CommandContext,
  type CommandTable,
} from './context.js';

const t = vscode.l10n.t;

/**
 * A command argument as connection details, or undefined for anything else: a view's title button passes the
 * focused tree node (or null), a menu may pass a URI. Only complete, valid details skip the prompts.
 */
export function connectionDetails(arg: unknown): ConnectionDetails | undefined {
  const parsed = ConnectionDetailsSchema.safeParse(arg);
  return parsed.success ? parsed.data : undefined;
}

/** What is wrong with a typed name, address or login, in the user's language; undefined when it will do. */
function fieldProblem(field: 'name' | 'url' | 'login', value: string): string | undefined {
  const parsed = ConnectionSchema.shape[field].safeParse(value.trim());
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'too_big') return t('At most {0} characters', Number(issue.maximum));
  return field === 'name'
    ? t('Enter a name')
    : field === 'login'
      ? t('Enter a login')
      : t('Enter the address of the PBX');
}

async function askConnection(existing?: Connection): Promise<ConnectionDetails | undefined> {
  const url = await vscode.window.showInputBox({
    title: t('STARFACE address'),
    prompt: t('The PBX address as you would type it in a browser, e.g. https://pbx.example.com'),
    value: existing?.url,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const problem = fieldProblem('url', v);
      if (problem) return problem;
      try {
        restBaseUrl(v);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  if (!url) return undefined;
  const login = await vscode.window.showInputBox({
    title: t('Login'),
    prompt: t('The STARFACE login (an administrator for everything the tree offers)'),
    value: existing?.login,
    ignoreFocusOut: true,
    validateInput: (v) => fieldProblem('login', v),
  });
  if (!login) return undefined;
  const password = await vscode.window.showInputBox({
    title: t('Password of {0}', login),
    password: true,
    ignoreFocusOut: true,
    prompt: t("Kept in VS Code's secret storage, never in settings"),
  });
  if (password === undefined) return undefined;
  const name =
    existing?.name ??
    (await vscode.window.showInputBox({
      title: t('Name of this connection'),
      value: new URL(restBaseUrl(url)).host,
      ignoreFocusOut: true,
      validateInput: (v) => fieldProblem('name', v),
    }));
  if (!name) return undefined;
  return { name: name.trim(), url: url.trim(), login: login.trim(), password };
}

/** Asks for the PBX's OAuth client secret; undefined when cancelled. Never shown, never logged. */
function askClientSecret(connection: string, refused: boolean): Thenable<string | undefined> {
  return vscode.window
    .showInputBox({
      title: t('OAuth client secret of {0}', connection),
      prompt: refused
        ? t('The PBX refused the client secret. Copy it again from the admin UI: Server › Status › REST-API.')
        : t(
            "The PBX's client secret for OAuth sign-in (admin UI: Server › Status › REST-API); kept in VS Code's secret storage",
          ),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) =>
        OAUTH_CLIENT_SECRET_PATTERN.test(v.trim()) ? undefined : t('32 letters and digits, as the admin UI shows it'),
    })
    .then((v) => v?.trim());
}

async function pickSignInMethod(connection: Connection): Promise<ConnectionAuth | undefined> {
  const items: (vscode.QuickPickItem & { method: ConnectionAuth })[] = [
    {
      method: 'auto',
      label: t('Automatic'),
      description: 'auto',
      detail: t('OAuth when the PBX offers it (STARFACE 10) and a client secret is stored, else the login handshake'),
    },
    {
      method: 'legacy',
      label: t('Login handshake'),
      description: 'legacy',
      detail: t('The authToken login every STARFACE takes (10 too, unless an external identity provider is attached)'),
    },
    {
      method: 'oauth',
      label: t('OAuth (STARFACE 10)'),
      description: 'oauth',
      detail: t('Password grant with the client secret; needs the right "API Zugriff mit OAuth Password Grant"'),
    },
  ];
  for (const item of items) if (item.method === connection.auth) item.picked = true;
  const chosen = await vscode.window.showQuickPick(items, {
    title: t('Sign-in method of {0} (now: {1})', connection.name, connection.auth),
  });
  return chosen?.method;
}

/** A new secret (string), forget the stored one (null), or keep what is stored (undefined). */
async function pickClientSecret(
  connection: string,
  stored: boolean,
  method: ConnectionAuth,
): Promise<string | null | undefined> {
  if (!stored && method === 'oauth') return askClientSecret(connection, false);
  const enter = { label: t('Enter the client secret…'), action: 'enter' as const };
  const keep = { label: t('Keep the stored client secret'), action: 'keep' as const };
  const forget = { label: t('Forget the stored client secret'), action: 'forget' as const };
  const skip = { label: t('No client secret (sign in with the login handshake)'), action: 'keep' as const };
  const chosen = await vscode.window.showQuickPick(stored ? [keep, enter, forget] : [skip, enter], {
    title: t('OAuth client secret of {0}', connection),
  });
  if (chosen?.action === 'enter') return askClientSecret(connection, false);
  return chosen?.action === 'forget' ? null : undefined;
}

export function connectionCommands(ctx: CommandContext): CommandTable {
  /** Writes the entry to the settings; the password is stored only once a sign-in has taken it. */
  const save = async (input: ConnectionDetails, replacing?: string): Promise<Connection> => {
    const parsed = ConnectionSchema.safeParse({
      name: input.name,
      url: input.url,
      login: input.login,
      kind: input.kind ?? 'pbx',
      auth: input.auth,
    });
    if (!parsed.success)
      throw new UserFacingError(
        t(
          'The connection details are not valid: {0}',
          [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', '),
        ),
      );
    const connection = parsed.data;
    const list = ctx.readConnections().filter((c) => c.name !== (replacing ?? connection.name));
    if (replacing !== connection.name && list.some((c) => c.name === connection.name))
      throw new UserFacingError(t('A connection named "{0}" exists already.', connection.name));
    await ctx.writeConnections([...list, connection]);
    ctx.sessions.setConnections(ctx.readConnections());
    return connection;
  };

  const askPassword = (session: ReturnType<typeof sessionFor>, refused: boolean) =>
    vscode.window.showInputBox({
      title: t('Password of {0} on {1}', session.connection.login, session.connection.name),
      prompt: refused
        ? t(
            'Sign-in as {0} failed: wrong login or password. Enter the password again, or press Escape to stay signed out.',
            session.connection.login,
          )
        : undefined,
      password: true,
      ignoreFocusOut: true,
    });

  /**
   * Signs in with the given password, else the stored one, else one asked for. A refused password is asked for
   * again; the stored one is replaced only by a password the PBX has taken, so cancelling keeps it. The OAuth
   * client secret (STARFACE 10) likewise: the given, else the stored one, asked for when `oauth` needs it or the
   * PBX refused it, and stored once the PBX has taken it.
   */
  const signInSession = async (
    session: ReturnType<typeof sessionFor>,
    given?: string,
    givenClientSecret?: string,
  ): Promise<boolean> => {
    const { name, login } = session.connection;
    const stored = await ctx.passwords.get(name);
    const storedClientSecret = await ctx.clientSecrets.get(name);
    let password = given ?? stored;
    let clientSecret = givenClientSecret ?? storedClientSecret;
    let refused = false;
    let secretRefused = false;
    for (;;) {
      if (clientSecret === undefined && (session.connection.auth === 'oauth' || secretRefused)) {
        clientSecret = await askClientSecret(session.connection.name, secretRefused);
        if (clientSecret === undefined) return false;
      }
      password ??= await askPassword(session, refused);
      if (password === undefined) {
        // The session keeps its failure: the tree and the status bar say that the password was refused.
        if (refused)
          ctx.log.info(`sign-in to ${name} cancelled after a refused password; the stored password is unchanged`);
        return false;
      }
      const secret = password;
      const oauthSecret = clientSecret;
      try {
        await withProgress(
          t('Signing in to {0}…', name),
          () => session.signIn(secret, { clientSecret: oauthSecret }),
          vscode.ProgressLocation.Window,
        );
      } catch (err) {
        if (err instanceof PbxError && err.isWrongClientSecret) {
          ctx.log.warn(`sign-in to ${name}: the PBX refused the OAuth client secret; asking for it`);
          secretRefused = true;
          clientSecret = undefined;
          continue;
        }
        if (!(err instanceof PbxError && err.isWrongCredentials)) throw err;
        ctx.log.warn(`sign-in to ${name} as ${login} refused (wrong login or password); asking again`);
        refused = true;
        password = undefined;
        continue;
      }
      if (secret !== stored) await ctx.passwords.store(name, secret);
      if (oauthSecret !== undefined && session.signInMethod === 'oauth' && oauthSecret !== storedClientSecret)
        await ctx.clientSecrets.store(name, oauthSecret);
      ctx.sessions.select(name);
      ctx.log.info(`signed in to ${name} as ${login}`);
      return true;
    }
  };

  return {
    // Details from a caller skip the prompts; from the view's "+" VS Code passes the focused tree node instead.
    'starface.addConnection': guarded(ctx, 'addConnection', async (arg?: unknown) => {
      const given = connectionDetails(arg);
      if (!given && arg !== undefined && arg !== null)
        ctx.log.debug('addConnection: the argument is no connection details; asking for them');
      const value = given ?? (await askConnection());
      if (!value) return undefined;
      const connection = await save(value);
      ctx.sessions.select(connection.name);
      const signedIn = await signInSession(ctx.sessions.get(connection.name)!, value.password, value.clientSecret);
      return signedIn ? connection.name : undefined;
    }),
    'starface.editConnection': guarded(ctx, 'editConnection', async (node?: TreeNode, input?: unknown) => {
      const session = sessionFor(ctx, node);
      const old = session.connection;
      const value = connectionDetails(input) ?? (await askConnection(old));
      if (!value) return undefined;
      const connection = await save({ ...value, kind: old.kind, auth: value.auth ?? old.auth }, old.name);
      if (connection.name !== old.name) {
        // The password and the client secret are keyed by the name: a renamed connection keeps them.
        for (const store of [ctx.passwords, ctx.clientSecrets]) {
          const kept = await store.get(old.name);
          if (kept !== undefined) await store.store(connection.name, kept);
          await store.delete(old.name);
        }
      }
      if (value.password !== undefined) await signInSession(ctx.sessions.get(connection.name)!, value.password);
      return connection.name;
    }),
    'starface.removeConnection': guarded(
      ctx,
      'removeConnection',
      async (node?: TreeNode, opts?: { confirmed?: boolean }) => {
        const session = sessionFor(ctx, node);
        const name = session.connection.name;
        if (!opts?.confirmed) {
          const remove = t('Remove');
          const answer = await vscode.window.showWarningMessage(
            t('Remove the connection "{0}" and its stored password?', name),
            { modal: true },
            remove,
          );
          if (answer !== remove) return false;
        }
        await ctx.writeConnections(ctx.readConnections().filter((c) => c.name !== name));
        await ctx.passwords.delete(name);
        await ctx.clientSecrets.delete(name);
        ctx.sessions.setConnections(ctx.readConnections());
        return true;
      },
    ),
    'starface.signIn': guarded(ctx, 'signIn', (node?: TreeNode, opts?: { password?: string; clientSecret?: string }) =>
      signInSession(sessionFor(ctx, node), opts?.password, opts?.clientSecret),
    ),
    'starface.chooseSignInMethod': guarded(
      ctx,
      'chooseSignInMethod',
      async (node?: TreeNode, given?: { method?: ConnectionAuth; clientSecret?: string | null }) => {
        const session = sessionFor(ctx, node);
        const { name } = session.connection;
        // From a menu VS Code may pass more than the node: only a method named right counts as a caller's choice.
        const opts = given && ConnectionAuthSchema.safeParse(given.method).success ? given : undefined;
        const method = opts?.method ?? (await pickSignInMethod(session.connection));
        if (!method) return undefined;
        let secret: string | null | undefined = opts?.clientSecret;
        if (secret === undefined && method !== 'legacy') {
          const stored = (await ctx.clientSecrets.get(name)) !== undefined;
          secret = await pickClientSecret(name, stored, method);
          if (secret === undefined && !stored && method === 'oauth') return undefined;
        }
        if (secret === null) {
          await ctx.clientSecrets.delete(name);
          ctx.log.info(`the OAuth client secret of ${name} was removed`);
        }
        if (method !== session.connection.auth) await save({ ...session.connection, auth: method }, name);
        ctx.log.info(`sign-in method of ${name}: ${method}`);
        // Signs in anew, the new way: a changed method has replaced the session, a new secret must be tried.
        const next = ctx.sessions.get(name)!;
        if ((await ctx.passwords.get(name)) !== undefined || next.state === 'ready' || secret)
          await signInSession(next, undefined, secret ?? undefined);
        return method;
      },
    ),
    'starface.signOut': guarded(ctx, 'signOut', async (node?: TreeNode) => {
      const session = sessionFor(ctx, node);
      await session.signOut();
      return true;
    }),
    'starface.refresh': guarded(ctx, 'refresh', async (node?: TreeNode) => {
      const sessions = node ? [sessionFor(ctx, node)] : ctx.sessions.all;
      await withProgress(
        t('Refreshing STARFACE…'),
        () => Promise.all(sessions.map((s) => s.refresh())),
        vscode.ProgressLocation.Window,
      );
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
