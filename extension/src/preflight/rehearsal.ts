import { text } from '../../../shared/i18n.js';
import { requirementById } from '../../../shared/requirements/rules.js';
import type { PreflightResult } from '../../../shared/schemas/preflight.js';
import type { TeamsLoginRequest } from '../../../shared/schemas/teamsLogin.js';
import type { PbxApi } from '../pbx/api.js';
import { toResult } from './result.js';

export interface RehearsalInput {
  pbxName: string;
  /** The key as typed, or the key file's JSON text (as dropped into the app); exactly one. */
  key?: string;
  keyFile?: string;
  login: string;
  password: string;
}

export interface RehearsalOutcome {
  ok: boolean;
  login: string;
  /** R21 itself, then one failing result per unmet requirement the answer names. */
  results: PreflightResult[];
}

/**
 * A Teams sign-in as the STARFACE App for Teams makes it (POST /rest/sim/teams/login): the simulator answers with
 * every requirement the running connector does not meet for this user.
 */
export async function rehearseSignIn(api: PbxApi, input: RehearsalInput): Promise<RehearsalOutcome> {
  if ((input.key === undefined) === (input.keyFile === undefined)) throw new Error('give either the key or the key file, not both and not neither');
  const req: TeamsLoginRequest = {
    pbxName: input.pbxName,
    login: input.login,
    password: input.password,
    ...(input.key !== undefined ? { key: input.key } : { keyFile: input.keyFile! }),
  };
  const answer = await api.teamsLogin(req);
  const who = { login: input.login };
  if (answer.ok) {
    const user = { id: answer.user.id, login: answer.user.login };
    return {
      ok: true,
      login: input.login,
      results: [toResult('R21', { status: 'pass', message: text(`${input.login} signed in to "${answer.pbxName}" (mode ${answer.mode}).`, `${input.login} hat sich an "${answer.pbxName}" angemeldet (Modus ${answer.mode}).`) }, { user })],
    };
  }
  const unmet = answer.unmet.filter((u) => requirementById(u.id));
  const r21 = unmet.find((u) => u.id === 'R21');
  const others = unmet.filter((u) => u.id !== 'R21');
  const ids = others.map((u) => u.id).join(', ');
  const signIn = r21
    ? toResult('R21', { status: 'fail', message: r21.message })
    : toResult('R21', {
        status: 'warn',
        message: text(
          `PBX name, key and credentials are accepted, but the sign-in of ${input.login} is refused for ${ids}.`,
          `Name der Anlage, Schlüssel und Zugangsdaten werden akzeptiert, aber die Anmeldung von ${input.login} wird wegen ${ids} abgelehnt.`,
        ),
      });
  signIn.user = who.login;
  return {
    ok: false,
    login: input.login,
    results: [signIn, ...others.map((u) => ({ ...toResult(u.id, { status: 'fail', message: text(`Teams sign-in: ${u.message.en}`, `Teams-Anmeldung: ${u.message.de}`) }), user: who.login }))],
  };
}
