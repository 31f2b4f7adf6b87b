import { z } from 'zod';

/** The STARFACE desktop app session of a user (R4: Windows or macOS app active). */
export const AppPlatformSchema = z.enum(['windows', 'macos', 'ios', 'android', 'web']);
export const AppSessionSchema = z
  .object({
    active: z.boolean(),
    platform: AppPlatformSchema.nullable(),
    version: z.string().nullable(),
    lastSeen: z.string().nullable(),
  })
  .meta({ id: 'AppSession' });
export type AppSession = z.infer<typeof AppSessionSchema>;

export const AppSessionUpdateSchema = z
  .strictObject({
    active: z.boolean(),
    platform: AppPlatformSchema.optional(),
    version: z.string().max(40).optional(),
  })
  .refine((v) => !v.active || v.platform !== undefined, {
    message: 'an active session needs a platform',
    path: ['platform'],
  })
  .meta({ id: 'AppSessionUpdate' });
export type AppSessionUpdate = z.infer<typeof AppSessionUpdateSchema>;

export const DESKTOP_PLATFORMS = ['windows', 'macos'] as const;
