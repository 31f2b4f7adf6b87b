import { randomInt } from 'node:crypto';
import type { PbxState } from './model.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A client secret as Keycloak makes them: 32 characters of A–Z, a–z, 0–9, each drawn from the CSPRNG. */
export function generateClientSecret(): string {
  let secret = '';
  for (let i = 0; i < 32; i++) secret += ALPHABET[randomInt(ALPHABET.length)];
  return secret;
}

/**
 * Gives the PBX its OAuth client secret if it has none yet (a new store, or one written before OAuth existed).
 * Made whatever the version: a later scenario with version 10 finds it, and a trainer's notes stay right.
 */
export function ensureOAuthClient(state: PbxState): void {
  state.oauth ??= { clientSecret: generateClientSecret() };
}
