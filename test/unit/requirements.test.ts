import assert from 'node:assert/strict';
import {
  configurationInUse,
  evaluate,
  REQUIRED_HOSTS,
  REQUIREMENTS,
  requirementById,
  SIGN_IN_REQUIREMENTS,
  type CheckResult,
} from '../../shared/requirements/rules.js';
import type {
  CheckContext,
  PbxSnapshot,
  SnapshotConfiguration,
  SnapshotUser,
} from '../../shared/requirements/snapshot.js';

const PBX = 'pbx.demo.starface.test';

function goodUser(over: Partial<SnapshotUser> = {}): SnapshotUser {
  return {
    id: 2,
    login: '1001',
    name: 'Anna Albers',
    licences: ['UCC-Client Premium', 'MS Teams Integration'],
    rights: ['login_perm', 'app_premium_perm', 'msteams_perm'],
    app: { active: true, platform: 'windows' },
    ...over,
  };
}

function goodConfig(over: Partial<SnapshotConfiguration> = {}): SnapshotConfiguration {
  return {
    id: 1,
    name: 'Teams',
    module: 'Teams Integration',
    active: true,
    mode: 'FULL_INTEGRATION',
    pbxName: PBX,
    autoprovisioning: true,
    hasKey: true,
    revision: 2,
    connector: { active: true, appliedRevision: 2 },
    applied: { mode: 'FULL_INTEGRATION', pbxName: PBX, autoprovisioning: true, hasKey: true },
    log: [{ event: 'interface-loaded' }, { event: 'key-generated' }, { event: 'connector-started' }],
    ...over,
  };
}

/** A PBX and machine where every requirement is met for user 2. */
function good(over: Partial<PbxSnapshot> = {}): PbxSnapshot {
  return {
    source: 'simulator',
    version: '8.1.0.4',
    minVersion: '6.7.3.11',
    licences: [
      { type: 'UCC-Client Premium', count: 2, used: 1 },
      { type: 'MS Teams Integration', count: 2, used: 1 },
    ],
    users: [goodUser()],
    modules: [{ name: 'Teams Integration', version: '1.4.0.7' }],
    configurations: [goodConfig()],
    machine: {
      chrome: { version: '120.0.6099.109' },
      reachability: REQUIRED_HOSTS.map((host) => ({ host, ok: true, detail: 'HTTP 200' })),
      proxy: { found: false },
    },
    teamsApp: { distributed: true },
    signIn: { credentialsValid: true, pbxNameMatches: true, keyMatches: true },
    ...over,
  };
}

/** The snapshot a real PBX's REST API could give when it tells nothing. */
function blank(): PbxSnapshot {
  return {
    source: 'pbx',
    version: null,
    minVersion: '6.7.3.11',
    licences: null,
    users: null,
    modules: null,
    configurations: null,
  };
}

const USER: CheckContext = { userId: 2 };

function check(id: string, s: PbxSnapshot, ctx: CheckContext = USER): CheckResult {
  const rule = requirementById(id);
  assert.ok(rule, `rule ${id} exists`);
  const result = rule.check(s, ctx);
  assert.equal(typeof result.message.en, 'string');
  assert.equal(typeof result.message.de, 'string');
  assert.ok(result.message.en.length > 0 && result.message.de.length > 0, `${id}: message in both languages`);
  if (result.status === 'fail') {
    assert.ok(
      result.fix && result.fix.en.length > 0 && result.fix.de.length > 0,
      `${id}: a failure says how to fix it in both languages`,
    );
  }
  return result;
}

const status = (id: string, s: PbxSnapshot, ctx: CheckContext = USER) => check(id, s, ctx).status;
const withConfig = (over: Partial<SnapshotConfiguration>) => good({ configurations: [goodConfig(over)] });
const withUser = (over: Partial<SnapshotUser>) => good({ users: [goodUser(over)] });

/** The German wording of each requirement in the integration guide (reference/teams-integration-guide.md). */
const GUIDE_DE: Record<string, string> = {
  R1: 'Version 6.7.3.11 oder höher der STARFACE',
  R2: 'Lizenz vom Typ UCC-Client Premium',
  R3: 'Lizenz vom Typ MS Teams Integration',
  R4: 'STARFACE App für Windows oder … macOS aktiv',
  R5: 'Chrome … Version 90.0.4430.72 oder höher',
  R6: 'unbeschränkten Zugriff via HTTPS (Port 443)',
  R7: 'kein HTTPS-Proxy eingesetzt werden',
  R8: 'zuerst die notwendigen Lizenzen eingespielt',
  R9: 'Recht "App Premium-Funktionen"',
  R10: 'Recht "Integration mit Microsoft Teams"',
  R11: 'Modul "Teams Integration" … Modulkonfiguration',
  R12: 'immer nur eine aktive Modulkonfiguration',
  R13: 'wird nicht unterstützt und darf … nicht ausgewählt werden',
  R14: 'FQDN der STARFACE',
  R15: 'kann nicht manuell eingetragen werden',
  R16: 'sollte immer aktiviert sein',
  R17: 'deaktiviert und danach wieder aktiviert werden',
  R18: 'muss … immer aktiv sein',
  R19: 'Reiter Logausgaben',
  R20: 'bis zu 24 Stunden',
  R21: 'Name der Anlage und der generierte Schlüssel',
};

describe('requirement rules: the catalogue', () => {
  it('has R1 to R21, once each, in order', () => {
    assert.deepEqual(
      REQUIREMENTS.map((r) => r.id),
      Array.from({ length: 21 }, (_, i) => `R${i + 1}`),
    );
  });

  it("every rule has an English and German title and explanation, a place to look, and the guide's German wording", () => {
    for (const r of REQUIREMENTS) {
      for (const part of [r.title, r.explanation, r.where]) {
        assert.ok(part.en.trim().length > 0, `${r.id}: English text`);
        assert.ok(part.de.trim().length > 0, `${r.id}: German text`);
      }
      assert.equal(typeof r.guide, 'string');
      assert.equal(r.guide, GUIDE_DE[r.id], `${r.id}: the guide's German wording`);
      assert.ok(['pbx', 'user', 'machine', 'teams'].includes(r.scope));
    }
  });

  it('scopes: licences, app and rights are per user; R5–R7 are about the machine; R20–R21 about Teams', () => {
    const byScope = (scope: string) => REQUIREMENTS.filter((r) => r.scope === scope).map((r) => r.id);
    assert.deepEqual(byScope('user'), ['R2', 'R3', 'R4', 'R9', 'R10']);
    assert.deepEqual(byScope('machine'), ['R5', 'R6', 'R7']);
    assert.deepEqual(byScope('teams'), ['R20', 'R21']);
  });

  it('a Teams sign-in evaluates R1–R4, R9–R18 and R21', () => {
    assert.deepEqual(
      [...SIGN_IN_REQUIREMENTS],
      ['R1', 'R2', 'R3', 'R4', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'R16', 'R17', 'R18', 'R21'],
    );
  });

  it('requirementById finds a rule and answers undefined for an unknown id', () => {
    assert.equal(requirementById('R13')?.id, 'R13');
    assert.equal(requirementById('R22'), undefined);
  });
});

describe('requirement rules: every rule passes on a complete set-up', () => {
  for (const r of REQUIREMENTS) {
    it(`${r.id} passes`, () => {
      assert.equal(status(r.id, good()), 'pass');
    });
  }
});

describe('requirement rules: with nothing known, every rule answers unknown (never pass or fail)', () => {
  for (const r of REQUIREMENTS) {
    it(`${r.id} is unknown on an empty snapshot`, () => {
      const result = check(r.id, blank());
      assert.equal(result.status, 'unknown');
    });
  }
});

describe('requirement rules: each rule', () => {
  it('R1: version compared part by part against the configurable minimum', () => {
    assert.equal(status('R1', good({ version: '6.7.3.11' })), 'pass');
    assert.equal(status('R1', good({ version: '10.0.0.19' })), 'pass');
    assert.equal(status('R1', good({ version: '6.7.2.4' })), 'fail');
    assert.equal(status('R1', good({ version: '6.7.3.9' })), 'fail');
    assert.equal(status('R1', good({ version: '7.0.0.0', minVersion: '7.1.0.3' })), 'fail');
    assert.equal(status('R1', good({ version: null })), 'unknown');
    assert.equal(status('R1', good({ version: 'unknown' })), 'unknown');
    assert.match(check('R1', good({ version: '6.7.2.4' })).message.en, /6\.7\.2\.4.*6\.7\.3\.11/);
  });

  for (const [id, type, other] of [
    ['R2', 'UCC-Client Premium', 'MS Teams Integration'],
    ['R3', 'MS Teams Integration', 'UCC-Client Premium'],
  ] as const) {
    it(`${id}: licence "${type}" per user`, () => {
      assert.equal(status(id, withUser({ licences: [other] })), 'fail');
      assert.match(check(id, withUser({ licences: [] })).message.en, new RegExp(`1001.*${type}`));
      assert.equal(status(id, withUser({ licences: [type] })), 'pass');
      assert.equal(status(id, withUser({ licences: null })), 'unknown');
      assert.equal(status(id, good({ users: null })), 'unknown');
      // Without a user to look at, a per-user rule cannot pass or fail.
      assert.equal(status(id, good(), {}), 'unknown');
      assert.equal(status(id, good(), { userId: 99 }), 'unknown');
    });
  }

  it('R4: the desktop app active on Windows or macOS', () => {
    assert.equal(status('R4', withUser({ app: { active: true, platform: 'macos' } })), 'pass');
    assert.equal(status('R4', withUser({ app: { active: false, platform: 'windows' } })), 'fail');
    const mobile = check('R4', withUser({ app: { active: true, platform: 'ios' } }));
    assert.equal(mobile.status, 'fail');
    assert.match(mobile.message.en, /ios/);
    assert.equal(status('R4', withUser({ app: { active: true, platform: null } })), 'fail');
    assert.equal(status('R4', withUser({ app: null })), 'unknown');
    assert.equal(status('R4', good({ users: null })), 'unknown');
  });

  it('R5: Chrome 90.0.4430.72 or newer', () => {
    const chrome = (version: string | null) => good({ machine: { chrome: { version } } });
    assert.equal(status('R5', chrome('90.0.4430.72')), 'pass');
    assert.equal(status('R5', chrome('100.0.4896.60')), 'pass');
    assert.equal(status('R5', chrome('90.0.4430.71')), 'fail');
    assert.equal(status('R5', chrome('89.0.4389.128')), 'fail');
    assert.equal(status('R5', chrome(null)), 'fail');
    assert.equal(status('R5', good({ machine: { chrome: null } })), 'fail');
    assert.equal(status('R5', good({ machine: {} })), 'unknown');
    assert.equal(status('R5', good({ machine: undefined })), 'unknown');
  });

  it('R6: the three hosts reachable on 443', () => {
    const reach = REQUIRED_HOSTS.map((host, i) => ({ host, ok: i !== 1, detail: i === 1 ? 'ETIMEDOUT' : 'HTTP 200' }));
    const result = check('R6', good({ machine: { reachability: reach } }));
    assert.equal(result.status, 'fail');
    assert.match(result.message.en, /service-cloud-connector\.fluxpunkt\.de \(ETIMEDOUT\)/);
    assert.ok(!result.message.en.includes('login.microsoftonline.com'));
    assert.equal(status('R6', good({ machine: { reachability: null } })), 'unknown');
    assert.equal(status('R6', good({ machine: {} })), 'unknown');
  });

  it('R7: no HTTPS proxy', () => {
    const result = check(
      'R7',
      good({ machine: { proxy: { found: true, source: 'HTTPS_PROXY', value: 'http://proxy:3128' } } }),
    );
    assert.equal(result.status, 'fail');
    assert.match(result.message.en, /HTTPS_PROXY/);
    assert.equal(status('R7', good({ machine: { proxy: { found: false } } })), 'pass');
    assert.equal(status('R7', good({ machine: { proxy: null } })), 'unknown');
  });

  it('R8: both licence types installed', () => {
    assert.equal(status('R8', good({ licences: [{ type: 'UCC-Client Premium', count: 1, used: 0 }] })), 'fail');
    assert.match(check('R8', good({ licences: [] })).message.en, /UCC-Client Premium.*MS Teams Integration/);
    assert.equal(
      status(
        'R8',
        good({
          licences: [
            { type: 'UCC-Client Premium', count: 1, used: 1 },
            { type: 'MS Teams Integration', count: 0, used: 0 },
          ],
        }),
      ),
      'fail',
    );
    assert.equal(status('R8', good({ licences: null })), 'unknown');
  });

  for (const [id, right] of [
    ['R9', 'app_premium_perm'],
    ['R10', 'msteams_perm'],
  ] as const) {
    it(`${id}: right ${right} per user`, () => {
      assert.equal(status(id, withUser({ rights: ['login_perm'] })), 'fail');
      assert.equal(status(id, withUser({ rights: [right] })), 'pass');
      assert.equal(status(id, withUser({ rights: null })), 'unknown');
      assert.equal(status(id, good(), {}), 'unknown');
    });
  }

  it('R11: module imported and a configuration created', () => {
    assert.equal(status('R11', good({ modules: [] })), 'fail');
    assert.equal(status('R11', good({ configurations: [] })), 'fail');
    assert.equal(status('R11', good({ configurations: [goodConfig({ module: 'Other Module' })] })), 'fail');
    assert.equal(status('R11', good({ modules: null })), 'unknown');
    assert.equal(status('R11', good({ configurations: null })), 'unknown');
  });

  it('R12: exactly one active Teams configuration', () => {
    const two = good({
      configurations: [
        goodConfig(),
        goodConfig({ id: 2, name: 'Teams (copy)', connector: { active: false, appliedRevision: null }, applied: null }),
      ],
    });
    const result = check('R12', two);
    assert.equal(result.status, 'fail');
    assert.match(result.message.en, /2 Teams configurations are active/);
    assert.equal(status('R12', withConfig({ active: false })), 'fail');
    // Configurations of other modules do not count.
    assert.equal(
      status('R12', good({ configurations: [goodConfig(), goodConfig({ id: 2, module: 'Other Module' })] })),
      'pass',
    );
    assert.equal(status('R12', good({ configurations: [goodConfig(), goodConfig({ id: 2, active: false })] })), 'pass');
    assert.equal(status('R12', good({ configurations: null })), 'unknown');
  });

  it('R13: mode "Vollständige Integration"', () => {
    const presence = check('R13', withConfig({ mode: 'PRESENCE_SYNC' }));
    assert.equal(presence.status, 'fail');
    assert.match(presence.message.en, /Abgleich Präsenzstatus/);
    assert.equal(status('R13', good({ configurations: [] })), 'fail');
    assert.equal(status('R13', good({ configurations: null })), 'unknown');
  });

  it('R14: "Name der Anlage" is an FQDN', () => {
    assert.equal(status('R14', withConfig({ pbxName: '' })), 'fail');
    assert.equal(status('R14', withConfig({ pbxName: 'pbx' })), 'fail');
    assert.equal(status('R14', withConfig({ pbxName: 'pbx .example.com' })), 'fail');
    assert.equal(status('R14', withConfig({ pbxName: 'pbx.example.com' })), 'pass');
    assert.equal(status('R14', good({ configurations: null })), 'unknown');
  });

  it('R15: a generated key', () => {
    assert.equal(status('R15', withConfig({ hasKey: false })), 'fail');
    assert.equal(status('R15', good({ configurations: [] })), 'fail');
    assert.equal(status('R15', good({ configurations: null })), 'unknown');
  });

  it('R16: autoprovisioning enabled', () => {
    assert.equal(status('R16', withConfig({ autoprovisioning: false })), 'fail');
    assert.equal(status('R16', good({ configurations: null })), 'unknown');
  });

  it('R17: no change waits for a connector restart', () => {
    const pending = check('R17', withConfig({ revision: 3, connector: { active: true, appliedRevision: 2 } }));
    assert.equal(pending.status, 'fail');
    assert.match(pending.message.en, /revision 2.*revision 3/);
    // A stopped connector has nothing pending: it takes the saved revision when started.
    assert.equal(
      status('R17', withConfig({ revision: 3, connector: { active: false, appliedRevision: null }, applied: null })),
      'pass',
    );
    assert.equal(status('R17', good({ configurations: null })), 'unknown');
  });

  it('R18: the UCI connector is active', () => {
    assert.equal(
      status('R18', withConfig({ connector: { active: false, appliedRevision: null }, applied: null })),
      'fail',
    );
    assert.equal(status('R18', good({ configurations: [] })), 'fail');
    assert.equal(status('R18', good({ configurations: null })), 'unknown');
  });

  it('R19: the module log shows the interface loading and the connector starting', () => {
    assert.equal(status('R19', withConfig({ log: [{ event: 'connector-started' }] })), 'fail');
    assert.equal(status('R19', withConfig({ log: [{ event: 'interface-loaded' }] })), 'fail');
    assert.equal(
      status(
        'R19',
        withConfig({
          log: [{ event: 'interface-loaded' }],
          connector: { active: false, appliedRevision: null },
          applied: null,
        }),
      ),
      'pass',
    );
    assert.equal(status('R19', withConfig({ log: null })), 'unknown');
    assert.equal(status('R19', good({ configurations: null })), 'unknown');
  });

  it('R20: the Teams app is distributed', () => {
    assert.equal(status('R20', good({ teamsApp: { distributed: false } })), 'fail');
    assert.equal(status('R20', good({ teamsApp: { distributed: null } })), 'unknown');
    assert.equal(status('R20', good({ teamsApp: undefined })), 'unknown');
  });

  it('R21: the sign-in with PBX name, key and credentials', () => {
    const signIn = (credentialsValid: boolean, pbxNameMatches: boolean | null, keyMatches: boolean | null) =>
      status('R21', good({ signIn: { credentialsValid, pbxNameMatches, keyMatches } }));
    assert.equal(signIn(false, true, true), 'fail');
    assert.equal(signIn(true, false, true), 'fail');
    assert.equal(signIn(true, true, false), 'fail');
    // What cannot be compared (no PBX name, no key) is R14's or R15's failure, not R21's.
    assert.equal(signIn(true, null, null), 'pass');
    assert.equal(status('R21', good({ signIn: undefined })), 'unknown');
  });
});

describe("requirement rules: the connector's perspective", () => {
  /** Saved settings differ from what the running connector was started with. */
  const diverged = (
    saved: Partial<SnapshotConfiguration>,
    applied: Partial<NonNullable<SnapshotConfiguration['applied']>>,
  ) =>
    withConfig({
      ...saved,
      revision: 3,
      connector: { active: true, appliedRevision: 2 },
      applied: { mode: 'FULL_INTEGRATION', pbxName: PBX, autoprovisioning: true, hasKey: true, ...applied },
    });
  const connector: CheckContext = { perspective: 'connector' };
  const admin: CheckContext = { perspective: 'admin' };

  it('R13 judges the mode the running connector uses', () => {
    const savedPresence = diverged({ mode: 'PRESENCE_SYNC' }, {});
    assert.equal(status('R13', savedPresence, admin), 'fail');
    assert.equal(status('R13', savedPresence, {}), 'fail', 'admin is the default perspective');
    assert.equal(status('R13', savedPresence, connector), 'pass');
    const runningPresence = diverged({}, { mode: 'PRESENCE_SYNC' });
    assert.equal(status('R13', runningPresence, admin), 'pass');
    assert.equal(status('R13', runningPresence, connector), 'fail');
  });

  it('R14, R15 and R16 judge the applied settings', () => {
    assert.equal(status('R14', diverged({ pbxName: '' }, {}), connector), 'pass');
    assert.equal(status('R14', diverged({}, { pbxName: '' }), connector), 'fail');
    assert.equal(status('R14', diverged({}, { pbxName: '' }), admin), 'pass');
    assert.equal(status('R15', diverged({ hasKey: false }, {}), connector), 'pass');
    assert.equal(status('R15', diverged({}, { hasKey: false }), connector), 'fail');
    assert.equal(status('R15', diverged({}, { hasKey: false }), admin), 'pass');
    assert.equal(status('R16', diverged({ autoprovisioning: false }, {}), connector), 'pass');
    assert.equal(status('R16', diverged({}, { autoprovisioning: false }), connector), 'fail');
  });

  it('R17 fails in both perspectives while a change is pending', () => {
    const s = diverged({ autoprovisioning: false }, {});
    assert.equal(status('R17', s, connector), 'fail');
    assert.equal(status('R17', s, admin), 'fail');
  });

  it('a stopped connector has no applied settings: the saved ones count', () => {
    const stopped = withConfig({
      mode: 'PRESENCE_SYNC',
      connector: { active: false, appliedRevision: null },
      applied: null,
    });
    assert.equal(status('R13', stopped, connector), 'fail');
    // Stale applied settings of a stopped connector are ignored too.
    const stale = withConfig({
      connector: { active: false, appliedRevision: null },
      applied: { mode: 'PRESENCE_SYNC', pbxName: '', autoprovisioning: false, hasKey: false },
    });
    for (const id of ['R13', 'R14', 'R15', 'R16']) assert.equal(status(id, stale, connector), 'pass', id);
  });
});

describe('configurationInUse', () => {
  it('is the first active Teams configuration by id, else the first one', () => {
    const s = good({
      configurations: [
        goodConfig({ id: 5, active: true }),
        goodConfig({ id: 3, active: false }),
        goodConfig({ id: 4, active: true }),
        goodConfig({ id: 1, module: 'Other' }),
      ],
    });
    assert.equal(configurationInUse(s)?.id, 4);
    assert.equal(
      configurationInUse(
        good({ configurations: [goodConfig({ id: 7, active: false }), goodConfig({ id: 6, active: false })] }),
      )?.id,
      6,
    );
    assert.equal(configurationInUse(good({ configurations: [] })), null);
    assert.equal(configurationInUse(good({ configurations: null })), undefined);
  });

  it('config rules look at the configuration in use', () => {
    const s = good({ configurations: [goodConfig({ id: 1, active: false, pbxName: '' }), goodConfig({ id: 2 })] });
    assert.equal(status('R14', s), 'pass');
  });
});

describe('evaluate()', () => {
  const twoUsers = () =>
    good({ users: [goodUser(), goodUser({ id: 3, login: '1002', rights: ['login_perm', 'app_premium_perm'] })] });

  it('runs every rule once, and the per-user rules once per user', () => {
    const results = evaluate(twoUsers(), { userIds: [2, 3] });
    const perUser = REQUIREMENTS.filter((r) => r.scope === 'user');
    assert.equal(results.length, REQUIREMENTS.length + perUser.length);
    for (const r of REQUIREMENTS) {
      const mine = results.filter((x) => x.id === r.id);
      if (r.scope === 'user') {
        assert.deepEqual(
          mine.map((x) => x.userId),
          [2, 3],
          r.id,
        );
      } else {
        assert.equal(mine.length, 1, r.id);
        assert.equal(mine[0]!.userId, undefined, r.id);
      }
    }
    assert.deepEqual(
      results.filter((r) => r.status !== 'pass').map((r) => [r.id, r.userId, r.status]),
      [['R10', 3, 'fail']],
    );
  });

  it("keeps the guide's order", () => {
    const ids = evaluate(twoUsers(), { userIds: [2] }).map((r) => r.id);
    assert.deepEqual(
      ids,
      REQUIREMENTS.map((r) => r.id),
    );
  });

  it('without user ids the per-user rules are left out', () => {
    const ids = evaluate(good()).map((r) => r.id);
    assert.deepEqual(
      ids,
      REQUIREMENTS.filter((r) => r.scope !== 'user').map((r) => r.id),
    );
  });

  it('runs only the given ids', () => {
    const results = evaluate(twoUsers(), { ids: ['R1', 'R10', 'R21'], userIds: [2, 3] });
    assert.deepEqual(
      results.map((r) => `${r.id}/${r.userId ?? '-'}`),
      ['R1/-', 'R10/2', 'R10/3', 'R21/-'],
    );
  });

  it('passes the perspective on to the rules', () => {
    const s = withConfig({
      mode: 'PRESENCE_SYNC',
      revision: 3,
      connector: { active: true, appliedRevision: 2 },
      applied: { mode: 'FULL_INTEGRATION', pbxName: PBX, autoprovisioning: true, hasKey: true },
    });
    const failing = (perspective: 'admin' | 'connector') =>
      evaluate(s, { ids: SIGN_IN_REQUIREMENTS, userIds: [2], perspective })
        .filter((r) => r.status === 'fail')
        .map((r) => r.id);
    assert.deepEqual(failing('admin'), ['R13', 'R17']);
    assert.deepEqual(failing('connector'), ['R17']);
  });

  it('on an empty snapshot nothing passes or fails', () => {
    const results = evaluate(blank(), { userIds: [2] });
    assert.ok(results.length > 0);
    assert.deepEqual([...new Set(results.map((r) => r.status))], ['unknown']);
  });
});
