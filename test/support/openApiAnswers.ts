import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { API, type EndpointId } from '../../shared/api.js';
import type { Reply, RestClient } from './rest.js';

/**
 * Checks an answer against both descriptions of it: the REST table's zod schema for its status, and the
 * simulator's own OpenAPI document (`GET /rest/openapi.json`, JSON Schema 2020-12) for the same operation and
 * status. A status the entry does not document fails; a bodiless status must come without a body.
 */
export async function answerChecker(
  client: RestClient,
): Promise<(id: EndpointId, reply: Reply, status?: number) => void> {
  const doc = (await client.get('/openapi.json')).body;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(doc, 'openapi.json');
  const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  return (id, reply, status) => {
    const e = API[id];
    if (status !== undefined) assert.equal(reply.status, status, `${id}: ${JSON.stringify(reply.body)}`);
    const schemas = e.responses as Record<number, { parse(v: unknown): unknown } | null>;
    assert.ok(reply.status in schemas, `${id} does not document ${reply.status}: ${JSON.stringify(reply.body)}`);
    const schema = schemas[reply.status];
    if (!schema) {
      assert.equal(reply.body, '', `${id} ${reply.status} has no body`);
      return;
    }
    schema.parse(reply.body);
    const ref = `openapi.json#/paths/${pointer(e.path)}/${e.method}/responses/${reply.status}/content/application~1json/schema`;
    const validate = ajv.getSchema(ref);
    assert.ok(validate, `OpenAPI documents ${ref}`);
    assert.ok(validate(reply.body), `${id} ${reply.status} against the OpenAPI: ${ajv.errorsText(validate.errors)}`);
  };
}
