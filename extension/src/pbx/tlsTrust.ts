import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls, { type PeerCertificate, type SecureContext, type TLSSocket } from 'node:tls';
import { normalizeFingerprint } from '../../../shared/tlsFingerprint.js';

/**
 * Whether one connection trusts the certificate its PBX presents. Decided per TLS socket, for that connection
 * only: verification is never switched off for the process (no NODE_TLS_REJECT_UNAUTHORIZED, no global agent).
 *
 * 1. The chain verifies against Node's CAs plus the connection's extra CAs (the local simulator's CA) and the
 *    host name matches → trusted.
 * 2. Else the leaf's SHA-256 equals the connection's pin → trusted (a self-signed PBX the user accepted once).
 * 3. Else, with a pin → CHANGED: refused, never accepted silently; the user forgets the pin and decides again.
 * 4. Else unknown: the user is shown the certificate and decides (no one to ask, e.g. the CLI: refused).
 */

/** What the user is shown about a certificate before deciding. */
export interface CertificateDetails {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 of the DER, `AA:BB:…` (shared/tlsFingerprint.ts). */
  fingerprint: string;
  subjectAltNames: string[];
  /** Why the certificate is not trusted by a CA (expired, self-signed, wrong name), in OpenSSL's or Node's words. */
  reason?: string;
}

export type TrustVerdict =
  | { verdict: 'trusted'; by: 'ca' | 'pin' }
  | { verdict: 'unknown'; cert: CertificateDetails }
  | { verdict: 'changed'; cert: CertificateDetails; pinned: string };

/** Where a connection's pin lives (VS Code: globalState; CLI: --fingerprint). */
export interface PinStore {
  get(): string | undefined;
  set(fingerprint: string): Promise<void>;
}

/** How the user is asked (VS Code: a modal); absent in the CLI, where an unknown certificate is refused. */
export interface TrustPrompt {
  /** True: the user trusts this certificate for this connection (the caller pins it). */
  askTrust(connection: string, cert: CertificateDetails): Promise<boolean>;
  /** A pinned connection met another certificate; the connection is refused whatever this does. */
  warnChanged(connection: string, cert: CertificateDetails, pinned: string): void;
}

/** One connection's trust: its name for messages, its extra CAs, its pin and who to ask. */
export interface ConnectionTrust {
  readonly connection: string;
  /** Extra CA certificates (PEM) this connection trusts besides Node's, read when a socket opens. */
  extraCa?(): string[];
  readonly pins?: PinStore;
  readonly prompt?: TrustPrompt;
}

/** A certificate this connection does not trust; `cert` says what was presented. */
export class TlsTrustError extends Error {
  readonly code: 'CERT_UNTRUSTED' | 'CERT_CHANGED';
  constructor(
    readonly connection: string,
    readonly verdict: Exclude<TrustVerdict, { verdict: 'trusted' }>,
  ) {
    super(
      verdict.verdict === 'changed'
        ? `the certificate of ${connection} changed: pinned ${verdict.pinned}, presented ${verdict.cert.fingerprint}`
        : `the certificate of ${connection} is not trusted (${verdict.cert.reason ?? 'unknown issuer'}; SHA-256 ${verdict.cert.fingerprint})`,
    );
    this.code = verdict.verdict === 'changed' ? 'CERT_CHANGED' : 'CERT_UNTRUSTED';
  }
  get cert(): CertificateDetails {
    return this.verdict.cert;
  }
}

/** Node's CAs only, nothing pinned, nobody to ask: what a client without a connection's trust does. */
export const DEFAULT_TRUST: ConnectionTrust = { connection: 'PBX' };

export function certificateDetails(cert: PeerCertificate, reason?: string): CertificateDetails {
  const x509 = cert.raw ? new X509Certificate(cert.raw) : undefined;
  return {
    subject: x509?.subject.replace(/\n/g, ', ') ?? flat(cert.subject),
    issuer: x509?.issuer.replace(/\n/g, ', ') ?? flat(cert.issuer),
    validFrom: x509?.validFrom ?? cert.valid_from,
    validTo: x509?.validTo ?? cert.valid_to,
    fingerprint: leafFingerprint(cert),
    subjectAltNames: (cert.subjectaltname ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ...(reason ? { reason } : {}),
  };
}

function flat(name: unknown): string {
  if (!name || typeof name !== 'object') return '';
  return Object.entries(name as Record<string, unknown>)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/** PeerCertificate's own SHA-256 of the DER, in the one written form. */
export function leafFingerprint(cert: PeerCertificate): string {
  return normalizeFingerprint(cert.fingerprint256) ?? cert.fingerprint256;
}

/**
 * The decision for one handshake. `authorized`/`authorizationError`: the chain check against the CAs the socket
 * was opened with (Node's plus the connection's); the host name is checked here, as Node would.
 */
export function decideTrust(input: {
  authorized: boolean;
  authorizationError?: string | Error | null;
  cert: PeerCertificate;
  hostname: string;
  pin?: string;
}): TrustVerdict {
  const identity = input.authorized ? tls.checkServerIdentity(input.hostname, input.cert) : undefined;
  if (input.authorized && !identity) return { verdict: 'trusted', by: 'ca' };
  // Node checked the name itself and left only a code: the message says which name and which names the cert has.
  const error = String(input.authorizationError ?? 'not verified');
  const reason =
    identity?.message ??
    (error === 'ERR_TLS_CERT_ALTNAME_INVALID'
      ? (tls.checkServerIdentity(input.hostname, input.cert)?.message ?? error)
      : error);
  const cert = certificateDetails(input.cert, reason);
  const pin = input.pin ? normalizeFingerprint(input.pin) : undefined;
  if (pin && pin === cert.fingerprint) return { verdict: 'trusted', by: 'pin' };
  if (pin) return { verdict: 'changed', cert, pinned: pin };
  return { verdict: 'unknown', cert };
}

/** Decides for an open socket (after 'secureConnect', before anything was written). */
export function decideForSocket(socket: TLSSocket, hostname: string, pin: string | undefined): TrustVerdict {
  return decideTrust({
    authorized: socket.authorized,
    authorizationError: socket.authorizationError,
    cert: socket.getPeerCertificate(false),
    hostname,
    pin,
  });
}

const contexts = new Map<string, SecureContext>();

/**
 * The certificates of NODE_EXTRA_CA_CERTS, read once. Node adds them to its own default context, but
 * `tls.rootCertificates` holds the bundled roots only; a context built from those must add them itself, or a
 * machine's (or a test run's) extra CA that every other Node client trusts would be refused here.
 */
let nodeExtraCa: string[] | undefined;
function nodeExtraCaCerts(): string[] {
  if (nodeExtraCa === undefined) {
    const file = process.env.NODE_EXTRA_CA_CERTS;
    nodeExtraCa = [];
    try {
      if (file) nodeExtraCa = [readFileSync(file, 'utf8')];
    } catch {
      // Node itself only warns about an unreadable file; so do we, by trusting nothing extra.
    }
  }
  return nodeExtraCa;
}

/**
 * Node's CAs (with NODE_EXTRA_CA_CERTS) plus the extra ones, built once per set: a secure context with some 150
 * roots costs milliseconds, too much for each socket of a REST burst.
 */
export function secureContextFor(extraCa: readonly string[]): SecureContext {
  const key = extraCa.join('\n');
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = tls.createSecureContext({ ca: [...tls.rootCertificates, ...nodeExtraCaCerts(), ...extraCa] });
    if (contexts.size > 16) contexts.clear();
    contexts.set(key, ctx);
  }
  return ctx;
}
