import { z } from 'zod';

/** The UCI call states (starface-uci.md). REQUESTED is never signalled by the server. */
export const CALL_STATES = [
  'REQUESTED',
  'PROCEEDING',
  'RINGBACK',
  'INCOMING',
  'RINGING',
  'CONNECTED',
  'HANGUP',
  'PARKED',
] as const;
export const CallStateNameSchema = z.enum(CALL_STATES);
export type CallStateName = (typeof CALL_STATES)[number];

/** The UCI event service and event that carry call states. */
export const CALL_EVENT_SERVICE = 'ucp.v22.events.call';
export const CALL_STATE_EVENT = 'receiveCallState';

/**
 * One call-state event as the simulator publishes it on the bus: the real UCI call-state map
 * (`id`, `state`, `timestamp`, caller and called number and name; unknown values are empty strings)
 * plus the user whose view of the call it is.
 */
export const CallStateSchema = z
  .object({
    userId: z.number().int().describe('The user whose view of the call this is'),
    login: z.string(),
    id: z.string().describe("UUID of this user's view of the call, stable through the call"),
    state: CallStateNameSchema,
    timestamp: z.number().int().describe('Milliseconds since the epoch'),
    callerNumber: z.string(),
    callerName: z.string(),
    calledNumber: z.string(),
    calledName: z.string(),
  })
  .meta({ id: 'CallState' });
export type CallState = z.infer<typeof CallStateSchema>;

/** One party of a live call as `GET /rest/sim/calls` shows it. */
export const CallPartySchema = z
  .object({
    kind: z.enum(['user', 'virtual']),
    userId: z.number().int().nullable(),
    login: z.string().nullable(),
    number: z.string(),
    name: z.string(),
    id: z.string().nullable().describe('The UCI call id of this party (null for a virtual phone)'),
    state: CallStateNameSchema,
  })
  .meta({ id: 'CallParty' });
export type CallParty = z.infer<typeof CallPartySchema>;

export const CallInfoSchema = z
  .object({
    callId: z.string().describe('SIP Call-ID of the caller leg'),
    startedAt: z.string(),
    connectedAt: z.string().nullable(),
    caller: CallPartySchema,
    callee: CallPartySchema,
  })
  .meta({ id: 'Call' });
export type CallInfo = z.infer<typeof CallInfoSchema>;
export const CallListSchema = z.array(CallInfoSchema);

/** Virtual phones: extensions the simulator answers itself (scenario `virtualPhones`). */
export const VIRTUAL_PHONE_BEHAVIOURS = ['answer', 'busy', 'no-answer', 'decline'] as const;
export const VirtualPhoneSchema = z
  .strictObject({
    extension: z.string().regex(/^\d{2,8}$/),
    name: z.string().min(1).max(80),
    behaviour: z.enum(VIRTUAL_PHONE_BEHAVIOURS).default('answer'),
    answerAfterMs: z
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(1000)
      .describe('answer: when to send 200 OK; decline: when to send 603'),
  })
  .meta({ id: 'VirtualPhone' });
export type VirtualPhone = z.infer<typeof VirtualPhoneSchema>;
