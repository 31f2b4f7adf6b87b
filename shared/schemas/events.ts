import { z } from 'zod';

/** Simulator-only event services; the real UCI ones are named `ucp.v22.events.*`. */
export const SIM_SERVICES = {
  config: 'sim.events.config',
  licences: 'sim.events.licences',
  users: 'sim.events.users',
  connector: 'sim.events.connector',
  log: 'sim.events.log',
  registrar: 'sim.events.registrar',
  server: 'sim.events.server',
  teams: 'sim.events.teams',
  // The telephony resources of the REST API 6.7: one service each, so a subscriber (the tree, the inspector's
  // filter) follows only what it shows.
  numbers: 'sim.events.numbers',
  phones: 'sim.events.phones',
  groups: 'sim.events.groups',
  redirects: 'sim.events.redirects',
  callServices: 'sim.events.callservices',
  contacts: 'sim.events.contacts',
  functionKeys: 'sim.events.functionkeys',
  voicemail: 'sim.events.voicemail',
  conferences: 'sim.events.conferences',
  fmc: 'sim.events.fmc',
  /** Entries of the simulator's call journal (shared/schemas/callJournal.ts), one event per user. */
  callJournal: 'sim.events.calljournal',
  /** A story playing (shared/schemas/story.ts): one event per step started and done, paused, finished. */
  story: 'sim.events.story',
} as const;
export type SimService = (typeof SIM_SERVICES)[keyof typeof SIM_SERVICES];

/**
 * sim.events.log: sessions were ended by a change (a password set, a right taken, the user deleted, a scenario
 * applied); data: level, message, userId and login (absent for a scenario), restTokens, uciSessions, and
 * oauthSessions where OAuth sessions (STARFACE 10) ended too.
 */
export const SESSIONS_ENDED_EVENT = 'sessions-ended';

export const EventSchema = z
  .object({
    seq: z.number().int().positive().describe('Contiguous, increasing by one per event'),
    time: z.string(),
    service: z.string(),
    event: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Event' });
export type SimEvent = z.infer<typeof EventSchema>;

export const EventListSchema = z
  .object({
    events: z.array(EventSchema),
    lastSeq: z.number().int(),
    oldestSeq: z.number().int(),
    bootId: z.string().describe('Changes when the simulator restarts; seq starts at 1 again'),
  })
  .meta({ id: 'EventList' });
export type EventList = z.infer<typeof EventListSchema>;

export const EventQuerySchema = z.strictObject({
  sinceSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
