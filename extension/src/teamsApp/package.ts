// `starface-teams package DIR --env NAME`: fill placeholders, validate, write the zip and the resolved manifest.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyEdits, modify, type JSONPath } from 'jsonc-parser';
import { MANIFEST, type TeamsFinding, type TeamsValidationReport } from '../../../shared/schemas/teamsApp.js';
import { englishOnly, type Translate } from '../text/i18n.js';
import { checkManifest, stripBom } from './check.js';
import { place, raw } from './findings.js';
import { parsePointer } from './locate.js';
import { atRoot } from './paths.js';
import { assertEnvName, envNames, readEnvFile, resolvePlaceholders } from './placeholders.js';
import { referencedFiles, type FileRef, type ReadFile } from './rules/files.js';
import { findSchemaDir } from './schemas.js';
import { folderReader, MAX_PACKAGE_BYTES, summarize } from './validate.js';
import { writeZip } from './zip.js';

export interface PackageResult {
  ok: boolean;
  zipPath?: string;
  manifestPath?: string;
  report: TeamsValidationReport;
}

export interface PackageOptions {
  /** Values for keys the env file lacks or leaves empty (e.g. the PBX values of the selected connection). */
  defaults?: Record<string, string>;
  /** Explicit overrides (`--set NAME=VALUE`): they win over the env file. */
  values?: Record<string, string>;
  outDir?: string;
  schemaDir?: string;
  t?: Translate;
}

async function writeAtomic(path: string, data: Buffer | string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** The values that fill the placeholders: the env file, where it is silent the defaults, over all the overrides. */
export function mergeValues(
  fromFile: Record<string, string>,
  defaults: Record<string, string> = {},
  overrides: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = { ...defaults };
  for (const [k, v] of Object.entries(fromFile)) if (v !== '' || !out[k]) out[k] = v;
  return { ...out, ...overrides };
}

/** The manifest with each referenced file named as Teams resolves it (`./color.png` → `color.png`), so the value matches the zip entry. */
function withRootNames(text: string, refs: FileRef[]): string {
  let out = text;
  for (const ref of refs) {
    if (ref.value === ref.rel || !atRoot(ref.rel)) continue;
    const path: JSONPath = parsePointer(ref.pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    out = applyEdits(out, modify(out, path, ref.rel, {}));
  }
  return out;
}

/**
 * Packages the app folder `dir` for the environment `envName`: values from `.env.<envName>` (where it lacks a
 * key or leaves it empty, `opts.defaults`; over all of them `opts.values`) fill every `${{NAME}}`; a placeholder
 * without a value or any validation error means no zip is written.
 */
export async function packageApp(dir: string, envName: string, opts: PackageOptions = {}): Promise<PackageResult> {
  const t = opts.t ?? englishOnly;
  assertEnvName(envName, t);
  const t0 = performance.now();
  const schemaDir = findSchemaDir(opts.schemaDir);
  const envFile = `.env.${envName}`;
  const fromFile = await readEnvFile(join(dir, envFile)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  const values = mergeValues(fromFile ?? {}, opts.defaults, opts.values);
  const extra: TeamsFinding[] = [];
  if (!fromFile) {
    const existing = (await envNames(dir)).map((n) => `.env.${n}`);
    const message = existing.length
      ? t('there is no {0} in the app folder; its env files are: {1}', envFile, existing.join(', '))
      : t('there is no {0} in the app folder, nor any other .env.<name> file', envFile);
    extra.push(place(raw('error', 'env-file-missing', envFile, '', message), undefined));
  }

  const folderRead = folderReader(dir);
  const manifestBuf = await folderRead(MANIFEST);
  if (!manifestBuf) {
    extra.push(
      place(raw('error', 'manifest-missing', MANIFEST, '', t('there is no {0} in {1}', MANIFEST, dir)), undefined),
    );
    return { ok: false, report: summarize(dir, 'folder', extra, t0) };
  }
  // The BOM is reported (manifest-bom) but never packaged: Microsoft's validator rejects it.
  const { text: source, bom } = stripBom(manifestBuf.toString('utf8'));
  const resolved = resolvePlaceholders(source, values, { json: true });
  const message = (name: string) => {
    const placeholder = `\${{${name}}}`;
    if (values[name] === '')
      return t('the placeholder {0} is empty in {1}; give {2} a value', placeholder, envFile, name);
    if (name.startsWith('STARFACE_PBX_'))
      return t(
        'the placeholder {0} has no value: set {1} in {2} or select a PBX connection',
        placeholder,
        name,
        envFile,
      );
    return t('the placeholder {0} has no value: set {1} in {2}', placeholder, name, envFile);
  };

  // Referenced JSON files (localization) get the same substitution; the bytes that go into the zip.
  const resolvedFiles = new Map<string, Buffer>();
  const read: ReadFile = async (rel) => {
    const cached = resolvedFiles.get(rel);
    if (cached) return cached;
    const buf = await folderRead(rel);
    if (!buf) return undefined;
    const out = /\.json$/i.test(rel)
      ? Buffer.from(resolvePlaceholders(buf.toString('utf8'), values, { json: true }).text, 'utf8')
      : buf;
    resolvedFiles.set(rel, out);
    return out;
  };
  // Without the env file every placeholder would be an error of its own: the missing file is the one to fix.
  const placeholders = fromFile ? 'error' : 'tolerate';
  const r = await checkManifest({
    text: resolved.text,
    sourceText: source,
    mapOffset: resolved.mapOffset,
    file: MANIFEST,
    bom,
    placeholders,
    placeholderMessage: message,
    read,
    schemaDir,
    t,
  });
  const findings = [...extra, ...r.findings];
  const fail = () => ({ ok: false, report: summarize(dir, 'folder', findings, t0, r.manifestVersion) });
  if (!r.manifest || findings.some((f) => f.severity === 'error')) return fail();

  const refs = referencedFiles(r.manifest);
  const manifestText = withRootNames(resolved.text, refs);
  const files: Array<{ name: string; data: Buffer }> = [{ name: MANIFEST, data: Buffer.from(manifestText, 'utf8') }];
  for (const ref of refs) {
    if (files.some((f) => f.name === ref.rel)) continue;
    const data = await read(ref.rel);
    if (data)
      files.push({
        name: ref.rel,
        data: /\.json$/i.test(ref.rel) ? Buffer.from(stripBom(data.toString('utf8')).text, 'utf8') : data,
      });
  }
  const zip = await writeZip(files);
  if (zip.length > MAX_PACKAGE_BYTES) {
    findings.push(
      place(
        raw(
          'error',
          'package-too-large',
          MANIFEST,
          '',
          t('the package would be {0} MB; Teams accepts packages up to 10 MB', (zip.length / 1048576).toFixed(1)),
        ),
        undefined,
      ),
    );
    return fail();
  }
  const outDir = opts.outDir ?? join(dir, 'build');
  await mkdir(outDir, { recursive: true });
  const zipPath = join(outDir, `appPackage.${envName}.zip`);
  const manifestPath = join(outDir, `manifest.${envName}.json`);
  await writeAtomic(zipPath, zip);
  await writeAtomic(manifestPath, manifestText);
  return { ok: true, zipPath, manifestPath, report: summarize(dir, 'folder', findings, t0, r.manifestVersion) };
}
