import assert from 'node:assert/strict';
import { z } from 'zod';
import { REST67_OPERATIONS } from '../../shared/rest67Operations.js';
import { REST67_DEFINITIONS } from '../../shared/schemas/rest67.js';

/** What an operation's body or answer may be besides a definition (`[T]` wraps either). */
const PRIMITIVES = new Set(['string', 'integer', 'boolean', 'string(binary)']);

function referenced(type: string): string {
  return type.startsWith('[') && type.endsWith(']') ? type.slice(1, -1) : type;
}

/** Every definition a schema reaches through its fields (the registry is the map itself, by identity). */
function reachable(schema: z.ZodType, byIdentity: Map<z.ZodType, string>, seen: Set<string>): void {
  const name = byIdentity.get(schema);
  if (name) {
    if (seen.has(name)) return;
    seen.add(name);
  }
  if (schema instanceof z.ZodObject)
    for (const f of Object.values(schema.shape as Record<string, z.ZodType>)) reachable(f, byIdentity, seen);
  else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable)
    reachable(schema.unwrap() as z.ZodType, byIdentity, seen);
  else if (schema instanceof z.ZodArray) reachable(schema.element as z.ZodType, byIdentity, seen);
  else if (schema instanceof z.ZodDiscriminatedUnion)
    for (const o of schema.options) reachable(o as z.ZodType, byIdentity, seen);
}

describe('REST 6.7 operations (fact sheet)', () => {
  it('lists 87 operations with unique operationIds and unique method + path', () => {
    assert.equal(REST67_OPERATIONS.length, 87);
    assert.equal(new Set(REST67_OPERATIONS.map((o) => o.operationId)).size, 87);
    assert.equal(new Set(REST67_OPERATIONS.map((o) => `${o.method} ${o.path}`)).size, 87);
  });

  it('every path parameter is declared, required, and in the path; query and header parameters are not in it', () => {
    for (const op of REST67_OPERATIONS) {
      const inPath = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = op.params.filter((p) => p.in === 'path');
      assert.deepEqual(declared.map((p) => p.name).sort(), inPath, op.operationId);
      assert.ok(
        declared.every((p) => p.required),
        op.operationId,
      );
      for (const p of op.params)
        assert.ok(
          ['integer', 'string', 'boolean', '[string]'].includes(p.type),
          `${op.operationId}: ${p.name}:${p.type}`,
        );
    }
  });

  it('every body and answer names a definition of REST67_DEFINITIONS or a primitive', () => {
    const names = new Set(Object.keys(REST67_DEFINITIONS));
    for (const op of REST67_OPERATIONS) {
      for (const type of [op.body, ...Object.values(op.responses)]) {
        if (type === undefined || type === null) continue;
        const name = referenced(type);
        assert.ok(names.has(name) || PRIMITIVES.has(name), `${op.operationId}: ${type}`);
      }
      for (const code of Object.keys(op.responses)) assert.match(code, /^[1-5]\d\d$/, op.operationId);
    }
  });

  it('every definition is reached from an operation (RedirectDestination through its two subtypes)', () => {
    const byIdentity = new Map<z.ZodType, string>(
      Object.entries(REST67_DEFINITIONS).map(([n, s]) => [s as z.ZodType, n]),
    );
    const seen = new Set<string>();
    for (const op of REST67_OPERATIONS) {
      for (const type of [op.body, ...Object.values(op.responses)]) {
        const name = type ? referenced(type) : undefined;
        if (name && name in REST67_DEFINITIONS)
          reachable(REST67_DEFINITIONS[name as keyof typeof REST67_DEFINITIONS], byIdentity, seen);
      }
    }
    const unreached = Object.keys(REST67_DEFINITIONS).filter((n) => !seen.has(n));
    assert.deepEqual(unreached, ['RedirectDestination']);
  });

  it("the fact sheet's leniency facts hold for the user operations", () => {
    const post = REST67_OPERATIONS.find((o) => o.operationId === 'postUser')!;
    assert.equal(post.body, 'User');
    const granted = REST67_OPERATIONS.find((o) => o.operationId === 'updatePermissionForUsers')!.params.find(
      (p) => p.name === 'granted',
    )!;
    assert.deepEqual(granted, { in: 'query', name: 'granted', type: 'boolean', required: true });
  });
});
