// Public entry points: validate an app folder, a package (.zip), a manifest file or an unsaved manifest text.
import { open, readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  MANIFEST,
  sortFindings,
  type TeamsFinding,
  type TeamsRule,
  type TeamsValidationReport,
} from '../../../shared/schemas/teamsApp.js';
import { englishOnly, type Translate } from '../text/i18n.js';
import { checkManifest } from './check.js';
import { place, raw } from './findings.js';
import { TeamsInputError } from './placeholders.js';
import { referencedFiles, UnreadableFile, type ReadFile } from './rules/files.js';
import { findSchemaDir } from './schemas.js';
import { EntryTooLarge, openZip } from './zip.js';

/** Teams' upload limit for an app package (reported by users; not in the docs). */
export const MAX_PACKAGE_BYTES = 10 * 1024 * 1024;

export interface ValidateOptions {
  schemaDir?: string;
  /** Translates the finding messages; English by default (the CLI). VS Code passes `vscode.l10n.t`. */
  t?: Translate;
}

/** Reads files of a folder by relative path; a path leaving the folder reads as missing. */
export function folderReader(dir: string): ReadFile {
  const root = resolve(dir);
  return async (rel) => {
    const full = resolve(root, rel);
    const r = relative(root, full);
    if (!r || r.startsWith('..') || isAbsolute(r)) return undefined;
    try {
      return await readFile(full);
    } catch {
      return undefined;
    }
  };
}

export function summarize(
  target: string,
  kind: TeamsValidationReport['kind'],
  findings: TeamsFinding[],
  t0: number,
  manifestVersion?: string,
): TeamsValidationReport {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  return {
    target,
    kind,
    ok: errors === 0,
    errors,
    warnings,
    findings: sortFindings(findings),
    ...(manifestVersion !== undefined ? { manifestVersion } : {}),
    durationMs: Math.round((performance.now() - t0) * 10) / 10,
  };
}

const finding = (rule: TeamsRule, file: string, message: string, severity: TeamsFinding['severity'] = 'error') =>
  place(raw(severity, rule, file, '', message), undefined);

/** As-you-type diagnostics of a manifest; with `dir`, its icons and localization files are checked too. */
export async function validateManifestText(
  text: string,
  opts: { dir?: string; fileName?: string; schemaDir?: string; t?: Translate },
): Promise<TeamsFinding[]> {
  const r = await checkManifest({
    text,
    file: opts.fileName ? basename(opts.fileName) : MANIFEST,
    placeholders: 'tolerate',
    ...(opts.dir ? { read: folderReader(opts.dir) } : {}),
    schemaDir: findSchemaDir(opts.schemaDir),
    t: opts.t ?? englishOnly,
  });
  return r.findings;
}

async function validateFolder(
  dir: string,
  schemaDir: string,
  t: Translate,
  t0: number,
): Promise<TeamsValidationReport> {
  const read = folderReader(dir);
  const buf = await read(MANIFEST);
  if (!buf)
    return summarize(
      dir,
      'folder',
      [finding('manifest-missing', MANIFEST, t('there is no {0} in {1}', MANIFEST, dir))],
      t0,
    );
  const r = await checkManifest({
    text: buf.toString('utf8'),
    file: MANIFEST,
    placeholders: 'tolerate',
    read,
    schemaDir,
    t,
  });
  const findings = [...r.findings];
  if (r.manifest) {
    let total = buf.length;
    for (const f of referencedFiles(r.manifest))
      total += (await stat(join(dir, f.rel)).catch(() => undefined))?.size ?? 0;
    if (total > MAX_PACKAGE_BYTES)
      findings.push(
        finding(
          'package-too-large',
          MANIFEST,
          t(
            'the files of the package add up to {0} MB; Teams accepts packages up to 10 MB',
            (total / 1048576).toFixed(1),
          ),
        ),
      );
  }
  return summarize(dir, 'folder', findings, t0, r.manifestVersion);
}

async function validateZip(path: string, schemaDir: string, t: Translate, t0: number): Promise<TeamsValidationReport> {
  const data = await readFile(path);
  const findings: TeamsFinding[] = [];
  const zipName = basename(path);
  if (data.length > MAX_PACKAGE_BYTES)
    findings.push(
      finding(
        'package-too-large',
        zipName,
        t('the package is {0} MB; Teams accepts packages up to 10 MB', (data.length / 1048576).toFixed(1)),
      ),
    );
  let zip;
  try {
    zip = await openZip(data);
  } catch (err) {
    findings.push(
      finding('zip-invalid', zipName, t('{0} is not a readable zip file: {1}', zipName, (err as Error).message)),
    );
    return summarize(path, 'zip', findings, t0);
  }
  try {
    const folders = new Set<string>();
    for (const e of zip.entries) {
      const name = e.name.replace(/\\/g, '/');
      if (name.includes('/')) folders.add(name.split('/')[0]! + '/');
    }
    for (const f of folders)
      findings.push(
        finding(
          'zip-folder',
          f,
          t('the package holds the folder "{0}"; Teams rejects packages with folders — put every file at the root', f),
        ),
      );
    if (!zip.entries.some((e) => e.name === MANIFEST)) {
      const nested = zip.entries.find((e) => !e.directory && basename(e.name.replace(/\\/g, '/')) === MANIFEST);
      if (nested)
        findings.push(
          finding(
            'manifest-not-at-root',
            nested.name,
            t(
              '{0} is at "{1}", not at the root of the package; zip the files, not their folder',
              MANIFEST,
              nested.name,
            ),
          ),
        );
      else findings.push(finding('manifest-missing', MANIFEST, t('the package has no {0}', MANIFEST)));
      return summarize(path, 'zip', findings, t0);
    }
    // An entry that cannot be inflated (over the reader's limit, corrupt) is a finding on that entry, and the
    // rules that wanted it skip it instead of calling it missing.
    const read: ReadFile = async (rel) => {
      try {
        return await zip.read(rel);
      } catch (err) {
        const entry = zip.entries.find((e) => e.name === rel);
        if (err instanceof EntryTooLarge)
          findings.push(
            finding(
              'package-too-large',
              rel,
              t(
                '{0} inflates to {1} MB; Teams accepts packages up to 10 MB, so it was not read',
                rel,
                ((entry?.size ?? err.size) / 1048576).toFixed(1),
              ),
            ),
          );
        else
          findings.push(
            finding('zip-invalid', rel, t('{0} in the package cannot be read: {1}', rel, (err as Error).message)),
          );
        throw new UnreadableFile(rel);
      }
    };
    let manifest: Buffer | undefined;
    try {
      manifest = await read(MANIFEST);
    } catch {
      return summarize(path, 'zip', findings, t0);
    }
    const r = await checkManifest({
      text: manifest!.toString('utf8'),
      file: MANIFEST,
      placeholders: 'error',
      read,
      schemaDir,
      t,
    });
    findings.push(...r.findings);
    return summarize(path, 'zip', findings, t0, r.manifestVersion);
  } finally {
    zip.close();
  }
}

/** Validates an app folder (with manifest.json), a package (.zip) or a manifest file. */
export async function validateAppPath(path: string, opts: ValidateOptions = {}): Promise<TeamsValidationReport> {
  const t0 = performance.now();
  const schemaDir = findSchemaDir(opts.schemaDir);
  const t = opts.t ?? englishOnly;
  const st = await stat(path).catch(() => undefined);
  if (!st) throw new TeamsInputError(t('{0} does not exist', path));
  if (st.isDirectory()) return validateFolder(path, schemaDir, t, t0);
  const head = Buffer.alloc(4);
  const fh = await open(path, 'r');
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  if (/\.zip$/i.test(path) || head.toString('latin1') === 'PK\x03\x04') return validateZip(path, schemaDir, t, t0);
  const text = await readFile(path, 'utf8');
  const r = await checkManifest({
    text,
    file: basename(path),
    placeholders: 'tolerate',
    read: folderReader(dirname(path)),
    schemaDir,
    t,
  });
  return summarize(path, 'manifest', r.findings, t0, r.manifestVersion);
}
