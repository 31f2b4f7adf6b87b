import { z } from 'zod';
import { lenientObject } from './lenient.js';

/*
 * REST 6.7 definitions of call redirections. `RedirectDestination` is the Swagger base type of a polymorphic
 * pair (discriminator `redirectDestinationType`): a `Redirection` carries one of its two subtypes, so there
 * the destination is a discriminated union; the three definitions themselves keep the fact sheet's shape.
 */

export const RedirectDestinationTypeSchema = z.enum(['MAILBOX', 'PHONENUMBER']);
export type RedirectDestinationType = z.infer<typeof RedirectDestinationTypeSchema>;
export const RedirectTriggerTypeSchema = z.enum(['ALWAYS', 'BUSY', 'TIMEOUT']);
export type RedirectTriggerType = z.infer<typeof RedirectTriggerTypeSchema>;

export const RedirectDestinationSchema = z
  .object({ redirectDestinationType: RedirectDestinationTypeSchema })
  .meta({ id: 'RedirectDestination' });

export const RedirectMailboxDestinationSchema = z
  .object({ mailboxId: z.string(), redirectDestinationType: RedirectDestinationTypeSchema })
  .meta({ id: 'RedirectMailboxDestination' });
export type RedirectMailboxDestination = z.infer<typeof RedirectMailboxDestinationSchema>;

export const RedirectPhoneNumberDestinationSchema = z
  .object({ phoneNumber: z.string(), redirectDestinationType: RedirectDestinationTypeSchema })
  .meta({ id: 'RedirectPhoneNumberDestination' });
export type RedirectPhoneNumberDestination = z.infer<typeof RedirectPhoneNumberDestinationSchema>;

/** Where a redirection sends the call: a mailbox (its id, a string here) or a phone number. */
export const RedirectDestinationUnionSchema = z.discriminatedUnion('redirectDestinationType', [
  RedirectMailboxDestinationSchema.extend({ redirectDestinationType: z.literal('MAILBOX') }),
  RedirectPhoneNumberDestinationSchema.extend({ redirectDestinationType: z.literal('PHONENUMBER') }),
]);
export type RedirectDestinationUnion = z.infer<typeof RedirectDestinationUnionSchema>;

export const RedirectTriggerSchema = z
  .object({ redirectTriggerType: RedirectTriggerTypeSchema })
  .meta({ id: 'RedirectTrigger' });
export type RedirectTrigger = z.infer<typeof RedirectTriggerSchema>;

/**
 * One redirection of one number for one trigger. `lastMailboxDestination` / `lastPhoneNumberDestination`
 * remember the other kind of target, so switching back in a client restores it.
 */
export const RedirectionSchema = z
  .object({
    enabled: z.boolean(),
    groupNumber: z.boolean().optional(),
    id: z.string(),
    lastMailboxDestination: RedirectMailboxDestinationSchema.optional(),
    lastPhoneNumberDestination: RedirectPhoneNumberDestinationSchema.optional(),
    phoneNumber: z.string().optional(),
    redirectDestination: RedirectDestinationUnionSchema,
    redirectTrigger: RedirectTriggerSchema,
  })
  .meta({ id: 'Redirection' });
export type Redirection = z.infer<typeof RedirectionSchema>;
/** PUT /redirects/{redirectId}: the path names the redirection, so the body's `id` may be absent. */
export const RedirectionBodySchema = lenientObject(RedirectionSchema, {
  id: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
});

export type RedirectDestination = z.infer<typeof RedirectDestinationSchema>;

/**
 * `actOnBehalfOf` (GET/PUT /redirects…): the login of the user whose redirections are meant. The fact sheet types
 * it as a string and says no more; the simulator takes a login (or, where no login matches, an account id), lets
 * an administrator name anyone and everybody else only themselves.
 */
export const RedirectQuerySchema = z.object({ actOnBehalfOf: z.string().min(1).max(100).optional() });
