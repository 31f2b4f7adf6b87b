import { z } from 'zod';
import { LicenceTypeSchema, resolveRight, TEAMS_MODULE_NAME, type RightKey } from '../catalogue.js';
import { isVersion } from '../version.js';
import { AppPlatformSchema } from './app.js';
import { ModeSchema } from './modules.js';
import { isFqdn } from './common.js';
import { VirtualPhoneSchema } from './calls.js';
import { DigestAlgorithmListSchema } from './sipDigest.js';
import { SipSecretSchema } from './credentials.js';
import { ScenarioTelephonyShape } from './scenarioTelephony.js';

const Version = z.string().refine(isVersion, { message: 'must be a four-part version such as 6.7.3.11' });

const RightName = z.string().transform((name, ctx): RightKey => {
  const key = resolveRight(name);
  if (!key) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown right "${name}" (use a key such as msteams_perm or the German name)`,
    });
    return z.NEVER;
  }
  return key;
});

export const ScenarioUserSchema = z.strictObject({
  login: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._@-]+$/),
  firstName: z.string(),
  familyName: z.string(),
  email: z.string().default(''),
  language: z.string().default('de'),
  password: z.string().min(6),
  sipPassword: SipSecretSchema.optional().describe(
    'The SIP secret (digest password of the softphone); without it the simulator generates one, never the login password',
  ),
  extension: z
    .string()
    .regex(/^\d{2,8}$/)
    .optional(),
  rights: z.array(RightName).optional().describe('Default: the standard user rights'),
  licences: z.array(LicenceTypeSchema).default([]),
  app: z
    .strictObject({ active: z.boolean(), platform: AppPlatformSchema, version: z.string().optional() })
    .optional()
    .describe('The STARFACE desktop app session (R4)'),
});

export const ScenarioConfigurationSchema = z.strictObject({
  name: z.string().min(1),
  active: z.boolean().default(true),
  mode: ModeSchema.default('FULL_INTEGRATION'),
  pbxName: z
    .string()
    .refine((v) => v === '' || isFqdn(v), { message: 'must be a fully qualified domain name or empty' })
    .default(''),
  autoprovisioning: z.boolean().default(true),
  generateKey: z.boolean().default(true).describe('Keys are always generated, never given (R15)'),
  connector: z
    .strictObject({
      active: z.boolean().default(false),
      pendingRestart: z.boolean().default(false).describe('Save a change after the connector started (R17)'),
    })
    .default({ active: false, pendingRestart: false }),
});

export const ScenarioSchema = z
  .strictObject({
    name: z.string().min(1).max(80),
    description: z.string().default(''),
    server: z
      .strictObject({
        version: Version.default('8.1.0.4').describe(
          'The PBX version reported (REST /server/version, UCI getServerVersion); 10 or later is a STARFACE 10 with OAuth (token endpoint, Bearer, de.vertico.starface.jwt)',
        ),
        minVersion: Version.optional(),
      })
      .default({ version: '8.1.0.4' }),
    licences: z.array(z.strictObject({ type: LicenceTypeSchema, count: z.number().int().min(1) })).default([]),
    users: z.array(ScenarioUserSchema).default([]),
    modules: z
      .array(z.strictObject({ name: z.literal(TEAMS_MODULE_NAME), version: z.string().optional() }))
      .default([]),
    configurations: z.array(ScenarioConfigurationSchema).default([]),
    virtualPhones: z.array(VirtualPhoneSchema).default([]).describe('Extensions the simulator answers itself'),
    sip: z
      .strictObject({
        digest: DigestAlgorithmListSchema.optional().describe(
          'Digest algorithms the registrar and proxy offer, in order of preference (one challenge each): "sha-512-256", "sha-256", "md5". Default ["md5"]; the CLI flag --sip-digest overrides it',
        ),
      })
      .optional(),
    ...ScenarioTelephonyShape,
  })
  .superRefine((s, ctx) => {
    // A virtual phone's extension must not be a user's extension or login, nor another virtual phone's.
    const taken = new Set<string>();
    for (const u of s.users) {
      taken.add(u.login);
      if (u.extension) taken.add(u.extension);
    }
    s.virtualPhones.forEach((p, i) => {
      if (taken.has(p.extension))
        ctx.addIssue({
          code: 'custom',
          path: ['virtualPhones', i, 'extension'],
          message: `extension ${p.extension} is already a user's extension or login, or another virtual phone's`,
        });
      taken.add(p.extension);
    });
  })
  .meta({ id: 'Scenario' });
export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/** POST /rest/sim/scenario: a built-in by name, or a whole scenario. Replaces all state but the admin. */
export const ScenarioApplySchema = z
  .union([z.strictObject({ name: z.string().min(1) }), z.strictObject({ scenario: z.unknown() })])
  .meta({ id: 'ScenarioApply' });
