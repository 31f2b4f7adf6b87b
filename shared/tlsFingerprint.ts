/**
 * How a certificate's SHA-256 fingerprint is written everywhere the user or a script sees it (ready line, banner,
 * certificate prompt, pins): upper-case hex pairs joined by `:`, as browsers and `openssl x509 -fingerprint` show it.
 */
export const FINGERPRINT_PATTERN = /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/;

/** Formats a 32-byte SHA-256 digest; accepts any digest encoding Node's crypto hands out. */
export function formatFingerprint(digest: Uint8Array): string {
  if (digest.length !== 32) throw new Error(`a SHA-256 fingerprint has 32 bytes, not ${digest.length}`);
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** Reads a fingerprint a user pasted (any case, with or without `:`/spaces) into the canonical form, or undefined. */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}
