import { SimError } from '../state/errors.js';
import { deleteCallJournalEntries, missingCallJournalEntries, queryCallJournal } from '../state/callJournal.js';
import { findUser } from '../state/users.js';
import type { RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

const time = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

/** The call journal over REST (simulator only; a real PBX shows the call list over UCI): the owner and admins. */
export function callJournalHandlers(ctx: RestContext): HandlersFor<'getCallJournal' | 'deleteCallJournalEntry'> {
  return {
    getCallJournal: ({ params, query }) => {
      const state = ctx.holder.state;
      findUser(state, params.userId);
      return queryCallJournal(state.callJournal, params.userId, {
        ...query,
        newest: time(query.newest),
        oldest: time(query.oldest),
      });
    },

    deleteCallJournalEntry: async ({ params }) => {
      const entryId = String(params.entryId);
      const gone = () =>
        new SimError(404, 'NOT_FOUND', `Call journal entry ${entryId} of user ${params.userId} does not exist`, {
          userId: params.userId,
          entryId,
        });
      // Checked before the commit too: a refused delete need not save the state (the commit checks again).
      if (missingCallJournalEntries(ctx.holder.state.callJournal, params.userId, [entryId]).length) {
        findUser(ctx.holder.state, params.userId);
        throw gone();
      }
      const { missing } = await ctx.holder.commit((s, emit) =>
        deleteCallJournalEntries(s, emit, findUser(s, params.userId), [entryId]),
      );
      if (missing.length) throw gone();
    },
  };
}
