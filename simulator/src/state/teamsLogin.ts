import { sha512hex } from '../../../shared/hashes.js';
import { configurationInUse, evaluate, SIGN_IN_REQUIREMENTS } from '../../../shared/requirements/rules.js';
import type { SignInFacts } from '../../../shared/requirements/snapshot.js';
import type { UnmetRequirement } from '../../../shared/schemas/teamsLogin.js';
import { keysEqual } from './modules.js';
import type { PbxState, StoredUser } from './model.js';
import { toSnapshot } from './snapshot.js';
import { findUserByLogin, hasPassword } from './users.js';
import { timingSafeEqual } from 'node:crypto';

function sameHost(a: string, b: string): boolean {
  return a.toLowerCase() === b.trim().toLowerCase();
}

export interface TeamsLoginOutcome {
  user?: StoredUser;
  credentialsValid: boolean;
  configurationId: number | null;
  unmet: UnmetRequirement[];
}

export function passwordMatches(user: StoredUser | undefined, password: string): boolean {
  const given = Buffer.from(sha512hex(password));
  const usable = user !== undefined && hasPassword(user); // a user created without a password cannot sign in
  const stored = Buffer.from(usable ? user.passwordHash : sha512hex(''));
  // Compare even for an unknown login, so timing does not tell which logins exist.
  return timingSafeEqual(given, stored) && usable;
}

/**
 * What the STARFACE App for Teams meets when a user signs in: the requirements as the *running* connector
 * sees them (a change not yet distributed does not count, R17), and the PBX name and key it was given.
 */
export function evaluateTeamsLogin(
  state: PbxState,
  req: { pbxName: string; keyFilePbxName?: string; key: string; login: string; password: string },
): TeamsLoginOutcome {
  const user = findUserByLogin(state, req.login);
  const credentialsValid = passwordMatches(user, req.password);
  const base = toSnapshot(state);
  const config = configurationInUse(base);
  const stored = config ? state.configurations.find((c) => c.id === config.id) : undefined;
  const seen = stored?.connector.active && stored.connector.applied ? stored.connector.applied : stored;
  const signIn: SignInFacts = {
    credentialsValid,
    // An empty name or a missing key is R14's or R15's failure; R21 only judges what can be compared.
    // A dropped key file carries its own PBX name; both it and the typed one must name the running PBX.
    pbxNameMatches: seen?.pbxName
      ? [req.pbxName, req.keyFilePbxName || req.pbxName].every((n) => sameHost(seen.pbxName, n))
      : null,
    keyMatches: seen?.key ? keysEqual(seen.key, req.key.trim()) : null,
  };
  const snapshot = { ...base, signIn };
  // Without valid credentials the app learns nothing about the user's setup.
  const ids = credentialsValid ? SIGN_IN_REQUIREMENTS : (['R21'] as const);
  const results = evaluate(snapshot, {
    ids,
    userIds: user && credentialsValid ? [user.id] : [],
    perspective: 'connector',
  });
  const unmet = results.filter((r) => r.status === 'fail').map((r) => ({ id: r.id, message: r.message }));
  return { user: credentialsValid ? user : undefined, credentialsValid, configurationId: config?.id ?? null, unmet };
}
