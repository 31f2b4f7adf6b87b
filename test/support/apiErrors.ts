import assert from 'node:assert/strict';
import type { Reply } from './rest.js';

/** An error answer as every REST error is: the status, JSON `{code, message}` with a message; `code` if given. */
export function assertError(reply: Reply, status: number, code?: string): void {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(typeof reply.body.code, 'string');
  assert.equal(typeof reply.body.message, 'string');
  assert.ok(reply.body.message.length > 0);
  if (code) assert.equal(reply.body.code, code);
}

/** A 400 that names the field: in the message and in the details. */
export function assertNamesField(reply: Reply, field: string): void {
  assertError(reply, 400);
  assert.ok(reply.body.message.includes(field), `${field} named in: ${reply.body.message}`);
  assert.ok(JSON.stringify(reply.body.details).includes(field), `${field} in details`);
}
