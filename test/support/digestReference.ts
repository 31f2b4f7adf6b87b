// parseCredentials of simulator/src/sip/auth/digest.ts as it was before the registrar's hot path was made faster
// (issue 21): test/unit/sip-fast-paths.test.ts checks that the faster one answers exactly the same. Do not change.
import type { DigestCredentials } from '../../simulator/src/sip/auth/digest.js';

const MAX_HEADER_LENGTH = 16 * 1024;
/** RFC 3261 token characters. */
const TOKEN_CHAR = /[A-Za-z0-9\-.!%*_+`'~]/;
const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
/** Unquoted values are taken leniently: any visible ASCII except separators that would make the list ambiguous. */
const isBareValueChar = (c: string): boolean => {
  const code = c.charCodeAt(0);
  return code > 0x20 && code < 0x7f && c !== ',' && c !== '"' && c !== '\\' && c !== ';';
};

/** The reference: parseCredentials as it was. */
export function referenceParseCredentials(headerValue: string): DigestCredentials | undefined {
  try {
    return parseCredentialsUnsafe(headerValue);
  } catch {
    return undefined;
  }
}

function parseCredentialsUnsafe(value: string): DigestCredentials | undefined {
  if (typeof value !== 'string' || value.length > MAX_HEADER_LENGTH) return undefined;
  let i = 0;
  const n = value.length;
  const skipWs = (): void => {
    while (i < n && isWs(value[i])) i++;
  };
  skipWs();
  if (value.slice(i, i + 6).toLowerCase() !== 'digest') return undefined;
  i += 6;
  if (!isWs(value[i])) return undefined; // "Digest" must be followed by LWS
  const params = new Map<string, string>();
  for (;;) {
    skipWs();
    if (i >= n) break;
    if (value[i] === ',') {
      i++; // empty list element (RFC 7230 §7 #rule) — tolerated
      continue;
    }
    // name
    const nameStart = i;
    while (i < n && TOKEN_CHAR.test(value[i] as string)) i++;
    if (i === nameStart) return undefined;
    const name = value.slice(nameStart, i).toLowerCase();
    skipWs();
    if (value[i] !== '=') return undefined;
    i++;
    skipWs();
    // value
    let v: string;
    if (value[i] === '"') {
      i++;
      let out = '';
      let closed = false;
      while (i < n) {
        const c = value[i] as string;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\\') {
          if (i + 1 >= n) return undefined;
          const next = value[i + 1] as string;
          if (next === '\r' || next === '\n') return undefined; // quoted-pair excludes CR and LF
          out += next;
          i += 2;
          continue;
        }
        out += c;
        i++;
      }
      if (!closed) return undefined;
      v = out;
    } else {
      const start = i;
      while (i < n && isBareValueChar(value[i] as string)) i++;
      if (i === start) return undefined;
      v = value.slice(start, i);
    }
    if (params.has(name)) return undefined; // RFC 7616 §3.4: each parameter at most once
    params.set(name, v);
    skipWs();
    if (i >= n) break;
    if (value[i] !== ',') return undefined;
    i++;
  }
  const username = params.get('username');
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  const uri = params.get('uri');
  const response = params.get('response');
  if (
    username === undefined ||
    realm === undefined ||
    nonce === undefined ||
    uri === undefined ||
    response === undefined
  )
    return undefined;
  if (nonce === '' || uri === '' || response === '') return undefined;
  const creds: {
    -readonly [K in keyof DigestCredentials]: DigestCredentials[K];
  } = { scheme: 'Digest', username, realm, nonce, uri, response, params };
  const algorithm = params.get('algorithm');
  const cnonce = params.get('cnonce');
  const qop = params.get('qop');
  const nc = params.get('nc');
  const opaque = params.get('opaque');
  if (algorithm !== undefined) creds.algorithm = algorithm;
  if (cnonce !== undefined) creds.cnonce = cnonce;
  if (qop !== undefined) creds.qop = qop;
  if (nc !== undefined) creds.nc = nc;
  if (opaque !== undefined) creds.opaque = opaque;
  return creds;
}
