import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { API, type EndpointId } from '../../shared/api.js';
import type { Reply, RestClient } from './rest.js';

/**
 * Checks an answer twice: against the simulator's own OpenAPI document (`GET /rest/openapi.json`, what an
 * integrator generates a client from) and against the REST table's zod schema of that status.
 */
export async function answerChecker(client: RestClient): Promise<(id: EndpointId, reply: Reply) => void> {
  const doc = (await client.get('/openapi.json')).body;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const compiled = new Map<string, ValidateFunction>();
  return (id, reply) => {
    const e = API[id];
    const label = `${id} → ${reply.status} ${JSON.stringify(reply.body).slice(0, 400)}`;
    const documented = doc.paths[e.path]?.[e.method]?.responses?.[String(reply.status)];
    assert.ok(documented, `${label}: status not documented in the OpenAPI`);
    const schema = documented.content?.['application/json']?.schema;
    const zod = (e.responses as Record<number, { parse(v: unknown): unknown } | null>)[reply.status];
    if (!schema) {
      assert.equal(reply.body, '', `${label}: documented without a body`);
      return;
    }
    const key = `${id} ${reply.status}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile({ ...schema, components: doc.components });
      compiled.set(key, validate);
    }
    assert.ok(validate(reply.body), `${label}: ${JSON.stringify(validate.errors)}`);
    if (zod) zod.parse(reply.body);
  };
}
