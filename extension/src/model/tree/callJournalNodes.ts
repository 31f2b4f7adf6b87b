import type { CallJournalEntry, CallJournalPage } from '../../../../shared/schemas/callJournal.js';
import type { User } from '../../../../shared/schemas/users.js';
import type { Translate } from '../../text/i18n.js';
import { simulatorOnly, type NodeRef, type TreeContext, type TreeNode } from './pbxTreeModel.js';

/*
 * A user's call journal under their node: the newest calls, who with, when and how long. The simulator keeps it
 * for every call through its SIP proxy; a real STARFACE shows the call list in its own clients (UCI), not over
 * REST, so there the node says so instead.
 */

/** How many entries the node lists; the journal itself keeps up to 500 per user. */
export const CALL_JOURNAL_NODE_LIMIT = 50;

const MISSED_COLOR = 'testing.iconFailed';

/** The "Call journal" node under a user: its entries are loaded when it is opened (and again on each refresh). */
export function userCallJournalNode(user: User, ref: NodeRef, ctx: TreeContext): TreeNode {
  return {
    id: `conn:${ref.connection}:user:${user.id}:calljournal`,
    ref: { ...ref, userId: user.id },
    label: ctx.t('Call journal'),
    tooltip: ctx.t("The user's newest calls through the simulator: direction, result, other party, time, duration"),
    icon: 'history',
    contextValue: 'callJournal',
    collapsible: 'collapsed',
    lazy: 'userCallJournal',
  };
}

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatCallDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** The other party as the user saw the call: the caller of an inbound call, the called party of an outbound one. */
function otherParty(e: CallJournalEntry): { name: string; number: string } {
  return e.direction === 'INBOUND'
    ? { name: e.callerName, number: e.callerNumber }
    : { name: e.calledName, number: e.calledNumber };
}

function kindText(e: CallJournalEntry, t: Translate): string {
  if (e.direction === 'INBOUND') return e.result === 'ANSWERED' ? t('Incoming, answered') : t('Incoming, missed');
  return e.result === 'ANSWERED' ? t('Outgoing, answered') : t('Outgoing, not answered');
}

/**
 * The entries, newest first; `page` null: this PBX has no call journal over REST (a real STARFACE). More entries
 * than listed: a last node says how many are not shown.
 */
export function callJournalNodes(page: CallJournalPage | null, parent: TreeNode, ctx: TreeContext): TreeNode[] {
  const { t } = ctx;
  if (page === null)
    return [
      {
        ...simulatorOnly(`${parent.id}:na`, parent.ref, ctx, t('the call list of the STARFACE App')),
        label: t('Only the simulator keeps a call journal over REST'),
      },
    ];
  if (!page.entries.length)
    return [
      {
        id: `${parent.id}:none`,
        ref: parent.ref,
        label: t('No calls yet'),
        icon: 'info',
        contextValue: 'callJournal.none',
        collapsible: 'none',
      },
    ];
  const nodes = page.entries.map((e): TreeNode => {
    const other = otherParty(e);
    const who = other.name && other.name !== other.number ? `${other.name} (${other.number})` : other.number;
    const missed = e.result === 'MISSED';
    const when = new Date(e.startTime).toLocaleString(ctx.language);
    const lines = [
      kindText(e, t),
      `${e.callerName || e.callerNumber} → ${e.calledName || e.calledNumber}`,
      ...(e.groupId === null ? [] : [t('through group {0}', e.calledName || e.calledNumber)]),
      t('began {0}', when),
      ...(missed ? [] : [t('talked {0}', formatCallDuration(e.durationSeconds))]),
    ];
    return {
      id: `${parent.id}:${e.id}`,
      ref: parent.ref,
      label: who || t('(unknown)'),
      description: missed ? `${when} · ${t('missed')}` : `${when} · ${formatCallDuration(e.durationSeconds)}`,
      tooltip: lines.join('\n'),
      icon: e.direction === 'INBOUND' ? 'call-incoming' : 'call-outgoing',
      iconColor: missed ? MISSED_COLOR : undefined,
      contextValue: `callJournalEntry.${e.direction === 'INBOUND' ? 'inbound' : 'outbound'}.${missed ? 'missed' : 'answered'}`,
      collapsible: 'none',
      value: other.number,
    };
  });
  if (page.totalCount > page.entries.length)
    nodes.push({
      id: `${parent.id}:more`,
      ref: parent.ref,
      label: t('{0} older calls not shown', page.totalCount - page.entries.length),
      icon: 'ellipsis',
      contextValue: 'callJournal.more',
      collapsible: 'none',
    });
  return nodes;
}
