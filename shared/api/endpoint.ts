/**
 * What one REST endpoint is, as data, and the types derived from it: the simulator mounts routes and checks
 * access from these entries, the OpenAPI document is built from them, and the extension's client calls them by
 * id. Free of express and of simulator code: both sides import it.
 */
import { z } from 'zod';
import { IdParam } from '../schemas/common.js';

/** Who may call an endpoint: nobody signed in, any signed-in user, the user named in `{userId}`, or an admin. */
export type Access = 'public' | 'user' | 'self' | 'admin';

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface Endpoint {
  method: Method;
  /** Relative to /rest, with `{param}` placeholders. */
  path: string;
  summary: string;
  access: Access;
  /** True for paths of the real STARFACE REST API. */
  real: boolean;
  /** Path parameters that are not positive integer ids (the default for every `{param}`). */
  params?: Readonly<Record<string, z.ZodType>>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * Raw bytes instead of JSON (the fact sheet's `string(binary)`, e.g. an avatar): `request` — the body arrives
   * as a Buffer (the JSON parser leaves it alone; `body` is then `BinaryBodySchema`); `response` — the handler
   * sends the 2xx answer's bytes itself with one of these media types. OpenAPI lists the media types.
   */
  binary?: { request?: readonly string[]; response?: readonly string[] };
  /** Every documented status; exactly one is 2xx (the answer a handler returns); null: no body. */
  responses: Readonly<Record<number, z.ZodType | null>>;
}

/** The body or answer of a `binary` entry: the bytes as they came. */
export const BinaryBodySchema = z.instanceof(Uint8Array, { message: 'must be the raw bytes of the content' });

/** A group of entries by id. `const` keeps each entry's literal method, path and schemas for the derived types. */
export function endpoints<const T extends Record<string, Endpoint>>(table: T): T {
  return table;
}

/** `'/users/{userId}/x/{id}'` → `'userId' | 'id'`. */
export type PathParamNames<P extends string> = P extends `${string}{${infer N}}${infer Rest}`
  ? N | PathParamNames<Rest>
  : never;

export type PathParams<E extends Endpoint> = {
  [N in PathParamNames<E['path']>]: E extends { params: Record<N, infer S extends z.ZodType> } ? z.output<S> : number;
};

type SuccessSchema<E extends Endpoint> = E['responses'][Extract<keyof E['responses'], 200 | 201 | 202 | 204>];

/** The 2xx answer as the client reads it (after the schema), `undefined` for a bodiless answer. */
export type Answer<E extends Endpoint> = SuccessSchema<E> extends infer S extends z.ZodType ? z.output<S> : undefined;
/** The 2xx answer as a handler writes it (what the schema accepts). */
export type AnswerInput<E extends Endpoint> = SuccessSchema<E> extends infer S extends z.ZodType ? z.input<S> : void;

export type QueryOutput<E extends Endpoint> = E extends { query: infer Q extends z.ZodType } ? z.output<Q> : undefined;
export type BodyOutput<E extends Endpoint> = E extends { body: infer B extends z.ZodType } ? z.output<B> : undefined;

type QueryArgs<Q extends z.ZodType> = { [K in keyof z.input<Q>]: string | number | boolean };
type Empty = Record<never, never>;

/** What a client passes: path parameters, query (sent as strings) and body, each only where the entry has it. */
export type CallInput<E extends Endpoint> = ([PathParamNames<E['path']>] extends [never]
  ? unknown
  : { params: PathParams<E> }) &
  (E extends { query: infer Q extends z.ZodType }
    ? Empty extends QueryArgs<Q>
      ? { query?: QueryArgs<Q> }
      : { query: QueryArgs<Q> }
    : unknown) &
  (E extends { body: infer B extends z.ZodType } ? { body: z.input<B> } : unknown);

/** The input as a rest parameter: optional where the entry needs none. */
export type CallArgs<E extends Endpoint> = Empty extends CallInput<E> ? [input?: CallInput<E>] : [input: CallInput<E>];

/** The status of the answer a handler returns: the one 2xx. */
export function successStatus(e: Endpoint): number {
  const status = Object.keys(e.responses)
    .map(Number)
    .find((s) => s >= 200 && s < 300);
  if (status === undefined) throw new Error(`${e.method.toUpperCase()} ${e.path} documents no 2xx answer`);
  return status;
}

export function successSchema(e: Endpoint): z.ZodType | null {
  return e.responses[successStatus(e)] ?? null;
}

export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/** The schema a path parameter is parsed with: the entry's own, else a positive integer id. */
export function paramSchema(e: Endpoint, name: string): z.ZodType {
  return e.params?.[name] ?? IdParam;
}

/** The path with its parameters filled in, plus the query string (in the order given). */
export function fillPath(e: Endpoint, params?: Record<string, unknown>, query?: Record<string, unknown>): string {
  const path = e.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`${e.method.toUpperCase()} ${e.path} needs the path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const pairs = Object.entries(query ?? {}).filter(([, v]) => v !== undefined);
  return pairs.length ? `${path}?${new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString()}` : path;
}
