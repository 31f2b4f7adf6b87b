import { text, type Localized } from './i18n.js';

/**
 * The built-in scenarios by name, and what each `broken-rN` one breaks for user 1001. The simulator builds them
 * (simulator/src/scenarios/builtin.ts) and the extension offers them in its start question, so the names and
 * descriptions live here once and the extension needs no simulator source.
 */
export const BROKEN_DESCRIPTIONS = {
  R1: text('PBX version 6.7.2.4, older than 6.7.3.11', 'Version 6.7.2.4, älter als 6.7.3.11'),
  R2: text('1001 has no "UCC-Client Premium" licence', '1001 hat keine Lizenz "UCC-Client Premium"'),
  R3: text('1001 has no "MS Teams Integration" licence', '1001 hat keine Lizenz "MS Teams Integration"'),
  R4: text("1001's STARFACE desktop app is not active", 'Die STARFACE Desktop-App von 1001 ist nicht aktiv'),
  R9: text('1001 lacks the right "App Premium-Funktionen"', '1001 fehlt das Recht "App Premium-Funktionen"'),
  R10: text(
    '1001 lacks the right "Integration mit Microsoft Teams"',
    '1001 fehlt das Recht "Integration mit Microsoft Teams"',
  ),
  R11: text(
    'The module "Teams Integration" is not imported (its configuration is dormant)',
    'Das Modul "Teams Integration" ist nicht eingespielt (seine Konfiguration ruht)',
  ),
  R12: text('Two active "Teams Integration" configurations', 'Zwei aktive Konfigurationen vom Typ "Teams Integration"'),
  R13: text('Mode "Abgleich Präsenzstatus"', 'Modus "Abgleich Präsenzstatus"'),
  R14: text('"Name der Anlage" is empty', '"Name der Anlage" ist leer'),
  R15: text('No key has been generated', 'Es wurde kein Schlüssel generiert'),
  R16: text('Autoprovisioning is disabled', 'Autoprovisionierung ist deaktiviert'),
  R17: text(
    'A change was saved after the UCI connector started',
    'Nach dem Start des UCI-Connectors wurde eine Änderung gespeichert',
  ),
  R18: text('The UCI connector is inactive', 'Der UCI-Connector ist inaktiv'),
} as const satisfies Record<string, Localized>;

/** A requirement a `broken-rN` scenario leaves unmet, e.g. `R14`. */
export type BrokenId = keyof typeof BROKEN_DESCRIPTIONS;

export const BROKEN_IDS = Object.keys(BROKEN_DESCRIPTIONS) as BrokenId[];

/** The demo on a STARFACE 10: OAuth sign-in (password grant) beside the legacy logins. */
export const STARFACE_10_SCENARIO = 'starface-10';

/** The version the `starface-10` scenario reports. */
export const STARFACE_10_VERSION = '10.0.2.5';

export const BUILTIN_NAMES = [
  'demo',
  'fresh',
  STARFACE_10_SCENARIO,
  ...BROKEN_IDS.map((id) => `broken-${id.toLowerCase()}`),
];

/** What a broken scenario breaks, by its requirement id (`R14`); undefined for an id no scenario breaks. */
export function brokenDescription(id: string): Localized | undefined {
  return Object.hasOwn(BROKEN_DESCRIPTIONS, id) ? BROKEN_DESCRIPTIONS[id as BrokenId] : undefined;
}
