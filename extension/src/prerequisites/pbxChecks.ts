import {
  LICENCE_MS_TEAMS,
  LICENCE_UCC_PREMIUM,
  RIGHT_APP_PREMIUM,
  RIGHT_MS_TEAMS,
  rightByKey,
  resolveRight,
  TEAMS_MODULE_NAME,
  type LicenceType,
  type RightKey,
} from '../../../shared/catalogue.js';
import { text } from '../../../shared/i18n.js';
import { configurationInUse, REQUIREMENTS } from '../../../shared/requirements/rules.js';
import type { PbxSnapshot, SnapshotConfiguration, SnapshotUser } from '../../../shared/requirements/snapshot.js';
import { isFqdn } from '../../../shared/schemas/common.js';
import type {
  PrerequisiteFix,
  PrerequisitesReport,
  PrerequisiteResult,
} from '../../../shared/schemas/prerequisites.js';
import type { PermissionInfo, User } from '../../../shared/schemas/users.js';
import { DEFAULT_MIN_VERSION, isVersion } from '../../../shared/version.js';
import type { PbxApi } from '../pbx/api.js';
import { optional } from '../pbx/snapshot.js';
import { mapLimit, rule, toResult } from './result.js';

/** A --users entry that names no user of the PBX. */
export class PrerequisitesUsageError extends Error {}

/** What the PBX checks look at: the shared rules' snapshot plus what the fixes need to know. */
export interface PbxFacts {
  snapshot: PbxSnapshot;
  /** The users the per-user rules are checked for. */
  selected: SnapshotUser[];
  /** True when the simulator-only resources (licences, modules, desktop app) answered. */
  simulator: boolean;
  /** An FQDN to offer for "Name der Anlage" (R14), when one is known. */
  pbxNameCandidate?: string;
  /** The signed-in login when it lacks the right "Administration" (its own rights say so). */
  notAdmin?: string;
}

export interface PbxCheckOptions {
  /** Logins or ids; default: every user with the right "Integration mit Microsoft Teams" or a Teams licence. */
  users?: readonly string[];
  /** R1's minimum; default the guide's 6.7.3.11. */
  minVersion?: string;
  /** The PBX's FQDN, offered as the fix of R14; else the target's host name when it is an FQDN. */
  pbxName?: string;
  /** Requests at a time against the PBX. */
  concurrency?: number;
}

/** A right on this PBX by its key, else by the German name the catalogue gives it (a PBX may use other keys). */
export function findRight(perms: readonly PermissionInfo[] | null, key: RightKey): PermissionInfo | undefined {
  const description = rightByKey(key)?.description;
  return (
    perms?.find((p) => p.permission === key) ??
    perms?.find((p) => description !== undefined && p.description === description)
  );
}

/** The catalogue's key of a PBX right: its own key when the catalogue knows it, else found by its German name. */
export function rightKeyOf(p: PermissionInfo): string {
  return rightByKey(p.permission) ? p.permission : (resolveRight(p.description) ?? p.permission);
}

function resolveUsers(everyone: User[], wanted: readonly string[]): User[] {
  const out: User[] = [];
  for (const raw of wanted) {
    const w = raw.trim();
    if (!w) continue;
    const user =
      everyone.find((u) => u.login === w) ?? (/^\d+$/.test(w) ? everyone.find((u) => u.id === Number(w)) : undefined);
    if (!user) throw new PrerequisitesUsageError(`no user with the login or id "${w}" on this PBX`);
    if (!out.includes(user)) out.push(user);
  }
  return out;
}

/**
 * Reads what the rules need in as few requests as the PBX allows: the holders of the two Teams rights in two
 * requests, licences and the desktop app per user (simulator only) with bounded concurrency.
 */
export async function loadPbxFacts(api: PbxApi, opts: PbxCheckOptions = {}): Promise<PbxFacts> {
  const limit = opts.concurrency ?? 16;
  if (opts.minVersion !== undefined && !isVersion(opts.minVersion))
    throw new PrerequisitesUsageError(`"${opts.minVersion}" is not a four-part STARFACE version such as 6.7.3.11`);
  const [version, me, everyoneOrNull, perms, licences, modules, configurations] = await Promise.all([
    optional(api.version),
    api.me(),
    optional(api.users),
    optional(api.permissions),
    optional(api.licences),
    optional(api.modules),
    optional(api.configurations),
  ]);
  // The user's own rights tell a user without "Administration" apart (GET /users answers every user). Such a
  // user cannot read other users' rights or licences, so the check covers them alone, as before.
  const withoutAdministration = !(await api.isAdministrator(me.id));
  const everyone = withoutAdministration ? [me] : (everyoneOrNull ?? [me]);
  const simulator = licences !== null && modules !== null && configurations !== null;

  // Holders of the two Teams rights, one request each, when the PBX names them.
  const holders = new Map<RightKey, Set<number> | null>();
  await Promise.all(
    [RIGHT_APP_PREMIUM, RIGHT_MS_TEAMS].map(async (key) => {
      const info = findRight(perms, key);
      const users = info ? await optional(() => api.permissionUsers(info.id)) : null;
      holders.set(key, users ? new Set(users.map((u) => u.id)) : null);
    }),
  );

  const explicit = opts.users && opts.users.length > 0 ? resolveUsers(everyone, opts.users) : null;
  // The default selection needs every user's licences; an explicit one only the chosen users'.
  const licenceSubjects = explicit ?? everyone;
  const userLicences = new Map<number, string[] | null>();
  if (licences !== null) {
    const lists = await mapLimit(licenceSubjects, limit, (u) => optional(() => api.userLicences(u.id)));
    licenceSubjects.forEach((u, i) => userLicences.set(u.id, lists[i] ?? null));
  }
  let chosen: User[];
  if (explicit) chosen = explicit;
  else {
    const teamsRight = holders.get(RIGHT_MS_TEAMS);
    const knowable = teamsRight !== null || licences !== null;
    chosen = knowable
      ? everyone.filter((u) => teamsRight?.has(u.id) || userLicences.get(u.id)?.includes(LICENCE_MS_TEAMS))
      : everyone;
  }

  const bothKnown = holders.get(RIGHT_APP_PREMIUM) != null && holders.get(RIGHT_MS_TEAMS) != null;
  const [apps, rightLists] = await Promise.all([
    simulator
      ? mapLimit(chosen, limit, (u) => optional(() => api.appSession(u.id)))
      : Promise.resolve(chosen.map(() => null)),
    // Without the bulk lists (a PBX that names the rights differently, or a user reading only themselves) ask per user.
    bothKnown ? Promise.resolve(null) : mapLimit(chosen, limit, (u) => optional(() => api.userPermissions(u.id))),
  ]);
  const selected: SnapshotUser[] = chosen.map((u, i) => {
    const list = rightLists?.[i];
    const rights = bothKnown
      ? [RIGHT_APP_PREMIUM, RIGHT_MS_TEAMS].filter((k) => holders.get(k)!.has(u.id))
      : list
        ? list.map(rightKeyOf)
        : null;
    const app = apps[i];
    return {
      id: u.id,
      login: u.login,
      name: `${u.firstName} ${u.familyName}`.trim(),
      licences: userLicences.get(u.id) ?? null,
      rights,
      app: app ? { active: app.active, platform: app.platform } : null,
    };
  });

  const logs = configurations
    ? await mapLimit(configurations, limit, (c) => optional(() => api.configurationLog(c.id)))
    : [];
  const snapshotConfigs: SnapshotConfiguration[] | null =
    configurations?.map((c, i) => ({
      id: c.id,
      name: c.name,
      module: c.module,
      active: c.active,
      mode: c.mode,
      pbxName: c.pbxName,
      autoprovisioning: c.autoprovisioning,
      hasKey: c.keyFingerprint !== null,
      revision: c.revision,
      connector: { active: c.connector.active, appliedRevision: c.connector.appliedRevision },
      // REST does not show what the running connector was started with; the sign-in rehearsal meets that.
      applied: null,
      log: logs[i] ? logs[i]!.entries.map((e) => ({ event: e.event })) : null,
    })) ?? null;

  const host = new URL(api.client.baseUrl).hostname;
  const candidate = opts.pbxName ?? (isFqdn(host) ? host : undefined);
  return {
    snapshot: {
      source: simulator ? 'simulator' : 'pbx',
      version: version?.version ?? null,
      minVersion: opts.minVersion ?? DEFAULT_MIN_VERSION,
      licences: licences?.map((l) => ({ type: l.type, count: l.count, used: l.used })) ?? null,
      users: selected,
      modules: modules?.map((m) => ({ name: m.name, version: m.version })) ?? null,
      configurations: snapshotConfigs,
    },
    selected,
    simulator,
    ...(candidate ? { pbxNameCandidate: candidate } : {}),
    ...(withoutAdministration ? { notAdmin: me.login } : {}),
  };
}

/** The one finding that says why a non-administrator's report is mostly unknown. */
export function notAdminNotice(login: string): NonNullable<PrerequisitesReport['incomplete']> {
  const message = text(
    `Signed in as ${login} without the right "Administration": the checks that need it are unknown. Sign in as an administrator for a complete check.`,
    `Angemeldet als ${login} ohne das Recht „Administration“: Prüfungen, die es brauchen, sind unbekannt. Für eine vollständige Prüfung als Administrator anmelden.`,
  );
  return { reason: 'no-administration-right', login, message: message.en, i18n: { message } };
}

/** Free licences per type that the fixes of one report have not yet promised to a user. */
export type LicenceBudget = Map<string, number>;

/** Assign a free licence, or install one first when the free ones are already promised to earlier users. */
function licenceFixes(s: PbxSnapshot, type: LicenceType, user: SnapshotUser, budget: LicenceBudget): PrerequisiteFix[] {
  const installed = s.licences?.find((l) => l.type === type);
  const free = budget.get(type) ?? (installed ? installed.count - installed.used : 0);
  const assign: PrerequisiteFix = { kind: 'assignLicence', userId: user.id, login: user.login, licence: type };
  budget.set(type, Math.max(0, free - 1));
  return free > 0 ? [assign] : [{ kind: 'installLicence', licence: type, count: 1 }, assign];
}

/** Actions that would make a failing rule pass, where the PBX's REST API can perform them. */
export function fixesFor(
  id: string,
  facts: PbxFacts,
  user?: SnapshotUser,
  budget: LicenceBudget = new Map(),
): PrerequisiteFix[] {
  const s = facts.snapshot;
  const sim = facts.simulator;
  const config = configurationInUse(s);
  switch (id) {
    case 'R2':
      return sim && user ? licenceFixes(s, LICENCE_UCC_PREMIUM, user, budget) : [];
    case 'R3':
      return sim && user ? licenceFixes(s, LICENCE_MS_TEAMS, user, budget) : [];
    case 'R4': {
      if (!sim || !user) return [];
      const platform = user.app?.platform === 'macos' ? 'macos' : 'windows';
      return [{ kind: 'activateDesktopApp', userId: user.id, login: user.login, platform }];
    }
    case 'R8': {
      if (!sim) return [];
      const count = Math.max(1, facts.selected.length);
      return [LICENCE_UCC_PREMIUM, LICENCE_MS_TEAMS]
        .filter((t) => !s.licences?.some((l) => l.type === t && l.count > 0))
        .map((licence) => ({ kind: 'installLicence', licence, count }));
    }
    // Granting a right is a real STARFACE endpoint (PUT /permissions/{id}/users), so it is offered on any PBX.
    case 'R9':
      return user ? [{ kind: 'grantRight', userId: user.id, login: user.login, right: RIGHT_APP_PREMIUM }] : [];
    case 'R10':
      return user ? [{ kind: 'grantRight', userId: user.id, login: user.login, right: RIGHT_MS_TEAMS }] : [];
    case 'R11':
      if (!sim) return [];
      if (!s.modules?.some((m) => m.name === TEAMS_MODULE_NAME))
        return [{ kind: 'importModule', module: TEAMS_MODULE_NAME }];
      return [{ kind: 'createConfiguration', name: 'Teams' }];
    case 'R12': {
      if (!sim || !config) return [];
      const active = (s.configurations ?? []).filter((c) => c.module === TEAMS_MODULE_NAME && c.active);
      if (active.length === 0) return [{ kind: 'activateConfiguration', configurationId: config.id }];
      // Which one to keep is the admin's choice: one alternative per active configuration.
      return active.map((c) => ({ kind: 'keepConfiguration', configurationId: c.id, name: c.name }));
    }
    case 'R13':
      return sim && config ? [{ kind: 'setMode', configurationId: config.id, mode: 'FULL_INTEGRATION' }] : [];
    case 'R14':
      // Without a known FQDN the fix leaves the name open: whoever applies it is asked for it.
      return sim && config
        ? [
            {
              kind: 'setPbxName',
              configurationId: config.id,
              ...(facts.pbxNameCandidate ? { pbxName: facts.pbxNameCandidate } : {}),
            },
          ]
        : [];
    case 'R15':
      return sim && config ? [{ kind: 'generateKey', configurationId: config.id }] : [];
    case 'R16':
      return sim && config ? [{ kind: 'enableAutoprovisioning', configurationId: config.id }] : [];
    case 'R17':
    case 'R18':
      return sim && config ? [{ kind: 'restartConnector', configurationId: config.id }] : [];
    case 'R19':
      if (!sim || !config) return [];
      // A re-import loads the module interface again; a restart writes the connector's start to the log.
      return config.log?.some((e) => e.event === 'interface-loaded')
        ? [{ kind: 'restartConnector', configurationId: config.id }]
        : [{ kind: 'importModule', module: TEAMS_MODULE_NAME }];
    default:
      return [];
  }
}

const NO_USERS = text(
  'No user is set up for Teams: none has the right "Integration mit Microsoft Teams" or an "MS Teams Integration" licence. Choose users to check.',
  'Kein Benutzer ist für Teams eingerichtet: keiner hat das Recht "Integration mit Microsoft Teams" oder eine Lizenz "MS Teams Integration". Benutzer zum Prüfen wählen.',
);

/** R1–R4 and R8–R19 through the shared rules (PBX-wide once, per user for each selected user). */
export function pbxResults(facts: PbxFacts): PrerequisiteResult[] {
  const out: PrerequisiteResult[] = [];
  const budget: LicenceBudget = new Map();
  for (const r of REQUIREMENTS) {
    if (r.scope === 'pbx') {
      const check = r.check(facts.snapshot, { perspective: 'admin' });
      const result = toResult(r.id, check, { fixes: check.status === 'fail' ? fixesFor(r.id, facts) : [] });
      out.push(r.id === 'R1' ? withMinimumInTitle(result, facts.snapshot.minVersion) : result);
    } else if (r.scope === 'user') {
      if (facts.selected.length === 0) out.push(toResult(r.id, { status: 'warn', message: NO_USERS }));
      for (const user of facts.selected) {
        const check = r.check(facts.snapshot, { userId: user.id, perspective: 'admin' });
        out.push(
          toResult(r.id, check, { user, fixes: check.status === 'fail' ? fixesFor(r.id, facts, user, budget) : [] }),
        );
      }
    }
  }
  return out;
}

/** R1's title names the minimum the check used (--min-version), not the guide's default. */
function withMinimumInTitle(result: PrerequisiteResult, min: string): PrerequisiteResult {
  const title = text(`PBX version ${min} or higher`, `STARFACE-Version ${min} oder höher`);
  return { ...result, title: title.en, ...(result.i18n ? { i18n: { ...result.i18n, title } } : {}) };
}

/** R20 happens in the Teams admin center, which no PBX API shows: always unknown, with where to look. */
export function teamsAppResult(facts: PbxFacts): PrerequisiteResult {
  return toResult('R20', rule('R20').check(facts.snapshot));
}
