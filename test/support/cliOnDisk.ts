import { runCli, type CliRun, type ReadyLine } from './cli.js';
import { RestClient } from './rest.js';

/**
 * The built CLI on a data folder (the store on disk, as after a crash or restart), on free ports, signed in as
 * admin with `adminPassword` (given on the command line, so the environment's password does not apply).
 */
export async function startOnDataDir(
  dir: string,
  adminPassword: string,
): Promise<{ run: CliRun; ready: ReadyLine; admin: RestClient }> {
  const run = runCli(
    [
      '--data',
      dir,
      '--ready-json',
      '--http-port',
      '0',
      '--sip-port',
      '0',
      '--admin-password',
      adminPassword,
      '--log-level',
      'warn',
    ],
    { STARFACE_SIM_ADMIN_PASSWORD: undefined },
  );
  const ready = await run.ready();
  const admin = new RestClient(ready.rest);
  await admin.login('admin', adminPassword);
  return { run, ready, admin };
}
