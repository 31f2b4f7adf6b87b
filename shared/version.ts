/**
 * STARFACE versions have four numeric parts (6.7.3.11, 10.0.2.5). They must be compared part by part,
 * numerically: a string comparison ranks 10.0.0.19 below 6.7.3.11.
 */
export const VERSION_PATTERN = /^\d{1,5}(\.\d{1,5}){3}$/;

export function parseVersion(version: string): [number, number, number, number] {
  const trimmed = version.trim();
  if (!VERSION_PATTERN.test(trimmed)) {
    throw new Error(`"${version}" is not a four-part STARFACE version such as 6.7.3.11`);
  }
  const [a, b, c, d] = trimmed.split('.').map(Number) as [number, number, number, number];
  return [a, b, c, d];
}

export function isVersion(version: string): boolean {
  return VERSION_PATTERN.test(version.trim());
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < 4; i++) {
    const diff = pa[i]! - pb[i]!;
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

/** The guide's minimum (R1); the simulator's minimum is configurable, this is its default. */
export const DEFAULT_MIN_VERSION = '6.7.3.11';
