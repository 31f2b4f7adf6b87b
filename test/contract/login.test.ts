// Contract: the REST login handshake (GET nonce, POST secret, authToken header, DELETE to log out).
import assert from 'node:assert/strict';
import { restLoginSecret } from '../../shared/hashes.js';
import { AuthTokenSchema, LoginChallengeSchema } from '../../shared/schemas/login.js';
import { restBaseUrl } from '../../shared/schemas/connection.js';
import { logout, openTarget, pbxSettings, type ContractTarget } from './target.js';

describe('contract: login handshake', () => {
  let target: ContractTarget;
  before(async function () {
    this.timeout(30_000);
    target = await openTarget();
  });
  after(async () => {
    await target?.close();
  });

  it('GET /login answers {loginType: "Internal", nonce, secret: null}', async () => {
    const r = await target.client().get('/login');
    assert.equal(r.status, 200);
    assert.ok(LoginChallengeSchema.safeParse(r.body).success, JSON.stringify(r.body));
    assert.equal(String(r.body.loginType).toLowerCase(), 'internal');
    assert.equal(typeof r.body.nonce, 'string');
    assert.ok(r.body.nonce.length >= 8, 'the nonce is too short');
    assert.equal(r.body.secret, null);
  });

  it('hands out a different nonce each time', async () => {
    const c = target.client();
    const nonces = new Set<string>();
    for (let i = 0; i < 5; i++) nonces.add((await c.get('/login')).body.nonce);
    assert.equal(nonces.size, 5);
  });

  it('POST /login with login:sha512hex(login + nonce + sha512hex(password)) answers {token}', async () => {
    const c = target.client();
    const { nonce } = (await c.get('/login')).body;
    const r = await c.post('/login', {
      loginType: 'Internal',
      nonce,
      secret: restLoginSecret(target.login, nonce, target.password),
    });
    assert.equal(r.status, 200);
    assert.ok(AuthTokenSchema.safeParse(r.body).success, JSON.stringify(r.body));
    assert.ok(r.body.token.length > 0);
    c.token = r.body.token;
    const me = await c.get('/users/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.login, target.login);
    await logout(c);
  });

  it('POST /login for an unknown login answers 400 and no token', async () => {
    const c = target.client();
    const { nonce } = (await c.get('/login')).body;
    const r = await c.post('/login', {
      loginType: 'Internal',
      nonce,
      secret: restLoginSecret('contract-no-such-user', nonce, 'not-the-password'),
    });
    assert.equal(r.status, 400);
    assert.equal((r.body as { token?: unknown })?.token, undefined);
  });

  it('without an authToken a resource answers 401', async () => {
    const r = await target.client().get('/users/me');
    assert.equal(r.status, 401);
  });

  it('with an unknown authToken a resource answers 401', async () => {
    const c = target.client();
    c.token = 'contract-test-not-a-token';
    assert.equal((await c.get('/users/me')).status, 401);
  });

  it('DELETE /login ends the session: 204, then the token answers 401', async () => {
    const c = await target.signIn();
    assert.equal((await c.get('/users/me')).status, 200);
    const r = await c.delete('/login');
    assert.equal(r.status, 204);
    assert.equal((await c.get('/users/me')).status, 401);
  });
});

describe('contract: target selection', () => {
  it('turns the PBX address as typed into the REST base', () => {
    assert.equal(restBaseUrl('https://pbx.example.com'), 'https://pbx.example.com/rest');
    assert.equal(restBaseUrl('https://pbx.example.com/'), 'https://pbx.example.com/rest');
    assert.equal(restBaseUrl('pbx.example.com'), 'https://pbx.example.com/rest');
    assert.equal(restBaseUrl(' http://127.0.0.5:8080/rest/ '), 'http://127.0.0.5:8080/rest');
  });

  it('uses the simulator when no PBX variable is set, and refuses a half-set environment', () => {
    assert.equal(pbxSettings({}), undefined);
    assert.throws(
      () => pbxSettings({ STARFACE_URL: 'https://pbx.example.com' }),
      /missing: STARFACE_LOGIN, STARFACE_PASSWORD/,
    );
    const s = pbxSettings({ STARFACE_URL: 'pbx.example.com', STARFACE_LOGIN: '0001', STARFACE_PASSWORD: 'x' });
    assert.deepEqual(s, { url: 'https://pbx.example.com/rest', login: '0001', password: 'x', write: false });
    assert.equal(
      pbxSettings({ STARFACE_URL: 'a', STARFACE_LOGIN: 'b', STARFACE_PASSWORD: 'c', STARFACE_CONTRACT_WRITE: '1' })
        ?.write,
      true,
    );
  });
});
