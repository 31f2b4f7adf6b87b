import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  DigestAuthenticator,
  computeResponse,
  hmacSha256,
  hmacSha256Pads,
  parseCredentials,
  safeEqual,
} from '../../simulator/src/sip/auth/digest.js';
import { canonicalName, SipHeaders, splitList } from '../../simulator/src/sip/message/headers.js';
import {
  parseMessage,
  serialize,
  splitLines,
  type SipMessage,
  type SipRequest,
} from '../../simulator/src/sip/message/message.js';
import { splitParams, parseNameAddr, parseUri, withoutParams } from '../../simulator/src/sip/message/uri.js';
import { detached } from '../../simulator/src/sip/message/detach.js';
import { referenceParseCredentials } from '../support/digestReference.js';
import { createSocket } from 'node:dgram';
import { literalFirstLookup, UdpTransport } from '../../simulator/src/sip/transport/udp.js';
import type { Flow } from '../../simulator/src/sip/transport/flow.js';

// The registrar's hot path took shortcuts (issue 21): each must answer exactly what the code it replaced answered.
// The replaced code is kept here as the reference, and both run on the RFC 4475 torture messages and on generated
// text made of the characters that matter (quotes, backslashes, separators, white space, line ends).

const CORPUS = join(__dirname, '..', 'fixtures', 'rfc4475');
const corpus = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.dat'))
  .map((f) => ({ name: f, data: readFileSync(join(CORPUS, f)) }));

/** Header values of every corpus message, as a simple reader sees them (for the list and parameter checks). */
const corpusValues = corpus.flatMap(({ data }) =>
  data
    .toString('utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.includes(':'))
    .map((l) => l.slice(l.indexOf(':') + 1).trim()),
);

const TRICKY = fc.constantFrom(
  ...[';', '=', '"', '\\', ' ', '\t', ',', '<', '>', 'a', 'B', '1', ':', '@', 'expires', 'tag', '\r', '\n', '+', '.'],
);
const trickyText = fc.array(TRICKY, { maxLength: 40 }).map((parts) => parts.join(''));

// ---------------------------------------------------------------------------------------------------------------
// The replaced implementations

function referenceWithoutParams(paramText: string, names: readonly string[]): string {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return splitParams(paramText.replace(/^\s*;/, ''))
    .map((p) => p.trim())
    .filter((p) => p && !drop.has(p.split('=')[0]!.trim().toLowerCase()))
    .map((p) => `;${p}`)
    .join('');
}

const LIST_FIELDS = new Set(['via', 'contact', 'route', 'record-route', 'allow', 'supported', 'require', 'path']);

function referenceGetAll(fields: [string, string][], name: string): string[] {
  const key = canonicalName(name);
  const values = fields.filter(([n]) => canonicalName(n) === key).map(([, v]) => v);
  return LIST_FIELDS.has(key) ? values.flatMap(splitList) : values;
}

function referenceSerialize(message: SipMessage): Buffer {
  const start =
    message.kind === 'request'
      ? `${message.method} ${message.uri} SIP/2.0`
      : `SIP/2.0 ${message.status} ${message.reason}`;
  const lines = [start];
  for (const [name, value] of message.headers.entries()) {
    if (canonicalName(name) === 'content-length') continue;
    lines.push(`${name}: ${value}`);
  }
  lines.push(`Content-Length: ${message.body.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8'), message.body]);
}

function referenceCanonical(name: string): string {
  const compact: Record<string, string> = {
    i: 'call-id',
    m: 'contact',
    f: 'from',
    t: 'to',
    v: 'via',
    l: 'content-length',
  };
  const lower = name.toLowerCase();
  return compact[lower] ?? lower;
}

// ---------------------------------------------------------------------------------------------------------------

describe('SIP hot path shortcuts answer as the code they replaced', () => {
  describe('message text', () => {
    it('splitLines is split(/\\r?\\n/): on every corpus message and on generated text', () => {
      for (const { name, data } of corpus) {
        const text = data.toString('utf8');
        assert.deepEqual(splitLines(text), text.split(/\r?\n/), name);
      }
      fc.assert(fc.property(trickyText, (t) => assert.deepEqual(splitLines(t), t.split(/\r?\n/))));
      for (const t of ['', '\n', '\r\n', '\r', 'a\r\r\nb', '\r\n\r\n', 'a\nb\r\nc\rd\n'])
        assert.deepEqual(splitLines(t), t.split(/\r?\n/), JSON.stringify(t));
    });

    it('canonicalName: compact forms and any case, also once its cache has been emptied', () => {
      const names = [
        'Via',
        'v',
        'V',
        'CALL-ID',
        'i',
        'I',
        'Contact',
        'm',
        'To',
        't',
        'f',
        'From',
        'Content-Length',
        'l',
      ];
      for (let round = 0; round < 3; round++) {
        for (const n of names) assert.equal(canonicalName(n), referenceCanonical(n), n);
        // More distinct names than the cache holds.
        for (let i = 0; i < 600; i++) assert.equal(canonicalName(`X-Name-${round}-${i}`), `x-name-${round}-${i}`);
      }
    });

    it('getAll splits list fields as before: quoted commas, angle brackets, empty elements, several lines', () => {
      const cases: [string, string][][] = [
        [
          ['Via', 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2'],
          ['v', '  SIP/2.0/UDP c.example.com;branch=z9hG4bK3  '],
        ],
        [
          ['Contact', '"Anna, the first" <sip:anna@a.example.com;x=1,2>;q=0.5, <sip:b@b.example.com>'],
          ['m', '<sip:c@c.example.com>;+sip.instance="<urn:uuid:1,2>"'],
        ],
        [
          ['Route', ' , <sip:p1.example.com;lr>,,<sip:p2.example.com;lr> , '],
          ['Supported', 'path, outbound'],
          ['Require', ''],
        ],
        [['From', '"Bob, Jr." <sip:bob@example.com>;tag=1']],
      ];
      for (const fields of cases) {
        const headers = new SipHeaders(fields);
        for (const name of ['via', 'contact', 'route', 'supported', 'require', 'from', 'to'])
          assert.deepEqual(headers.getAll(name), referenceGetAll(fields, name), `${name} of ${JSON.stringify(fields)}`);
      }
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.constantFrom('Via', 'v', 'Contact', 'm', 'To'), trickyText)), (fields) => {
          const headers = new SipHeaders(fields);
          for (const name of ['via', 'contact', 'to'])
            assert.deepEqual(headers.getAll(name), referenceGetAll(fields, name));
        }),
      );
    });

    it('withoutParams keeps, tidies and drops as before', () => {
      const texts = [
        '',
        ';tag=1',
        ';expires=60;q=0.5',
        ' ; expires = 60 ; q=1',
        ';+sip.instance="<urn:uuid:a;b>";reg-id=1',
        ';a;;b',
        ';a;',
        'a=1;b',
        ';=x',
        ';"quoted;semi"=1;expires',
        ';x="esc\\"aped;";EXPIRES=3',
        ...corpusValues.filter((v) => v.includes(';')).map((v) => v.slice(v.indexOf(';'))),
      ];
      for (const t of texts) {
        assert.equal(withoutParams(t, []), referenceWithoutParams(t, []), JSON.stringify(t));
        assert.equal(withoutParams(t, ['expires']), referenceWithoutParams(t, ['expires']), JSON.stringify(t));
      }
      fc.assert(
        fc.property(trickyText, (t) => {
          assert.equal(withoutParams(t, []), referenceWithoutParams(t, []));
          assert.equal(withoutParams(`;${t}`, []), referenceWithoutParams(`;${t}`, []));
          assert.equal(withoutParams(t, ['expires', 'tag']), referenceWithoutParams(t, ['expires', 'tag']));
        }),
      );
    });

    it('serialize writes what it wrote before: names as given, Content-Length recomputed last, the body after', () => {
      const headers = new SipHeaders([
        ['v', 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1'],
        ['Content-Length', '999'],
        ['l', '5'],
        ['X-Odd', '"quoted, with comma"'],
      ]);
      const messages: SipMessage[] = [
        { kind: 'request', method: 'MESSAGE', uri: 'sip:a@b', version: 'SIP/2.0', headers, body: Buffer.from('héllo') },
        { kind: 'response', status: 200, reason: 'OK', version: 'SIP/2.0', headers, body: Buffer.alloc(0) },
        {
          kind: 'response',
          status: 487,
          reason: '',
          version: 'SIP/2.0',
          headers: new SipHeaders(),
          body: Buffer.alloc(0),
        },
      ];
      for (const m of messages) assert.deepEqual(serialize(m), referenceSerialize(m));
      for (const { name, data } of corpus) {
        const parsed = parseMessage(data);
        if (parsed.ok) assert.deepEqual(serialize(parsed.message), referenceSerialize(parsed.message), name);
      }
    });
  });

  describe('detached copies', () => {
    it('are the same text, short or long, with any characters', () => {
      const head = 'REGISTER sip:x SIP/2.0\r\nCall-ID: a-long-call-id-1234567890@host\r\nUser-Agent: Ünïcødé 😀 phone';
      for (const s of ['', 'a', 'exactly13char', head, head.slice(24, 60), head.slice(-20), '😀'.repeat(20)])
        assert.equal(detached(s), s);
      fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => assert.equal(detached(s), s)));
    });
  });

  describe('parse caches', () => {
    it('parseUri and parseNameAddr answer the same, cached or not, and the shared result cannot be changed', () => {
      const inputs = [
        'sip:anna@pbx.example.com',
        'sip:%61nna@pbx.example.com:5060;transport=TCP;lr',
        'sips:[::1]:5061',
        'tel:+49-30-1234',
        'sip:host;maddr=1.2.3.4?subject=x',
        '"Anna, the first" <sip:anna@pbx.example.com>;tag=abc',
        '<sip:anna@pbx.example.com;lr>;expires=60;+sip.instance="<urn:uuid:1;2>"',
        'sip:anna@pbx.example.com;tag=1',
        '  <sip:a@b> ; q=0.5 ',
      ];
      // Fresh reference results: texts never seen, so parsed anew, copied before anything else is parsed.
      const unique = (t: string, i: number) => t.replace('example.com', `example${i}-${Date.now()}.com`);
      for (const [i, text] of inputs.entries()) {
        const fresh = unique(text, i);
        const first = structuredClone(parseNameAddr(fresh) ?? null);
        const again = parseNameAddr(fresh) ?? null;
        assert.deepEqual(again, first, fresh);
        const uri = parseUri(fresh);
        const uriCopy = structuredClone(uri ?? null);
        // Push it out of the ring, then parse it anew.
        for (let k = 0; k < 40; k++) parseUri(`sip:filler${k}@example.com`);
        for (let k = 0; k < 40; k++) parseNameAddr(`<sip:filler${k}@example.com>`);
        assert.deepEqual(parseUri(fresh) ?? null, uriCopy, fresh);
        assert.deepEqual(parseNameAddr(fresh) ?? null, first, fresh);
        if (uri) {
          assert.ok(Object.isFrozen(uri) && Object.isFrozen(uri.params));
          assert.throws(() => {
            (uri as { host: string }).host = 'changed';
          }, TypeError);
          assert.throws(() => {
            (uri.params as Record<string, string>).lr = 'x';
          }, TypeError);
        }
      }
      assert.equal(parseUri('not a uri'), undefined);
      assert.equal(parseUri('not a uri'), undefined);
    });

    it('decodes the user part as before: escapes decoded, a bad escape refused, plain text as it is', () => {
      const reference = (u: string) => {
        try {
          return decodeURIComponent(u);
        } catch {
          return undefined;
        }
      };
      for (const u of ['anna', 'a%2Fb', '%61nna', 'a%zz', 'a%', '%', '+49-30', 'a.b_c~'])
        assert.equal(parseUri(`sip:${u}@pbx.example.com`)?.user, reference(u), u);
      fc.assert(
        fc.property(fc.array(fc.constantFrom('a', '1', '%', '2', 'F', 'z', '-', '.'), { minLength: 1 }), (parts) => {
          const u = parts.join('');
          assert.equal(parseUri(`sip:${u}@pbx.example.com`)?.user, reference(u));
        }),
      );
    });
  });

  describe('digest', () => {
    it('hmacSha256 is HMAC-SHA-256: keys shorter, as long as and longer than a block, any data', () => {
      for (const keyLength of [1, 16, 32, 63, 64, 65, 100, 200]) {
        const key = randomBytes(keyLength);
        const pads = hmacSha256Pads(key);
        for (const parts of [
          [Buffer.alloc(0)],
          [Buffer.from('a')],
          [randomBytes(12), randomBytes(17)],
          [randomBytes(300)],
        ]) {
          const expected = createHmac('sha256', key);
          for (const p of parts) expected.update(p);
          assert.deepEqual(hmacSha256(pads, ...parts), expected.digest(), `key ${keyLength}`);
        }
      }
    });

    it('computeResponse with a remembered HA2 answers as the plain formula, whatever the order of inputs', () => {
      const H = (alg: string, d: string) => createHash(alg).update(d, 'utf8').digest('hex');
      const node = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' } as const;
      for (let i = 0; i < 30; i++) {
        const algorithm = (['MD5', 'SHA-256', 'SHA-512-256'] as const)[i % 3]!;
        const method = i % 4 === 0 ? 'INVITE' : 'REGISTER';
        const uri = `sip:${i % 5 === 0 ? 'other' : 'pbx'}.example.com`;
        const input = { algorithm, username: 'u', realm: 'r', password: `p${i}`, method, uri, nonce: `n${i}` };
        const ha1 = H(node[algorithm], `u:r:p${i}`);
        const ha2 = H(node[algorithm], `${method}:${uri}`);
        assert.equal(computeResponse(input), H(node[algorithm], `${ha1}:n${i}:${ha2}`));
        assert.equal(
          computeResponse({ ...input, qop: 'auth', nc: '00000001', cnonce: 'c' }),
          H(node[algorithm], `${ha1}:n${i}:00000001:c:auth:${ha2}`),
        );
      }
    });

    it('safeEqual is string equality', () => {
      for (const [a, b] of [
        ['', ''],
        ['a', 'a'],
        ['a', 'b'],
        ['abc', 'abd'],
        ['abc', 'ab'],
        ['é', 'e'],
        ['0123456789abcdef', '0123456789abcdef'],
      ] as const)
        assert.equal(safeEqual(a, b), a === b, `${a} / ${b}`);
      fc.assert(fc.property(fc.string(), fc.string(), (a, b) => assert.equal(safeEqual(a, b), a === b)));
    });

    it('parseCredentials reads quoted values with escapes, commas and equals signs as before', () => {
      const value =
        'Digest username="a\\"b\\\\c", realm="r,e=a\\lm", nonce="n", uri="sip:x", response="0123", cnonce="c\\,d", qop=auth';
      const c = parseCredentials(value)!;
      assert.equal(c.username, 'a"b\\c');
      assert.equal(c.realm, 'r,e=alm');
      assert.equal(c.cnonce, 'c,d');
      assert.equal(c.qop, 'auth');
      assert.equal(parseCredentials('Digest username="unterminated, realm="r"'), undefined);
      assert.equal(parseCredentials('Digest username="a\\'), undefined);
      assert.equal(parseCredentials('Digest username="a\\\r", realm="r", nonce="n", uri="u", response="r"'), undefined);
    });

    it('parseCredentials answers as the char-by-char parser it replaced, on generated credentials', () => {
      const piece = fc.constantFrom(
        'Digest ',
        'digest\t',
        'username=',
        'realm=',
        'nonce=',
        'uri=',
        'response=',
        'qop=auth',
        'nc=00000001',
        '"',
        '\\',
        '\\"',
        ',',
        ', ',
        ' ',
        '\r\n ',
        '=',
        ';',
        'a',
        'Z9',
        'é',
        '"x,y=z"',
        '""',
      );
      const full = (u: string) =>
        `Digest username=${u}, realm="r", nonce="n", uri="sip:x", response="0123456789abcdef0123456789abcdef"`;
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
          const t = parts.join('');
          assert.deepEqual(parseCredentials(t), referenceParseCredentials(t), JSON.stringify(t));
          assert.deepEqual(parseCredentials(full(t)), referenceParseCredentials(full(t)), JSON.stringify(t));
          assert.deepEqual(parseCredentials(full(`"${t}"`)), referenceParseCredentials(full(`"${t}"`)));
        }),
        { numRuns: 2000 },
      );
    });

    it('the opaque of a challenge is accepted with its nonce only; one nonce-count once', () => {
      const auth = new DigestAuthenticator({ realm: () => 'pbx.example.com' });
      const challenge = (c: string) => Object.fromEntries([...c.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const one = challenge(auth.challenge()[0]!);
      const two = challenge(auth.challenge()[0]!);
      assert.notEqual(one.opaque, two.opaque);
      const answer = (c: Record<string, string | undefined>, opaque: string | undefined, nc = '00000001') => {
        const response = computeResponse({
          algorithm: 'MD5',
          username: 'anna',
          realm: 'pbx.example.com',
          password: 'pw',
          method: 'REGISTER',
          uri: 'sip:pbx.example.com',
          nonce: c.nonce!,
          nc,
          cnonce: 'cn',
          qop: 'auth',
        });
        const creds = parseCredentials(
          `Digest username="anna", realm="pbx.example.com", nonce="${c.nonce}", uri="sip:pbx.example.com", ` +
            `response="${response}", qop=auth, nc=${nc}, cnonce="cn"${opaque ? `, opaque="${opaque}"` : ''}`,
        );
        return auth.verify(creds, { method: 'REGISTER', password: () => 'pw' });
      };
      assert.deepEqual(answer(one, two.opaque), { ok: false, reason: 'bad-nonce' });
      assert.deepEqual(answer(one, one.opaque), { ok: true, username: 'anna' });
      assert.deepEqual(answer(one, one.opaque), { ok: false, reason: 'replay' });
      assert.deepEqual(answer(one, one.opaque, '00000002'), { ok: true, username: 'anna' });
      assert.deepEqual(answer(two, undefined), { ok: true, username: 'anna' });
    });
  });

  describe('UDP send lookup', () => {
    it('answers address literals at once, as dns.lookup would a tick later; names still go to dns.lookup', async () => {
      for (const [host, family] of [
        ['127.0.0.1', 4],
        ['::1', 6],
        ['fe80::1', 6],
      ] as const) {
        let answered: unknown[] | undefined;
        literalFirstLookup(host, 4, (...args) => (answered = args));
        assert.deepEqual(answered, [null, host, family]);
      }
      const viaDns = await new Promise<unknown[]>((resolve) =>
        literalFirstLookup('localhost', 4, (...args) => resolve(args)),
      );
      assert.equal(viaDns[0], null);
      assert.equal(viaDns[1], '127.0.0.1');
    });
  });

  describe('UDP replies sent together', () => {
    it('arrive all, in the order they were made, also when made in several turns and right before close', async () => {
      const flows: Flow[] = [];
      const transport = new UdpTransport((data, flow) => {
        flows.push(flow);
        // Two replies per request, the way a proxy answers and forwards.
        flow.send(Buffer.from(`${data.toString()}-a`));
        flow.send(Buffer.from(`${data.toString()}-b`));
      });
      const { port } = await transport.listen('127.0.0.1', 0);
      const peer = createSocket('udp4');
      const got: string[] = [];
      const all = new Promise<void>((resolve) =>
        peer.on('message', (m) => {
          got.push(m.toString());
          if (got.length === 2 * 40 + 1) resolve();
        }),
      );
      await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', () => resolve()));
      try {
        for (let i = 0; i < 20; i++) peer.send(String(i), port, '127.0.0.1');
        await new Promise((r) => setTimeout(r, 50));
        for (let i = 20; i < 40; i++) peer.send(String(i), port, '127.0.0.1');
        while (flows.length < 40) await new Promise((r) => setTimeout(r, 10));
        // Made, then the transport closes at once: the reply still goes out.
        flows[0]!.send(Buffer.from('last'));
        await transport.close();
        await all;
        const expected = [...Array(40).keys()].flatMap((i) => [`${i}-a`, `${i}-b`]);
        assert.deepEqual(got.slice(0, 80).sort(), [...expected].sort());
        // UDP on loopback keeps order; per request the two replies keep theirs.
        for (let i = 0; i < 40; i++) assert.ok(got.indexOf(`${i}-a`) < got.indexOf(`${i}-b`));
        assert.equal(got.at(-1), 'last');
      } finally {
        peer.close();
        await transport.close();
      }
    });
  });

  describe('whole messages', () => {
    const REGISTER = [
      'REGISTER sip:pbx.example.com SIP/2.0',
      'v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-a , SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-b',
      'VIA: SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK-c',
      'Max-Forwards: 70',
      'f: "Anna, \\"the\\" first" <sip:anna@pbx.example.com>;tag=1',
      't: "Anna, \\"the\\" first"',
      ' <sip:anna@pbx.example.com>',
      'i: call-1@127.0.0.1',
      'cseq: 2 REGISTER',
      'm: <sip:anna@127.0.0.1:5070>;+sip.instance="<urn:uuid:1,2;3>";expires=60, <sip:anna@127.0.0.1:5071>',
      'Authorization: Digest username="anna", realm="pbx.example.com",',
      '\tnonce="n", uri="sip:pbx.example.com", response="r", cnonce="a,b", nc=00000001, qop=auth',
      'l: 0',
      '',
      '',
    ];

    it('folded, compact, mixed-case and comma-listed fields read the same with CRLF and with bare LF', () => {
      for (const eol of ['\r\n', '\n']) {
        const parsed = parseMessage(Buffer.from(REGISTER.join(eol)));
        assert.ok(parsed.ok, JSON.stringify(parsed));
        const req = parsed.message as SipRequest;
        assert.deepEqual(req.headers.getAll('via'), [
          'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-a',
          'SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-b',
          'SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK-c',
        ]);
        assert.equal(req.headers.get('to'), '"Anna, \\"the\\" first" <sip:anna@pbx.example.com>');
        assert.equal(parseNameAddr(req.headers.get('to')!)?.display, 'Anna, "the" first');
        assert.deepEqual(req.headers.getAll('contact'), [
          '<sip:anna@127.0.0.1:5070>;+sip.instance="<urn:uuid:1,2;3>";expires=60',
          '<sip:anna@127.0.0.1:5071>',
        ]);
        const creds = parseCredentials(req.headers.get('authorization')!);
        assert.equal(creds?.cnonce, 'a,b');
        assert.equal(creds?.nonce, 'n');
      }
    });

    it('refuses what it refused before: a continuation first, a bad name, a second To', () => {
      const variants: [string[], RegExp][] = [
        [[REGISTER[0]!, ' folded before any field', ...REGISTER.slice(1)], /continuation line before any header/],
        [[REGISTER[0]!, 'Bad Name: x', ...REGISTER.slice(1)], /malformed header line/],
        [[REGISTER[0]!, 'To: <sip:b@pbx.example.com>', ...REGISTER.slice(1)], /more than one To/],
      ];
      for (const [lines, reason] of variants) {
        const parsed = parseMessage(Buffer.from(lines.join('\r\n')));
        assert.equal(parsed.ok, false);
        assert.match((parsed as { reason: string }).reason, reason);
        assert.equal((parsed as { status?: number }).status, 400);
      }
    });
  });
});
