import type { User } from '../../../../shared/schemas/users.js';
import type { GroupData } from '../../pbx/groupsSnapshot.js';
import type { NodeRef, TreeContext, TreeNode } from './pbxTreeModel.js';

/*
 * The groups a Teams-integration integrator needs to see: each group's numbers and members. Everything else of
 * the REST 6.7 groups is one "Open in REST" away.
 */

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
