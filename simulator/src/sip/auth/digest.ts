/**
 * SIP digest authentication for a registrar or proxy (RFC 3261 §22, RFC 2617, RFC 7616, RFC 8760).
 *
 * Pure: no I/O and no SIP parsing beyond the `Authorization` / `Proxy-Authorization` header value.
 *
 * - Algorithms MD5, SHA-256 and SHA-512-256; which of them are offered, in which order, is configured (default
 *   MD5 only, as a real STARFACE); credentials with an algorithm that was not offered are refused. The `-sess`
 *   variants are neither offered nor accepted.
 * - qop="auth" only. We always offer it, so a response without qop (RFC 2069 style) is refused
 *   (`missing-qop`), and so is qop=auth-int.
 * - Nonces are stateless: base64url(timestamp ‖ random ‖ HMAC-SHA-256(secret, …)), so any instance holding the
 *   secret can check them. Replay protection needs state: per nonce that has been used successfully we keep the
 *   highest nonce-count seen. The table is bounded: expired nonces are dropped (an expired nonce is refused as
 *   stale anyway) and, when the table is still full, the oldest entries are evicted and a "floor" timestamp is
 *   raised — a nonce issued at or before the floor that is not in the table is treated as stale, so eviction can
 *   never re-open a replay window; it can only make a client fetch a fresh nonce.
 * - The opaque value is derived from the nonce (another part of the nonce's HMAC, so issuing and checking cost one
 *   HMAC each), so it needs no state either; it is checked when sent.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  DEFAULT_DIGEST_ALGORITHMS,
  DIGEST_ALGORITHMS,
  digestAlgorithm,
  type DigestAlgorithm,
} from '../../../../shared/schemas/sipDigest.js';
import { detached } from '../message/detach.js';
import { quoteString } from '../message/uri.js';

export { DIGEST_ALGORITHMS, type DigestAlgorithm };

const NODE_HASH: Record<DigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };
const HEX_LENGTH: Record<DigestAlgorithm, number> = { MD5: 32, 'SHA-256': 64, 'SHA-512-256': 64 };

/** Parsed `Authorization` / `Proxy-Authorization` digest credentials. Values are unquoted and unescaped. */
export interface DigestCredentials {
  readonly scheme: 'Digest';
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  /** As sent (any case); absent means MD5 (RFC 2617 §3.2.2). */
  readonly algorithm?: string;
  readonly cnonce?: string;
  readonly qop?: string;
  readonly nc?: string;
  readonly opaque?: string;
  /** Every parameter, names lower-cased, values unquoted (including unknown ones such as `userhash`). */
  readonly params: ReadonlyMap<string, string>;
}

export type DigestFailureReason =
  | 'malformed'
  | 'unknown-user'
  | 'wrong-realm'
  | 'stale-nonce'
  | 'bad-nonce'
  | 'replay'
  | 'bad-response'
  | 'unsupported-algorithm'
  | 'missing-qop';

export type DigestVerifyResult =
  { ok: true; username: string } | { ok: false; reason: DigestFailureReason; stale?: boolean };

export interface DigestVerifyOptions {
  /** The request method exactly as in the request line (e.g. `REGISTER`). */
  method: string;
  /** The user's plain password, or undefined when the user does not exist. */
  password: (username: string) => string | undefined;
  /** Expected realm for this request; defaults to the authenticator's `realm()`. */
  realm?: string;
}

export interface DigestAuthenticatorOptions {
  realm: () => string;
  /**
   * The algorithms to offer, in order of preference (one challenge each); asked per challenge and per check,
   * so a new scenario takes effect at once. Default {@link DEFAULT_DIGEST_ALGORITHMS} (MD5).
   */
  algorithms?: () => readonly DigestAlgorithm[];
  /** How long a nonce stays fresh; default 300 000 ms (5 minutes). */
  nonceLifetimeMs?: number;
  /** Clock in milliseconds; default `Date.now`. */
  now?: () => number;
  /** HMAC key for nonces and opaque values; default 32 random bytes. */
  secret?: Uint8Array;
  /** Maximum number of nonces whose nonce-count is tracked; default 10 000. */
  maxNonces?: number;
}

export interface ComputeResponseInput {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  /** Required with qop: 8 hex digits as sent (e.g. `00000001`). */
  nc?: string;
  /** Required with qop. */
  cnonce?: string;
  /** `auth`, or absent for the RFC 2069 form `H(HA1:nonce:HA2)`. */
  qop?: 'auth';
}

/** One-shot hashing: a Hash object per call cost a registrar under load more than the hashing itself. */
function h(algorithm: DigestAlgorithm, data: string): string {
  return hash(NODE_HASH[algorithm], data, 'hex');
}

/**
 * HA2 = H(method:uri), remembered for the last input: a registrar's REGISTERs nearly all name the same domain,
 * so this is one hash fewer per check. Not secret (method and Request-URI are sent in the clear).
 */
let lastHa2: { algorithm: DigestAlgorithm; data: string; value: string } | undefined;
function ha2Of(algorithm: DigestAlgorithm, data: string): string {
  if (lastHa2?.algorithm !== algorithm || lastHa2.data !== data)
    lastHa2 = { algorithm, data: detached(data), value: h(algorithm, data) };
  return lastHa2.value;
}

/**
 * The request-digest in lower-case hex (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1), for algorithm without `-sess`:
 * HA1 = H(username:realm:password), HA2 = H(method:uri),
 * response = H(HA1:nonce:nc:cnonce:qop:HA2), or H(HA1:nonce:HA2) without qop.
 * Throws a TypeError when qop is given without nc and cnonce (a programming error, not untrusted input).
 */
export function computeResponse(input: ComputeResponseInput): string {
  const { algorithm, username, realm, password, method, uri, nonce, nc, cnonce, qop } = input;
  if (!(algorithm in NODE_HASH)) throw new TypeError(`unsupported digest algorithm: ${String(algorithm)}`);
  const ha1 = h(algorithm, `${username}:${realm}:${password}`);
  const ha2 = ha2Of(algorithm, `${method}:${uri}`);
  if (qop === undefined) return h(algorithm, `${ha1}:${nonce}:${ha2}`);
  if (nc === undefined || cnonce === undefined) throw new TypeError('qop requires nc and cnonce');
  return h(algorithm, `${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Header parsing

const MAX_HEADER_LENGTH = 16 * 1024;
/** RFC 3261 token characters, by char code (a table: this runs once per character of every credential). */
const TOKEN_CHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~")
  TOKEN_CHAR[c.charCodeAt(0)] = 1;
const isTokenChar = (code: number): boolean => code < 128 && TOKEN_CHAR[code] === 1;
// By char code (NaN past the end: never a match): these run once per character of every credential.
/** Space, tab, CR, LF. */
const isWs = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
/** Unquoted values are taken leniently: any visible ASCII except separators that would make the list ambiguous. */
const isBareValueChar = (code: number): boolean =>
  code > 0x20 && code < 0x7f && code !== 0x2c && code !== 0x22 && code !== 0x5c && code !== 0x3b;

/**
 * Parses an `Authorization` / `Proxy-Authorization` header value with the Digest scheme.
 * Returns undefined for anything malformed: another scheme, syntax errors, duplicate parameters, or missing
 * username / realm / nonce / uri / response. Never throws.
 */
export function parseCredentials(headerValue: string): DigestCredentials | undefined {
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
    while (i < n && isWs(value.charCodeAt(i))) i++;
  };
  skipWs();
  if (value.slice(i, i + 6).toLowerCase() !== 'digest') return undefined;
  i += 6;
  if (!isWs(value.charCodeAt(i))) return undefined; // "Digest" must be followed by LWS
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
    while (i < n && isTokenChar(value.charCodeAt(i))) i++;
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
        // The run up to the next quote or backslash in one slice.
        let j = i;
        while (j < n && value.charCodeAt(j) !== 0x22 && value.charCodeAt(j) !== 0x5c) j++;
        if (j > i) {
          out += value.slice(i, j);
          i = j;
          if (i >= n) break;
        }
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
      while (i < n && isBareValueChar(value.charCodeAt(i))) i++;
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

// ---------------------------------------------------------------------------------------------------------------
// Authenticator

const TS_BYTES = 6;
const RAND_BYTES = 6;
const TAG_BYTES = 12;
/** The opaque value: the HMAC bytes after the tag (not part of the nonce, so telling it reveals nothing of the tag). */
const OPAQUE_BYTES = 12;
const RANDOM_POOL_BYTES = 4096;
const NONCE_BYTES = TS_BYTES + RAND_BYTES + TAG_BYTES; // 24 bytes → 32 base64url characters, no padding
const NONCE_PATTERN = /^[A-Za-z0-9_-]{32}$/;
const NC_PATTERN = /^[0-9a-fA-F]{8}$/;
const HEX_PATTERN = /^[0-9a-fA-F]*$/;

interface NonceEntry {
  /** Issue time encoded in the nonce. */
  ts: number;
  /** Highest nonce-count accepted so far. */
  nc: number;
}

export class DigestAuthenticator {
  private readonly realm: () => string;
  private readonly algorithms: () => readonly DigestAlgorithm[];
  private readonly lifetime: number;
  private readonly now: () => number;
  /** The HMAC key's inner and outer pads (RFC 2104), made once. */
  private readonly pads: { inner: Buffer; outer: Buffer };
  private readonly maxNonces: number;
  private readonly used = new Map<string, NonceEntry>();
  /** Nonces issued at or before this time that are not in `used` may have been evicted: treat them as stale. */
  private evictedThrough = -1;
  private randomPool = Buffer.alloc(0);
  private randomOffset = 0;

  constructor(options: DigestAuthenticatorOptions) {
    this.realm = options.realm;
    this.algorithms = options.algorithms ?? (() => DEFAULT_DIGEST_ALGORITHMS);
    this.lifetime = options.nonceLifetimeMs ?? 300_000;
    this.now = options.now ?? Date.now;
    const secret = Buffer.from(options.secret ?? randomBytes(32));
    this.maxNonces = Math.max(1, Math.floor(options.maxNonces ?? 10_000));
    if (secret.length === 0) throw new RangeError('secret must not be empty');
    this.pads = hmacSha256Pads(secret);
    if (!(this.lifetime > 0)) throw new RangeError('nonceLifetimeMs must be positive');
  }

  /** Number of nonces whose nonce-count is currently tracked (bounded by `maxNonces`). */
  get trackedNonces(): number {
    return this.used.size;
  }

  /**
   * One `WWW-Authenticate` / `Proxy-Authenticate` header value per offered algorithm, in the configured order,
   * sharing one fresh nonce and opaque: `Digest realm="…", nonce="…", opaque="…", algorithm=…, qop="auth"[, stale=true]`.
   */
  challenge(opts?: { stale?: boolean }): string[] {
    const { nonce, opaque } = this.issueNonce();
    const realm = quoteString(this.realm());
    const stale = opts?.stale ? ', stale=true' : '';
    return this.algorithms().map(
      (alg) => `Digest realm=${realm}, nonce="${nonce}", opaque="${opaque}", algorithm=${alg}, qop="auth"${stale}`,
    );
  }

  /** Parses a header value; see {@link parseCredentials}. */
  parseCredentials(headerValue: string): DigestCredentials | undefined {
    return parseCredentials(headerValue);
  }

  /**
   * Checks credentials against a request. Checks run in this order: malformed, unsupported-algorithm (unknown or
   * not offered), missing-qop,
   * wrong-realm, bad-nonce (not ours, or opaque not matching; a nonce not ours with a response right for it →
   * `stale: true`), unknown-user, bad-response, stale-nonce
   * (expired or evicted but the response was right → `stale: true`), replay (nc not above the highest seen).
   * On success the nonce-count is recorded. Never throws for bad input (a throwing `password` callback propagates).
   */
  verify(creds: DigestCredentials | undefined, opts: DigestVerifyOptions): DigestVerifyResult {
    if (!creds || typeof creds !== 'object') return fail('malformed');
    const { username, realm, nonce, uri, response } = creds;
    if (![username, realm, nonce, uri, response].every((s) => typeof s === 'string')) return fail('malformed');
    if (typeof opts.method !== 'string' || opts.method === '') return fail('malformed');

    const algorithm = normaliseAlgorithm(creds.algorithm);
    if (algorithm === undefined || !this.algorithms().includes(algorithm)) return fail('unsupported-algorithm');

    if (creds.qop === undefined) return fail('missing-qop');
    if (creds.qop.toLowerCase() !== 'auth') return fail('missing-qop'); // auth-int or anything else was not offered
    const { nc, cnonce } = creds;
    if (nc === undefined || cnonce === undefined || !NC_PATTERN.test(nc) || cnonce === '') return fail('malformed');
    const ncValue = parseInt(nc, 16);
    if (ncValue === 0) return fail('malformed');
    if (response.length !== HEX_LENGTH[algorithm] || !HEX_PATTERN.test(response)) return fail('malformed');

    if (realm !== (opts.realm ?? this.realm())) return fail('wrong-realm');

    const ours = this.checkNonce(nonce);
    const ts = ours?.ts;
    if (ours !== undefined && creds.opaque !== undefined && !safeEqual(creds.opaque, ours.opaque))
      return fail('bad-nonce');

    const password = opts.password(username);
    const matches = () =>
      safeEqual(
        response.toLowerCase(),
        computeResponse({
          algorithm,
          username,
          realm,
          password: password!,
          method: opts.method,
          uri,
          nonce,
          nc,
          cnonce,
          qop: 'auth',
        }),
      );
    if (ts === undefined) {
      // Not ours: most often issued before a restart (new secret) and reused by a refreshing client. Right
      // credentials for it only need a fresh nonce: stale=true (RFC 7616 §3.3). Without it clients such as
      // baresip (libre) take a second 401 for a realm they answered as a wrong password and stop registering.
      return typeof password === 'string' && matches()
        ? { ok: false, reason: 'bad-nonce', stale: true }
        : fail('bad-nonce');
    }
    if (typeof password !== 'string') return fail('unknown-user');
    if (!matches()) return fail('bad-response');

    const now = this.now();
    if (now - ts >= this.lifetime) return { ok: false, reason: 'stale-nonce', stale: true };

    const entry = this.used.get(nonce);
    if (entry) {
      if (ncValue <= entry.nc) return fail('replay');
      entry.nc = ncValue;
    } else {
      // Possibly used before and evicted: cannot tell, so make the client fetch a fresh nonce.
      if (ts <= this.evictedThrough) return { ok: false, reason: 'stale-nonce', stale: true };
      // Kept for the nonce's lifetime: not as a slice of the request that brought it (detach.ts).
      this.remember(detached(nonce), { ts, nc: ncValue }, now);
    }
    return { ok: true, username };
  }

  private issueNonce(): { nonce: string; opaque: string } {
    const ts = Math.max(0, Math.floor(this.now()));
    const raw = Buffer.allocUnsafe(NONCE_BYTES);
    raw.writeUIntBE(Math.min(ts, 2 ** 48 - 1), 0, TS_BYTES);
    this.randomInto(raw, TS_BYTES, RAND_BYTES);
    const mac = this.mac(raw.subarray(0, TS_BYTES + RAND_BYTES));
    mac.copy(raw, TS_BYTES + RAND_BYTES, 0, TAG_BYTES);
    return { nonce: raw.toString('base64url'), opaque: opaqueOf(mac) };
  }

  /**
   * Fresh random bytes from a pool refilled 4 KB at a time: one randomBytes() call per nonce cost a CSPRNG call
   * each (5 % of a registrar's time under load). Same generator; every byte is used once.
   */
  private randomInto(target: Buffer, offset: number, length: number): void {
    if (this.randomOffset + length > this.randomPool.length) {
      this.randomPool = randomBytes(RANDOM_POOL_BYTES);
      this.randomOffset = 0;
    }
    this.randomPool.copy(target, offset, this.randomOffset, this.randomOffset + length);
    this.randomOffset += length;
  }

  /** HMAC-SHA-256 of the nonce's timestamp and random part: its first TAG_BYTES are the nonce's tag. */
  private mac(body: Buffer): Buffer {
    return hmacSha256(this.pads, NONCE_LABEL, body);
  }

  /** The issue timestamp and the opaque when the nonce is one of ours (regardless of age), else undefined. */
  private checkNonce(nonce: string): { ts: number; opaque: string } | undefined {
    if (!NONCE_PATTERN.test(nonce)) return undefined;
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== NONCE_BYTES) return undefined;
    const body = raw.subarray(0, TS_BYTES + RAND_BYTES);
    const mac = this.mac(body);
    if (!timingSafeEqual(raw.subarray(TS_BYTES + RAND_BYTES), mac.subarray(0, TAG_BYTES))) return undefined;
    return { ts: body.readUIntBE(0, TS_BYTES), opaque: opaqueOf(mac) };
  }

  private remember(nonce: string, entry: NonceEntry, now: number): void {
    if (this.used.size >= this.maxNonces) {
      for (const [key, e] of this.used) if (now - e.ts >= this.lifetime) this.used.delete(key);
    }
    if (this.used.size >= this.maxNonces) {
      // Still full of live nonces: evict the oldest tenth (Map order = first use) and raise the floor.
      let toEvict = Math.max(1, Math.ceil(this.maxNonces / 10));
      for (const [key, e] of this.used) {
        if (toEvict-- <= 0) break;
        this.used.delete(key);
        if (e.ts > this.evictedThrough) this.evictedThrough = e.ts;
      }
    }
    this.used.set(nonce, entry);
  }
}

const NONCE_LABEL = Buffer.from('sip-digest-nonce\0', 'latin1');
const SHA256_BLOCK = 64;

/** The inner and outer padded keys of HMAC-SHA-256 (RFC 2104 §2); a key longer than a block is hashed first. */
export function hmacSha256Pads(key: Uint8Array): { inner: Buffer; outer: Buffer } {
  const k = Buffer.alloc(SHA256_BLOCK);
  if (key.length > SHA256_BLOCK) hash('sha256', key, 'buffer').copy(k);
  else k.set(key);
  const inner = Buffer.allocUnsafe(SHA256_BLOCK);
  const outer = Buffer.allocUnsafe(SHA256_BLOCK);
  for (let i = 0; i < SHA256_BLOCK; i++) {
    inner[i] = k[i]! ^ 0x36;
    outer[i] = k[i]! ^ 0x5c;
  }
  return { inner, outer };
}

/**
 * HMAC-SHA-256 (RFC 2104) of `parts` joined, as two one-shot hashes over the pads made by {@link hmacSha256Pads}:
 * the same value as createHmac('sha256', key), without the two stream objects createHmac makes per call (a
 * registrar under load computes one per challenge and one per check).
 */
export function hmacSha256(pads: { inner: Buffer; outer: Buffer }, ...parts: Buffer[]): Buffer {
  let length = SHA256_BLOCK;
  for (const p of parts) length += p.length;
  const scratch = length <= HMAC_SCRATCH.length ? HMAC_SCRATCH : Buffer.allocUnsafe(length);
  pads.inner.copy(scratch, 0);
  let at = SHA256_BLOCK;
  for (const p of parts) at += p.copy(scratch, at);
  const inner = hash('sha256', scratch.subarray(0, length), 'buffer');
  pads.outer.copy(scratch, 0);
  inner.copy(scratch, SHA256_BLOCK);
  return hash('sha256', scratch.subarray(0, SHA256_BLOCK + inner.length), 'buffer');
}

/** Reused by hmacSha256 (synchronous: never two calls at once); it holds nothing the pads do not hold anyway. */
const HMAC_SCRATCH = Buffer.alloc(256);

function opaqueOf(mac: Buffer): string {
  return mac.toString('base64url', TAG_BYTES, TAG_BYTES + OPAQUE_BYTES);
}

function fail(reason: DigestFailureReason): DigestVerifyResult {
  return { ok: false, reason };
}

function normaliseAlgorithm(alg: string | undefined): DigestAlgorithm | undefined {
  if (alg === undefined) return 'MD5';
  return typeof alg === 'string' ? digestAlgorithm(alg) : undefined;
}

/**
 * Constant-time string comparison (length is not secret): every character is looked at whatever the first
 * difference, as timingSafeEqual does with bytes, without turning both strings into buffers first.
 */
export function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
