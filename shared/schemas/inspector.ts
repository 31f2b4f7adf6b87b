import { z } from 'zod';
import { EventSchema } from './events.js';

/**
 * Messages between the extension host and the "STARFACE Events" webview. The webview never talks to the PBX
 * and never sees a credential: the host holds the UCI socket and forwards events in batches.
 */
export const INSPECTOR_VIEW_TYPE = 'starface.inspector';
export const DEFAULT_INSPECTOR_BUFFER = 50_000;

export const ConnectionStatusSchema = z.object({
  state: z.enum(['connecting', 'live', 'reconnecting', 'disconnected']),
  connection: z.string().describe('The connection name'),
  detail: z.string().optional().describe('Why, in the user language'),
  retryInMs: z.number().int().optional(),
});
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

/** Host → webview. */
export const HostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    bufferSize: z.number().int().positive(),
    language: z.string(),
    connection: z.string().nullable(),
  }),
  z.object({ type: z.literal('events'), events: z.array(EventSchema) }),
  z.object({ type: z.literal('status'), status: ConnectionStatusSchema }),
  /**
   * After a reconnect: the seqs between were missing (`filled`: asked for again with sinceSeq). `uncounted`: the
   * PBX had ended the session and numbers no events (a real STARFACE), so events may be missing before
   * `beforeSeq` and how many is unknown.
   */
  z.object({
    type: z.literal('gap'),
    afterSeq: z.number().int(),
    beforeSeq: z.number().int(),
    filled: z.boolean(),
    uncounted: z.boolean().optional(),
  }),
  /** A JSON Lines file opened for offline analysis: replaces the rows, stops following live events. */
  z.object({ type: z.literal('loaded'), source: z.string(), events: z.array(EventSchema), skipped: z.number().int() }),
  z.object({ type: z.literal('clear') }),
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;

/** Webview → host. */
export const WebviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Save these rows as JSON Lines (the host asks where). */
  z.object({ type: z.literal('export'), scope: z.enum(['all', 'filtered']), events: z.array(EventSchema) }),
  z.object({ type: z.literal('copy'), text: z.string().max(1_000_000) }),
  z.object({ type: z.literal('openFile') }),
  z.object({ type: z.literal('reconnect') }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessageSchema>;

/** What the webview keeps in `setState` so a reload restores it. */
export const InspectorStateSchema = z.object({
  filters: z.object({
    services: z.array(z.string()),
    event: z.string(),
    user: z.string(),
    callId: z.string(),
    text: z.string(),
  }),
  paused: z.boolean(),
  followTail: z.boolean(),
  selectedSeq: z.number().int().nullable(),
  view: z.enum(['table', 'call']),
});
export type InspectorState = z.infer<typeof InspectorStateSchema>;
