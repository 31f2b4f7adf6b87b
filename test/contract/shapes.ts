// Shape checks shared by the contract tests: the zod schemas in shared/ are the contract, plus what they cannot say.
import assert from 'node:assert/strict';
import { PermissionInfoSchema, UserSchema, type PermissionInfo, type User } from '../../shared/schemas/users.js';

const FOUR_PART = /^\d+\.\d+\.\d+\.\d+$/;

export function assertVersion(v: unknown): asserts v is string {
  assert.equal(typeof v, 'string');
  assert.match(v as string, FOUR_PART, `not a four-part version: ${String(v)}`);
}

/** The real `User`: the required fields typed as documented, an integer id, and no password value. */
export function assertUser(u: unknown, where = 'user'): asserts u is User {
  assert.ok(u && typeof u === 'object' && !Array.isArray(u), `${where} is not an object: ${JSON.stringify(u)}`);
  const parsed = UserSchema.safeParse(u);
  assert.ok(
    parsed.success,
    `${where} does not match User: ${parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  );
  const o = u as Record<string, unknown>;
  for (const k of ['login', 'firstName', 'familyName', 'email', 'language'] as const)
    assert.equal(typeof o[k], 'string', `${where}.${k}`);
  assert.ok(Number.isInteger(o.id), `${where}.id is not an integer`);
  assert.ok((o.login as string).length > 0, `${where}.login is empty`);
  // Write-only: absent, null or empty when fetched. Nothing that looks like a stored secret either.
  assert.ok(o.password === undefined || o.password === null || o.password === '', `${where} returns a password value`);
  for (const [k, v] of Object.entries(o)) {
    if (/hash|secret|sip.?password/i.test(k))
      assert.ok(v === undefined || v === null || v === '', `${where}.${k} leaks a secret`);
  }
}

export function assertUserList(list: unknown): asserts list is User[] {
  assert.ok(Array.isArray(list), `not an array: ${JSON.stringify(list)?.slice(0, 200)}`);
  list.forEach((u, i) => assertUser(u, `users[${i}]`));
  const ids = list.map((u) => (u as User).id);
  assert.equal(new Set(ids).size, ids.length, 'user ids are not unique');
}

export function assertPermissionList(list: unknown, where = 'permissions'): asserts list is PermissionInfo[] {
  assert.ok(Array.isArray(list), `${where} is not an array: ${JSON.stringify(list)?.slice(0, 200)}`);
  list.forEach((p, i) => {
    const parsed = PermissionInfoSchema.safeParse(p);
    assert.ok(parsed.success, `${where}[${i}] does not match PermissionInfo: ${JSON.stringify(p)}`);
    assert.ok(Number.isInteger((p as PermissionInfo).id), `${where}[${i}].id`);
    assert.equal(typeof (p as PermissionInfo).permission, 'string');
    assert.equal(typeof (p as PermissionInfo).description, 'string');
  });
  const ids = list.map((p) => (p as PermissionInfo).id);
  assert.equal(new Set(ids).size, ids.length, `${where}: ids are not unique`);
}

/** A login that is numeric like a real one and unlikely to exist: 97 and five digits. */
export function testLogin(): string {
  return `97${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`;
}
