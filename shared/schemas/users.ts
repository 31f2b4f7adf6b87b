import { z } from 'zod';

const Login = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'login may hold letters, digits and . _ @ -');
const Extension = z.string().regex(/^\d{2,8}$/, 'extension must be 2 to 8 digits');
const Password = z.string().min(6, 'password must have at least 6 characters').max(128);

/** The real STARFACE `User` (REST 6.7); `password` is write-only and never returned. */
export const UserSchema = z
  .object({
    id: z.number().int(),
    login: z.string(),
    firstName: z.string(),
    familyName: z.string(),
    email: z.string(),
    language: z.string(),
    namespace: z.string().optional(),
    personId: z.string().optional(),
    missedCallReport: z.boolean().optional(),
    faxCallerId: z.string().optional(),
    faxCoverPage: z.boolean().optional(),
    faxEmailJournal: z.boolean().optional(),
    faxHeader: z.string().optional(),
    extension: z.string().optional().describe('Simulator: the internal phone number'),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof UserSchema>;

const UserWritable = {
  login: Login,
  firstName: z.string().max(100),
  familyName: z.string().max(100),
  email: z.union([z.email(), z.literal('')]),
  language: z.string().max(16),
  namespace: z.string().max(100).optional(),
  personId: z.string().max(100).optional(),
  missedCallReport: z.boolean().optional(),
  faxCallerId: z.string().max(64).optional(),
  faxCoverPage: z.boolean().optional(),
  faxEmailJournal: z.boolean().optional(),
  faxHeader: z.string().max(200).optional(),
  extension: Extension.optional(),
  password: Password.optional(),
};

/** POST /rest/users. `id` may be sent (clients echo it) but is ignored. */
export const UserCreateSchema = z
  .strictObject({ ...UserWritable, id: z.number().int().optional(), password: Password })
  .meta({ id: 'UserCreate' });
export type UserCreate = z.infer<typeof UserCreateSchema>;

/** PUT /rest/users/{id}: the full user as GET returns it, plus an optional new password. */
export const UserUpdateSchema = z
  .strictObject({ ...UserWritable, id: z.number().int().optional() })
  .meta({ id: 'UserUpdate' });
export type UserUpdate = z.infer<typeof UserUpdateSchema>;

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

/** PUT /rest/permissions/{permissionId}/users?granted=: grant (true) or revoke (false). */
export const PermissionGrantQuerySchema = z.object({
  granted: z.enum(['true', 'false'], { error: 'granted must be true or false' }).transform((v) => v === 'true'),
});
