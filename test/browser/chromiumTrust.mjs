// Under --tls the browser tier's chromium must trust the run's CA the way a user's browser would: as a trust anchor
// in its NSS database, which chromium on Linux reads from $HOME/.pki/nssdb. So the runner makes a home folder with
// such a database (certutil from Debian's libnss3-tools, installed as root like chromium itself, else the exact
// command) and the harness starts chromium with HOME pointing at it. Certificate errors are never ignored: no
// --ignore-certificate-errors, no ignoreHTTPSErrors, no SPKI allow-list (which would accept one key whatever the
// certificate said).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackages, which } from '../support/apt.mjs';

/** Makes `<caDir>/chromium-home` with an NSS database that trusts `<caDir>/ca.pem` for servers; answers the folder. */
export async function chromiumHomeTrusting(caDir, log) {
  if (!which('certutil'))
    await ensureDebianPackages(['libnss3-tools'], { why: 'the browser tier under --tls (certutil)', log });
  const home = join(caDir, 'chromium-home');
  const db = join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true, mode: 0o700 });
  const certutil = (args) => {
    const r = spawnSync(which('certutil') ?? 'certutil', ['-d', `sql:${db}`, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`certutil ${args[0]} failed: ${(r.stderr || r.stdout).trim()}`);
  };
  certutil(['-N', '--empty-password']);
  certutil(['-A', '-n', 'STARFACE test run CA', '-t', 'C,,', '-i', join(caDir, 'ca.pem')]);
  return home;
}
