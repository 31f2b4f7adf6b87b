import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import { nestsDeeperThan } from '../../../shared/jsonDepth.js';
import { SimError } from '../state/errors.js';
import { StoreWriteError } from '../state/store.js';
import type { Logger } from '../log.js';

/** The largest request body any route reads (JSON or raw bytes). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** The body limit of the unauthenticated entries (sign-in): credentials are a few hundred bytes. */
export const PUBLIC_BODY_LIMIT_BYTES = 4 * 1024;

/** The deepest JSON nesting taken: no REST body is more than a few levels deep; 64 leaves room. */
export const JSON_MAX_DEPTH = 64;

function tooDeep(): SimError {
  return new SimError(400, 'BODY_TOO_DEEP', `The request body nests arrays and objects deeper than ${JSON_MAX_DEPTH}`, {
    limit: JSON_MAX_DEPTH,
  });
}

/**
 * Throws a 400 when arrays and objects nest deeper than JSON_MAX_DEPTH. One pass over the bytes before JSON.parse,
 * so a `[[[…]]]` body costs a scan, not a parse and a deep validation walk. Exact for UTF-8 only (no byte of a
 * multi-byte character is ASCII): in UTF-16 or UTF-32 a character such as U+225B holds the byte of a quote, which
 * would flip the scan in and out of strings. Bodies in those charsets are measured once parsed (checkParsedDepth).
 */
export function checkJsonDepth(buf: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next byte is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > JSON_MAX_DEPTH) throw tooDeep();
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/** The depth check of a body in another charset than UTF-8, on the parsed value (see checkJsonDepth). */
export function checkParsedDepth(value: unknown): void {
  if (nestsDeeperThan(value, JSON_MAX_DEPTH)) throw tooDeep();
}

export interface ErrorDetail {
  path: string;
  message: string;
  code: string;
  keys?: string[];
}

/** One entry per bad field; an unknown field gets its own path (zod reports it at its parent's). */
export function issuesToDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.flatMap((i): ErrorDetail[] =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({
          path: [...i.path, key].join('.'),
          message: `Unknown field "${key}"`,
          code: i.code,
          keys: i.keys,
        }))
      : [{ path: i.path.join('.'), message: i.message, code: i.code }],
  );
}

/** Parses a request part with a zod schema or throws a 400 naming every bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = issuesToDetails(result.error);
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  const at = path ? `${where}.${path}` : where;
  const message =
    first.code === 'unrecognized_keys'
      ? `Unknown field(s) in ${at}: ${first.keys.join(', ')}`
      : `Invalid ${at}: ${first.message}`;
  throw new SimError(400, 'VALIDATION_FAILED', message, details);
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res
    .status(404)
    .json({ code: 'NOT_FOUND', message: `No such endpoint: ${req.method} ${req.originalUrl.split('?')[0]}` });
};

/** Maps every failure to `{code, message, details}`; a stack trace never leaves the server. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof SimError) {
      res
        .status(err.status)
        .json({ code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) });
      return;
    }
    if (err instanceof StoreWriteError) {
      // The change was rolled back (StateHolder); the request may succeed once the store is writable again.
      log('error', 'store write failed', { method: req.method, path: req.path, file: err.file, errno: err.errno });
      res.status(503).json({
        code: 'STORE_UNAVAILABLE',
        message: err.message,
        details: { file: err.file, errno: err.errno },
      });
      return;
    }
    const e = err as { type?: string; status?: number; limit?: number; message?: string };
    if (e.type === 'entity.too.large') {
      res.status(413).json({
        code: 'PAYLOAD_TOO_LARGE',
        message: `The request body exceeds ${e.limit} bytes`,
        details: { limit: e.limit },
      });
      return;
    }
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ code: 'INVALID_JSON', message: `The request body is not valid JSON: ${e.message}` });
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ code: 'BAD_REQUEST', message: e.message ?? 'Bad request' });
      return;
    }
    log('error', 'request failed', { method: req.method, path: req.path, error: String(e.message ?? err) });
    res.status(500).json({ code: 'INTERNAL', message: 'The simulator failed to handle this request; see its log' });
  };
}
