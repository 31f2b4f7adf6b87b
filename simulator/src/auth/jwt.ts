/**
 * Compact JWS with ES256 (RFC 7515, RFC 7518 §3.4) on node:crypto: the simulator signs and checks its own OAuth
 * tokens, nothing else. ES256 rather than Keycloak's default RS256: a P-256 key is made in a millisecond at
 * every start (an RSA key would cost each test's simulator a noticeable pause), and clients that decode a token
 * read its payload, not its algorithm.
 */
import { generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

export interface JwtKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The header's `kid`: which key signed (a new one at every start). */
  readonly kid: string;
}

/** The longest token looked at; anything longer is no token of ours (and is not parsed). */
const MAX_TOKEN_CHARS = 8 * 1024;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

export function newJwtKey(): JwtKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, kid: randomBytes(16).toString('base64url') };
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

export function signJwt(key: JwtKey, claims: Record<string, unknown>): string {
  const input = `${encode({ alg: 'ES256', typ: 'JWT', kid: key.kid })}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** True for a string shaped like a compact JWS (three base64url parts): a JWT, not a UCI or REST token. */
export function looksLikeJwt(token: string): boolean {
  if (token.length > MAX_TOKEN_CHARS) return false;
  const parts = token.split('.');
  return parts.length === 3 && parts.every((p) => SEGMENT.test(p));
}

/**
 * The payload of a token this key signed, or undefined (malformed, another algorithm or key, a bad signature).
 * Times are not checked here: the caller knows which clock and which lifetime apply.
 */
export function verifyJwt(key: JwtKey, token: string): Record<string, unknown> | undefined {
  if (!looksLikeJwt(token)) return undefined;
  const [head, body, signature] = token.split('.') as [string, string, string];
  const header = decodeJson(head);
  // Only the algorithm we sign with: a token that names another one (`none`, HS256) is refused before any check.
  if (!header || header.alg !== 'ES256' || header.kid !== key.kid) return undefined;
  let ok: boolean;
  try {
    ok = verify(
      'sha256',
      Buffer.from(`${head}.${body}`),
      { key: key.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    ok = false;
  }
  return ok ? decodeJson(body) : undefined;
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
