import { z } from 'zod';
import { DIAL_NUMBER_PATTERN } from '../dialNumber.js';
import { CALL_STATES } from './calls.js';

/**
 * Messages between the extension host and the "Teams App rehearsal" webview: our own rendition of the STARFACE App
 * for Teams. The webview never talks to the PBX: the host runs the sign-in (POST /rest/sim/teams/login) and the
 * signed-in user's UCI connection, and sends texts already in the user's language. The password and the key go
 * from the webview to the host once per sign-in; the host never sends them back.
 */
export const TEAMS_REHEARSAL_VIEW_TYPE = 'starface.teamsRehearsal';

const Line = z.string().max(2000);

/** One unmet requirement as the app's refusal shows it, with the fixes the prerequisites check offers. */
export const RehearsalRequirementSchema = z.object({
  id: z.string().max(8),
  title: Line,
  message: Line,
  /** The guide's own (German) wording. */
  guide: Line,
  fixes: z.array(z.object({ index: z.number().int().min(0), title: Line })).max(20),
});
export type RehearsalRequirement = z.infer<typeof RehearsalRequirementSchema>;

export const RehearsalPresenceSchema = z.object({
  chatPresence: z.string().max(40),
  telephonyState: z.string().max(40),
  message: Line,
});
export type RehearsalPresence = z.infer<typeof RehearsalPresenceSchema>;

/** One call as the signed-in user sees it (the UCI call state), `incoming` when the user is the one called. */
export const RehearsalCallSchema = z.object({
  id: z.string().max(128),
  state: z.enum(CALL_STATES),
  incoming: z.boolean(),
  /** The other party. */
  number: z.string().max(100),
  name: Line,
});
export type RehearsalCall = z.infer<typeof RehearsalCallSchema>;

export const RehearsalJournalEntrySchema = z.object({
  id: z.string().max(128),
  time: z.string().max(40).describe('ISO 8601'),
  incoming: z.boolean(),
  missed: z.boolean(),
  number: z.string().max(100),
  name: Line,
  durationSec: z.number().int().min(0),
});
export type RehearsalJournalEntry = z.infer<typeof RehearsalJournalEntrySchema>;

export const RehearsalContactSchema = z.object({ name: Line, number: z.string().max(100) });
export type RehearsalContact = z.infer<typeof RehearsalContactSchema>;

/** Host → webview. */
export const RehearsalHostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    language: z.string().max(35),
    connection: z.string().max(200).nullable(),
    /** Whether the PBX judges the sign-in (the simulator); a real STARFACE has no rehearsal endpoint. */
    simulator: z.boolean(),
    pbxName: z.string().max(253),
    login: z.string().max(64),
  }),
  z.object({
    type: z.literal('refused'),
    login: z.string().max(64),
    summary: Line,
    requirements: z.array(RehearsalRequirementSchema).max(50),
  }),
  z.object({
    type: z.literal('signedIn'),
    login: z.string().max(64),
    name: Line,
    pbxName: z.string().max(253),
    /** False when the PBX could not judge the sign-in (a real STARFACE): the view then runs on UCI alone. */
    rehearsed: z.boolean(),
  }),
  z.object({ type: z.literal('presence'), presence: RehearsalPresenceSchema }),
  z.object({ type: z.literal('call'), call: RehearsalCallSchema }),
  z.object({
    type: z.literal('journal'),
    entries: z.array(RehearsalJournalEntrySchema).max(200),
    total: z.number().int(),
  }),
  z.object({
    type: z.literal('contacts'),
    query: z.string().max(100),
    contacts: z.array(RehearsalContactSchema).max(50),
  }),
  z.object({ type: z.literal('error'), message: Line }),
  z.object({ type: z.literal('signedOut') }),
]);
export type RehearsalHostMessage = z.infer<typeof RehearsalHostMessageSchema>;

/** Webview → host. */
export const RehearsalWebviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z
    .object({
      type: z.literal('signIn'),
      pbxName: z.string().trim().min(1).max(253),
      key: z.string().trim().min(1).max(200).optional(),
      /** The key file's text, as dropped onto the panel. */
      keyFile: z.string().min(1).max(10_000).optional(),
      login: z.string().trim().min(1).max(64),
      password: z.string().min(1).max(128),
    })
    .refine((v) => (v.key === undefined) !== (v.keyFile === undefined), {
      message: 'send either key or keyFile, not both and not neither',
    }),
  z.object({ type: z.literal('fix'), requirement: z.string().max(8), index: z.number().int().min(0).max(19) }),
  z.object({ type: z.literal('dial'), number: z.string().regex(DIAL_NUMBER_PATTERN) }),
  z.object({ type: z.literal('search'), query: z.string().max(100) }),
  z.object({ type: z.literal('hangup'), callId: z.string().min(1).max(128) }),
  z.object({ type: z.literal('refreshJournal') }),
  z.object({ type: z.literal('signOut') }),
]);
export type RehearsalWebviewMessage = z.infer<typeof RehearsalWebviewMessageSchema>;
