import { z } from 'zod';

/** Text shown to people: English and German, always both. */
export const Localized = z.strictObject({ en: z.string(), de: z.string() });
export type Localized = z.infer<typeof Localized>;

export function text(en: string, de: string): Localized {
  return { en, de };
}
