// `node test/run-tier.mjs <tier> --tls` (or STARFACE_TEST_TLS=1): every simulator the test support starts speaks
// HTTPS, WSS and SIP over TLS, signed by one CA that run-tier made beforehand (STARFACE_TEST_TLS_CA) and that the
// test process trusts through NODE_EXTRA_CA_CERTS. Verification stays on everywhere.
import type { Context } from 'mocha';
import type { SimulatorOptions } from '../../simulator/src/simulator.js';

export const TEST_TLS = process.env.STARFACE_TEST_TLS === '1';

/** The CA folder run-tier made (ca.pem, ca-key.pem). */
export function testTlsCaDir(): string {
  const dir = process.env.STARFACE_TEST_TLS_CA;
  if (!dir)
    throw new Error(
      'STARFACE_TEST_TLS=1 needs STARFACE_TEST_TLS_CA: run the tier with node test/run-tier.mjs <tier> --tls',
    );
  return dir;
}

/** What startSim() adds under --tls. */
export function testTlsOptions(): Partial<SimulatorOptions> {
  return TEST_TLS ? { tls: true, sipTlsPort: 0, tlsCaDir: testTlsCaDir() } : {};
}

/** What runCli() adds to a simulator start under --tls. */
export function testTlsArgs(): string[] {
  return TEST_TLS ? ['--tls', '--sip-tls-port', '0', '--tls-ca', testTlsCaDir()] : [];
}

/** Skips a test that is about plain HTTP, WS or UDP by nature, saying why; a no-op without --tls. */
export function skipUnderTls(ctx: Context, reason: string): void {
  if (!TEST_TLS) return;
  ctx.test!.title += ` (skipped under --tls: ${reason})`;
  ctx.skip();
}

/** The environment of a non-Node client (Python's ssl honours SSL_CERT_FILE): trusts the run's CA under --tls. */
export function testTlsChildEnv(): NodeJS.ProcessEnv {
  return TEST_TLS ? { ...process.env, SSL_CERT_FILE: `${testTlsCaDir()}/ca.pem` } : process.env;
}
