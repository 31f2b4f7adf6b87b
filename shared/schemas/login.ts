import { z } from 'zod';

/** The spelling in the schema is `Internal`; the prose says `INTERNAL`; the official client ignores case. */
export const LoginTypeSchema = z
  .string()
  .refine((v) => ['internal', 'activedirectory', 'active_directory'].includes(v.toLowerCase()), {
    message: 'loginType must be Internal or ActiveDirectory',
  });

export const LoginChallengeSchema = z
  .object({ loginType: z.string(), nonce: z.string(), secret: z.null() })
  .meta({ id: 'LoginChallenge' });
export type LoginChallenge = z.infer<typeof LoginChallengeSchema>;

export const LoginRequestSchema = z
  .strictObject({ loginType: LoginTypeSchema, nonce: z.string().min(1).max(200), secret: z.string().min(1).max(1000) })
  .meta({ id: 'Login' });
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const AuthTokenSchema = z.object({ token: z.string() }).meta({ id: 'AuthToken' });
export type AuthToken = z.infer<typeof AuthTokenSchema>;

export const ServerVersionSchema = z
  .object({ version: z.string().describe('Four-part STARFACE version, e.g. 6.7.3.11') })
  .meta({ id: 'ServerVersion' });
export type ServerVersion = z.infer<typeof ServerVersionSchema>;

export const TOKEN_LIFETIME_MS = 4 * 60 * 60 * 1000;
export const NONCE_LIFETIME_MS = 60 * 1000;
