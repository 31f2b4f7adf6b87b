import {
  CALL_JOURNAL_EVENTS,
  CALL_JOURNAL_MAX_PER_USER,
  CALL_JOURNAL_MAX_TOTAL,
  type CallJournalEntry,
  type CallJournalPage,
} from '../../../shared/schemas/callJournal.js';
import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import { UCI_NON_GROUP } from '../../../shared/schemas/uciValues.js';
import type { PbxState, StoredUser } from './model.js';
import type { Emit } from './pbx.js';

/** An entry before it is kept: the journal gives the id. `login` checks the user is still the one who called. */
export type CallJournalDraft = Omit<CallJournalEntry, 'id'> & { login: string };

/**
 * Keeps the entries of one ended call (one per user) and tells each user with a `sim.events.calljournal
 * entriesAdded` event. An entry whose user is gone meanwhile (deleted, or a scenario applied during the call gave
 * the id to somebody else) is dropped. Per user only the newest CALL_JOURNAL_MAX_PER_USER are kept, and
 * CALL_JOURNAL_MAX_TOTAL in all: the oldest go first.
 */
export function addCallJournalEntries(
  state: PbxState,
  emit: Emit,
  drafts: readonly CallJournalDraft[],
): CallJournalEntry[] {
  const added: CallJournalEntry[] = [];
  for (const { login, ...draft } of drafts) {
    if (!state.users.some((u) => u.id === draft.userId && u.login === login)) continue;
    const entry: CallJournalEntry = { id: String(state.nextId.callJournalEntry++), ...draft };
    state.callJournal.push(entry);
    added.push(entry);
  }
  if (!added.length) return added;
  const dropped = trim(state, new Set(added.map((e) => e.userId)));
  for (const user of new Set(added.map((e) => e.userId))) {
    emit({
      service: SIM_SERVICES.callJournal,
      event: CALL_JOURNAL_EVENTS.entriesAdded,
      data: {
        userId: user,
        login: state.users.find((u) => u.id === user)!.login,
        entryIds: added.filter((e) => e.userId === user).map((e) => e.id),
        droppedIds: dropped.filter((e) => e.userId === user).map((e) => e.id),
      },
    });
  }
  return added;
}

/** Drops the oldest entries beyond the bounds (the journal is oldest first); answers what it dropped. */
function trim(state: PbxState, users: ReadonlySet<number>): CallJournalEntry[] {
  const count = new Map<number, number>();
  for (const e of state.callJournal) if (users.has(e.userId)) count.set(e.userId, (count.get(e.userId) ?? 0) + 1);
  let overall = state.callJournal.length - CALL_JOURNAL_MAX_TOTAL;
  const excess = new Map([...count].map(([u, n]) => [u, n - CALL_JOURNAL_MAX_PER_USER]));
  if (overall <= 0 && [...excess.values()].every((n) => n <= 0)) return [];
  const dropped: CallJournalEntry[] = [];
  state.callJournal = state.callJournal.filter((e) => {
    const over = excess.get(e.userId) ?? 0;
    if (over > 0 || overall > 0) {
      excess.set(e.userId, over - 1);
      overall--;
      dropped.push(e);
      return false;
    }
    return true;
  });
  return dropped;
}

/** The ids among `ids` that are no entry of `userId`'s (another user's, or none at all). */
export function missingCallJournalEntries(
  journal: readonly CallJournalEntry[],
  userId: number,
  ids: readonly string[],
): string[] {
  const wanted = new Set(ids);
  const own = new Set(journal.filter((e) => e.userId === userId && wanted.has(e.id)).map((e) => e.id));
  return [...wanted].filter((id) => !own.has(id));
}

/**
 * Deletes entries of `user`, all or none: answers the ids that are not theirs (or do not exist) and deletes
 * nothing then. Repeated ids count once.
 */
export function deleteCallJournalEntries(
  state: PbxState,
  emit: Emit,
  user: Pick<StoredUser, 'id' | 'login'>,
  ids: readonly string[],
): { missing: string[] } {
  const missing = missingCallJournalEntries(state.callJournal, user.id, ids);
  const own = new Set(ids);
  if (missing.length || !own.size) return { missing };
  state.callJournal = state.callJournal.filter((e) => !own.has(e.id));
  emit({
    service: SIM_SERVICES.callJournal,
    event: CALL_JOURNAL_EVENTS.entriesDeleted,
    data: { userId: user.id, login: user.login, entryIds: [...own] },
  });
  return { missing };
}

/** A deleted user's journal goes with them (userRemoval.ts); the other party's entries stay, as history. */
export function removeUserCallJournal(state: PbxState, emit: Emit, user: Pick<StoredUser, 'id' | 'login'>): void {
  const ids = state.callJournal.filter((e) => e.userId === user.id).map((e) => e.id);
  if (!ids.length) return;
  state.callJournal = state.callJournal.filter((e) => e.userId !== user.id);
  emit({
    service: SIM_SERVICES.callJournal,
    event: CALL_JOURNAL_EVENTS.entriesDeleted,
    data: { userId: user.id, login: user.login, entryIds: ids },
  });
}

/** getCallList's filters, as both the UCI and REST give them ("" / undefined: no filter). */
export interface CallJournalFilter {
  /** Milliseconds since the epoch; only calls that began at or before (the same second counts). */
  newest?: number;
  /** Only calls that began at or after (the same second counts). */
  oldest?: number;
  direction?: CallJournalEntry['direction'] | '';
  result?: CallJournalEntry['result'] | '';
  /** "" all calls, NON_GROUP those that came through no group, else a group account id. */
  group?: string;
  sortProperty?: 'startTime' | 'duration' | 'callerNumber' | 'calledNumber' | '';
  order?: 'ASCENDING' | 'DESCENDING' | '';
  offset?: number;
  limit?: number;
}

const second = (ms: number) => Math.floor(ms / 1000);

const SORT_KEYS = {
  startTime: (e: CallJournalEntry) => Date.parse(e.startTime),
  duration: (e: CallJournalEntry) => e.durationSeconds,
  callerNumber: (e: CallJournalEntry) => e.callerNumber,
  calledNumber: (e: CallJournalEntry) => e.calledNumber,
} as const;

/**
 * One user's entries that match `filter`, sorted and paged, with the count of all that match. The time bounds
 * compare whole seconds: an XML-RPC dateTime carries no milliseconds, so a client asking up to "now" must still
 * see a call that began earlier in the same second. Ties (and equal sort values) keep the journal's order,
 * reversed for DESCENDING, so paging is stable. Default order: newest first, as a call list shows it.
 */
export function queryCallJournal(
  journal: readonly CallJournalEntry[],
  userId: number,
  filter: CallJournalFilter = {},
): CallJournalPage {
  const { newest, oldest, direction, result, group } = filter;
  const matching = journal.filter((e) => {
    if (e.userId !== userId) return false;
    const start = second(Date.parse(e.startTime));
    if (newest !== undefined && start > second(newest)) return false;
    if (oldest !== undefined && start < second(oldest)) return false;
    if (direction && e.direction !== direction) return false;
    if (result && e.result !== result) return false;
    if (group === UCI_NON_GROUP) return e.groupId === null;
    if (group) return e.groupId !== null && String(e.groupId) === group;
    return true;
  });
  const key = SORT_KEYS[filter.sortProperty || 'startTime'];
  const sign = filter.order === 'ASCENDING' ? 1 : -1;
  const sorted = matching
    .map((entry, index) => ({ entry, index, key: key(entry) }))
    .sort((a, b) => sign * (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index))
    .map((x) => x.entry);
  const offset = filter.offset ?? 0;
  const limit = filter.limit ?? 100;
  return { entries: sorted.slice(offset, offset + limit), totalCount: matching.length };
}
