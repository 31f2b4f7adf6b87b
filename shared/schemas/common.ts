import { z } from 'zod';

/** Every error the simulator answers with: a stable machine code, a sentence, and where it applies. */
export const ApiErrorSchema = z
  .object({
    code: z.string().describe('Stable machine-readable code, e.g. VALIDATION_FAILED'),
    message: z.string().describe('One sentence for a person'),
    details: z.unknown().optional().describe('Field paths, limits, or the rule that was broken'),
  })
  .meta({ id: 'ApiError' });
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const IdParam = z.coerce.number().int().positive();

/** RFC 1123 host name with at least two labels: what "Name der Anlage" must hold (R14). */
export const FQDN_PATTERN =
  /^(?=.{4,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.[A-Za-z]{2,63}$/;

export function isFqdn(value: string): boolean {
  return FQDN_PATTERN.test(value);
}
