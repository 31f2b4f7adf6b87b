import { z } from 'zod';

/** The file every Teams app package holds at its root. */
export const MANIFEST = 'manifest.json';
/** `name.short` of a Teams manifest: at most 30 characters (every schema version since 1.0). */
export const SHORT_NAME_MAX = 30;

/** Stable rule ids of the findings: scripts and tests match on them. */
export const TEAMS_RULES = z.enum([
  'json-syntax',
  'json-duplicate-key',
  'manifest-bom',
  'manifest-encoding',
  'manifest-missing',
  'manifest-not-at-root',
  'schema',
  'schema-missing',
  'schema-unknown',
  'schema-unknown-version',
  'schema-version-mismatch',
  'version-semver',
  'developer-https',
  'names-differ',
  'description-contains-short',
  'guid',
  'icon-missing',
  'icon-not-at-root',
  'icon-not-png',
  'icon-size',
  'outline-transparency',
  'localization-invalid',
  'localization-missing',
  'localization-not-at-root',
  'valid-domains-count',
  'valid-domains-format',
  'valid-domains-identity-provider',
  'valid-domains-shared-hosting',
  'valid-domains-top-level',
  'valid-domains-wildcard',
  'placeholder-unresolved',
  'env-file-missing',
  'package-too-large',
  'zip-folder',
  'zip-invalid',
]);
export type TeamsRule = z.infer<typeof TEAMS_RULES>;

/** One problem in a Teams app package, placed in a file (manifest, icon, zip entry) as precisely as we can. */
export const TeamsFindingSchema = z
  .strictObject({
    severity: z.enum(['error', 'warning', 'info']),
    rule: TEAMS_RULES,
    message: z.string().min(1),
    /** JSON pointer into `file` ('' = the whole document). */
    pointer: z.string(),
    /** Path relative to the app folder or the zip root, e.g. 'manifest.json', 'outline.png'. */
    file: z.string(),
    // 1-based; non-JSON files (icons, the zip itself) use 1,1,1,1.
    line: z.number().int().min(1),
    column: z.number().int().min(1),
    endLine: z.number().int().min(1),
    endColumn: z.number().int().min(1),
    helpUrl: z.url({ protocol: /^https$/ }),
  })
  .meta({ id: 'TeamsFinding' });
export type TeamsFinding = z.infer<typeof TeamsFindingSchema>;
export type TeamsSeverity = TeamsFinding['severity'];

/** What `starface-teams validate --json` prints and `validateAppPath` answers. */
export const TeamsValidationReportSchema = z
  .strictObject({
    target: z.string(),
    kind: z.enum(['folder', 'zip', 'manifest']),
    /** True when no finding is an error. */
    ok: z.boolean(),
    errors: z.number().int().min(0),
    warnings: z.number().int().min(0),
    findings: z.array(TeamsFindingSchema),
    manifestVersion: z.string().optional(),
    durationMs: z.number().min(0),
  })
  .meta({ id: 'TeamsValidationReport' });
export type TeamsValidationReport = z.infer<typeof TeamsValidationReportSchema>;

const SEVERITY_ORDER: Record<TeamsSeverity, number> = { error: 0, warning: 1, info: 2 };

/** The one order of findings: by file (manifest.json first), errors before warnings, then by position and rule. */
export function sortFindings(list: readonly TeamsFinding[]): TeamsFinding[] {
  const fileKey = (f: string) => (f === MANIFEST || f === '' ? '' : f);
  return [...list].sort(
    (a, b) =>
      fileKey(a.file).localeCompare(fileKey(b.file)) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.line - b.line ||
      a.column - b.column ||
      a.rule.localeCompare(b.rule),
  );
}
