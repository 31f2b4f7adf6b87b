import { z } from 'zod';
import { LicenceTypeSchema } from '../catalogue.js';

export const LicenceSchema = z
  .object({
    id: z.number().int(),
    type: z.string(),
    count: z.number().int().describe('Installed'),
    used: z.number().int().describe('Assigned to users'),
  })
  .meta({ id: 'Licence' });
export type Licence = z.infer<typeof LicenceSchema>;

/** POST /rest/licenses: install `count` more licences of `type` (added to an existing entry of that type). */
export const LicenceInstallSchema = z
  .strictObject({ type: LicenceTypeSchema, count: z.number().int().min(1).max(100_000) })
  .meta({ id: 'LicenceInstall' });
export type LicenceInstall = z.infer<typeof LicenceInstallSchema>;

/** GET/PUT /rest/licenses/users/{userId}: the licence types a user holds; PUT sets the full list. */
export const UserLicencesSchema = z.array(LicenceTypeSchema).max(20).meta({ id: 'UserLicences' });
export type UserLicences = z.infer<typeof UserLicencesSchema>;
