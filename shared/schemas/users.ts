import { z } from 'zod';
import { UserDefinitionSchema } from './accounts.js';
import { loginString, nullable, queryBoolean, unchangedIfEmpty } from './lenient.js';

const Login = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'login may hold letters, digits and . _ @ -');
const Extension = z.string().regex(/^\d{2,8}$/, 'extension must be 2 to 8 digits');
const Password = z.string().min(6, 'password must have at least 6 characters').max(128);

/**
 * The real STARFACE `User` (REST 6.7, the fact sheet's definition `UserDefinitionSchema`) as the simulator
 * answers it: every field of the definition is present (the optional ones with their empty value), `password`
 * present but empty as on the PBX (write-only), plus the simulator's `extension`.
 */
export const UserSchema = UserDefinitionSchema.extend({
  id: z.number().int(),
  password: z.literal('').optional().describe('Write-only: always empty when fetched'),
  extension: z.string().optional().describe('Simulator: the internal phone number'),
}).meta({ id: 'User' });
export type User = z.infer<typeof UserSchema>;

/**
 * The body of POST and PUT /users as real clients send it, a lenient twin of `User`: `login` a string or a JSON
 * number (the PHP example), every optional field also `null`, unknown fields stripped; `id` and `personId`
 * (what GET returned) are accepted and ignored — the path names the user and the PBX keeps the contact link.
 * A field of the definition with a wrong type is still a 400 naming it.
 */
const userBodyShape = {
  login: loginString.pipe(Login),
  firstName: z.string().max(100),
  familyName: z.string().max(100),
  email: z.union([z.email(), z.literal('')]),
  language: z.string().max(16),
  id: nullable(z.number().int()),
  namespace: nullable(z.string().max(100)),
  personId: nullable(z.string().max(100)),
  missedCallReport: nullable(z.boolean()),
  faxCallerId: nullable(z.string().max(64)),
  faxCoverPage: nullable(z.boolean()),
  faxEmailJournal: nullable(z.boolean()),
  faxHeader: nullable(z.string().max(200)),
  extension: nullable(Extension),
  /** Absent, `null` or `""`: none (POST; such a user cannot sign in until one is set) or unchanged (PUT). */
  password: unchangedIfEmpty.pipe(Password.optional()),
};

/** POST /rest/users. */
export const UserCreateSchema = z.object(userBodyShape).meta({ id: 'UserCreate' });
export type UserCreate = z.output<typeof UserCreateSchema>;

/** PUT /rest/users/{id}: the full user as GET returns it, plus an optional new password. */
export const UserUpdateSchema = z.object(userBodyShape).meta({ id: 'UserUpdate' });
export type UserUpdate = z.output<typeof UserUpdateSchema>;

export const UserListSchema = z.array(UserSchema);

export const PermissionInfoSchema = z
  .object({ id: z.number().int(), permission: z.string(), description: z.string() })
  .meta({ id: 'PermissionInfo' });
export type PermissionInfo = z.infer<typeof PermissionInfoSchema>;

/** PUT /rest/permissions/users/{userId}: the full list of permission ids; those not listed are removed. */
export const PermissionIdListSchema = z.array(z.number().int()).max(100).meta({ id: 'PermissionIdList' });
/** PUT /rest/permissions/{permissionId}/users?granted=true|false: the users to grant to or revoke from. */
export const UserIdListSchema = z.array(z.number().int()).max(100_000).meta({ id: 'UserIdList' });

/** GET /rest/users?searchTerm=: NUL is refused because the simulator's search index joins fields with it. */
export const UserSearchQuerySchema = z.object({
  searchTerm: z
    .string()
    .max(200)
    .refine((v) => !v.includes('\u0000'), 'searchTerm may not contain NUL')
    .optional(),
});

/** PUT /rest/permissions/{permissionId}/users?granted=: grant (true) or revoke (false), in any case (`TRUE`). */
export const PermissionGrantQuerySchema = z.object({ granted: queryBoolean });
