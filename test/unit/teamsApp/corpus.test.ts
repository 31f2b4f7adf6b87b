// Corpus-driven: every fixture case yields exactly its expected rule ids, every finding is placed, and the
// schema verdict agrees with Microsoft's own validator (@microsoft/app-manifest, offline) on every case.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import {
  TeamsFindingSchema,
  TeamsValidationReportSchema,
  type TeamsValidationReport,
} from '../../../shared/schemas/teamsApp.js';
import { findSchemaDir, versionFromSchemaUrl } from '../../../extension/src/teamsApp/schemas.js';
import { validateAppPath } from '../../../extension/src/teamsApp/validate.js';
import { removeTempDirs, tempDir } from '../../support/cli.js';
import { caseNames, caseSpec, materialize } from './corpusSupport.js';

const rules = (r: TeamsValidationReport) => [...new Set(r.findings.map((f) => f.rule))].sort();

function checkShape(r: TeamsValidationReport): void {
  TeamsValidationReportSchema.parse(r);
  for (const f of r.findings) {
    TeamsFindingSchema.parse(f);
    assert.ok(f.helpUrl.startsWith('https://learn.microsoft.com/'), f.helpUrl);
    assert.ok(
      f.endLine > f.line || (f.endLine === f.line && f.endColumn >= f.column),
      `range of ${f.rule} ${JSON.stringify(f)}`,
    );
  }
  assert.equal(r.errors, r.findings.filter((f) => f.severity === 'error').length);
  assert.equal(r.ok, r.errors === 0);
}

/** Microsoft's schema verdict, offline: its fetchSchema reads the bundled schemas; fetch is disabled meanwhile. */
async function microsoftVerdict(manifest: { $schema: string }): Promise<string[]> {
  assert.ok(versionFromSchemaUrl(manifest.$schema), 'the case must name a bundled schema');
  const { AppManifestUtils } = await import('@microsoft/app-manifest');
  return AppManifestUtils.validateAgainstSchema(manifest as never);
}

function zipOf(
  entries: Array<{ name: string; data?: Buffer; dir?: boolean; store?: boolean }>,
  file: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const e of entries) {
      if (e.dir) z.addEmptyDirectory(e.name);
      else z.addBuffer(e.data!, e.name, { compress: !e.store });
    }
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('error', reject);
    z.outputStream.on('end', () => {
      writeFileSync(file, Buffer.concat(chunks));
      resolve(file);
    });
    z.end();
  });
}

describe('teams: fixture corpus', function () {
  this.timeout(60_000);
  const realFetch = globalThis.fetch;
  before(() => {
    // Proof of "offline": any attempt to download a schema fails the test.
    globalThis.fetch = (() => Promise.reject(new Error('network access during Teams validation'))) as typeof fetch;
  });
  after(() => {
    globalThis.fetch = realFetch;
    removeTempDirs();
  });

  const names = caseNames();
  it('has at least 30 cases', () => assert.ok(names.length >= 30, `${names.length} cases`));

  for (const name of names) {
    const spec = caseSpec(name);
    it(`${name}: ${spec.expect.length ? spec.expect.join(', ') : 'valid'}`, async () => {
      const dir = materialize(name);
      const report = await validateAppPath(dir);
      checkShape(report);
      assert.deepEqual(rules(report), [...spec.expect].sort(), JSON.stringify(report.findings, null, 1));
      if (spec.microsoft) {
        const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
        const ms = await microsoftVerdict(manifest);
        const schemaRules = spec.schemaRules ?? ['schema'];
        const ours = report.findings.filter((f) => schemaRules.includes(f.rule) && f.file === 'manifest.json');
        assert.equal(
          ours.length === 0,
          ms.length === 0,
          `schema verdicts differ: ours ${JSON.stringify(ours.map((f) => f.message))}, Microsoft ${JSON.stringify(ms)}`,
        );
      }
    });
  }

  describe('every bundled schema version (1.0–1.30, devPreview)', () => {
    const versions = readdirSync(findSchemaDir()).filter((v) => /^v(\d+\.\d+|DevPreview)$/.test(v));
    it('bundles all 30 published versions and devPreview (there is no 1.18)', () => {
      assert.equal(versions.length, 31, versions.join(' '));
      assert.ok(!versions.includes('v1.18'));
    });
    // Two manifests (an old-style one with packageName, a current one) retargeted to each version: the schema
    // of that version compiles, is the one used, and its verdict agrees with Microsoft's on both.
    for (const base of ['good-v1.3', 'good-v1.30']) {
      it(`${base}, retargeted to each version: same schema verdict as @microsoft/app-manifest`, async () => {
        const dir = materialize(base);
        const original = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
        const verdicts: string[] = [];
        for (const v of versions) {
          const manifestVersion = v === 'vDevPreview' ? 'devPreview' : v.slice(1);
          const manifest = {
            ...original,
            $schema: `https://developer.microsoft.com/json-schemas/teams/${v}/MicrosoftTeams.schema.json`,
            manifestVersion,
          };
          writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
          const report = await validateAppPath(dir);
          checkShape(report);
          assert.equal(report.manifestVersion, manifestVersion);
          const ours = report.findings.filter((f) => f.rule === 'schema' && f.file === 'manifest.json');
          const ms = await microsoftVerdict(manifest);
          assert.equal(
            ours.length === 0,
            ms.length === 0,
            `${v}: ours ${JSON.stringify(ours.map((f) => f.message))}, Microsoft ${JSON.stringify(ms)}`,
          );
          verdicts.push(`${manifestVersion}:${ours.length === 0 ? 'valid' : 'invalid'}`);
        }
        assert.equal(verdicts.length, 31, verdicts.join(' '));
      });
    }
  });

  describe('zip packages', () => {
    let good: string;
    let files: Array<{ name: string; data: Buffer }>;
    before(() => {
      good = materialize('good-v1.30');
      files = ['manifest.json', 'color.png', 'outline.png'].map((n) => ({
        name: n,
        data: readFileSync(join(good, n)),
      }));
    });

    async function check(entries: Parameters<typeof zipOf>[0], expect: string[]): Promise<TeamsValidationReport> {
      const file = await zipOf(entries, join(tempDir(), 'appPackage.zip'));
      const report = await validateAppPath(file);
      checkShape(report);
      assert.equal(report.kind, 'zip');
      assert.deepEqual(rules(report), expect, JSON.stringify(report.findings, null, 1));
      return report;
    }

    it('all files at the root: valid', () => check(files, []));
    it('files inside a folder: zip-folder and manifest-not-at-root', async () => {
      const r = await check(
        files.map((f) => ({ ...f, name: `app/${f.name}` })),
        ['manifest-not-at-root', 'zip-folder'],
      );
      assert.equal(r.findings.find((f) => f.rule === 'manifest-not-at-root')!.file, 'app/manifest.json');
    });
    it('an extra folder beside root files: zip-folder', () =>
      check(
        [...files, { name: 'docs/', dir: true }, { name: 'docs/readme.txt', data: Buffer.from('hi') }],
        ['zip-folder'],
      ));
    it('no manifest at all: manifest-missing', () => check(files.slice(1), ['manifest-missing']));
    it('over 10 MB: package-too-large', async function () {
      this.timeout(60_000);
      // Random bytes do not compress: stored, the zip is as large as the data.
      await check(
        [...files, { name: 'padding.bin', data: randomBytes(10 * 1024 * 1024 + 4096), store: true }],
        ['package-too-large'],
      );
    });
    it('an unresolved placeholder in a package: placeholder-unresolved with line and column', async () => {
      const text = files[0]!.data.toString('utf8').replace('"pbx.demo.starface.test"', '"${{STARFACE_PBX_NAME}}"');
      const r = await check(
        [{ name: 'manifest.json', data: Buffer.from(text) }, ...files.slice(1)],
        ['placeholder-unresolved'],
      );
      const f = r.findings[0]!;
      const lines = text.split('\n');
      assert.equal(lines[f.line - 1]!.slice(f.column - 1, f.endColumn - 1), '${{STARFACE_PBX_NAME}}');
      assert.equal(f.pointer, '/validDomains/0');
    });
    it('a broken icon inside the package: icon-size on the icon file', async () => {
      const r = await check([files[0]!, { name: 'color.png', data: files[2]!.data }, files[2]!], ['icon-size']);
      assert.equal(r.findings[0]!.file, 'color.png');
    });
    it('not a zip at all: zip-invalid', async () => {
      const file = join(tempDir(), 'broken.zip');
      writeFileSync(file, 'this is not a zip file');
      const r = await validateAppPath(file);
      checkShape(r);
      assert.deepEqual(rules(r), ['zip-invalid']);
    });
  });
});
