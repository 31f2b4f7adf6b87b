// Finding messages in the user's language: the domain takes a translator (VS Code passes vscode.l10n.t), and the
// schema pass words ajv's errors itself instead of showing "must NOT have more than 30 characters".
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { englishOnly, type Translate } from '../../../extension/src/text/i18n.js';
import {
  createAppFolder,
  packageApp,
  validateAppPath,
  validateManifestText,
} from '../../../extension/src/teamsApp/index.js';
import { encodePng } from '../../../extension/src/teamsApp/png.js';
import { propertyPath, schemaMessage } from '../../../extension/src/teamsApp/rules/schema.js';
import type { SchemaError } from '../../../extension/src/teamsApp/schemas.js';
import { writeZip } from '../../../extension/src/teamsApp/zip.js';
import { removeTempDirs, tempDir } from '../../support/cli.js';
import { FIXTURES, materialize } from './corpusSupport.js';

const BUNDLE: Record<string, string> = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'l10n', 'bundle.l10n.de.json'), 'utf8'),
);
/** What vscode.l10n.t does with the German bundle; a message without an entry is recorded, so a gap fails the test. */
const untranslated: string[] = [];
const german: Translate = (message, ...args) => {
  if (!Object.hasOwn(BUNDLE, message)) untranslated.push(message);
  return englishOnly(BUNDLE[message] ?? message, ...args);
};
const PBX = { STARFACE_PBX_NAME: 'pbx.demo.starface.test', STARFACE_PBX_URL: 'https://pbx.demo.starface.test' };

describe('teams: finding messages in English and German', () => {
  beforeEach(() => (untranslated.length = 0));
  afterEach(() => assert.deepEqual(untranslated, [], 'messages without a German entry'));
  after(removeTempDirs);

  it('schema maxLength: our wording with the actual length, in German too', async () => {
    const text = readFileSync(join(FIXTURES, 'schema-name-too-long', 'manifest.json'), 'utf8');
    const [en] = await validateManifestText(text, {});
    const [de] = await validateManifestText(text, { t: german });
    assert.equal(en!.message, 'name.short is 34 characters long; at most 30 are allowed');
    assert.equal(de!.message, 'name.short ist 34 Zeichen lang; erlaubt sind höchstens 30');
    // Only the words change: rule, place and help stay.
    assert.deepEqual({ ...de, message: '' }, { ...en, message: '' });
  });

  it('an unknown property names the schema version', async () => {
    const m = JSON.parse(readFileSync(join(FIXTURES, 'good-v1.30', 'manifest.json'), 'utf8'));
    m.developer.phone = '1';
    m.foo = true;
    const messages = async (t?: Translate) =>
      (await validateManifestText(JSON.stringify(m, null, 2), t ? { t } : {})).map((f) => f.message).sort();
    assert.deepEqual(await messages(), [
      'unknown property "foo" (not in the v1.30 schema)',
      'unknown property "phone" in developer (not in the v1.30 schema)',
    ]);
    assert.deepEqual(await messages(german), [
      'unbekannte Eigenschaft „foo“ (nicht im Schema v1.30)',
      'unbekannte Eigenschaft „phone“ in developer (nicht im Schema v1.30)',
    ]);
  });

  it('developer-https', async () => {
    const dir = materialize('developer-http-url');
    const en = (await validateAppPath(dir)).findings.find((f) => f.rule === 'developer-https')!;
    const de = (await validateAppPath(dir, { t: german })).findings.find((f) => f.rule === 'developer-https')!;
    assert.equal(en.message, 'developer.privacyUrl must be an https:// URL, not "http://www.starface.com/privacy"');
    assert.equal(
      de.message,
      'developer.privacyUrl muss eine https://-URL sein, nicht „http://www.starface.com/privacy“',
    );
  });

  it('icon-size', async () => {
    const dir = materialize('good-v1.30');
    writeFileSync(
      join(dir, 'color.png'),
      encodePng(100, 80, () => [0, 90, 156, 255]),
    );
    const de = await validateAppPath(dir, { t: german });
    assert.deepEqual(
      de.findings.map((f) => [f.rule, f.file, f.message]),
      [['icon-size', 'color.png', 'color.png (icons.color) hat 100×80 Pixel; es muss genau 192×192 haben']],
    );
  });

  it('zip-folder', async () => {
    const good = materialize('good-v1.30');
    const files = ['manifest.json', 'color.png', 'outline.png'].map((n) => ({
      name: `app/${n}`,
      data: readFileSync(join(good, n)),
    }));
    const zip = join(tempDir(), 'appPackage.zip');
    writeFileSync(zip, await writeZip(files));
    const de = await validateAppPath(zip, { t: german });
    assert.deepEqual(de.findings.map((f) => [f.rule, f.message]).sort(), [
      [
        'manifest-not-at-root',
        'manifest.json liegt unter „app/manifest.json“, nicht auf der obersten Ebene des Pakets; packen Sie die Dateien, nicht ihren Ordner',
      ],
      [
        'zip-folder',
        'das Paket enthält den Ordner „app/“; Teams lehnt Pakete mit Ordnern ab – legen Sie alle Dateien auf die oberste Ebene',
      ],
    ]);
  });

  it('placeholder-unresolved, and packaging errors thrown in German', async () => {
    const dir = tempDir();
    await createAppFolder(dir, { appName: 'STARFACE' });
    const r = await packageApp(dir, 'dev', { values: { STARFACE_PBX_URL: PBX.STARFACE_PBX_URL }, t: german });
    assert.equal(r.ok, false);
    const messages = [
      ...new Set(r.report.findings.filter((f) => f.rule === 'placeholder-unresolved').map((f) => f.message)),
    ];
    assert.deepEqual(messages, [
      'der Platzhalter ${{STARFACE_PBX_NAME}} ist in .env.dev leer; geben Sie STARFACE_PBX_NAME einen Wert',
    ]);
    await assert.rejects(packageApp(dir, 'a/b', { t: german }), /der Umgebungsname „a\/b“ ist ungültig/);
    await assert.rejects(createAppFolder(dir, { appName: 'X', t: german }), /existiert bereits/);
  });

  it('JSON syntax errors', async () => {
    const [f] = await validateManifestText('{\n  "id": 1,\n}', { t: german });
    assert.equal(f!.message, 'JSON-Syntax: Eigenschaftsname erwartet');
  });

  it('without a translator the messages are English (the CLI)', async () => {
    const dir = materialize('names-equal');
    const [f] = (await validateAppPath(dir)).findings;
    assert.equal(
      f!.message,
      'name.full repeats name.short ("STARFACE"); give the full name more detail or leave it out',
    );
  });
});

describe('teams: schema error wording', () => {
  const error = (keyword: string, params: Record<string, unknown>, message = 'ajv says no'): SchemaError => ({
    keyword,
    params,
    message,
    instancePath: '/x',
    schemaPath: `#/${keyword}`,
  });
  const say = (keyword: string, params: Record<string, unknown>, value: unknown, t: Translate = englishOnly) =>
    schemaMessage(error(keyword, params), value, 'staticTabs[0].name', 'v1.30 schema', t);

  it('names properties as the docs do', () => {
    assert.equal(propertyPath('/staticTabs/0/name'), 'staticTabs[0].name');
    assert.equal(propertyPath('/bots/1/commandLists/0/commands'), 'bots[1].commandLists[0].commands');
    assert.equal(propertyPath(''), '');
  });

  it('words each common keyword from its params and the value', () => {
    const cases: Array<[string, Record<string, unknown>, unknown, string]> = [
      ['required', { missingProperty: 'entityId' }, {}, 'staticTabs[0].name lacks the required property "entityId"'],
      [
        'maxLength',
        { limit: 128 },
        'é'.repeat(130),
        'staticTabs[0].name is 130 characters long; at most 128 are allowed',
      ],
      ['minLength', { limit: 1 }, '', 'staticTabs[0].name must not be empty'],
      ['minLength', { limit: 3 }, 'ab', 'staticTabs[0].name is 2 characters long; at least 3 are required'],
      [
        'pattern',
        { pattern: '^[A-Z0-9]+$' },
        'a b',
        'staticTabs[0].name "a b" does not match the required pattern ^[A-Z0-9]+$',
      ],
      ['format', { format: 'uri' }, 'not a url', 'staticTabs[0].name "not a url" is not a valid URL'],
      ['format', { format: 'email' }, 'x@', 'staticTabs[0].name "x@" is not a valid e-mail address'],
      [
        'enum',
        { allowedValues: ['personal', 'team'] },
        'groupchat',
        'staticTabs[0].name is "groupchat"; allowed: "personal", "team"',
      ],
      ['const', { allowedValue: '1.30' }, '1.17', 'staticTabs[0].name must be "1.30", not "1.17"'],
      ['type', { type: 'string' }, 5, 'staticTabs[0].name must be a string, not 5'],
      ['type', { type: ['string', 'array'] }, {}, 'staticTabs[0].name must be a string or a list, not an object'],
      ['type', { type: 'boolean' }, 'yes', 'staticTabs[0].name must be true or false, not "yes"'],
      [
        'maxItems',
        { limit: 16 },
        new Array(17).fill('a'),
        'staticTabs[0].name lists 17 entries; at most 16 are allowed',
      ],
      ['minItems', { limit: 1 }, [], 'staticTabs[0].name must not be empty'],
      [
        'uniqueItems',
        { i: 3, j: 1 },
        [],
        'staticTabs[0].name[1] and staticTabs[0].name[3] are the same; every entry must be unique',
      ],
      ['maximum', { comparison: '<=', limit: 10 }, 12, 'staticTabs[0].name is 12; it must be at most 10'],
      ['minimum', { comparison: '>', limit: 0 }, 0, 'staticTabs[0].name is 0; it must be greater than 0'],
      ['anyOf', {}, 1, 'staticTabs[0].name matches none of the forms the v1.30 schema allows'],
      [
        'oneOf',
        { passingSchemas: [0, 1] },
        1,
        'staticTabs[0].name matches more than one of the forms the v1.30 schema allows; it must match exactly one',
      ],
      ['multipleOf', { multipleOf: 2 }, 3, 'staticTabs[0].name: ajv says no (schema rule "multipleOf")'],
    ];
    for (const [keyword, params, value, expected] of cases)
      assert.equal(say(keyword, params, value), expected, keyword);
  });

  it('cuts long values short and lists at most 12 allowed values', () => {
    assert.match(say('pattern', { pattern: '^x$' }, 'y'.repeat(500)), /"y{59}…"/);
    const allowed = Array.from({ length: 20 }, (_, i) => `v${i}`);
    assert.match(say('enum', { allowedValues: allowed }, 'w'), /"v11" and 8 more$/);
  });

  it('in German', () => {
    assert.equal(
      say('required', { missingProperty: 'entityId' }, {}, german),
      'in staticTabs[0].name fehlt die Pflichteigenschaft „entityId“',
    );
    assert.equal(
      say('type', { type: 'string' }, true, german),
      'staticTabs[0].name muss eine Zeichenkette sein, nicht true',
    );
    assert.equal(
      say('maxItems', { limit: 16 }, new Array(17).fill('a'), german),
      'staticTabs[0].name hat 17 Einträge; erlaubt sind höchstens 16',
    );
    assert.deepEqual(untranslated, []);
  });
});
