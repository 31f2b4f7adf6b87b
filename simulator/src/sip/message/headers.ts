/**
 * SIP header fields: ordered, case-insensitive, compact forms folded to their long names (RFC 3261 §7.3.3).
 * Values are kept as received; list-valued fields are split on commas outside quotes and angle brackets.
 */
import { splitOutside } from './split.js';

const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  r: 'refer-to',
  b: 'referred-by',
  u: 'allow-events',
  x: 'session-expires',
  a: 'accept-contact',
  j: 'reject-contact',
  d: 'request-disposition',
  y: 'identity',
  n: 'identity-info',
};

/** How our own messages spell the fields. */
const SPELLING: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'proxy-authenticate': 'Proxy-Authenticate',
  'min-expires': 'Min-Expires',
  'max-forwards': 'Max-Forwards',
  'content-length': 'Content-Length',
  'content-type': 'Content-Type',
  'record-route': 'Record-Route',
  'user-agent': 'User-Agent',
};

/** Fields whose value may be a comma-separated list (RFC 3261 §7.3.1). */
const LIST_FIELDS = new Set([
  'via',
  'contact',
  'route',
  'record-route',
  'allow',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'path',
  'accept',
  'accept-encoding',
  'accept-language',
  'allow-events',
  'content-encoding',
  'in-reply-to',
]);

/**
 * Names seen before and their canonical form: every field of every message, and every lookup, asks for one, and
 * the same few dozen names come back all the time. Bounded (names come from the wire): emptied when full.
 */
const CANONICAL = new Map<string, string>();
const MAX_CANONICAL = 512;

export function canonicalName(name: string): string {
  let key = CANONICAL.get(name);
  if (key === undefined) {
    const lower = name.toLowerCase();
    key = COMPACT[lower] ?? lower;
    if (CANONICAL.size >= MAX_CANONICAL) CANONICAL.clear();
    CANONICAL.set(name, key);
  }
  return key;
}

export function displayName(canonical: string): string {
  return (
    SPELLING[canonical] ?? canonical.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())
  );
}

/** False when `value` has no comma at all: then it is one element, and splitting it would find just that. */
function mayHoldList(value: string): boolean {
  return value.includes(',');
}

/** Splits on commas that are outside double quotes and angle brackets. */
export function splitList(value: string): string[] {
  return splitOutside(value, ',', true)
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

export class SipHeaders {
  private readonly fields: { name: string; key: string; value: string }[] = [];

  constructor(init?: Iterable<[string, string]>) {
    if (init) for (const [n, v] of init) this.append(n, v);
  }

  append(name: string, value: string): this {
    this.fields.push({ name, key: canonicalName(name), value });
    return this;
  }

  /** Appends folded text to the last field read (RFC 3261 §7.3.1 line folding). False when there is none. */
  extendLast(text: string): boolean {
    const last = this.fields[this.fields.length - 1];
    if (!last) return false;
    last.value = `${last.value} ${text}`;
    return true;
  }

  /** Replaces every field of this name with one value (or none). */
  set(name: string, value: string | undefined): this {
    this.delete(name);
    if (value !== undefined) this.append(displayName(canonicalName(name)), value);
    return this;
  }

  delete(name: string): this {
    const key = canonicalName(name);
    for (let i = this.fields.length - 1; i >= 0; i--) if (this.fields[i]!.key === key) this.fields.splice(i, 1);
    return this;
  }

  // Plain loops below: these run several times per field of every message.
  has(name: string): boolean {
    const key = canonicalName(name);
    for (const f of this.fields) if (f.key === key) return true;
    return false;
  }

  /** The first value as received (for a list field: the whole first line). */
  get(name: string): string | undefined {
    const key = canonicalName(name);
    for (const f of this.fields) if (f.key === key) return f.value;
    return undefined;
  }

  /** Every value; list fields are split into their elements. */
  getAll(name: string): string[] {
    const key = canonicalName(name);
    const list = LIST_FIELDS.has(key);
    const out: string[] = [];
    for (const f of this.fields) {
      if (f.key !== key) continue;
      if (!list) out.push(f.value);
      else if (!mayHoldList(f.value)) {
        const v = f.value.trim();
        if (v) out.push(v);
      } else for (const v of splitList(f.value)) out.push(v);
    }
    return out;
  }

  /** How many field lines carry this name (a list field counts once per line). */
  count(name: string): number {
    const key = canonicalName(name);
    let n = 0;
    for (const f of this.fields) if (f.key === key) n++;
    return n;
  }

  entries(): [string, string][] {
    return this.fields.map((f) => [f.name, f.value]);
  }

  /** The fields in order, each with its canonical name as `key`; read-only, for writing a message out. */
  fieldList(): readonly Readonly<{ name: string; key: string; value: string }>[] {
    return this.fields;
  }
}
