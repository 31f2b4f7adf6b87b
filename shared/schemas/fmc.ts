import { z } from 'zod';
import { lenientObject } from './lenient.js';

/* REST 6.7 definitions of iFMC phones: a mobile number the PBX rings too, on a weekly schedule. */

/** One weekly window: the days it applies on and its start and end time of day (the simulator writes `HH:mm`). */
export const TimeFrameSchema = z
  .object({
    friday: z.boolean(),
    monday: z.boolean(),
    saturday: z.boolean(),
    sunday: z.boolean(),
    thursday: z.boolean(),
    timeBegin: z.string(),
    timeEnd: z.string(),
    tuesday: z.boolean(),
    wednesday: z.boolean(),
  })
  .meta({ id: 'TimeFrame' });
export type TimeFrame = z.infer<typeof TimeFrameSchema>;

/** `delay`: seconds before the mobile rings; `confirm`: the callee must press a key to take the call. */
export const FmcPhoneSchema = z
  .object({
    active: z.boolean(),
    confirm: z.boolean(),
    delay: z.number().int(),
    fmcSchedule: z.array(TimeFrameSchema),
    id: z.string(),
    number: z.string(),
    telephoneId: z.string().optional(),
  })
  .meta({ id: 'FmcPhone' });
export type FmcPhone = z.infer<typeof FmcPhoneSchema>;
/** POST /fmcPhones: the PBX gives the id, so a new phone may come without one. */
export const FmcPhoneBodySchema = lenientObject(FmcPhoneSchema, {
  id: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
});

/** `userId`: whose iFMC phones (the account id; a login is taken too); default the caller. */
export const FmcPhoneQuerySchema = z.object({ userId: z.string().optional() });
