// The JSON-schema pass: ajv's errors, trimmed to the useful ones and turned into findings with places.
import { raw, type RawFinding } from '../findings.js';
import { joinPointer, parsePointer } from '../locate.js';
import { hasPlaceholder } from '../placeholders.js';
import type { SchemaError } from '../schemas.js';

/**
 * With allErrors, a failed anyOf/oneOf reports every branch's errors. Keep only the branch that came closest
 * (fewest errors) and drop the summary; `if`/`then` wrappers say nothing their inner errors do not.
 */
export function trimErrors(errors: SchemaError[]): SchemaError[] {
  const dropped = new Set<SchemaError>();
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
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

/**
 * Findings for `errors` of the document `original` (as written, placeholders included): errors on a value that
 * still holds a `${{NAME}}` are skipped, since packaging fills it and validates again.
 */
export function schemaFindings(errors: SchemaError[], original: unknown, file: string, version: string): RawFinding[] {
  const out: RawFinding[] = [];
  for (const e of trimErrors(errors)) {
    const at = e.instancePath;
    const value = valueAt(original, at);
    if (typeof value === 'string' && hasPlaceholder(value)) continue;
    const where = at || '(manifest)';
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties': {
        const prop = String(p.additionalProperty);
        out.push(raw('error', 'schema', file, joinPointer(at, prop), `${where} has the property "${prop}", which manifest ${version} does not allow`, 'key'));
        break;
      }
      case 'required':
        out.push(raw('error', 'schema', file, at, `${where} lacks the required property "${String(p.missingProperty)}"`, 'key'));
        break;
      case 'enum':
        out.push(raw('error', 'schema', file, at, `${where} must be one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`));
        break;
      case 'const':
        out.push(raw('error', 'schema', file, at, `${where} must be ${JSON.stringify(p.allowedValue)}`));
        break;
      default:
        out.push(raw('error', 'schema', file, at, `${where} ${e.message ?? 'is invalid'}`));
    }
  }
  return out;
}
