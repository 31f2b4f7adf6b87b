/**
 * The simulator's call journal: one entry per user per call, written when the call ends, for the caller and for
 * every user the call was presented to. The UCI answers it as the call list (`ucp.v30.requests.callList.*`,
 * `UciCallListEntry`), REST as `GET /rest/sim/users/{userId}/calljournal`; the extension's tree shows it.
 */
import { z } from 'zod';
import {
  UCI_CALL_DIRECTIONS,
  UCI_CALL_LIST_SORT,
  UCI_CALL_RESULTS,
  UCI_NON_GROUP,
  UCI_ORDER_DIRECTIONS,
} from './uciValues.js';

/**
 * How many entries the simulator keeps per user: the newest, older ones are dropped as new ones come. A real
 * PBX's bound is not documented; 500 is more than a call list shows at once and keeps the saved state small.
 */
export const CALL_JOURNAL_MAX_PER_USER = 500;
/** And over all users, so that a load test with thousands of calls does not grow every save of the state. */
export const CALL_JOURNAL_MAX_TOTAL = 10_000;

export const CallJournalEntrySchema = z
  .object({
    id: z.string().describe('Unique in this simulator (a number as a string, as the UCI types it)'),
    userId: z.number().int().positive().describe('Whose journal this entry is in'),
    direction: z.enum(UCI_CALL_DIRECTIONS).describe('OUTBOUND for the caller, INBOUND for a called user'),
    result: z.enum(UCI_CALL_RESULTS).describe('ANSWERED when this user talked in the call, else MISSED'),
    callerNumber: z.string(),
    callerName: z.string(),
    calledNumber: z.string().describe('What this user saw as called: a group member sees the group'),
    calledName: z.string(),
    description: z.string().describe('The other party (or the group) as the user saw it'),
    startTime: z.iso.datetime().describe('When the call began (the caller dialled)'),
    durationSeconds: z.number().int().min(0).describe('Whole seconds talked; 0 for a missed call'),
    groupId: z.number().int().positive().nullable().describe('The group account id of a group call, else null'),
  })
  .meta({ id: 'CallJournalEntry' });
export type CallJournalEntry = z.infer<typeof CallJournalEntrySchema>;

export const CallJournalPageSchema = z
  .object({
    entries: z.array(CallJournalEntrySchema),
    totalCount: z.number().int().describe('Entries matching the filter, before offset and limit'),
  })
  .meta({ id: 'CallJournalPage' });
export type CallJournalPage = z.infer<typeof CallJournalPageSchema>;

/** The filters of the UCI's getCallList, as query parameters; every one may be left out. */
export const CallJournalQuerySchema = z.strictObject({
  newest: z.iso.datetime({ offset: true }).optional().describe('Only calls that began at or before this time'),
  oldest: z.iso.datetime({ offset: true }).optional().describe('Only calls that began at or after this time'),
  direction: z.enum(UCI_CALL_DIRECTIONS).optional(),
  result: z.enum(UCI_CALL_RESULTS).optional(),
  group: z
    .string()
    .max(64)
    .optional()
    .describe(`A group account id, or ${UCI_NON_GROUP} for calls that did not come through a group`),
  sortProperty: z.enum(UCI_CALL_LIST_SORT).default('startTime'),
  order: z.enum(UCI_ORDER_DIRECTIONS).default('DESCENDING'),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(0).max(1000).default(100),
});

/** Events of `sim.events.calljournal` (SIM_SERVICES.callJournal); data names the user, so each sees their own. */
export const CALL_JOURNAL_EVENTS = {
  /** A call ended: `{userId, login, entryIds, droppedIds}` — droppedIds: the oldest ones the bound pushed out. */
  entriesAdded: 'entriesAdded',
  /** Entries were deleted (UCI deleteCallListEntr{y,ies}, REST DELETE): `{userId, login, entryIds}`. */
  entriesDeleted: 'entriesDeleted',
} as const;
