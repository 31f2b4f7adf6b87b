import { z } from 'zod';

/** One problem in a Teams app package, placed in a file (manifest, icon, zip entry) as precisely as we can. */
export const TeamsFindingSchema = z
  .strictObject({
    severity: z.enum(['error', 'warning', 'info']),
    // Stable ids ('schema', 'icon-size', 'valid-domains-wildcard', …): scripts and tests match on them.
    rule: z.string().min(1),
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
