import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  keyFingerprint,
  restLoginSecret,
  restLoginSecretFromHash,
  sha512hex,
  uciToken,
  uciTokenFromHash,
} from '../../shared/hashes.js';

/** Computed here, independently of shared/hashes.ts. */
const sha512 = (s: string) => createHash('sha512').update(Buffer.from(s, 'utf8')).digest('hex');
const sha256b64 = (s: string) => createHash('sha256').update(Buffer.from(s, 'utf8')).digest('base64');

describe('login and UCI hashes', () => {
  it('sha512hex is lower-case hex of SHA-512 over UTF-8', () => {
    assert.equal(
      sha512hex(''),
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    );
    assert.equal(sha512hex('Pässwort'), sha512('Pässwort'));
    assert.match(sha512hex('x'), /^[0-9a-f]{128}$/);
  });

  it('restLoginSecret is login:sha512hex(login + nonce + sha512hex(password))', () => {
    const login = '1001';
    const nonce = 'b1946ac92492d2347c6235b4d2611184';
    const password = 'anna-demo-1001';
    const expected = `${login}:${sha512(login + nonce + sha512(password))}`;
    assert.equal(restLoginSecret(login, nonce, password), expected);
    assert.equal(restLoginSecretFromHash(login, nonce, sha512(password)), expected);
    // The nonce and the password both matter.
    assert.notEqual(restLoginSecret(login, nonce + '0', password), expected);
    assert.notEqual(restLoginSecret(login, nonce, password + '!'), expected);
  });

  it('restLoginSecret handles non-ASCII passwords as UTF-8', () => {
    const expected = `admin:${sha512('admin' + 'n0nce' + sha512('Grüße€'))}`;
    assert.equal(restLoginSecret('admin', 'n0nce', 'Grüße€'), expected);
  });

  it('uciToken is login:sha512hex(login + "*" + sha512hex(password))', () => {
    const expected = `1002:${sha512('1002*' + sha512('bernd-demo-1002'))}`;
    assert.equal(uciToken('1002', 'bernd-demo-1002'), expected);
    assert.equal(uciTokenFromHash('1002', sha512('bernd-demo-1002')), expected);
    assert.notEqual(uciToken('1002', 'other'), expected);
  });
});

describe('keyFingerprint', () => {
  it('is "SHA256:" and unpadded base64 of the key\'s SHA-256', () => {
    const key = randomBytes(32).toString('base64url');
    const fp = keyFingerprint(key);
    assert.match(fp, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.equal(fp, 'SHA256:' + sha256b64(key).replace(/=+$/, ''));
    assert.ok(!fp.includes('='));
  });

  it('never contains the key and differs per key', () => {
    const a = randomBytes(32).toString('base64url');
    const b = randomBytes(32).toString('base64url');
    assert.ok(!keyFingerprint(a).includes(a));
    assert.notEqual(keyFingerprint(a), keyFingerprint(b));
    assert.equal(keyFingerprint(a), keyFingerprint(a));
  });
});
