/**
 * What every UCI transport shares about a request: the error it answers, the method named, and the params
 * (positional or named) parsed onto the contract's schema. No framing and no I/O here.
 */
import type { z } from 'zod';
import { UCI_ERRORS, UCI_METHODS, UCI_POSITIONAL, type UciMethodKey } from '../../../../shared/schemas/uci.js';
import { isUciNotSimulated, resolveUciMethod, type ResolvedUciMethod } from '../../../../shared/schemas/uciNames.js';

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/**
 * The method a name stands for in any family (v20, v22, v30; uciNames.ts). A name a real STARFACE has but the
 * simulator does not simulate throws `notSimulated`; any other unknown name `methodNotFound`.
 */
export function resolveMethod(method: string): ResolvedUciMethod {
  const resolved = resolveUciMethod(method);
  if (resolved) return resolved;
  const shown = method.slice(0, 200);
  if (isUciNotSimulated(method))
    throw new RpcError(
      UCI_ERRORS.notSimulated,
      `'${shown}' is known to STARFACE, not simulated (the README lists the UCI methods the simulator leaves out)`,
    );
  throw new RpcError(
    UCI_ERRORS.methodNotFound,
    `Method not found: '${shown}'; methods are named ucp.v22.requests.<service>.<method>, ucp.v30.requests.… or ucp.v20.server.…, e.g. ${UCI_METHODS.getUserState} (getProvidedRequests lists them all)`,
  );
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
    if (Array.isArray(params[0]))
      return compact({ services: params[0], sinceSeq: params[1] }, params.length > 2 ? params.slice(2) : []);
    const last = params[params.length - 1];
    const hasSince = key === 'subscribeEvents' && typeof last === 'number';
    return { services: hasSince ? params.slice(0, -1) : params, ...(hasSince ? { sinceSeq: last } : {}) };
  }
  const names = UCI_POSITIONAL[key];
  if (params.length > names.length) {
    throw new RpcError(
      UCI_ERRORS.invalidParams,
      `Invalid params: ${UCI_METHODS[key]} takes ${names.length ? `at most ${names.length} (${names.join(', ')})` : 'no params'}, got ${params.length}`,
    );
  }
  const out: Record<string, unknown> = {};
  names.forEach((name, i) => {
    if (params[i] !== undefined && params[i] !== null) out[name] = params[i];
  });
  return out;
}

function compact(obj: Record<string, unknown>, extra: unknown[]): Record<string, unknown> {
  if (extra.length)
    throw new RpcError(UCI_ERRORS.invalidParams, 'Invalid params: expected [services] or [services, sinceSeq]');
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
  const what =
    issue.code === 'unrecognized_keys'
      ? `unknown param(s) ${issue.keys.join(', ')}`
      : `${path ? `"${path}": ` : ''}${issue.message}`;
  const names = UCI_POSITIONAL[key];
  throw new RpcError(
    UCI_ERRORS.invalidParams,
    `Invalid params for ${UCI_METHODS[key]}: ${what} (takes ${names.length ? names.join(', ') : 'no params'})`,
  );
}
