import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every user-facing text exists in English and German:
 * - runtime messages: the English literal passed to `t(…)` / `vscode.l10n.t(…)` is the key of l10n/bundle.l10n.de.json;
 * - contributed texts: `%key%` in package.json, looked up in package.nls.json and package.nls.de.json.
 */

const ROOT = join(__dirname, '..', '..');
const SOURCES = join(ROOT, 'extension', 'src');

const readJson = (path: string): any => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));

export interface TCall {
  file: string;
  line: number;
  /** The English message; undefined when the first argument is not a plain string literal. */
  message?: string;
  /** What the first argument is instead, for the failure report. */
  problem?: string;
}

type Token =
  | { kind: 'string'; value: string; pos: number }
  /** A template literal with substitutions: its head or a middle part (ends with `${`) and its tail. */
  | { kind: 'template'; pos: number }
  | { kind: 'templateEnd'; pos: number }
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'number'; pos: number }
  | { kind: 'regex'; pos: number }
  | { kind: 'punct'; value: string; pos: number };

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0' };
/** After these words a `/` starts a regular expression, not a division. */
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'instanceof',
  'yield',
  'await',
]);

/**
 * A small TypeScript tokenizer: enough to find string literals, comments, templates (with nested `${…}`), and
 * regular expressions, so that quotes inside them are not mistaken for the start of a string.
 */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  /** One entry per open `{`: whether closing it resumes a template literal. */
  const braces: boolean[] = [];
  let i = 0;

  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}`);
  };

  const readEscape = (): string => {
    // src[i] is the backslash.
    const c = src[i + 1];
    if (c === undefined) fail('dangling backslash');
    if (c === 'x') {
      i += 4;
      return String.fromCharCode(parseInt(src.slice(i - 2, i), 16));
    }
    if (c === 'u') {
      if (src[i + 2] === '{') {
        const end = src.indexOf('}', i);
        const code = parseInt(src.slice(i + 3, end), 16);
        i = end + 1;
        return String.fromCodePoint(code);
      }
      i += 6;
      return String.fromCharCode(parseInt(src.slice(i - 4, i), 16));
    }
    i += 2;
    if (c === '\r' && src[i] === '\n') i++;
    if (c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029') return '';
    return SIMPLE_ESCAPES[c!] ?? c!;
  };

  /** Reads template characters from i up to the closing backtick or `${`; true when it ended at `${`. */
  const readTemplateChunk = (): { value: string; open: boolean } => {
    let value = '';
    while (i < src.length) {
      const c = src[i]!;
      if (c === '\\') value += readEscape();
      else if (c === '`') {
        i++;
        return { value, open: false };
      } else if (c === '$' && src[i + 1] === '{') {
        i += 2;
        return { value, open: true };
      } else {
        value += c;
        i++;
      }
    }
    return fail('unterminated template literal');
  };

  const regexAllowed = (): boolean => {
    const prev = tokens[tokens.length - 1];
    if (!prev) return true;
    if (prev.kind === 'ident') return KEYWORDS_BEFORE_EXPRESSION.has(prev.value);
    if (prev.kind === 'punct') return prev.value !== ')' && prev.value !== ']' && prev.value !== '}';
    return prev.kind === 'template';
  };

  while (i < src.length) {
    const c = src[i]!;
    const pos = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment');
      i = end + 2;
    } else if (c === "'" || c === '"') {
      i++;
      let value = '';
      for (;;) {
        const d = src[i];
        if (d === undefined || d === '\n') fail('unterminated string literal');
        if (d === c) break;
        if (d === '\\') value += readEscape();
        else {
          value += d;
          i++;
        }
      }
      i++;
      tokens.push({ kind: 'string', value, pos });
    } else if (c === '`') {
      i++;
      const chunk = readTemplateChunk();
      if (chunk.open) {
        braces.push(true);
        tokens.push({ kind: 'template', pos });
      } else {
        tokens.push({ kind: 'string', value: chunk.value, pos });
      }
    } else if (c === '{') {
      braces.push(false);
      tokens.push({ kind: 'punct', value: c, pos });
      i++;
    } else if (c === '}') {
      i++;
      if (braces.pop()) {
        // The end of a `${…}`: the template goes on, up to the next substitution or its end.
        if (readTemplateChunk().open) {
          braces.push(true);
          tokens.push({ kind: 'template', pos });
        } else {
          tokens.push({ kind: 'templateEnd', pos });
        }
      } else {
        tokens.push({ kind: 'punct', value: c, pos });
      }
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[\w$]+/.exec(src.slice(i))!;
      i += m[0].length;
      tokens.push({ kind: 'ident', value: m[0], pos });
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(src[i + 1] ?? ''))) {
      const m = /^[\w.]+/.exec(src.slice(i))!;
      i += m[0].length;
      tokens.push({ kind: 'number', pos });
    } else if (c === '/' && regexAllowed()) {
      i++;
      let inClass = false;
      for (;;) {
        const d = src[i];
        if (d === undefined || d === '\n') fail('unterminated regular expression');
        if (d === '\\') i += 2;
        else {
          i++;
          if (d === '[') inClass = true;
          else if (d === ']') inClass = false;
          else if (d === '/' && !inClass) break;
        }
      }
      while (/[a-z]/i.test(src[i] ?? '')) i++;
      tokens.push({ kind: 'regex', pos });
    } else {
      tokens.push({ kind: 'punct', value: c, pos });
      i++;
    }
  }
  return tokens;
}

/** Every `t(…)` call — plain `t`, `ctx.t`, `this.t`, `vscode.l10n.t` — with its first argument. */
export function findTCalls(src: string, file: string): TCall[] {
  const tokens = tokenize(src);
  const lineOf = (pos: number) => src.slice(0, pos).split('\n').length;
  const calls: TCall[] = [];
  tokens.forEach((tok, k) => {
    if (tok.kind !== 'ident' || tok.value !== 't') return;
    const open = tokens[k + 1];
    if (open?.kind !== 'punct' || open.value !== '(') return;
    const before = tokens[k - 1];
    if (before?.kind === 'ident' && before.value === 'function') return;
    const arg = tokens[k + 2];
    const after = tokens[k + 3];
    const line = lineOf(tok.pos);
    if (arg?.kind === 'string' && after?.kind === 'punct' && (after.value === ',' || after.value === ')')) {
      calls.push({ file, line, message: arg.value });
    } else {
      const end = tokens[k + 3]?.pos ?? src.length;
      calls.push({ file, line, problem: src.slice(open.pos, Math.min(end + 20, open.pos + 60)).replace(/\s+/g, ' ') });
    }
  });
  return calls;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f))
    .sort();
}

function allCalls(): TCall[] {
  return sourceFiles(SOURCES).flatMap((file) => findTCalls(readFileSync(file, 'utf8'), relative(ROOT, file)));
}

const placeholders = (message: string) =>
  [...new Set([...message.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);

describe('localisation', () => {
  describe('the message extractor', () => {
    it('reads single, double and backtick literals with escapes, and skips comments, templates and regexes', () => {
      const src = [
        "const a = t('it\\'s {0}', x); // t('commented')",
        'const b = ctx.t("say \\"hi\\" \\u2026", y);',
        "/* t('block') */ const c = vscode.l10n.t(`plain`);",
        "const d = `${t('in a template')} and ${`${this.t('nested')}`}`;",
        "const e = /t\\('regex'/.test(s) ? t('after a regex') : s.split(\"t('not a call')\");",
        "const f = x / 2 / t('after division');",
        "const g = `${a} ${/'/.test(b) ? t('regex in a template') : ''}` / t('after a template');",
        'function t(message: string) { return message; }',
      ].join('\n');
      assert.deepEqual(
        findTCalls(src, 'x.ts').map((c) => c.message),
        [
          "it's {0}",
          'say "hi" …',
          'plain',
          'in a template',
          'nested',
          'after a regex',
          'after division',
          'regex in a template',
          'after a template',
        ],
      );
    });

    it('reports calls whose first argument is not a string literal', () => {
      const calls = findTCalls("t(message); t('a' + b); t(`x${y}`); t('ok', 1); t()", 'x.ts');
      assert.deepEqual(
        calls.map((c) => c.message !== undefined),
        [false, false, false, true, false],
      );
    });
  });

  describe('runtime messages (l10n/bundle.l10n.de.json)', () => {
    const calls = allCalls();
    const messages = new Set(calls.flatMap((c) => (c.message === undefined ? [] : [c.message])));
    const bundle: Record<string, unknown> = readJson('l10n/bundle.l10n.de.json');

    it('finds the messages', () => {
      assert.ok(messages.size > 50, `only ${messages.size} messages found in extension/src: is the extractor broken?`);
    });

    it('passes only string literals to t(), so every message can be extracted', () => {
      const dynamic = calls.filter((c) => c.message === undefined).map((c) => `${c.file}:${c.line}: t${c.problem}`);
      assert.deepEqual(dynamic, [], 'build the message from a literal with {0} placeholders instead');
    });

    it('aliases vscode.l10n.t only as `t`, the name the extractor looks for', () => {
      const aliases = sourceFiles(SOURCES).flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/\b(?:const|let|var)\s+([\w$]+)\s*=\s*vscode\.l10n\.t\s*(?:[;,)]|$)/gm)]
          .filter((m) => m[1] !== 't')
          .map((m) => `${relative(ROOT, file)}: ${m[0]}`),
      );
      assert.deepEqual(aliases, []);
    });

    it('has a German translation for every message', () => {
      const missing = [...messages].filter((m) => !Object.hasOwn(bundle, m)).sort();
      assert.deepEqual(missing, [], 'add these to l10n/bundle.l10n.de.json');
    });

    it('has no stale entries', () => {
      const stale = Object.keys(bundle)
        .filter((k) => !messages.has(k))
        .sort();
      assert.deepEqual(stale, [], 'no t() call uses these any more: remove them from l10n/bundle.l10n.de.json');
    });

    it('translates every message to a non-empty string with the same placeholders', () => {
      const wrong = Object.entries(bundle)
        .filter(
          ([en, de]) => typeof de !== 'string' || !de.trim() || placeholders(en).join() !== placeholders(de).join(),
        )
        .map(([en, de]) => `${JSON.stringify(en)} → ${JSON.stringify(de)}`);
      assert.deepEqual(wrong, []);
    });

    it('keeps the requirement ids of the English message', () => {
      const ids = (s: string) =>
        [...s.matchAll(/\bR\d+\b/g)]
          .map((m) => m[0])
          .sort()
          .join();
      const wrong = Object.entries(bundle)
        .filter(([en, de]) => typeof de === 'string' && ids(en) !== ids(de))
        .map(([en, de]) => `${JSON.stringify(en)} → ${JSON.stringify(de)}`);
      assert.deepEqual(wrong, []);
    });

    it('keeps its keys sorted', () => {
      const keys = Object.keys(bundle);
      assert.deepEqual(keys, [...keys].sort());
    });
  });

  describe('contributed texts (package.nls*.json)', () => {
    const pkg = readJson('package.json');
    const nls: Record<string, unknown> = readJson('package.nls.json');
    const nlsDe: Record<string, unknown> = readJson('package.nls.de.json');

    const strings = (value: unknown, path: string): { path: string; value: string }[] => {
      if (typeof value === 'string') return [{ path, value }];
      if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
      if (value && typeof value === 'object')
        return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}.${k}`));
      return [];
    };
    const all = strings(pkg, 'package.json');
    const used = new Set(all.flatMap((s) => /^%([^%\s]+)%$/.exec(s.value)?.slice(1) ?? []));

    it('uses %key% references', () => {
      assert.ok(used.size > 0);
    });

    it('uses %key% only as a whole value, the only form VS Code replaces', () => {
      const partial = all
        .filter((s) => /%[\w.-]+%/.test(s.value) && !/^%[^%\s]+%$/.test(s.value))
        .map((s) => `${s.path}: ${s.value}`);
      assert.deepEqual(partial, []);
    });

    it('defines every used key in English and German', () => {
      assert.deepEqual([...used].filter((k) => !Object.hasOwn(nls, k)).sort(), [], 'missing in package.nls.json');
      assert.deepEqual([...used].filter((k) => !Object.hasOwn(nlsDe, k)).sort(), [], 'missing in package.nls.de.json');
    });

    it('has the same keys in both nls files, all of them used, none empty', () => {
      assert.deepEqual(Object.keys(nlsDe).sort(), Object.keys(nls).sort());
      assert.deepEqual(
        Object.keys(nls)
          .filter((k) => !used.has(k))
          .sort(),
        [],
        'unused keys in package.nls*.json',
      );
      const empty = [...Object.entries(nls), ...Object.entries(nlsDe)]
        .filter(([, v]) => typeof v !== 'string' || !v.trim())
        .map(([k]) => k);
      assert.deepEqual(empty, []);
    });

    it('gives every command the category STARFACE and a localised title', () => {
      const commands: any[] = pkg.contributes?.commands ?? [];
      assert.ok(commands.length > 0);
      const wrong = commands
        .filter((c) => c.category !== 'STARFACE' || typeof c.title !== 'string' || !/^%[^%\s]+%$/.test(c.title))
        .map((c) => `${c.command}: category ${JSON.stringify(c.category)}, title ${JSON.stringify(c.title)}`);
      assert.deepEqual(wrong, []);
    });
  });
});
