import type { z } from 'zod';
import type { UCI_PARAMS } from '../../../../shared/schemas/uci.js';
import type { UciVoicemailListEntrySchema } from '../../../../shared/schemas/uciValues.js';
import type { PbxState } from '../../state/model.js';
import { fullNumber } from '../../state/numberFormat.js';
import type { StoredVoicemailbox, VoicemailMessage } from '../../state/telephonyModel.js';
import { mailboxesOf } from './mailboxes.js';

type Entry = z.output<typeof UciVoicemailListEntrySchema>;
type Query = z.output<(typeof UCI_PARAMS)['getVoicemailList']>;

/**
 * Who called, as the list describes the entry: the user or group whose number it is, else the number itself.
 * (The address book is not searched: a STARFACE shows a contact's name there, the simulator keeps it simple.)
 */
function describeCaller(state: PbxState, caller: string): string {
  const n = state.phoneNumbers.find((x) =>
    x.type === 'INTERNAL' ? x.number === caller : fullNumber(state, x) === caller,
  );
  const user = n?.userId == null ? undefined : state.users.find((u) => u.id === n.userId);
  if (user) return `${user.firstName} ${user.familyName}`.trim() || user.login;
  const group = n?.groupId == null ? undefined : state.groups.find((g) => g.id === n.groupId);
  return group?.name ?? caller;
}

/** One message as a list entry. A box is called on its own number: the simulator keeps no other called number. */
function toEntry(state: PbxState, box: StoredVoicemailbox, m: VoicemailMessage): Entry {
  return {
    id: m.id,
    callDescription: describeCaller(state, m.caller),
    callerNumber: m.caller,
    calledNumber: box.number,
    duration: m.durationSeconds,
    folder: m.read ? 'OLD' : 'INBOX',
    mailboxId: String(box.id),
    mailboxName: box.name,
    startTime: new Date(m.receivedAt),
  };
}

function compare(a: Entry, b: Entry, property: keyof Entry): number {
  const x = a[property];
  const y = b[property];
  if (x instanceof Date && y instanceof Date) return x.getTime() - y.getTime();
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x).localeCompare(String(y));
}

/**
 * getVoicemailList: the messages of every box the user belongs to, between `oldest` and `newest` (inclusive;
 * either left off: unbounded), matching `filter` (part of a number or of the description, any case) and
 * `folder`, sorted, then one page of them with the count of all that match.
 */
export function voicemailPage(state: PbxState, userId: number, q: Query): { entries: Entry[]; totalCount: number } {
  const term = q.filter.trim().toLowerCase();
  const matching = mailboxesOf(state, userId)
    .flatMap((box) => box.messages.map((m) => toEntry(state, box, m)))
    .filter((e) => {
      const t = e.startTime.getTime();
      if (q.oldest !== undefined && t < q.oldest) return false;
      if (q.newest !== undefined && t > q.newest) return false;
      if (q.folder && e.folder !== q.folder) return false;
      return !term || [e.callerNumber, e.calledNumber, e.callDescription].some((v) => v.toLowerCase().includes(term));
    });
  const property = q.sortProperty || 'startTime';
  const sign = q.order === 'ASCENDING' ? 1 : -1;
  // Ties keep one order on every request (by id), so paging never shows an entry twice or skips one.
  matching.sort((a, b) => sign * compare(a, b, property) || Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
  return { entries: matching.slice(q.offset, q.offset + q.limit), totalCount: matching.length };
}
