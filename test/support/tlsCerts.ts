// Test certificates made on the fly with @peculiar/x509 (P-256): a CA and server certificates it signs, a
// self-signed one, an expired one. Two calls give two different certificates for the same names, which the
// certificate-pinning tests need. Keys stay in memory; nothing is written to disk.
// @peculiar/x509 v2 resolves its parts through tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { normalizeFingerprint } from '../../shared/tlsFingerprint.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface TestCa {
  certPem: string;
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  name: string;
}

export interface TestCert {
  certPem: string;
  keyPem: string;
  /** SHA-256, `AA:BB:…` as the extension shows it. */
  fingerprint: string;
}

let serial = 1;
const nextSerial = () =>
  (serial++).toString(16).padStart(2, '0') + webcrypto.getRandomValues(new Uint8Array(4)).join('');

async function keyPem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END PRIVATE KEY-----\n`;
}

const generate = () => webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

export async function makeCa(name = 'DevKit Test CA'): Promise<TestCa> {
  const keys = await generate();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), cert, keys, name };
}

export interface LeafOptions {
  /** DNS names and IP addresses; default localhost and 127.0.0.1. */
  names?: string[];
  /** Signed by this CA; without it the certificate is self-signed. */
  ca?: TestCa;
  /** Validity; default from yesterday for a year. */
  notBefore?: Date;
  notAfter?: Date;
  cn?: string;
}

export async function makeServerCert(opts: LeafOptions = {}): Promise<TestCert> {
  const names = opts.names ?? ['localhost', '127.0.0.1'];
  const keys = await generate();
  const cn = opts.cn ?? names[0]!;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(
      names.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
    ),
  ];
  const validity = {
    notBefore: opts.notBefore ?? new Date(Date.now() - DAY),
    notAfter: opts.notAfter ?? new Date(Date.now() + 365 * DAY),
  };
  const cert = opts.ca
    ? await x509.X509CertificateGenerator.create({
        serialNumber: nextSerial(),
        subject: `CN=${cn}`,
        issuer: opts.ca.cert.subject,
        ...validity,
        signingKey: opts.ca.keys.privateKey,
        publicKey: keys.publicKey,
        signingAlgorithm: ALG,
        extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(opts.ca.cert)],
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: nextSerial(),
        name: `CN=${cn}`,
        ...validity,
        keys,
        signingAlgorithm: ALG,
        extensions,
      });
  const certPem = cert.toString('pem');
  return {
    certPem,
    keyPem: await keyPem(keys),
    fingerprint: normalizeFingerprint(new X509Certificate(certPem).fingerprint256)!,
  };
}
