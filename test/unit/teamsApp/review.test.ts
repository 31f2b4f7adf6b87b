// Regressions from the review of the Teams packaging/validation: env precedence, unknown $schema, BOM and
// UTF-16, zip entries too large to inflate, duplicate keys, `./color.png`, validDomains, name length, missing env.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { englishOnly } from '../../../extension/src/text/i18n.js';
import {
  createAppFolder,
  packageApp,
  readEnvFile,
  validateAppPath,
  validateManifestText,
} from '../../../extension/src/teamsApp/index.js';
import { mergeValues } from '../../../extension/src/teamsApp/package.js';
import { validDomainFindings } from '../../../extension/src/teamsApp/rules/validDomains.js';
import { openZip, writeZip } from '../../../extension/src/teamsApp/zip.js';
import { removeTempDirs, tempDir } from '../../support/cli.js';
import { FIXTURES, materialize } from './corpusSupport.js';

const PBX = { STARFACE_PBX_NAME: 'pbx.demo.starface.test', STARFACE_PBX_URL: 'https://pbx.demo.starface.test' };
const CONNECTION = { STARFACE_PBX_NAME: 'pbx.connection.test', STARFACE_PBX_URL: 'https://pbx.connection.test' };
const good = () => readFileSync(join(FIXTURES, 'good-v1.30', 'manifest.json'), 'utf8');

async function zipManifest(zipPath: string): Promise<{ text: string; names: string[] }> {
  const zip = await openZip(readFileSync(zipPath));
  try {
    return { text: (await zip.read('manifest.json'))!.toString('utf8'), names: zip.entries.map((e) => e.name).sort() };
  } finally {
    zip.close();
  }
}

describe('teams: review regressions', function () {
  this.timeout(30_000);
  after(removeTempDirs);

  describe('packaging values', () => {
    it('mergeValues: the env file wins; defaults fill only missing or empty keys; explicit values override all', () => {
      assert.deepEqual(
        mergeValues({ A: 'file', B: '', C: 'file' }, { A: 'conn', B: 'conn', D: 'conn' }, { C: 'set' }),
        { A: 'file', B: 'conn', C: 'set', D: 'conn' },
      );
      assert.deepEqual(mergeValues({ E: '' }, {}), { E: '' });
    });

    it('the connection (defaults) does not override .env.NAME; --set (values) does', async () => {
      const dir = tempDir();
      await createAppFolder(dir, { appName: 'STARFACE', values: PBX });
      const fromFile = await packageApp(dir, 'dev', { defaults: CONNECTION });
      assert.equal(fromFile.ok, true, JSON.stringify(fromFile.report.findings));
      assert.deepEqual(JSON.parse(readFileSync(fromFile.manifestPath!, 'utf8')).validDomains, [PBX.STARFACE_PBX_NAME]);
      const explicit = await packageApp(dir, 'dev', {
        defaults: CONNECTION,
        values: { STARFACE_PBX_NAME: 'pbx.set.test' },
      });
      assert.deepEqual(JSON.parse(readFileSync(explicit.manifestPath!, 'utf8')).validDomains, ['pbx.set.test']);
    });

    it('a named env without its .env file: one error naming the env files there, no per-placeholder errors', async () => {
      const dir = tempDir();
      await createAppFolder(dir, { appName: 'STARFACE' });
      writeFileSync(join(dir, '.env.test'), 'A=1\n');
      const r = await packageApp(dir, 'prod', { values: PBX });
      assert.equal(r.ok, false);
      assert.deepEqual(
        r.report.findings.map((f) => [f.rule, f.severity]),
        [['env-file-missing', 'error']],
      );
      assert.match(r.report.findings[0]!.message, /\.env\.prod.*\.env\.dev, \.env\.test/);
      assert.equal(existsSync(join(dir, 'build')), false);
    });

    it('icons named "./color.png": the packaged manifest names the zip entry "color.png"', async () => {
      const dir = tempDir();
      await createAppFolder(dir, { appName: 'STARFACE', values: PBX });
      const path = join(dir, 'manifest.json');
      writeFileSync(path, readFileSync(path, 'utf8').replace('"color": "color.png"', '"color": "./color.png"'));
      const r = await packageApp(dir, 'dev');
      assert.equal(r.ok, true, JSON.stringify(r.report.findings));
      const { text, names } = await zipManifest(r.zipPath!);
      assert.equal(JSON.parse(text).icons.color, 'color.png');
      assert.equal(JSON.parse(readFileSync(r.manifestPath!, 'utf8')).icons.color, 'color.png');
      assert.deepEqual(names, ['color.png', 'manifest.json', 'outline.png']);
    });
  });

  describe('encodings', () => {
    it('a UTF-8 BOM: a manifest-bom warning, line-1 columns as the editor shows them, and never packaged', async () => {
      const text = '{ "manifestVersion": 5 }';
      const plain = await validateManifestText(text, {});
      const withBom = await validateManifestText('\uFEFF' + text, {});
      assert.deepEqual(
        withBom.filter((f) => f.rule !== 'manifest-bom'),
        plain,
        'the same findings at the same columns',
      );
      assert.equal(withBom.find((f) => f.rule === 'manifest-bom')?.severity, 'warning');

      const dir = tempDir();
      await createAppFolder(dir, { appName: 'STARFACE', values: PBX });
      const path = join(dir, 'manifest.json');
      writeFileSync(path, '\uFEFF' + readFileSync(path, 'utf8'));
      const r = await packageApp(dir, 'dev');
      assert.equal(r.ok, true, JSON.stringify(r.report.findings));
      assert.deepEqual(
        r.report.findings.map((f) => f.rule),
        ['manifest-bom'],
      );
      assert.notEqual(readFileSync(r.manifestPath!)[0], 0xef, 'manifest.dev.json has no BOM');
      assert.equal(
        (await zipManifest(r.zipPath!)).text.charCodeAt(0),
        '{'.charCodeAt(0),
        'the zipped manifest has no BOM',
      );
    });

    it('a UTF-16 manifest: one "not UTF-8" error instead of syntax errors', async () => {
      const r = await validateAppPath(materialize('manifest-utf16'));
      assert.deepEqual(
        r.findings.map((f) => f.rule),
        ['manifest-encoding'],
      );
      assert.match(r.findings[0]!.message, /not UTF-8/);
    });
  });

  describe('zip entries too large to read', () => {
    const big = Buffer.alloc(21 * 1024 * 1024, 0x20); // deflates to a few KB, over the 20 MB read limit

    it('an icon: package-too-large on that entry, not "missing" and not an exception', async () => {
      const dir = materialize('good-v1.30');
      const file = join(tempDir(), 'bomb.zip');
      writeFileSync(
        file,
        await writeZip([
          { name: 'manifest.json', data: readFileSync(join(dir, 'manifest.json')) },
          { name: 'color.png', data: big },
          { name: 'outline.png', data: readFileSync(join(dir, 'outline.png')) },
        ]),
      );
      const r = await validateAppPath(file);
      assert.deepEqual(
        r.findings.map((f) => [f.rule, f.file]),
        [['package-too-large', 'color.png']],
      );
      assert.match(r.findings[0]!.message, /21\.0 MB/);
    });

    it('the manifest itself: a finding, not an exception', async () => {
      const file = join(tempDir(), 'bomb.zip');
      writeFileSync(file, await writeZip([{ name: 'manifest.json', data: big }]));
      const r = await validateAppPath(file);
      assert.deepEqual(
        r.findings.map((f) => [f.rule, f.file]),
        [['package-too-large', 'manifest.json']],
      );
    });
  });

  describe('manifest findings', () => {
    it('duplicate keys: a warning on the ignored key; pointers locate the last one (the value JSON.parse keeps)', async () => {
      const text = good().replace('"version": "1.0.0",', '"version": "1.0.0",\n  "version": "1.0",');
      const lines = text.split('\n');
      const fs = await validateManifestText(text, {});
      const dup = fs.find((f) => f.rule === 'json-duplicate-key')!;
      assert.equal(dup.severity, 'warning');
      assert.equal(lines[dup.line - 1]!.trim(), '"version": "1.0.0",');
      assert.equal(lines[dup.line - 1]!.slice(dup.column - 1, dup.endColumn - 1), '"version"');
      assert.match(dup.message, new RegExp(`line ${dup.line + 1}\\)`));
      const semver = fs.find((f) => f.rule === 'version-semver')!;
      assert.equal(lines[semver.line - 1]!.slice(semver.column - 1, semver.endColumn - 1), '"1.0"');
    });

    it("an unknown $schema URL: validated against manifestVersion's schema, and the message says so", async () => {
      const r = await validateAppPath(materialize('schema-url-unrecognized'));
      const unknown = r.findings.find((f) => f.rule === 'schema-unknown')!;
      assert.equal(unknown.severity, 'warning');
      assert.match(unknown.message, /validated against the bundled 1\.30 schema/);
      assert.equal(r.findings.find((f) => f.rule === 'schema')?.pointer, '/name/short');
    });

    it('no $schema and manifestVersion 1.99: the bundled versions, no made-up schema URL', async () => {
      const r = await validateAppPath(materialize('schema-missing-unknown-version'));
      const messages = r.findings.map((f) => f.message).join('\n');
      assert.doesNotMatch(messages, /v1\.99/);
      assert.match(r.findings.find((f) => f.rule === 'schema-missing')!.message, /1\.0–1\.17, 1\.19–1\.30, devPreview/);
    });

    it("a version mismatch is one finding at /manifestVersion, not also the schema's const error", async () => {
      const r = await validateAppPath(materialize('schema-version-mismatch'));
      assert.deepEqual(
        r.findings.filter((f) => f.pointer === '/manifestVersion').map((f) => f.rule),
        ['schema-version-mismatch'],
      );
    });
  });

  describe('validDomains', () => {
    const rule = (d: string) => validDomainFindings([d], 'manifest.json', englishOnly).map((f) => f.rule)[0] ?? 'ok';
    const cases: Array<[string, string]> = [
      ['github.com', 'ok'],
      ['www.github.com', 'ok'],
      ['login.microsoftonline.com', 'valid-domains-identity-provider'],
      ['accounts.google.com', 'valid-domains-identity-provider'],
      ['login.live.com', 'valid-domains-identity-provider'],
      ['contoso.b2clogin.com', 'valid-domains-identity-provider'],
      ['{teamsitedomain}', 'ok'],
      ['{teamsitedomain}.evil.example', 'valid-domains-format'],
      ['app.example.com:8443', 'ok'],
      ['app.example.com:65535/path', 'ok'],
      ['app.example.com:65536', 'valid-domains-format'],
      ['app.example.com:123456', 'valid-domains-format'],
      ['app.example.com:8a', 'valid-domains-format'],
      ['app.example.com:', 'valid-domains-format'],
      ['*.azurewebsites.net', 'valid-domains-shared-hosting'],
      ['*.s3.amazonaws.com', 'valid-domains-shared-hosting'],
      ['*.scm.azurewebsites.net', 'valid-domains-shared-hosting'],
      ['contoso.azurewebsites.net', 'ok'],
      ['*.contoso.com', 'ok'],
    ];
    for (const [domain, expected] of cases) it(`${domain} → ${expected}`, () => assert.equal(rule(domain), expected));
  });

  describe('new app folder', () => {
    it('a name over 30 characters is refused, not cut; nothing is written', async () => {
      const dir = join(tempDir(), 'app');
      await assert.rejects(
        createAppFolder(dir, { appName: 'STARFACE telephony for Teams 31' }),
        /31 characters long; Teams allows at most 30/,
      );
      assert.equal(existsSync(join(dir, 'manifest.json')), false);
      const ok = await createAppFolder(dir, { appName: 'STARFACE telephony for Teams 3' });
      assert.equal(JSON.parse(readFileSync(ok.manifestPath, 'utf8')).name.short, 'STARFACE telephony for Teams 3');
      assert.ok((await readEnvFile(ok.envPath)).TEAMS_APP_ID);
    });
  });
});
