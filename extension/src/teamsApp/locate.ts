// JSON pointer → line/column range in the text the user edits, via jsonc-parser's syntax tree.
import {
  findNodeAtOffset,
  getNodePath,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import type { Translate } from '../text/i18n.js';

export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Non-JSON files (icons, the zip itself) have no positions: 1,1,1,1. */
export const WHOLE_FILE: Range = { line: 1, column: 1, endLine: 1, endColumn: 1 };

/** Where a finding points: the value at the pointer, or the property name that holds it. */
export type Anchor = 'value' | 'key';

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function joinPointer(base: string, ...segments: (string | number)[]): string {
  return base + segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** A property name that occurs more than once in one object; `offset`/`length` are those of an earlier (ignored) key. */
export interface DuplicateKey {
  /** Pointer of the property (JSON.parse keeps the last one, which the pointer locates). */
  pointer: string;
  name: string;
  offset: number;
  length: number;
  /** Offset of the key that wins. */
  lastOffset: number;
}

export interface SyntaxProblem {
  /** jsonc-parser's error code ('CommaExpected', …); `syntaxMessage` words it. */
  code: string;
  offset: number;
  length: number;
}

/**
 * A parsed JSON file that answers ranges for pointers. `map` turns offsets of `text` into offsets of
 * `sourceText` — used when `text` is the manifest after placeholder substitution and findings must point
 * into the file as written.
 */
export class JsonLocator {
  readonly tree: Node | undefined;
  readonly syntax: SyntaxProblem[];
  private readonly lineStarts: number[];

  constructor(
    readonly text: string,
    private readonly map: (offset: number) => number = (o) => o,
    sourceText: string = text,
  ) {
    const errors: ParseError[] = [];
    this.tree = parseTree(text, errors, {
      disallowComments: true,
      allowTrailingComma: false,
      allowEmptyContent: false,
    });
    this.syntax = errors.map((e) => ({ code: printParseErrorCode(e.error), offset: e.offset, length: e.length }));
    this.lineStarts = [0];
    for (let i = 0; i < sourceText.length; i++) if (sourceText.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** The JSON pointer of the value at an offset of `text` ('' when outside any value). */
  pointerAt(offset: number): string {
    const node = this.tree && findNodeAtOffset(this.tree, offset);
    return node ? joinPointer('', ...getNodePath(node)) : '';
  }

  position(offset: number): { line: number; column: number } {
    const o = this.map(offset);
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.lineStarts[lo]! + 1 };
  }

  rangeOfOffsets(start: number, end: number): Range {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  /** Every key that a later key of the same name in the same object overrides. */
  duplicateKeys(): DuplicateKey[] {
    const out: DuplicateKey[] = [];
    const walk = (node: Node | undefined, pointer: string) => {
      if (!node) return;
      if (node.type === 'array') node.children?.forEach((c, i) => walk(c, joinPointer(pointer, i)));
      if (node.type !== 'object') return;
      const last = new Map<string, Node>();
      for (const p of node.children ?? []) {
        const key = p.children?.[0];
        if (key && typeof key.value === 'string') last.set(key.value, key);
      }
      for (const p of node.children ?? []) {
        const key = p.children?.[0];
        if (!key || typeof key.value !== 'string') continue;
        const winner = last.get(key.value)!;
        if (winner !== key)
          out.push({
            pointer: joinPointer(pointer, key.value),
            name: key.value,
            offset: key.offset,
            length: key.length,
            lastOffset: winner.offset,
          });
        else walk(p.children?.[1], joinPointer(pointer, key.value));
      }
    };
    walk(this.tree, '');
    return out;
  }

  /**
   * The range of the node at `pointer`. A primitive is marked on its value; an object or array on the name of
   * the property holding it (else its opening bracket), so that a diagnostic does not paint a whole block.
   * A pointer into something missing lands on the nearest existing ancestor.
   */
  rangeOf(pointer: string, anchor: Anchor = 'value'): Range {
    if (!this.tree) return WHOLE_FILE;
    let node: Node = this.tree;
    for (const seg of parsePointer(pointer)) {
      let next: Node | undefined;
      // The last property of a name: it is the one JSON.parse (and Teams) keeps.
      if (node.type === 'object')
        next = [...(node.children ?? [])].reverse().find((p) => p.children?.[0]?.value === seg)?.children?.[1];
      else if (node.type === 'array' && /^\d+$/.test(seg)) next = node.children?.[Number(seg)];
      if (!next) {
        anchor = 'key';
        break;
      }
      node = next;
    }
    const keyNode = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    if (anchor === 'key' || node.type === 'object' || node.type === 'array') {
      if (keyNode) return this.rangeOfOffsets(keyNode.offset, keyNode.offset + keyNode.length);
      if (node.type === 'object' || node.type === 'array') return this.rangeOfOffsets(node.offset, node.offset + 1);
    }
    return this.rangeOfOffsets(node.offset, node.offset + node.length);
  }
}

/** A JSON syntax error in words. */
export function syntaxMessage(code: string, t: Translate): string {
  return t('JSON syntax: {0}', syntaxWords(code, t));
}

function syntaxWords(code: string, t: Translate): string {
  switch (code) {
    case 'InvalidSymbol':
      return t('invalid symbol');
    case 'InvalidNumberFormat':
      return t('invalid number');
    case 'PropertyNameExpected':
      return t('property name expected');
    case 'ValueExpected':
      return t('value expected');
    case 'ColonExpected':
      return t('colon expected');
    case 'CommaExpected':
      return t('comma expected');
    case 'CloseBraceExpected':
      return t('closing brace expected');
    case 'CloseBracketExpected':
      return t('closing bracket expected');
    case 'EndOfFileExpected':
      return t('end of file expected');
    case 'InvalidCommentToken':
      return t('comments are not allowed in JSON');
    case 'UnexpectedEndOfComment':
      return t('unexpected end of comment');
    case 'UnexpectedEndOfString':
      return t('unterminated string');
    case 'UnexpectedEndOfNumber':
      return t('unexpected end of number');
    case 'InvalidUnicode':
      return t('invalid unicode escape');
    case 'InvalidEscapeCharacter':
      return t('invalid escape character');
    case 'InvalidCharacter':
      return t('invalid character');
    default:
      return code;
  }
}
