import assert from 'node:assert/strict';
import { z } from 'zod';
import { ENDPOINTS } from '../../shared/api.js';
import { REST67_OPERATIONS, REST67_VERSION } from '../../shared/rest67Operations.js';
import { REST67_DEFINITIONS } from '../../shared/schemas/rest67.js';
import { buildOpenApi } from '../../simulator/src/rest/openapi.js';

/*
 * The REST table against the fact sheet of REST 6.7.0.22: every official operation is on the table under its
 * operationId, method and path; the simulator's OpenAPI document lists every status the fact sheet documents;
 * and the one 2xx the simulator answers is one the fact sheet documents (a client expecting 200 where the PBX
 * sends 204 breaks).
 */
type JsonSchemaObject = { type?: string; items?: JsonSchemaObject; properties?: object; required?: string[] };

/** The JSON Schema of a zod schema with its root `$ref` resolved (an array: its items resolved). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchemaObject {
  const doc = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as JsonSchemaObject & {
    $defs?: Record<string, JsonSchemaObject>;
  };
  const resolve = (x: JsonSchemaObject & { $ref?: string; allOf?: JsonSchemaObject[] }): JsonSchemaObject =>
    x.$ref?.startsWith('#/$defs/')
      ? resolve(doc.$defs![x.$ref.slice('#/$defs/'.length)]!)
      : x.allOf?.length === 1
        ? resolve(x.allOf[0]!)
        : x;
  const root = resolve(doc);
  return root.type === 'array' && root.items ? { ...root, items: resolve(root.items) } : root;
}

/** The fact sheet's `Name` or `[Name]` as the definition's JSON Schema and whether it is an array; else undefined. */
function definition(type: string, io: 'input' | 'output') {
  const array = type.startsWith('[');
  const name = array ? type.slice(1, -1) : type;
  const def = (REST67_DEFINITIONS as Record<string, z.ZodType>)[name];
  return def ? { name, array, schema: jsonSchema(def, io) } : undefined;
}

describe('REST table covers the 87 operations of REST 6.7', () => {
  const byId = new Map(ENDPOINTS.map((e) => [e.id as string, e]));
  const doc = buildOpenApi('test') as {
    paths: Record<
      string,
      Record<string, { responses: Record<string, unknown>; description?: string; 'x-starface-api'?: string }>
    >;
  };

  it('every operation of the fact sheet is on the table with its method and path, marked real', () => {
    const missing = REST67_OPERATIONS.filter((op) => !byId.has(op.operationId)).map((op) => op.operationId);
    assert.deepEqual(missing, []);
    for (const op of REST67_OPERATIONS) {
      const e = byId.get(op.operationId)!;
      assert.deepEqual([e.method, e.path, e.real], [op.method, op.path, true], op.operationId);
    }
  });

  it('the OpenAPI marks each operation with the API version, and says which of two documented 2xx it answers', () => {
    for (const op of REST67_OPERATIONS) {
      const e = byId.get(op.operationId)!;
      const described = doc.paths[e.path]![e.method]!;
      assert.equal(described['x-starface-api'], REST67_VERSION, op.operationId);
      const documented = Object.keys(op.responses).filter((code) => code.startsWith('2'));
      const answered = Object.keys(e.responses).find((code) => code.startsWith('2'))!;
      if (documented.length > 1)
        assert.match(described.description ?? '', new RegExp(`the simulator answers ${answered}\\.$`), op.operationId);
    }
    const simOnly = ENDPOINTS.filter((e) => !e.real);
    assert.ok(simOnly.length > 0);
    for (const e of simOnly) assert.equal(doc.paths[e.path]![e.method]!['x-starface-api'], undefined, e.id);
  });

  // Error answers are {code, message, details} throughout (the fact sheet names AuthToken for the login's 400 and
  // 500, which no client reads a token from).
  it("a success answer has every field of the fact sheet's definition, its required ones required", () => {
    for (const op of REST67_OPERATIONS) {
      const e = byId.get(op.operationId)!;
      for (const [code, type] of Object.entries(op.responses)) {
        const mine = (e.responses as Record<string, z.ZodType | null>)[code];
        const def = type && mine && code.startsWith('2') ? definition(type, 'output') : undefined;
        if (!def) continue;
        const where = `${op.operationId} ${code} (${type})`;
        let answer = jsonSchema(mine!, 'output');
        if (def.array) {
          assert.equal(answer.type, 'array', where);
          answer = answer.items!;
        }
        const fields = Object.keys(answer.properties ?? {});
        assert.deepEqual(
          Object.keys(def.schema.properties ?? {}).filter((f) => !fields.includes(f)),
          [],
          `${where}: fields`,
        );
        assert.deepEqual(
          (def.schema.required ?? []).filter((f) => !(answer.required ?? []).includes(f)),
          [],
          `${where}: required fields`,
        );
      }
    }
  });

  it('a body requires no field the definition leaves optional (but the login secret), and takes all of its fields', () => {
    for (const op of REST67_OPERATIONS) {
      const e = byId.get(op.operationId)!;
      const def = op.body && e.body ? definition(op.body, 'input') : undefined;
      if (!def) continue;
      let body = jsonSchema(e.body as z.ZodType, 'input');
      if (def.array) body = body.items!;
      const optional = (body.required ?? []).filter((f) => !(def.schema.required ?? []).includes(f));
      assert.deepEqual(optional, op.operationId === 'login' ? ['secret'] : [], `${op.operationId} body`);
      const fields = Object.keys(body.properties ?? {});
      assert.deepEqual(
        Object.keys(def.schema.properties ?? {}).filter((f) => !fields.includes(f)),
        [],
        `${op.operationId} body fields`,
      );
    }
  });

  it('a real entry is an operation of the fact sheet, or GET /server/version (older than 6.7, still served)', () => {
    const ids = new Set(REST67_OPERATIONS.map((op) => op.operationId));
    const extra = ENDPOINTS.filter((e) => e.real && !ids.has(e.id)).map((e) => e.id);
    assert.deepEqual(extra, ['getServerVersion']);
  });

  it("the OpenAPI document lists every error status of the fact sheet, and the simulator's 2xx is a documented one", () => {
    for (const op of REST67_OPERATIONS) {
      const e = byId.get(op.operationId)!;
      const listed = Object.keys(doc.paths[e.path]![e.method]!.responses);
      // Where the fact sheet documents two 2xx (200 and 204), the simulator answers one of them.
      const missing = Object.keys(op.responses).filter((code) => !code.startsWith('2') && !listed.includes(code));
      assert.deepEqual(missing, [], `${op.operationId}: OpenAPI lists ${listed.join(', ')}`);
      const success = Object.keys(e.responses).filter((code) => code.startsWith('2'));
      assert.equal(success.length, 1, `${op.operationId}: one 2xx`);
      assert.ok(
        success[0]! in op.responses,
        `${op.operationId}: answers ${success[0]}, the fact sheet documents ${Object.keys(op.responses).join(', ')}`,
      );
    }
  });
});
