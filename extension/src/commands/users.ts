import * as vscode from 'vscode';
import { LICENCE_TYPES, RIGHTS } from '../../../shared/catalogue.js';
import { pick } from '../text/i18n.js';
import type { PbxSession } from '../model/pbxSession.js';
import type { User } from '../../../shared/schemas/users.js';
import type { TreeNode } from '../model/tree/pbxTreeModel.js';
import {
  guarded,
  readySession,
  requireOperation,
  UserFacingError,
  type CommandContext,
  type CommandTable,
} from './context.js';

const t = vscode.l10n.t;

async function userFor(session: PbxSession, node?: TreeNode, userId?: number): Promise<number | undefined> {
  const id = userId ?? node?.ref.userId;
  if (id !== undefined) return id;
  return pickUser(session.data!.users, t('Which user?'));
}

/** Asks for one of `users` (login, with the name to match on); the id, or undefined when dismissed. */
export async function pickUser(
  users: readonly Pick<User, 'id' | 'login' | 'firstName' | 'familyName'>[],
  title: string,
): Promise<number | undefined> {
  const pick = await vscode.window.showQuickPick(
    users.map((u) => ({ label: u.login, description: `${u.firstName} ${u.familyName}`.trim(), id: u.id })),
    { title, matchOnDescription: true },
  );
  return pick?.id;
}

async function pickLicence(types: readonly string[], title: string): Promise<string | undefined> {
  const pick = await vscode.window.showQuickPick(
    types.map((type) => ({ label: type })),
    { title },
  );
  return pick?.label;
}

export function userCommands(ctx: CommandContext): CommandTable {
  const setRight = (granted: boolean) =>
    guarded(
      ctx,
      granted ? 'grantRight' : 'revokeRight',
      async (node?: TreeNode, opts?: { userId?: number; rightId?: number }) => {
        const session = readySession(ctx, node);
        const userId = await userFor(session, node, opts?.userId);
        if (userId === undefined) return undefined;
        let rightId = opts?.rightId ?? node?.ref.rightId;
        if (rightId === undefined) {
          const held = new Set((await session.userDetails(userId)).rights.map((r) => r.id));
          const choices = RIGHTS.filter((r) => held.has(r.id) !== granted).map((r) => ({
            label: r.description,
            description: pick(r.label, vscode.env.language),
            id: r.id,
          }));
          const chosen = await vscode.window.showQuickPick(choices, {
            title: granted ? t('Grant which right?') : t('Revoke which right?'),
          });
          if (!chosen) return undefined;
          rightId = chosen.id;
        }
        await session.api.setPermissionForUsers(rightId, [userId], granted);
        await session.refresh();
        return true;
      },
    );

  return {
    'starface.installLicence': guarded(
      ctx,
      'installLicence',
      async (node?: TreeNode, opts?: { type?: string; count?: number }) => {
        const session = readySession(ctx, node);
        requireOperation(session, 'postLicence', t('Admin › Server › Licences'));
        const type =
          opts?.type ??
          node?.ref.licenceType ??
          (await pickLicence(
            LICENCE_TYPES.map((l) => l.type),
            t('Install which licence?'),
          ));
        if (!type) return undefined;
        const count =
          opts?.count ??
          Number(
            await vscode.window.showInputBox({
              title: t('How many "{0}" licences?', type),
              value: '1',
              validateInput: (v) => (/^[1-9]\d{0,4}$/.test(v) ? undefined : t('A whole number from 1 to 99999')),
            }),
          );
        if (!count) return undefined;
        const licence = await session.api.installLicence(type, count);
        await session.refresh();
        return licence;
      },
    ),

    'starface.assignLicence': guarded(
      ctx,
      'assignLicence',
      async (node?: TreeNode, opts?: { userId?: number; type?: string }) => {
        const session = readySession(ctx, node);
        requireOperation(session, 'putUserLicences', t('Admin › Users › Licences'));
        const userId = await userFor(session, node, opts?.userId);
        if (userId === undefined) return undefined;
        const held = (await session.userDetails(userId)).licences ?? [];
        const free = (session.data!.licences ?? []).filter((l) => !held.includes(l.type));
        const type =
          opts?.type ??
          (await pickLicence(
            free.map((l) => l.type),
            t('Assign which licence?'),
          ));
        if (!type) return undefined;
        await session.api.setUserLicences(userId, [...held, type]);
        await session.refresh();
        return true;
      },
    ),

    'starface.removeLicence': guarded(
      ctx,
      'removeLicence',
      async (node?: TreeNode, opts?: { userId?: number; type?: string }) => {
        const session = readySession(ctx, node);
        requireOperation(session, 'putUserLicences', t('Admin › Users › Licences'));
        const userId = await userFor(session, node, opts?.userId);
        if (userId === undefined) return undefined;
        const held = (await session.userDetails(userId)).licences ?? [];
        const type = opts?.type ?? node?.ref.licenceType ?? (await pickLicence(held, t('Remove which licence?')));
        if (!type) return undefined;
        if (!held.includes(type)) throw new UserFacingError(t('The user holds no "{0}" licence.', type));
        await session.api.setUserLicences(
          userId,
          held.filter((l) => l !== type),
        );
        await session.refresh();
        return true;
      },
    ),

    'starface.grantRight': setRight(true),
    'starface.revokeRight': setRight(false),

    'starface.setDesktopApp': guarded(
      ctx,
      'setDesktopApp',
      async (node?: TreeNode, opts?: { userId?: number; active?: boolean; platform?: 'windows' | 'macos' }) => {
        const session = readySession(ctx, node);
        requireOperation(session, 'putAppSession', t("the user's computer (STARFACE App)"));
        const userId = await userFor(session, node, opts?.userId);
        if (userId === undefined) return undefined;
        let update =
          opts?.active === undefined
            ? undefined
            : { active: opts.active, platform: opts.platform ?? ('windows' as const) };
        if (!update) {
          const pick = await vscode.window.showQuickPick(
            [
              { label: t('Active on Windows'), value: { active: true, platform: 'windows' as const } },
              { label: t('Active on macOS'), value: { active: true, platform: 'macos' as const } },
              { label: t('Inactive'), value: { active: false, platform: 'windows' as const } },
            ],
            { title: t('STARFACE desktop app (R4)') },
          );
          if (!pick) return undefined;
          update = pick.value;
        }
        await session.api.setAppSession(userId, update);
        await session.refresh();
        return true;
      },
    ),
  };
}
