// `${{NAME}}` placeholders in manifest files and the `.env.<name>` files that fill them.
import { readdir, readFile } from 'node:fs/promises';
import { englishOnly, type Translate } from '../text/i18n.js';

/** Values the VS Code side supplies from the selected PBX connection. */
export const PBX_PLACEHOLDERS = ['STARFACE_PBX_NAME', 'STARFACE_PBX_URL'] as const;

export const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
export const ENV_NAME = /^[A-Za-z0-9_-]+$/;
/** `.env.<name>` in an app folder. */
export const ENV_FILE = /^\.env\.([A-Za-z0-9_-]+)$/;

/** Bad input from the caller (an env name, an app name, a path): a usage error, not a failure of the check. */
export class TeamsInputError extends Error {}

export function assertEnvName(envName: string, t: Translate = englishOnly): void {
  if (typeof envName !== 'string' || !ENV_NAME.test(envName) || envName === 'undefined' || envName === 'null')
    throw new TeamsInputError(
      t('the environment name "{0}" is not valid: use letters, digits, "_" and "-" (e.g. dev)', String(envName)),
    );
}

/** The env names of the `.env.<name>` files in a folder, sorted. */
export async function envNames(folder: string): Promise<string[]> {
  const entries = await readdir(folder).catch(() => [] as string[]);
  return entries.flatMap((e) => ENV_FILE.exec(e)?.[1] ?? []).sort();
}

export function hasPlaceholder(s: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  return PLACEHOLDER.test(s);
}

/** dotenv-like: KEY=VALUE lines, `#` comments, optional `export `, single or double quotes (\n escapes in double). */
export function parseEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const q = value[0];
    if ((q === '"' || q === "'") && value.lastIndexOf(q) > 0) {
      value = value.slice(1, value.lastIndexOf(q));
      if (q === '"')
        value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out[m[1]!] = value;
  }
  return out;
}

export async function readEnvFile(path: string): Promise<Record<string, string>> {
  return parseEnv(await readFile(path, 'utf8'));
}

export interface Unresolved {
  name: string;
  line: number;
  column: number;
  /** Offsets of the placeholder in the input text. */
  offset: number;
  length: number;
}

export interface Resolution {
  text: string;
  unresolved: Unresolved[];
  /** Maps an offset of the output text back to the input text. */
  mapOffset: (offset: number) => number;
}

/**
 * Replaces every `${{NAME}}` that has a non-empty value; the others stay as they are and are listed with their
 * 1-based line and column. `json: true` escapes values for a JSON string literal (placeholders sit inside strings).
 */
export function resolvePlaceholders(
  text: string,
  values: Record<string, string>,
  opts: { json?: boolean } = {},
): Resolution {
  const unresolved: Unresolved[] = [];
  // [input start, input length, output start, output end] of each replacement, to map positions back.
  const shifts: Array<[number, number, number, number]> = [];
  let out = '';
  let last = 0;
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  const advance = (to: number) => {
    for (let i = scanned; i < to; i++)
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    scanned = to;
  };
  PLACEHOLDER.lastIndex = 0;
  for (let m = PLACEHOLDER.exec(text); m; m = PLACEHOLDER.exec(text)) {
    const name = m[1]!;
    const value = values[name];
    if (value === undefined || value === '') {
      advance(m.index);
      unresolved.push({ name, line, column: m.index - lineStart + 1, offset: m.index, length: m[0].length });
      continue;
    }
    const replacement = opts.json ? JSON.stringify(value).slice(1, -1) : value;
    out += text.slice(last, m.index);
    const outStart = out.length;
    out += replacement;
    last = m.index + m[0].length;
    shifts.push([m.index, m[0].length, outStart, out.length]);
  }
  out += text.slice(last);
  const mapOffset = (o: number) => {
    let delta = 0;
    for (const [inStart, inLen, outStart, outEnd] of shifts) {
      if (o < outStart) break;
      if (o < outEnd) return inStart + Math.min(o - outStart, inLen);
      delta = inStart + inLen - outEnd;
    }
    return o + delta;
  };
  return { text: out, unresolved, mapOffset };
}

const GUID_DUMMY = '00000000-0000-4000-8000-000000000000';

/**
 * A copy of a parsed manifest for the schema pass of an unpackaged manifest: each string holding a placeholder
 * becomes a value of the kind its property expects (GUID, https URL, domain), so the schema judges the rest.
 */
export function withDummies(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (!hasPlaceholder(value)) return value;
    const whole = new RegExp(`^${PLACEHOLDER.source}$`).test(value);
    if (/(^id$|Id$)/.test(key) && whole) return GUID_DUMMY;
    if (/url$/i.test(key) || /^https?:/i.test(value))
      return value.replace(PLACEHOLDER, (_m, n: string) =>
        whole ? `https://${n.toLowerCase().replace(/_/g, '-')}.example.com` : 'x',
      );
    if (key === 'validDomains') return `${value.replace(PLACEHOLDER, 'x')}.example.com`.replace(/^\.+/, '');
    return value.replace(PLACEHOLDER, 'x');
  }
  if (Array.isArray(value)) return value.map((v) => withDummies(v, key));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withDummies(v, k);
    return out;
  }
  return value;
}
