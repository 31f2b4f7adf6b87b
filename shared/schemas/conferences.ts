import { z } from 'zod';
import { PagingQueryShape } from './contacts.js';
import { lenientObject, queryInteger } from './lenient.js';

/* REST 6.7 definitions of the conference configuration (invitation mail) and of managed conferences. */

export const ConferenceLanguageSchema = z.enum(['en', 'de', 'es', 'fr', 'nl', 'pl', 'sk']);
export type ConferenceLanguage = z.infer<typeof ConferenceLanguageSchema>;

/** A placeholder the invitation mail body may use, e.g. the dial-in number. */
export const ConferenceConfigurationMailBodyVariableSchema = z
  .object({ name: z.string(), placeholder: z.string() })
  .meta({ id: 'ConferenceConfigurationMailBodyVariable' });
export type ConferenceConfigurationMailBodyVariable = z.infer<typeof ConferenceConfigurationMailBodyVariableSchema>;

export const ConferenceConfigurationSchema = z
  .object({
    eMailBody: z.string(),
    eMailSubject: z.string(),
    externalNumberId: z.number().int().optional(),
    internalNumberId: z.number().int().optional(),
    language: ConferenceLanguageSchema,
    serverAddress: z.string().optional(),
    variables: z.array(ConferenceConfigurationMailBodyVariableSchema),
  })
  .meta({ id: 'ConferenceConfiguration' });
export type ConferenceConfiguration = z.infer<typeof ConferenceConfigurationSchema>;
export const ConferenceConfigurationBodySchema = lenientObject(ConferenceConfigurationSchema);

export const ConferenceConfigurationTextsSchema = z
  .object({ eMailBody: z.string(), eMailSubject: z.string() })
  .meta({ id: 'ConferenceConfigurationTexts' });
export type ConferenceConfigurationTexts = z.infer<typeof ConferenceConfigurationTextsSchema>;

export const ConferenceOccurrenceSchema = z.enum(['ONCE', 'EVERYDAY', 'EVERYWEEK', 'EVERYMONTH']);
export type ConferenceOccurrence = z.infer<typeof ConferenceOccurrenceSchema>;

export const ManagedConferenceParticipantSchema = z
  .object({
    callOnStart: z.boolean(),
    displayName: z.string(),
    eMailAddress: z.string().optional(),
    isModerator: z.boolean(),
    participantId: z.number().int().optional(),
    phoneNumber: z.string(),
    userId: z.number().int(),
  })
  .meta({ id: 'ManagedConferenceParticipant' });
export type ManagedConferenceParticipant = z.infer<typeof ManagedConferenceParticipantSchema>;

/** `startTime`: milliseconds since the epoch (int64). */
export const ManagedConferenceSchema = z
  .object({
    conferenceId: z.number().int().optional(),
    eMailBody: z.string(),
    name: z.string(),
    occurrence: ConferenceOccurrenceSchema,
    participants: z.array(ManagedConferenceParticipantSchema).optional(),
    startTime: z.number().int(),
  })
  .meta({ id: 'ManagedConference' });
export type ManagedConference = z.infer<typeof ManagedConferenceSchema>;
export const ManagedConferenceBodySchema = lenientObject(ManagedConferenceSchema);

export const ManagedConferenceSummarySchema = z
  .object({
    conferenceId: z.number().int(),
    isActive: z.boolean(),
    isReadonly: z.boolean(),
    isTerminated: z.boolean(),
    name: z.string(),
    startTime: z.number().int(),
  })
  .meta({ id: 'ManagedConferenceSummary' });
export type ManagedConferenceSummary = z.infer<typeof ManagedConferenceSummarySchema>;

export const ConferenceConfigurationQuerySchema = z.object({
  userId: queryInteger.pipe(z.number().int().positive('must be a user id')),
});
export const DefaultTextsQuerySchema = z.object({ locale: z.string().max(20).optional() });
export const ManagedConferenceListQuerySchema = z.object(PagingQueryShape);
export const StartConferenceQuerySchema = z.object({ phoneName: z.string().max(200).optional() });
