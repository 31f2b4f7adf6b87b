import assert from 'node:assert/strict';
import {
  PrerequisitesReportSchema,
  PrerequisiteFixSchema,
  summarize,
  type PrerequisitesReport,
} from '../../../shared/schemas/prerequisites.js';
import { fixTitle } from '../../../extension/src/prerequisites/fixes.js';
import {
  escapeHtml,
  escapeMarkdown,
  reportToHtml,
  reportToMarkdown,
} from '../../../extension/src/prerequisites/report.js';
import { notAdminNotice } from '../../../extension/src/prerequisites/pbxChecks.js';
import { prerequisiteNodes } from '../../../extension/src/model/tree/prerequisitesModel.js';
import { englishOnly } from '../../../extension/src/text/i18n.js';

const EVIL = '<script>alert(1)</script> | *bold* [x](javascript:1) & "q" \'s\nnext';

function report(): PrerequisitesReport {
  const results: PrerequisitesReport['results'] = [
    {
      id: 'R1',
      status: 'pass',
      title: 'PBX version 6.7.3.11 or higher',
      message: 'Version 8.1.0.4 ≥ 6.7.3.11.',
      guide: 'Version 6.7.3.11 oder höher der STARFACE',
      explanation: 'Needs 6.7.3.11.',
      fixes: [],
    },
    {
      id: 'R10',
      status: 'fail',
      user: `10|02${EVIL}`,
      userId: 3,
      title: 'Right',
      message: EVIL,
      guide: 'Recht "Integration mit Microsoft Teams"',
      explanation: EVIL,
      where: EVIL,
      fixes: [{ kind: 'grantRight', userId: 3, right: 'msteams_perm' }],
    },
    {
      id: 'R20',
      status: 'unknown',
      title: 'Teams app',
      message: 'Unknown — check in the admin UI: Teams admin center',
      guide: 'bis zu 24 Stunden',
      explanation: 'x',
      where: 'Teams admin center',
      fixes: [],
    },
  ];
  return PrerequisitesReportSchema.parse({
    target: 'http://127.0.0.1:8080/rest',
    pbxVersion: '8.1.0.4',
    simulator: true,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 12.3,
    users: [{ id: 3, login: '1002', name: EVIL }],
    results,
    summary: summarize(results),
  });
}

describe('unit: prerequisites report export', () => {
  it('escapeHtml escapes every markup character', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('escapeMarkdown keeps a cell one line and inert', () => {
    const cell = escapeMarkdown(EVIL);
    assert.ok(!cell.includes('\n'));
    assert.ok(!/(^|[^\\])\|/.test(cell), 'every | is escaped');
    assert.ok(!/(^|[^\\])</.test(cell), 'every < is escaped');
    assert.match(cell, /\\\*bold\\\*/);
  });

  it('Markdown: a table with status, guide wording, the fix; nothing unescaped', () => {
    const md = reportToMarkdown(report());
    assert.match(md, /^# STARFACE Teams integration: prerequisites/);
    assert.match(md, /Summary: 1 pass, 0 warn, 1 fail, 1 unknown/);
    const r10 = md.split('\n').find((l) => l.startsWith('| **R10**'))!;
    assert.ok(r10, md);
    // A row has exactly the table's 7 separators: the user's and the message's | are escaped.
    assert.equal(r10.replace(/\\\|/g, '').split('|').length - 1, 7);
    assert.match(r10, /FAIL/);
    assert.match(r10, /„Recht "Integration mit Microsoft Teams"“/);
    assert.match(r10, /Grant the right "Integration mit Microsoft Teams" to user 3/);
    assert.ok(!md.includes('<script>'));
  });

  it('HTML: self-contained, no script, no external resource, everything escaped', () => {
    const html = reportToHtml(report());
    assert.match(html, /^<!DOCTYPE html>/);
    assert.ok(!/<script/i.test(html), 'no script element');
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!/\s(src|href)=/i.test(html), 'nothing loaded from elsewhere');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/);
    assert.match(html, /<tr class="fail"><td><b>R10<\/b>/);
    assert.match(html, /„Recht &quot;Integration mit Microsoft Teams&quot;“/);
  });

  it('every fix kind has an English and a German title; the schema refuses unknown kinds', () => {
    const fixes = [
      { kind: 'installLicence', licence: 'MS Teams Integration', count: 2 },
      { kind: 'assignLicence', userId: 1, licence: 'UCC-Client Premium' },
      { kind: 'grantRight', userId: 1, right: 'app_premium_perm' },
      { kind: 'activateDesktopApp', userId: 1, platform: 'macos' },
      { kind: 'importModule', module: 'Teams Integration' },
      { kind: 'createConfiguration', name: 'Teams' },
      { kind: 'activateConfiguration', configurationId: 1 },
      { kind: 'deactivateConfiguration', configurationId: 2 },
      { kind: 'keepConfiguration', configurationId: 2, name: 'Teams (copy)' },
      { kind: 'setMode', configurationId: 1, mode: 'FULL_INTEGRATION' },
      { kind: 'setPbxName', configurationId: 1, pbxName: 'pbx.example.com' },
      { kind: 'enableAutoprovisioning', configurationId: 1 },
      { kind: 'generateKey', configurationId: 1 },
      { kind: 'restartConnector', configurationId: 1 },
    ];
    assert.deepEqual(new Set(fixes.map((f) => f.kind)).size, PrerequisiteFixSchema.options.length);
    for (const f of fixes) {
      const title = fixTitle(PrerequisiteFixSchema.parse(f));
      assert.ok(title.en && title.de && title.en !== title.de, f.kind);
    }
    assert.equal(PrerequisiteFixSchema.safeParse({ kind: 'formatDisk' }).success, false);
    // User fixes name the login, not the internal id; a name-less setPbxName says what it will ask for.
    const grant = fixTitle(
      PrerequisiteFixSchema.parse({ kind: 'grantRight', userId: 17, login: '1002', right: 'msteams_perm' }),
    );
    assert.equal(grant.en, 'Grant the right "Integration mit Microsoft Teams" to 1002');
    assert.doesNotMatch(grant.en + grant.de, /17/);
    assert.match(
      fixTitle(
        PrerequisiteFixSchema.parse({
          kind: 'assignLicence',
          userId: 17,
          login: '1003',
          licence: 'UCC-Client Premium',
        }),
      ).de,
      /^1003 eine Lizenz/,
    );
    assert.match(
      fixTitle(PrerequisiteFixSchema.parse({ kind: 'setPbxName', configurationId: 1 })).en,
      /the PBX's FQDN/,
    );
    assert.equal(
      fixTitle(PrerequisiteFixSchema.parse({ kind: 'keepConfiguration', configurationId: 2, name: 'Teams (copy)' })).en,
      'Keep configuration "Teams (copy)" (2) active, deactivate the others',
    );
    assert.equal(PrerequisiteFixSchema.safeParse({ kind: 'grantRight', userId: 1, right: 'root' }).success, false);
  });
  it('an incomplete check (no right "Administration") says so in the heading, and the Prerequisites view shows it as one notice', () => {
    const incomplete = { ...report(), incomplete: notAdminNotice('1001') };
    PrerequisitesReportSchema.parse(incomplete);
    assert.match(
      reportToMarkdown(incomplete),
      /\n- Incomplete: Signed in as 1001 without the right "Administration": the checks that need it are unknown\./,
    );
    assert.ok(!reportToMarkdown(report()).includes('Incomplete'));
    const nodes = prerequisiteNodes(incomplete, { t: englishOnly, language: 'de' });
    const notices = nodes.filter((n) => n.kind === 'notice');
    assert.equal(notices.length, 1);
    assert.equal(notices[0]!.status, 'unknown');
    assert.match(
      notices[0]!.description!,
      /^Angemeldet als 1001 ohne das Recht „Administration“: Prüfungen, die es brauchen, sind unbekannt\./,
    );
    assert.equal(
      prerequisiteNodes(report(), { t: englishOnly, language: 'en' }).filter((n) => n.kind === 'notice').length,
      0,
    );
  });
});
