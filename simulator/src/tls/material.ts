// Certificate material for --tls, in memory: a local CA and a server certificate it signs. No files, no sockets:
// tls/folder.ts decides what to keep and what to make anew; the listeners only get PEM text.
// @peculiar/x509 v2 resolves its parts through tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, createPrivateKey, X509Certificate, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { formatFingerprint } from '../../../shared/tlsFingerprint.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
/** About ten years: integrators trust the CA once. */
export const CA_LIFETIME_DAYS = 3650;
/** The most browsers and Apple platforms accept for a server certificate. */
export const SERVER_LIFETIME_DAYS = 825;
/** A server certificate that expires sooner than this is made anew at start. */
export const SERVER_RENEW_BEFORE_DAYS = 30;

/** One certificate with its private key, both PEM. */
export interface CertAndKey {
  cert: string;
  key: string;
}

/** The names a server certificate must cover. */
export interface ServerNames {
  dns: string[];
  ips: string[];
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

function derOf(text: string): Buffer {
  return Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privatePem(key: CryptoKey): Promise<string> {
  return pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', key));
}

/** 16 random bytes with the top bit clear: a positive serial as RFC 5280 wants it. */
function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f;
  bytes[0]! |= 0x01;
  return Buffer.from(bytes).toString('hex');
}

/** Commas, plus signs and the like would need escaping in a distinguished name; a label needs none of them. */
function dnSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9 .:_()-]/g, '_').slice(0, 48);
}

/** A new local CA: ECDSA P-256, about ten years, allowed to sign certificates and CRLs only. */
export async function createCa(label: string, now: number = Date.now()): Promise<CertAndKey> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=STARFACE Simulator Local CA (${dnSafe(label)}), O=STARFACE Teams DevKit`,
    // An hour back: a client whose clock is a little behind still accepts it.
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + CA_LIFETIME_DAYS * DAY_MS),
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await privatePem(keys.privateKey) };
}

/** A server certificate for `names`, signed by `ca`: ECDSA P-256, at most 825 days, serverAuth only. */
export async function createServerCert(
  ca: CertAndKey,
  names: ServerNames,
  now: number = Date.now(),
): Promise<CertAndKey> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await webcrypto.subtle.importKey('pkcs8', derOf(ca.key), EC, false, ['sign']);
  const keys = await newKeys();
  const caEnd = caCert.notAfter.getTime();
  const notAfter = Math.min(now + SERVER_LIFETIME_DAYS * DAY_MS, caEnd);
  const cn = names.dns[0] ?? names.ips[0] ?? 'localhost';
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${dnSafe(cn)}, O=STARFACE Teams DevKit`,
    issuer: caCert.subject,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(notAfter),
    signingAlgorithm: SIGNING,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...names.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(await caCert.publicKey.export()),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await privatePem(keys.privateKey) };
}

/** SHA-256 of the certificate's DER, as the ready line and banner write it. */
export function fingerprintOf(certPem: string): string {
  return formatFingerprint(createHash('sha256').update(new X509Certificate(certPem).raw).digest());
}

/**
 * The names a server certificate needs: `localhost`, 127.0.0.1, ::1, the bound address (its interfaces' addresses
 * when bound to all), the PBX name and the --host value. Sorted and without repeats, so a comparison is stable.
 */
export function serverNames(
  host: string,
  pbxName: string | undefined,
  interfaces: readonly string[] = [],
): ServerNames {
  const dns = new Set<string>(['localhost']);
  const ips = new Set<string>(['127.0.0.1', '::1']);
  const add = (name: string | undefined) => {
    if (!name) return;
    const bare = name.replace(/^\[(.*)\]$/, '$1');
    if (isIP(bare)) ips.add(bare.toLowerCase());
    else if (/^[A-Za-z0-9.-]+$/.test(bare)) dns.add(bare.toLowerCase());
  };
  // Bound to all interfaces, the addresses say 0.0.0.0 (or ::), which reaches this machine: named too.
  if (host === '0.0.0.0' || host === '::' || host === '') for (const a of [host || '0.0.0.0', ...interfaces]) add(a);
  else add(host);
  add(pbxName);
  return { dns: ['localhost', ...[...dns].filter((d) => d !== 'localhost').sort()], ips: [...ips].sort() };
}

/** Why `cert` cannot serve `names` signed by `caPem` any more at `now`, or undefined when it still can. */
export function serverCertProblem(
  certPem: string,
  keyPem: string,
  caPem: string,
  names: ServerNames,
  now: number = Date.now(),
): string | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    return 'unreadable';
  }
  if (!cert.verify(new X509Certificate(caPem).publicKey)) return 'not signed by the CA';
  try {
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return 'key does not match';
  } catch {
    return 'key unreadable';
  }
  if (Date.parse(cert.validTo) - now < SERVER_RENEW_BEFORE_DAYS * DAY_MS) return 'expires soon';
  for (const d of names.dns) if (!cert.checkHost(d, { wildcards: false })) return `does not name ${d}`;
  for (const ip of names.ips) if (!cert.checkIP(ip)) return `does not name ${ip}`;
  return undefined;
}

/** True while the CA certificate is valid at `now` and its key matches. */
export function caUsable(ca: CertAndKey, now: number = Date.now()): boolean {
  try {
    const cert = new X509Certificate(ca.cert);
    return cert.ca && Date.parse(cert.validTo) > now && cert.checkPrivateKey(createPrivateKey(ca.key));
  } catch {
    return false;
  }
}
