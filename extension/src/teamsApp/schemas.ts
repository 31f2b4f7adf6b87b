// The Teams manifest JSON schemas, read from disk (never the network) and compiled lazily, once per version.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv04, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const PACKAGE_SCHEMAS = join('node_modules', '@microsoft', 'app-manifest', 'build', 'json-schemas', 'teams');

/**
 * Where the schemas are: the bundles ship a copy beside them (dist/teams-schemas, see esbuild.mjs);
 * running from source (tests through tsx) they come from @microsoft/app-manifest in node_modules.
 */
// The schemas ship with the code and do not change while it runs: found and listed once (not on every keystroke).
let foundDir: string | undefined;
const versionsOf = new Map<string, readonly string[]>();

export function findSchemaDir(explicit?: string): string {
  if (explicit) return explicit;
  return (foundDir ??= locateSchemaDir());
}

function locateSchemaDir(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (const c of [join(here, '..', 'teams-schemas'), join(here, 'teams-schemas')])
    if (existsSync(join(c, 'v1.0'))) return c;
  for (let d = here; ; d = dirname(d)) {
    const c = join(d, PACKAGE_SCHEMAS);
    if (existsSync(join(c, 'v1.0'))) return c;
    if (dirname(d) === d) break;
  }
  throw new Error(`the Teams manifest schemas were not found (looked beside ${here} and for ${PACKAGE_SCHEMAS})`);
}

/** Folder names of the bundled versions: 'v1.0' … 'v1.30', 'vDevPreview'. */
export function bundledVersions(schemaDir: string): readonly string[] {
  let versions = versionsOf.get(schemaDir);
  if (!versions)
    versionsOf.set(schemaDir, (versions = readdirSync(schemaDir).filter((n) => /^v(\d+\.\d+|DevPreview)$/.test(n))));
  return versions;
}

const numeric = (v: string) => v.slice(1).split('.').map(Number) as [number, number];

/** The newest numbered version bundled, e.g. '1.30'. */
export function newestVersion(schemaDir: string): string {
  const nums = bundledVersions(schemaDir).filter((v) => v !== 'vDevPreview');
  nums.sort((a, b) => numeric(a)[0] - numeric(b)[0] || numeric(a)[1] - numeric(b)[1]);
  return nums[nums.length - 1]!.slice(1);
}

/** Version folder ('v1.30', 'vDevPreview') named by a `$schema` URL, locale segments like /en-us/ ignored. */
export function versionFromSchemaUrl(url: string): string | undefined {
  const m =
    /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v\d+\.\d+|vDevPreview)\/MicrosoftTeams\.schema\.json$/i.exec(
      url.trim(),
    );
  if (!m) return undefined;
  return /devpreview/i.test(m[1]!) ? 'vDevPreview' : m[1]!;
}

/** Version folder named by `manifestVersion` ('1.30' → 'v1.30', 'devPreview' → 'vDevPreview'). */
export function versionFromManifestVersion(v: string): string | undefined {
  if (/^devPreview$/i.test(v)) return 'vDevPreview';
  return /^\d+\.\d+$/.test(v) ? `v${v}` : undefined;
}

/** The canonical `$schema` URL of a version folder. */
export function schemaUrlOf(folder: string): string {
  return `https://developer.microsoft.com/json-schemas/teams/${folder}/MicrosoftTeams.schema.json`;
}

export type SchemaKind = 'manifest' | 'localization';
const FILE: Record<SchemaKind, string> = {
  manifest: 'MicrosoftTeams.schema.json',
  localization: 'MicrosoftTeams.Localization.schema.json',
};

const cache = new Map<string, ValidateFunction | null>();

/**
 * The compiled validator of one version, or undefined when that version is not bundled. Compiled exactly as
 * @microsoft/app-manifest compiles it (draft-04, allErrors, uri/email/regex formats, its escape fix for `\a`
 * and `\v`), so our verdicts agree with Microsoft's tooling.
 */
export function validatorFor(
  schemaDir: string,
  folder: string,
  kind: SchemaKind = 'manifest',
): ValidateFunction | undefined {
  const key = `${schemaDir}\0${folder}\0${kind}`;
  if (cache.has(key)) return cache.get(key) ?? undefined;
  const file = join(schemaDir, folder, FILE[kind]);
  let fn: ValidateFunction | null = null;
  if (existsSync(file)) {
    const schema = JSON.parse(
      readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b'),
    ) as object;
    // inlineRefs/optimize/validateSchema off: same verdicts, about half the compile time (the CLI's start-up).
    const ajv = new Ajv04({
      allErrors: true,
      strictTypes: false,
      logger: false,
      inlineRefs: false,
      validateSchema: false,
      code: { optimize: false },
      // The localization schemas use patterns like `\[\b…\b]` that are invalid with the `u` flag; Microsoft's tooling never compiles them.
      unicodeRegExp: kind === 'manifest',
    });
    addFormats(ajv, ['uri', 'email', 'regex']);
    fn = ajv.compile(schema);
  }
  cache.set(key, fn);
  return fn ?? undefined;
}

export type SchemaError = ErrorObject;
