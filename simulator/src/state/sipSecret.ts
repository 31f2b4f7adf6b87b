import { randomBytes } from 'node:crypto';
import { sha512hex } from '../../../shared/hashes.js';
import type { StoredUser } from './model.js';

/**
 * A fresh SIP secret: 12 random bytes (96 bits) as 16 base64url characters, which every softphone's settings field
 * takes and a trainer can still type.
 */
export function generateSipSecret(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * True when the user's SIP secret is also their login password (the login hash is sha512 of the password): the
 * built-in scenarios' users, and users of a store written before the secrets were separate.
 */
export function sipSecretIsLoginPassword(user: StoredUser): boolean {
  return user.sipPassword !== '' && sha512hex(user.sipPassword) === user.passwordHash;
}
