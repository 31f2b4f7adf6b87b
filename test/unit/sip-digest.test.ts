import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  DIGEST_ALGORITHMS,
  DigestAuthenticator,
  computeResponse,
  parseCredentials,
  type DigestAlgorithm,
  type DigestCredentials,
  type DigestVerifyResult,
} from '../../simulator/src/sip/auth/digest.js';
import { DEFAULT_DIGEST_ALGORITHMS, parseDigestList } from '../../shared/schemas/sipDigest.js';

// ---------------------------------------------------------------------------------------------------------------
// An independent SHA-512/256 (FIPS 180-4 §5.3.6, §6.4) in BigInt, with every constant derived from first
// principles (roots of primes), so the SHA-512-256 expectations do not rest on node:crypto / OpenSSL alone.

const M64 = (1n << 64n) - 1n;
function iroot(n: bigint, k: bigint): bigint {
  let x = 1n << (BigInt(n.toString(2).length) / k + 1n);
  for (;;) {
    const y = ((k - 1n) * x + n / x ** (k - 1n)) / k;
    if (y >= x) return x;
    x = y;
  }
}
const PRIMES: bigint[] = [];
for (let c = 2; PRIMES.length < 80; c++) if (PRIMES.every((p) => BigInt(c) % p !== 0n)) PRIMES.push(BigInt(c));
const K512 = PRIMES.map((p) => iroot(p << 192n, 3n) & M64);
const H512 = PRIMES.slice(0, 8).map((p) => iroot(p << 128n, 2n) & M64);
const rotr = (x: bigint, n: bigint) => ((x >> n) | (x << (64n - n))) & M64;

function sha512Core(msg: Uint8Array, iv: bigint[]): bigint[] {
  const len = msg.length;
  const total = Math.ceil((len + 17) / 128) * 128;
  const buf = new Uint8Array(total);
  buf.set(msg);
  buf[len] = 0x80;
  let bits = BigInt(len) * 8n;
  for (let i = total - 1; bits > 0n; i--, bits >>= 8n) buf[i] = Number(bits & 0xffn);
  const hv = [...iv];
  for (let off = 0; off < total; off += 128) {
    const w: bigint[] = [];
    for (let t = 0; t < 16; t++) {
      let x = 0n;
      for (let b = 0; b < 8; b++) x = (x << 8n) | BigInt(buf[off + t * 8 + b] as number);
      w.push(x);
    }
    for (let t = 16; t < 80; t++) {
      const w15 = w[t - 15] as bigint;
      const w2 = w[t - 2] as bigint;
      const s0 = rotr(w15, 1n) ^ rotr(w15, 8n) ^ (w15 >> 7n);
      const s1 = rotr(w2, 19n) ^ rotr(w2, 61n) ^ (w2 >> 6n);
      w.push(((w[t - 16] as bigint) + s0 + (w[t - 7] as bigint) + s1) & M64);
    }
    let [a, b, c, d, e, f, g, h] = hv as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
    for (let t = 0; t < 80; t++) {
      const t1 =
        (h +
          (rotr(e, 14n) ^ rotr(e, 18n) ^ rotr(e, 41n)) +
          ((e & f) ^ (~e & M64 & g)) +
          (K512[t] as bigint) +
          (w[t] as bigint)) &
        M64;
      const t2 = ((rotr(a, 28n) ^ rotr(a, 34n) ^ rotr(a, 39n)) + ((a & b) ^ (a & c) ^ (b & c))) & M64;
      [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) & M64, c, b, a, (t1 + t2) & M64];
    }
    [a, b, c, d, e, f, g, h].forEach((v, i) => (hv[i] = ((hv[i] as bigint) + v) & M64));
  }
  return hv;
}
const IV512_256 = sha512Core(
  new TextEncoder().encode('SHA-512/256'),
  H512.map((x) => x ^ 0xa5a5a5a5a5a5a5a5n),
);
function refSha512_256(s: string): string {
  return sha512Core(new TextEncoder().encode(s), IV512_256)
    .slice(0, 4)
    .map((x) => x.toString(16).padStart(16, '0'))
    .join('');
}
function refH(alg: DigestAlgorithm, s: string): string {
  if (alg === 'SHA-512-256') return refSha512_256(s);
  return createHash(alg === 'MD5' ? 'md5' : 'sha256')
    .update(s, 'utf8')
    .digest('hex');
}
/** RFC 7616 §3.4.1 written out again, with the reference hashes. */
function refResponse(
  alg: DigestAlgorithm,
  p: {
    username: string;
    realm: string;
    password: string;
    method: string;
    uri: string;
    nonce: string;
    nc: string;
    cnonce: string;
  },
): string {
  const ha1 = refH(alg, `${p.username}:${p.realm}:${p.password}`);
  const ha2 = refH(alg, `${p.method}:${p.uri}`);
  return refH(alg, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const REALM = 'sim.starface.test';
const USERS: Record<string, string> = {
  alice: 'wonderland',
  bob: 'b0b-Secret!',
  'al"ice\\x': 'tricky',
  jäsøn: 'Pässwort 1',
};
const password = (u: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(USERS, u) ? USERS[u] : undefined;

/** The authenticator with all three algorithms offered, strongest first (opt-in; the default is MD5 only). */
function makeAuth(
  extra: {
    nonceLifetimeMs?: number;
    maxNonces?: number;
    secret?: Uint8Array;
    algorithms?: () => readonly DigestAlgorithm[];
  } = {},
) {
  const clock = { t: 1_700_000_000_000 };
  const auth = new DigestAuthenticator({
    realm: () => REALM,
    now: () => clock.t,
    algorithms: () => DIGEST_ALGORITHMS,
    ...extra,
  });
  return { auth, clock };
}

/** Pulls `name=value` / `name="value"` out of a challenge we produced. */
function challengeParam(header: string, name: string): string | undefined {
  const m = new RegExp(`(?:^Digest |, )${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^,\\s]+))`).exec(header);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

const q = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

interface Answer {
  username?: string;
  password?: string;
  realm?: string;
  method?: string;
  uri?: string;
  nc?: string;
  cnonce?: string;
  algorithm?: string | null; // null: omit the parameter
  nonce?: string;
  opaque?: string | null;
  qop?: string | null;
  response?: string;
}

/** Builds an Authorization header value the way a client answering `challenge` would. */
function answer(challenge: string, a: Answer = {}): string {
  const username = a.username ?? 'alice';
  const pw = a.password ?? USERS[username] ?? 'x';
  const realm = a.realm ?? (challengeParam(challenge, 'realm') as string);
  const nonce = a.nonce ?? (challengeParam(challenge, 'nonce') as string);
  const alg = (a.algorithm ?? challengeParam(challenge, 'algorithm') ?? 'MD5').toUpperCase() as DigestAlgorithm;
  const method = a.method ?? 'REGISTER';
  const uri = a.uri ?? `sip:${REALM}`;
  const nc = a.nc ?? '00000001';
  const cnonce = a.cnonce ?? '0a4f113b';
  const response =
    a.response ??
    computeResponse({ algorithm: alg, username, realm, password: pw, method, uri, nonce, nc, cnonce, qop: 'auth' });
  const parts = [
    `username=${q(username)}`,
    `realm=${q(realm)}`,
    `nonce=${q(nonce)}`,
    `uri=${q(uri)}`,
    `response=${q(response)}`,
  ];
  if (a.algorithm !== null) parts.push(`algorithm=${a.algorithm ?? alg}`);
  parts.push(`cnonce=${q(cnonce)}`);
  if (a.opaque !== null) parts.push(`opaque=${q(a.opaque ?? (challengeParam(challenge, 'opaque') as string))}`);
  if (a.qop !== null) parts.push(`qop=${a.qop ?? 'auth'}`, `nc=${nc}`);
  return `Digest ${parts.join(', ')}`;
}

function check(auth: DigestAuthenticator, header: string, method = 'REGISTER', realm?: string): DigestVerifyResult {
  const creds = parseCredentials(header);
  assert.ok(creds, `should parse: ${header}`);
  return auth.verify(creds, { method, password, ...(realm !== undefined ? { realm } : {}) });
}

const OK = (username = 'alice'): DigestVerifyResult => ({ ok: true, username });
const FAIL = (reason: string): DigestVerifyResult => ({ ok: false, reason }) as DigestVerifyResult;
const STALE: DigestVerifyResult = { ok: false, reason: 'stale-nonce', stale: true };

// ---------------------------------------------------------------------------------------------------------------

describe('SIP digest: computeResponse test vectors', () => {
  it('RFC 2617 §3.5 (MD5, qop=auth)', () => {
    assert.equal(
      computeResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        password: 'Circle Of Life',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        nc: '00000001',
        cnonce: '0a4f113b',
        qop: 'auth',
      }),
      '6629fae49393a05397450978507c4ef1',
    );
  });

  const rfc7616 = {
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    qop: 'auth' as const,
  };

  it('RFC 7616 §3.9.1 SHA-256', () => {
    assert.equal(
      computeResponse({ ...rfc7616, algorithm: 'SHA-256' }),
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('RFC 7616 §3.9.1 MD5', () => {
    assert.equal(computeResponse({ ...rfc7616, algorithm: 'MD5' }), '8ca523f5e9506fed4657c9700eebdbec');
  });

  it('the independent SHA-512/256 matches the FIPS 180-4 example values', () => {
    assert.equal(refSha512_256('abc'), '53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23');
    assert.equal(refSha512_256(''), 'c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a');
    const long =
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu';
    assert.equal(refSha512_256(long), '3928e184fb8690f840da3988121d31be65cb9d3ef83ee6146feac861e19b563a');
  });

  it('SHA-512-256 (RFC 8760) with the RFC 7616 §3.9.1 inputs matches the independent computation', () => {
    const got = computeResponse({ ...rfc7616, algorithm: 'SHA-512-256' });
    assert.equal(got, refResponse('SHA-512-256', rfc7616));
    // Also computed once with Python hashlib:
    assert.equal(got, '430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0');
  });

  it('SHA-512-256 hashes UTF-8 (non-ASCII user, password and SIP URI)', () => {
    const p = {
      username: 'alice',
      realm: REALM,
      password: 'Pässwort 1',
      method: 'REGISTER',
      uri: `sip:${REALM};transport=ws`,
      nonce: 'abc',
      nc: '0000000a',
      cnonce: 'xyz',
    };
    const got = computeResponse({ ...p, algorithm: 'SHA-512-256', qop: 'auth' });
    assert.equal(got, refResponse('SHA-512-256', p));
    assert.equal(got, '0b11718928d2bee230db485c4f7eda0080577ceef68e1cefd5b6b7d3093d50d3');
  });

  it('matches the reference formula for every algorithm on random inputs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DIGEST_ALGORITHMS),
        fc.string(),
        fc.string(),
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.stringMatching(/^[0-9a-f]{8}$/),
        fc.string(),
        (alg, username, pw, uri, nonce, nc, cnonce) => {
          const p = { username, realm: REALM, password: pw, method: 'REGISTER', uri, nonce, nc, cnonce };
          assert.equal(computeResponse({ ...p, algorithm: alg, qop: 'auth' }), refResponse(alg, p));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('without qop it is the RFC 2069 form H(HA1:nonce:HA2)', () => {
    const ha1 = createHash('md5').update('Mufasa:testrealm@host.com:Circle Of Life').digest('hex');
    const ha2 = createHash('md5').update('GET:/dir/index.html').digest('hex');
    const expected = createHash('md5').update(`${ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:${ha2}`).digest('hex');
    assert.equal(
      computeResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        password: 'Circle Of Life',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      }),
      expected,
    );
  });

  it('throws a TypeError when qop is given without nc/cnonce, or for an unknown algorithm', () => {
    const base = { username: 'a', realm: 'r', password: 'p', method: 'REGISTER', uri: 'sip:r', nonce: 'n' };
    assert.throws(() => computeResponse({ ...base, algorithm: 'MD5', qop: 'auth', cnonce: 'c' }), TypeError);
    assert.throws(() => computeResponse({ ...base, algorithm: 'MD5', qop: 'auth', nc: '00000001' }), TypeError);
    assert.throws(() => computeResponse({ ...base, algorithm: 'SHA-1' as DigestAlgorithm }), TypeError);
  });
});

describe('SIP digest: parseCredentials', () => {
  it('parses the RFC 2617 §3.5 Authorization header (with line folding)', () => {
    const header = [
      'Digest username="Mufasa",',
      '                 realm="testrealm@host.com",',
      '                 nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",',
      '                 uri="/dir/index.html",',
      '                 qop=auth,',
      '                 nc=00000001,',
      '                 cnonce="0a4f113b",',
      '                 response="6629fae49393a05397450978507c4ef1",',
      '                 opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    ].join('\r\n');
    const c = parseCredentials(header);
    assert.ok(c);
    assert.equal(c.scheme, 'Digest');
    assert.equal(c.username, 'Mufasa');
    assert.equal(c.realm, 'testrealm@host.com');
    assert.equal(c.nonce, 'dcd98b7102dd2f0e8b11d0f600bfb0c093');
    assert.equal(c.uri, '/dir/index.html');
    assert.equal(c.qop, 'auth');
    assert.equal(c.nc, '00000001');
    assert.equal(c.cnonce, '0a4f113b');
    assert.equal(c.response, '6629fae49393a05397450978507c4ef1');
    assert.equal(c.opaque, '5ccc069c403ebaf9f0171e9517f40e41');
    assert.equal(c.algorithm, undefined);
    assert.equal(c.params.size, 9);
  });

  it('parses the RFC 7616 §3.9.1 SHA-256 Authorization header', () => {
    const c = parseCredentials(
      'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    );
    assert.ok(c);
    assert.equal(c.algorithm, 'SHA-256');
    assert.equal(c.nonce, '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v');
    assert.equal(c.cnonce, 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ');
    assert.equal(c.opaque, 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS');
  });

  it('is case-insensitive for the scheme and the parameter names, and keeps value case', () => {
    const c = parseCredentials(
      'dIgEsT UserName="Bob", REALM="R", Nonce="N", URI="sip:X", Response="ab", ALGORITHM=sha-256, QOP=auth, NC=0000000A, CNONCE="c"',
    );
    assert.ok(c);
    assert.deepEqual(
      [c.username, c.realm, c.nonce, c.uri, c.response, c.algorithm, c.qop, c.nc, c.cnonce],
      ['Bob', 'R', 'N', 'sip:X', 'ab', 'sha-256', 'auth', '0000000A', 'c'],
    );
    assert.ok(c.params.has('username'));
  });

  it('handles whitespace: around "=", tabs, leading/trailing, no space after commas', () => {
    const c = parseCredentials('  Digest\tusername = "a" ,realm=\t"r",nonce="n" ,\turi= "u",response ="x"  ');
    assert.ok(c);
    assert.deepEqual([c.username, c.realm, c.nonce, c.uri, c.response], ['a', 'r', 'n', 'u', 'x']);
  });

  it('unescapes quoted-pairs and keeps commas, equals signs and "=" inside quotes', () => {
    const c = parseCredentials(
      'Digest username="al\\"ice\\\\x", realm="a, b=c", nonce="n,=\\,", uri="sip:u@h;x=\\"1\\"", response="r"',
    );
    assert.ok(c);
    assert.equal(c.username, 'al"ice\\x');
    assert.equal(c.realm, 'a, b=c');
    assert.equal(c.nonce, 'n,=,');
    assert.equal(c.uri, 'sip:u@h;x="1"');
  });

  it('accepts quoted or bare values for every parameter (qop="auth", bare nonce with base64 characters)', () => {
    const c = parseCredentials(
      'Digest username=alice, realm="r", nonce=ab/c+d==, uri="sip:r", response="00", qop="auth", nc="00000001", algorithm="MD5"',
    );
    assert.ok(c);
    assert.equal(c.username, 'alice');
    assert.equal(c.nonce, 'ab/c+d==');
    assert.equal(c.qop, 'auth');
    assert.equal(c.nc, '00000001');
    assert.equal(c.algorithm, 'MD5');
  });

  it('keeps unknown parameters, tolerates empty list elements and non-ASCII in quotes', () => {
    const c = parseCredentials(
      'Digest ,username="jäsøn", , realm="r",, nonce="n", uri="u", response="x", userhash=false, __proto__="p", constructor=1,',
    );
    assert.ok(c);
    assert.equal(c.username, 'jäsøn');
    assert.equal(c.params.get('userhash'), 'false');
    assert.equal(c.params.get('__proto__'), 'p');
    assert.equal(c.params.get('constructor'), '1');
    assert.equal(({} as Record<string, unknown>).p, undefined);
  });

  it('allows an empty username (the password lookup decides)', () => {
    const c = parseCredentials('Digest username="", realm="r", nonce="n", uri="u", response="x"');
    assert.ok(c);
    assert.equal(c.username, '');
  });

  const required = 'username="a", realm="r", nonce="n", uri="u", response="x"';
  const malformed: [string, unknown][] = [
    ['empty', ''],
    ['only spaces', '   '],
    ['scheme alone', 'Digest'],
    ['scheme and spaces', 'Digest   '],
    ['Basic', 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='],
    ['other scheme with digest params', `Digestive ${required}`],
    ['no space after scheme', `Digest,${required}`],
    ['scheme glued to the first name', 'Digestusername="a", realm="r", nonce="n", uri="u", response="x"'],
    ['missing username', 'Digest realm="r", nonce="n", uri="u", response="x"'],
    ['missing realm', 'Digest username="a", nonce="n", uri="u", response="x"'],
    ['missing nonce', 'Digest username="a", realm="r", uri="u", response="x"'],
    ['missing uri', 'Digest username="a", realm="r", nonce="n", response="x"'],
    ['missing response', 'Digest username="a", realm="r", nonce="n", uri="u"'],
    ['empty nonce', 'Digest username="a", realm="r", nonce="", uri="u", response="x"'],
    ['empty response', 'Digest username="a", realm="r", nonce="n", uri="u", response=""'],
    ['unterminated quote', 'Digest username="a, realm="r", nonce="n", uri="u", response="x'],
    ['trailing backslash in quotes', 'Digest username="a", realm="r", nonce="n", uri="u", response="x\\'],
    ['escaped CR in quotes', 'Digest username="a\\\r", realm="r", nonce="n", uri="u", response="x"'],
    ['duplicate parameter', `Digest ${required}, nonce="m"`],
    ['duplicate parameter in other case', `Digest ${required}, NONCE="n"`],
    ['parameter without "="', `Digest ${required}, stale`],
    ['parameter without value', `Digest ${required}, qop=`],
    ['missing comma', 'Digest username="a" realm="r", nonce="n", uri="u", response="x"'],
    ['garbage after quoted value', 'Digest username="a"b, realm="r", nonce="n", uri="u", response="x"'],
    ['bad name character', `Digest ${required}, na(me=1`],
    ['"=" without name', `Digest ${required}, ="x"`],
    ['semicolon separated', 'Digest username="a"; realm="r"; nonce="n"; uri="u"; response="x"'],
    ['too long', `Digest ${required}, junk="${'x'.repeat(20_000)}"`],
    ['not a string (number)', 42],
    ['not a string (undefined)', undefined],
    ['not a string (object)', { toString: () => `Digest ${required}` }],
  ];
  for (const [name, input] of malformed) {
    it(`returns undefined for malformed input: ${name}`, () => {
      assert.equal(parseCredentials(input as string), undefined);
    });
  }

  it('never throws on random strings (fuzz, fast-check)', () => {
    const alphabet = fc.constantFrom(
      'Digest',
      'digest ',
      ' ',
      '\t',
      '\r\n',
      '"',
      '\\',
      ',',
      '=',
      'username',
      'realm',
      'nonce',
      'uri',
      'response',
      'qop',
      'nc',
      'a',
      '0',
      'é',
      '\u0000',
      '\uD800',
      ';',
      '__proto__',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (parts) => {
        const s = parts.join('');
        const c = parseCredentials(s);
        if (c !== undefined) assert.equal(typeof c.nonce, 'string');
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        parseCredentials(s);
        parseCredentials(`Digest ${s}`);
        parseCredentials(`Digest ${required}, ${s}`);
      }),
      { numRuns: 400 },
    );
  });

  it('round-trips arbitrary values written as quoted-strings (property)', () => {
    const value = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => !/[\r\n]/.test(s));
    fc.assert(
      fc.property(value, value, value, value, value, (username, realm, nonce, uri, response) => {
        const c = parseCredentials(
          `Digest username=${q(username)},realm=${q(realm)} ,  nonce=${q(nonce)}, uri=${q(uri)}, response=${q(response)}`,
        );
        assert.ok(c);
        assert.deepEqual([c.username, c.realm, c.nonce, c.uri, c.response], [username, realm, nonce, uri, response]);
      }),
      { numRuns: 300 },
    );
  });

  it('verify never throws and never succeeds on fuzzed credentials', () => {
    const { auth } = makeAuth();
    const [challenge] = auth.challenge();
    const nonce = challengeParam(challenge as string, 'nonce') as string;
    const piece = fc.constantFrom(
      'username="alice"',
      'realm="sim.starface.test"',
      `nonce="${nonce}"`,
      'uri="sip:x"',
      'response="0123"',
      'qop=auth',
      'qop=auth-int',
      'nc=00000001',
      'nc=zz',
      'cnonce="c"',
      'algorithm=MD5',
      'algorithm=SHA-512-256',
      'algorithm=MD5-sess',
      'opaque="o"',
      'x=y',
    );
    fc.assert(
      fc.property(fc.uniqueArray(piece, { maxLength: 12, selector: (p) => p.split('=')[0] }), (ps) => {
        const c = parseCredentials(`Digest ${ps.join(', ')}`);
        const r = auth.verify(c, { method: 'REGISTER', password });
        assert.equal(r.ok, false);
      }),
      { numRuns: 300 },
    );
  });

  it('the authenticator exposes the same parser', () => {
    const { auth } = makeAuth();
    assert.deepEqual(auth.parseCredentials(`Digest ${required}`), parseCredentials(`Digest ${required}`));
    assert.equal(auth.parseCredentials('Basic x'), undefined);
  });
});

describe('SIP digest: DigestAuthenticator.challenge', () => {
  it('offers SHA-512-256, SHA-256, MD5 in that order, each with realm, nonce, opaque, algorithm and qop="auth"', () => {
    const { auth } = makeAuth();
    const headers = auth.challenge();
    assert.equal(headers.length, 3);
    const pattern =
      /^Digest realm="sim\.starface\.test", nonce="([A-Za-z0-9_-]{32})", opaque="([A-Za-z0-9_-]+)", algorithm=(SHA-512-256|SHA-256|MD5), qop="auth"$/;
    const parsed = headers.map((hd) => {
      const m = pattern.exec(hd);
      assert.ok(m, hd);
      return { nonce: m[1], opaque: m[2], algorithm: m[3] };
    });
    assert.deepEqual(
      parsed.map((p) => p.algorithm),
      ['SHA-512-256', 'SHA-256', 'MD5'],
    );
    assert.deepEqual(DIGEST_ALGORITHMS, ['SHA-512-256', 'SHA-256', 'MD5']);
    // One nonce and opaque shared by the alternatives.
    assert.equal(new Set(parsed.map((p) => p.nonce)).size, 1);
    assert.equal(new Set(parsed.map((p) => p.opaque)).size, 1);
  });

  it('by default offers exactly one challenge: MD5 with qop="auth", as a real STARFACE', () => {
    const auth = new DigestAuthenticator({ realm: () => REALM });
    const headers = auth.challenge();
    assert.equal(headers.length, 1);
    assert.match(
      headers[0]!,
      /^Digest realm="sim\.starface\.test", nonce="[A-Za-z0-9_-]{32}", opaque="[A-Za-z0-9_-]+", algorithm=MD5, qop="auth"$/,
    );
    assert.deepEqual(DEFAULT_DIGEST_ALGORITHMS, ['MD5']);
    assert.deepEqual(check(auth, answer(headers[0]!)), OK());
  });

  it('offers the configured algorithms in the configured order, read on every challenge', () => {
    let algorithms: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];
    const auth = new DigestAuthenticator({ realm: () => REALM, algorithms: () => algorithms });
    assert.deepEqual(
      auth.challenge().map((c) => challengeParam(c, 'algorithm')),
      ['SHA-256', 'MD5'],
    );
    algorithms = ['MD5', 'SHA-512-256'];
    assert.deepEqual(
      auth.challenge().map((c) => challengeParam(c, 'algorithm')),
      ['MD5', 'SHA-512-256'],
    );
  });

  it('refuses an answer with an algorithm it did not offer (unsupported-algorithm), even with the right password', () => {
    const md5Only = new DigestAuthenticator({
      realm: () => REALM,
      now: () => 1_700_000_000_000,
      secret: new Uint8Array(32).fill(7),
    });
    const shaAuth = new DigestAuthenticator({
      realm: () => REALM,
      now: () => 1_700_000_000_000,
      secret: new Uint8Array(32).fill(7),
      algorithms: () => DIGEST_ALGORITHMS,
    });
    const sha = shaAuth.challenge()[0]!;
    assert.equal(challengeParam(sha, 'algorithm'), 'SHA-512-256');
    // Same secret: the nonce is valid for both; only the algorithm differs.
    assert.deepEqual(check(md5Only, answer(sha)), FAIL('unsupported-algorithm'));
    assert.deepEqual(check(shaAuth, answer(sha)), OK());
  });

  it('parseDigestList: any case, order kept; unknown, repeated or no names are errors', () => {
    assert.deepEqual(parseDigestList(['sha-512-256', 'Sha-256', 'md5']), {
      ok: true,
      algorithms: ['SHA-512-256', 'SHA-256', 'MD5'],
    });
    assert.deepEqual(parseDigestList([' md5 ']), { ok: true, algorithms: ['MD5'] });
    const bad = (names: string[], text: RegExp) => {
      const r = parseDigestList(names);
      assert.equal(r.ok, false);
      assert.match((r as { error: string }).error, text);
    };
    bad(['sha-1'], /unknown digest algorithm "sha-1" \(known: sha-512-256, sha-256, md5\)/);
    bad(['md5-sess'], /unknown digest algorithm/);
    bad(['md5', 'MD5'], /listed twice/);
    bad([], /at least one/);
  });

  it('appends stale=true only when asked', () => {
    const { auth } = makeAuth();
    for (const hd of auth.challenge({ stale: true })) assert.match(hd, /, qop="auth", stale=true$/);
    for (const hd of auth.challenge({ stale: false })) assert.doesNotMatch(hd, /stale/);
    for (const hd of auth.challenge()) assert.doesNotMatch(hd, /stale/);
  });

  it('issues a fresh nonce each time, even at the same instant', () => {
    const { auth } = makeAuth();
    const nonces = new Set(Array.from({ length: 50 }, () => challengeParam(auth.challenge()[0] as string, 'nonce')));
    assert.equal(nonces.size, 50);
  });

  it('quotes the realm as a quoted-string and reads realm() on every challenge', () => {
    let realm = 'a "quoted" \\ realm';
    const auth = new DigestAuthenticator({ realm: () => realm });
    const first = auth.challenge()[0] as string;
    assert.ok(first.startsWith('Digest realm="a \\"quoted\\" \\\\ realm", '));
    assert.equal(challengeParam(first, 'realm'), 'a "quoted" \\ realm');
    realm = 'other';
    assert.ok(auth.challenge()[0]?.startsWith('Digest realm="other", '));
  });

  it('rejects nonsensical options', () => {
    assert.throws(() => new DigestAuthenticator({ realm: () => 'r', secret: new Uint8Array(0) }), RangeError);
    assert.throws(() => new DigestAuthenticator({ realm: () => 'r', nonceLifetimeMs: 0 }), RangeError);
  });
});

describe('SIP digest: DigestAuthenticator.verify', () => {
  for (const [i, alg] of DIGEST_ALGORITHMS.entries()) {
    it(`accepts a correct ${alg} response to its challenge`, () => {
      const { auth } = makeAuth();
      const challenge = auth.challenge()[i] as string;
      assert.equal(challengeParam(challenge, 'algorithm'), alg);
      const header = answer(challenge);
      assert.match(header, new RegExp(`algorithm=${alg},`));
      assert.deepEqual(check(auth, header), OK());
    });
  }

  it('the accepted response equals the independently computed one (SHA-512-256)', () => {
    const { auth } = makeAuth();
    const challenge = auth.challenge()[0] as string;
    const nonce = challengeParam(challenge, 'nonce') as string;
    const response = refResponse('SHA-512-256', {
      username: 'bob',
      realm: REALM,
      password: 'b0b-Secret!',
      method: 'REGISTER',
      uri: 'sip:sim.starface.test',
      nonce,
      nc: '00000001',
      cnonce: '0a4f113b',
    });
    assert.deepEqual(check(auth, answer(challenge, { username: 'bob', response })), OK('bob'));
  });

  it('treats a missing algorithm as MD5 and algorithm names case-insensitively', () => {
    const { auth } = makeAuth();
    const md5 = auth.challenge()[2] as string;
    assert.deepEqual(check(auth, answer(md5, { algorithm: null })), OK());
    const sha = auth.challenge()[1] as string;
    assert.deepEqual(check(auth, answer(sha, { algorithm: 'sha-256' })), OK());
  });

  it('accepts an upper-case hex response', () => {
    const { auth } = makeAuth();
    const c = auth.challenge()[1] as string;
    const nonce = challengeParam(c, 'nonce') as string;
    const resp = computeResponse({
      algorithm: 'SHA-256',
      username: 'alice',
      realm: REALM,
      password: 'wonderland',
      method: 'REGISTER',
      uri: `sip:${REALM}`,
      nonce,
      nc: '00000001',
      cnonce: '0a4f113b',
      qop: 'auth',
    });
    assert.deepEqual(check(auth, answer(c, { response: resp.toUpperCase() })), OK());
  });

  it('handles usernames with quotes/backslashes and non-ASCII usernames', () => {
    const { auth } = makeAuth();
    assert.deepEqual(check(auth, answer(auth.challenge()[0] as string, { username: 'al"ice\\x' })), OK('al"ice\\x'));
    assert.deepEqual(check(auth, answer(auth.challenge()[1] as string, { username: 'jäsøn' })), OK('jäsøn'));
  });

  it('refuses a wrong password (bad-response)', () => {
    const { auth } = makeAuth();
    for (const c of auth.challenge())
      assert.deepEqual(check(auth, answer(c, { password: 'wonderland!' })), FAIL('bad-response'));
  });

  it('refuses an unknown user (unknown-user)', () => {
    const { auth } = makeAuth();
    assert.deepEqual(
      check(auth, answer(auth.challenge()[0] as string, { username: 'mallory', password: 'x' })),
      FAIL('unknown-user'),
    );
    assert.deepEqual(
      check(auth, answer(auth.challenge()[0] as string, { username: 'toString', password: 'x' })),
      FAIL('unknown-user'),
    );
  });

  it('refuses a wrong realm (wrong-realm), and honours a per-request realm', () => {
    const { auth } = makeAuth();
    assert.deepEqual(
      check(auth, answer(auth.challenge()[0] as string, { realm: 'evil.example' })),
      FAIL('wrong-realm'),
    );
    assert.deepEqual(
      check(auth, answer(auth.challenge()[0] as string, { realm: 'other.test' }), 'REGISTER', 'other.test'),
      OK(),
    );
    assert.deepEqual(check(auth, answer(auth.challenge()[0] as string), 'REGISTER', 'other.test'), FAIL('wrong-realm'));
  });

  it('refuses nonces we did not issue (bad-nonce); with a response right for it, stale=true', () => {
    const { auth } = makeAuth({ secret: Buffer.alloc(32, 1) });
    const c = auth.challenge()[0] as string;
    const nonce = challengeParam(c, 'nonce') as string;
    const flipped = nonce[5] === 'A' ? 'B' : 'A';
    const tampered = nonce.slice(0, 5) + flipped + nonce.slice(6);
    const STALE_BAD_NONCE: DigestVerifyResult = { ok: false, reason: 'bad-nonce', stale: true };
    for (const n of [
      'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      tampered,
      nonce + 'A',
      nonce.slice(1),
      'x'.repeat(32),
      '!'.repeat(32),
    ]) {
      // Right password: only the nonce is wrong, so the client should just retry with a fresh one (RFC 7616 §3.3).
      assert.deepEqual(check(auth, answer(c, { nonce: n, opaque: null })), STALE_BAD_NONCE, n);
      const wrong = check(auth, answer(c, { nonce: n, opaque: null, password: 'wrong' }));
      assert.deepEqual(wrong, FAIL('bad-nonce'), n);
      assert.equal('stale' in wrong, false);
    }
    // A nonce of an earlier run (another secret), with that run's opaque, as a refreshing client sends it.
    const other = makeAuth({ secret: Buffer.alloc(32, 2) }).auth;
    assert.deepEqual(check(auth, answer(other.challenge()[0] as string)), STALE_BAD_NONCE);
    assert.deepEqual(check(auth, answer(other.challenge()[0] as string, { opaque: null })), STALE_BAD_NONCE);
    assert.deepEqual(check(auth, answer(other.challenge()[0] as string, { password: 'wrong' })), FAIL('bad-nonce'));
    assert.deepEqual(check(auth, answer(other.challenge()[0] as string, { username: 'mallory' })), FAIL('bad-nonce'));
  });

  it('nonces are stateless: another instance with the same secret accepts them', () => {
    const secret = Buffer.alloc(32, 7);
    const a = makeAuth({ secret }).auth;
    const b = makeAuth({ secret }).auth;
    assert.deepEqual(check(b, answer(a.challenge()[0] as string)), OK());
  });

  it('checks the opaque value when sent, and tolerates its absence', () => {
    const { auth } = makeAuth();
    const [c1, c2] = [auth.challenge()[0] as string, auth.challenge()[0] as string];
    assert.deepEqual(check(auth, answer(c1, { opaque: 'forged' })), FAIL('bad-nonce'));
    assert.deepEqual(check(auth, answer(c1, { opaque: challengeParam(c2, 'opaque') as string })), FAIL('bad-nonce'));
    assert.deepEqual(check(auth, answer(c1, { opaque: null })), OK());
  });

  it('refuses a replayed nonce-count (same or lower) and accepts increasing ones', () => {
    const { auth } = makeAuth();
    const c = auth.challenge()[0] as string;
    assert.deepEqual(check(auth, answer(c, { nc: '00000001' })), OK());
    assert.deepEqual(check(auth, answer(c, { nc: '00000001' })), FAIL('replay'));
    assert.deepEqual(check(auth, answer(c, { nc: '00000002', cnonce: 'other' })), OK());
    assert.deepEqual(check(auth, answer(c, { nc: '00000005' })), OK());
    assert.deepEqual(check(auth, answer(c, { nc: '00000004' })), FAIL('replay'));
    assert.deepEqual(check(auth, answer(c, { nc: '00000005' })), FAIL('replay'));
    assert.deepEqual(check(auth, answer(c, { nc: '0000000A' })), OK()); // hex: 10 > 5
    assert.deepEqual(check(auth, answer(c, { nc: '00000009' })), FAIL('replay'));
    assert.deepEqual(check(auth, answer(c, { nc: 'ffffffff' })), OK());
    assert.deepEqual(check(auth, answer(c, { nc: 'ffffffff' })), FAIL('replay'));
    // The exact same header replayed verbatim.
    const header = answer(auth.challenge()[1] as string, { nc: '00000003' });
    assert.deepEqual(check(auth, header), OK());
    assert.deepEqual(check(auth, header), FAIL('replay'));
  });

  it('keeps nonce-counts per nonce', () => {
    const { auth } = makeAuth();
    const a = auth.challenge()[0] as string;
    const b = auth.challenge()[0] as string;
    assert.deepEqual(check(auth, answer(a, { nc: '00000003' })), OK());
    assert.deepEqual(check(auth, answer(b, { nc: '00000001' })), OK());
    assert.deepEqual(check(auth, answer(a, { nc: '00000002' })), FAIL('replay'));
  });

  it('a failed attempt does not consume the nonce-count', () => {
    const { auth } = makeAuth();
    const c = auth.challenge()[0] as string;
    assert.deepEqual(check(auth, answer(c, { password: 'nope' })), FAIL('bad-response'));
    assert.deepEqual(check(auth, answer(c, { username: 'nobody' })), FAIL('unknown-user'));
    assert.deepEqual(check(auth, answer(c)), OK());
  });

  it('expired nonce with the right credentials → stale-nonce with stale=true', () => {
    const { auth, clock } = makeAuth({ nonceLifetimeMs: 60_000 });
    const c = auth.challenge()[0] as string;
    clock.t += 60_000;
    assert.deepEqual(check(auth, answer(c)), STALE);
    // Also when the nonce had been used successfully before.
    const d = auth.challenge()[2] as string;
    assert.deepEqual(check(auth, answer(d)), OK());
    clock.t += 120_000;
    assert.deepEqual(check(auth, answer(d, { nc: '00000002' })), STALE);
  });

  it('expired nonce with a wrong password → bad-response, not stale', () => {
    const { auth, clock } = makeAuth({ nonceLifetimeMs: 60_000 });
    const c = auth.challenge()[1] as string;
    clock.t += 3_600_000;
    const r = check(auth, answer(c, { password: 'guess' }));
    assert.deepEqual(r, FAIL('bad-response'));
    assert.equal('stale' in r, false);
    assert.deepEqual(check(auth, answer(c, { username: 'mallory' })), FAIL('unknown-user'));
  });

  it('a nonce is fresh until its lifetime has passed (default 5 minutes)', () => {
    const { auth, clock } = makeAuth();
    const c = auth.challenge()[0] as string;
    clock.t += 299_999;
    assert.deepEqual(check(auth, answer(c)), OK());
    clock.t += 1;
    assert.deepEqual(check(auth, answer(c, { nc: '00000002' })), STALE);
  });

  it('refuses a response without qop (missing-qop), and qop=auth-int', () => {
    const { auth } = makeAuth();
    const c = auth.challenge()[2] as string;
    const nonce = challengeParam(c, 'nonce') as string;
    const rfc2069 = computeResponse({
      algorithm: 'MD5',
      username: 'alice',
      realm: REALM,
      password: 'wonderland',
      method: 'REGISTER',
      uri: `sip:${REALM}`,
      nonce,
    });
    assert.deepEqual(check(auth, answer(c, { qop: null, response: rfc2069 })), FAIL('missing-qop'));
    assert.deepEqual(check(auth, answer(c, { qop: 'auth-int' })), FAIL('missing-qop'));
    assert.deepEqual(check(auth, answer(c, { qop: 'AUTH' })), OK());
  });

  it('refuses -sess and unknown algorithms (unsupported-algorithm)', () => {
    const { auth } = makeAuth();
    const c = auth.challenge()[2] as string;
    for (const algorithm of ['MD5-sess', 'SHA-256-sess', 'SHA-512-256-sess', 'SHA-1', 'SHA-512', 'AKAv1-MD5', '']) {
      const header = answer(c, { algorithm: `"${algorithm}"`, response: '0'.repeat(32) });
      assert.deepEqual(check(auth, header), FAIL('unsupported-algorithm'), algorithm);
    }
  });

  it('refuses structurally bad credentials (malformed)', () => {
    const { auth } = makeAuth();
    const c = auth.challenge()[0] as string;
    assert.deepEqual(auth.verify(undefined, { method: 'REGISTER', password }), FAIL('malformed'));
    const good = parseCredentials(answer(c)) as DigestCredentials;
    const variants: Partial<Record<keyof DigestCredentials, unknown>>[] = [
      { nc: undefined },
      { cnonce: undefined },
      { cnonce: '' },
      { nc: '1' },
      { nc: '000000001' },
      { nc: '0000000g' },
      { nc: '00000000' },
      { response: 'abc' },
      { response: 'z'.repeat(64) },
      { response: good.response + '0' },
      { username: undefined },
      { nonce: 5 },
    ];
    for (const v of variants)
      assert.deepEqual(
        auth.verify({ ...good, ...v } as DigestCredentials, { method: 'REGISTER', password }),
        FAIL('malformed'),
        JSON.stringify(v),
      );
    assert.deepEqual(auth.verify(good, { method: '', password }), FAIL('malformed'));
    assert.deepEqual(auth.verify(good, { method: 'REGISTER', password }), OK());
  });

  it('uses the uri as sent in HA2, and the request method', () => {
    const { auth } = makeAuth();
    const uri = 'sip:alice@Sim.Starface.Test:5060;transport=ws;lr?x=%20y';
    assert.deepEqual(check(auth, answer(auth.challenge()[0] as string, { uri })), OK());
    // Tampering with the uri in the header after computing the response breaks it.
    const c = auth.challenge()[0] as string;
    const header = answer(c, { uri });
    assert.deepEqual(check(auth, header.replace('transport=ws', 'transport=tcp')), FAIL('bad-response'));
    // Computed for INVITE, presented with REGISTER.
    const d = auth.challenge()[1] as string;
    assert.deepEqual(check(auth, answer(d, { method: 'INVITE' }), 'REGISTER'), FAIL('bad-response'));
    assert.deepEqual(check(auth, answer(d, { method: 'INVITE' }), 'INVITE'), OK());
  });

  it('an answer to one algorithm cannot be presented as another', () => {
    const { auth } = makeAuth();
    const c = auth.challenge()[1] as string; // SHA-256
    const header = answer(c).replace('algorithm=SHA-256', 'algorithm=SHA-512-256');
    assert.deepEqual(check(auth, header), FAIL('bad-response'));
  });

  it('is strict about the order of checks: realm before nonce, nonce before user', () => {
    const { auth } = makeAuth();
    const c = auth.challenge()[0] as string;
    assert.deepEqual(check(auth, answer(c, { realm: 'x', nonce: 'bogus', opaque: null })), FAIL('wrong-realm'));
    assert.deepEqual(check(auth, answer(c, { username: 'mallory', nonce: 'bogus', opaque: null })), FAIL('bad-nonce'));
  });
});

describe('SIP digest: nonce table memory bound', () => {
  it('never tracks more than maxNonces nonces', () => {
    const { auth, clock } = makeAuth({ maxNonces: 50 });
    for (let i = 0; i < 500; i++) {
      clock.t += 10;
      assert.deepEqual(check(auth, answer(auth.challenge()[2] as string)), OK());
      assert.ok(auth.trackedNonces <= 50, `tracked ${auth.trackedNonces}`);
    }
    assert.ok(auth.trackedNonces > 0);
  });

  it('an evicted, still-fresh nonce cannot be replayed: it is answered as stale', () => {
    const { auth, clock } = makeAuth({ maxNonces: 10 });
    const first = auth.challenge()[0] as string;
    assert.deepEqual(check(auth, answer(first)), OK());
    for (let i = 0; i < 30; i++) {
      clock.t += 1;
      assert.deepEqual(check(auth, answer(auth.challenge()[0] as string)), OK());
    }
    assert.ok(auth.trackedNonces <= 10);
    // The first nonce has been evicted; its old nc (and any) must not pass.
    assert.deepEqual(check(auth, answer(first)), STALE);
    assert.deepEqual(check(auth, answer(first, { nc: '00000002' })), STALE);
    // Nonces issued after the eviction still work.
    clock.t += 1;
    assert.deepEqual(check(auth, answer(auth.challenge()[0] as string)), OK());
  });

  it('drops expired nonces before evicting live ones', () => {
    const { auth, clock } = makeAuth({ maxNonces: 10, nonceLifetimeMs: 1_000 });
    for (let i = 0; i < 10; i++) assert.deepEqual(check(auth, answer(auth.challenge()[0] as string)), OK());
    assert.equal(auth.trackedNonces, 10);
    // A nonce issued now but not used yet must survive the clean-up below.
    const pending = auth.challenge()[0] as string;
    clock.t += 500;
    const fresh = auth.challenge()[0] as string;
    const fresh2 = auth.challenge()[1] as string;
    clock.t += 600; // the first ten are now expired; pending is expired too, fresh and fresh2 are not
    assert.deepEqual(check(auth, answer(fresh)), OK());
    assert.equal(auth.trackedNonces, 1);
    // Only expired nonces were dropped (no floor raised), so a live unused nonce issued earlier still works.
    assert.deepEqual(check(auth, answer(fresh2)), OK());
    assert.equal(auth.trackedNonces, 2);
    assert.deepEqual(check(auth, answer(pending)), STALE);
  });

  it('default bound holds under many distinct nonces', () => {
    const { auth, clock } = makeAuth();
    const secretless = (c: string) => answer(c, { opaque: null });
    for (let i = 0; i < 10_500; i++) {
      clock.t += 1;
      const r = check(auth, secretless(auth.challenge()[2] as string));
      if (!r.ok) assert.fail(JSON.stringify(r));
    }
    assert.ok(auth.trackedNonces <= 10_000);
  });
});
