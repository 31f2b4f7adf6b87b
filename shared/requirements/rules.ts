import {
  LICENCE_MS_TEAMS,
  LICENCE_UCC_PREMIUM,
  RIGHT_APP_PREMIUM,
  RIGHT_MS_TEAMS,
  TEAMS_MODULE_NAME,
  MODE_LABELS,
} from '../catalogue.js';
import type { Localized } from '../i18n.js';
import { text } from '../i18n.js';
import { isFqdn } from '../schemas/common.js';
import { compareVersions, isVersion } from '../version.js';
import type { CheckContext, ConfigSettings, PbxSnapshot, SnapshotConfiguration, SnapshotUser } from './snapshot.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unknown';

export interface CheckResult {
  status: CheckStatus;
  message: Localized;
  fix?: Localized;
}

export type RequirementScope = 'pbx' | 'user' | 'machine' | 'teams';

export interface Requirement {
  id: string;
  scope: RequirementScope;
  title: Localized;
  explanation: Localized;
  /** The guide's own German wording. */
  guide: string;
  /** Where a person checks it by hand when the source cannot tell. */
  where: Localized;
  check(snapshot: PbxSnapshot, ctx?: CheckContext): CheckResult;
}

const pass = (en: string, de: string): CheckResult => ({ status: 'pass', message: text(en, de) });
const fail = (message: Localized, fix: Localized): CheckResult => ({ status: 'fail', message, fix });
const unknown = (where: Localized): CheckResult => ({
  status: 'unknown',
  message: text(
    `Unknown — check in the admin UI: ${where.en}`,
    `Unbekannt — bitte in der Administration prüfen: ${where.de}`,
  ),
});

function teamsConfigs(s: PbxSnapshot): SnapshotConfiguration[] | null {
  return s.configurations?.filter((c) => c.module === TEAMS_MODULE_NAME) ?? null;
}

/** The configuration a Teams sign-in uses: the first active one (by id), else the first one. */
export function configurationInUse(s: PbxSnapshot): SnapshotConfiguration | null | undefined {
  const configs = teamsConfigs(s);
  if (configs === null) return undefined;
  const sorted = [...configs].sort((a, b) => a.id - b.id);
  return sorted.find((c) => c.active) ?? sorted[0] ?? null;
}

function settingsFor(config: SnapshotConfiguration, ctx?: CheckContext): ConfigSettings {
  if (ctx?.perspective === 'connector' && config.connector.active && config.applied) return config.applied;
  return config;
}

function userOf(s: PbxSnapshot, ctx?: CheckContext): SnapshotUser | null | undefined {
  if (s.users === null) return undefined;
  if (ctx?.userId === undefined) return null;
  return s.users.find((u) => u.id === ctx.userId) ?? null;
}

/** Shared body of the per-user rules: unknown without data, fail without the thing, pass with it. */
function perUser(
  s: PbxSnapshot,
  ctx: CheckContext | undefined,
  where: Localized,
  has: (u: SnapshotUser) => boolean | null,
  ok: (u: SnapshotUser) => CheckResult,
  missing: (u: SnapshotUser) => CheckResult,
): CheckResult {
  const user = userOf(s, ctx);
  if (user === undefined) return unknown(where);
  if (user === null)
    return {
      status: 'unknown',
      message: text(
        'Choose a user to check this requirement.',
        'Bitte einen Benutzer wählen, um diese Voraussetzung zu prüfen.',
      ),
    };
  const value = has(user);
  if (value === null) return unknown(where);
  return value ? ok(user) : missing(user);
}

function configRule(
  s: PbxSnapshot,
  where: Localized,
  body: (config: SnapshotConfiguration) => CheckResult,
): CheckResult {
  const config = configurationInUse(s);
  if (config === undefined) return unknown(where);
  if (config === null) {
    return fail(
      text(
        'There is no "Teams Integration" configuration.',
        'Es gibt keine Konfiguration vom Typ "Teams Integration".',
      ),
      text(
        'Create one under Admin › Modules › Module configurations (R11).',
        'Unter Admin › Module › Modulkonfigurationen eine anlegen (R11).',
      ),
    );
  }
  return body(config);
}

const WHERE_MODULES = text(
  'Admin › Modules › Module configurations › Teams Integration',
  'Admin › Module › Modulkonfigurationen › Teams Integration',
);
const WHERE_USER_LICENCES = text('Admin › Users › (user) › Licences', 'Admin › Benutzer › (Benutzer) › Lizenzen');
const WHERE_USER_RIGHTS = text('Admin › Users › (user) › Rights', 'Admin › Benutzer › (Benutzer) › Berechtigungen');

function licenceRule(id: string, type: string, guide: string): Requirement {
  return {
    id,
    scope: 'user',
    title: text(`Licence "${type}" for each integration user`, `Lizenz "${type}" für jeden Integrationsbenutzer`),
    explanation: text(
      `Every user who uses the Teams integration needs a licence of type "${type}" installed on the PBX and assigned to them.`,
      `Für jeden Benutzer, der die Integration nutzen soll, ist eine Lizenz vom Typ "${type}" auf der STARFACE eingespielt.`,
    ),
    guide,
    where: WHERE_USER_LICENCES,
    check: (s, ctx) =>
      perUser(
        s,
        ctx,
        WHERE_USER_LICENCES,
        (u) => (u.licences === null ? null : u.licences.includes(type)),
        (u) => pass(`${u.login} holds a "${type}" licence.`, `${u.login} hat eine Lizenz "${type}".`),
        (u) =>
          fail(
            text(`${u.login} has no "${type}" licence.`, `${u.login} hat keine Lizenz "${type}".`),
            text(
              `Install a "${type}" licence if none is free, then assign it to ${u.login}.`,
              `Falls keine frei ist, eine Lizenz "${type}" einspielen und ${u.login} zuweisen.`,
            ),
          ),
      ),
  };
}

function rightRule(id: string, right: string, label: string, guide: string): Requirement {
  return {
    id,
    scope: 'user',
    title: text(`Right "${label}" for each integration user`, `Recht "${label}" für jeden Integrationsbenutzer`),
    explanation: text(
      `Every user who uses the Teams integration must be granted the right "${label}".`,
      `Jeder Benutzer, der die Integration nutzen soll, muss das Recht "${label}" zugewiesen bekommen.`,
    ),
    guide,
    where: WHERE_USER_RIGHTS,
    check: (s, ctx) =>
      perUser(
        s,
        ctx,
        WHERE_USER_RIGHTS,
        (u) => (u.rights === null ? null : u.rights.includes(right)),
        (u) => pass(`${u.login} has the right "${label}".`, `${u.login} hat das Recht "${label}".`),
        (u) =>
          fail(
            text(`${u.login} lacks the right "${label}".`, `${u.login} fehlt das Recht "${label}".`),
            text(
              `Grant "${label}" to ${u.login} (Admin › Users › Rights).`,
              `${u.login} das Recht "${label}" geben (Admin › Benutzer › Berechtigungen).`,
            ),
          ),
      ),
  };
}

const machineUnknown = (what: Localized): CheckResult => ({
  status: 'unknown',
  message: text(`Not checked yet: ${what.en}`, `Noch nicht geprüft: ${what.de}`),
  fix: text('Run the prerequisites check on this machine.', 'Die Voraussetzungsprüfung auf diesem Rechner ausführen.'),
});

export const MIN_CHROME_VERSION = '90.0.4430.72';
export const REQUIRED_HOSTS = [
  'login.microsoftonline.com',
  'service-cloud-connector.fluxpunkt.de',
  'omni-client.fluxpunkt.de',
] as const;

export const REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'R1',
    scope: 'pbx',
    title: text('PBX version 6.7.3.11 or higher', 'STARFACE-Version 6.7.3.11 oder höher'),
    explanation: text(
      'The Teams integration needs STARFACE 6.7.3.11 or newer.',
      'Es wird die Version 6.7.3.11 oder höher der STARFACE genutzt.',
    ),
    guide: 'Version 6.7.3.11 oder höher der STARFACE',
    where: text('Admin › Server › Updates', 'Admin › Server › Updates'),
    check: (s) => {
      if (s.version === null || !isVersion(s.version))
        return unknown(text('Admin › Server › Updates', 'Admin › Server › Updates'));
      if (compareVersions(s.version, s.minVersion) >= 0)
        return pass(`Version ${s.version} ≥ ${s.minVersion}.`, `Version ${s.version} ≥ ${s.minVersion}.`);
      return fail(
        text(
          `Version ${s.version} is older than ${s.minVersion}.`,
          `Version ${s.version} ist älter als ${s.minVersion}.`,
        ),
        text(
          `Update the PBX to ${s.minVersion} or newer.`,
          `Die STARFACE auf ${s.minVersion} oder neuer aktualisieren.`,
        ),
      );
    },
  },
  licenceRule('R2', LICENCE_UCC_PREMIUM, 'Lizenz vom Typ UCC-Client Premium'),
  licenceRule('R3', LICENCE_MS_TEAMS, 'Lizenz vom Typ MS Teams Integration'),
  {
    id: 'R4',
    scope: 'user',
    title: text('STARFACE App for Windows or macOS active', 'STARFACE App für Windows oder macOS aktiv'),
    explanation: text(
      'Every integration user must have the STARFACE App for Windows or for macOS active.',
      'Bei jedem Benutzer, der die Integration nutzen soll, muss jeweils die STARFACE App für Windows oder die STARFACE App für macOS aktiv sein.',
    ),
    guide: 'STARFACE App für Windows oder … macOS aktiv',
    where: text("the user's computer: STARFACE App › signed in", 'am Rechner des Benutzers: STARFACE App › angemeldet'),
    check: (s, ctx) =>
      perUser(
        s,
        ctx,
        text("the user's computer: STARFACE App › signed in", 'am Rechner des Benutzers: STARFACE App › angemeldet'),
        (u) => (u.app === null ? null : u.app.active && (u.app.platform === 'windows' || u.app.platform === 'macos')),
        (u) =>
          pass(
            `${u.login}'s desktop app is active (${u.app?.platform}).`,
            `Die Desktop-App von ${u.login} ist aktiv (${u.app?.platform}).`,
          ),
        (u) =>
          fail(
            u.app?.active
              ? text(
                  `${u.login} uses the app on ${u.app.platform}, not on Windows or macOS.`,
                  `${u.login} nutzt die App auf ${u.app.platform}, nicht unter Windows oder macOS.`,
                )
              : text(
                  `${u.login} has no active STARFACE desktop app.`,
                  `${u.login} hat keine aktive STARFACE Desktop-App.`,
                ),
            text(
              `Sign ${u.login} in to the STARFACE App for Windows or macOS.`,
              `${u.login} in der STARFACE App für Windows oder macOS anmelden.`,
            ),
          ),
      ),
  },
  {
    id: 'R5',
    scope: 'machine',
    title: text('Chrome 90.0.4430.72 or higher', 'Chrome 90.0.4430.72 oder höher'),
    explanation: text(
      'The Teams integration needs Chrome 90.0.4430.72 or newer on the clients.',
      'Chrome wird mit der Version 90.0.4430.72 oder höher genutzt.',
    ),
    guide: 'Chrome … Version 90.0.4430.72 oder höher',
    where: text('chrome://version on each client', 'chrome://version auf jedem Client'),
    check: (s) => {
      const chrome = s.machine?.chrome;
      if (chrome === undefined) return machineUnknown(text('the browser version', 'die Browser-Version'));
      if (chrome === null || chrome.version === null) {
        return fail(
          text('No Chrome, Chromium or Edge was found.', 'Kein Chrome, Chromium oder Edge gefunden.'),
          text(
            `Install Chrome ${MIN_CHROME_VERSION} or newer.`,
            `Chrome ${MIN_CHROME_VERSION} oder neuer installieren.`,
          ),
        );
      }
      if (isVersion(chrome.version) && compareVersions(chrome.version, MIN_CHROME_VERSION) >= 0) {
        return pass(
          `Chrome ${chrome.version} ≥ ${MIN_CHROME_VERSION}.`,
          `Chrome ${chrome.version} ≥ ${MIN_CHROME_VERSION}.`,
        );
      }
      return fail(
        text(
          `Chrome ${chrome.version} is older than ${MIN_CHROME_VERSION}.`,
          `Chrome ${chrome.version} ist älter als ${MIN_CHROME_VERSION}.`,
        ),
        text('Update Chrome.', 'Chrome aktualisieren.'),
      );
    },
  },
  {
    id: 'R6',
    scope: 'machine',
    title: text(
      'HTTPS (443) to the Microsoft and fluxpunkt hosts',
      'HTTPS (443) zu den Microsoft- und fluxpunkt-Servern',
    ),
    explanation: text(
      `PBX and clients need unrestricted HTTPS access on port 443 to ${REQUIRED_HOSTS.join(', ')}.`,
      `Die STARFACE und die genutzten Endgeräte haben unbeschränkten Zugriff via HTTPS (Port 443) auf ${REQUIRED_HOSTS.join(', ')}.`,
    ),
    guide: 'unbeschränkten Zugriff via HTTPS (Port 443)',
    where: text('the firewall', 'die Firewall'),
    check: (s) => {
      const reach = s.machine?.reachability;
      if (reach === undefined || reach === null)
        return machineUnknown(text('HTTPS reachability', 'HTTPS-Erreichbarkeit'));
      const bad = reach.filter((r) => !r.ok);
      if (bad.length === 0)
        return pass(`All ${reach.length} hosts reachable on 443.`, `Alle ${reach.length} Server über 443 erreichbar.`);
      const list = bad.map((b) => `${b.host} (${b.detail})`).join(', ');
      return fail(
        text(`Not reachable: ${list}.`, `Nicht erreichbar: ${list}.`),
        text(
          'Allow outbound HTTPS (443) to these hosts in the firewall.',
          'Ausgehendes HTTPS (443) zu diesen Servern in der Firewall erlauben.',
        ),
      );
    },
  },
  {
    id: 'R7',
    scope: 'machine',
    title: text('No HTTPS proxy', 'Kein HTTPS-Proxy'),
    explanation: text(
      'No HTTPS proxy may be used on the way to those hosts.',
      'Es darf beim Zugriff auf die Serveradressen kein HTTPS-Proxy eingesetzt werden.',
    ),
    guide: 'kein HTTPS-Proxy eingesetzt werden',
    where: text('the system proxy settings', 'die Proxy-Einstellungen des Systems'),
    check: (s) => {
      const proxy = s.machine?.proxy;
      if (proxy === undefined || proxy === null) return machineUnknown(text('proxy settings', 'Proxy-Einstellungen'));
      if (!proxy.found) return pass('No HTTPS proxy configured.', 'Kein HTTPS-Proxy eingerichtet.');
      return fail(
        text(`An HTTPS proxy is set in ${proxy.source}.`, `In ${proxy.source} ist ein HTTPS-Proxy eingetragen.`),
        text(
          'Exempt the three hosts from the proxy (NO_PROXY) or remove it.',
          'Die drei Server vom Proxy ausnehmen (NO_PROXY) oder ihn entfernen.',
        ),
      );
    },
  },
  {
    id: 'R8',
    scope: 'pbx',
    title: text('Licences installed first', 'Zuerst die Lizenzen einspielen'),
    explanation: text(
      'Install the "MS Teams Integration" and "Premium App" licences before anything else; licences bought in the licence manager appear on the PBX automatically.',
      'Darum sollten immer zuerst die notwendigen Lizenzen eingespielt werden. Lizenzen, die über den Lizenzmanager erworben werden, sind nach der Bestellung automatisch auf der STARFACE hinterlegt.',
    ),
    guide: 'zuerst die notwendigen Lizenzen eingespielt',
    where: text('Admin › Server › Licences', 'Admin › Server › Lizenzen'),
    check: (s) => {
      if (s.licences === null) return unknown(text('Admin › Server › Licences', 'Admin › Server › Lizenzen'));
      const missing = [LICENCE_UCC_PREMIUM, LICENCE_MS_TEAMS].filter(
        (t) => !s.licences!.some((l) => l.type === t && l.count > 0),
      );
      if (missing.length === 0) return pass('Both licence types are installed.', 'Beide Lizenztypen sind eingespielt.');
      const names = missing.map((m) => `"${m}"`).join(', ');
      return fail(
        text(`Not installed: ${names}.`, `Nicht eingespielt: ${names}.`),
        text('Install the licences first (licence manager).', 'Zuerst die Lizenzen einspielen (Lizenzmanager).'),
      );
    },
  },
  rightRule('R9', RIGHT_APP_PREMIUM, 'App Premium-Funktionen', 'Recht "App Premium-Funktionen"'),
  rightRule('R10', RIGHT_MS_TEAMS, 'Integration mit Microsoft Teams', 'Recht "Integration mit Microsoft Teams"'),
  {
    id: 'R11',
    scope: 'pbx',
    title: text(
      'Module "Teams Integration" imported, a configuration created',
      'Modul "Teams Integration" eingespielt, Konfiguration angelegt',
    ),
    explanation: text(
      'Import the module "Teams Integration" into the module library, then create a module configuration.',
      'Nachdem das Modul "Teams Integration" eingespielt worden ist, kann eine neue Modulkonfiguration erstellt werden.',
    ),
    guide: 'Modul "Teams Integration" … Modulkonfiguration',
    where: WHERE_MODULES,
    check: (s) => {
      if (s.modules === null || s.configurations === null) return unknown(WHERE_MODULES);
      if (!s.modules.some((m) => m.name === TEAMS_MODULE_NAME)) {
        return fail(
          text(
            'The module "Teams Integration" is not imported.',
            'Das Modul "Teams Integration" ist nicht eingespielt.',
          ),
          text(
            'Import it: Admin › Modules › Module library › Import module.',
            'Importieren: Admin › Module › Modul-Library › Modul importieren.',
          ),
        );
      }
      if (!teamsConfigs(s)!.length) {
        return fail(
          text(
            'The module is imported but has no configuration.',
            'Das Modul ist eingespielt, hat aber keine Konfiguration.',
          ),
          text('Create one with "New configuration".', 'Mit "Neue Konfiguration" eine anlegen.'),
        );
      }
      return pass('Module imported and configured.', 'Modul eingespielt und konfiguriert.');
    },
  },
  {
    id: 'R12',
    scope: 'pbx',
    title: text('Exactly one active Teams configuration', 'Genau eine aktive Teams-Konfiguration'),
    explanation: text(
      'There may only ever be one active module configuration of type "Teams Integration".',
      'Es darf immer nur eine aktive Modulkonfiguration vom Typ "Teams Integration" auf der STARFACE geben.',
    ),
    guide: 'immer nur eine aktive Modulkonfiguration',
    where: WHERE_MODULES,
    check: (s) => {
      const configs = teamsConfigs(s);
      if (configs === null) return unknown(WHERE_MODULES);
      const active = configs.filter((c) => c.active);
      if (active.length === 1)
        return pass(
          `One active configuration ("${active[0]!.name}").`,
          `Eine aktive Konfiguration ("${active[0]!.name}").`,
        );
      if (active.length === 0)
        return fail(
          text('No Teams configuration is active.', 'Keine Teams-Konfiguration ist aktiv.'),
          text('Activate exactly one.', 'Genau eine aktivieren.'),
        );
      const names = active.map((c) => `"${c.name}"`).join(', ');
      return fail(
        text(
          `${active.length} Teams configurations are active: ${names}.`,
          `${active.length} Teams-Konfigurationen sind aktiv: ${names}.`,
        ),
        text('Deactivate all but one.', 'Alle bis auf eine deaktivieren.'),
      );
    },
  },
  {
    id: 'R13',
    scope: 'pbx',
    title: text('Mode "Full integration"', 'Modus "Vollständige Integration"'),
    explanation: text(
      'Choose "Vollständige Integration". "Abgleich Präsenzstatus" is offered in the drop-down but is not supported and must not be selected.',
      'Die Option "Abgleich Präsenzstatus" wird nicht unterstützt und darf an dieser Stelle nicht ausgewählt werden.',
    ),
    guide: 'wird nicht unterstützt und darf … nicht ausgewählt werden',
    where: WHERE_MODULES,
    check: (s, ctx) =>
      configRule(s, WHERE_MODULES, (c) => {
        const { mode } = settingsFor(c, ctx);
        if (mode === 'FULL_INTEGRATION')
          return pass('Mode is "Vollständige Integration".', 'Modus ist "Vollständige Integration".');
        return fail(
          text(
            `Mode is "${MODE_LABELS[mode].de}", which is not supported.`,
            `Modus ist "${MODE_LABELS[mode].de}"; das wird nicht unterstützt.`,
          ),
          text(
            'Switch the mode to "Vollständige Integration", then restart the UCI connector.',
            'Modus auf "Vollständige Integration" stellen, dann den UCI-Connector neu starten.',
          ),
        );
      }),
  },
  {
    id: 'R14',
    scope: 'pbx',
    title: text('"Name der Anlage" is the PBX\'s FQDN', '"Name der Anlage" ist der FQDN der STARFACE'),
    explanation: text(
      'The field "Name der Anlage" must hold the fully qualified domain name of the PBX.',
      'Name der Anlage: In diesem Eingabefeld muss der FQDN der STARFACE eingetragen werden.',
    ),
    guide: 'FQDN der STARFACE',
    where: WHERE_MODULES,
    check: (s, ctx) =>
      configRule(s, WHERE_MODULES, (c) => {
        const { pbxName } = settingsFor(c, ctx);
        if (pbxName && isFqdn(pbxName)) return pass(`PBX name is ${pbxName}.`, `Name der Anlage ist ${pbxName}.`);
        return fail(
          pbxName
            ? text(
                `"${pbxName}" is not a fully qualified domain name.`,
                `"${pbxName}" ist kein vollqualifizierter Domainname.`,
              )
            : text('"Name der Anlage" is empty.', '"Name der Anlage" ist leer.'),
          text(
            "Enter the PBX's FQDN, e.g. pbx.example.com.",
            'Den FQDN der STARFACE eintragen, z. B. pbx.example.com.',
          ),
        );
      }),
  },
  {
    id: 'R15',
    scope: 'pbx',
    title: text('A generated key', 'Ein generierter Schlüssel'),
    explanation: text(
      'The key cannot be typed in; only the button "Neuen Schlüssel eintragen" generates one. After saving, the key file can be downloaded; uploading it in the Teams app is optional.',
      'Aus Sicherheitsgründen kann der Schlüssel nicht manuell eingetragen werden, sondern nur über die Schaltfläche "Neuen Schlüssel eintragen" automatisch generiert werden.',
    ),
    guide: 'kann nicht manuell eingetragen werden',
    where: WHERE_MODULES,
    check: (s, ctx) =>
      configRule(s, WHERE_MODULES, (c) => {
        if (settingsFor(c, ctx).hasKey) return pass('A key has been generated.', 'Ein Schlüssel wurde generiert.');
        return fail(
          text('No key has been generated.', 'Es wurde kein Schlüssel generiert.'),
          text(
            'Press "Neuen Schlüssel eintragen", save, then restart the UCI connector.',
            '"Neuen Schlüssel eintragen" drücken, speichern, dann den UCI-Connector neu starten.',
          ),
        );
      }),
  },
  {
    id: 'R16',
    scope: 'pbx',
    title: text(
      'Autoprovisioning for Teams/AURORA logins enabled',
      'Autoprovisionierung für Teams-/AURORA-Client-Logins aktiviert',
    ),
    explanation: text(
      'The option "Autoprovisionierung für Teams-/AURORA-Client-Logins" should always be enabled for the module to work correctly.',
      'Die Option "Autoprovisionierung für Teams-/AURORA-Client-Logins" sollte immer aktiviert sein, um die korrekte Funktionalität des Moduls zu gewährleisten.',
    ),
    guide: 'sollte immer aktiviert sein',
    where: WHERE_MODULES,
    check: (s, ctx) =>
      configRule(s, WHERE_MODULES, (c) => {
        if (settingsFor(c, ctx).autoprovisioning)
          return pass('Autoprovisioning is enabled.', 'Autoprovisionierung ist aktiviert.');
        return fail(
          text('Autoprovisioning is disabled.', 'Autoprovisionierung ist deaktiviert.'),
          text('Enable it, then restart the UCI connector.', 'Aktivieren, dann den UCI-Connector neu starten.'),
        );
      }),
  },
  {
    id: 'R17',
    scope: 'pbx',
    title: text('UCI connector restarted after changes', 'UCI-Connector nach Änderungen neu gestartet'),
    explanation: text(
      'After any change to the module configuration the UCI connector must be deactivated and activated again, or the change is not distributed.',
      'Nach Änderungen an der Konfiguration des Moduls, muss der UCI Connector deaktiviert und danach wieder aktiviert werden, damit die vorgenommenen Änderungen korrekt verteilt werden.',
    ),
    guide: 'deaktiviert und danach wieder aktiviert werden',
    where: WHERE_MODULES,
    check: (s) =>
      configRule(s, WHERE_MODULES, (c) => {
        if (!c.connector.active || c.connector.appliedRevision === c.revision) {
          return pass(
            'No change is waiting for a connector restart.',
            'Keine Änderung wartet auf einen Neustart des Connectors.',
          );
        }
        return fail(
          text(
            `The connector runs revision ${c.connector.appliedRevision}; the saved configuration is revision ${c.revision}.`,
            `Der Connector läuft mit Stand ${c.connector.appliedRevision}; gespeichert ist Stand ${c.revision}.`,
          ),
          text(
            'Deactivate the UCI connector and activate it again.',
            'Den UCI-Connector deaktivieren und wieder aktivieren.',
          ),
        );
      }),
  },
  {
    id: 'R18',
    scope: 'pbx',
    title: text('UCI connector active', 'UCI-Connector aktiv'),
    explanation: text(
      'The UCI connector must always be active, otherwise the Teams integration cannot be used.',
      'Der UCI Connector muss ebenfalls immer aktiv sein, ansonsten kann die Integration für Teams nicht genutzt werden!',
    ),
    guide: 'muss … immer aktiv sein',
    where: WHERE_MODULES,
    check: (s) =>
      configRule(s, WHERE_MODULES, (c) => {
        if (c.connector.active) return pass('The UCI connector is active.', 'Der UCI-Connector ist aktiv.');
        return fail(
          text('The UCI connector is inactive.', 'Der UCI-Connector ist inaktiv.'),
          text('Activate the UCI connector.', 'Den UCI-Connector aktivieren.'),
        );
      }),
  },
  {
    id: 'R19',
    scope: 'pbx',
    title: text('Module log shows the interface and the connector', 'Modul-Log zeigt Interface und Connector'),
    explanation: text(
      "The module's log tab shows loading the module interface and starting and stopping the UCI connector.",
      'In dem Reiter sind die Logausgaben zu der Modulkomponente zu finden. Diese beinhalten das Laden des Modul Interface und das Starten und Stoppen des UCI-Connectors.',
    ),
    guide: 'Reiter Logausgaben',
    where: text('Admin › Modules › Teams Integration › Log', 'Admin › Module › Teams Integration › Logausgaben'),
    check: (s) =>
      configRule(
        s,
        text('Admin › Modules › Teams Integration › Log', 'Admin › Module › Teams Integration › Logausgaben'),
        (c) => {
          if (c.log === null)
            return unknown(
              text('Admin › Modules › Teams Integration › Log', 'Admin › Module › Teams Integration › Logausgaben'),
            );
          const events = new Set(c.log.map((e) => e.event));
          if (!events.has('interface-loaded')) {
            return fail(
              text(
                'The log does not show the module interface being loaded.',
                'Das Log zeigt nicht, dass das Modul-Interface geladen wurde.',
              ),
              text(
                'Re-import the module and activate the configuration.',
                'Das Modul neu einspielen und die Konfiguration aktivieren.',
              ),
            );
          }
          if (c.connector.active && !events.has('connector-started')) {
            return fail(
              text(
                'The connector is marked active but the log never shows it starting.',
                'Der Connector ist aktiv markiert, aber das Log zeigt keinen Start.',
              ),
              text('Deactivate and activate the UCI connector.', 'Den UCI-Connector deaktivieren und aktivieren.'),
            );
          }
          return pass(
            'The log shows the interface loading and the connector.',
            'Das Log zeigt das Laden des Interface und den Connector.',
          );
        },
      ),
  },
  {
    id: 'R20',
    scope: 'teams',
    title: text('Teams app distributed to the users', 'Teams-App an die Benutzer verteilt'),
    explanation: text(
      'An admin distributes the STARFACE App for Teams to the users, or each user uploads it as a custom app; org-wide this can take up to 24 hours.',
      'Die App muss von einem Administrator auf alle gewünschten Zielsysteme verteilt werden. Wird dies für die gesamte Organisation gemacht, kann es bis zu 24 Stunden dauern.',
    ),
    guide: 'bis zu 24 Stunden',
    where: text('Teams admin center › Teams apps › Manage apps', 'Teams Admin Center › Teams-Apps › Apps verwalten'),
    check: (s) => {
      const distributed = s.teamsApp?.distributed;
      if (distributed === undefined || distributed === null) {
        return unknown(
          text('Teams admin center › Teams apps › Manage apps', 'Teams Admin Center › Teams-Apps › Apps verwalten'),
        );
      }
      if (distributed) return pass('The Teams app is distributed.', 'Die Teams-App ist verteilt.');
      return fail(
        text('The Teams app is not distributed yet.', 'Die Teams-App ist noch nicht verteilt.'),
        text(
          'Upload it in the Teams admin center; allow up to 24 h.',
          'Im Teams Admin Center hochladen; bis zu 24 h einplanen.',
        ),
      );
    },
  },
  {
    id: 'R21',
    scope: 'teams',
    title: text(
      'Teams sign-in: PBX name, key, credentials',
      'Anmeldung in Teams: Name der Anlage, Schlüssel, Zugangsdaten',
    ),
    explanation: text(
      "In the STARFACE App for Teams enter the configured PBX name and the generated key (or drop the key file), then the user's STARFACE credentials.",
      'In der STARFACE App für MS Teams muss der konfigurierte Name der Anlage und der generierte Schlüssel hinterlegt werden. Alternativ kann die Schlüsseldatei via Drag&Drop in das Anmeldefenster gezogen werden.',
    ),
    guide: 'Name der Anlage und der generierte Schlüssel',
    where: text('the sign-in window of the STARFACE App for Teams', 'das Anmeldefenster der STARFACE App für Teams'),
    check: (s) => {
      const signIn = s.signIn;
      if (!signIn) {
        return {
          status: 'unknown',
          message: text(
            'Not tried yet: rehearse a Teams sign-in.',
            'Noch nicht versucht: eine Teams-Anmeldung proben.',
          ),
          fix: text(
            'Run the sign-in rehearsal with a PBX name, key and user.',
            'Die Anmeldeprobe mit Name der Anlage, Schlüssel und Benutzer ausführen.',
          ),
        };
      }
      if (!signIn.credentialsValid) {
        return fail(
          text('The STARFACE login or password is wrong.', 'STARFACE-Login oder Passwort ist falsch.'),
          text("Enter the user's STARFACE login and password.", 'Login und Passwort des STARFACE-Benutzers eingeben.'),
        );
      }
      if (signIn.pbxNameMatches === false) {
        return fail(
          text(
            'The PBX name does not match "Name der Anlage" of the running configuration.',
            'Der Name der Anlage stimmt nicht mit der laufenden Konfiguration überein.',
          ),
          text('Enter the configured PBX name exactly.', 'Den konfigurierten Namen der Anlage genau eingeben.'),
        );
      }
      if (signIn.keyMatches === false) {
        return fail(
          text(
            'The key does not match the key the UCI connector uses.',
            'Der Schlüssel passt nicht zu dem, den der UCI-Connector verwendet.',
          ),
          text(
            'Download the key file again; after a new key, restart the connector.',
            'Die Schlüsseldatei neu herunterladen; nach einem neuen Schlüssel den Connector neu starten.',
          ),
        );
      }
      return pass(
        'PBX name, key and credentials are accepted.',
        'Name der Anlage, Schlüssel und Zugangsdaten werden akzeptiert.',
      );
    },
  },
];

export function requirementById(id: string): Requirement | undefined {
  return REQUIREMENTS.find((r) => r.id === id);
}

/** What a Teams sign-in evaluates, in the guide's order (R1–R4, R9–R18), plus the sign-in itself (R21). */
export const SIGN_IN_REQUIREMENTS = [
  'R1',
  'R2',
  'R3',
  'R4',
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
  'R21',
] as const;

export interface EvaluatedRequirement extends CheckResult {
  id: string;
  userId?: number;
}

/** Runs the given rules (default: all) for the PBX-wide ones once and the per-user ones for each user id. */
export function evaluate(
  snapshot: PbxSnapshot,
  opts: { ids?: readonly string[]; userIds?: number[]; perspective?: 'admin' | 'connector' } = {},
): EvaluatedRequirement[] {
  const rules = opts.ids ? REQUIREMENTS.filter((r) => opts.ids!.includes(r.id)) : REQUIREMENTS;
  const out: EvaluatedRequirement[] = [];
  for (const rule of rules) {
    if (rule.scope === 'user') {
      for (const userId of opts.userIds ?? [])
        out.push({ id: rule.id, userId, ...rule.check(snapshot, { userId, perspective: opts.perspective }) });
    } else {
      out.push({ id: rule.id, ...rule.check(snapshot, { perspective: opts.perspective }) });
    }
  }
  return out;
}
