import { z } from 'zod';
import { Localized } from '../i18n.js';

/** What the STARFACE App for Teams sends when a user signs in (R21). */
export const TeamsLoginRequestSchema = z
  .strictObject({
    pbxName: z.string().min(1).max(253),
    key: z.string().min(1).max(200).optional(),
    keyFile: z.string().min(1).max(10_000).optional().describe("The key file's JSON text, as dropped into the app"),
    login: z.string().min(1).max(64),
    password: z.string().min(1).max(128),
  })
  .refine((v) => (v.key === undefined) !== (v.keyFile === undefined), {
    message: 'send either key or keyFile, not both and not neither',
    path: ['key'],
  })
  .meta({ id: 'TeamsLoginRequest' });
export type TeamsLoginRequest = z.infer<typeof TeamsLoginRequestSchema>;

export const UnmetRequirementSchema = z.object({ id: z.string(), message: Localized }).meta({ id: 'UnmetRequirement' });
export type UnmetRequirement = z.infer<typeof UnmetRequirementSchema>;

export const TeamsLoginSuccessSchema = z
  .object({
    ok: z.literal(true),
    user: z.object({ id: z.number().int(), login: z.string(), firstName: z.string(), familyName: z.string() }),
    pbxName: z.string(),
    configurationId: z.number().int(),
    mode: z.string(),
  })
  .meta({ id: 'TeamsLoginSuccess' });

export const TeamsLoginFailureSchema = z
  .object({ ok: z.literal(false), code: z.string(), message: z.string(), unmet: z.array(UnmetRequirementSchema) })
  .meta({ id: 'TeamsLoginFailure' });
export type TeamsLoginFailure = z.infer<typeof TeamsLoginFailureSchema>;
