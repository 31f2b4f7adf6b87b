import { TEAMS_MODULE_NAME } from '../../../shared/catalogue.js';
import { text, type Localized } from '../../../shared/i18n.js';
import { REQUIREMENTS, type CheckResult } from '../../../shared/requirements/rules.js';
import type { PbxSnapshot, SignInFacts } from '../../../shared/requirements/snapshot.js';
import type { PrerequisiteFix } from '../../../shared/schemas/prerequisites.js';
import { fixesFor, type LicenceBudget, type PbxFacts } from '../prerequisites/pbxChecks.js';
import type { TeamsFacts } from './teamsFacts.js';

/** The walkthrough's steps in the guide's order; the ids are the step ids of package.json's walkthrough. */
export const STEP_IDS = [
  'version',
  'licences',
  'rights',
  'desktopApp',
  'module',
  'configuration',
  'mode',
  'pbxName',
  'key',
  'autoprovisioning',
  'connector',
  'teamsApp',
  'signIn',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export const isStepId = (v: unknown): v is StepId =>
  typeof v === 'string' && (STEP_IDS as readonly string[]).includes(v);

/** Where a person does a step by hand: the PBX's admin UI, or Microsoft's Teams admin center. */
export type StepPlace = 'pbx' | 'teams';

export interface StepDefinition {
  id: StepId;
  /** The shared rules (R1–R21) that must all pass for the step to be ticked. */
  rules: readonly string[];
  place: StepPlace;
  /** The page of the admin UI where the same is done by hand. */
  where: Localized;
}

const MODULE_PAGE = text(
  'Admin › Modules › Module configurations › Teams Integration',
  'Admin › Module › Modulkonfigurationen › Teams Integration',
);

export const STEPS: readonly StepDefinition[] = [
  { id: 'version', rules: ['R1'], place: 'pbx', where: text('Admin › Server › Updates', 'Admin › Server › Updates') },
  {
    id: 'licences',
    rules: ['R8', 'R2', 'R3'],
    place: 'pbx',
    where: text(
      'Admin › Server › Licences, then Admin › Users › (user) › Licences',
      'Admin › Server › Lizenzen, dann Admin › Benutzer › (Benutzer) › Lizenzen',
    ),
  },
  {
    id: 'rights',
    rules: ['R9', 'R10'],
    place: 'pbx',
    where: text('Admin › Users › (user) › Rights', 'Admin › Benutzer › (Benutzer) › Berechtigungen'),
  },
  {
    id: 'desktopApp',
    rules: ['R4'],
    place: 'pbx',
    where: text(
      "the user's computer: STARFACE App for Windows or macOS › signed in",
      'am Rechner des Benutzers: STARFACE App für Windows oder macOS › angemeldet',
    ),
  },
  {
    id: 'module',
    rules: ['R11'],
    place: 'pbx',
    where: text(
      'Admin › Modules › Module library › Import module, then Module configurations › New configuration',
      'Admin › Module › Modul-Library › Modul importieren, dann Modulkonfigurationen › Neue Konfiguration',
    ),
  },
  { id: 'configuration', rules: ['R12'], place: 'pbx', where: MODULE_PAGE },
  {
    id: 'mode',
    rules: ['R13'],
    place: 'pbx',
    where: text(`${MODULE_PAGE.en} › Basic settings`, `${MODULE_PAGE.de} › Grundeinstellungen`),
  },
  {
    id: 'pbxName',
    rules: ['R14'],
    place: 'pbx',
    where: text(`${MODULE_PAGE.en} › "Name der Anlage"`, `${MODULE_PAGE.de} › "Name der Anlage"`),
  },
  {
    id: 'key',
    rules: ['R15'],
    place: 'pbx',
    where: text(
      `${MODULE_PAGE.en} › "Neuen Schlüssel eintragen", then download the key file`,
      `${MODULE_PAGE.de} › "Neuen Schlüssel eintragen", dann die Schlüsseldatei herunterladen`,
    ),
  },
  {
    id: 'autoprovisioning',
    rules: ['R16'],
    place: 'pbx',
    where: text(
      `${MODULE_PAGE.en} › "Autoprovisionierung für Teams-/AURORA-Client-Logins"`,
      `${MODULE_PAGE.de} › "Autoprovisionierung für Teams-/AURORA-Client-Logins"`,
    ),
  },
  {
    id: 'connector',
    rules: ['R17', 'R18'],
    place: 'pbx',
    where: text(`${MODULE_PAGE.en} › UCI connector`, `${MODULE_PAGE.de} › UCI-Connector`),
  },
  {
    id: 'teamsApp',
    rules: ['R20'],
    place: 'teams',
    where: text('Teams admin center › Teams apps › Manage apps', 'Teams Admin Center › Teams-Apps › Apps verwalten'),
  },
  {
    id: 'signIn',
    rules: ['R21'],
    place: 'teams',
    where: text('the sign-in window of the STARFACE App for Teams', 'das Anmeldefenster der STARFACE App für Teams'),
  },
];

export const stepById = (id: StepId): StepDefinition => STEPS.find((s) => s.id === id)!;

/** `done`: every rule of the step passes. `open`: one fails. `unknown`: none fails, but one cannot be judged. */
export type StepStatus = 'done' | 'open' | 'unknown';

export interface StepRuleResult {
  id: string;
  status: CheckResult['status'];
  /** The login a per-user rule was checked for. */
  login?: string;
  message: Localized;
  fix?: Localized;
}

export interface StepState {
  id: StepId;
  status: StepStatus;
  results: StepRuleResult[];
  /** What the extension can do about the failing rules through the PBX's API (the prerequisites check's fixes). */
  fixes: PrerequisiteFix[];
}

const NO_PBX = text(
  'No PBX is signed in: sign in to a connection (or start the simulator) and the steps tick themselves.',
  'Keine STARFACE angemeldet: an einer Verbindung anmelden (oder den Simulator starten), dann haken sich die Schritte selbst ab.',
);

const NO_USERS = text(
  'No user to check: none has the right "Integration mit Microsoft Teams" or an "MS Teams Integration" licence.',
  'Kein Benutzer zu prüfen: keiner hat das Recht "Integration mit Microsoft Teams" oder eine Lizenz "MS Teams Integration".',
);

const REAL_PBX_TEAMS = text(
  "A real STARFACE's API shows neither the Teams app nor its sign-ins: this step cannot be judged here. Check it in Teams:",
  'Die API einer echten STARFACE zeigt weder die Teams-App noch ihre Anmeldungen: dieser Schritt lässt sich hier nicht beurteilen. In Teams prüfen:',
);

/** The last Teams sign-in as the shared rule R21 reads it: refused for R21 itself means name, key or login. */
function signInFacts(teams: TeamsFacts): SignInFacts | undefined {
  const last = teams.lastSignIn;
  if (!last) return undefined;
  if (last.ok) return { credentialsValid: true, pbxNameMatches: true, keyMatches: true };
  return { credentialsValid: !last.unmet.includes('R21'), pbxNameMatches: null, keyMatches: null };
}

/** The snapshot the rules see: the PBX's, plus what only the Teams app's traffic tells (R20, R21). */
function withTeams(snapshot: PbxSnapshot, teams: TeamsFacts): PbxSnapshot {
  const signIn = signInFacts(teams);
  return {
    ...snapshot,
    // A Teams sign-in reaching the PBX shows the app is installed; nothing else does (no API shows distribution).
    teamsApp: { distributed: teams.appSeen ? true : null },
    ...(signIn ? { signIn } : {}),
  };
}

function refusedSignIn(teams: TeamsFacts): StepRuleResult | undefined {
  const last = teams.lastSignIn;
  if (!last || last.ok) return undefined;
  const ids = last.unmet.join(', ');
  return {
    id: 'R21',
    status: 'fail',
    login: last.login,
    message: text(
      `The last Teams sign-in of ${last.login} was refused (unmet: ${ids}).`,
      `Die letzte Teams-Anmeldung von ${last.login} wurde abgelehnt (nicht erfüllt: ${ids}).`,
    ),
    fix: text('Finish the steps above, then sign in again.', 'Die Schritte oben abschließen, dann erneut anmelden.'),
  };
}

function statusOf(results: readonly StepRuleResult[]): StepStatus {
  if (results.some((r) => r.status === 'fail' || r.status === 'warn')) return 'open';
  if (results.length === 0 || results.some((r) => r.status === 'unknown')) return 'unknown';
  return 'done';
}

const key = (f: PrerequisiteFix) => JSON.stringify(f);

/**
 * Every step's state from the PBX's facts (the prerequisites check's loader) and the Teams sign-ins seen live.
 * Without facts (no PBX signed in) every step is unknown: a tick always means "this PBX meets it now".
 */
export function evaluateSteps(facts: PbxFacts | undefined, teams: TeamsFacts): StepState[] {
  if (!facts) {
    return STEPS.map((s) => ({
      id: s.id,
      status: 'unknown',
      results: s.rules.map((id) => ({ id, status: 'unknown', message: NO_PBX })),
      fixes: [],
    }));
  }
  const snapshot = withTeams(facts.snapshot, teams);
  // One licence budget across the walkthrough, as in the prerequisites report: two users need two free licences.
  const budget: LicenceBudget = new Map();
  return STEPS.map((step) => {
    const results: StepRuleResult[] = [];
    const fixes: PrerequisiteFix[] = [];
    const addFixes = (more: PrerequisiteFix[]) => {
      for (const f of more) if (!fixes.some((g) => key(g) === key(f))) fixes.push(f);
    };
    for (const id of step.rules) {
      const rule = REQUIREMENTS.find((r) => r.id === id)!;
      if (id === 'R21' && refusedSignIn(teams)) {
        results.push(refusedSignIn(teams)!);
        continue;
      }
      if (rule.scope === 'user') {
        if (facts.selected.length === 0) results.push({ id, status: 'fail', message: NO_USERS });
        for (const user of facts.selected) {
          const check = rule.check(snapshot, { userId: user.id, perspective: 'admin' });
          results.push({ id, status: check.status, login: user.login, message: check.message, fix: check.fix });
          if (check.status === 'fail') addFixes(fixesFor(id, facts, user, budget));
        }
      } else {
        const check = rule.check(snapshot, { perspective: 'admin' });
        if (rule.scope === 'teams' && check.status === 'unknown' && !facts.simulator) {
          results.push({ id, status: 'unknown', message: REAL_PBX_TEAMS, fix: step.where });
          continue;
        }
        results.push({ id, status: check.status, message: check.message, fix: check.fix });
        if (check.status === 'fail') addFixes(fixesFor(id, facts));
      }
    }
    // A step's fixes finish it: importing the module leaves R11 open until a configuration exists.
    const configured = (facts.snapshot.configurations ?? []).some((c) => c.module === TEAMS_MODULE_NAME);
    if (step.id === 'module' && fixes.some((f) => f.kind === 'importModule') && !configured)
      addFixes([{ kind: 'createConfiguration', name: 'Teams' }]);
    return { id: step.id, status: statusOf(results), results, fixes };
  });
}
