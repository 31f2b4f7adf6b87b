import { z } from 'zod';

/** Bounds of a SIP digest secret: the scenario's old minimum, a maximum no softphone's settings field chokes on. */
export const SIP_SECRET_MIN_LENGTH = 6;
export const SIP_SECRET_MAX_LENGTH = 128;

/**
 * A user's SIP digest secret (the "SIP password" a softphone is given). Control characters are refused: the
 * secret is pasted into softphone settings and shown in the cheat sheet, where they would be invisible.
 */
export const SipSecretSchema = z
  .string()
  .min(SIP_SECRET_MIN_LENGTH, `a SIP secret must have at least ${SIP_SECRET_MIN_LENGTH} characters`)
  .max(SIP_SECRET_MAX_LENGTH, `a SIP secret must have at most ${SIP_SECRET_MAX_LENGTH} characters`)
  // eslint-disable-next-line no-control-regex -- the point is to refuse them
  .regex(/^[^\x00-\x1f\x7f]+$/, 'a SIP secret must not contain control characters');

/** `PUT /rest/sim/users/{userId}/sip-secret`: a secret of one's own, or none to have the simulator generate one. */
export const SipSecretUpdateSchema = z
  .strictObject({
    secret: SipSecretSchema.optional().describe(
      'The new SIP secret; leave it out to have the simulator generate one (16 random characters). It must differ from the login password',
    ),
  })
  .meta({ id: 'SipSecretUpdate' });
export type SipSecretUpdate = z.infer<typeof SipSecretUpdateSchema>;

export const SipSecretAnswerSchema = z
  .object({
    userId: z.number().int(),
    login: z.string().describe('The digest user name'),
    secret: z.string().describe('The SIP secret now in force; shown here once (and to admins in /sim/credentials)'),
    generated: z.boolean().describe('True when the simulator generated the secret'),
  })
  .meta({ id: 'SipSecretAnswer' });
export type SipSecretAnswer = z.infer<typeof SipSecretAnswerSchema>;

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
        "The login password, known only where it is also the user's SIP secret: the built-in scenarios' users (their passwords are public) and users of a store written before SIP secrets were separate; null for everyone else, whose login password the simulator keeps as a hash only",
      ),
    sipPassword: z
      .string()
      .describe(
        "The user's SIP secret: the digest password of their softphone (digest user = login); empty for a user who has none",
      ),
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
