import { z } from 'zod';

/**
 * A user's sign-in and SIP credentials as `GET /rest/sim/credentials` shows them to an administrator: the
 * trainer's cheat sheet for the demo logins and softphones. Only the simulator has this; a real PBX keeps no
 * password it could show.
 */
export const SimCredentialSchema = z
  .object({
    userId: z.number().int(),
    login: z.string(),
    firstName: z.string(),
    familyName: z.string(),
    extension: z.string().nullable(),
    password: z
      .string()
      .nullable()
      .describe(
        'The login password when the simulator still knows it (it equals the SIP password); null after it was changed apart from it',
      ),
    sipPassword: z.string().describe('Digest password for SIP; digest user = login'),
  })
  .meta({ id: 'SimCredential' });
export type SimCredential = z.infer<typeof SimCredentialSchema>;

export const SimCredentialsSchema = z
  .object({
    users: z
      .array(SimCredentialSchema)
      .describe('Every user but the administrator, whose password the simulator keeps only as a hash'),
    sipDomains: z
      .array(z.string())
      .describe('Domains a SIP address of record may name: PBX names of configurations, then the listening address'),
    sipRealm: z
      .string()
      .describe(
        'The realm of the digest challenges (the PBX name of the active Teams configuration, else the listening address): a softphone that asks for a realm must be given exactly this',
      ),
  })
  .meta({ id: 'SimCredentials' });
export type SimCredentials = z.infer<typeof SimCredentialsSchema>;
