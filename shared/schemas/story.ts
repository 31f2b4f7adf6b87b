import { z } from 'zod';
import { ConfigurationUpdateSchema } from './modules.js';

/**
 * A story: a scripted demo the simulator plays through its own SIP, UCI and REST listeners, step by step, at a
 * pace a trainer can talk over. Stories are data files (simulator/stories/*.json, or any file of this shape).
 */

const Login = z.string().min(1).max(64).describe("A user's login (their SIP account in the built-in scenarios)");
const Ms = z.number().int().min(0).max(600_000);

const Narration = z
  .strictObject({ en: z.string().min(1).max(500), de: z.string().min(1).max(500) })
  .describe('What the trainer may say while the step plays, in English and German');

const RegisterAction = z.strictObject({
  do: z.literal('register'),
  user: Login.describe('The phone of this user registers (SIP REGISTER with digest over loopback UDP)'),
});
const UnregisterAction = z.strictObject({ do: z.literal('unregister'), user: Login });
const CallAction = z.strictObject({
  do: z.literal('call'),
  from: Login.describe('Places the call with click-to-dial over UCI (placeCallWithPhone); their phone answers'),
  to: z.string().min(1).max(64).describe("A user's extension or a virtual phone such as the hotline 1099"),
  answer: z.boolean().default(true).describe("false: the callee's phone rings and is never answered (a missed call)"),
  holdMs: Ms.default(3000).describe(
    'How long the call lasts (connected, or ringing when not answered) before the caller hangs up',
  ),
});
const PresenceAction = z.strictObject({
  do: z.literal('presence'),
  user: Login,
  message: z.string().max(500).optional().describe('UCI setChatPresenceMessage'),
  doNotDisturb: z.boolean().optional().describe('UCI setDoNotDisturbSetting'),
});
const ConfigureAction = z.strictObject({
  do: z.literal('configure'),
  configuration: z.string().min(1).describe('Name of the module configuration (REST PUT /modules/configurations/{id})'),
  set: ConfigurationUpdateSchema,
});
const RestartConnectorAction = z.strictObject({
  do: z.literal('restart-connector'),
  configuration: z.string().min(1).describe('Deactivates and activates its UCI connector over REST (R17)'),
});

export const StoryActionSchema = z.discriminatedUnion('do', [
  RegisterAction,
  UnregisterAction,
  CallAction,
  PresenceAction,
  ConfigureAction,
  RestartConnectorAction,
]);
export type StoryAction = z.infer<typeof StoryActionSchema>;

export const StoryStepSchema = z.strictObject({
  say: Narration,
  action: StoryActionSchema,
  pauseMs: Ms.default(2000).describe('The pause after the step, before the next one starts'),
});
export type StoryStep = z.infer<typeof StoryStepSchema>;

export const StorySchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
      .describe('Lower-case letters, digits and dashes'),
    description: Narration,
    scenario: z.string().min(1).optional().describe('The scenario the story is written for (a note; not applied)'),
    steps: z.array(StoryStepSchema).min(1).max(500),
  })
  .meta({ id: 'Story' });
export type Story = z.infer<typeof StorySchema>;

export const STORY_STATES = ['idle', 'playing', 'paused'] as const;

export const StoryStartSchema = z
  .union([
    z.strictObject({ name: z.string().min(1).max(64), speed: z.number().positive().max(1000).default(1) }),
    z.strictObject({ story: z.unknown(), speed: z.number().positive().max(1000).default(1) }),
  ])
  .describe("A built-in story by name, or a story file's content; speed 2 halves every pause")
  .meta({ id: 'StoryStart' });

export const StoryPauseSchema = z.strictObject({ paused: z.boolean() }).meta({ id: 'StoryPause' });

export const StoryStatusSchema = z
  .object({
    state: z.enum(STORY_STATES),
    story: z.string().optional(),
    speed: z.number().optional(),
    step: z.number().int().optional().describe('1-based number of the step playing (or last played)'),
    steps: z.number().int().optional(),
    say: Narration.optional(),
    error: z.string().optional().describe('Why the last story ended early, if it did'),
  })
  .meta({ id: 'StoryStatus' });
export type StoryStatus = z.infer<typeof StoryStatusSchema>;

/** sim.events.story events: data {story, step, steps, say?, action?, error?}. */
export const STORY_EVENTS = [
  'started',
  'step-started',
  'step-done',
  'paused',
  'resumed',
  'finished',
  'stopped',
  'failed',
] as const;
export type StoryEventName = (typeof STORY_EVENTS)[number];
