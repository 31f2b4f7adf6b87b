// The walkthrough's domain model (extension/src/walkthrough/): which rules each step judges, its status from the
// shared rules, the fixes it offers, and the Teams sign-ins read from events. Hand-made facts, no PBX.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PbxSnapshot, SnapshotConfiguration, SnapshotUser } from '../../shared/requirements/snapshot.js';
import type { SimEvent } from '../../shared/schemas/events.js';
import type { PbxFacts } from '../../extension/src/prerequisites/pbxChecks.js';
import { evaluateSteps, isStepId, STEP_IDS, STEPS, type StepId } from '../../extension/src/walkthrough/steps.js';
import { foldTeamsEvents, NO_TEAMS_FACTS, type TeamsFacts } from '../../extension/src/walkthrough/teamsFacts.js';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

const anna = (over: Partial<SnapshotUser> = {}): SnapshotUser => ({
  id: 1,
  login: 'admin',
  name: 'Admin',
  licences: ['UCC-Client Premium', 'MS Teams Integration'],
  rights: ['app_premium_perm', 'msteams_perm'],
  app: { active: true, platform: 'windows' },
  ...over,
});

const config = (over: Partial<SnapshotConfiguration> = {}): SnapshotConfiguration => ({
  id: 7,
  name: 'Teams',
  module: 'Teams Integration',
  active: true,
  mode: 'FULL_INTEGRATION',
  pbxName: 'pbx.example.com',
  autoprovisioning: true,
  hasKey: true,
  revision: 3,
  connector: { active: true, appliedRevision: 3 },
  applied: null,
  log: [{ event: 'interface-loaded' }, { event: 'connector-started' }],
  ...over,
});

/** A simulator PBX that meets every rule the PBX can show. */
function facts(over: Partial<PbxSnapshot> = {}, users: SnapshotUser[] = [anna()]): PbxFacts {
  const snapshot: PbxSnapshot = {
    source: 'simulator',
    version: '8.1.0.4',
    minVersion: '6.7.3.11',
    licences: [
      { type: 'UCC-Client Premium', count: 1, used: 1 },
      { type: 'MS Teams Integration', count: 1, used: 1 },
    ],
    users,
    modules: [{ name: 'Teams Integration', version: '1.0' }],
    configurations: [config()],
    ...over,
  };
  return { snapshot, selected: users, simulator: snapshot.source === 'simulator' };
}

const statusOf = (f: PbxFacts | undefined, id: StepId, teams: TeamsFacts = NO_TEAMS_FACTS) =>
  evaluateSteps(f, teams).find((s) => s.id === id)!;

const event = (service: string, name: string, data: Record<string, unknown> = {}, seq = 1): SimEvent => ({
  seq,
  time: new Date(0).toISOString(),
  service,
  event: name,
  data,
});

describe('walkthrough steps (domain model)', () => {
  it('has the guide’s thirteen steps in order, and package.json contributes exactly them', () => {
    assert.deepEqual(STEP_IDS, [
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
    ]);
    const walkthrough = pkg.contributes.walkthroughs.find((w: any) => w.id === 'starface.setup');
    assert.deepEqual(
      walkthrough.steps.map((s: any) => s.id),
      [...STEP_IDS],
    );
    for (const step of walkthrough.steps) {
      // Without a completion event VS Code ticks a step when it is merely selected: each names its context key.
      assert.deepEqual(step.completionEvents, [`onContext:starface.walkthrough.${step.id}`]);
      assert.match(step.media.svg, new RegExp(`^media/walkthrough/${step.id}\\.svg$`));
    }
    assert.ok(isStepId('licences'));
    assert.ok(!isStepId('R12'));
  });

  it('judges every rule of R1–R4 and R8–R21 except R19 in exactly one step', () => {
    const rules = STEPS.flatMap((s) => s.rules).sort();
    assert.deepEqual(
      rules,
      [
        'R1',
        'R2',
        'R3',
        'R4',
        'R8',
        'R9',
        'R10',
        'R11',
        'R12',
        'R13',
        'R14',
        'R15',
        'R16',
        'R17',
        'R18',
        'R20',
        'R21',
      ].sort(),
    );
  });

  it('without a signed-in PBX every step is unknown (nothing is ticked)', () => {
    const states = evaluateSteps(undefined, NO_TEAMS_FACTS);
    assert.deepEqual(new Set(states.map((s) => s.status)), new Set(['unknown']));
    assert.ok(states.every((s) => s.fixes.length === 0));
  });

  it('ticks every PBX step of a set-up PBX; the Teams steps wait for a sign-in', () => {
    const states = evaluateSteps(facts(), NO_TEAMS_FACTS);
    for (const s of states) {
      const want = s.id === 'teamsApp' || s.id === 'signIn' ? 'unknown' : 'done';
      assert.equal(s.status, want, `${s.id}: ${JSON.stringify(s.results)}`);
    }
  });

  it('a fresh PBX: licences, module and configuration open with their fixes; no configuration fails R12–R18', () => {
    const fresh = facts({ licences: [], modules: [], configurations: [] }, [
      anna({ licences: [], rights: [], app: { active: false, platform: null } }),
    ]);
    assert.equal(statusOf(fresh, 'version').status, 'done');
    const licences = statusOf(fresh, 'licences');
    assert.equal(licences.status, 'open');
    assert.deepEqual(
      licences.fixes.map((f) => f.kind),
      ['installLicence', 'installLicence', 'assignLicence', 'assignLicence'],
      'install both types (R8), then assign one of each (R2, R3); no fix twice',
    );
    assert.deepEqual(
      statusOf(fresh, 'rights').fixes.map((f) => f.kind),
      ['grantRight', 'grantRight'],
    );
    assert.deepEqual(statusOf(fresh, 'desktopApp').fixes, [
      { kind: 'activateDesktopApp', userId: 1, login: 'admin', platform: 'windows' },
    ]);
    assert.deepEqual(
      statusOf(fresh, 'module').fixes,
      [
        { kind: 'importModule', module: 'Teams Integration' },
        { kind: 'createConfiguration', name: 'Teams' },
      ],
      'importing alone leaves R11 open: the step offers what finishes it',
    );
    for (const id of ['configuration', 'mode', 'pbxName', 'key', 'autoprovisioning', 'connector'] as const)
      assert.equal(statusOf(fresh, id).status, 'open', id);
  });

  it('unticks a step when its rule fails again: two active configurations, an inactive one, a change not restarted', () => {
    assert.equal(statusOf(facts(), 'configuration').status, 'done');
    const two = facts({ configurations: [config(), config({ id: 8, name: 'Copy' })] });
    const state = statusOf(two, 'configuration');
    assert.equal(state.status, 'open');
    assert.deepEqual(
      state.fixes.map((f) => f.kind),
      ['keepConfiguration', 'keepConfiguration'],
      'which one stays is the admin’s choice',
    );
    assert.equal(statusOf(facts({ configurations: [config({ active: false })] }), 'configuration').status, 'open');
    const pending = facts({ configurations: [config({ revision: 4 })] });
    assert.equal(statusOf(pending, 'connector').status, 'open');
    assert.deepEqual(statusOf(pending, 'connector').fixes, [{ kind: 'restartConnector', configurationId: 7 }]);
  });

  it('a real PBX: what its API cannot show stays unknown, with nothing offered; rights are judged', () => {
    const real = facts({ source: 'pbx', licences: null, modules: null, configurations: null }, [
      anna({ licences: null, app: null, rights: [] }),
    ]);
    for (const id of ['licences', 'desktopApp', 'module', 'configuration', 'mode', 'key', 'connector'] as const) {
      assert.equal(statusOf(real, id).status, 'unknown', id);
      assert.deepEqual(statusOf(real, id).fixes, [], id);
    }
    for (const id of ['teamsApp', 'signIn'] as const) {
      assert.equal(statusOf(real, id).status, 'unknown', id);
      assert.match(statusOf(real, id).results[0]!.message.en, /cannot be judged here/);
      assert.match(statusOf(real, id).results[0]!.fix!.en, /Teams/);
    }
    const rights = statusOf(real, 'rights');
    assert.equal(rights.status, 'open');
    assert.equal(rights.fixes.length, 2, 'granting a right is a real STARFACE endpoint');
  });

  it('with no user to check, the per-user steps are open and say so', () => {
    const nobody = facts({}, []);
    const licences = statusOf(nobody, 'licences');
    assert.equal(licences.status, 'open');
    assert.match(licences.results.find((r) => r.id === 'R2')!.message.en, /No user to check/);
  });

  it('reads Teams sign-ins from events: a sign-in ticks both Teams steps, a later change unticks the sign-in', () => {
    let teams = foldTeamsEvents(NO_TEAMS_FACTS, [event('sim.events.teams', 'sign-in', { login: 'admin', unmet: [] })]);
    assert.deepEqual(teams, { appSeen: true, lastSignIn: { ok: true, login: 'admin', unmet: [] } });
    assert.equal(statusOf(facts(), 'teamsApp', teams).status, 'done');
    assert.equal(statusOf(facts(), 'signIn', teams).status, 'done');

    // Events that cannot change a sign-in leave the facts as they are (the same object: nothing to re-judge).
    assert.equal(foldTeamsEvents(teams, [event('ucp.v22.events.call', 'state')]), teams);

    teams = foldTeamsEvents(teams, [event('sim.events.config', 'updated', { id: 7 })]);
    assert.deepEqual(teams, { appSeen: true });
    assert.equal(statusOf(facts(), 'teamsApp', teams).status, 'done', 'the app stays installed');
    assert.equal(statusOf(facts(), 'signIn', teams).status, 'unknown', 'the sign-in must be made again');
  });

  it('a refused sign-in leaves the step open and names what was unmet', () => {
    const teams = foldTeamsEvents(NO_TEAMS_FACTS, [
      event('sim.events.teams', 'sign-in-refused', { login: 'admin', unmet: ['R10', 'R21'] }),
    ]);
    const signIn = statusOf(facts(), 'signIn', teams);
    assert.equal(signIn.status, 'open');
    assert.match(signIn.results[0]!.message.en, /refused \(unmet: R10, R21\)/);
    assert.match(signIn.results[0]!.message.de, /abgelehnt/);
    assert.equal(statusOf(facts(), 'teamsApp', teams).status, 'done', 'the app reached the PBX');
  });
});
