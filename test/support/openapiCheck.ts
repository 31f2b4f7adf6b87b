import assert from 'node:assert/strict';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Reply, RestClient } from './rest.js';

type Json = Record<string, unknown>;

/**
 * Checks answers against the simulator's own OpenAPI document (`GET /rest/openapi.json`): the status must be one
 * the operation documents and the body must match that status's schema. So a test of an endpoint also tests
 * that the document tells the truth about it.
 */
export async function openApiChecker(client: RestClient) {
  const doc = (await client.get<Json>('/openapi.json')).body as {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>
    >;
    components: { schemas: Record<string, Json> };
  };
  const inline = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(inline);
    if (!node || typeof node !== 'object') return node;
    const ref = (node as Json).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/'))
      return inline(doc.components.schemas[ref.slice('#/components/schemas/'.length)]);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v)]));
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const cache = new Map<string, ValidateFunction | null>();
  return (method: string, path: string, reply: Reply): void => {
    const op = doc.paths[path]?.[method.toLowerCase()];
    assert.ok(op, `the OpenAPI document has ${method} ${path}`);
    const response = op.responses[String(reply.status)];
    assert.ok(response, `${method} ${path} documents ${reply.status} (${JSON.stringify(reply.body)})`);
    const key = `${method} ${path} ${reply.status}`;
    if (!cache.has(key)) {
      const schema = response.content?.['application/json']?.schema;
      cache.set(key, schema ? ajv.compile(inline(schema) as Json) : null);
    }
    const validate = cache.get(key);
    if (!validate) {
      assert.equal(reply.body, '', `${key} has no body`);
      return;
    }
    assert.ok(validate(reply.body), `${key}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(reply.body)}`);
  };
}
