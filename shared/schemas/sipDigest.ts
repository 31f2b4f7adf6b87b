import { z } from 'zod';

/** The SIP digest algorithms the simulator can offer (RFC 3261 §22, RFC 8760), strongest first. */
export const DIGEST_ALGORITHMS = ['SHA-512-256', 'SHA-256', 'MD5'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/**
 * What the registrar and the proxy offer unless told otherwise: one MD5 challenge with qop="auth", as a real
 * STARFACE does. Several challenges break common softphones (baresip 1.0 fails to register, linphone refuses
 * SHA-512-256 instead of falling back), so the RFC 8760 algorithms are opt-in.
 */
export const DEFAULT_DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['MD5'];

/** The canonical spelling of an algorithm name given in any case, else undefined. */
export function digestAlgorithm(name: string): DigestAlgorithm | undefined {
  const upper = name.toUpperCase();
  return DIGEST_ALGORITHMS.find((a) => a === upper);
}

/**
 * Validates an ordered list of algorithm names (any case): at least one, each known, none twice.
 * Returns the canonical list or the error text.
 */
export function parseDigestList(
  names: readonly string[],
): { ok: true; algorithms: DigestAlgorithm[] } | { ok: false; error: string } {
  if (names.length === 0)
    return { ok: false, error: `name at least one digest algorithm (${DIGEST_ALGORITHMS.join(', ')})` };
  const out: DigestAlgorithm[] = [];
  for (const name of names) {
    const alg = digestAlgorithm(name.trim());
    if (!alg)
      return {
        ok: false,
        error: `unknown digest algorithm "${name}" (known: ${DIGEST_ALGORITHMS.map((a) => a.toLowerCase()).join(', ')})`,
      };
    if (out.includes(alg)) return { ok: false, error: `digest algorithm "${name}" is listed twice` };
    out.push(alg);
  }
  return { ok: true, algorithms: out };
}

/** A scenario's or the stored state's digest list: names in any case, order = preference. */
export const DigestAlgorithmListSchema = z.array(z.string()).transform((names, ctx): DigestAlgorithm[] => {
  const parsed = parseDigestList(names);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed.algorithms;
});
