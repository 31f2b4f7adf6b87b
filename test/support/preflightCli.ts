// The built starface-preflight CLI as a user runs it: its own process (this one hosts the simulator it talks to),
// no proxy from the environment (test traffic stays on loopback), the password from STARFACE_PASSWORD.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.js';
import { ADMIN_PASSWORD } from './rest.js';

export const PREFLIGHT_CLI = join(ROOT, 'dist', 'cli', 'starface-preflight.js');

export interface PreflightRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `env` replaces the default password variable (undefined removes a variable). */
export function preflight(
  args: string[],
  env: Record<string, string | undefined> = { STARFACE_PASSWORD: ADMIN_PASSWORD },
): Promise<PreflightRun> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({
    ...process.env,
    HTTPS_PROXY: undefined,
    https_proxy: undefined,
    HTTP_PROXY: undefined,
    http_proxy: undefined,
    ALL_PROXY: undefined,
    all_proxy: undefined,
    STARFACE_PASSWORD: undefined,
    ...env,
  })) {
    if (v !== undefined) childEnv[k] = v;
  }
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [PREFLIGHT_CLI, ...args],
      { cwd: ROOT, env: childEnv, timeout: 20_000 },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
    child.stdin?.end();
  });
}
