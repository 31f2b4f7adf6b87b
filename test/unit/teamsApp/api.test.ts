// The API the VS Code side uses: scaffolding, placeholders, as-you-type validation, packaging.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import {
  createAppFolder,
  packageApp,
  PBX_PLACEHOLDERS,
  readEnvFile,
  resolvePlaceholders,
  validateAppPath,
  validateManifestText,
} from '../../../extension/src/teamsApp/index.js';
import { decodePng, outlineProblems } from '../../../extension/src/teamsApp/png.js';
import { findSchemaDir, newestVersion } from '../../../extension/src/teamsApp/schemas.js';
import { openZip } from '../../../extension/src/teamsApp/zip.js';
import { removeTempDirs, tempDir } from '../../support/cli.js';
import { FIXTURES } from './corpusSupport.js';

const PBX = { STARFACE_PBX_NAME: 'pbx.demo.starface.test', STARFACE_PBX_URL: 'https://pbx.demo.starface.test' };

describe('teams: placeholders and env files', () => {
  after(removeTempDirs);

  it('reads dotenv-like files: comments, quotes, export, escapes', async () => {
    const f = join(tempDir(), '.env.dev');
    writeFileSync(
      f,
      '# comment\nA=1\nexport B = two words # trailing\nC="quoted # not a comment"\nD=\'single\'\nE="line\\nbreak"\nbroken line\nF=\n',
    );
    assert.deepEqual(await readEnvFile(f), {
      A: '1',
      B: 'two words',
      C: 'quoted # not a comment',
      D: 'single',
      E: 'line\nbreak',
      F: '',
    });
  });

  it('resolves known names, lists the others with line and column, and maps offsets back', () => {
    const text = '{\n  "a": "${{X}}/path",\n  "b": "${{ MISSING }}",\n  "c": "${{EMPTY}}"\n}';
    const r = resolvePlaceholders(text, { X: 'https://h"q', EMPTY: '' }, { json: true });
    assert.equal(JSON.parse(r.text).a, 'https://h"q/path');
    assert.deepEqual(
      r.unresolved.map((u) => [u.name, u.line, u.column]),
      [
        ['MISSING', 3, 9],
        ['EMPTY', 4, 9],
      ],
    );
    const after = r.text.indexOf('/path');
    assert.equal(text.slice(r.mapOffset(after), r.mapOffset(after) + 5), '/path');
    assert.equal(r.mapOffset(r.text.indexOf('"b"')), text.indexOf('"b"'));
  });

  it('exports the PBX placeholder names', () =>
    assert.deepEqual([...PBX_PLACEHOLDERS], ['STARFACE_PBX_NAME', 'STARFACE_PBX_URL']));
});

describe('teams: new app folder', () => {
  after(removeTempDirs);

  it('writes a manifest on the newest bundled schema, valid icons and an env file with a fresh GUID', async () => {
    const dir = join(tempDir(), 'app');
    const r = await createAppFolder(dir, { appName: 'STARFACE' });
    const newest = newestVersion(findSchemaDir());
    assert.equal(newest, '1.30');
    const manifest = JSON.parse(readFileSync(r.manifestPath, 'utf8'));
    assert.equal(manifest.manifestVersion, newest);
    assert.match(manifest.$schema, /\/v1\.30\/MicrosoftTeams\.schema\.json$/);
    assert.equal(manifest.id, '${{TEAMS_APP_ID}}');
    assert.equal(r.envPath, join(dir, '.env.dev'));
    const env = await readEnvFile(r.envPath);
    assert.match(env.TEAMS_APP_ID!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const color = decodePng(readFileSync(join(dir, 'color.png')));
    const outline = decodePng(readFileSync(join(dir, 'outline.png')));
    assert.deepEqual([color.width, color.height, outline.width, outline.height], [192, 192, 32, 32]);
    assert.deepEqual(outlineProblems(outline), { coloured: 0, semiTransparent: 0 });
    assert.ok(
      outline.data.some((_, i) => i % 4 === 3 && outline.data[i] === 255),
      'the outline draws something',
    );
    // The unpackaged folder validates clean: placeholders are not schema errors.
    const report = await validateAppPath(dir);
    assert.deepEqual(report.findings, []);
  });

  it('refuses to overwrite an existing manifest unless asked', async () => {
    const dir = tempDir();
    await createAppFolder(dir, { appName: 'One' });
    await assert.rejects(createAppFolder(dir, { appName: 'Two' }), /already exists/);
    await createAppFolder(dir, { appName: 'Two', overwrite: true });
    assert.equal(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).name.short, 'Two');
  });

  it('rejects a bad environment name', async () => {
    await assert.rejects(createAppFolder(tempDir(), { appName: 'X', envName: '../evil' }), /environment name/);
  });
});

describe('teams: packaging', () => {
  after(removeTempDirs);

  it('fills PBX values, validates and writes the zip (all files at the root) and the resolved manifest', async () => {
    const dir = tempDir();
    const { envPath } = await createAppFolder(dir, { appName: 'STARFACE' });
    const appId = (await readEnvFile(envPath)).TEAMS_APP_ID;
    const r = await packageApp(dir, 'dev', { values: PBX });
    assert.equal(r.ok, true, JSON.stringify(r.report.findings));
    assert.equal(r.zipPath, join(dir, 'build', 'appPackage.dev.zip'));
    assert.equal(r.manifestPath, join(dir, 'build', 'manifest.dev.json'));
    const resolved = JSON.parse(readFileSync(r.manifestPath!, 'utf8'));
    assert.equal(resolved.id, appId);
    assert.deepEqual(resolved.validDomains, ['pbx.demo.starface.test']);
    const zip = await openZip(readFileSync(r.zipPath!));
    try {
      assert.deepEqual(zip.entries.map((e) => e.name).sort(), ['color.png', 'manifest.json', 'outline.png']);
      assert.equal((await zip.read('manifest.json'))!.toString('utf8'), readFileSync(r.manifestPath!, 'utf8'));
    } finally {
      zip.close();
    }
    const again = await validateAppPath(r.zipPath!);
    assert.equal(again.ok, true, JSON.stringify(again.findings));
  });

  it('an unresolved placeholder: error with its place in manifest.json, and no zip', async () => {
    const dir = tempDir();
    await createAppFolder(dir, { appName: 'STARFACE' });
    const r = await packageApp(dir, 'dev', { values: { STARFACE_PBX_URL: PBX.STARFACE_PBX_URL } });
    assert.equal(r.ok, false);
    assert.equal(r.zipPath, undefined);
    assert.equal(existsSync(join(dir, 'build', 'appPackage.dev.zip')), false);
    const found = r.report.findings.filter((f) => f.rule === 'placeholder-unresolved');
    assert.ok(found.length >= 1);
    const source = readFileSync(join(dir, 'manifest.json'), 'utf8').split('\n');
    for (const f of found) {
      assert.equal(f.file, 'manifest.json');
      assert.equal(source[f.line - 1]!.slice(f.column - 1, f.endColumn - 1), '${{STARFACE_PBX_NAME}}');
      assert.match(f.message, /STARFACE_PBX_NAME/);
    }
  });

  it('a validation error after substitution points into the manifest as written', async () => {
    const dir = tempDir();
    await createAppFolder(dir, { appName: 'STARFACE', values: PBX });
    const r = await packageApp(dir, 'dev', { values: { DEVELOPER_PRIVACY_URL: 'http://insecure.example' } });
    assert.equal(r.ok, false);
    const f = r.report.findings.find((x) => x.rule === 'developer-https')!;
    const line = readFileSync(join(dir, 'manifest.json'), 'utf8').split('\n')[f.line - 1]!;
    assert.equal(line.slice(f.column - 1, f.endColumn - 1), '"${{DEVELOPER_PRIVACY_URL}}"');
  });

  it('never packages for an "undefined" or malformed environment', async () => {
    const dir = tempDir();
    await createAppFolder(dir, { appName: 'STARFACE', values: PBX });
    await assert.rejects(packageApp(dir, 'undefined'), /environment name/);
    await assert.rejects(packageApp(dir, undefined as unknown as string), /environment name/);
    await assert.rejects(packageApp(dir, 'a/b'), /environment name/);
  });
});

describe('teams: as-you-type validation', () => {
  it('places a schema error on the offending value', async () => {
    const text = readFileSync(join(FIXTURES, 'schema-name-too-long', 'manifest.json'), 'utf8');
    const [f, ...rest] = await validateManifestText(text, {});
    assert.equal(rest.length, 0);
    assert.equal(f!.rule, 'schema');
    assert.equal(f!.pointer, '/name/short');
    const line = text.split('\n')[f!.line - 1]!;
    assert.equal(line.slice(f!.column - 1, f!.endColumn - 1), '"STARFACE telephony integration app"');
  });

  it("a missing required property points at the object's key; an unknown one at its name", async () => {
    const m = JSON.parse(readFileSync(join(FIXTURES, 'good-v1.30', 'manifest.json'), 'utf8'));
    delete m.developer.name;
    m.developer.phone = '1';
    const text = JSON.stringify(m, null, 2);
    const fs = await validateManifestText(text, {});
    const lines = text.split('\n');
    const at = (f: (typeof fs)[number]) => lines[f.line - 1]!.slice(f.column - 1, f.endColumn - 1);
    assert.deepEqual(fs.map((f) => [f.pointer, at(f)]).sort(), [
      ['/developer', '"developer"'],
      ['/developer/phone', '"phone"'],
    ]);
  });

  it('with a folder, checks the icons beside the manifest', async () => {
    const dir = tempDir();
    await createAppFolder(dir, { appName: 'X' });
    const png = new PNG({ width: 32, height: 32 });
    png.data.fill(128);
    writeFileSync(join(dir, 'outline.png'), PNG.sync.write(png));
    const text = readFileSync(join(dir, 'manifest.json'), 'utf8');
    assert.deepEqual(
      (await validateManifestText(text, { dir })).map((f) => f.rule),
      ['outline-transparency'],
    );
    assert.deepEqual(await validateManifestText(text, {}), []);
  });

  it('syntax errors are findings with a place, not exceptions', async () => {
    const fs = await validateManifestText('{\n  "id": 1,\n  "x": \n}', { fileName: '/some/where/manifest.json' });
    assert.ok(fs.length >= 1);
    assert.equal(fs[0]!.rule, 'json-syntax');
    assert.equal(fs[0]!.file, 'manifest.json');
    assert.equal(fs[0]!.line, 4);
  });
});

describe('teams: a manifest file as the target', () => {
  after(removeTempDirs);
  it('validates manifest.json with its icons beside it (kind "manifest")', async () => {
    const dir = tempDir();
    await createAppFolder(dir, { appName: 'STARFACE', values: PBX });
    writeFileSync(join(dir, 'color.png'), 'not a png');
    const r = await validateAppPath(join(dir, 'manifest.json'));
    assert.equal(r.kind, 'manifest');
    assert.deepEqual(
      r.findings.map((f) => [f.rule, f.file]),
      [['icon-not-png', 'color.png']],
    );
  });
});
