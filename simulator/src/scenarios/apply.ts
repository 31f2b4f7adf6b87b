import {
  RIGHT_ADMIN,
  RIGHTS,
  TEAMS_MODULE_NAME,
  TEAMS_MODULE_VERSION,
  type LicenceType,
  type RightKey,
} from '../../../shared/catalogue.js';
import { ScenarioSchema, type Scenario } from '../../../shared/schemas/scenario.js';
import { DEFAULT_MIN_VERSION } from '../../../shared/version.js';
import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import { invalid, SimError } from '../state/errors.js';
import { assignLicencesToMany, installLicence } from '../state/licences.js';
import { emptyState, type PbxState, type StoredUser } from '../state/model.js';
import { firstNumberClash } from '../state/numberClaims.js';
import { createConfiguration, generateKey, importModule, saveConfiguration, setConnector } from '../state/modules.js';
import type { Emit } from '../state/pbx.js';
import { ADMIN_LOGIN, createUser } from '../state/users.js';
import { linkUserContact } from '../state/userContact.js';
import { buildTelephony } from './applyTelephony.js';
import { builtinScenario, BUILTIN_NAMES } from './builtin.js';
import { readFileSync } from 'node:fs';

export { ADMIN_LOGIN };
const ADMIN_RIGHTS: RightKey[] = RIGHTS.filter((r) => !['app_premium_perm', 'msteams_perm'].includes(r.permission)).map(
  (r) => r.permission,
);

export class ScenarioError extends Error {}

/** Validates a scenario; the error names the field, e.g. `users.0.licences.1: Invalid option`. */
export function parseScenario(input: unknown, source: string): Scenario {
  const parsed = ScenarioSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ScenarioError(`Scenario ${source} is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** A built-in name or a path to a JSON file. */
export function loadScenario(nameOrFile: string): Scenario {
  const builtin = builtinScenario(nameOrFile);
  if (builtin) return parseScenario(builtin, `"${nameOrFile}"`);
  if (!nameOrFile.endsWith('.json') && !nameOrFile.includes('/') && !nameOrFile.includes('\\')) {
    throw new ScenarioError(
      `Unknown scenario "${nameOrFile}". Built-in: ${BUILTIN_NAMES.join(', ')}; or give a path to a .json file.`,
    );
  }
  let raw: string;
  try {
    raw = readFileSync(nameOrFile, 'utf8');
  } catch (err) {
    throw new ScenarioError(`Cannot read scenario file ${nameOrFile}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ScenarioError(`Scenario file ${nameOrFile} is not valid JSON: ${(err as Error).message}`);
  }
  return parseScenario(json, `file ${nameOrFile}`);
}

export interface ScenarioOptions {
  /** sha512hex of the admin password. */
  adminPasswordHash: string;
  /** Overrides the scenario's version (`--version-string`). */
  version?: string;
  minVersion?: string;
}

/**
 * Builds the state a scenario describes, through the same operations the REST API uses, so a scenario
 * can never reach a state the API would refuse — except a dormant configuration without its module (R11).
 */
export function buildScenarioState(scenario: Scenario, opts: ScenarioOptions, emit: Emit): PbxState {
  const state = emptyState(
    opts.version ?? scenario.server.version,
    opts.minVersion ?? scenario.server.minVersion ?? DEFAULT_MIN_VERSION,
  );
  state.scenario = scenario.name;
  const admin = createUser(
    state,
    emit,
    {
      login: ADMIN_LOGIN,
      firstName: 'STARFACE',
      familyName: 'Administrator',
      email: '',
      language: 'en',
      password: 'placeholder',
      rights: ADMIN_RIGHTS,
    },
    { contact: false },
  );
  admin.passwordHash = opts.adminPasswordHash;
  admin.sipPassword = ''; // no SIP account: its password is known to the simulator as a hash only
  try {
    for (const l of scenario.licences) installLicence(state, emit, l.type, l.count);
    // Uniqueness checked once with sets: checking each user against all others made large scenarios quadratic.
    const logins = new Set([ADMIN_LOGIN]);
    const extensions = new Set<string>();
    scenario.users.forEach((u, i) => {
      if (logins.has(u.login))
        throw new ScenarioError(
          `users.${i}.login: "${u.login}" is ${u.login === ADMIN_LOGIN ? 'reserved for the administrator' : 'used twice'}`,
        );
      if (u.extension !== undefined && extensions.has(u.extension))
        throw new ScenarioError(`users.${i}.extension: ${u.extension} is used twice`);
      logins.add(u.login);
      if (u.extension !== undefined) extensions.add(u.extension);
    });
    const licensed: { user: StoredUser; types: LicenceType[] }[] = [];
    for (const u of scenario.users) {
      const user = createUser(state, emit, { ...u, rights: u.rights, licences: [] }, { checked: true, contact: false });
      if (u.app)
        user.app = {
          active: u.app.active,
          platform: u.app.platform,
          version: u.app.version ?? null,
          lastSeen: u.app.active ? new Date().toISOString() : null,
        };
      if (u.licences.length) licensed.push({ user, types: u.licences });
    }
    assignLicencesToMany(state, emit, licensed);
    // Configurations are created with the module present; a scenario without the module removes it after.
    importModule(state, emit, TEAMS_MODULE_NAME, scenario.modules[0]?.version ?? TEAMS_MODULE_VERSION);
    for (const c of scenario.configurations) {
      const config = createConfiguration(state, emit, {
        name: c.name,
        module: TEAMS_MODULE_NAME,
        active: c.active,
        mode: c.mode,
        pbxName: c.pbxName || undefined,
        autoprovisioning: c.autoprovisioning,
      });
      if (c.generateKey) generateKey(state, emit, config.id);
      if (c.connector.active) {
        if (!c.active)
          throw new ScenarioError(`configurations: "${c.name}" has an active connector but is itself inactive`);
        setConnector(state, emit, config.id, true);
        // A save after the start is what leaves a change pending (R17).
        if (c.connector.pendingRestart) saveConfiguration(state, emit, config.id);
      }
    }
    if (scenario.modules.length === 0) state.modules = [];
    state.virtualPhones = scenario.virtualPhones.map((p) => ({ ...p }));
    if (scenario.sip?.digest) state.sip = { digest: [...scenario.sip.digest] };
    buildTelephony(state, scenario, (path, message) => {
      throw new ScenarioError(`Scenario "${scenario.name}" cannot be applied: ${path.join('.')}: ${message}`);
    });
    // The one rule of the numbers dialled inside the PBX, as for every REST write (numberClaims.ts).
    const clash = firstNumberClash(state);
    if (clash) throw new ScenarioError(`Scenario "${scenario.name}" cannot be applied: ${clash}`);
    // After the scenario's own contacts (which keep their ids), every user it left unlinked gets theirs.
    for (const u of state.users) if (u.personId === undefined) linkUserContact(state, emit, u);
  } catch (err) {
    if (err instanceof SimError)
      throw new ScenarioError(`Scenario "${scenario.name}" cannot be applied: ${err.message}`);
    throw err;
  }
  if (!state.users.some((u) => u.rights.includes(RIGHT_ADMIN)))
    throw invalid('NO_ADMIN', 'A scenario must leave an administrator');
  emit({ service: SIM_SERVICES.server, event: 'scenario-applied', data: { scenario: scenario.name } });
  return state;
}
