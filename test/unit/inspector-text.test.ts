import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  format,
  INSPECTOR_TEXT,
  type InspectorTextKey,
  inspectorLanguage,
  inspectorText,
} from '../../shared/inspectorText.js';
import { COLUMNS } from '../../extension/webview/inspector/table.js';

const ROOT = join(__dirname, '..', '..');
const placeholders = (s: string): string[] => [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();

describe('inspector webview: the texts in English and German', () => {
  const entries = Object.entries(INSPECTOR_TEXT) as [InspectorTextKey, { en: string; de: string }][];

  it('has a non-empty English and German text for every entry', () => {
    assert.ok(entries.length > 50, `${entries.length} entries`);
    for (const [key, { en, de }] of entries) {
      assert.equal(typeof en, 'string', key);
      assert.equal(typeof de, 'string', key);
      assert.ok(en.trim(), `${key}: English is empty`);
      assert.ok(de.trim(), `${key}: German is empty`);
    }
  });

  it('has the same {N} placeholders in both languages, numbered from 0 without holes', () => {
    for (const [key, { en, de }] of entries) {
      assert.deepEqual(placeholders(de), placeholders(en), key);
      const numbers = placeholders(en).map((p) => Number(p.slice(1, -1)));
      assert.deepEqual(numbers, numbers.map((_, i) => i).sort(), `${key}: ${en}`);
    }
  });

  it('picks German for de and de-* only', () => {
    for (const l of ['de', 'DE', 'de-DE', 'de-CH', 'de_AT', ' de ']) assert.equal(inspectorLanguage(l), 'de', l);
    for (const l of ['en', 'en-US', '', 'fr', 'dee', 'nl-de']) assert.equal(inspectorLanguage(l), 'en', l);
  });

  it('formats the values in, once (a value that looks like a placeholder stays as it is)', () => {
    assert.equal(format('{0} of {1}', 3, 'x'), '3 of x');
    assert.equal(format('{1}{0}{1}', 'a', 'b'), 'bab');
    assert.equal(format('{0} and {1}', '{1}', 'b'), '{1} and b');
    assert.equal(format('{0} {2}', 'a'), 'a {2}');
    const de = inspectorText('de-DE');
    assert.equal(de.t('countFiltered', de.n(1234), de.n(50_000)), '1.234 von 50.000');
    assert.equal(de.t('pause'), 'Pausieren');
    const en = inspectorText('en');
    assert.equal(en.t('countMany', en.n(50_000)), '50,000 events');
    assert.equal(en.t('pausedMany', en.n(2)), 'Paused — 2 new events will be shown on resume.');
    assert.equal(inspectorText('xx-!!').n(1000), '1,000', 'an invalid language tag falls back to English');
    assert.equal(inspectorText('de-!!').n(1000), '1.000', 'an invalid German tag falls back to de');
  });

  it('keeps the table columns in the texts', () => {
    for (const c of COLUMNS) assert.ok(INSPECTOR_TEXT[c], c);
    assert.deepEqual(
      COLUMNS.map((c) => INSPECTOR_TEXT[c].en),
      ['Time', 'Seq', 'Service', 'Event', 'User / number', 'Summary'],
    );
  });

  it('leaves no English literal for people in the webview sources (labels, titles, aria-labels, placeholders)', () => {
    const dir = join(ROOT, 'extension', 'webview', 'inspector');
    const found: string[] = [];
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      for (const m of src.matchAll(/(?:title|'aria-label'|placeholder)\s*:\s*['`][A-Za-z]/g))
        found.push(`${f}: ${m[0]}`);
      for (const m of src.matchAll(/textContent\s*=\s*['`][A-Za-z]/g)) found.push(`${f}: ${m[0]}`);
    }
    assert.deepEqual(found, []);
  });
});
