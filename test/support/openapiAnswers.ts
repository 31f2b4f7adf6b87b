import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { API, type EndpointId } from '../../shared/api.js';
import type { Reply, RestClient } from './rest.js';

type Json = Record<string, unknown>;

/** Inlines `$ref: '#/components/…'` so each answer schema stands alone for ajv. */
function inline(node: unknown, doc: Json): unknown {
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
 * (`GET /rest/openapi.json`, by operationId and status) and the REST table's zod schema for that status.
 */
export async function answerChecker(client: RestClient): Promise<(id: EndpointId, reply: Reply) => void> {
  const doc = (await client.get<Json>('/openapi.json')).body;
  const ops = new Map<string, Json>();
  for (const methods of Object.values(doc.paths as Record<string, Record<string, Json>>))
    for (const op of Object.values(methods)) ops.set(op.operationId as string, op);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  return (id, reply) => {
    const op = ops.get(id);
    assert.ok(op, `the OpenAPI document lists ${id}`);
    const documented = (op.responses as Record<string, Json>)[String(reply.status)];
    assert.ok(documented, `${id}: status ${reply.status} is documented (${JSON.stringify(reply.body)})`);
    const schema = (documented.content as Record<string, Json> | undefined)?.['application/json']?.schema;
    if (!schema) {
      assert.equal(reply.body, '', `${id} ${reply.status} has no body`);
      return;
    }
    const validate = ajv.compile(inline(schema, doc) as Json);
    assert.ok(validate(reply.body), `${id} ${reply.status} vs OpenAPI: ${ajv.errorsText(validate.errors)}`);
    const zod = (
      API[id].responses as Record<number, { safeParse(v: unknown): { success: boolean; error?: unknown } } | null>
    )[reply.status];
    if (zod) {
      const parsed = zod.safeParse(reply.body);
      assert.ok(parsed.success, `${id} ${reply.status} vs the table's schema: ${String(parsed.error)}`);
    }
  };
}
