import { z } from 'zod';

/** One SIP binding as `GET /rest/sim/registrations` shows it. */
export const RegistrationSchema = z
  .object({
    aor: z.string().describe('Address of record, sip:<login>@<domain>'),
    userId: z.number().int(),
    login: z.string(),
    extension: z.string().nullable(),
    contact: z.string(),
    transport: z.enum(['UDP', 'TCP', 'WS']),
    source: z.string().describe('address:port the REGISTER came from'),
    expiresAt: z.string(),
    expiresIn: z.number().int(),
    callId: z.string(),
    cseq: z.number().int(),
    path: z.array(z.string()),
    userAgent: z.string().nullable(),
    registeredAt: z.string(),
  })
  .meta({ id: 'Registration' });
export type Registration = z.infer<typeof RegistrationSchema>;
export const RegistrationListSchema = z.array(RegistrationSchema);

/** Registrar limits (seconds): the default when a client names none, the longest and the shortest we accept. */
export const REGISTRAR_LIMITS = { defaultExpires: 3600, maxExpires: 7200, minExpires: 60 } as const;
