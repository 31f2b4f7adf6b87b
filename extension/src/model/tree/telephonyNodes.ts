import type { Redirection, RedirectTriggerType } from '../../../../shared/schemas/redirects.js';
import type { User } from '../../../../shared/schemas/users.js';
import type { GroupData } from '../../pbx/groupsSnapshot.js';
import type { Translate } from '../../text/i18n.js';
import type { NodeRef, TreeContext, TreeNode } from './pbxTreeModel.js';

/*
 * The telephony nodes a Teams-integration integrator needs: the groups (numbers and members) and each user's
 * redirections with their state. Everything else of the REST 6.7 telephony is one "Open in REST" away.
 */

const ENABLED_COLOR = 'testing.iconPassed';

/** The "Groups" node under a connection; `groups` null: the PBX refused or lacks them. */
export function groupsNode(
  groups: GroupData[] | null,
  users: readonly User[],
  ref: NodeRef,
  ctx: TreeContext,
): TreeNode {
  const { t } = ctx;
  const id = `conn:${ref.connection}:groups`;
  const base = { id, ref, label: t('Groups'), icon: 'people', collapsible: 'collapsed' as const };
  if (groups === null)
    return {
      ...base,
      contextValue: 'groups.unavailable',
      children: [
        {
          id: `${id}:na`,
          ref,
          label: t('This PBX does not show its groups to this user'),
          icon: 'lock',
          contextValue: 'groups.unavailable',
          collapsible: 'none',
        },
      ],
    };
  return {
    ...base,
    description: String(groups.length),
    contextValue: 'groups',
    children: groups.map((g) => groupNode(g, users, ref, ctx)),
  };
}

function groupNode(data: GroupData, users: readonly User[], ref: NodeRef, ctx: TreeContext): TreeNode {
  const { t } = ctx;
  const { item, group } = data;
  const groupRef: NodeRef = { ...ref, groupId: item.id };
  const id = `conn:${ref.connection}:group:${item.id}`;
  const numbers: TreeNode[] = [
    [item.groupinternalnumber, t('internal')],
    [item.groupexternalnumber, t('external')],
  ]
    .filter(([n]) => n)
    .map(([n, kind]) => ({
      id: `${id}:number:${n}`,
      ref: groupRef,
      label: n!,
      description: kind,
      icon: 'call-incoming',
      contextValue: 'groupNumber',
      collapsible: 'none' as const,
      value: n,
    }));
  // The list names one number of each kind; the details (where readable) list every number of the group, an
  // external one by its extension inside its block.
  for (const a of group?.assignableNumbers?.filter((x) => x.assigned && x.extension) ?? []) {
    const ext = a.extension!;
    const listed = a.intern ? item.groupinternalnumber === ext : item.groupexternalnumber?.endsWith(ext);
    if (listed) continue;
    numbers.push({
      id: `${id}:number:${a.id}`,
      ref: groupRef,
      label: ext,
      description: a.intern ? t('internal') : t('external'),
      icon: 'call-incoming',
      contextValue: 'groupNumber',
      collapsible: 'none',
      value: ext,
    });
  }
  const members: TreeNode[] = (group?.assignableUsers ?? [])
    .filter((u) => u.assigned)
    .map((u) => {
      const user = users.find((x) => x.id === u.id);
      const name = `${u.firstname ?? ''} ${u.lastname ?? ''}`.trim();
      return {
        id: `${id}:member:${u.id}`,
        ref: { ...groupRef, userId: u.id },
        label: user ? `${user.login} ${name}`.trim() : name || String(u.id),
        description: t('member'),
        icon: 'person',
        contextValue: 'groupMember',
        collapsible: 'none',
        value: user?.login,
      };
    });
  const children = [...numbers, ...members];
  if (group === null)
    children.push({
      id: `${id}:members:na`,
      ref: groupRef,
      label: t('Members: only members and administrators may see them'),
      icon: 'lock',
      contextValue: 'groupMembers.unavailable',
      collapsible: 'none',
    });
  return {
    id,
    ref: groupRef,
    label: item.groupname ?? String(item.id),
    description: [item.groupinternalnumber, group ? t('{0} members', members.length) : undefined]
      .filter(Boolean)
      .join(' · '),
    tooltip: group?.groupId ? t('Group id: {0}', group.groupId) : undefined,
    icon: 'people',
    contextValue: 'group',
    collapsible: 'collapsed',
    value: item.groupname,
    children,
  };
}

/** The "Redirects" node under a user: its children are loaded when it is opened. */
export function userRedirectsNode(user: User, ref: NodeRef, ctx: TreeContext): TreeNode {
  return {
    id: `conn:${ref.connection}:user:${user.id}:redirects`,
    ref: { ...ref, userId: user.id },
    label: ctx.t('Redirects'),
    icon: 'arrow-swap',
    contextValue: 'redirects',
    collapsible: 'collapsed',
    lazy: 'userRedirects',
  };
}

function triggerLabel(trigger: RedirectTriggerType, t: Translate): string {
  if (trigger === 'ALWAYS') return t('Always');
  if (trigger === 'BUSY') return t('When busy');
  return t('On no answer');
}

function targetText(r: Redirection, t: Translate): string {
  const d = r.redirectDestination;
  if (d.redirectDestinationType === 'MAILBOX') return t('mailbox {0}', d.mailboxId);
  return d.phoneNumber ? d.phoneNumber : t('no target');
}

/**
 * A user's redirections, one per number and trigger; `redirects` null: the PBX refused them (the user lacks the
 * right, or a real PBX does not show them to this sign-in).
 */
export function redirectNodes(redirects: Redirection[] | null, parent: TreeNode, ctx: TreeContext): TreeNode[] {
  const { t } = ctx;
  if (redirects === null)
    return [
      {
        id: `${parent.id}:na`,
        ref: parent.ref,
        label: t('The PBX does not show these redirects to this sign-in'),
        icon: 'lock',
        contextValue: 'redirects.unavailable',
        collapsible: 'none',
      },
    ];
  if (!redirects.length)
    return [
      {
        id: `${parent.id}:none`,
        ref: parent.ref,
        label: t('No numbers, so no redirects'),
        icon: 'info',
        contextValue: 'redirects.none',
        collapsible: 'none',
      },
    ];
  return redirects.map((r) => {
    const target = targetText(r, t);
    return {
      id: `${parent.id}:${r.id}`,
      ref: { ...parent.ref, redirectId: r.id },
      label: `${r.phoneNumber ?? ''} · ${triggerLabel(r.redirectTrigger.redirectTriggerType, t)}`,
      description: `→ ${target} · ${r.enabled ? t('enabled') : t('disabled')}`,
      tooltip: t('Redirect {0}: {1} to {2}', r.id, triggerLabel(r.redirectTrigger.redirectTriggerType, t), target),
      icon: r.enabled ? 'arrow-swap' : 'circle-slash',
      iconColor: r.enabled ? ENABLED_COLOR : undefined,
      contextValue: `redirect.${r.enabled ? 'enabled' : 'disabled'}`,
      collapsible: 'none',
      value: r.id,
    };
  });
}
