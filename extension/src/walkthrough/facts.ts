import type { PbxApi } from '../pbx/api.js';
import { loadPbxFacts, PrerequisitesUsageError, type PbxFacts } from '../prerequisites/pbxChecks.js';

/**
 * The PBX's facts for the walkthrough, loaded as the prerequisites check loads them. The per-user steps look at
 * the users set up for Teams (a Teams right or licence); on a PBX where nobody is yet (a fresh one) they look at
 * the signed-in login, so that the walkthrough can start from nothing and make that user the first Teams user.
 */
export async function loadWalkthroughFacts(api: PbxApi, login: string): Promise<PbxFacts> {
  const facts = await loadPbxFacts(api);
  if (facts.selected.length > 0) return facts;
  try {
    return await loadPbxFacts(api, { users: [login] });
  } catch (err) {
    // A login that is no user of this PBX (an admin account outside the user list): the steps say "no user".
    if (err instanceof PrerequisitesUsageError) return facts;
    throw err;
  }
}
