import { z } from 'zod';
import { isFqdn } from './common.js';
import { TEAMS_MODULE_NAME } from '../catalogue.js';
import { Localized } from '../i18n.js';

export const ModuleSchema = z
  .object({ id: z.number().int(), name: z.string(), version: z.string(), importedAt: z.string() })
  .meta({ id: 'Module' });
export type Module = z.infer<typeof ModuleSchema>;

/** POST /rest/modules: what "Modul importieren" does with a .sfm file; a re-import keeps configurations. */
export const ModuleImportSchema = z
  .strictObject({
    name: z.literal(TEAMS_MODULE_NAME, { error: `the module library only knows "${TEAMS_MODULE_NAME}"` }),
    version: z
      .string()
      .regex(/^\d+(\.\d+){1,3}$/)
      .optional(),
  })
  .meta({ id: 'ModuleImport' });

export const ModeSchema = z.enum(['FULL_INTEGRATION', 'PRESENCE_SYNC']);
export type Mode = z.infer<typeof ModeSchema>;

const PbxName = z.string().refine(isFqdn, {
  message: '"Name der Anlage" must be the fully qualified domain name of the PBX, e.g. pbx.example.com (R14)',
});

export const ConnectorStateSchema = z.object({
  active: z.boolean(),
  appliedRevision: z
    .number()
    .int()
    .nullable()
    .describe('The configuration revision the running connector was started with'),
  startedAt: z.string().nullable(),
});

export const ConfigurationSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    module: z.literal(TEAMS_MODULE_NAME),
    active: z.boolean(),
    mode: ModeSchema,
    pbxName: z.string(),
    autoprovisioning: z.boolean(),
    keyFingerprint: z.string().nullable(),
    keyCreatedAt: z.string().nullable(),
    revision: z.number().int(),
    connector: ConnectorStateSchema,
    pendingRestart: z.boolean().describe('Saved changes the running connector does not use yet (R17)'),
    warnings: z.array(z.strictObject({ id: z.string(), message: Localized })),
  })
  .meta({ id: 'ModuleConfiguration' });
export type Configuration = z.infer<typeof ConfigurationSchema>;

const ConfigurationWritable = {
  name: z.string().min(1).max(100),
  active: z.boolean(),
  mode: ModeSchema,
  pbxName: PbxName,
  autoprovisioning: z.boolean(),
};

export const ConfigurationCreateSchema = z
  .strictObject({
    name: ConfigurationWritable.name,
    module: z.literal(TEAMS_MODULE_NAME).default(TEAMS_MODULE_NAME),
    active: ConfigurationWritable.active.default(true),
    mode: ConfigurationWritable.mode.default('FULL_INTEGRATION'),
    pbxName: PbxName.optional(),
    autoprovisioning: ConfigurationWritable.autoprovisioning.default(true),
  })
  .meta({ id: 'ModuleConfigurationCreate' });
export type ConfigurationCreate = z.infer<typeof ConfigurationCreateSchema>;

/** PUT: any subset of the settings. A `key` is refused with R15's wording before this schema runs. */
export const ConfigurationUpdateSchema = z
  .strictObject({
    name: ConfigurationWritable.name.optional(),
    active: ConfigurationWritable.active.optional(),
    mode: ConfigurationWritable.mode.optional(),
    pbxName: PbxName.optional(),
    autoprovisioning: ConfigurationWritable.autoprovisioning.optional(),
  })
  .meta({ id: 'ModuleConfigurationUpdate' });
export type ConfigurationUpdate = z.infer<typeof ConfigurationUpdateSchema>;

export const KeyGeneratedSchema = z
  .object({ fingerprint: z.string(), createdAt: z.string(), revision: z.number().int() })
  .meta({ id: 'KeyGenerated' });

export const ConnectorUpdateSchema = z.strictObject({ active: z.boolean() }).meta({ id: 'ConnectorUpdate' });

export const LOG_EVENTS = [
  'interface-loaded',
  'connector-started',
  'connector-stopped',
  'config-changed',
  'key-generated',
  'warning',
] as const;
export const ModuleLogEntrySchema = z
  .object({
    time: z.string(),
    level: z.enum(['info', 'warn']),
    event: z.enum(LOG_EVENTS),
    message: z.string(),
  })
  .meta({ id: 'ModuleLogEntry' });
export type ModuleLogEntry = z.infer<typeof ModuleLogEntrySchema>;
export const ModuleLogSchema = z.object({ entries: z.array(ModuleLogEntrySchema) }).meta({ id: 'ModuleLog' });

/** The module log keeps the newest entries only, like the admin UI's tab. */
export const MODULE_LOG_LIMIT = 500;
