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

export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
}

export function displayName(canonical: string): string {
  return (
    SPELLING[canonical] ?? canonical.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())
  );
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

  has(name: string): boolean {
    const key = canonicalName(name);
    return this.fields.some((f) => f.key === key);
  }

  /** The first value as received (for a list field: the whole first line). */
  get(name: string): string | undefined {
    const key = canonicalName(name);
    return this.fields.find((f) => f.key === key)?.value;
  }

  /** Every value; list fields are split into their elements. */
  getAll(name: string): string[] {
    const key = canonicalName(name);
    const values = this.fields.filter((f) => f.key === key).map((f) => f.value);
    return LIST_FIELDS.has(key) ? values.flatMap(splitList) : values;
  }

  /** How many field lines carry this name (a list field counts once per line). */
  count(name: string): number {
    const key = canonicalName(name);
    return this.fields.filter((f) => f.key === key).length;
  }

  entries(): [string, string][] {
    return this.fields.map((f) => [f.name, f.value]);
  }
}
