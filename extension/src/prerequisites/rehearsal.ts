import { text } from '../../../shared/i18n.js';
import { requirementById } from '../../../shared/requirements/rules.js';
import type { PrerequisiteResult } from '../../../shared/schemas/prerequisites.js';
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
  results: PrerequisiteResult[];
}

/**
 * A Teams sign-in as the STARFACE App for Teams makes it (POST /rest/sim/teams/login): the simulator answers with
 * every requirement the running connector does not meet for this user. R21 comes first and its message names
 * everything the sign-in refused; then one failing result per unmet requirement. `users` (login → id) sets
 * `userId` where the answer does not carry one.
 */
export async function rehearseSignIn(
  api: PbxApi,
  input: RehearsalInput,
  users: readonly { id: number; login: string }[] = [],
): Promise<RehearsalOutcome> {
  if ((input.key === undefined) === (input.keyFile === undefined))
    throw new Error('give either the key or the key file, not both and not neither');
  const req: TeamsLoginRequest = {
    pbxName: input.pbxName,
    login: input.login,
    password: input.password,
    ...(input.key !== undefined ? { key: input.key } : { keyFile: input.keyFile! }),
  };
  const answer = await api.teamsLogin(req);
  if (answer.ok) {
    const user = { id: answer.user.id, login: answer.user.login };
    return {
      ok: true,
      login: input.login,
      results: [
        toResult(
          'R21',
          {
            status: 'pass',
            message: text(
              `${input.login} signed in to "${answer.pbxName}" (mode ${answer.mode}).`,
              `${input.login} hat sich an "${answer.pbxName}" angemeldet (Modus ${answer.mode}).`,
            ),
          },
          { user },
        ),
      ],
    };
  }
  const known = users.find((u) => u.login === input.login);
  const who = known ? { id: known.id, login: known.login } : undefined;
  const tag = (r: PrerequisiteResult): PrerequisiteResult => ({
    ...r,
    user: input.login,
    ...(who ? { userId: who.id } : {}),
  });
  const unmet = answer.unmet.filter((u) => requirementById(u.id));
  const r21 = unmet.find((u) => u.id === 'R21');
  const others = unmet.filter((u) => u.id !== 'R21');
  const list = (lang: 'en' | 'de') => others.map((u) => `${u.id} (${u.message[lang]})`).join('; ');
  const refused = others.length
    ? text(` Also refused for: ${list('en')}.`, ` Außerdem abgelehnt wegen: ${list('de')}.`)
    : text('', '');
  const signIn = r21
    ? toResult('R21', {
        status: 'fail',
        message: text(`${r21.message.en}${refused.en}`, `${r21.message.de}${refused.de}`),
      })
    : toResult('R21', {
        status: 'warn',
        message: text(
          `PBX name, key and credentials are accepted, but the sign-in of ${input.login} is refused for ${list('en')}.`,
          `Name der Anlage, Schlüssel und Zugangsdaten werden akzeptiert, aber die Anmeldung von ${input.login} wird abgelehnt wegen ${list('de')}.`,
        ),
      });
  return {
    ok: false,
    login: input.login,
    results: [
      tag(signIn),
      ...others.map((u) =>
        tag(
          toResult(u.id, {
            status: 'fail',
            message: text(`Teams sign-in: ${u.message.en}`, `Teams-Anmeldung: ${u.message.de}`),
          }),
        ),
      ),
    ],
  };
}

/** R21 when the PBX has no rehearsal endpoint (a real STARFACE answers 404): unknown, with what to do instead. */
export function rehearsalUnavailable(): PrerequisiteResult {
  return toResult('R21', {
    status: 'unknown',
    message: text(
      'The sign-in rehearsal needs the simulator; on a real PBX sign in with the Teams app.',
      'Die Anmeldeprobe braucht den Simulator; auf einer echten STARFACE in der Teams-App anmelden.',
    ),
  });
}

/**
 * The rehearsal's results merged into a report: R21 from the rehearsal; an unmet requirement the report already
 * fails is not repeated, one the report passes (the running connector differs from the saved configuration) is
 * replaced by the rehearsal's failure, one the report lacks is added.
 */
export function mergeRehearsal(report: PrerequisiteResult[], outcome: RehearsalOutcome): PrerequisiteResult[] {
  const out = report.filter((r) => r.id !== 'R21');
  const [r21, ...others] = outcome.results;
  if (r21) out.push(r21);
  for (const r of others) {
    const perUser = requirementById(r.id)?.scope === 'user';
    const i = out.findIndex((x) => x.id === r.id && (perUser ? x.user === r.user : x.user === undefined));
    if (i < 0) out.push(perUser ? r : strip(r));
    else if (out[i]!.status !== 'fail') out[i] = perUser ? r : strip(r);
  }
  return out;
}

const strip = (r: PrerequisiteResult): PrerequisiteResult => {
  const { user: _user, userId: _userId, ...rest } = r;
  return rest;
};
