import { z } from 'zod';
import { lenientObject, loginString, unchangedIfEmpty } from './lenient.js';
import { AuthTokenSchema } from './login.js';

/*
 * Definitions of the STARFACE REST API 6.7.0.22 (reference: starface-rest-6.7-operations.md) for who signs in
 * and who can be called: Account, User, PermissionInfo, Login, AuthToken. Field names, types, enums and
 * required marks are the fact sheet's. `users.ts` and `login.ts` hold the schemas the routes use today (with
 * simulator extras such as `extension`); these are the fact-sheet definitions the REST 6.7 table will use. The
 * four that exist there already carry no global `meta` id here, so that the registry keeps one `User`.
 */

export const AccountTypeSchema = z.enum(['USER', 'GROUP', 'REMOTE_USER', 'REMOTE_GROUP']);
export type AccountType = z.infer<typeof AccountTypeSchema>;

/** GET /accounts: users and groups share one id space, as on the PBX. */
export const AccountSchema = z
  .object({
    accountId: z.number().int(),
    displayInformation: z.string(),
    federationname: z.string(),
    firstname: z.string(),
    lastname: z.string(),
    local: z.boolean(),
    primaryInternalPhoneNumber: z.string(),
    type: AccountTypeSchema,
  })
  .meta({ id: 'Account' });
export type Account = z.infer<typeof AccountSchema>;

/** The fact sheet's `User`; `password` is write-only (present but empty on GET). */
export const UserDefinitionSchema = z.object({
  email: z.string(),
  familyName: z.string(),
  faxCallerId: z.string().optional(),
  faxCoverPage: z.boolean().optional(),
  faxEmailJournal: z.boolean().optional(),
  faxHeader: z.string().optional(),
  firstName: z.string(),
  id: z.number().int().optional(),
  language: z.string(),
  login: z.string(),
  missedCallReport: z.boolean().optional(),
  namespace: z.string().optional(),
  password: z.string().optional(),
  /** Links the user to a contact (the contact's string id). */
  personId: z.string().optional(),
});
export type UserDefinition = z.infer<typeof UserDefinitionSchema>;

/**
 * POST/PUT /users body as real clients send it: `login` a string or a JSON number (the PHP example),
 * `password` optional, and `null`/`""` meaning "unchanged" (a PUT of what GET returned).
 */
export const UserBodySchema = lenientObject(UserDefinitionSchema, { login: loginString, password: unchangedIfEmpty });
export type UserBody = z.output<typeof UserBodySchema>;

export const PermissionInfoDefinitionSchema = z.object({
  description: z.string().optional(),
  id: z.number().int().optional(),
  permission: z.string().optional(),
});
export type PermissionInfoDefinition = z.infer<typeof PermissionInfoDefinitionSchema>;

export const LoginTypeDefinitionSchema = z.enum(['Internal', 'ActiveDirectory']);

/** The fact sheet's `Login`. `secret` is optional, and `null` in the challenge GET /login answers (as on the PBX). */
export const LoginDefinitionSchema = z.object({
  loginType: LoginTypeDefinitionSchema,
  nonce: z.string(),
  secret: z.string().nullable().optional(),
});
export type LoginDefinition = z.infer<typeof LoginDefinitionSchema>;

export { AuthTokenSchema };

export type LoginTypeDefinition = z.infer<typeof LoginTypeDefinitionSchema>;
