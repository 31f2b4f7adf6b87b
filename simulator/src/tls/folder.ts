// The TLS folder (`<data>/tls/`): what is kept across starts and what is made anew. The CA is made once and kept
// while it is valid (integrators trust or pin it); the server certificate is made anew only when it no longer
// names the current host and PBX name, expires within 30 days, or another CA signs now.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  caUsable,
  createCa,
  createServerCert,
  fingerprintOf,
  serverCertProblem,
  type CertAndKey,
  type ServerNames,
} from './material.js';

export const CA_FILE = 'ca.pem';
export const CA_KEY_FILE = 'ca-key.pem';
export const SERVER_FILE = 'server.pem';
export const SERVER_KEY_FILE = 'server-key.pem';

/** What the listeners and the ready line need. Never logged whole: `key` is the server's private key. */
export interface TlsMaterial {
  /** Absolute path of the CA certificate (PEM). */
  caPath: string;
  ca: string;
  cert: string;
  key: string;
  /** SHA-256 of the server certificate, upper-case hex pairs joined by `:`. */
  fingerprint: string;
  /** What this start made anew (for the log). */
  made: { ca: boolean; server: string | undefined };
}

export interface TlsFolderOptions {
  /** Where the server certificate and its key live (and the CA, unless `caDir`). */
  dir: string;
  names: ServerNames;
  /** The CA's name suffix: the PBX name or the host. */
  label: string;
  /** Another folder holding the CA (ca.pem, ca-key.pem) to sign with; made there when missing. */
  caDir?: string;
  now?: number;
}

/** Written beside the target and renamed over it: a reader never sees half a file, keys never another mode. */
function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { mode, flag: 'wx' });
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function readPair(dir: string, certFile: string, keyFile: string): CertAndKey | undefined {
  const cert = join(dir, certFile);
  const key = join(dir, keyFile);
  if (!existsSync(cert) || !existsSync(key)) return undefined;
  // A key file someone loosened is tightened again: it is a private key.
  chmodSync(key, 0o600);
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

/** The CA in `dir`: the kept one while it is valid, else a new one written there. */
export async function ensureCa(
  dir: string,
  label: string,
  now: number = Date.now(),
): Promise<{ ca: CertAndKey; caPath: string; made: boolean }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caPath = join(dir, CA_FILE);
  const kept = readPair(dir, CA_FILE, CA_KEY_FILE);
  if (kept && caUsable(kept, now)) return { ca: kept, caPath, made: false };
  const ca = await createCa(label, now);
  // The key first: a ca.pem never names a key that is not there.
  writeAtomic(join(dir, CA_KEY_FILE), ca.key, 0o600);
  writeAtomic(caPath, ca.cert, 0o644);
  return { ca, caPath, made: true };
}

/** The CA and a server certificate for `names`, reusing what the folder holds where it still fits. */
export async function ensureTlsFolder(opts: TlsFolderOptions): Promise<TlsMaterial> {
  const now = opts.now ?? Date.now();
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const { ca, caPath, made: caMade } = await ensureCa(opts.caDir ?? opts.dir, opts.label, now);
  let server = readPair(opts.dir, SERVER_FILE, SERVER_KEY_FILE);
  const problem = server ? serverCertProblem(server.cert, server.key, ca.cert, opts.names, now) : 'none yet';
  if (problem !== undefined) {
    server = await createServerCert(ca, opts.names, now);
    writeAtomic(join(opts.dir, SERVER_KEY_FILE), server.key, 0o600);
    writeAtomic(join(opts.dir, SERVER_FILE), server.cert, 0o644);
  }
  return {
    caPath,
    ca: ca.cert,
    cert: server!.cert,
    key: server!.key,
    fingerprint: fingerprintOf(server!.cert),
    made: { ca: caMade, server: problem },
  };
}
