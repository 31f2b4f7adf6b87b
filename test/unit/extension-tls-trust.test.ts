// Issue 19: an https PBX's certificate is trusted per connection — by a CA (Node's or the connection's own, e.g. the
// local simulator's), by the connection's pin, or by the user's decision; a changed certificate is refused. Real TLS
// sockets on 127.0.0.1: a plain simulator behind a TLS front (test/support/tlsFront.ts) with generated certificates.
import assert from 'node:assert/strict';
import https from 'node:https';
import { uciToken } from '../../shared/hashes.js';
import { PbxSession } from '../../extension/src/model/pbxSession.js';
import { createPbxFetch, pbxAgent } from '../../extension/src/pbx/httpsFetch.js';
import { PbxError, PbxRestClient } from '../../extension/src/pbx/restClient.js';
import { decideTrust, type CertificateDetails, type ConnectionTrust } from '../../extension/src/pbx/tlsTrust.js';
import { UciXmlRpcClient, UciXmlRpcError, uciXmlRpcUrl } from '../../extension/src/pbx/uciXmlRpcClient.js';
import { errorText } from '../../extension/src/text/errorText.js';
import { englishOnly } from '../../extension/src/text/i18n.js';
import { cleanUp } from '../support/cleanup.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';
import { makeCa, makeServerCert, type TestCa, type TestCert } from '../support/tlsCerts.js';
import { startTlsFront, type TlsFront } from '../support/tlsFront.js';
import { until } from '../support/until.js';

interface Recorder {
  trust: ConnectionTrust;
  asked: CertificateDetails[];
  changed: { cert: CertificateDetails; pinned: string }[];
  pins: Map<string, string>;
}

/** A connection's trust with an in-memory pin store (shared by name, as globalState is) and a scripted user. */
function connectionTrust(
  name: string,
  opts: { pins?: Map<string, string>; answer?: boolean; ca?: string[]; prompt?: boolean } = {},
): Recorder {
  const pins = opts.pins ?? new Map<string, string>();
  const rec: Recorder = { asked: [], changed: [], pins, trust: undefined as unknown as ConnectionTrust };
  rec.trust = {
    connection: name,
    extraCa: () => opts.ca ?? [],
    pins: {
      get: () => pins.get(name),
      set: (fp) => {
        pins.set(name, fp);
        return Promise.resolve();
      },
    },
    ...(opts.prompt === false
      ? {}
      : {
          prompt: {
            askTrust: (_c, cert) => {
              rec.asked.push(cert);
              return Promise.resolve(opts.answer ?? false);
            },
            warnChanged: (_c, cert, pinned) => rec.changed.push({ cert, pinned }),
          },
        }),
  };
  return rec;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  assert.fail('expected a rejection');
}

describe('extension TLS trust per connection (issue 19)', function () {
  this.timeout(20_000);
  let sim: RunningSim;
  let ca: TestCa;
  let otherCa: TestCa;
  let byCa: TestCert;
  let selfSigned: TestCert;
  let selfSigned2: TestCert;
  const fronts: TlsFront[] = [];
  const front = async (cert: TestCert) => {
    const f = await startTlsFront(cert, { port: Number(new URL(sim.base).port) });
    fronts.push(f);
    return f;
  };
  const client = (f: TlsFront, trust: ConnectionTrust) =>
    new PbxRestClient(`${f.url}/rest`, { fetch: createPbxFetch(trust) });

  before(async () => {
    sim = await startSim();
    [ca, otherCa] = await Promise.all([makeCa('DevKit Test CA'), makeCa('Another CA')]);
    [byCa, selfSigned, selfSigned2] = await Promise.all([
      makeServerCert({ ca }),
      makeServerCert({ cn: 'pbx.local' }),
      makeServerCert({ cn: 'pbx.local' }),
    ]);
  });
  after(() => cleanUp(...fronts.map((f) => () => f.stop()), () => sim?.stop()));

  it('trusts a certificate whose chain verifies against the connection’s CA and host name, without asking', async () => {
    const f = await front(byCa);
    const rec = connectionTrust('Sim', { ca: [ca.certPem] });
    const c = client(f, rec.trust);
    await c.login('admin', ADMIN_PASSWORD);
    assert.equal(c.signedIn, true);
    assert.deepEqual(rec.asked, []);
    assert.equal(rec.pins.size, 0, 'a CA-trusted certificate is not pinned');
  });

  it('the same CA-signed certificate without that CA is unknown: the user is asked with its details', async () => {
    const f = await front(byCa);
    const rec = connectionTrust('PBX', { answer: false });
    const err = await rejection(client(f, rec.trust).login('admin', ADMIN_PASSWORD));
    assert.equal(rec.asked.length, 1);
    const cert = rec.asked[0]!;
    assert.equal(cert.fingerprint, byCa.fingerprint);
    assert.match(cert.subject, /CN=localhost/);
    assert.match(cert.issuer, /CN=DevKit Test CA/);
    assert.ok(Date.parse(cert.validFrom) < Date.now() && Date.parse(cert.validTo) > Date.now(), 'validity shown');
    assert.deepEqual(cert.subjectAltNames, ['DNS:localhost', 'IP Address:127.0.0.1']);
    assert.ok(err instanceof PbxError);
    assert.equal((err.failure as { code: string }).code, 'CERT_UNTRUSTED');
    assert.match(errorText(err, englishOnly), new RegExp(byCa.fingerprint));
    assert.equal(rec.pins.size, 0, 'declined: nothing pinned');
  });

  it('an unknown certificate the user trusts is pinned for that connection and used without asking again', async () => {
    const f = await front(selfSigned);
    const rec = connectionTrust('Self', { answer: true });
    const c = client(f, rec.trust);
    // A burst of first requests shares one prompt.
    await Promise.all([c.call('getLogin'), c.call('getLogin'), c.call('getLogin')]);
    await c.login('admin', ADMIN_PASSWORD);
    assert.equal(rec.asked.length, 1, 'asked once');
    assert.equal(rec.pins.get('Self'), selfSigned.fingerprint);
    // A new session of the same connection (the pin is stored): no prompt.
    const again = connectionTrust('Self', { pins: rec.pins, answer: false });
    await client(f, again.trust).login('admin', ADMIN_PASSWORD);
    assert.deepEqual(again.asked, []);
  });

  it('a pin of connection A is not used for connection B to the same address', async () => {
    const f = await front(selfSigned);
    const pins = new Map([['A', selfSigned.fingerprint]]);
    const a = connectionTrust('A', { pins });
    const b = connectionTrust('B', { pins, answer: false });
    await client(f, a.trust).login('admin', ADMIN_PASSWORD);
    const err = await rejection(client(f, b.trust).login('admin', ADMIN_PASSWORD));
    assert.equal(b.asked.length, 1, 'B is asked');
    assert.equal((err as PbxError).failure?.code, 'CERT_UNTRUSTED');
    assert.equal(pins.get('B'), undefined);
  });

  it('a changed certificate is refused with a warning naming both fingerprints, never asked about or accepted', async () => {
    const f = await front(selfSigned);
    const pins = new Map<string, string>();
    const rec = connectionTrust('Changing', { pins, answer: true });
    const c = client(f, rec.trust);
    await c.login('admin', ADMIN_PASSWORD);
    assert.equal(pins.get('Changing'), selfSigned.fingerprint);
    f.swap(selfSigned2);
    const err = await rejection(c.call('getLogin'));
    const again = await rejection(c.call('getLogin'));
    assert.equal((err as PbxError).failure?.code, 'CERT_CHANGED');
    assert.equal((again as PbxError).failure?.code, 'CERT_CHANGED', 'still refused');
    const text = errorText(err, englishOnly);
    assert.match(text, /CHANGED/);
    assert.ok(text.includes(selfSigned.fingerprint) && text.includes(selfSigned2.fingerprint), text);
    assert.equal(rec.asked.length, 1, 'only the first certificate was asked about');
    assert.deepEqual(
      rec.changed.map((c) => [c.pinned, c.cert.fingerprint]),
      [[selfSigned.fingerprint, selfSigned2.fingerprint]],
      'one warning for the burst',
    );
    assert.equal(pins.get('Changing'), selfSigned.fingerprint, 'the pin is kept');
    // Forgetting the pin (the command) lets the user decide again.
    pins.delete('Changing');
    await c.call('getLogin');
    assert.equal(rec.asked.length, 2);
    assert.equal(pins.get('Changing'), selfSigned2.fingerprint);
  });

  it('a CA-signed certificate for another host name is not trusted by the CA: the user is asked, the reason named', async () => {
    const f = await front(await makeServerCert({ ca, names: ['pbx.example.com'] }));
    const rec = connectionTrust('Wrong name', { ca: [ca.certPem] });
    await rejection(client(f, rec.trust).call('getLogin'));
    assert.equal(rec.asked.length, 1);
    assert.match(rec.asked[0]!.reason ?? '', /127\.0\.0\.1|altnames|IP/i);
  });

  it('an expired certificate of a trusted CA is not trusted: the user sees its validity and why', async () => {
    const f = await front(
      await makeServerCert({
        ca,
        notBefore: new Date(Date.now() - 20 * 86_400_000),
        notAfter: new Date(Date.now() - 86_400_000),
      }),
    );
    const rec = connectionTrust('Expired', { ca: [ca.certPem] });
    await rejection(client(f, rec.trust).call('getLogin'));
    assert.equal(rec.asked.length, 1);
    assert.match(rec.asked[0]!.reason ?? '', /CERT_HAS_EXPIRED|expired/i);
    assert.ok(Date.parse(rec.asked[0]!.validTo) < Date.now());
  });

  it('another CA than the connection’s does not count; without a prompt (CLI) an unknown certificate is refused', async () => {
    const f = await front(byCa);
    const rec = connectionTrust('Other CA', { ca: [otherCa.certPem], prompt: false });
    const err = await rejection(client(f, rec.trust).call('getLogin'));
    assert.equal((err as PbxError).failure?.code, 'CERT_UNTRUSTED');
  });

  it('changes nothing for the process: the global fetch and https agent still refuse the test certificate', async () => {
    const f = await front(selfSigned);
    const pins = new Map([['P', selfSigned.fingerprint]]);
    await client(f, connectionTrust('P', { pins }).trust).call('getLogin');
    assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
    await rejection(fetch(`${f.url}/rest/login`));
    const viaHttps = await new Promise<string>((resolve) =>
      https
        .get(`${f.url}/rest/login`, () => resolve('answered'))
        .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error')),
    );
    assert.notEqual(viaHttps, 'answered');
  });

  it('the XML-RPC UCI goes through the connection’s transport: pinned works, changed is refused', async () => {
    const f = await front(selfSigned);
    const pins = new Map([['X', selfSigned.fingerprint]]);
    const transport = createPbxFetch(connectionTrust('X', { pins }).trust);
    const endpoint = uciXmlRpcUrl(`${f.url}/rest`);
    const x = new UciXmlRpcClient(endpoint, uciToken('admin', ADMIN_PASSWORD), { fetch: transport });
    await x.login();
    assert.equal(await x.keepAlive(), true);
    await x.logout();
    f.swap(selfSigned2);
    const err = await rejection(
      new UciXmlRpcClient(endpoint, uciToken('admin', ADMIN_PASSWORD), { fetch: transport }).login(),
    );
    assert.ok(err instanceof UciXmlRpcError);
    assert.match(err.message, /changed/);
    assert.ok(err.message.includes(selfSigned2.fingerprint));
  });

  it('a session signs in and follows live events over the UCI WebSocket (wss) with the connection’s CA', async () => {
    const f = await front(byCa);
    const transport = createPbxFetch(connectionTrust('Live', { ca: [ca.certPem], prompt: false }).trust);
    assert.ok(pbxAgent(transport, `${f.url.replace('https', 'wss')}/uci`), 'wss gets the connection’s agent');
    const session = new PbxSession(
      { name: 'Live', url: f.url, login: 'admin', kind: 'simulator', auth: 'auto' },
      undefined,
      undefined,
      undefined,
      undefined,
      transport,
    );
    try {
      await session.signIn(ADMIN_PASSWORD);
      await until('live over wss', () => session.live.state === 'live', 10_000);
      assert.equal(session.liveSource, 'uci');
    } finally {
      await session.signOut();
      session.dispose();
    }
  });

  it('sign-in with method auto (OAuth probe, then legacy) asks about an unknown certificate once, declined: refused', async () => {
    const f = await front(selfSigned);
    const rec = connectionTrust('Auto', { answer: false });
    const session = new PbxSession(
      { name: 'Auto', url: f.url, login: 'admin', kind: 'pbx', auth: 'auto' },
      undefined,
      undefined,
      undefined,
      undefined,
      createPbxFetch(rec.trust),
    );
    try {
      // With a client secret, auto first probes whether OAuth is offered.
      await assert.rejects(session.signIn(ADMIN_PASSWORD, { clientSecret: 'not-used' }));
      assert.equal(rec.asked.length, 1, 'one prompt, not one per sign-in step');
      assert.equal((session.failure as PbxError).failure?.code, 'CERT_UNTRUSTED');
    } finally {
      session.dispose();
    }
  });

  it('keeps the HTTP limits over https: a redirect is named not followed, a large answer refused, a timeout kept', async () => {
    const server = https.createServer({ cert: selfSigned.certPem, key: selfSigned.keyPem }, (req, res) => {
      if (req.url?.endsWith('/login')) {
        res.writeHead(307, { location: 'https://127.0.0.1:1/elsewhere?token=secret' }).end();
      } else if (req.url?.endsWith('/users')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const more = () => {
          while (sent < 20 && res.write(chunk)) sent++;
          if (sent < 20) res.once('drain', more);
          else res.end('[]');
        };
        more();
      }
      // Anything else: never answered (the timeout).
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `https://127.0.0.1:${(server.address() as { port: number }).port}/rest`;
    try {
      const trust = connectionTrust('Limits', { pins: new Map([['Limits', selfSigned.fingerprint]]) }).trust;
      const c = new PbxRestClient(base, { fetch: createPbxFetch(trust), timeoutMs: 300 });
      const redirect = await rejection(c.call('getLogin'));
      assert.equal((redirect as PbxError).code, 'REDIRECT');
      assert.doesNotMatch(redirect.message, /secret/);
      const large = await rejection(c.request('GET', '/users', { auth: false }));
      assert.equal((large as PbxError).code, 'TOO_LARGE');
      const slow = await rejection(c.request('GET', '/silent', { auth: false }));
      assert.equal((slow as PbxError).failure?.code, 'TIMEOUT');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('decideTrust: a pin never outranks a refusal of a different certificate', () => {
    const cert = { fingerprint256: selfSigned.fingerprint, subject: {}, issuer: {}, valid_from: '', valid_to: '' };
    const base = { authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', hostname: '127.0.0.1' };
    const as = cert as unknown as Parameters<typeof decideTrust>[0]['cert'];
    assert.deepEqual(decideTrust({ ...base, cert: as, pin: selfSigned.fingerprint }), {
      verdict: 'trusted',
      by: 'pin',
    });
    assert.equal(decideTrust({ ...base, cert: as, pin: selfSigned2.fingerprint }).verdict, 'changed');
    assert.equal(decideTrust({ ...base, cert: as }).verdict, 'unknown');
    // Pins are compared in the one written form, whatever form was stored.
    const lower = selfSigned.fingerprint.replace(/:/g, '').toLowerCase();
    assert.equal(decideTrust({ ...base, cert: as, pin: lower }).verdict, 'trusted');
  });
});
