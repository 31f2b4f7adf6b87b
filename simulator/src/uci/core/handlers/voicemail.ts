import { UCI_ERRORS } from '../../../../../shared/schemas/uci.js';
import { deleteVoicemailMessages, findVoicemailMessage } from '../../../state/voicemailMessages.js';
import { belongsTo } from '../../../state/voicemail.js';
import { mailboxesOf, toUciMailbox } from '../mailboxes.js';
import { RpcError } from '../methods.js';
import { rethrowForUci } from '../refusal.js';
import { voicemailPage } from '../voicemailList.js';
import type { HandlerContext, HandlerTable } from './types.js';

/**
 * Deletes messages of boxes the user belongs to, all or none: an id the user cannot see (unknown, or of another
 * user's box) refuses the whole request, as if it did not exist.
 */
async function deleteEntries(ctx: HandlerContext, userId: number, ids: readonly string[]): Promise<true> {
  await ctx.holder
    .commit((s, emit) => {
      const missing = ids.filter((id) => {
        const hit = findVoicemailMessage(s, id);
        return !hit || !belongsTo(s, hit.box, userId);
      });
      if (missing.length)
        throw new RpcError(
          UCI_ERRORS.notFound,
          `No voicemail message ${[...new Set(missing)].map((id) => `"${id}"`).join(', ')} in your mailboxes (getVoicemailList lists them); nothing was deleted`,
        );
      deleteVoicemailMessages(s, emit, ids);
    })
    .catch(rethrowForUci);
  return true;
}

/** voicemailList: the messages of the user's voicemail boxes (theirs and their groups'). */
export const VOICEMAIL_HANDLERS: HandlerTable<
  'getMailboxes' | 'getVoicemailList' | 'deleteVoicemailListEntry' | 'deleteVoicemailListEntries'
> = {
  getMailboxes: (ctx, _conn, user) => mailboxesOf(ctx.holder.state, user.id).map(toUciMailbox),
  getVoicemailList: (ctx, _conn, user, p) => voicemailPage(ctx.holder.state, user.id, p),
  deleteVoicemailListEntry: (ctx, _conn, user, p) => deleteEntries(ctx, user.id, [p.entryId]),
  deleteVoicemailListEntries: (ctx, _conn, user, p) => deleteEntries(ctx, user.id, p.entryIds),
};
