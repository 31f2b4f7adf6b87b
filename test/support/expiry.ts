import * as assert from 'node:assert/strict';

/**
 * A binding was granted `seconds` by a REGISTER sent at or after `sentAt` (ms): its expiry lies between sentAt and
 * now, plus `seconds`. Exact on a busy machine too, unlike a window on expiresIn that assumes the test was quick.
 */
export function assertGranted(
  binding: { expiresAt: string; expiresIn: number },
  seconds: number,
  sentAt: number,
): void {
  const expiresAt = Date.parse(binding.expiresAt);
  const latest = Date.now() + seconds * 1000;
  assert.ok(
    expiresAt >= sentAt + seconds * 1000 && expiresAt <= latest,
    `granted ${seconds} s: expires ${binding.expiresAt}, REGISTER sent at ${new Date(sentAt).toISOString()}`,
  );
  assert.ok(binding.expiresIn > 0 && binding.expiresIn <= seconds, `expiresIn ${binding.expiresIn} of ${seconds} s`);
}
