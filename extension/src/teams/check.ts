// Validation of one manifest text (and, given a reader, of the files it references): the core every entry uses.
import type { TeamsFinding } from '../../../shared/schemas/teamsApp.js';
import type { Translate } from '../model/i18n.js';
import { place, raw, sortFindings, type RawFinding } from './findings.js';
import { JsonLocator, syntaxMessage } from './locate.js';
import { hasPlaceholder, PLACEHOLDER, withDummies } from './placeholders.js';
import { iconFindings, localizationPresence, referencedFiles, type ReadFile } from './rules/files.js';
import { manifestRules } from './rules/manifest.js';
import { schemaFindings } from './rules/schema.js';
import { bundledVersions, validatorFor, versionFromManifestVersion, versionFromSchemaUrl, type SchemaKind } from './schemas.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export interface ManifestCheck {
  /** The text validated (after placeholder substitution when packaging). */
  text: string;
  /** The text as written and the offset map into it, when `text` was produced by substitution. */
  sourceText?: string;
  mapOffset?: (offset: number) => number;
  file: string;
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

/** Parses strict JSON (no comments, no trailing commas); syntax problems become findings of `syntaxRule`. */
function parseJson(text: string, file: string, syntaxRule: string, t: Translate, sourceText?: string, mapOffset?: (o: number) => number): JsonDoc {
  const clean = text.replace(/^\uFEFF/, ' ');
  const locator = new JsonLocator(clean, mapOffset, sourceText);
  if (locator.syntax.length)
    return { locator, raws: locator.syntax.map((s) => ({ ...raw('error', syntaxRule, file, '', syntaxMessage(s.code, t)), offsets: { start: s.offset, end: s.offset + Math.max(1, s.length) } })) };
  try {
    return { locator, raws: [], doc: JSON.parse(clean) };
  } catch (err) {
    return { locator, raws: [raw('error', syntaxRule, file, '', t('JSON syntax: {0}', (err as Error).message))] };
  }
}

function placeholderRaws(locator: JsonLocator, file: string, message: (name: string) => string): RawFinding[] {
  const out: RawFinding[] = [];
  const text = locator.text;
  PLACEHOLDER.lastIndex = 0;
  for (let m = PLACEHOLDER.exec(text); m; m = PLACEHOLDER.exec(text))
    out.push({ ...raw('error', 'placeholder-unresolved', file, locator.pointerAt(m.index), message(m[1]!)), offsets: { start: m.index, end: m.index + m[0].length } });
  return out;
}

const defaultPlaceholderMessage = (t: Translate) => (name: string) => t('the placeholder {0} has no value; package with an env file that sets {1}', `\${{${name}}}`, name);

function schemaPass(doc: unknown, folder: string, kind: SchemaKind, c: ManifestCheck, file: string, rule: string): RawFinding[] {
  const validate = validatorFor(c.schemaDir, folder, kind);
  if (!validate) return [];
  const subject = c.placeholders === 'tolerate' || hasPlaceholder(JSON.stringify(doc)) ? withDummies(doc) : doc;
  if (validate(subject)) return [];
  return schemaFindings(validate.errors ?? [], doc, file, folder, kind, c.t).map((f) => ({ ...f, rule }));
}

export async function checkManifest(c: ManifestCheck): Promise<ManifestResult> {
  const t = c.t;
  const locators = new Map<string, JsonLocator>();
  const parsed = parseJson(c.text, c.file, 'json-syntax', t, c.sourceText, c.mapOffset);
  locators.set(c.file, parsed.locator);
  const raws = [...parsed.raws];
  const finish = (extra: Partial<ManifestResult> = {}): ManifestResult => ({ findings: sortFindings(raws.map((f) => place(f, locators.get(f.file)))), ...extra });
  if (parsed.doc === undefined) return finish();
  const m = parsed.doc;
  if (!isObj(m)) {
    raws.push(raw('error', 'schema', c.file, '', t('the manifest must be a JSON object')));
    return finish();
  }
  if (c.placeholders === 'error') raws.push(...placeholderRaws(parsed.locator, c.file, c.placeholderMessage ?? defaultPlaceholderMessage(c.t)));

  // Which schema: `$schema` (as Microsoft's validator does), else `manifestVersion`.
  const schemaUrl = typeof m.$schema === 'string' && !hasPlaceholder(m.$schema) ? m.$schema : undefined;
  const mv = typeof m.manifestVersion === 'string' && !hasPlaceholder(m.manifestVersion) ? m.manifestVersion : undefined;
  const fromSchema = schemaUrl ? versionFromSchemaUrl(schemaUrl) : undefined;
  const fromMv = mv ? versionFromManifestVersion(mv) : undefined;
  if (schemaUrl && !fromSchema) raws.push(raw('error', 'schema-unknown', c.file, '/$schema', t('$schema "{0}" is not a Teams manifest schema URL ({1})', schemaUrl, SCHEMA_URL_EXAMPLE)));
  if (fromSchema && fromMv && fromSchema.toLowerCase() !== fromMv.toLowerCase()) {
    raws.push(raw('error', 'schema-version-mismatch', c.file, '/manifestVersion', t('manifestVersion "{0}" does not match $schema, which names {1}; they must agree', String(mv), fromSchema.slice(1))));
  }
  if (m.$schema === undefined) raws.push(raw('warning', 'schema-missing', c.file, '', t('$schema is missing; add "{0}" so editors and validators pick the right version', SCHEMA_URL_EXAMPLE.replace('NN', fromMv?.slice(3) ?? 'NN')), 'key'));
  const folder = fromSchema ?? (schemaUrl ? undefined : fromMv);
  let versionLabel: string | undefined;
  if (folder) {
    const bundled = bundledVersions(c.schemaDir);
    const found = bundled.find((b) => b.toLowerCase() === folder.toLowerCase());
    if (!found) {
      raws.push(raw('error', 'schema-unknown-version', c.file, fromSchema ? '/$schema' : '/manifestVersion', t('there is no Teams manifest schema {0} (known: 1.0–1.30 without 1.18, and devPreview)', folder.slice(1))));
    } else {
      versionLabel = found === 'vDevPreview' ? 'devPreview' : found.slice(1);
      raws.push(...schemaPass(m, found, 'manifest', c, c.file, 'schema'));
    }
  } else if (!schemaUrl && mv === undefined) {
    raws.push(raw('error', 'schema-missing', c.file, '', t('neither $schema nor manifestVersion says which manifest schema applies'), 'key'));
  }

  // The rules the schema misses; skip one the schema already reported at the same place.
  const schemaAt = new Set(raws.filter((f) => f.rule === 'schema').map((f) => f.pointer));
  for (const f of manifestRules(m, c.file, t)) if (!((f.rule === 'guid' || f.rule === 'valid-domains-count') && schemaAt.has(f.pointer))) raws.push(f);

  if (c.read) {
    raws.push(...(await iconFindings(m, c.file, c.read, t)));
    const refs = referencedFiles(m).filter((r) => r.kind === 'localization' && !hasPlaceholder(r.rel));
    const present = new Set<string>();
    for (const r of refs) {
      if (present.has(r.rel)) continue;
      const buf = await c.read(r.rel);
      if (!buf) continue;
      present.add(r.rel);
      const text = buf.toString('utf8');
      const loc = parseJson(text, r.rel, 'localization-invalid', t);
      locators.set(r.rel, loc.locator);
      raws.push(...loc.raws);
      if (loc.doc === undefined) continue;
      if (c.placeholders === 'error') raws.push(...placeholderRaws(loc.locator, r.rel, c.placeholderMessage ?? defaultPlaceholderMessage(c.t)));
      if (versionLabel) raws.push(...schemaPass(loc.doc, versionLabel === 'devPreview' ? 'vDevPreview' : `v${versionLabel}`, 'localization', c, r.rel, 'localization-invalid'));
    }
    raws.push(...localizationPresence(refs, present, c.file, t));
  }
  return finish({ manifestVersion: mv, manifest: m });
}
