import type { Localized } from '../../../shared/i18n.js';
import {
  BROKEN_DESCRIPTIONS,
  BROKEN_IDS,
  BUILTIN_NAMES,
  STARFACE_10_SCENARIO,
  STARFACE_10_VERSION,
  type BrokenId,
} from '../../../shared/scenarios.js';
import { RIGHT_OAUTH } from '../../../shared/catalogue.js';
import type { ScenarioInput } from '../../../shared/schemas/scenario.js';

export const DEMO_PBX_NAME = 'pbx.demo.starface.test';

const ALL_TEAMS_RIGHTS = [
  'login_perm',
  'callman_perm',
  'redirect_perm',
  'calllist_perm',
  'address_perm',
  'voice_perm',
  'setting_perm',
  'app_premium_perm',
  'msteams_perm',
];

/**
 * The demo PBX of DESIGN.md: Anna is fully set up, Bernd lacks the Teams right, Carla has no licences. Each user's
 * SIP secret is their login password, on purpose and only here: these passwords are public (README, tests), and a
 * trainer hands out one password per user. A later change of the login password leaves the SIP secret as it is.
 */
export function demoScenario(): ScenarioInput {
  return {
    name: 'demo',
    description:
      'A PBX set up for the Teams integration: 1001 fully set up, 1002 lacks the Teams right, 1003 has no licences.',
    server: { version: '8.1.0.4' },
    licences: [
      { type: 'UCC-Client Premium', count: 2 },
      { type: 'MS Teams Integration', count: 2 },
    ],
    users: [
      {
        login: '1001',
        firstName: 'Anna',
        familyName: 'Albers',
        email: 'anna.albers@demo.starface.test',
        language: 'de',
        password: 'anna-demo-1001',
        sipPassword: 'anna-demo-1001',
        extension: '1001',
        rights: ALL_TEAMS_RIGHTS,
        licences: ['UCC-Client Premium', 'MS Teams Integration'],
        app: { active: true, platform: 'windows', version: '8.1.0.4' },
      },
      {
        login: '1002',
        firstName: 'Bernd',
        familyName: 'Brandt',
        email: 'bernd.brandt@demo.starface.test',
        language: 'de',
        password: 'bernd-demo-1002',
        sipPassword: 'bernd-demo-1002',
        extension: '1002',
        rights: ALL_TEAMS_RIGHTS.filter((r) => r !== 'msteams_perm'),
        licences: ['UCC-Client Premium', 'MS Teams Integration'],
        app: { active: true, platform: 'macos', version: '8.1.0.4' },
      },
      {
        login: '1003',
        firstName: 'Carla',
        familyName: 'Conrad',
        email: 'carla.conrad@demo.starface.test',
        language: 'en',
        password: 'carla-demo-1003',
        sipPassword: 'carla-demo-1003',
        extension: '1003',
        rights: ALL_TEAMS_RIGHTS,
        licences: [],
        app: { active: true, platform: 'windows', version: '8.1.0.4' },
      },
    ],
    modules: [{ name: 'Teams Integration' }],
    configurations: [
      {
        name: 'Teams',
        active: true,
        mode: 'FULL_INTEGRATION',
        pbxName: DEMO_PBX_NAME,
        autoprovisioning: true,
        generateKey: true,
        connector: { active: true, pendingRestart: false },
      },
    ],
    virtualPhones: [{ extension: '1099', name: 'Demo Hotline', behaviour: 'answer', answerAfterMs: 1000 }],
    ...demoTelephony(),
  };
}

/**
 * The telephony of the demo: numbers (+49 30 5550-xx) and a softphone per user, the group Support, a voicemail
 * box each, an address book with tags, Anna's busy-lamp keys, a disabled redirect and a conference service.
 */
function demoTelephony(): Partial<ScenarioInput> {
  const users = [
    { login: '1001', name: 'Anna Albers', external: '11' },
    { login: '1002', name: 'Bernd Brandt', external: '12' },
    { login: '1003', name: 'Carla Conrad', external: '13' },
  ];
  return {
    numberBlocks: [{ countryCode: '49', localAreaCode: '30', baseNumber: '5550', exitCode: '0', nationalPrefix: '0' }],
    callServices: [{ name: 'conference', label: 'Konferenz', type: 'CONFERENCE' }],
    groups: [{ name: 'Support', members: ['1001', '1002'] }],
    phoneNumbers: [
      ...users.flatMap((u) => [
        { number: u.login, type: 'INTERNAL' as const, user: u.login },
        { number: u.external, type: 'EXTERNAL' as const, block: '5550', user: u.login },
      ]),
      { number: '1010', type: 'INTERNAL', group: 'Support' },
      { number: '10', type: 'EXTERNAL', block: '5550', group: 'Support' },
      { number: '1090', type: 'INTERNAL', service: 'conference' },
      // Spare numbers, for assigning in the admin UI or over REST.
      { number: '1004', type: 'INTERNAL' },
      { number: '1005', type: 'INTERNAL' },
      { number: '14', type: 'EXTERNAL', block: '5550' },
      { number: '15', type: 'EXTERNAL', block: '5550' },
    ],
    phones: users.map((u) => ({ user: u.login, name: `Softphone ${u.login}` })),
    voicemailboxes: users.map((u, i) => ({
      name: u.name,
      number: `900${i + 1}`,
      pin: u.login,
      users: [{ login: u.login, sendMail: true }],
      messages:
        i === 0
          ? [{ caller: '+4930555099', receivedAt: '2025-01-06T09:30:00.000Z', durationSeconds: 12, read: false }]
          : [],
    })),
    redirects: [{ user: '1002', number: '1002', trigger: 'BUSY', enabled: false, to: { mailbox: '9002' } }],
    tags: [
      { name: 'Kunde', alias: 'customer' },
      { name: 'Lieferant', alias: 'supplier' },
      { name: 'Favorit', owner: '1001' },
    ],
    contacts: [
      {
        tags: ['Kunde'],
        values: {
          firstname: 'Dora',
          lastname: 'Dietrich',
          company: 'Dietrich Bau GmbH',
          phone: '+49301234567',
          email: 'dora@dietrich-bau.example',
        },
      },
      {
        tags: ['Kunde'],
        values: { firstname: 'Emil', lastname: 'Engel', company: 'Engel & Söhne', mobilephone: '+491701234567' },
      },
      { tags: ['Lieferant'], values: { company: 'Papier Paulsen KG', officephone: '+4940987654', city: 'Hamburg' } },
      {
        owner: '1001',
        tags: ['Favorit', 'Kunde'],
        values: { firstname: 'Frieda', lastname: 'Fuchs', mobilephone: '+491609876543' },
      },
    ],
    functionKeySets: [
      {
        user: '1001',
        name: 'Anna',
        phones: ['Softphone 1001'],
        keys: [
          { functionKeyType: 'BUSYLAMPFIELD', name: 'Bernd', blf: '1002' },
          { functionKeyType: 'BUSYLAMPFIELD', name: 'Carla', blf: '1003' },
          { functionKeyType: 'QUICKDIAL', name: 'Hotline', directCallTargetnumber: '1099' },
          { functionKeyType: 'DONOTDISTURB', name: 'DND' },
        ],
      },
    ],
    conferenceSettings: { internalNumber: '1090' },
  };
}

export function freshScenario(): ScenarioInput {
  return {
    name: 'fresh',
    description: 'A new PBX: only the admin, no licences, no modules.',
    server: { version: '8.1.0.4' },
  };
}

/**
 * The demo on a STARFACE 10 (version 10.0.2.5): the OAuth token endpoint answers, REST takes Bearer tokens and the
 * UCI `de.vertico.starface.jwt`; the legacy logins stay, as on a 10 without an external identity provider. The
 * right "API Zugriff mit OAuth Password Grant" is held by the admin (every admin holds it), 1001 and 1002; 1003
 * lacks it, to show the refusal.
 */
export function starface10Scenario(): ScenarioInput {
  const s = demoScenario();
  s.name = STARFACE_10_SCENARIO;
  s.description =
    'The demo on STARFACE 10.0: OAuth password grant for admin, 1001 and 1002; 1003 lacks the right "API Zugriff mit OAuth Password Grant".';
  s.server = { version: STARFACE_10_VERSION };
  for (const u of s.users!) if (u.login !== '1003') u.rights = [...u.rights!, RIGHT_OAUTH];
  return s;
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
  R12: (s) =>
    void s.configurations!.push({
      ...teams(s),
      name: 'Teams (copy)',
      connector: { active: false, pendingRestart: false },
    }),
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
  if (name === STARFACE_10_SCENARIO) return starface10Scenario();
  const m = /^broken-r(\d+)$/.exec(name);
  const breaker = m ? BREAKERS[`R${m[1]}`] : undefined;
  if (!breaker) return undefined;
  const s = demoScenario();
  breaker.apply(s);
  s.name = name;
  s.description = `The demo with exactly requirement R${m![1]} unmet for user 1001: ${breaker.description.en}.`;
  return s;
}
