// Validation of one manifest text (and, given a reader, of the files it references): the core every entry uses.
import { sortFindings, type TeamsFinding, type TeamsRule } from '../../../shared/schemas/teamsApp.js';
import type { Translate } from '../text/i18n.js';
import { place, raw, type RawFinding } from './findings.js';
import { JsonLocator, syntaxMessage } from './locate.js';
import { isObj, type Obj } from './obj.js';
import { hasPlaceholder, PLACEHOLDER, withDummies } from './placeholders.js';
import { iconFindings, localizationPresence, readOrNull, referencedFiles, type ReadFile } from './rules/files.js';
import { manifestRules } from './rules/manifest.js';
import { schemaFindings } from './rules/schema.js';
import {
  bundledVersions,
  schemaUrlOf,
  validatorFor,
  versionFromManifestVersion,
  versionFromSchemaUrl,
  type SchemaKind,
} from './schemas.js';

export interface ManifestCheck {
  /** The text validated (after placeholder substitution when packaging). */
  text: string;
  /** The text as written and the offset map into it, when `text` was produced by substitution. */
  sourceText?: string;
  mapOffset?: (offset: number) => number;
  file: string;
  /** The file began with a UTF-8 byte order mark, removed from `text` (and `sourceText`) by the caller. */
  bom?: boolean;
  /** 'tolerate': an unpackaged manifest, placeholders are judged later; 'error': each one left is an error. */
  placeholders: 'tolerate' | 'error';
  placeholderMessage?: (name: string) => string;
  /** Reader of the referenced files; without it icons and localization files are not checked. */
  read?: ReadFile;
  schemaDir: string;
  /** Translates the messages (English: `englishOnly`). */
  t: Translate;
}

export interface ManifestResult {
  findings: TeamsFinding[];
  manifestVersion?: string;
  manifest?: Obj;
}

const SCHEMA_URL_EXAMPLE = 'https://developer.microsoft.com/json-schemas/teams/v1.NN/MicrosoftTeams.schema.json';

interface JsonDoc {
  doc?: unknown;
  locator: JsonLocator;
  raws: RawFinding[];
}

const BOM = '\uFEFF';

/** The text without a leading byte order mark, and whether it had one. */
export function stripBom(text: string): { text: string; bom: boolean } {
  return text.startsWith(BOM) ? { text: text.slice(1), bom: true } : { text, bom: false };
}

/**
 * Parses strict JSON (no comments, no trailing commas); syntax problems become findings of `syntaxRule`.
 * A BOM is removed first, so columns on line 1 are the ones the editor shows.
 */
function parseJson(
  input: string,
  file: string,
  syntaxRule: TeamsRule,
  t: Translate,
  opts: { bom?: boolean; sourceText?: string; mapOffset?: (o: number) => number } = {},
): JsonDoc {
  const { text, bom } = stripBom(input);
  const source = opts.sourceText === undefined ? undefined : stripBom(opts.sourceText).text;
  const locator = new JsonLocator(text, opts.mapOffset, source);
  // UTF-16 read as UTF-8: NULs between the ASCII characters (and U+FFFD for its byte order mark). The parser's
  // "invalid character" errors would hide the real problem.
  if (text.startsWith('\uFFFD\uFFFD') || text.slice(0, 256).includes('\u0000'))
    return {
      locator,
      raws: [
        raw(
          'error',
          'manifest-encoding',
          file,
          '',
          t('{0} is not UTF-8 text (it looks like UTF-16); save it as UTF-8', file),
        ),
      ],
    };
  const raws: RawFinding[] = [];
  if (bom || opts.bom)
    raws.push(
      raw(
        'warning',
        'manifest-bom',
        file,
        '',
        t(
          "{0} starts with a byte order mark (BOM); Microsoft's validator rejects it: save it as UTF-8 without BOM (packaging removes it)",
          file,
        ),
      ),
    );
  if (locator.syntax.length)
    return {
      locator,
      raws: [
        ...raws,
        ...locator.syntax.map((s) => ({
          ...raw('error', syntaxRule, file, '', syntaxMessage(s.code, t)),
          offsets: { start: s.offset, end: s.offset + Math.max(1, s.length) },
        })),
      ],
    };
  // A warning, not an error: JSON.parse (@microsoft/app-manifest's validator) and Teams' service (Json.NET,
  // DuplicatePropertyNameHandling.Replace by default) both accept the file and keep the last value — but the
  // earlier one is silently lost, which is almost never what the author meant.
  for (const d of locator.duplicateKeys())
    raws.push({
      ...raw(
        'warning',
        'json-duplicate-key',
        file,
        d.pointer,
        t(
          '"{0}" appears more than once in this object; only the last one (line {1}) counts',
          d.name,
          locator.position(d.lastOffset).line,
        ),
      ),
      offsets: { start: d.offset, end: d.offset + d.length },
    });
  try {
    return { locator, raws, doc: JSON.parse(text) };
  } catch (err) {
    return {
      locator,
      raws: [...raws, raw('error', syntaxRule, file, '', t('JSON syntax: {0}', (err as Error).message))],
    };
  }
}

/** `1.0–1.17, 1.19–1.30, devPreview`: the bundled schema versions, runs of minor versions joined. */
export function describeVersions(bundled: readonly string[]): string {
  const nums = bundled
    .filter((v) => /^v\d+\.\d+$/.test(v))
    .map((v) => v.slice(1).split('.').map(Number) as [number, number]);
  nums.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const runs: string[] = [];
  for (let i = 0; i < nums.length;) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1]![0] === nums[i]![0] && nums[j + 1]![1] === nums[j]![1] + 1) j++;
    runs.push(j === i ? nums[i]!.join('.') : `${nums[i]!.join('.')}–${nums[j]!.join('.')}`);
    i = j + 1;
  }
  if (bundled.includes('vDevPreview')) runs.push('devPreview');
  return runs.join(', ');
}

const versionLabelOf = (folder: string) => (folder === 'vDevPreview' ? 'devPreview' : folder.slice(1));

function placeholderRaws(locator: JsonLocator, file: string, message: (name: string) => string): RawFinding[] {
  const out: RawFinding[] = [];
  const text = locator.text;
  PLACEHOLDER.lastIndex = 0;
  for (let m = PLACEHOLDER.exec(text); m; m = PLACEHOLDER.exec(text))
    out.push({
      ...raw('error', 'placeholder-unresolved', file, locator.pointerAt(m.index), message(m[1]!)),
      offsets: { start: m.index, end: m.index + m[0].length },
    });
  return out;
}

const defaultPlaceholderMessage = (t: Translate) => (name: string) =>
  t('the placeholder {0} has no value; package with an env file that sets {1}', `\${{${name}}}`, name);

function schemaPass(
  doc: unknown,
  folder: string,
  kind: SchemaKind,
  c: ManifestCheck,
  file: string,
  rule: TeamsRule,
): RawFinding[] {
  const validate = validatorFor(c.schemaDir, folder, kind);
  if (!validate) return [];
  const subject = c.placeholders === 'tolerate' || hasPlaceholder(JSON.stringify(doc)) ? withDummies(doc) : doc;
  if (validate(subject)) return [];
  return schemaFindings(validate.errors ?? [], doc, file, folder, kind, c.t).map((f) => ({ ...f, rule }));
}

export async function checkManifest(c: ManifestCheck): Promise<ManifestResult> {
  const t = c.t;
  const locators = new Map<string, JsonLocator>();
  const parsed = parseJson(c.text, c.file, 'json-syntax', t, {
    bom: c.bom,
    sourceText: c.sourceText,
    mapOffset: c.mapOffset,
  });
  locators.set(c.file, parsed.locator);
  const raws = [...parsed.raws];
  const finish = (extra: Partial<ManifestResult> = {}): ManifestResult => ({
    findings: sortFindings(raws.map((f) => place(f, locators.get(f.file)))),
    ...extra,
  });
  if (parsed.doc === undefined) return finish();
  const m = parsed.doc;
  if (!isObj(m)) {
    raws.push(raw('error', 'schema', c.file, '', t('the manifest must be a JSON object')));
    return finish();
  }
  if (c.placeholders === 'error')
    raws.push(...placeholderRaws(parsed.locator, c.file, c.placeholderMessage ?? defaultPlaceholderMessage(c.t)));

  // Which schema: `$schema` (as Microsoft's validator does), else — also when `$schema` is a URL we do not
  // know (a moved or preview location) — the one `manifestVersion` names.
  const schemaUrl = typeof m.$schema === 'string' && !hasPlaceholder(m.$schema) ? m.$schema : undefined;
  const mv =
    typeof m.manifestVersion === 'string' && !hasPlaceholder(m.manifestVersion) ? m.manifestVersion : undefined;
  const fromSchema = schemaUrl ? versionFromSchemaUrl(schemaUrl) : undefined;
  const fromMv = mv ? versionFromManifestVersion(mv) : undefined;
  const bundled = bundledVersions(c.schemaDir);
  const known = (folder: string | undefined) =>
    folder ? bundled.find((b) => b.toLowerCase() === folder.toLowerCase()) : undefined;
  const versions = describeVersions(bundled);
  if (schemaUrl && !fromSchema) {
    const fallback = known(fromMv);
    if (fallback)
      raws.push(
        raw(
          'warning',
          'schema-unknown',
          c.file,
          '/$schema',
          t(
            '$schema "{0}" is not a Teams manifest schema URL ({1}); validated against the bundled {2} schema that manifestVersion names',
            schemaUrl,
            SCHEMA_URL_EXAMPLE,
            versionLabelOf(fallback),
          ),
        ),
      );
    else
      raws.push(
        raw(
          'error',
          'schema-unknown',
          c.file,
          '/$schema',
          t(
            '$schema "{0}" is not a Teams manifest schema URL ({1}), and manifestVersion names no bundled schema: the manifest was not checked against a schema',
            schemaUrl,
            SCHEMA_URL_EXAMPLE,
          ),
        ),
      );
  }
  let mismatch = false;
  if (fromSchema && fromMv && fromSchema.toLowerCase() !== fromMv.toLowerCase()) {
    mismatch = true;
    raws.push(
      raw(
        'error',
        'schema-version-mismatch',
        c.file,
        '/manifestVersion',
        t(
          'manifestVersion "{0}" does not match $schema, which names {1}; they must agree',
          String(mv),
          versionLabelOf(fromSchema),
        ),
      ),
    );
  }
  if (m.$schema === undefined) {
    const k = known(fromMv);
    if (k || !fromMv)
      raws.push(
        raw(
          'warning',
          'schema-missing',
          c.file,
          '',
          t(
            '$schema is missing; add "{0}" so editors and validators pick the right version',
            k ? schemaUrlOf(k) : SCHEMA_URL_EXAMPLE,
          ),
          'key',
        ),
      );
    else
      raws.push(
        raw(
          'warning',
          'schema-missing',
          c.file,
          '',
          t('$schema is missing, and manifestVersion "{0}" has no schema; bundled versions: {1}', String(mv), versions),
          'key',
        ),
      );
  }
  const folder = fromSchema ?? fromMv;
  let versionLabel: string | undefined;
  if (folder) {
    const found = known(folder);
    if (!found) {
      raws.push(
        raw(
          'error',
          'schema-unknown-version',
          c.file,
          fromSchema ? '/$schema' : '/manifestVersion',
          t('there is no Teams manifest schema {0} (bundled: {1})', versionLabelOf(folder), versions),
        ),
      );
    } else {
      versionLabel = versionLabelOf(found);
      // With a version mismatch the schema's own complaint about manifestVersion (a `const` since 1.x) says the same.
      raws.push(
        ...schemaPass(m, found, 'manifest', c, c.file, 'schema').filter(
          (f) => !(mismatch && f.pointer === '/manifestVersion'),
        ),
      );
    }
  } else if (mv !== undefined) {
    raws.push(
      raw(
        'error',
        'schema-unknown-version',
        c.file,
        '/manifestVersion',
        t('manifestVersion "{0}" names no Teams manifest schema (bundled: {1})', mv, versions),
      ),
    );
  } else if (!schemaUrl) {
    raws.push(
      raw(
        'error',
        'schema-missing',
        c.file,
        '',
        t('neither $schema nor manifestVersion says which manifest schema applies'),
        'key',
      ),
    );
  }

  // The rules the schema misses; skip one the schema already reported at the same place.
  const schemaAt = new Set(raws.filter((f) => f.rule === 'schema').map((f) => f.pointer));
  for (const f of manifestRules(m, c.file, t))
    if (!((f.rule === 'guid' || f.rule === 'valid-domains-count') && schemaAt.has(f.pointer))) raws.push(f);

  if (c.read) {
    raws.push(...(await iconFindings(m, c.file, c.read, t)));
    const refs = referencedFiles(m).filter((r) => r.kind === 'localization' && !hasPlaceholder(r.rel));
    const present = new Set<string>();
    for (const r of refs) {
      if (present.has(r.rel)) continue;
      const buf = await readOrNull(c.read, r.rel);
      if (buf === null) present.add(r.rel); // there, but unreadable: reported by the reader
      if (!buf) continue;
      present.add(r.rel);
      const loc = parseJson(buf.toString('utf8'), r.rel, 'localization-invalid', t);
      locators.set(r.rel, loc.locator);
      raws.push(...loc.raws);
      if (loc.doc === undefined) continue;
      if (c.placeholders === 'error')
        raws.push(...placeholderRaws(loc.locator, r.rel, c.placeholderMessage ?? defaultPlaceholderMessage(c.t)));
      if (versionLabel)
        raws.push(
          ...schemaPass(
            loc.doc,
            versionLabel === 'devPreview' ? 'vDevPreview' : `v${versionLabel}`,
            'localization',
            c,
            r.rel,
            'localization-invalid',
          ),
        );
    }
    raws.push(...localizationPresence(refs, present, c.file, t));
  }
  return finish({ manifestVersion: mv, manifest: m });
}
