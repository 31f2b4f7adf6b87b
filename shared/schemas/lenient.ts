import { z } from 'zod';

/**
 * What the real PBX lets clients get away with, in one place, so that every body and query of the REST 6.7
 * surface is as forgiving as STARFACE and still names the field it refuses.
 *
 * Unknown fields in a body are **stripped**, not refused: the official clients send back whatever a GET gave
 * them (plus fields of later versions), and Jackson on the PBX ignores what it does not know. A field the
 * definition has but with a wrong type is still a 400 naming that field.
 */

/** An optional field a client may also send as `null` (Java and PHP clients serialise unset fields so). */
export function nullable<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((v): z.output<T> | undefined => v ?? undefined);
}

/**
 * A boolean in a query string: `true`/`false` in any case (`TRUE`, `False`), as the PBX's JAX-RS parses it;
 * an actual boolean passes too, so the schema also serves already-parsed values.
 */
export const queryBoolean = z
  .union([z.boolean(), z.string().regex(/^(true|false)$/i, 'must be true or false (any case)')])
  .transform((v) => (typeof v === 'boolean' ? v : v.toLowerCase() === 'true'));

/** An integer in a query string or a path (`"42"`, ` 42 ` is refused): digits with an optional minus sign. */
export const queryInteger = z
  .union([z.number().int(), z.string().regex(/^-?\d{1,15}$/, 'must be an integer')])
  .transform((v) => (typeof v === 'number' ? v : Number(v)));

/** A paging size or page number: a non-negative integer in a query string. */
export const queryPageNumber = queryInteger.pipe(z.number().int().min(0, 'must be 0 or more'));

/** `login` as the PHP example sends it: a JSON number, stored as the string. */
export const loginString = z.union([z.string(), z.number().int().nonnegative()]).transform((v) => String(v));

/**
 * A write-only secret on an update: absent, `null` or `""` all mean "unchanged" (clients PUT back what GET
 * returned, and GET returns it empty).
 */
export const unchangedIfEmpty = z
  .string()
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : v));

type Shape = Record<string, z.ZodType>;

/**
 * The input twin of an output definition: the same fields, types and required marks, but every optional field
 * also takes `null`, nested definitions (objects, arrays of them, discriminated unions) are lenient too, and
 * unknown fields are stripped. `overrides` replace fields that need more (e.g. `login` as a number).
 */
export function lenientObject<T extends z.ZodObject>(
  schema: T,
  overrides: Shape = {},
): z.ZodType<z.output<T>, unknown> {
  const shape: Shape = {};
  for (const [key, field] of Object.entries(schema.shape as Shape)) shape[key] = overrides[key] ?? lenientField(field);
  for (const [key, field] of Object.entries(overrides)) shape[key] ??= field;
  return z.object(shape) as unknown as z.ZodType<z.output<T>, unknown>;
}

function lenientField(field: z.ZodType): z.ZodType {
  if (field instanceof z.ZodOptional) return nullable(lenientField(field.unwrap() as z.ZodType));
  return lenientValue(field);
}

function lenientValue(field: z.ZodType): z.ZodType {
  if (field instanceof z.ZodObject) return lenientObject(field);
  if (field instanceof z.ZodArray) return z.array(lenientValue(field.element as z.ZodType));
  if (field instanceof z.ZodDiscriminatedUnion) {
    const def = field._zod.def;
    const options = def.options.map((o) => lenientObject(o as z.ZodObject)) as unknown as [
      z.ZodObject,
      ...z.ZodObject[],
    ];
    return z.discriminatedUnion(def.discriminator, options);
  }
  return field;
}
