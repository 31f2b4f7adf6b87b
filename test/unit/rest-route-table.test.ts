import assert from 'node:assert/strict';
import { ENDPOINTS } from '../../shared/api.js';
import { RouteTable } from '../../simulator/src/rest/routeTable.js';
import { SimError } from '../../simulator/src/state/errors.js';

describe('REST route table (one lookup per request)', () => {
  const table = new RouteTable(ENDPOINTS);
  const id = (method: string, path: string) => table.match(method, path)?.entry.id;

  it('finds every entry of the REST table by its own path, with each parameter by name', () => {
    for (const e of ENDPOINTS) {
      let n = 0;
      const path = e.path.replace(/\{\w+\}/g, () => `v${++n}`);
      const m = table.match(e.method.toUpperCase(), path);
      assert.equal(m?.entry.id, e.id, `${e.method} ${path}`);
      const names = [...e.path.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!);
      assert.deepEqual(Object.keys(m!.params), names, e.id);
    }
  });

  it('a literal segment wins over a parameter (/users/me before /users/{userId})', () => {
    assert.equal(id('GET', '/users/me'), 'usersMeGet');
    assert.equal(id('GET', '/users/7'), 'getUser');
    assert.deepEqual(table.match('GET', '/users/7')!.params, { userId: '7' });
  });

  it('literal segments in any case, a trailing slash optional on both sides, parameters URL-decoded', () => {
    assert.equal(id('GET', '/USERS/me'), 'usersMeGet');
    assert.equal(id('GET', '/fmcphones'), 'getFmcPhones');
    assert.equal(id('GET', '/users/'), 'getUsers');
    assert.equal(id('GET', '/functionkeysets/1/'), 'getFunctionKeys');
    assert.equal(id('GET', '/functionkeysets/1'), 'getFunctionKeys');
    assert.deepEqual(table.match('GET', '/fmcPhones/a%2Fb%20c')!.params, { fmcId: 'a/b c' });
    assert.throws(
      () => table.match('GET', '/fmcPhones/%E0%A4%A'),
      (err: unknown) => err instanceof SimError && err.status === 400 && err.message.includes('path.fmcId'),
    );
  });

  it('an empty segment, another method or an unknown path is no match; knows() is about the path alone', () => {
    assert.equal(table.match('GET', '/users//avatar'), undefined);
    assert.equal(table.match('PATCH', '/users/7'), undefined);
    assert.equal(id('HEAD', '/users/7'), 'getUser', 'HEAD is answered as GET');
    assert.equal(table.knows('/users/7'), true);
    assert.equal(table.match('GET', '/nowhere'), undefined);
    assert.equal(table.knows('/nowhere'), false);
    assert.equal(table.knows('/users/7/nowhere'), false);
  });
});
