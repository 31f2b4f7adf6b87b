/**
 * JSON-RPC 2.0 framing for the UCI connector: parsing one frame into a request (or the error to answer),
 * normalising positional params onto named ones, and building the frames we send. No I/O here.
 */
import type { z } from 'zod';
import type { SimEvent } from '../../../shared/schemas/events.js';
import {
  JsonRpcRequestSchema,
  notificationMethod,
  UCI_ERRORS,
  UCI_METHODS,
  UCI_POSITIONAL,
  type JsonRpcId,
  type UciMethodKey,
} from '../../../shared/schemas/uci.js';

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export interface ParsedRequest {
  /** undefined: a notification (no answer). */
  id: JsonRpcId | undefined;
  method: string;
  params: unknown;
}

export type ParseOutcome = { ok: true; request: ParsedRequest } | { ok: false; id: JsonRpcId; error: RpcError };

const METHOD_KEYS = new Map<string, UciMethodKey>(Object.entries(UCI_METHODS).map(([k, v]) => [v, k as UciMethodKey]));

export function methodKey(method: string): UciMethodKey | undefined {
  return METHOD_KEYS.get(method);
}

export function parseFrame(text: string): ParseOutcome {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, id: null, error: new RpcError(UCI_ERRORS.parseError, `Parse error: the frame is not valid JSON (${(err as Error).message})`) };
  }
  if (Array.isArray(json)) {
    return { ok: false, id: null, error: new RpcError(UCI_ERRORS.invalidRequest, 'Invalid Request: batches are not supported; send one request per frame') };
  }
  const parsed = JsonRpcRequestSchema.safeParse(json);
  if (!parsed.success) {
    const rawId = json && typeof json === 'object' ? (json as { id?: unknown }).id : undefined;
    const id: JsonRpcId = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null;
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `"${issue.path.join('.')}"` : 'the request';
    const what = issue.code === 'unrecognized_keys' ? `unknown member(s) ${issue.keys.join(', ')}` : issue.message;
    return {
      ok: false,
      id,
      error: new RpcError(UCI_ERRORS.invalidRequest, `Invalid Request: ${where}: ${what} (expected {"jsonrpc":"2.0","method":…,"params":[…]|{…},"id":…})`),
    };
  }
  const r = parsed.data;
  return { ok: true, request: { id: 'id' in r ? r.id : undefined, method: r.method, params: r.params } };
}

/** Maps positional params onto the named form; named params pass through. */
export function normaliseParams(key: UciMethodKey, params: unknown): unknown {
  if (params === undefined) return {};
  if (!Array.isArray(params)) {
    if (key === 'subscribeEvents' || key === 'unsubscribeEvents') {
      const p = params as Record<string, unknown>;
      if (typeof p.services === 'string') return { ...p, services: [p.services] };
    }
    return params;
  }
  if (key === 'subscribeEvents' || key === 'unsubscribeEvents') {
    if (params.length === 0) return {};
    if (Array.isArray(params[0])) return compact({ services: params[0], sinceSeq: params[1] }, params.length > 2 ? params.slice(2) : []);
    const last = params[params.length - 1];
    const hasSince = key === 'subscribeEvents' && typeof last === 'number';
    return { services: hasSince ? params.slice(0, -1) : params, ...(hasSince ? { sinceSeq: last } : {}) };
  }
  const names = UCI_POSITIONAL[key];
  if (params.length > names.length) {
    throw new RpcError(UCI_ERRORS.invalidParams, `Invalid params: ${UCI_METHODS[key]} takes ${names.length ? `at most ${names.length} (${names.join(', ')})` : 'no params'}, got ${params.length}`);
  }
  const out: Record<string, unknown> = {};
  names.forEach((name, i) => {
    if (params[i] !== undefined && params[i] !== null) out[name] = params[i];
  });
  return out;
}

function compact(obj: Record<string, unknown>, extra: unknown[]): Record<string, unknown> {
  if (extra.length) throw new RpcError(UCI_ERRORS.invalidParams, 'Invalid params: expected [services] or [services, sinceSeq]');
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  return obj;
}

export function parseParams<S extends z.ZodType>(key: UciMethodKey, schema: S, params: unknown): z.output<S> {
  const named = normaliseParams(key, params);
  const result = schema.safeParse(named);
  if (result.success) return result.data;
  // An unknown name explains a missing one ("dnd" for "doNotDisturb"): name it first.
  const issue = result.error.issues.find((i) => i.code === 'unrecognized_keys') ?? result.error.issues[0]!;
  const path = issue.path.join('.');
  const what = issue.code === 'unrecognized_keys' ? `unknown param(s) ${issue.keys.join(', ')}` : `${path ? `"${path}": ` : ''}${issue.message}`;
  const names = UCI_POSITIONAL[key];
  throw new RpcError(UCI_ERRORS.invalidParams, `Invalid params for ${UCI_METHODS[key]}: ${what} (takes ${names.length ? names.join(', ') : 'no params'})`);
}

export function resultFrame(id: JsonRpcId, result: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result });
}

export function errorFrame(id: JsonRpcId, error: RpcError): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error: { code: error.code, message: error.message, ...(error.data !== undefined ? { data: error.data } : {}) } });
}

/** Serialised once per event and shared by every subscriber. */
export function notificationFrame(event: SimEvent): Buffer {
  return Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: notificationMethod(event.service, event.event), params: event }));
}
