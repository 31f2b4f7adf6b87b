/** SIP URIs and name-addr values (RFC 3261 §19.1, §25.1), parsed leniently, refused when structurally wrong. */
import { splitOutside } from './split.js';

export interface SipUri {
  scheme: string;
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params: Record<string, string | null>;
  headers: string;
}

export interface NameAddr {
  display?: string;
  uri: string;
  /** Parameter values unquoted (for reading them; use `paramText` to write them back). */
  params: Record<string, string | null>;
  /**
   * The field's parameters exactly as sent, each with its leading ";" (`;+sip.instance="<urn:uuid:…>";reg-id=1`),
   * only the space around the semicolons dropped: what a proxy or registrar echoes must keep quotes and case.
   */
  paramText?: string;
  /** The part before the parameters as sent: `"Anna" <sip:…>` or `<sip:…>`; for a bare URI `<uri>`. */
  head?: string;
}

/** Splits `a=1;b="x;y";c` on the semicolons outside double quotes (a quoted value may hold ";"). */
export function splitParams(text: string): string[] {
  return splitOutside(text, ';');
}

/** What withoutParams() would change in a parameter text: space, quotes, an empty parameter, a trailing ";". */
const UNTIDY_PARAMS = /[\s"]|;;|;$|^;=/;

/** `paramText` without the parameters of these names (case-insensitive), the others as they were. */
export function withoutParams(paramText: string, names: readonly string[]): string {
  if (paramText === '') return '';
  // Nothing to drop and nothing to tidy (no space, no quote, no empty parameter): the text is its own result.
  if (names.length === 0 && paramText.charCodeAt(0) === 0x3b && !UNTIDY_PARAMS.test(paramText)) return paramText;
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return splitParams(paramText.replace(/^\s*;/, ''))
    .map((p) => p.trim())
    .filter((p) => p && !drop.has(p.split('=')[0]!.trim().toLowerCase()))
    .map((p) => `;${p}`)
    .join('');
}

export function parseParams(text: string): Record<string, string | null> | undefined {
  const params: Record<string, string | null> = {};
  if (!text) return params;
  for (const part of splitParams(text)) {
    const p = part.trim();
    if (!p) return undefined; // ";;" — an empty parameter is not allowed
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(name)) return undefined;
    let value: string | null = eq < 0 ? null : p.slice(eq + 1).trim();
    if (value !== null && value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    params[name] = value;
  }
  return params;
}

function unescapeUser(user: string): string | undefined {
  // Without a "%" there is nothing to decode, and nothing decodeURIComponent could refuse.
  if (!user.includes('%')) return user;
  try {
    return decodeURIComponent(user);
  } catch {
    return undefined;
  }
}

/**
 * The last results of parseUri and parseNameAddr, by input text: one request has its Request-URI, To, From and
 * Contact read by the parser, the SIP server and the registrar, each of which used to parse them anew. A small
 * ring compared by string equality (hashing every new text for a Map cost more than it saved). Results are frozen
 * (shared between callers); only short texts are kept.
 */
class ParseCache<T extends { params: object }> {
  private readonly texts: (string | undefined)[];
  private readonly values: (T | undefined)[];
  private next = 0;

  constructor(
    private readonly parse: (text: string) => T | undefined,
    private readonly size = 8,
    private readonly maxLength = 512,
  ) {
    this.texts = new Array<string | undefined>(size).fill(undefined);
    this.values = new Array<T | undefined>(size).fill(undefined);
  }

  get(text: string): T | undefined {
    // Newest first: a hit is nearly always a text of the request being handled, parsed a moment ago.
    for (let k = 1, i = this.next; k <= this.size; k++) {
      i = i === 0 ? this.size - 1 : i - 1;
      if (this.texts[i] === text) return this.values[i];
    }
    const value = this.parse(text);
    if (value !== undefined && text.length <= this.maxLength) {
      this.texts[this.next] = text;
      this.values[this.next] = freezeParsed(value);
      this.next = (this.next + 1) % this.size;
    }
    return value;
  }
}

/** Freezes a parse result and its `params`, the only object inside either kind. */
function freezeParsed<T extends { params: object }>(value: T): T {
  Object.freeze(value.params);
  return Object.freeze(value);
}

const uriCache = new ParseCache(parseUriUncached);
const nameAddrCache = new ParseCache(parseNameAddrUncached);

/**
 * sip:, sips: and tel: URIs; other schemes keep only their text in `host`. Undefined when malformed. The result
 * is frozen and may be shared with other callers.
 */
export function parseUri(text: string): Readonly<SipUri> | undefined {
  return uriCache.get(text);
}

function parseUriUncached(text: string): SipUri | undefined {
  const s = text.trim();
  if (!s || /[\s<>"]/.test(s)) return undefined;
  const colon = s.indexOf(':');
  if (colon <= 0) return undefined;
  const scheme = s.slice(0, colon).toLowerCase();
  if (!/^[a-z][a-z0-9+\-.]*$/.test(scheme)) return undefined;
  let rest = s.slice(colon + 1);
  if (scheme !== 'sip' && scheme !== 'sips') return { scheme, host: rest, params: {}, headers: '' };
  // '@' cannot appear unescaped after the host, but '?' and ';' may appear in the user part: split there first.
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  let userinfo: string | undefined;
  if (at >= 0) {
    userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let headers = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    headers = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (userinfo !== undefined) {
    const pc = userinfo.indexOf(':');
    const rawUser = pc >= 0 ? userinfo.slice(0, pc) : userinfo;
    if (!rawUser) return undefined;
    user = unescapeUser(rawUser);
    if (user === undefined) return undefined;
    if (pc >= 0) password = userinfo.slice(pc + 1);
  }
  const semi = rest.indexOf(';');
  const hostport = semi >= 0 ? rest.slice(0, semi) : rest;
  const params = parseParams(semi >= 0 ? rest.slice(semi + 1) : '');
  if (!params) return undefined;
  let host = hostport;
  let port: number | undefined;
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(hostport);
  if (!m) return undefined;
  host = m[1]!.toLowerCase();
  if (m[2] !== undefined) {
    port = Number(m[2]);
    if (port < 1 || port > 65535) return undefined;
  }
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9\-.]+)$/i.test(host)) return undefined;
  return { scheme, user, password, host, port, params, headers };
}

export function formatUri(
  u: Pick<SipUri, 'scheme' | 'user' | 'host' | 'port'> & { params?: Record<string, string | null> },
): string {
  const user = u.user === undefined ? '' : `${encodeURIComponent(u.user).replace(/%2B/g, '+')}@`;
  const port = u.port === undefined ? '' : `:${u.port}`;
  const params = Object.entries(u.params ?? {})
    .map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`))
    .join('');
  return `${u.scheme}:${user}${u.host}${port}${params}`;
}

/**
 * `"Display" <uri>;params`, `<uri>;params` or a bare `uri;params` (whose `;params` belong to the field). The result
 * is frozen and may be shared with other callers.
 */
export function parseNameAddr(text: string): Readonly<NameAddr> | undefined {
  return nameAddrCache.get(text);
}

function parseNameAddrUncached(text: string): NameAddr | undefined {
  let s = text.trim();
  let display: string | undefined;
  if (s.startsWith('"')) {
    let i = 1;
    let out = '';
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (c === '\\' && i + 1 < s.length) out += s[++i];
      else if (c === '"') break;
      else out += c;
    }
    if (i >= s.length) return undefined; // unterminated quote
    display = out;
    s = s.slice(i + 1).trim();
    if (!s.startsWith('<')) return undefined;
  }
  const lt = s.indexOf('<');
  const semi = s.indexOf(';');
  // A "<" after a ";" is in a parameter of a bare URI (`sip:a@b;+sip.instance="<urn:…>"`), not its bracket.
  if (lt >= 0 && (semi < 0 || lt < semi)) {
    const gt = s.indexOf('>', lt);
    if (gt < 0) return undefined;
    if (display === undefined) {
      const before = s.slice(0, lt).trim();
      if (before) display = before;
    }
    // No whitespace inside the brackets (RFC 4475 §3.1.2.15 "badaspec").
    const uri = s.slice(lt + 1, gt);
    const after = s.slice(gt + 1).trim();
    if (after && !after.startsWith(';')) return undefined;
    const params = parseParams(after.slice(1));
    if (!params || uri !== uri.trim() || !parseUri(uri)) return undefined;
    return {
      display,
      uri,
      params,
      paramText: withoutParams(after, []),
      head: text.trim().slice(0, text.trim().length - s.length + gt + 1),
    };
  }
  if (display !== undefined) return undefined;
  const uri = (semi >= 0 ? s.slice(0, semi) : s).trimEnd(); // SWS may come before the ";"
  // Without angle brackets a URI may not carry `?headers` or `,` (RFC 3261 §20).
  if (!parseUri(uri) || uri.includes('?') || uri.includes(',')) return undefined;
  const paramText = semi >= 0 ? s.slice(semi + 1) : '';
  const params = parseParams(paramText);
  if (!params) return undefined;
  return { uri, params, paramText: withoutParams(paramText, []), head: `<${uri}>` };
}

/** A value as an RFC 3261 quoted-string: in double quotes, with `"` and `\` escaped. */
export function quoteString(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function formatNameAddr(n: NameAddr): string {
  const display = n.display ? `${quoteString(n.display)} ` : '';
  const params = Object.entries(n.params)
    .map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`))
    .join('');
  return `${display}<${n.uri}>${params}`;
}
