/**
 * `starface-sim admin-password`: check or reset the password of the login "admin" in a data folder while no
 * simulator runs on it. The store keeps only sha512(password), so a forgotten password cannot be shown — only
 * replaced.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sha512hex } from '../../../shared/hashes.js';
import { JsonFileStore, StoreLockedError } from '../state/store.js';
import { ADMIN_LOGIN } from '../state/users.js';

export const ADMIN_PASSWORD_HELP = `Usage: starface-sim admin-password --data DIR (--show | --check | --reset [--password PW])

The password of the login "${ADMIN_LOGIN}" stored in a data folder. Run it while no simulator uses the folder
(it takes the folder's lock and refuses while a simulator holds it).

  --data DIR       the simulator's data folder (default .starface-sim)
  --show           says whether the folder holds an admin password; the store keeps only its sha512 hash,
                   so the password itself cannot be shown: reset it instead (exit 1)
  --check          is $STARFACE_SIM_ADMIN_PASSWORD the stored password? (exit 0 yes, 1 no)
  --reset          set a new password: --password PW, else $STARFACE_SIM_ADMIN_PASSWORD, else a random one
                   (144 bits from a CSPRNG) that is printed once
Exit status: 0 done, 1 see --show/--check, 2 usage error, DIR missing or without a stored PBX, or a simulator
runs on DIR.
The VS Code extension passes its own admin password (kept in VS Code's SecretStorage) at every start of its
simulator: there the "Simulator" node in the STARFACE view shows it.`;

class UsageError extends Error {}

export async function adminPasswordCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    return await run(argv, env);
  } catch (err) {
    process.stderr.write(`starface-sim admin-password: ${(err as Error).message}\n`);
    if (err instanceof UsageError) process.stderr.write('Run starface-sim admin-password --help for the options.\n');
    return 2;
  }
}

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        show: { type: 'boolean' },
        check: { type: 'boolean' },
        reset: { type: 'boolean' },
        password: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(ADMIN_PASSWORD_HELP + '\n');
    return 0;
  }
  const actions = [values.show, values.check, values.reset].filter(Boolean).length;
  if (actions !== 1) throw new UsageError('give exactly one of --show, --check and --reset');
  if (values.password !== undefined && !values.reset) throw new UsageError('--password goes with --reset');
  const given = values.reset ? (values.password ?? env.STARFACE_SIM_ADMIN_PASSWORD) : undefined;
  if (given !== undefined && !given) throw new UsageError('the new password must not be empty');
  const check = values.check ? env.STARFACE_SIM_ADMIN_PASSWORD : undefined;
  if (values.check && !check)
    throw new UsageError('--check compares with $STARFACE_SIM_ADMIN_PASSWORD, which is not set');

  const dir = values.data ?? '.starface-sim';
  // Checked before the store is opened: opening creates the folder and a lock, and a typo in --data must not.
  if (!existsSync(dir)) throw new Error(`the data folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  if (!existsSync(join(dir, 'state.json'))) {
    throw new Error(
      `${dir} holds no stored PBX yet (no state.json), so no admin password either: ` +
        `give the first simulator on it --admin-password PW or $STARFACE_SIM_ADMIN_PASSWORD (else it prints a generated one)`,
    );
  }
  const store = new JsonFileStore(dir);
  try {
    let state;
    try {
      state = store.load();
    } catch (err) {
      if (err instanceof StoreLockedError) {
        throw new Error(
          `a simulator (pid ${err.pid}) is running on ${dir}: stop it first (its admin password changes only while it is stopped), or give it --admin-password at its next start`,
        );
      }
      throw err;
    }
    const admin = state?.users.find((u) => u.login === ADMIN_LOGIN);
    if (!state || !admin) throw new Error(`${dir} holds no user "${ADMIN_LOGIN}"`);
    if (values.show) {
      process.stdout.write(
        `login "${ADMIN_LOGIN}" has a password in ${dir}, stored as a sha512 hash only: it cannot be shown.\n` +
          `Check one with STARFACE_SIM_ADMIN_PASSWORD=… starface-sim admin-password --data ${dir} --check, or set a new one with --reset.\n`,
      );
      return 1;
    }
    if (values.check) {
      const ok = sha512hex(check!) === admin.passwordHash;
      process.stdout.write(
        ok
          ? `the password of "${ADMIN_LOGIN}" in ${dir} matches\n`
          : `the password of "${ADMIN_LOGIN}" in ${dir} does not match\n`,
      );
      return ok ? 0 : 1;
    }
    const password = given ?? randomBytes(18).toString('base64url');
    admin.passwordHash = sha512hex(password);
    await store.save(JSON.stringify(state));
    process.stdout.write(
      given === undefined
        ? `new password of "${ADMIN_LOGIN}" in ${dir} (shown once): ${password}\n`
        : `password of "${ADMIN_LOGIN}" in ${dir} set to the one given\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}
