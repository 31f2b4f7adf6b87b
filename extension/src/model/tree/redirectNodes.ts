import type { Redirection, RedirectTriggerType } from '../../../../shared/schemas/redirects.js';
import type { User } from '../../../../shared/schemas/users.js';
import type { Translate } from '../../text/i18n.js';
import type { TreeContext, TreeNode, NodeRef } from './pbxTreeModel.js';

/* Each user's redirections with their state: what decides where a call to a Teams user ends up. */

const ENABLED_COLOR = 'testing.iconPassed';

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
