// The JSON-schema pass: ajv's errors, trimmed to the useful ones and turned into findings with places and our own
// wording (ajv's English is kept only for keywords the manifest schemas rarely use).
import { raw, type RawFinding } from '../findings.js';
import { joinPointer, parsePointer } from '../locate.js';
import { hasPlaceholder } from '../placeholders.js';
import type { Translate } from '../../text/i18n.js';
import type { SchemaError } from '../schemas.js';

/**
 * With allErrors, a failed anyOf/oneOf reports every branch's errors. Keep only the branch that came closest
 * (fewest errors) and drop the summary; `if`/`then` wrappers say nothing their inner errors do not.
 */
export function trimErrors(errors: SchemaError[]): SchemaError[] {
  const dropped = new Set<SchemaError>();
  const combinators = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const c of combinators) {
    if (dropped.has(c)) continue;
    const prefix = c.schemaPath + '/';
    const branches = new Map<string, SchemaError[]>();
    for (const e of errors) {
      if (dropped.has(e) || !e.schemaPath.startsWith(prefix)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    if (branches.size === 0) continue;
    const best = [...branches.values()].sort((a, b) => a.length - b.length)[0]!;
    for (const list of branches.values()) if (list !== best) for (const e of list) dropped.add(e);
    dropped.add(c);
  }
  const kept = errors.filter((e) => !dropped.has(e) && e.keyword !== 'if');
  const seen = new Set<string>();
  return kept.filter((e) => {
    const k = `${e.instancePath}\0${e.keyword}\0${JSON.stringify(e.params)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function valueAt(doc: unknown, pointer: string): unknown {
  let v = doc;
  for (const seg of parsePointer(pointer)) {
    if (v && typeof v === 'object') v = (v as Record<string, unknown>)[seg];
    else return undefined;
  }
  return v;
}

/** `/staticTabs/0/name` → `staticTabs[0].name`: how the docs and editors name a manifest property. */
export function propertyPath(pointer: string): string {
  return parsePointer(pointer).reduce(
    (path, seg) => (/^\d+$/.test(seg) ? `${path}[${seg}]` : path ? `${path}.${seg}` : seg),
    '',
  );
}

/** A value quoted for a message, cut short so a long description does not flood the Problems panel. */
function quote(value: unknown, max = 60): string {
  const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Allowed values in a message, at most 12 of them. */
function list(values: unknown[], t: Translate): string {
  const shown = values
    .slice(0, 12)
    .map((v) => JSON.stringify(v))
    .join(', ');
  return values.length > 12 ? t('{0} and {1} more', shown, values.length - 12) : shown;
}

function typeName(type: string, t: Translate): string {
  switch (type) {
    case 'string':
      return t('a string');
    case 'number':
      return t('a number');
    case 'integer':
      return t('a whole number');
    case 'boolean':
      return t('true or false');
    case 'object':
      return t('an object');
    case 'array':
      return t('a list');
    case 'null':
      return 'null';
    default:
      return type;
  }
}

const GUID_EXAMPLE = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
const chars = (v: unknown) => (typeof v === 'string' ? [...v].length : undefined);

/**
 * Our message for one ajv error: built from its keyword, params and the value, in the user's language.
 * `where` names the property (`name.short`), `schema` the schema (`v1.30 schema`).
 */
export function schemaMessage(e: SchemaError, value: unknown, where: string, schema: string, t: Translate): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return t('{0} lacks the required property "{1}"', where, String(p.missingProperty));
    case 'dependencies':
      return t('{0} has "{1}", so it also needs "{2}"', where, String(p.property), String(p.missingProperty));
    case 'maxLength': {
      const n = chars(value);
      if (n !== undefined) return t('{0} is {1} characters long; at most {2} are allowed', where, n, Number(p.limit));
      break;
    }
    case 'minLength': {
      const n = chars(value);
      if (n === 0) return t('{0} must not be empty', where);
      if (n !== undefined) return t('{0} is {1} characters long; at least {2} are required', where, n, Number(p.limit));
      break;
    }
    case 'pattern':
      // The two patterns users meet most, in words; any other is quoted as the schema states it.
      if (/^\^?\[0-9a-fA-F\]\{8\}-/.test(String(p.pattern)))
        return t('{0} "{1}" is not a GUID (e.g. {2})', where, quote(value), GUID_EXAMPLE);
      if (String(p.pattern) === '^#[0-9a-fA-F]{6}$')
        return t('{0} "{1}" is not a colour in the form #RRGGBB (e.g. #005A9C)', where, quote(value));
      return t('{0} "{1}" does not match the required pattern {2}', where, quote(value), String(p.pattern));
    case 'format':
      if (p.format === 'uri') return t('{0} "{1}" is not a valid URL', where, quote(value));
      if (p.format === 'email') return t('{0} "{1}" is not a valid e-mail address', where, quote(value));
      if (p.format === 'regex') return t('{0} "{1}" is not a valid regular expression', where, quote(value));
      return t('{0} "{1}" does not have the format "{2}"', where, quote(value), String(p.format));
    case 'enum':
      return t(
        '{0} is {1}; allowed: {2}',
        where,
        quote(JSON.stringify(value)),
        list((p.allowedValues as unknown[]) ?? [], t),
      );
    case 'const':
      return t('{0} must be {1}, not {2}', where, JSON.stringify(p.allowedValue), quote(JSON.stringify(value)));
    case 'type': {
      const wanted = (Array.isArray(p.type) ? (p.type as string[]) : String(p.type).split(',')).map((x) =>
        typeName(x, t),
      );
      const expected =
        wanted.length > 1 ? t('{0} or {1}', wanted.slice(0, -1).join(', '), wanted[wanted.length - 1]!) : wanted[0]!;
      // A scalar is shown as written (`5`, `"5"`, `true`); an object or list by its kind.
      const actual =
        value !== null && typeof value === 'object' ? typeName(typeOf(value), t) : quote(JSON.stringify(value));
      return t('{0} must be {1}, not {2}', where, expected, actual);
    }
    case 'maxItems':
      if (Array.isArray(value))
        return t('{0} lists {1} entries; at most {2} are allowed', where, value.length, Number(p.limit));
      break;
    case 'minItems':
      if (Array.isArray(value) && value.length === 0) return t('{0} must not be empty', where);
      if (Array.isArray(value))
        return t('{0} lists {1} entries; at least {2} are required', where, value.length, Number(p.limit));
      break;
    case 'uniqueItems':
      return t(
        '{0}[{1}] and {0}[{2}] are the same; every entry must be unique',
        where,
        Math.min(Number(p.i), Number(p.j)),
        Math.max(Number(p.i), Number(p.j)),
      );
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const shown = quote(JSON.stringify(value));
      const limit = Number(p.limit);
      if (p.comparison === '<=') return t('{0} is {1}; it must be at most {2}', where, shown, limit);
      if (p.comparison === '<') return t('{0} is {1}; it must be less than {2}', where, shown, limit);
      if (p.comparison === '>=') return t('{0} is {1}; it must be at least {2}', where, shown, limit);
      if (p.comparison === '>') return t('{0} is {1}; it must be greater than {2}', where, shown, limit);
      break;
    }
    case 'anyOf':
      return t('{0} matches none of the forms the {1} allows', where, schema);
    case 'oneOf':
      return Array.isArray(p.passingSchemas)
        ? t('{0} matches more than one of the forms the {1} allows; it must match exactly one', where, schema)
        : t('{0} matches none of the forms the {1} allows', where, schema);
    case 'not':
      return t('{0} has a form the {1} forbids', where, schema);
  }
  return t('{0}: {1} (schema rule "{2}")', where, e.message ?? 'invalid', e.keyword);
}

/**
 * Findings for `errors` of the document `original` (as written, placeholders included): errors on a value that
 * still holds a `${{NAME}}` are skipped, since packaging fills it and validates again. `folder` is the schema's
 * version folder ('v1.30', 'vDevPreview').
 */
export function schemaFindings(
  errors: SchemaError[],
  original: unknown,
  file: string,
  folder: string,
  kind: 'manifest' | 'localization',
  t: Translate,
): RawFinding[] {
  const out: RawFinding[] = [];
  const version = folder === 'vDevPreview' ? 'devPreview' : folder;
  const schema = kind === 'localization' ? t('{0} localization schema', version) : t('{0} schema', version);
  for (const e of trimErrors(errors)) {
    const at = e.instancePath;
    const value = valueAt(original, at);
    if (typeof value === 'string' && hasPlaceholder(value)) continue;
    const where = propertyPath(at) || file;
    if (e.keyword === 'additionalProperties') {
      const prop = String((e.params as Record<string, unknown>).additionalProperty);
      const message = at
        ? t('unknown property "{0}" in {1} (not in the {2})', prop, where, schema)
        : t('unknown property "{0}" (not in the {1})', prop, schema);
      out.push(raw('error', 'schema', file, joinPointer(at, prop), message, 'key'));
    } else {
      out.push(
        raw(
          'error',
          'schema',
          file,
          at,
          schemaMessage(e, value, where, schema, t),
          e.keyword === 'required' ? 'key' : undefined,
        ),
      );
    }
  }
  return out;
}
