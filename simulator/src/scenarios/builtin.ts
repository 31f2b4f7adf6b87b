import type { Localized } from '../../../shared/i18n.js';
import { BROKEN_DESCRIPTIONS, BROKEN_IDS, BUILTIN_NAMES, type BrokenId } from '../../../shared/scenarios.js';
import type { ScenarioInput } from '../../../shared/schemas/scenario.js';

export const DEMO_PBX_NAME = 'pbx.demo.starface.test';

const ALL_TEAMS_RIGHTS = ['login_perm', 'callman_perm', 'redirect_perm', 'calllist_perm', 'address_perm', 'voice_perm', 'setting_perm', 'app_premium_perm', 'msteams_perm'];

/** The demo PBX of DESIGN.md: Anna is fully set up, Bernd lacks the Teams right, Carla has no licences. */
export function demoScenario(): ScenarioInput {
  return {
    name: 'demo',
    description: 'A PBX set up for the Teams integration: 1001 fully set up, 1002 lacks the Teams right, 1003 has no licences.',
    server: { version: '8.1.0.4' },
    licences: [
      { type: 'UCC-Client Premium', count: 2 },
      { type: 'MS Teams Integration', count: 2 },
    ],
    users: [
      {
        login: '1001', firstName: 'Anna', familyName: 'Albers', email: 'anna.albers@demo.starface.test', language: 'de',
        password: 'anna-demo-1001', extension: '1001', rights: ALL_TEAMS_RIGHTS,
        licences: ['UCC-Client Premium', 'MS Teams Integration'], app: { active: true, platform: 'windows', version: '8.1.0.4' },
      },
      {
        login: '1002', firstName: 'Bernd', familyName: 'Brandt', email: 'bernd.brandt@demo.starface.test', language: 'de',
        password: 'bernd-demo-1002', extension: '1002', rights: ALL_TEAMS_RIGHTS.filter((r) => r !== 'msteams_perm'),
        licences: ['UCC-Client Premium', 'MS Teams Integration'], app: { active: true, platform: 'macos', version: '8.1.0.4' },
      },
      {
        login: '1003', firstName: 'Carla', familyName: 'Conrad', email: 'carla.conrad@demo.starface.test', language: 'en',
        password: 'carla-demo-1003', extension: '1003', rights: ALL_TEAMS_RIGHTS,
        licences: [], app: { active: true, platform: 'windows', version: '8.1.0.4' },
      },
    ],
    modules: [{ name: 'Teams Integration' }],
    configurations: [
      {
        name: 'Teams', active: true, mode: 'FULL_INTEGRATION', pbxName: DEMO_PBX_NAME, autoprovisioning: true,
        generateKey: true, connector: { active: true, pendingRestart: false },
      },
    ],
    virtualPhones: [{ extension: '1099', name: 'Demo Hotline', behaviour: 'answer', answerAfterMs: 1000 }],
  };
}

export function freshScenario(): ScenarioInput {
  return { name: 'fresh', description: 'A new PBX: only the admin, no licences, no modules.', server: { version: '8.1.0.4' } };
}

type Breaker = { description: Localized; apply(s: ScenarioInput): void };

const anna = (s: ScenarioInput) => s.users!.find((u) => u.login === '1001')!;
const teams = (s: ScenarioInput) => s.configurations![0]!;

/** Each makes exactly one requirement fail for user 1001 and leaves every other one passing. */
const BREAK: Record<BrokenId, (s: ScenarioInput) => void> = {
  R1: (s) => void (s.server = { version: '6.7.2.4' }),
  R2: (s) => void (anna(s).licences = ['MS Teams Integration']),
  R3: (s) => void (anna(s).licences = ['UCC-Client Premium']),
  R4: (s) => void (anna(s).app = { active: false, platform: 'windows' }),
  R9: (s) => void (anna(s).rights = anna(s).rights!.filter((r) => r !== 'app_premium_perm')),
  R10: (s) => void (anna(s).rights = anna(s).rights!.filter((r) => r !== 'msteams_perm')),
  R11: (s) => void (s.modules = []),
  R12: (s) => void s.configurations!.push({ ...teams(s), name: 'Teams (copy)', connector: { active: false, pendingRestart: false } }),
  R13: (s) => void (teams(s).mode = 'PRESENCE_SYNC'),
  R14: (s) => void (teams(s).pbxName = ''),
  R15: (s) => void (teams(s).generateKey = false),
  R16: (s) => void (teams(s).autoprovisioning = false),
  R17: (s) => void (teams(s).connector = { active: true, pendingRestart: true }),
  R18: (s) => void (teams(s).connector = { active: false, pendingRestart: false }),
};

/** The breakers with their descriptions, which live in shared/scenarios.ts so the extension can list them. */
export const BREAKERS: Record<string, Breaker> = Object.fromEntries(
  BROKEN_IDS.map((id) => [id, { description: BROKEN_DESCRIPTIONS[id], apply: BREAK[id] }]),
);

export { BROKEN_IDS, BUILTIN_NAMES };

export function builtinScenario(name: string): ScenarioInput | undefined {
  if (name === 'demo') return demoScenario();
  if (name === 'fresh') return freshScenario();
  const m = /^broken-r(\d+)$/.exec(name);
  const breaker = m ? BREAKERS[`R${m[1]}`] : undefined;
  if (!breaker) return undefined;
  const s = demoScenario();
  breaker.apply(s);
  s.name = name;
  s.description = `The demo with exactly requirement R${m![1]} unmet for user 1001: ${breaker.description.en}.`;
  return s;
}
