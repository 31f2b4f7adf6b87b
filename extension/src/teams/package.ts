// `starface-teams package DIR --env NAME`: fill placeholders, validate, write the zip and the resolved manifest.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TeamsFinding, TeamsValidationReport } from '../../../shared/schemas/teamsApp.js';
import { englishOnly, type Translate } from '../model/i18n.js';
import { checkManifest } from './check.js';
import { place, raw } from './findings.js';
import { ENV_NAME, readEnvFile, resolvePlaceholders } from './placeholders.js';
import { referencedFiles, type ReadFile } from './rules/files.js';
import { findSchemaDir } from './schemas.js';
import { folderReader, MANIFEST, MAX_PACKAGE_BYTES, summarize } from './validate.js';
import { writeZip } from './zip.js';

export interface PackageResult {
  ok: boolean;
  zipPath?: string;
  manifestPath?: string;
  report: TeamsValidationReport;
}

export function assertEnvName(envName: string, t: Translate = englishOnly): void {
  if (typeof envName !== 'string' || !ENV_NAME.test(envName) || envName === 'undefined' || envName === 'null')
    throw new Error(t('the environment name "{0}" is not valid: use letters, digits, "_" and "-" (e.g. dev)', String(envName)));
}

async function writeAtomic(path: string, data: Buffer | string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/**
 * Packages the app folder `dir` for the environment `envName`: values from `.env.<envName>` (then `opts.values`,
 * e.g. the PBX values of the selected connection) fill every `${{NAME}}`; a placeholder without a value or any
 * validation error means no zip is written.
 */
export async function packageApp(dir: string, envName: string, opts: { values?: Record<string, string>; outDir?: string; schemaDir?: string; t?: Translate } = {}): Promise<PackageResult> {
  const t = opts.t ?? englishOnly;
  assertEnvName(envName, t);
  const t0 = performance.now();
  const schemaDir = findSchemaDir(opts.schemaDir);
  const envFile = `.env.${envName}`;
  const fromFile = await readEnvFile(join(dir, envFile)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  const values = { ...(fromFile ?? {}), ...(opts.values ?? {}) };
  const extra: TeamsFinding[] = [];
  if (!fromFile) extra.push(place(raw('warning', 'env-file-missing', envFile, '', t('there is no {0} in the app folder; only values given on the command line were used', envFile)), undefined));

  const folderRead = folderReader(dir);
  const manifestBuf = await folderRead(MANIFEST);
  if (!manifestBuf) {
    extra.push(place(raw('error', 'manifest-missing', MANIFEST, '', t('there is no {0} in {1}', MANIFEST, dir)), undefined));
    return { ok: false, report: summarize(dir, 'folder', extra, t0) };
  }
  const source = manifestBuf.toString('utf8');
  const resolved = resolvePlaceholders(source, values, { json: true });
  const message = (name: string) => {
    const placeholder = `\${{${name}}}`;
    if (values[name] === '') return t('the placeholder {0} is empty in {1}; give {2} a value', placeholder, envFile, name);
    if (name.startsWith('STARFACE_PBX_')) return t('the placeholder {0} has no value: set {1} in {2} or select a PBX connection', placeholder, name, envFile);
    return t('the placeholder {0} has no value: set {1} in {2}', placeholder, name, envFile);
  };

  // Referenced JSON files (localization) get the same substitution; the bytes that go into the zip.
  const resolvedFiles = new Map<string, Buffer>();
  const read: ReadFile = async (rel) => {
    const cached = resolvedFiles.get(rel);
    if (cached) return cached;
    const buf = await folderRead(rel);
    if (!buf) return undefined;
    const out = /\.json$/i.test(rel) ? Buffer.from(resolvePlaceholders(buf.toString('utf8'), values, { json: true }).text, 'utf8') : buf;
    resolvedFiles.set(rel, out);
    return out;
  };
  const r = await checkManifest({ text: resolved.text, sourceText: source, mapOffset: resolved.mapOffset, file: MANIFEST, placeholders: 'error', placeholderMessage: message, read, schemaDir, t });
  const findings = [...extra, ...r.findings];
  const fail = () => ({ ok: false, report: summarize(dir, 'folder', findings, t0, r.manifestVersion) });
  if (!r.manifest || findings.some((f) => f.severity === 'error')) return fail();

  const files: Array<{ name: string; data: Buffer }> = [{ name: MANIFEST, data: Buffer.from(resolved.text, 'utf8') }];
  for (const ref of referencedFiles(r.manifest)) {
    if (files.some((f) => f.name === ref.rel)) continue;
    const data = await read(ref.rel);
    if (data) files.push({ name: ref.rel, data });
  }
  const zip = await writeZip(files);
  if (zip.length > MAX_PACKAGE_BYTES) {
    findings.push(place(raw('error', 'package-too-large', MANIFEST, '', t('the package would be {0} MB; Teams accepts packages up to 10 MB', (zip.length / 1048576).toFixed(1))), undefined));
    return fail();
  }
  const outDir = opts.outDir ?? join(dir, 'build');
  await mkdir(outDir, { recursive: true });
  const zipPath = join(outDir, `appPackage.${envName}.zip`);
  const manifestPath = join(outDir, `manifest.${envName}.json`);
  await writeAtomic(zipPath, zip);
  await writeAtomic(manifestPath, resolved.text);
  return { ok: true, zipPath, manifestPath, report: summarize(dir, 'folder', findings, t0, r.manifestVersion) };
}
