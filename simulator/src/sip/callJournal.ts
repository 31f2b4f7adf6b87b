import type { CallJournalDraft } from '../state/callJournal.js';
import type { Call } from './calls.js';

/*
 * What an ended call leaves in the call journal, from the call model (calls.ts) rather than from the call-state
 * events: the model knows who answered, which group a leg came through and who was offered the call without it
 * ever ringing, none of which the events carry.
 *
 * The rules, where the fact sheet is silent (the README lists them):
 * - The caller gets OUTBOUND: ANSWERED once anybody (a user, a virtual phone, a mailbox) answered, else MISSED.
 * - Every user the call was offered to gets INBOUND, once per call however many legs they had: ANSWERED for the
 *   one who answered, MISSED otherwise — also the dialled user whose phones never rang (not registered, busy
 *   without call waiting, redirected at once): the call was theirs, as a PBX's call list shows it.
 * - A group member who did not answer gets MISSED only when nobody answered the call: a group call a colleague
 *   took is not a call they missed, and a call back to its caller would be a second one. When no member
 *   answered, every member it rang sees it as missed.
 * - Duration: whole seconds from the answer to the end, 0 for MISSED.
 * - A party calling themselves (their own group) gets only the OUTBOUND entry.
 */
export function journalDrafts(call: Call): CallJournalDraft[] {
  const endedAt = call.endedAt ?? call.startedAt;
  const talked = call.connectedAt === null ? 0 : Math.max(0, Math.floor((endedAt - call.connectedAt) / 1000));
  const startTime = new Date(call.startedAt).toISOString();
  const { caller, callee, answeredBy } = call;
  const drafts: CallJournalDraft[] = [];
  if (caller.user) {
    drafts.push({
      userId: caller.user.id,
      login: caller.user.login,
      direction: 'OUTBOUND',
      result: call.connectedAt === null ? 'MISSED' : 'ANSWERED',
      callerNumber: caller.number,
      callerName: caller.name,
      calledNumber: callee.number,
      calledName: callee.name,
      description: callee.name || callee.number,
      startTime,
      durationSeconds: talked,
      groupId: callee.groupId ?? answeredBy?.groupId ?? null,
    });
  }
  const byUser = new Map<number, Call['presented']>();
  for (const leg of call.presented) {
    if (!leg.user || leg.user.id === caller.user?.id) continue;
    const legs = byUser.get(leg.user.id);
    if (legs) legs.push(leg);
    else byUser.set(leg.user.id, [leg]);
  }
  for (const legs of byUser.values()) {
    const answered = answeredBy !== null && legs.includes(answeredBy);
    const leg = answered ? answeredBy : legs[0]!;
    if (!answered && leg.groupId !== undefined && call.connectedAt !== null && answeredBy !== null) continue;
    drafts.push({
      userId: leg.user!.id,
      login: leg.user!.login,
      direction: 'INBOUND',
      result: answered ? 'ANSWERED' : 'MISSED',
      callerNumber: caller.number,
      callerName: caller.name,
      calledNumber: leg.called?.number ?? callee.number,
      calledName: leg.called?.name ?? callee.name,
      description: caller.name || caller.number,
      startTime,
      durationSeconds: answered ? talked : 0,
      groupId: leg.groupId ?? null,
    });
  }
  return drafts;
}
