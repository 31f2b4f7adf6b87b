import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

// The RFC 4475 ("SIP Torture Test Messages") corpus in test/fixtures/rfc4475: is it whole, and is
// every file still byte for byte what the RFC's Appendix A archive holds? Facts checked here are
// taken from the RFC text (section 3 and its <allOneLine>/<hex>/<repeat> renderings).

const DIR = join(__dirname, '..', 'fixtures', 'rfc4475');

interface Entry {
  name: string;
  file: string;
  section: string;
  title: string;
  valid: boolean;
  kind: 'request' | 'response';
  expect: string;
  bytes: number;
  sha256: string;
}

const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as Entry[];
const byName = new Map(index.map((e) => [e.name, e]));
const raw = (name: string): Buffer => readFileSync(join(DIR, `${name}.dat`));
/** Latin-1 keeps one char per octet, so string offsets are byte offsets. */
const text = (name: string): string => raw(name).toString('latin1');
const lines = (name: string): string[] => text(name).split('\r\n');
const CRLF = '\r\n';

const VALID_3_1_1 = [
  'wsinv',
  'intmeth',
  'esc01',
  'escnull',
  'esc02',
  'lwsdisp',
  'longreq',
  'dblreq',
  'semiuri',
  'transports',
  'mpart01',
  'unreason',
  'noreason',
];
const INVALID_3_1_2 = [
  'badinv01',
  'clerr',
  'ncl',
  'scalar02',
  'scalarlg',
  'quotbal',
  'ltgtruri',
  'lwsruri',
  'lwsstart',
  'trws',
  'escruri',
  'baddate',
  'regbadct',
  'badaspec',
  'baddn',
  'badvers',
  'mismatch01',
  'mismatch02',
  'bigcode',
];
const OTHERS = [
  'badbranch',
  'insuf',
  'unkscm',
  'novelsc',
  'unksm2',
  'bext01',
  'invut',
  'regaut01',
  'multi01',
  'mcl01',
  'bcast',
  'zeromf',
  'cparam01',
  'cparam02',
  'regescrt',
  'sdp01',
  'inv2543',
];

/** Members of a ustar/v7 tar archive: name -> contents. */
function untar(tar: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let at = 0;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    if (type === '0' || type === '\0') out.set(name.replace(/^\.\//, ''), tar.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Header block and body of the first message in a file, split at the first empty line. */
function split(name: string): { head: string; body: Buffer } {
  const all = raw(name);
  const end = all.indexOf(Buffer.from(CRLF + CRLF, 'latin1'));
  assert.ok(end >= 0, `${name}: no empty line after the header fields`);
  return { head: all.subarray(0, end).toString('latin1'), body: all.subarray(end + 4) };
}

function contentLengths(head: string): string[] {
  return [...head.matchAll(/^(?:content-length|l)[ \t]*:[ \t]*(\S*)/gim)].map((m) => m[1] ?? '');
}

describe('RFC 4475 torture-test corpus (test/fixtures/rfc4475)', () => {
  it('index.json lists every message of 3.1.1 (13 valid) and 3.1.2 (19 invalid), once each', () => {
    assert.ok(Array.isArray(index));
    assert.equal(new Set(index.map((e) => e.name)).size, index.length, 'names are unique');
    for (const name of VALID_3_1_1) {
      const e = byName.get(name);
      assert.ok(e, `${name} is listed`);
      assert.match(e.section, /^3\.1\.1\.\d+$/, name);
      assert.equal(e.valid, true, name);
    }
    for (const name of INVALID_3_1_2) {
      const e = byName.get(name);
      assert.ok(e, `${name} is listed`);
      assert.match(e.section, /^3\.1\.2\.\d+$/, name);
      assert.equal(e.valid, false, name);
    }
    assert.equal(index.filter((e) => e.section.startsWith('3.1.1.')).length, 13);
    assert.equal(index.filter((e) => e.section.startsWith('3.1.2.')).length, 19);
    // The RFC numbers them in this order.
    assert.deepEqual(
      index.filter((e) => e.section.startsWith('3.1.1.')).map((e) => e.name),
      VALID_3_1_1,
    );
    assert.deepEqual(
      index.filter((e) => e.section.startsWith('3.1.2.')).map((e) => e.name),
      INVALID_3_1_2,
    );
    assert.deepEqual(
      index.filter((e) => !e.section.startsWith('3.1.')).map((e) => e.name),
      OTHERS,
    );
    assert.equal(new Set(index.map((e) => e.section)).size, index.length, 'sections are unique');
  });

  it('every index entry is well formed', () => {
    for (const e of index) {
      assert.equal(e.file, `${e.name}.dat`);
      assert.match(e.section, /^3\.[1-4](\.\d+)+$/);
      assert.equal(typeof e.valid, 'boolean');
      assert.ok(e.kind === 'request' || e.kind === 'response', e.name);
      assert.ok(e.title.length > 0 && e.expect.length > 0, e.name);
      assert.match(e.sha256, /^[0-9a-f]{64}$/);
    }
  });

  it('the folder holds exactly the listed .dat files, each non-empty and matching its size and SHA-256', () => {
    const dats = readdirSync(DIR)
      .filter((f) => f.endsWith('.dat'))
      .sort();
    assert.deepEqual(dats, index.map((e) => e.file).sort());
    for (const e of index) {
      const b = raw(e.name);
      assert.ok(b.length > 0, `${e.name} is empty`);
      assert.equal(b.length, e.bytes, `${e.name} size`);
      assert.equal(createHash('sha256').update(b).digest('hex'), e.sha256, `${e.name} SHA-256 (line ends converted?)`);
    }
  });

  it('every file is byte-identical to its member of the Appendix A archive (appendix-a.b64)', () => {
    const tgz = Buffer.from(readFileSync(join(DIR, 'appendix-a.b64'), 'latin1').replace(/\s+/g, ''), 'base64');
    assert.deepEqual([...tgz.subarray(0, 2)], [0x1f, 0x8b], 'gzip magic');
    const members = untar(gunzipSync(tgz)); // gunzip checks the CRC-32 and length of the whole tar
    assert.equal(members.size, 50, 'the RFC archive holds 50 files');
    // test.dat is in the archive but described by no section of the RFC, so it is not in the corpus.
    assert.deepEqual(
      [...members.keys()].filter((n) => !byName.has(n.replace(/\.dat$/, ''))),
      ['test.dat'],
    );
    for (const e of index) {
      const member = members.get(e.file);
      assert.ok(member, `${e.file} is in the archive`);
      assert.ok(member.equals(raw(e.name)), `${e.file} differs from the RFC archive`);
    }
  });

  it("start lines match the kind; lines end in CRLF (bare LF only inside mpart01's binary body)", () => {
    for (const e of index) {
      const s = text(e.name);
      const first = s.slice(0, s.indexOf(CRLF));
      if (e.kind === 'response') assert.match(first, /^SIP\/2\.0 \d+ /, e.name);
      else assert.match(first, / SIP\/\d\.\d {0,2}$/, e.name);
      assert.ok(s.endsWith(CRLF), `${e.name} ends with CRLF`);
      const bareLf = [...s.matchAll(/(?<!\r)\n/g)].map((m) => m.index ?? -1);
      if (e.name === 'mpart01') {
        const bodyStart = s.indexOf(CRLF + CRLF);
        assert.ok(bareLf.length > 0 && bareLf.every((i) => i > bodyStart), 'mpart01: bare LF octets only in the body');
      } else {
        assert.deepEqual(bareLf, [], `${e.name} has a bare LF`);
      }
    }
  });

  it('messages end as the RFC renders them', () => {
    const sdpTail = 'a=rtpmap:31 LPC' + CRLF;
    for (const name of [
      'wsinv',
      'esc01',
      'longreq',
      'unreason',
      'badinv01',
      'clerr',
      'ncl',
      'quotbal',
      'ltgtruri',
      'lwsruri',
      'lwsstart',
      'escruri',
      'baddate',
      'mismatch02',
      'insuf',
      'bcast',
      'sdp01',
    ]) {
      assert.ok(text(name).endsWith(sdpTail), `${name} ends with its SDP body`);
    }
    // Bodiless messages end with the empty line after the header fields...
    for (const name of [
      'intmeth',
      'escnull',
      'esc02',
      'lwsdisp',
      'semiuri',
      'transports',
      'noreason',
      'scalar02',
      'scalarlg',
      'trws',
      'regbadct',
      'badaspec',
      'badvers',
      'mismatch01',
      'bigcode',
      'badbranch',
      'zeromf',
      'regescrt',
    ]) {
      assert.ok(text(name).endsWith(CRLF + CRLF), `${name} ends with an empty line`);
    }
    // ...except baddn, whose archived bytes stop right after "l: 0" CRLF (no empty line).
    assert.ok(text('baddn').endsWith('l: 0' + CRLF) && !text('baddn').includes(CRLF + CRLF));
    assert.ok(text('mpart01').endsWith(CRLF + '--7a9cbec02ceef655--' + CRLF));
    assert.ok(text('invut').endsWith('</audio>' + CRLF));
    assert.ok(text('inv2543').endsWith('m=audio 49217 RTP/AVP 0' + CRLF));
    // Three archived messages carry one more empty line after the text the RFC shows: multi01 (counted in
    // its Content-Length of 154), mcl01 (whose length is unknowable anyway) and dblreq (after the INVITE).
    assert.ok(text('multi01').endsWith(sdpTail + CRLF));
    assert.ok(text('mcl01').endsWith("There's no way to know how many octets are supposed to be here." + CRLF + CRLF));
    assert.ok(text('dblreq').endsWith(sdpTail + CRLF));
  });

  it('Content-Length agrees with the body except where the RFC says it does not', () => {
    const wrong = new Set(['clerr', 'ncl', 'mcl01', 'dblreq', 'baddn', 'inv2543']);
    for (const e of index) {
      if (wrong.has(e.name)) continue;
      const { head, body } = split(e.name);
      const cl = contentLengths(head);
      assert.equal(cl.length, 1, `${e.name}: one Content-Length`);
      assert.equal(Number(cl[0]), body.length, `${e.name}: Content-Length ${cl[0]} vs ${body.length} body octets`);
    }
    // 3.1.2.2: larger than the message.
    assert.deepEqual(contentLengths(split('clerr').head), ['9999']);
    assert.ok(split('clerr').body.length < 9999);
    // 3.1.2.3: negative.
    assert.deepEqual(contentLengths(split('ncl').head), ['-999']);
    // 3.3.9: two conflicting values.
    assert.deepEqual(contentLengths(split('mcl01').head), ['13', '5']);
    // 3.4.1: no Content-Length at all (RFC 2543 style).
    assert.deepEqual(contentLengths(split('inv2543').head), []);
  });

  it('3.1.1.8 dblreq: a REGISTER with Content-Length 0, then octets that look like an INVITE', () => {
    const { head, body } = split('dblreq');
    assert.match(head, /^REGISTER sip:example\.com SIP\/2\.0\r\n/);
    assert.deepEqual(contentLengths(head), ['0']);
    const trailing = body.toString('latin1');
    const at = trailing.indexOf('INVITE sip:joe@example.com SIP/2.0' + CRLF);
    assert.ok(at >= 0, 'the trailing octets hold an INVITE request line');
    assert.match(trailing.slice(0, at), /^(\r\n)*$/, 'only empty lines before it');
    const invite = trailing.slice(at);
    const end = invite.indexOf(CRLF + CRLF);
    assert.deepEqual(contentLengths(invite.slice(0, end)), ['150']);
    assert.ok(invite.slice(end + 4).startsWith('v=0' + CRLF));
    assert.ok(invite.includes(CRLF + 'm =video 3227 RTP/AVP 31' + CRLF), 'the RFC\'s "m =video" typo is kept');
  });

  it('3.1.1.7 longreq: the <repeat> values, 34 Via header fields and a 150-octet body', () => {
    const l = lines('longreq');
    assert.equal(raw('longreq').length, 3515);
    assert.equal(l[0], 'INVITE sip:user@example.com SIP/2.0');
    assert.equal(
      l[1],
      `To: "I have a user name of ${'extreme'.repeat(10)} proportion"<sip:user@example.com:6000;unknownparam1=very${'long'.repeat(20)}value;` +
        `longparam${'name'.repeat(25)}=shortvalue;very${'long'.repeat(25)}ParameterNameWithNoValue>`,
    );
    assert.equal(
      l[2],
      `F: sip:${'amazinglylongcallername'.repeat(5)}@example.net;tag=12${'982'.repeat(50)}424;unknownheaderparam${'name'.repeat(20)}=` +
        `unknowheaderparam${'value'.repeat(15)};unknownValueless${'paramname'.repeat(10)}`,
    );
    assert.equal(l[3], `Call-ID: longreq.one${'really'.repeat(20)}longcallid`);
    assert.ok(
      l.includes(
        `Unknown-${'Long'.repeat(20)}-Name: unknown-${'long'.repeat(20)}-value; unknown-${'long'.repeat(20)}-parameter-name = unknown-${'long'.repeat(20)}-parameter-value`,
      ),
    );
    assert.ok(
      l.includes(`Via: SIP/2.0/TCP host.example.com;received=192.0.2.5;branch=very${'long'.repeat(50)}branchvalue`),
    );
    assert.ok(l.includes(`Contact: <sip:${'amazinglylongcallername'.repeat(5)}@host5.example.net>`));
    const vias = l.filter((x) => /^v(ia)?\s*:/i.test(x));
    assert.equal(vias.length, 34);
    for (const form of [
      'v: ',
      'V: ',
      'ViA: ',
      'VIa: ',
      'VIA: ',
      'via: ',
      'viA: ',
      'vIa: ',
      'vIA: ',
      'V :  ',
      'v :  ',
      'V  : ',
      'v  : ',
      'Via : ',
      'Via  : ',
    ]) {
      assert.ok(
        vias.some((x) => x.startsWith(form)),
        `Via spelled "${form}"`,
      );
    }
    assert.equal(split('longreq').body.length, 150);
  });

  it('3.1.1.2 intmeth: the token method, a quoted NUL/BEL/DEL and UTF-8 values', () => {
    const l = lines('intmeth');
    const method = "!interesting-Method0123456789_*+`.%indeed'~";
    assert.equal(
      l[0],
      `${method} sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0`,
    );
    assert.equal(
      l[2],
      'To: "BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f" <sip:1_unusual.URI~(to-be!sure)&isn\'t+it$/crazy?,/;;*@example.com>',
    );
    const from = Buffer.from(l[3] ?? '', 'latin1');
    assert.ok(
      from.includes(Buffer.from('22D180D0B0D0B1D0BED182D0B0D18ED189D0B8D0B922', 'hex')),
      '<hex>D180...D0B9</hex> in quotes',
    );
    assert.equal(
      from.toString('utf8'),
      "From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"работающий\";tag=_token~1'+`*%!-.",
    );
    assert.equal(l[4], 'Call-ID: intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    assert.equal(l[5], `CSeq: 139122385 ${method}`);
    assert.equal(
      Buffer.from(l[7] ?? '', 'latin1').toString('hex'),
      Buffer.from("extensionHeader-!.%*+_`'~:", 'latin1').toString('hex') + 'efbbbfe5a4a7e5819ce99bbb',
    );
    assert.equal(raw('intmeth').filter((b) => b === 0).length, 1, 'exactly one NUL octet');
  });

  it('3.1.1.3-3.1.1.6, 3.1.1.9, 3.1.1.10: escapes, % that is not an escape, missing LWS, ;par in user, transports', () => {
    assert.equal(lines('esc01')[0], 'INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0');
    assert.ok(lines('esc01').includes('  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>'));
    const escnull = lines('escnull');
    assert.ok(escnull.includes('To: sip:null-%00-null@example.com'));
    assert.ok(
      escnull.includes('Contact: <sip:%00@host5.example.com>') &&
        escnull.includes('Contact: <sip:%00%00@host5.example.com>'),
    );
    assert.ok(!raw('escnull').includes(0), 'the nulls are escaped, never raw octets');
    const esc02 = lines('esc02');
    assert.equal(esc02[0], 'RE%47IST%45R sip:registrar.example.com SIP/2.0');
    assert.ok(esc02.includes('CSeq: 29344 RE%47IST%45R'));
    assert.ok(esc02.includes('C%6Fntact: <sip:alias2@host2.example.com>'));
    assert.equal(esc02.filter((x) => x.startsWith('Contact:')).length, 2);
    assert.ok(lines('lwsdisp').includes('From: caller<sip:caller@example.com>;tag=323'));
    assert.equal(lines('semiuri')[0], 'OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0');
    const vias = lines('transports').filter((x) => x.startsWith('Via: '));
    assert.deepEqual(
      vias.map((x) => x.split(' ')[1]),
      ['SIP/2.0/UDP', 'SIP/2.0/SCTP', 'SIP/2.0/TLS', 'SIP/2.0/UNKNOWN', 'SIP/2.0/TCP'],
    );
    assert.equal(lines('wsinv')[0], 'INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0');
    assert.ok(lines('wsinv').includes('UnknownHeaderWithUnusualValue: ;;,,;;,;'));
    assert.ok(lines('wsinv').includes('cseq: 0009'));
  });

  it('3.1.1.11 mpart01: a 553-octet multipart body whose second part is binary with NULs', () => {
    const { head, body } = split('mpart01');
    assert.match(head, /\r\nContent-Type: multipart\/mixed;boundary=7a9cbec02ceef655\r\n/);
    assert.ok(
      head.includes(
        CRLF + 'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport' + CRLF,
      ),
    );
    assert.equal(body.length, 553);
    const bin = Buffer.from('binary\r\n\r\n', 'latin1');
    const second = body.indexOf(bin, body.indexOf(bin) + 1) + bin.length;
    const der = body.subarray(second, body.length - (CRLF + '--7a9cbec02ceef655--' + CRLF).length);
    // The RFC's <hex> rendering of the PKCS#7 part, line by line.
    const rfcHex = [
      '3082015206092A86',
      '4886F70D010702A08201433082013F02',
      '01013109300706052B0E03021A300B06',
      '092A864886F70D010701318201203082',
      '011C020101307C3070310B3009060355',
      '04061302555331133011060355040813',
      '0A43616C69666F726E69613111300F06',
      '03550407130853616E204A6F7365310E',
      '300C060355040A130573697069743129',
      '3027060355040B132053697069742054',
      '65737420436572746966696361746520',
      '417574686F7269747902080195007102',
      '330113300706052B0E03021A300D0609',
      '2A864886F70D01010105000481808EF4',
      '66F948F0522DD2E5978E9D95AAE9F2FE',
      '15A06659716292E8DA2AA8D8350A68CE',
      'FFAE3CBD2BFF1675DDD5648E593DD647',
      '28F26220F7E941749E330D9A15EDABDB',
      '93D10C42102E7B7289D29CC0C9AE2EFB',
      'C7C0CFF9172F3B027E4FC027E1546DE4',
      'B6AA3ABB3E66CCCB5DD6C64B8383149C',
      'B8E6FF182D944FE57B65BC99D005',
    ].join('');
    assert.equal(der.toString('hex').toUpperCase(), rfcHex);
    assert.equal(der.length, 342);
    assert.ok(der.includes(0));
  });

  it('3.1.1.12/3.1.1.13: UTF-8 reason phrase; empty reason phrase after the required SP', () => {
    const first = Buffer.from(lines('unreason')[0] ?? '', 'latin1');
    assert.equal(
      first.toString('hex'),
      Buffer.from('SIP/2.0 200 = 2**3 * 5**2 ', 'latin1').toString('hex') +
        'd0bdd0be20d181d182d0be20d0b4d0b5d0b2d18fd0bdd0bed181d182d0be20d0b4d0b5d0b2d18fd182d18c202d20d0bfd180d0bed181d182d0bed0b5',
    );
    assert.equal(lines('noreason')[0], 'SIP/2.0 100 ');
  });

  it('3.1.2: the deliberate errors are in the bytes', () => {
    assert.ok(lines('badinv01').includes('Via: SIP/2.0/UDP 192.0.2.15;;,;,,'));
    assert.ok(lines('badinv01').includes('Contact: "Joe" <sip:joe@example.org>;;;;'));
    const scalar02 = lines('scalar02');
    assert.ok(scalar02.includes('CSeq: 36893488147419103232 REGISTER'));
    assert.ok(scalar02.includes('Max-Forwards: 300'));
    assert.ok(scalar02.includes(`Expires: 1${'0'.repeat(100)}`));
    assert.ok(scalar02.includes('  ;expires=280297596632815'));
    const scalarlg = lines('scalarlg');
    assert.equal(scalarlg[0], 'SIP/2.0 503 Service Unavailable');
    assert.ok(scalarlg.includes('Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129'));
    assert.ok(scalarlg.includes('CSeq: 9292394834772304023312 OPTIONS'));
    assert.ok(scalarlg.includes('Retry-After: 949302838503028349304023988'));
    assert.ok(scalarlg.includes('Warning: 1812 overture "In Progress"'));
    assert.ok(lines('quotbal').includes('To: "Mr. J. User <sip:j.user@example.com>'));
    assert.equal(lines('ltgtruri')[0], 'INVITE <sip:user@example.com> SIP/2.0');
    assert.equal(lines('lwsruri')[0], 'INVITE sip:user@example.com; lr SIP/2.0');
    assert.equal(lines('lwsstart')[0], 'INVITE  sip:user@example.com  SIP/2.0');
    assert.equal(lines('trws')[0], 'OPTIONS sip:remote-target@example.com SIP/2.0  ');
    assert.equal(lines('escruri')[0], 'INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0');
    assert.ok(lines('baddate').includes('Date: Fri, 01 Jan 2010 16:00:00 EST'));
    assert.ok(lines('regbadct').includes('Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E'));
    assert.ok(lines('badaspec').includes('To: "Watson, Thomas" < sip:t.watson@example.org >'));
    assert.ok(lines('baddn').includes('From:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43'));
    assert.equal(lines('badvers')[0], 'OPTIONS sip:t.watson@example.org SIP/7.0');
    assert.ok(lines('badvers').includes('Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw'));
    assert.equal(lines('mismatch01')[0], 'OPTIONS sip:user@example.com SIP/2.0');
    assert.ok(lines('mismatch01').includes('CSeq: 8 INVITE'));
    assert.equal(lines('mismatch02')[0], 'NEWMETHOD sip:user@example.com SIP/2.0');
    assert.ok(lines('mismatch02').includes('CSeq: 8 INVITE'));
    assert.equal(lines('bigcode')[0], 'SIP/2.0 4294967301 better not break the receiver');
  });

  it('3.2-3.4: branch without id, missing headers, odd schemes, duplicates, broadcast, zero Max-Forwards', () => {
    assert.ok(lines('badbranch').includes('Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK'));
    const insuf = split('insuf').head;
    assert.doesNotMatch(insuf, /^(call-id|i|from|f|to|t)[ \t]*:/im);
    assert.equal(lines('unkscm')[0], 'OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0');
    assert.equal(lines('novelsc')[0], 'OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0');
    assert.ok(lines('unksm2').includes('To: isbn:2983792873'));
    const multi = split('multi01').head;
    for (const [field, n] of [
      ['CSeq', 2],
      ['Call-ID', 2],
      ['To', 2],
      ['From', 2],
      ['Max-Forwards', 2],
    ] as const) {
      assert.equal(multi.split(CRLF).filter((x) => x.startsWith(`${field}: `)).length, n, `multi01 ${field}`);
    }
    assert.ok(lines('bcast').includes('Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23'));
    assert.ok(lines('zeromf').includes('Max-Forwards: 0'));
    assert.ok(lines('cparam01').includes('Contact: sip:+19725552222@gw1.example.net;unknownparam'));
    assert.ok(lines('cparam02').includes('Contact: <sip:+19725552222@gw1.example.net;unknownparam>'));
    assert.ok(lines('regescrt').includes('M: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>'));
    assert.ok(lines('regaut01').includes('Authorization: NoOneKnowsThisScheme opaque-data=here'));
    assert.ok(lines('sdp01').includes('Accept: text/nobodyKnowsThis'));
    assert.ok(lines('inv2543').includes('Via: SIP/2.0/UDP iftgw.example.com'));
  });
});
