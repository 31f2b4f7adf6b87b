import { z } from 'zod';
import { lenientObject, queryBoolean } from './lenient.js';

/* REST 6.7 definitions of phone numbers and their assignment to accounts (starface-rest-6.7-operations.md). */

export const PhoneNumberTypeSchema = z.enum(['INVALID', 'INTERNAL', 'EXTERNAL', 'RESERVED', 'NT', 'DISPLAY', 'FXO']);
export type PhoneNumberType = z.infer<typeof PhoneNumberTypeSchema>;

/** A number of the PBX; at most one of the `assigned*` fields names its owner. */
export const PhoneNumberSchema = z
  .object({
    assignedGroupAccountId: z.number().int().optional(),
    assignedModuleInstanceId: z.string().optional(),
    assignedServiceId: z.number().int().optional(),
    assignedUserAccountId: z.number().int().optional(),
    exitCode: z.string().optional(),
    id: z.number().int(),
    localPrefix: z.string().optional(),
    nationalPrefix: z.string().optional(),
    number: z.string(),
    numberBlockId: z.number().int().optional(),
    type: PhoneNumberTypeSchema,
  })
  .meta({ id: 'PhoneNumber' });
export type PhoneNumber = z.infer<typeof PhoneNumberSchema>;

/**
 * GET /phonenumbers: `type` one of the PhoneNumber types in any case (`external` = `EXTERNAL`), `assigned` true for
 * numbers that belong to a user, group or service, false for spare ones; booleans in any case, as the PBX parses.
 */
export const PhoneNumberQuerySchema = z.object({
  type: z
    .string()
    .transform((v) => v.toUpperCase())
    .pipe(PhoneNumberTypeSchema)
    .optional(),
  assigned: queryBoolean.optional(),
});

/** One number of an account, for one call service. */
export const PhoneNumberAssignmentSchema = z
  .object({ accountId: z.number().int(), phoneNumberId: z.number().int(), serviceId: z.number().int() })
  .meta({ id: 'PhoneNumberAssignment' });
export type PhoneNumberAssignment = z.infer<typeof PhoneNumberAssignmentSchema>;
export const PhoneNumberAssignmentBodySchema = z.array(lenientObject(PhoneNumberAssignmentSchema));

/** A user's primary and signalled numbers; `possibleSignalnumbers` is what the PBX offers to choose from. */
export const PhoneNumberConfigSchema = z
  .object({
    possibleSignalnumbers: z.array(PhoneNumberSchema),
    primaryExternalNumberId: z.number().int(),
    primaryInternalNumberId: z.number().int().optional(),
    signalingNumberId: z.number().int().optional(),
  })
  .meta({ id: 'PhoneNumberConfig' });
export type PhoneNumberConfig = z.infer<typeof PhoneNumberConfigSchema>;
export const PhoneNumberConfigBodySchema = lenientObject(PhoneNumberConfigSchema);

/** A number as a group's edit form lists it: its parts and whether the group holds it. */
export const AssignableNumberSchema = z
  .object({
    assigned: z.boolean().optional(),
    countryCode: z.string().optional(),
    exitCode: z.string().optional(),
    extension: z.string().optional(),
    id: z.number().int().optional(),
    intern: z.boolean().optional(),
    localAreaCode: z.string().optional(),
  })
  .meta({ id: 'AssignableNumber' });
export type AssignableNumber = z.infer<typeof AssignableNumberSchema>;
