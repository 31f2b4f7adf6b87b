/**
 * JSON-RPC 2.0 framing for the UCI over WebSocket: parsing one frame into a request (or the error to answer)
 * and building the frames we send. No I/O here.
 */
import type { SimEvent } from '../../../../shared/schemas/events.js';
import {
  JsonRpcRequestSchema,
  notificationMethod,
  UCI_ERRORS,
  type JsonRpcId,
} from '../../../../shared/schemas/uci.js';
import { RpcError } from '../core/methods.js';
import { textFrame, type WireFrame } from './wireFrame.js';

export interface ParsedRequest {
  /** undefined: a notification (no answer). */
  id: JsonRpcId | undefined;
  method: string;
  params: unknown;
}

export type ParseOutcome = { ok: true; request: ParsedRequest } | { ok: false; id: JsonRpcId; error: RpcError };

export function parseFrame(text: string): ParseOutcome {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      id: null,
      error: new RpcError(
        UCI_ERRORS.parseError,
        `Parse error: the frame is not valid JSON (${(err as Error).message})`,
      ),
    };
  }
  if (Array.isArray(json)) {
    return {
      ok: false,
      id: null,
      error: new RpcError(
        UCI_ERRORS.invalidRequest,
        'Invalid Request: batches are not supported; send one request per frame',
      ),
    };
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
      error: new RpcError(
        UCI_ERRORS.invalidRequest,
        `Invalid Request: ${where}: ${what} (expected {"jsonrpc":"2.0","method":…,"params":[…]|{…},"id":…})`,
      ),
    };
  }
  const r = parsed.data;
  return { ok: true, request: { id: 'id' in r ? r.id : undefined, method: r.method, params: r.params } };
}

export function resultFrame(id: JsonRpcId, result: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result });
}

export function errorFrame(id: JsonRpcId, error: RpcError): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    error: { code: error.code, message: error.message, ...(error.data !== undefined ? { data: error.data } : {}) },
  });
}

/** An event's notification; `service` is the name the client subscribed under (a v30 alias names the v22 events). */
export function notificationText(event: SimEvent, service: string = event.service): string {
  return JSON.stringify({ jsonrpc: '2.0', method: notificationMethod(service, event.event), params: event });
}

/** The notification as a whole WebSocket frame: serialised and framed once, shared by every subscriber. */
export function notificationFrame(event: SimEvent, service: string = event.service): WireFrame {
  return textFrame(notificationText(event, service));
}
