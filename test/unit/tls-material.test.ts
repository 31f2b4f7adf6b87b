// The certificate material of --tls (simulator/src/tls/): what the CA and the server certificate hold, and what the
// TLS folder keeps, makes anew and never touches. The listeners are tested in test/simulator/tls.test.ts.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { FINGERPRINT_PATTERN } from '../../shared/tlsFingerprint.js';
import { CA_FILE, CA_KEY_FILE, ensureTlsFolder, SERVER_FILE, SERVER_KEY_FILE } from '../../simulator/src/tls/folder.js';
import {
  createCa,
  createServerCert,
  fingerprintOf,
  serverCertProblem,
  serverNames,
  SERVER_LIFETIME_DAYS,
} from '../../simulator/src/tls/material.js';

const DAY = 86_400_000;

describe('unit: TLS material (local CA, server certificate, the TLS folder)', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'starface-tls-unit-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the CA is an ECDSA P-256 CA for about ten years that may only sign certificates and CRLs', async () => {
    const ca = await createCa('pbx.demo');
    const cert = new X509Certificate(ca.cert);
    assert.equal(cert.ca, true);
    assert.match(cert.subject, /CN=STARFACE Simulator Local CA \(pbx\.demo\)/);
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const years = (Date.parse(cert.validTo) - Date.now()) / (365 * DAY);
    assert.ok(years > 9.9 && years < 10.1, `${years} years`);
    const parsed = new x509.X509Certificate(ca.cert);
    const usage = parsed.getExtension(x509.KeyUsagesExtension);
    assert.equal(usage?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    assert.equal(usage?.critical, true);
    assert.equal(parsed.getExtension(x509.BasicConstraintsExtension)?.ca, true);
    assert.ok(cert.checkIssued(cert));
  });

  it('the server certificate names localhost, 127.0.0.1, ::1, the host and the PBX name; serverAuth; ≤ 825 days', async () => {
    const ca = await createCa('x');
    const names = serverNames('127.0.0.1', 'pbx.demo');
    assert.deepEqual(names, { dns: ['localhost', 'pbx.demo'], ips: ['127.0.0.1', '::1'] });
    const server = await createServerCert(ca, names);
    const cert = new X509Certificate(server.cert);
    assert.equal(cert.ca, false);
    assert.ok(cert.verify(new X509Certificate(ca.cert).publicKey));
    assert.ok(cert.checkIssued(new X509Certificate(ca.cert)));
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkHost('pbx.demo'), 'pbx.demo');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkIP('::1'), '::1');
    assert.equal(cert.checkHost('other.example'), undefined);
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(Date.parse(cert.validTo) - Date.now() <= SERVER_LIFETIME_DAYS * DAY);
    assert.equal(serverCertProblem(server.cert, server.key, ca.cert, names), undefined);
  });

  it('names: a host name and an IPv6 bind are added; all interfaces add each interface address', () => {
    assert.deepEqual(serverNames('sim.lan', undefined), { dns: ['localhost', 'sim.lan'], ips: ['127.0.0.1', '::1'] });
    assert.deepEqual(serverNames('::1', 'PBX.Demo').dns, ['localhost', 'pbx.demo']);
    assert.deepEqual(serverNames('0.0.0.0', undefined, ['127.0.0.1', '127.0.0.7', 'fe80::1']).ips, [
      '0.0.0.0',
      '127.0.0.1',
      '127.0.0.7',
      '::1',
      'fe80::1',
    ]);
  });

  it('the fingerprint is the SHA-256 of the DER, written as upper-case hex pairs', async () => {
    const ca = await createCa('x');
    const fp = fingerprintOf(ca.cert);
    assert.match(fp, FINGERPRINT_PATTERN);
    assert.equal(fp, new X509Certificate(ca.cert).fingerprint256);
  });

  it('the folder: made once with keys 0600, then reused as it is', async () => {
    const dir = fresh();
    const names = serverNames('127.0.0.1', 'pbx.demo');
    const first = await ensureTlsFolder({ dir, names, label: 'pbx.demo' });
    assert.deepEqual(first.made, { ca: true, server: 'none yet' });
    assert.equal(first.caPath, join(dir, CA_FILE));
    for (const f of [CA_KEY_FILE, SERVER_KEY_FILE]) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const second = await ensureTlsFolder({ dir, names, label: 'pbx.demo' });
    assert.deepEqual(second.made, { ca: false, server: undefined });
    assert.equal(second.fingerprint, first.fingerprint);
    assert.equal(second.ca, first.ca);
  });

  it('a loosened key file is tightened back to 0600', async () => {
    const dir = fresh();
    const names = serverNames('127.0.0.1', undefined);
    await ensureTlsFolder({ dir, names, label: 'x' });
    chmodSync(join(dir, SERVER_KEY_FILE), 0o644);
    await ensureTlsFolder({ dir, names, label: 'x' });
    assert.equal(statSync(join(dir, SERVER_KEY_FILE)).mode & 0o777, 0o600);
  });

  it('a new host or PBX name makes a new server certificate, signed by the same, kept CA', async () => {
    const dir = fresh();
    const first = await ensureTlsFolder({ dir, names: serverNames('127.0.0.1', 'pbx.demo'), label: 'pbx.demo' });
    const moved = await ensureTlsFolder({ dir, names: serverNames('127.0.0.1', 'pbx.other'), label: 'pbx.other' });
    assert.deepEqual(moved.made, { ca: false, server: 'does not name pbx.other' });
    assert.notEqual(moved.fingerprint, first.fingerprint);
    assert.equal(moved.ca, first.ca);
    assert.equal(new X509Certificate(moved.cert).checkHost('pbx.other'), 'pbx.other');
  });

  it('a server certificate that expires within 30 days is made anew; the valid CA stays', async () => {
    const dir = fresh();
    const names = serverNames('127.0.0.1', undefined);
    const now = Date.now();
    const first = await ensureTlsFolder({ dir, names, label: 'x', now });
    const later = await ensureTlsFolder({ dir, names, label: 'x', now: now + (SERVER_LIFETIME_DAYS - 29) * DAY });
    assert.deepEqual(later.made, { ca: false, server: 'expires soon' });
    assert.equal(later.ca, first.ca);
    assert.notEqual(later.fingerprint, first.fingerprint);
  });

  it('an expired CA is made anew, and with it the server certificate', async () => {
    const dir = fresh();
    const names = serverNames('127.0.0.1', undefined);
    const now = Date.now();
    const first = await ensureTlsFolder({ dir, names, label: 'x', now });
    const after11y = await ensureTlsFolder({ dir, names, label: 'x', now: now + 11 * 365 * DAY });
    assert.equal(after11y.made.ca, true);
    assert.notEqual(after11y.ca, first.ca);
    assert.ok(after11y.made.server);
  });

  it('a CA from another folder signs; that folder is not written when it holds a CA', async () => {
    const caDir = fresh();
    const dir = fresh();
    const shared = await ensureTlsFolder({ dir: caDir, names: serverNames('127.0.0.1', undefined), label: 'shared' });
    const before = readFileSync(join(caDir, CA_FILE), 'utf8');
    const own = await ensureTlsFolder({ dir, caDir, names: serverNames('127.0.0.1', undefined), label: 'x' });
    assert.equal(own.caPath, join(caDir, CA_FILE));
    assert.equal(own.ca, shared.ca);
    assert.equal(readFileSync(join(caDir, CA_FILE), 'utf8'), before);
    assert.ok(new X509Certificate(own.cert).verify(new X509Certificate(before).publicKey));
  });

  it('a server certificate of another CA, or with a key that does not match, is made anew', async () => {
    const dir = fresh();
    const names = serverNames('127.0.0.1', undefined);
    await ensureTlsFolder({ dir, names, label: 'x' });
    const stranger = await createServerCert(await createCa('stranger'), names);
    writeFileSync(join(dir, SERVER_FILE), stranger.cert);
    assert.equal((await ensureTlsFolder({ dir, names, label: 'x' })).made.server, 'not signed by the CA');
    const other = await createServerCert(
      { cert: readFileSync(join(dir, CA_FILE), 'utf8'), key: readFileSync(join(dir, CA_KEY_FILE), 'utf8') },
      names,
    );
    writeFileSync(join(dir, SERVER_KEY_FILE), other.key);
    assert.equal((await ensureTlsFolder({ dir, names, label: 'x' })).made.server, 'key does not match');
  });
});
