import {
  MANIFEST,
  sortFindings,
  type TeamsFinding,
  type TeamsValidationReport,
} from '../../../../shared/schemas/teamsApp.js';
import { Emitter } from '../emitter.js';
import type { Collapsible } from './pbxTreeModel.js';
import type { Translate } from '../../text/i18n.js';

/**
 * The "Teams App Validation" tree as plain data: the last report → one group per file → its findings. The
 * TreeDataProvider turns nodes into TreeItems; tests read the model through the DevKitApi.
 */
export interface FindingNode {
  id: string;
  kind: 'report' | 'file' | 'finding' | 'ok';
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id. */
  icon: string;
  iconColor?: string;
  collapsible: Collapsible;
  children?: FindingNode[];
  /** For `finding` nodes. */
  finding?: TeamsFinding;
  /** Where the finding's file lives: on disk (a folder or manifest target) or inside a zip. */
  origin?: { kind: TeamsValidationReport['kind']; target: string };
}

const SEVERITY_ICON: Record<TeamsFinding['severity'], { icon: string; color: string }> = {
  error: { icon: 'error', color: 'problemsErrorIcon.foreground' },
  warning: { icon: 'warning', color: 'problemsWarningIcon.foreground' },
  info: { icon: 'info', color: 'problemsInfoIcon.foreground' },
};

function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

export function severityLabel(severity: TeamsFinding['severity'], t: Translate): string {
  return severity === 'error' ? t('error') : severity === 'warning' ? t('warning') : t('info');
}

/** `12:5` for a finding in a JSON file; icons and the zip itself have no positions. */
export function position(f: TeamsFinding): string | undefined {
  return /\.json$/i.test(f.file || MANIFEST) ? `${f.line}:${f.column}` : undefined;
}

export function findingNode(f: TeamsFinding, id: string, origin: FindingNode['origin'], t: Translate): FindingNode {
  const at = position(f);
  const mark = SEVERITY_ICON[f.severity];
  const where = `${f.file}${at ? `:${at}` : ''}`;
  return {
    id,
    kind: 'finding',
    label: f.message,
    description: at ? `${f.rule} · ${at}` : f.rule,
    tooltip: [
      `${severityLabel(f.severity, t)} · ${f.rule}`,
      f.message,
      t('File: {0}', where),
      f.pointer ? t('JSON pointer: {0}', f.pointer) : undefined,
      f.helpUrl ? t('Help: {0}', f.helpUrl) : undefined,
    ]
      .filter((s): s is string => s !== undefined)
      .join('\n'),
    icon: mark.icon,
    iconColor: mark.color,
    collapsible: 'none',
    finding: f,
    origin,
  };
}

export function summary(report: TeamsValidationReport, t: Translate): string {
  if (report.errors === 0 && report.warnings === 0) return t('valid');
  if (report.errors === 0) return t('valid, {0} warning(s)', report.warnings);
  return t('{0} error(s), {1} warning(s)', report.errors, report.warnings);
}

/** `idPrefix` tells reports apart: a node id must never name a node of an earlier report (VS Code reuses tree items by id). */
export function reportNodes(report: TeamsValidationReport, t: Translate, idPrefix = 'teams'): FindingNode[] {
  const origin = { kind: report.kind, target: report.target };
  const byFile = new Map<string, TeamsFinding[]>();
  for (const f of report.findings) byFile.set(f.file || MANIFEST, [...(byFile.get(f.file || MANIFEST) ?? []), f]);
  // manifest.json first: most findings are there, and it is what the user edits.
  const files = [...byFile.keys()].sort((a, b) => (a === MANIFEST ? -1 : b === MANIFEST ? 1 : a.localeCompare(b)));
  const rootId = `${idPrefix}:${report.target}`;
  const groups: FindingNode[] = files.map((file) => {
    const list = sortFindings(byFile.get(file)!);
    const errors = list.filter((f) => f.severity === 'error').length;
    const worst = SEVERITY_ICON[list[0]!.severity];
    return {
      id: `${rootId}:${file}`,
      kind: 'file',
      label: file,
      description: t('{0} finding(s)', list.length),
      tooltip: report.kind === 'zip' ? t('{0} in {1}', file, baseName(report.target)) : file,
      icon: errors ? worst.icon : 'file',
      iconColor: errors ? worst.color : undefined,
      collapsible: 'expanded',
      children: list.map((f, i) => findingNode(f, `${rootId}:${file}:${i}`, origin, t)),
      origin,
    };
  });
  const ok = report.errors === 0;
  const children = groups.length
    ? groups
    : [
        {
          id: `${rootId}:ok`,
          kind: 'ok' as const,
          label: t('No problems found'),
          icon: 'pass',
          iconColor: 'testing.iconPassed',
          collapsible: 'none' as const,
        },
      ];
  return [
    {
      id: rootId,
      kind: 'report',
      label: baseName(report.target),
      description: summary(report, t),
      tooltip: [
        report.target,
        report.manifestVersion ? t('Manifest version {0}', report.manifestVersion) : undefined,
        t('Checked in {0} ms', Math.round(report.durationMs)),
      ]
        .filter((s): s is string => s !== undefined)
        .join('\n'),
      icon: ok ? 'pass' : 'error',
      iconColor: ok ? 'testing.iconPassed' : 'testing.iconFailed',
      collapsible: 'expanded',
      children,
      origin,
    },
  ];
}

/** The report the view shows (the last validation or packaging), and its change event. */
export class TeamsFindingsModel {
  private _report: TeamsValidationReport | undefined;
  private generation = 0;
  private readonly changed = new Emitter<TeamsValidationReport | undefined>();
  readonly onDidChange = this.changed.event;

  get report(): TeamsValidationReport | undefined {
    return this._report;
  }

  /** The rule ids of the shown findings, for tests and summaries. */
  get rules(): string[] {
    return this._report?.findings.map((f) => f.rule) ?? [];
  }

  set(report: TeamsValidationReport): void {
    this._report = report;
    this.generation++;
    this.changed.fire(report);
  }

  clear(): void {
    this._report = undefined;
    this.generation++;
    this.changed.fire(undefined);
  }

  roots(t: Translate): FindingNode[] {
    return this._report ? reportNodes(this._report, t, `teams${this.generation}`) : [];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
