import { z } from 'zod';

/* REST 6.7 definition of a call service (what a number is assigned for: telephony, fax, a module …). */

export const CallServiceSchema = z
  .object({ label: z.string().optional(), serviceId: z.number().int(), serviceName: z.string().optional() })
  .meta({ id: 'CallService' });
export type CallService = z.infer<typeof CallServiceSchema>;

/** GET /callservices?type=: only the services of that type (e.g. DEFAULT, CONFERENCE), in any case. */
export const CallServiceQuerySchema = z.object({ type: z.string().max(50).optional() });
