import assert from 'node:assert/strict';
import { restLoginSecret } from '../../shared/hashes.js';
import { ADMIN_PASSWORD, DEMO_USERS, RestClient, startSim, type Reply, type RunningSim } from '../support/rest.js';
import { assertError } from '../support/apiErrors.js';

const HOUR = 60 * 60 * 1000;

async function nonce(c: RestClient): Promise<string> {
  const reply = await c.get('/login');
  assert.equal(reply.status, 200);
  return reply.body.nonce as string;
}

/** One POST /rest/login with the secret computed for `password`. */
async function postLogin(
  c: RestClient,
  login: string,
  password: string,
  n?: string,
  loginType = 'Internal',
): Promise<Reply> {
  const used = n ?? (await nonce(c));
  return c.post('/login', { loginType, nonce: used, secret: restLoginSecret(login, used, password) });
}

describe('REST login', () => {
  let now = Date.parse('2025-03-01T08:00:00Z');
  let sim: RunningSim;

  before(async () => {
    // Generous limits: this file fails sign-ins on purpose; rate limiting is tested in bad-input.test.ts.
    sim = await startSim({ clock: () => now, rateLimit: { perLogin: 1000, perAddress: 1000 } });
  });
  after(async () => {
    await sim?.stop();
  });

  it('GET /rest/login answers {loginType: "Internal", nonce, secret: null}', async () => {
    const reply = await sim.client().get('/login');
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.body).sort(), ['loginType', 'nonce', 'secret']);
    assert.equal(reply.body.loginType, 'Internal');
    assert.equal(reply.body.secret, null);
    assert.equal(typeof reply.body.nonce, 'string');
    assert.ok(reply.body.nonce.length >= 16, 'the nonce is long enough to be unguessable');
    const again = await sim.client().get('/login');
    assert.notEqual(again.body.nonce, reply.body.nonce, 'every GET hands out a fresh nonce');
  });

  it('POST with the correct secret answers {token}, and the token works', async () => {
    const c = sim.client();
    const reply = await postLogin(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(Object.keys(reply.body), ['token']);
    assert.equal(typeof reply.body.token, 'string');
    assert.ok(reply.body.token.length >= 16);
    c.token = reply.body.token;
    const me = await c.get('/users/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.login, DEMO_USERS.anna.login);
  });

  it('two sign-ins get different tokens', async () => {
    const a = await sim.as(DEMO_USERS.anna);
    const b = await sim.as(DEMO_USERS.anna);
    assert.notEqual(a.token, b.token);
  });

  it('a wrong secret answers 400 JSON {code, message} and no token', async () => {
    const reply = await postLogin(sim.client(), DEMO_USERS.anna.login, 'not-the-password');
    assertError(reply, 400);
    assert.equal(reply.body.token, undefined);
  });

  it('an unknown login answers 400 like a wrong password', async () => {
    const reply = await postLogin(sim.client(), 'nobody-here', 'whatever-pass');
    assertError(reply, 400);
    assert.equal(reply.body.token, undefined);
  });

  it('a secret computed for another login does not work', async () => {
    const c = sim.client();
    const n = await nonce(c);
    // Anna's login prefix, Bernd's hash.
    const bernd = restLoginSecret(DEMO_USERS.bernd.login, n, DEMO_USERS.bernd.password);
    const forged = DEMO_USERS.anna.login + bernd.slice(bernd.indexOf(':'));
    assertError(await c.post('/login', { loginType: 'Internal', nonce: n, secret: forged }), 400);
  });

  it('a nonce works only once', async () => {
    const c = sim.client();
    const n = await nonce(c);
    const first = await postLogin(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password, n);
    assert.equal(first.status, 200);
    const second = await postLogin(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password, n);
    assertError(second, 400);
    assert.equal(second.body.token, undefined);
  });

  it('a nonce spent on a failed attempt cannot be reused either', async () => {
    const c = sim.client();
    const n = await nonce(c);
    assertError(await postLogin(c, DEMO_USERS.anna.login, 'wrong-password', n), 400);
    assertError(await postLogin(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password, n), 400);
  });

  it('a nonce that was never handed out is refused', async () => {
    const reply = await postLogin(sim.client(), DEMO_USERS.anna.login, DEMO_USERS.anna.password, 'a'.repeat(32));
    assertError(reply, 400);
  });

  it('a nonce younger than 60 s works; one older than 60 s is refused', async () => {
    const c = sim.client();
    const young = await nonce(c);
    now += 59_000;
    assert.equal((await postLogin(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password, young)).status, 200);

    const old = await nonce(c);
    now += 61_000;
    const reply = await postLogin(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password, old);
    assertError(reply, 400);
    assert.equal(reply.body.token, undefined);
    // A fresh nonce works again.
    assert.equal((await postLogin(c, DEMO_USERS.anna.login, DEMO_USERS.anna.password)).status, 200);
  });

  it('accepts loginType "INTERNAL" (the prose spelling) and "internal"', async () => {
    for (const loginType of ['INTERNAL', 'internal']) {
      const reply = await postLogin(
        sim.client(),
        DEMO_USERS.anna.login,
        DEMO_USERS.anna.password,
        undefined,
        loginType,
      );
      assert.equal(reply.status, 200, `${loginType}: ${JSON.stringify(reply.body)}`);
      assert.equal(typeof reply.body.token, 'string');
    }
  });

  it('refuses a loginType that is neither Internal nor ActiveDirectory with 400', async () => {
    const reply = await postLogin(sim.client(), DEMO_USERS.anna.login, DEMO_USERS.anna.password, undefined, 'Kerberos');
    assertError(reply, 400);
  });

  it('a POST without nonce or secret answers 400', async () => {
    const c = sim.client();
    assertError(await c.post('/login', { loginType: 'Internal' }), 400);
    assertError(await c.post('/login', {}), 400);
  });

  it('a token is valid for 4 hours, then answers 401', async () => {
    const c = await sim.as(DEMO_USERS.anna);
    now += 4 * HOUR - 1000;
    assert.equal((await c.get('/users/me')).status, 200, 'still valid a second before 4 h');
    now += 2000;
    const reply = await c.get('/users/me');
    assertError(reply, 401);
    // The admin client signed in before and has expired as well; sign it in again for later tests.
    assert.equal((await sim.admin.get('/users')).status, 401);
    await sim.admin.login('admin', ADMIN_PASSWORD);
    assert.equal((await sim.admin.get('/users')).status, 200);
  });

  it('DELETE /rest/login answers 204 and the token stops working', async () => {
    const c = await sim.as(DEMO_USERS.bernd);
    const other = await sim.as(DEMO_USERS.bernd);
    assert.equal((await c.get('/users/me')).status, 200);
    const reply = await c.delete('/login');
    assert.equal(reply.status, 204);
    assert.equal(reply.body, '');
    assertError(await c.get('/users/me'), 401);
    assertError(await c.delete('/login'), 401);
    assert.equal((await other.get('/users/me')).status, 200, 'other sessions of the same user stay');
  });

  it('a missing or unknown token answers 401 JSON', async () => {
    const c = sim.client();
    assertError(await c.get('/users/me'), 401);
    assertError(await c.get('/users'), 401);
    assertError(await c.delete('/login'), 401);
    c.token = 'made-up-token';
    assertError(await c.get('/users/me'), 401);
  });

  it('a user without the right "Login" (login_perm) cannot sign in: 403', async () => {
    const carla = await sim.as(DEMO_USERS.carla);
    const rights = await sim.admin.get('/permissions/users/4');
    assert.equal(rights.status, 200);
    const ids: number[] = rights.body.map((p: { id: number }) => p.id);
    assert.ok(ids.includes(1));
    const put = await sim.admin.put(
      '/permissions/users/4',
      ids.filter((id) => id !== 1),
    );
    assert.equal(put.status, 200); // the fact sheet's code for PUT /permissions/users/{userId}

    const reply = await postLogin(sim.client(), DEMO_USERS.carla.login, DEMO_USERS.carla.password);
    assertError(reply, 403);
    assert.equal(reply.body.token, undefined);
    // A wrong password still gets the plain 400: the 403 does not tell strangers the login exists.
    assertError(await postLogin(sim.client(), DEMO_USERS.carla.login, 'wrong-password'), 400);

    // Given back, the right lets her in again.
    assert.equal((await sim.admin.put('/permissions/users/4', ids)).status, 200);
    assert.equal((await postLogin(sim.client(), DEMO_USERS.carla.login, DEMO_USERS.carla.password)).status, 200);
    assert.equal((await carla.get('/users/me')).status, 200);
  });
});
