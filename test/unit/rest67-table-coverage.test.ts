import assert from 'node:assert/strict';
import { ENDPOINTS } from '../../shared/api.js';
import { REST67_OPERATIONS, REST67_VERSION } from '../../shared/rest67Operations.js';
import { buildOpenApi } from '../../simulator/src/rest/openapi.js';

/*
 * The REST table against the fact sheet of REST 6.7.0.22: every official operation is on the table under its
 * operationId, method and path; the simulator's OpenAPI document lists every status the fact sheet documents;
 * and the one 2xx the simulator answers is one the fact sheet documents (a client expecting 200 where the PBX
 * sends 204 breaks).
 */
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
