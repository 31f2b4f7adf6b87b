import { createHash } from 'node:crypto';

export function sha512hex(value: string): string {
  return createHash('sha512').update(value, 'utf8').digest('hex');
}

/**
 * The REST login secret for loginType "Internal" (STARFACE ≥ 6.4.2.12):
 * `login + ":" + sha512hex(login + nonce + sha512hex(password))`.
 * The PBX stores sha512hex(password), so it can check the secret without the password itself.
 */
export function restLoginSecret(login: string, nonce: string, password: string): string {
  return restLoginSecretFromHash(login, nonce, sha512hex(password));
}

export function restLoginSecretFromHash(login: string, nonce: string, passwordHash: string): string {
  return `${login}:${sha512hex(login + nonce + passwordHash)}`;
}

/** The UCI auth token: `login + ":" + sha512hex(login + "*" + sha512hex(password))`. */
export function uciToken(login: string, password: string): string {
  return uciTokenFromHash(login, sha512hex(password));
}

export function uciTokenFromHash(login: string, passwordHash: string): string {
  return `${login}:${sha512hex(login + '*' + passwordHash)}`;
}

/** What identifies a Teams integration key without revealing it: `SHA256:` + unpadded base64 of its digest. */
export function keyFingerprint(key: string): string {
  return 'SHA256:' + createHash('sha256').update(key, 'utf8').digest('base64').replace(/=+$/, '');
}
