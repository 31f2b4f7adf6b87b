import { z } from 'zod';
import { lenientObject } from './lenient.js';

/* REST 6.7 definitions of a user's phones (SIP devices and iFMC phones) and their settings. */

export const PhoneAssignmentSchema = z
  .object({
    active: z.boolean(),
    isIFMC: z.boolean(),
    phoneId: z.number().int(),
    phoneName: z.string(),
    userId: z.number().int(),
  })
  .meta({ id: 'PhoneAssignment' });
export type PhoneAssignment = z.infer<typeof PhoneAssignmentSchema>;
export const PhoneAssignmentBodySchema = lenientObject(PhoneAssignmentSchema);

export const PhoneConfigSchema = z
  .object({
    callWaiting: z.boolean(),
    displayNumberId: z.number().int(),
    doNotDisturb: z.boolean(),
    primaryPhoneId: z.number().int(),
  })
  .meta({ id: 'PhoneConfig' });
export type PhoneConfig = z.infer<typeof PhoneConfigSchema>;
export const PhoneConfigBodySchema = lenientObject(PhoneConfigSchema);

/** One of the user's numbers and whether it rings on the phone. */
export const NumberForPhoneAssignmentSchema = z
  .object({ active: z.boolean(), phoneNumber: z.string(), phoneNumberId: z.number().int() })
  .meta({ id: 'NumberForPhoneAssignment' });
export type NumberForPhoneAssignment = z.infer<typeof NumberForPhoneAssignmentSchema>;
/** PUT …/phones/{phoneId}/numbers: the fact sheet documents no body; clients send the list GET returned. */
export const NumberForPhoneAssignmentBodySchema = z.array(lenientObject(NumberForPhoneAssignmentSchema));
