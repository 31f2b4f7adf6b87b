import { z } from 'zod';
import { LicenceTypeSchema, RightKeySchema, TEAMS_MODULE_NAME } from '../catalogue.js';
import { Localized } from '../i18n.js';
import { ModeSchema } from './modules.js';

/** The result of the prerequisites check ("starface-preflight", the Prerequisites view) and its fixes. */
export const PREREQUISITE_STATUSES = ['pass', 'warn', 'fail', 'unknown'] as const;
export const PrerequisiteStatusSchema = z.enum(PREREQUISITE_STATUSES);
export type PrerequisiteStatus = z.infer<typeof PrerequisiteStatusSchema>;

export const REQUIREMENT_IDS = Array.from({ length: 21 }, (_, i) => `R${i + 1}`) as [string, ...string[]];
export const RequirementIdSchema = z.enum(REQUIREMENT_IDS);

const UserId = z.number().int().positive();
const ConfigurationId = z.number().int().positive();
/** The login the user fix was made for: applying it checks the id still belongs to it, and titles name it. */
const Login = z.string().min(1).max(64).optional();

/**
 * A fix the simulator's REST API can perform (`applyFix` in extension/src/prerequisites/fixes.ts). Fixes that change
 * a configuration restart a running UCI connector afterwards, as the guide demands (R17).
 */
export const PrerequisiteFixSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('installLicence'),
    licence: LicenceTypeSchema,
    count: z.number().int().min(1).max(1000).default(1),
  }),
  z.strictObject({ kind: z.literal('assignLicence'), userId: UserId, login: Login, licence: LicenceTypeSchema }),
  z.strictObject({ kind: z.literal('grantRight'), userId: UserId, login: Login, right: RightKeySchema }),
  z.strictObject({
    kind: z.literal('activateDesktopApp'),
    userId: UserId,
    login: Login,
    platform: z.enum(['windows', 'macos']),
  }),
  z.strictObject({ kind: z.literal('importModule'), module: z.literal(TEAMS_MODULE_NAME) }),
  z.strictObject({ kind: z.literal('createConfiguration'), name: z.string().min(1).max(100) }),
  z.strictObject({ kind: z.literal('activateConfiguration'), configurationId: ConfigurationId }),
  z.strictObject({ kind: z.literal('deactivateConfiguration'), configurationId: ConfigurationId }),
  /** R12 with several active: keep this one active, deactivate the other Teams configurations. */
  z.strictObject({
    kind: z.literal('keepConfiguration'),
    configurationId: ConfigurationId,
    name: z.string().min(1).max(100).optional(),
  }),
  z.strictObject({ kind: z.literal('setMode'), configurationId: ConfigurationId, mode: ModeSchema }),
  /** Without `pbxName` the FQDN is not known yet: whoever applies the fix supplies it. */
  z.strictObject({
    kind: z.literal('setPbxName'),
    configurationId: ConfigurationId,
    pbxName: z.string().min(1).max(253).optional(),
  }),
  z.strictObject({ kind: z.literal('enableAutoprovisioning'), configurationId: ConfigurationId }),
  z.strictObject({ kind: z.literal('generateKey'), configurationId: ConfigurationId }),
  z.strictObject({ kind: z.literal('restartConnector'), configurationId: ConfigurationId }),
]);
export type PrerequisiteFix = z.infer<typeof PrerequisiteFixSchema>;
export type PrerequisiteFixInput = z.input<typeof PrerequisiteFixSchema>;
export type PrerequisiteFixKind = PrerequisiteFix['kind'];

export const PrerequisiteResultSchema = z.object({
  id: RequirementIdSchema,
  status: PrerequisiteStatusSchema,
  /** The user's login, for per-user requirements. */
  user: z.string().optional(),
  userId: z.number().int().optional(),
  /** The requirement's title (English). */
  title: z.string(),
  /** What is wrong or right, specifically (English). */
  message: z.string(),
  /** The guide's German wording. */
  guide: z.string(),
  /** What the requirement means (English). */
  explanation: z.string(),
  /** Where to look in the admin UI (or elsewhere) when the check cannot tell. */
  where: z.string().optional(),
  fixes: z.array(PrerequisiteFixSchema),
  /** The same texts in English and German, for a UI in the user's language. */
  i18n: z
    .object({
      title: Localized,
      message: Localized,
      explanation: Localized,
      where: Localized.optional(),
      fix: Localized.optional(),
    })
    .optional(),
});
export type PrerequisiteResult = z.infer<typeof PrerequisiteResultSchema>;

export const PrerequisitesSummarySchema = z.object({
  pass: z.number().int(),
  warn: z.number().int(),
  fail: z.number().int(),
  unknown: z.number().int(),
});
export type PrerequisitesSummary = z.infer<typeof PrerequisitesSummarySchema>;

export const PrerequisitesReportSchema = z.object({
  /** The REST base URL checked. */
  target: z.string(),
  pbxVersion: z.string().optional(),
  simulator: z.boolean(),
  startedAt: z.string(),
  durationMs: z.number(),
  /** The users the per-user requirements were checked for. */
  users: z.array(z.object({ id: z.number().int(), login: z.string(), name: z.string() })).optional(),
  results: z.array(PrerequisiteResultSchema),
  summary: PrerequisitesSummarySchema,
  /**
   * Set when the check could not be complete: signed in without the right "Administration", so the PBX refused
   * what the checks of the other users and the PBX-wide settings need (they are `unknown`).
   */
  incomplete: z
    .object({
      reason: z.literal('no-administration-right'),
      login: z.string(),
      message: z.string(),
      i18n: z.object({ message: Localized }).optional(),
    })
    .optional(),
});
export type PrerequisitesReport = z.infer<typeof PrerequisitesReportSchema>;

export function summarize(results: readonly { status: PrerequisiteStatus }[]): PrerequisitesSummary {
  const summary: PrerequisitesSummary = { pass: 0, warn: 0, fail: 0, unknown: 0 };
  for (const r of results) summary[r.status]++;
  return summary;
}
