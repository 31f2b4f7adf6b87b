// Which STARFACE the contract tests talk to.
//
// With STARFACE_URL (the PBX address as typed into a browser, e.g. https://pbx.example.com), STARFACE_LOGIN and
// STARFACE_PASSWORD set: that real PBX, read-only; the write tests run only with STARFACE_CONTRACT_WRITE=1
// (they create a user "97xxxxx", change it and delete it again). The account should hold the right
// "Administration". A PBX with a self-signed certificate: trust that certificate (or its CA) with
// NODE_EXTRA_CA_CERTS=FILE.pem; verification stays on.
// Otherwise: a simulator started in this process (in memory, demo scenario), write tests included; with
// `node test/run-tier.mjs contract --tls` that simulator is reached over HTTPS (test/support/testTls.ts).
import type { Context } from 'mocha';
import { restBaseUrl } from '../../shared/schemas/connection.js';
import { ADMIN_PASSWORD, RestClient, startSim, type RunningSim } from '../support/rest.js';
import { TEST_TLS } from '../support/testTls.js';

export type TargetKind = 'simulator' | 'pbx';

export interface ContractTarget {
  kind: TargetKind;
  /** For test titles and messages; never holds the password. */
  description: string;
  /** The REST base, ending in /rest. */
  base: string;
  login: string;
  password: string;
  /** True for the simulator, and for a real PBX only with STARFACE_CONTRACT_WRITE=1. */
  writable: boolean;
  /** A client that is not signed in. */
  client(): RestClient;
  /** A new session of the target's account. */
  signIn(): Promise<RestClient>;
  close(): Promise<void>;
}

export const PBX_VARS = ['STARFACE_URL', 'STARFACE_LOGIN', 'STARFACE_PASSWORD'] as const;

/** The real PBX's settings from the environment; undefined when none is set; an error when only some are. */
export function pbxSettings(
  env: NodeJS.ProcessEnv = process.env,
): { url: string; login: string; password: string; write: boolean } | undefined {
  const set = PBX_VARS.filter((v) => env[v]);
  if (set.length === 0) return undefined;
  if (set.length < PBX_VARS.length) {
    const missing = PBX_VARS.filter((v) => !env[v]);
    throw new Error(
      `Contract tests against a real PBX need ${PBX_VARS.join(', ')}; missing: ${missing.join(', ')}. Unset all of them to test the simulator.`,
    );
  }
  return {
    url: restBaseUrl(env.STARFACE_URL!),
    login: env.STARFACE_LOGIN!,
    password: env.STARFACE_PASSWORD!,
    write: env.STARFACE_CONTRACT_WRITE === '1',
  };
}

export async function openTarget(): Promise<ContractTarget> {
  const pbx = pbxSettings();
  if (pbx) {
    const target: ContractTarget = {
      kind: 'pbx',
      description: `real PBX ${pbx.url} as ${pbx.login}${pbx.write ? ' (writes allowed)' : ' (read-only)'}`,
      base: pbx.url,
      login: pbx.login,
      password: pbx.password,
      writable: pbx.write,
      client: () => new RestClient(pbx.url),
      async signIn() {
        const c = new RestClient(pbx.url);
        await c.login(pbx.login, pbx.password);
        return c;
      },
      close: async () => {},
    };
    return target;
  }
  const sim: RunningSim = await startSim();
  if (TEST_TLS && !sim.base.startsWith('https://')) throw new Error(`--tls run, but the simulator is at ${sim.base}`);
  return {
    kind: 'simulator',
    description: `simulator ${sim.base} (demo scenario, in memory${TEST_TLS ? ', HTTPS' : ''})`,
    base: sim.base,
    login: 'admin',
    password: ADMIN_PASSWORD,
    writable: true,
    client: () => sim.client(),
    async signIn() {
      const c = sim.client();
      await c.login('admin', ADMIN_PASSWORD);
      return c;
    },
    close: () => sim.stop(),
  };
}

/** In a `beforeEach`: skips a writing test against a read-only target, with the reason in its title. */
export function skipUnlessWritable(ctx: Context, target: ContractTarget): void {
  if (target.writable) return;
  if (ctx.currentTest)
    ctx.currentTest.title +=
      ' — skipped: the real PBX is tested read-only; set STARFACE_CONTRACT_WRITE=1 to run the write tests';
  ctx.skip();
}

/** Logs out a session, ignoring failures (for `after` hooks). */
export async function logout(client: RestClient | undefined): Promise<void> {
  if (!client?.token) return;
  try {
    await client.delete('/login');
  } catch {
    // the target may already be gone
  }
}

/** Opens the target and signs in before the suite; signs out and closes after it. */
export function signedInSuite(): { api: RestClient; target: ContractTarget } {
  const suite = {} as { api: RestClient; target: ContractTarget };
  before(async function () {
    this.timeout(30_000);
    suite.target = await openTarget();
    suite.api = await suite.target.signIn();
  });
  after(async () => {
    await logout(suite.api);
    await suite.target?.close();
  });
  return suite;
}
