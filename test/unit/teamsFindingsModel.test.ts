import assert from 'node:assert/strict';
import type { TeamsFinding, TeamsValidationReport } from '../../shared/schemas/teamsApp';
import { englishOnly } from '../../extension/src/text/i18n';
import { position, reportNodes, summary, TeamsFindingsModel } from '../../extension/src/model/tree/teamsFindingsModel';

const HELP = 'https://learn.microsoft.com/en-us/microsoftteams/platform/resources/schema/manifest-schema';

function finding(over: Partial<TeamsFinding>): TeamsFinding {
  return {
    severity: 'error',
    rule: 'schema',
    message: 'm',
    pointer: '',
    file: 'manifest.json',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    helpUrl: HELP,
    ...over,
  };
}

function report(findings: TeamsFinding[], over: Partial<TeamsValidationReport> = {}): TeamsValidationReport {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  return {
    target: '/tmp/app/appPackage.dev.zip',
    kind: 'zip',
    ok: errors === 0,
    errors,
    warnings,
    findings,
    durationMs: 12.3,
    ...over,
  };
}

describe('the Teams findings tree model', () => {
  it('groups findings by file, manifest.json first, errors before warnings, with rule and line:column', () => {
    const r = report([
      finding({ file: 'outline.png', rule: 'icon-size', message: 'outline.png is 192×192' }),
      finding({ severity: 'warning', rule: 'names-differ', line: 3, column: 5, pointer: '/name/full' }),
      finding({
        rule: 'developer-https',
        line: 9,
        column: 20,
        pointer: '/developer/websiteUrl',
        message: 'must be https',
      }),
    ]);
    const [root] = reportNodes(r, englishOnly);
    assert.ok(root);
    assert.equal(root.label, 'appPackage.dev.zip');
    assert.equal(root.description, '2 error(s), 1 warning(s)');
    assert.deepEqual(
      root.children!.map((c) => [c.label, c.description]),
      [
        ['manifest.json', '2 finding(s)'],
        ['outline.png', '1 finding(s)'],
      ],
    );
    const manifest = root.children![0]!.children!;
    assert.deepEqual(
      manifest.map((n) => [n.label, n.description, n.icon]),
      [
        ['must be https', 'developer-https · 9:20', 'error'],
        ['m', 'names-differ · 3:5', 'warning'],
      ],
    );
    // An icon has no line and column: only the rule.
    assert.equal(root.children![1]!.children![0]!.description, 'icon-size');
    assert.match(
      manifest[0]!.tooltip!,
      /error · developer-https\nmust be https\nFile: manifest\.json:9:20\nJSON pointer: \/developer\/websiteUrl\nHelp: https:/,
    );
    assert.deepEqual(manifest[0]!.origin, { kind: 'zip', target: r.target });
  });

  it('says "No problems found" for a clean report, and "valid" with warnings counted', () => {
    const [clean] = reportNodes(report([], { kind: 'folder', target: '/tmp/app' }), englishOnly);
    assert.equal(clean!.label, 'app');
    assert.equal(clean!.description, 'valid');
    assert.deepEqual(
      clean!.children!.map((c) => [c.kind, c.label]),
      [['ok', 'No problems found']],
    );
    assert.equal(summary(report([finding({ severity: 'warning' })]), englishOnly), 'valid, 1 warning(s)');
    assert.equal(position(finding({ file: 'color.png' })), undefined);
    assert.equal(position(finding({ file: 'de.json', line: 4, column: 2 })), '4:2');
  });

  it('holds the last report, fires on change and exposes the rules', () => {
    const model = new TeamsFindingsModel();
    const seen: (TeamsValidationReport | undefined)[] = [];
    model.onDidChange((r) => seen.push(r));
    assert.deepEqual(model.roots(englishOnly), []);
    const r = report([finding({ rule: 'zip-folder', file: 'docs/' }), finding({ rule: 'schema' })]);
    model.set(r);
    assert.deepEqual(model.rules, ['zip-folder', 'schema']);
    const first = model.roots(englishOnly)[0]!.id;
    model.set(r);
    assert.notEqual(model.roots(englishOnly)[0]!.id, first, 'a new report never reuses the node ids of the last one');
    model.clear();
    assert.deepEqual(seen, [r, r, undefined]);
    assert.deepEqual(model.rules, []);
  });
});
