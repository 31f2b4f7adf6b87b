import assert from 'node:assert/strict';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { ENDPOINTS, type EndpointId } from '../../shared/api.js';
import type { Reply, RestClient } from './rest.js';

type Json = Record<string, unknown>;
interface OpenApiDoc {
  paths: Record<string, Record<string, Json>>;
}

/** Checks one answer of the operation `id`; `status`, when given, is the one the test expects. */
export type AnswerCheck = (id: EndpointId, reply: Reply, status?: number) => void;

/** Inlines `$ref: '#/…'` so each answer schema stands alone for ajv. */
function inline(node: unknown, doc: unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, doc));
  if (!node || typeof node !== 'object') return node;
  const ref = (node as Json).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((n, k) => (n as Json)[k], doc);
    return inline(target, doc);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v, doc)]));
}

/**
 * Checks answers against both descriptions the simulator has of them: the OpenAPI document it serves
 * (`GET /rest/openapi.json`, what an integrator generates a client from; found by operationId) and the REST
 * table's zod schema for that status (the document adds the 400/401/403 answers the table's access and input
 * imply). A status the document does not list fails; a bodiless status must come without a body. So a test of an endpoint also tests that the document tells the truth about it.
 */
export async function answerChecker(client: RestClient): Promise<AnswerCheck> {
  const doc = (await client.get<OpenApiDoc>('/openapi.json')).body;
  const ops = new Map<string, Json>();
  for (const methods of Object.values(doc.paths))
    for (const op of Object.values(methods)) ops.set(op.operationId as string, op);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const compiled = new Map<string, ValidateFunction | null>();
  return (id, reply, status) => {
    const label = `${id} → ${reply.status} ${JSON.stringify(reply.body).slice(0, 400)}`;
    if (status !== undefined) assert.equal(reply.status, status, label);
    const schemas = ENDPOINTS.find((e) => e.id === id)!.responses as Record<
      number,
      { safeParse(v: unknown): { success: boolean; error?: unknown } } | null
    >;
    const op = ops.get(id);
    assert.ok(op, `the OpenAPI document lists ${id}`);
    const documented = (op.responses as Record<string, Json>)[String(reply.status)];
    assert.ok(documented, `${label}: the OpenAPI document does not document this status`);
    const key = `${id} ${reply.status}`;
    if (!compiled.has(key)) {
      const schema = (documented.content as Record<string, Json> | undefined)?.['application/json']?.schema;
      compiled.set(key, schema ? ajv.compile(inline(schema, doc) as Json) : null);
    }
    const validate = compiled.get(key);
    if (!validate) {
      assert.equal(reply.body, '', `${label}: documented without a body`);
      return;
    }
    assert.ok(validate(reply.body), `${label} vs the OpenAPI: ${ajv.errorsText(validate.errors)}`);
    const parsed = schemas[reply.status]?.safeParse(reply.body);
    if (parsed) assert.ok(parsed.success, `${label} vs the table's schema: ${String(parsed.error)}`);
  };
}

/** The table's id for a method and path template, for tests that name an operation by its path. */
export function endpointId(method: string, path: string): EndpointId {
  const e = ENDPOINTS.find((x) => x.method === method.toLowerCase() && x.path === path);
  assert.ok(e, `the REST table lists ${method} ${path}`);
  return e.id;
}
