import assert from 'node:assert/strict';
import { restLoginSecret } from '../../shared/hashes.js';
import { ADMIN_PASSWORD, DEMO_USERS, RestClient, startSim, type Reply, type RunningSim } from '../support/rest.js';

interface Detail {
  path: string;
  message: string;
  code?: string;
}

/** Every error: JSON `{code, message, details?}` with the status, and nothing of the server's insides. */
function assertError(reply: Reply, status: number, code?: string): void {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/, 'an error is JSON');
  assert.equal(typeof reply.body, 'object');
  assert.equal(typeof reply.body.code, 'string');
  assert.match(reply.body.code, /^[A-Z][A-Z_]+$/);
  assert.equal(typeof reply.body.message, 'string');
  assert.ok(reply.body.message.length > 0);
  if (code) assert.equal(reply.body.code, code);
  assertNoInsides(reply);
}

function assertNoInsides(reply: Reply): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  assert.ok(!('stack' in (reply.body ?? {})), 'no stack field');
  assert.doesNotMatch(text, /\bat [\w.<>$]+ \(/, 'no stack frame "at fn ("');
  assert.doesNotMatch(text, /(^|\\n|\n)\s*at /, 'no stack frame line');
  assert.doesNotMatch(text, /[\w.-]+\.(ts|js|mjs|cjs):\d+/, 'no file:line');
  assert.doesNotMatch(text, /node_modules|\/work\/|\/home\/|\/tmp\/|[A-Z]:\\\\/, 'no file path');
}

const detailsOf = (reply: Reply): Detail[] => {
  assert.ok(Array.isArray(reply.body.details), `details is a list: ${JSON.stringify(reply.body)}`);
  return reply.body.details;
};

async function nonce(c: RestClient): Promise<string> {
  return (await c.get('/login')).body.nonce as string;
}

async function attempt(c: RestClient, login: string, password: string): Promise<Reply> {
  const n = await nonce(c);
  return c.post('/login', { loginType: 'Internal', nonce: n, secret: restLoginSecret(login, n, password) });
}

const NEW_USER = {
  login: 'gerd',
  firstName: 'Gerd',
  familyName: 'Groß',
  email: 'gerd@demo.starface.test',
  language: 'de',
  extension: '2060',
  password: 'gerd-password',
};

describe('REST bad input', () => {
  let sim: RunningSim;

  before(async () => {
    sim = await startSim();
  });
  after(async () => {
    await sim?.stop();
  });

  describe('bodies', () => {
    it('invalid JSON is 400 INVALID_JSON, signed in or not', async () => {
      assertError(await sim.admin.call('POST', '/users', undefined, { raw: '{"login": ' }), 400, 'INVALID_JSON');
      assertError(
        await sim.admin.call('PUT', '/permissions/users/3', undefined, { raw: '[1, 2,' }),
        400,
        'INVALID_JSON',
      );
      assertError(await sim.admin.call('POST', '/users', undefined, { raw: "{'login': 'x'}" }), 400, 'INVALID_JSON');
      assertError(await sim.client().call('POST', '/login', undefined, { raw: '{nonce' }), 400, 'INVALID_JSON');
    });

    it('a body that is not application/json is 415, not parsed', async () => {
      const reply = await sim.admin.call('POST', '/users', undefined, {
        raw: '{"login": ',
        headers: { 'Content-Type': 'text/plain' },
      });
      assertError(reply, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('a body over 1 MiB is 413 JSON', async () => {
      const huge = JSON.stringify({ ...NEW_USER, firstName: 'x'.repeat(1024 * 1024 + 1) });
      const reply = await sim.admin.call('POST', '/users', undefined, { raw: huge });
      assertError(reply, 413);
      assert.equal((await sim.admin.get('/users?searchTerm=gerd')).body.length, 0);
      // Not signed in, too.
      assertError(
        await sim.client().call('POST', '/login', undefined, {
          raw: JSON.stringify({ loginType: 'Internal', nonce: 'n', secret: 'y'.repeat(1100 * 1024) }),
        }),
        413,
      );
    });

    it('a body just under 1 MiB is read (and refused on its merits)', async () => {
      const big = JSON.stringify({ ...NEW_USER, firstName: 'x'.repeat(1024 * 1024 - 300) });
      assert.ok(Buffer.byteLength(big) < 1024 * 1024);
      const reply = await sim.admin.call('POST', '/users', undefined, { raw: big });
      assertError(reply, 400, 'VALIDATION_FAILED');
      assert.ok(detailsOf(reply).some((d) => d.path === 'firstName'));
      assert.ok(JSON.stringify(reply.body).length < 10_000, 'the refused value is not echoed');
    });

    // The REST 6.7 bodies strip unknown fields as the PBX does (clients send back what GET gave them, plus fields
    // of later versions); this test asserted a 400 for them on POST /users. The simulator's own strict bodies
    // still name each unknown field.
    it('unknown fields: stripped from a User body (nothing of them is kept), 400 naming each elsewhere', async () => {
      const reply = await sim.admin.post('/users', { ...NEW_USER, nickname: 'G', isAdmin: true });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      assert.ok(!('nickname' in reply.body) && !('isAdmin' in reply.body), JSON.stringify(reply.body));
      const rights = (await sim.admin.get(`/permissions/users/${reply.body.id}`)).body as { permission: string }[];
      assert.ok(!rights.some((r) => r.permission === 'admin_perm'), 'isAdmin grants nothing');
      assert.equal((await sim.admin.delete(`/users/${reply.body.id}`)).status, 204);

      const login = await sim
        .client()
        .post('/login', { loginType: 'Internal', nonce: 'abc', secret: 'admin:x', remember: true });
      assertError(login, 400, 'VALIDATION_FAILED');
      assert.ok(detailsOf(login).some((d) => d.path === 'remember'));

      const licence = await sim.admin.post('/licenses', { type: 'Fax', count: 1, price: 3 });
      assertError(licence, 400, 'VALIDATION_FAILED');
      assert.ok(detailsOf(licence).some((d) => d.path === 'price'));
    });

    it('__proto__ in a body is an unknown field, not a way in', async () => {
      // A User body strips it (see above): the user is created without the rights it tried to smuggle in.
      const reply = await sim.admin.call('POST', '/users', undefined, {
        raw: JSON.stringify(NEW_USER).replace('{', '{"__proto__": {"rights": ["admin_perm"]}, '),
      });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      const rights = (await sim.admin.get(`/permissions/users/${reply.body.id}`)).body as { permission: string }[];
      assert.ok(!rights.some((r) => r.permission === 'admin_perm'), 'no right came in through __proto__');
      assert.equal((await sim.admin.delete(`/users/${reply.body.id}`)).status, 204);
      // A strict body names it.
      const licence = await sim.admin.call('POST', '/licenses', undefined, {
        raw: '{"__proto__": {"count": 99}, "type": "Fax", "count": 1}',
      });
      assertError(licence, 400, 'VALIDATION_FAILED');
      assert.ok(detailsOf(licence).some((d) => d.path === '__proto__'));
    });

    it('wrong types are 400 with the field path in details', async () => {
      const user = await sim.admin.post('/users', { ...NEW_USER, firstName: 42, missedCallReport: 'yes' });
      assertError(user, 400, 'VALIDATION_FAILED');
      const paths = detailsOf(user).map((d) => d.path);
      assert.ok(paths.includes('firstName'), JSON.stringify(user.body));
      assert.ok(paths.includes('missedCallReport'), JSON.stringify(user.body));
      assert.match(user.body.message, /firstName/);
      for (const d of detailsOf(user)) assert.equal(typeof d.message, 'string');

      const licence = await sim.admin.post('/licenses', { type: 'Fax', count: '3' });
      assertError(licence, 400, 'VALIDATION_FAILED');
      assert.deepEqual(
        detailsOf(licence).map((d) => d.path),
        ['count'],
      );

      const ids = await sim.admin.put('/permissions/users/3', [1, 'two', 3]);
      assertError(ids, 400, 'VALIDATION_FAILED');
      assert.deepEqual(
        detailsOf(ids).map((d) => d.path),
        ['1'],
      );

      const notAList = await sim.admin.put('/licenses/users/3', { types: [] });
      assertError(notAList, 400, 'VALIDATION_FAILED');
      assert.ok(detailsOf(notAList).length > 0);

      const badEmail = await sim.admin.post('/users', { ...NEW_USER, email: 'not-an-email' });
      assertError(badEmail, 400, 'VALIDATION_FAILED');
      assert.deepEqual(
        detailsOf(badEmail).map((d) => d.path),
        ['email'],
      );

      const nothing = await sim.admin.call('POST', '/users', undefined, { raw: 'null' });
      assertError(nothing, 400, 'VALIDATION_FAILED');
    });

    it('bad path and query parameters are 400 naming them', async () => {
      const id = await sim.admin.get('/users/abc');
      assertError(id, 400);
      assert.match(id.body.message, /userId/);
      assertError(await sim.admin.get('/users/%E0%A4%A'), 400);
      const granted = await sim.admin.put('/permissions/13/users?granted=maybe', [3]);
      assertError(granted, 400);
      assert.ok(detailsOf(granted).some((d) => d.path === 'granted'));
      assertError(await sim.admin.get('/users?searchTerm=a&searchTerm=b'), 400);
    });

    it('an unsupported charset or content encoding is a JSON 4xx', async () => {
      const charset = await sim.admin.call('POST', '/users', undefined, {
        raw: '{}',
        headers: { 'Content-Type': 'application/json; charset=latin-9' },
      });
      assertError(charset, 415);
      const encoding = await sim.admin.call('POST', '/users', undefined, {
        raw: '{}',
        headers: { 'Content-Encoding': 'foo' },
      });
      assertError(encoding, 415);
      const gzip = await sim.admin.call('POST', '/users', undefined, {
        raw: '{}',
        headers: { 'Content-Encoding': 'gzip' },
      });
      assertError(gzip, 400);
    });
  });

  describe('routes', () => {
    it('an unknown route is 404 JSON when signed in', async () => {
      for (const path of ['/nope', '/users/2/nope', '/login/extra', '/permissions/1/users/2/x']) {
        const reply = await sim.admin.get(path);
        assertError(reply, 404, 'NOT_FOUND');
      }
      assertError(await sim.admin.call('PATCH', '/users'), 404);
    });

    it('an unknown route is 404 JSON when not signed in (not 401)', async () => {
      const c = sim.client();
      for (const path of ['/nope', '/users/2/nope', '/login/extra']) assertError(await c.get(path), 404, 'NOT_FOUND');
      assertError(await c.post('/nope', { a: 1 }), 404, 'NOT_FOUND');
      // A known route still wants a token.
      assertError(await c.get('/users'), 401, 'UNAUTHORIZED');
    });

    it('a path outside /rest is 404 JSON too', async () => {
      const res = await fetch(new URL('/nothing/here', sim.base));
      assert.equal(res.status, 404);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const body = await res.json();
      assert.equal(body.code, 'NOT_FOUND');
      assert.equal(typeof body.message, 'string');
    });

    it('an error answer carries no stack trace and no file path, whatever went wrong', async () => {
      const c = sim.client();
      const replies: Reply[] = [
        await c.get('/users'),
        await c.post('/login', { loginType: 'Internal', nonce: 'x', secret: 'admin:00' }),
        await c.call('POST', '/login', undefined, { raw: '{"a":' }),
        await sim.admin.call('POST', '/users', undefined, { raw: '\u0000\u0001' }),
        await sim.admin.get('/users/99999999999999999999999'),
        await sim.admin.get('/users/-1'),
        await sim.admin.delete('/users/1'),
        await sim.admin.put('/licenses/users/4', ['MS Teams Integration']),
        await sim.admin.get(`/users/${'9'.repeat(400)}`),
        await sim.admin.call('PUT', '/users/2', undefined, { raw: '[' + '['.repeat(5000) }),
      ];
      for (const reply of replies) {
        assert.ok(reply.status >= 400 && reply.status < 500, `${reply.status} ${JSON.stringify(reply.body)}`);
        assertError(reply, reply.status);
      }
    });
  });
});

describe('REST sign-in rate limiting (defaults: 5 per login and address, 20 per address)', () => {
  let now = Date.parse('2025-06-01T10:00:00Z');
  let sim: RunningSim;

  beforeEach(async () => {
    sim = await startSim({ clock: () => now });
  });
  afterEach(async () => {
    await sim?.stop();
  });

  it('after 5 failed sign-ins for one login: 429 with Retry-After, even with the right password', async () => {
    const c = sim.client();
    for (let i = 1; i <= 5; i++) assertError(await attempt(c, DEMO_USERS.anna.login, `wrong-${i}`), 400);
    const locked = await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password);
    assertError(locked, 429);
    const retryAfter = locked.headers.get('retry-after');
    assert.ok(retryAfter, 'Retry-After header');
    assert.match(retryAfter, /^\d+$/);
    assert.ok(Number(retryAfter) > 0 && Number(retryAfter) <= 60, retryAfter);
    assert.equal(locked.body.token, undefined);

    // Other logins from the same address still may sign in.
    assert.equal((await attempt(c, DEMO_USERS.bernd.login, DEMO_USERS.bernd.password)).status, 200);
  });

  it('4 failures are not yet a lock, and a success forgets them', async () => {
    const c = sim.client();
    for (let i = 1; i <= 4; i++) assertError(await attempt(c, DEMO_USERS.anna.login, `wrong-${i}`), 400);
    assert.equal((await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password)).status, 200);
    for (let i = 1; i <= 4; i++) assertError(await attempt(c, DEMO_USERS.anna.login, `wrong-${i}`), 400);
    assert.equal((await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password)).status, 200);
  });

  it('failures older than the window are forgotten', async () => {
    const c = sim.client();
    for (let i = 1; i <= 4; i++) assertError(await attempt(c, DEMO_USERS.anna.login, `wrong-${i}`), 400);
    now += 6 * 60_000;
    for (let i = 1; i <= 4; i++) assertError(await attempt(c, DEMO_USERS.anna.login, `wrong-${i}`), 400);
    assert.equal((await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password)).status, 200);
  });

  it('the wait counts down, lifts after Retry-After, and doubles with every further failure', async () => {
    const c = sim.client();
    for (let i = 1; i <= 5; i++) await attempt(c, DEMO_USERS.anna.login, `wrong-${i}`);
    const first = await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password);
    assertError(first, 429);
    const wait = Number(first.headers.get('retry-after'));
    assert.ok(wait > 0, String(wait));
    now += wait * 1000;
    // The wait is over: the next try is checked, and being wrong, counts and makes the wait longer.
    assertError(await attempt(c, DEMO_USERS.anna.login, 'wrong-6'), 400);
    const second = await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password);
    assertError(second, 429);
    const longer = Number(second.headers.get('retry-after'));
    assert.ok(longer > wait, `the wait grows: ${wait} then ${longer}`);
    now += 1000;
    const later = await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password);
    assertError(later, 429);
    const waitLater = Number(later.headers.get('retry-after'));
    assert.ok(waitLater < longer && waitLater > 0, `Retry-After counts down: ${longer} then ${waitLater}`);
    now += waitLater * 1000;
    const reply = await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(typeof reply.body.token, 'string');
  });

  it('after 20 failures from one address, every login that failed there waits; one that did not still gets in', async () => {
    const c = sim.client();
    // Distinct logins, so that no single login reaches its own limit.
    for (let i = 1; i <= 19; i++) assertError(await attempt(c, `stranger-${i}`, 'guess'), 400);
    assertError(await attempt(c, 'stranger-1', 'guess-2'), 400, 'LOGIN_FAILED');
    const held = await attempt(c, 'stranger-1', 'guess-3');
    assertError(held, 429, 'TOO_MANY_FAILED_LOGINS');
    assert.match(held.headers.get('retry-after') ?? '', /^\d+$/);
    // Anna had no failure here: her first try is checked (and counts); after it, even her password waits.
    assertError(await attempt(c, DEMO_USERS.anna.login, 'wrong'), 400);
    assertError(await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password), 429);
    // Logins without a failure from this address are not kept out by the address's failures.
    assert.equal((await attempt(c, 'admin', ADMIN_PASSWORD)).status, 200);
    assert.equal((await attempt(c, DEMO_USERS.carla.login, DEMO_USERS.carla.password)).status, 200);
    // A secret without a login prefix counts against the address, and is refused while it waits.
    const n = await nonce(c);
    assertError(await c.post('/login', { loginType: 'Internal', nonce: n, secret: 'no-colon-here' }), 429);
    // Sessions already open keep working.
    assert.equal((await sim.admin.get('/users/me')).status, 200);

    now += 61_000;
    assert.equal((await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password)).status, 200);
  });

  it('secrets without a login still count against the address', async () => {
    const c = sim.client();
    for (let i = 1; i <= 20; i++) {
      const n = await nonce(c);
      assertError(await c.post('/login', { loginType: 'Internal', nonce: n, secret: `junk-${i}` }), 400);
    }
    const n = await nonce(c);
    assertError(await c.post('/login', { loginType: 'Internal', nonce: n, secret: 'junk-21' }), 429);
    assertError(await attempt(c, DEMO_USERS.anna.login, 'wrong'), 400);
    assertError(await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password), 429);
    assert.equal((await attempt(c, 'admin', ADMIN_PASSWORD)).status, 200);
  });
});

describe('REST sign-in rate limiting with lowered limits (rateLimit option)', () => {
  let now = Date.parse('2025-06-01T10:00:00Z');
  let sim: RunningSim;

  before(async () => {
    sim = await startSim({ clock: () => now, rateLimit: { perLogin: 3, perAddress: 6, maxWaitMs: 10_000 } });
  });
  after(async () => {
    await sim?.stop();
  });

  it('holds a login back after 3, the address after 6, and lifts both after the longest wait', async () => {
    const c = sim.client();
    for (let i = 1; i <= 3; i++) assertError(await attempt(c, DEMO_USERS.anna.login, 'wrong'), 400);
    const login = await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password);
    assertError(login, 429);
    assert.ok(Number(login.headers.get('retry-after')) <= 10);
    for (let i = 1; i <= 2; i++) assertError(await attempt(c, DEMO_USERS.bernd.login, 'wrong'), 400);
    assert.equal((await attempt(c, DEMO_USERS.carla.login, DEMO_USERS.carla.password)).status, 200, '5: not yet');
    assertError(await attempt(c, DEMO_USERS.carla.login, 'wrong'), 400);
    // 6 from this address: Bernd and Carla (2 and 1 failures, below their own limit) wait as well.
    assertError(await attempt(c, DEMO_USERS.carla.login, DEMO_USERS.carla.password), 429, 'TOO_MANY_FAILED_LOGINS');
    assertError(await attempt(c, DEMO_USERS.bernd.login, DEMO_USERS.bernd.password), 429, 'TOO_MANY_FAILED_LOGINS');
    now += 10_001;
    assert.equal((await attempt(c, DEMO_USERS.carla.login, DEMO_USERS.carla.password)).status, 200);
    assert.equal((await attempt(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password)).status, 200);
    assert.equal((await attempt(c, DEMO_USERS.bernd.login, DEMO_USERS.bernd.password)).status, 200);
  });
});
