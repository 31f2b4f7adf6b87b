import type { CallJournalEntry } from '../../../../../shared/schemas/callJournal.js';
import { UCI_ERRORS, UCI_METHODS } from '../../../../../shared/schemas/uci.js';
import type { z } from 'zod';
import type { UciCallListEntrySchema } from '../../../../../shared/schemas/uciValues.js';
import { deleteCallJournalEntries, missingCallJournalEntries, queryCallJournal } from '../../../state/callJournal.js';
import type { StoredUser } from '../../../state/model.js';
import { RpcError } from '../methods.js';
import type { HandlerContext, HandlerTable } from './types.js';

/** A journal entry as the UCI's CallListEntry (startTime a Date: dateTime.iso8601 over XML-RPC). */
function toCallListEntry(e: CallJournalEntry): z.input<typeof UciCallListEntrySchema> {
  return {
    id: e.id,
    direction: e.direction,
    result: e.result,
    callerNumber: e.callerNumber,
    callerName: e.callerName,
    calledNumber: e.calledNumber,
    calledName: e.calledName,
    callDescription: e.description,
    startTime: new Date(e.startTime),
    duration: e.durationSeconds,
    groupId: e.groupId === null ? '' : String(e.groupId),
  };
}

/** Only the user's own entries, all or none (the call list is per user, an administrator's too). */
async function deleteOwn(ctx: HandlerContext, user: StoredUser, ids: string[]): Promise<true> {
  // Checked before the commit too: a refused delete need not save the state (the commit checks again).
  let missing = missingCallJournalEntries(ctx.holder.state.callJournal, user.id, ids);
  if (!missing.length)
    ({ missing } = await ctx.holder.commit((s, emit) => deleteCallJournalEntries(s, emit, user, ids)));
  if (missing.length) {
    const shown = missing.slice(0, 10).join(', ') + (missing.length > 10 ? ', …' : '');
    throw new RpcError(
      UCI_ERRORS.notFound,
      `No call list entry ${shown} of yours (see ${UCI_METHODS.getCallList}); nothing was deleted`,
      { missing },
    );
  }
  return true;
}

/** callList: the user's call journal, kept by the simulator for every ended call (state/callJournal.ts). */
export const CALL_LIST_HANDLERS: HandlerTable<'getCallList' | 'deleteCallListEntry' | 'deleteCallListEntries'> = {
  getCallList: (ctx, _conn, user, p) => {
    const page = queryCallJournal(ctx.holder.state.callJournal, user.id, p);
    return { entries: page.entries.map(toCallListEntry), totalCount: page.totalCount };
  },
  deleteCallListEntry: (ctx, _conn, user, p) => deleteOwn(ctx, user, [p.entryId]),
  deleteCallListEntries: (ctx, _conn, user, p) => deleteOwn(ctx, user, p.entryIds),
};
