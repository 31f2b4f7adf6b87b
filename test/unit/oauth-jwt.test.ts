import assert from 'node:assert/strict';
import { looksLikeJwt, newJwtKey, signJwt, verifyJwt } from '../../simulator/src/auth/jwt.js';
import { generateClientSecret } from '../../simulator/src/state/oauthClient.js';
import { OAUTH_CLIENT_SECRET_PATTERN, oauthAvailable } from '../../shared/schemas/oauth.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('OAuth tokens: ES256 JWTs of the simulator', () => {
  const key = newJwtKey();
  const token = signJwt(key, { sub: 'f:starface:2', exp: 100, typ: 'Bearer' });

  it('a token it signed verifies and answers its payload; the header says ES256 and the key id', () => {
    assert.deepEqual(verifyJwt(key, token), { sub: 'f:starface:2', exp: 100, typ: 'Bearer' });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    assert.deepEqual(header, { alg: 'ES256', typ: 'JWT', kid: key.kid });
  });

  it('refuses a changed payload, another key, alg "none" or HS256, and what is no JWT', () => {
    const [head, , sig] = token.split('.');
    assert.equal(verifyJwt(key, `${head}.${b64({ sub: 'f:starface:1', exp: 100, typ: 'Bearer' })}.${sig}`), undefined);
    assert.equal(verifyJwt(newJwtKey(), token), undefined);
    const payload = token.split('.')[1];
    assert.equal(verifyJwt(key, `${b64({ alg: 'none', kid: key.kid })}.${payload}.`), undefined);
    assert.equal(verifyJwt(key, `${b64({ alg: 'HS256', kid: key.kid })}.${payload}.${sig}`), undefined);
    for (const bad of ['', 'a.b', 'a.b.c.d', 'a:b.c.d', `${head}.${payload}.${'A'.repeat(10)}`, 'x'.repeat(9000)])
      assert.equal(verifyJwt(key, bad), undefined, bad.slice(0, 20));
  });

  it('looksLikeJwt tells a JWT from a UCI token and a REST authToken', () => {
    assert.equal(looksLikeJwt(token), true);
    assert.equal(looksLikeJwt('1001:abcdef'), false);
    assert.equal(looksLikeJwt('Zm9vYmFyYmF6cXV4'), false);
  });
});

describe('OAuth: client secret and version gate', () => {
  it('client secrets are 32 letters and digits, each one new', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateClientSecret));
    assert.equal(secrets.size, 50);
    for (const s of secrets) assert.match(s, OAUTH_CLIENT_SECRET_PATTERN);
  });

  it('OAuth from major version 10 on, compared as numbers', () => {
    assert.equal(oauthAvailable('10.0.2.5'), true);
    assert.equal(oauthAvailable('11.0.0.1'), true);
    assert.equal(oauthAvailable('9.9.9.9'), false);
    assert.equal(oauthAvailable('8.1.0.4'), false);
    assert.equal(oauthAvailable('not a version'), false);
  });
});
