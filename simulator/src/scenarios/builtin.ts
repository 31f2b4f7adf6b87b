import { text, type Localized } from '../../../shared/i18n.js';
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
export const BREAKERS: Record<string, Breaker> = {
  R1: { description: text('PBX version 6.7.2.4, older than 6.7.3.11', 'Version 6.7.2.4, älter als 6.7.3.11'), apply: (s) => void (s.server = { version: '6.7.2.4' }) },
  R2: { description: text('1001 has no "UCC-Client Premium" licence', '1001 hat keine Lizenz "UCC-Client Premium"'), apply: (s) => void (anna(s).licences = ['MS Teams Integration']) },
  R3: { description: text('1001 has no "MS Teams Integration" licence', '1001 hat keine Lizenz "MS Teams Integration"'), apply: (s) => void (anna(s).licences = ['UCC-Client Premium']) },
  R4: { description: text("1001's STARFACE desktop app is not active", 'Die STARFACE Desktop-App von 1001 ist nicht aktiv'), apply: (s) => void (anna(s).app = { active: false, platform: 'windows' }) },
  R9: { description: text('1001 lacks the right "App Premium-Funktionen"', '1001 fehlt das Recht "App Premium-Funktionen"'), apply: (s) => void (anna(s).rights = anna(s).rights!.filter((r) => r !== 'app_premium_perm')) },
  R10: { description: text('1001 lacks the right "Integration mit Microsoft Teams"', '1001 fehlt das Recht "Integration mit Microsoft Teams"'), apply: (s) => void (anna(s).rights = anna(s).rights!.filter((r) => r !== 'msteams_perm')) },
  R11: { description: text('The module "Teams Integration" is not imported (its configuration is dormant)', 'Das Modul "Teams Integration" ist nicht eingespielt (seine Konfiguration ruht)'), apply: (s) => void (s.modules = []) },
  R12: {
    description: text('Two active "Teams Integration" configurations', 'Zwei aktive Konfigurationen vom Typ "Teams Integration"'),
    apply: (s) => void s.configurations!.push({ ...teams(s), name: 'Teams (copy)', connector: { active: false, pendingRestart: false } }),
  },
  R13: { description: text('Mode "Abgleich Präsenzstatus"', 'Modus "Abgleich Präsenzstatus"'), apply: (s) => void (teams(s).mode = 'PRESENCE_SYNC') },
  R14: { description: text('"Name der Anlage" is empty', '"Name der Anlage" ist leer'), apply: (s) => void (teams(s).pbxName = '') },
  R15: { description: text('No key has been generated', 'Es wurde kein Schlüssel generiert'), apply: (s) => void (teams(s).generateKey = false) },
  R16: { description: text('Autoprovisioning is disabled', 'Autoprovisionierung ist deaktiviert'), apply: (s) => void (teams(s).autoprovisioning = false) },
  R17: { description: text('A change was saved after the UCI connector started', 'Nach dem Start des UCI-Connectors wurde eine Änderung gespeichert'), apply: (s) => void (teams(s).connector = { active: true, pendingRestart: true }) },
  R18: { description: text('The UCI connector is inactive', 'Der UCI-Connector ist inaktiv'), apply: (s) => void (teams(s).connector = { active: false, pendingRestart: false }) },
};

export const BROKEN_IDS = Object.keys(BREAKERS);

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

export const BUILTIN_NAMES = ['demo', 'fresh', ...BROKEN_IDS.map((id) => `broken-${id.toLowerCase()}`)];
