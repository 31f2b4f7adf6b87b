import type {
  PrerequisitesReport,
  PrerequisiteResult,
  PrerequisiteStatus,
} from '../../../shared/schemas/prerequisites.js';
import { fixTitle } from './fixes.js';

const LABEL: Record<PrerequisiteStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', unknown: 'UNKNOWN' };

/** Text inside a Markdown table cell: no line breaks, no cell separators, no markup or raw HTML. */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;');
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const who = (r: PrerequisiteResult) => r.user ?? '';
const fixesText = (r: PrerequisiteResult) => r.fixes.map((f) => fixTitle(f).en);

function heading(report: PrerequisitesReport): string[] {
  const s = report.summary;
  return [
    `Target: ${report.target}${report.simulator ? ' (simulator)' : ''}`,
    ...(report.pbxVersion ? [`PBX version: ${report.pbxVersion}`] : []),
    `Checked: ${report.startedAt} in ${Math.round(report.durationMs)} ms`,
    ...(report.users?.length ? [`Users: ${report.users.map((u) => `${u.login} (${u.name})`).join(', ')}`] : []),
    `Summary: ${s.pass} pass, ${s.warn} warn, ${s.fail} fail, ${s.unknown} unknown`,
    ...(report.incomplete ? [`Incomplete: ${report.incomplete.message}`] : []),
  ];
}

export function reportToMarkdown(report: PrerequisitesReport): string {
  const lines = [
    '# STARFACE Teams integration: prerequisites',
    '',
    ...heading(report).map((l) => `- ${escapeMarkdown(l)}`),
    '',
  ];
  lines.push('| Requirement | User | Status | Result | Guide (German) | Fix |', '|---|---|---|---|---|---|');
  for (const r of report.results) {
    const result = [r.message, ...(r.where && r.status !== 'pass' ? [`Where: ${r.where}`] : [])]
      .map(escapeMarkdown)
      .join('<br>');
    const cells = [
      `**${escapeMarkdown(r.id)}** ${escapeMarkdown(r.title)}`,
      escapeMarkdown(who(r)),
      LABEL[r.status],
      result,
      `„${escapeMarkdown(r.guide)}“`,
      fixesText(r).map(escapeMarkdown).join('<br>'),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('', '## Explanations', '');
  const seen = new Set<string>();
  for (const r of report.results) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    lines.push(`- **${escapeMarkdown(r.id)}** ${escapeMarkdown(r.explanation)}`);
  }
  return lines.join('\n') + '\n';
}

const COLORS: Record<PrerequisiteStatus, string> = {
  pass: '#1a7f37',
  warn: '#9a6700',
  fail: '#cf222e',
  unknown: '#57606a',
};

/** A self-contained page: inline style only, no scripts, no external resources (a CSP says so too). */
export function reportToHtml(report: PrerequisitesReport): string {
  const rows = report.results
    .map((r) => {
      const where = r.where && r.status !== 'pass' ? `<div class="where">Where: ${escapeHtml(r.where)}</div>` : '';
      const fixes = fixesText(r).length
        ? `<ul>${fixesText(r)
            .map((f) => `<li>${escapeHtml(f)}</li>`)
            .join('')}</ul>`
        : '';
      return (
        `<tr class="${r.status}"><td><b>${escapeHtml(r.id)}</b> ${escapeHtml(r.title)}</td><td>${escapeHtml(who(r))}</td>` +
        `<td><span class="status" style="background:${COLORS[r.status]}">${LABEL[r.status]}</span></td>` +
        `<td>${escapeHtml(r.message)}${where}<div class="explanation">${escapeHtml(r.explanation)}</div></td>` +
        `<td lang="de">„${escapeHtml(r.guide)}“</td><td>${fixes}</td></tr>`
      );
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>STARFACE Teams integration: prerequisites</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #1f2328; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.status { color: #fff; border-radius: 4px; padding: 1px 6px; font-size: 0.85em; font-weight: 600; }
.where, .explanation { color: #57606a; font-size: 0.9em; margin-top: 4px; }
ul { margin: 0; padding-left: 1.2em; }
</style>
</head>
<body>
<h1>STARFACE Teams integration: prerequisites</h1>
<ul>
${heading(report)
  .map((l) => `<li>${escapeHtml(l)}</li>`)
  .join('\n')}
</ul>
<table>
<thead><tr><th>Requirement</th><th>User</th><th>Status</th><th>Result</th><th>Guide (German)</th><th>Fix</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
