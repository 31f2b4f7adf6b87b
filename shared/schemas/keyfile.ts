import { z } from 'zod';
import { isFqdn } from './common.js';

/** The key file "Schlüsseldatei" the admin downloads after saving and drags into the Teams app (R15, R21). */
export const KeyFileSchema = z
  .strictObject({
    format: z.literal(1),
    // Empty while "Name der Anlage" is not set: the file still downloads, and the sign-in then fails on R14 alone.
    pbxName: z
      .string()
      .refine((v) => v === '' || isFqdn(v), { message: 'pbxName must be a fully qualified domain name' }),
    key: z.string().regex(/^[A-Za-z0-9_-]{43,}$/, 'key must be at least 256 bits, base64url-encoded'),
    createdAt: z.iso.datetime(),
    fingerprint: z.string().startsWith('SHA256:'),
  })
  .meta({ id: 'KeyFile' });
export type KeyFile = z.infer<typeof KeyFileSchema>;

export const KEY_BYTES = 32;
