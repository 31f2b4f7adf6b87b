import { LICENCE_TYPES, rightByKey, MODE_LABELS, TEAMS_MODULE_NAME } from '../../../shared/catalogue.js';
import { text, type Localized } from '../../../shared/i18n.js';
import {
  PrerequisiteFixSchema,
  type PrerequisiteFix,
  type PrerequisiteFixInput,
} from '../../../shared/schemas/prerequisites.js';
import type { PbxApi } from '../pbx/api.js';
import { optional } from '../pbx/snapshot.js';
import { findRight } from './pbxChecks.js';

const licenceLabel = (type: string) => LICENCE_TYPES.find((l) => l.type === type)?.label ?? text(type, type);

/** Titles name the user by login (as the admin UI does); an id only for a fix made without one. */
const who = (fix: { userId: number; login?: string | undefined }) => fix.login ?? `user ${fix.userId}`;
const wer = (fix: { userId: number; login?: string | undefined }) => fix.login ?? `Benutzer ${fix.userId}`;

/** A fix made for a user no longer fits the PBX (the user was deleted or the id now belongs to someone else). */
export class StaleFixError extends Error {}

/** The fix as a button or menu says it, in English and German. */
export function fixTitle(fix: PrerequisiteFix): Localized {
  switch (fix.kind) {
    case 'installLicence':
      return text(
        `Install ${fix.count} "${fix.licence}" licence(s)`,
        `${fix.count} Lizenz(en) "${fix.licence}" einspielen`,
      );
    case 'assignLicence':
      return text(
        `Assign a "${licenceLabel(fix.licence).en}" licence to ${who(fix)}`,
        `${wer(fix)} eine Lizenz "${licenceLabel(fix.licence).de}" zuweisen`,
      );
    case 'grantRight': {
      const label = rightByKey(fix.right)?.label ?? text(fix.right, fix.right);
      return text(`Grant the right "${label.de}" to ${who(fix)}`, `${wer(fix)} das Recht "${label.de}" geben`);
    }
    case 'activateDesktopApp': {
      const os = fix.platform === 'macos' ? 'macOS' : 'Windows';
      return text(
        `Sign ${who(fix)} in to the STARFACE App for ${os}`,
        `${wer(fix)} in der STARFACE App für ${os} anmelden`,
      );
    }
    case 'importModule':
      return text(`Import the module "${fix.module}"`, `Modul "${fix.module}" importieren`);
    case 'createConfiguration':
      return text(`Create the configuration "${fix.name}"`, `Konfiguration "${fix.name}" anlegen`);
    case 'activateConfiguration':
      return text(`Activate configuration ${fix.configurationId}`, `Konfiguration ${fix.configurationId} aktivieren`);
    case 'deactivateConfiguration':
      return text(
        `Deactivate configuration ${fix.configurationId}`,
        `Konfiguration ${fix.configurationId} deaktivieren`,
      );
    case 'keepConfiguration': {
      const name = fix.name ? `"${fix.name}" (${fix.configurationId})` : String(fix.configurationId);
      return text(
        `Keep configuration ${name} active, deactivate the others`,
        `Konfiguration ${name} aktiv lassen, die anderen deaktivieren`,
      );
    }
    case 'setMode':
      return text(
        `Switch the mode to "${MODE_LABELS[fix.mode].de}" and restart the connector`,
        `Modus auf "${MODE_LABELS[fix.mode].de}" stellen und den Connector neu starten`,
      );
    case 'setPbxName':
      return fix.pbxName
        ? text(
            `Set "Name der Anlage" to ${fix.pbxName} and restart the connector`,
            `"Name der Anlage" auf ${fix.pbxName} setzen und den Connector neu starten`,
          )
        : text(
            `Set "Name der Anlage" to the PBX's FQDN and restart the connector`,
            '"Name der Anlage" auf den FQDN der STARFACE setzen und den Connector neu starten',
          );
    case 'enableAutoprovisioning':
      return text(
        'Enable autoprovisioning and restart the connector',
        'Autoprovisionierung aktivieren und den Connector neu starten',
      );
    case 'generateKey':
      return text(
        'Generate a new key and restart the connector',
        'Neuen Schlüssel eintragen und den Connector neu starten',
      );
    case 'restartConnector':
      return text('Deactivate and activate the UCI connector', 'UCI-Connector deaktivieren und wieder aktivieren');
  }
}

/** Off, then on: what the guide asks for after every change (R17); an inactive connector is just started. */
async function restartConnector(api: PbxApi, id: number): Promise<void> {
  const configs = await api.configurations();
  if (configs.find((c) => c.id === id)?.connector.active) await api.setConnector(id, false);
  await api.setConnector(id, true);
}

/** A configuration change reaches Teams only after a connector restart (R17), so a fix does both. */
async function changeAndRestart(api: PbxApi, id: number, change: () => Promise<unknown>): Promise<void> {
  await change();
  const config = (await api.configurations()).find((c) => c.id === id);
  if (config?.connector.active) {
    await api.setConnector(id, false);
    await api.setConnector(id, true);
  }
}

/** The user the fix was made for must still be that login; a fix without a login is taken as it is. */
async function checkUser(api: PbxApi, fix: { userId: number; login?: string | undefined }): Promise<void> {
  if (fix.login === undefined) return;
  const users = await optional(api.users);
  if (users === null) return;
  const user = users.find((u) => u.id === fix.userId);
  if (!user) throw new StaleFixError(`user ${fix.login} (id ${fix.userId}) no longer exists: run the check again`);
  if (user.login !== fix.login)
    throw new StaleFixError(
      `user id ${fix.userId} now belongs to ${user.login}, not ${fix.login}: run the check again`,
    );
}

/**
 * Performs one fix through the PBX's REST API; throws the PBX's refusal (e.g. LICENCE_EXHAUSTED) as a PbxError.
 * Each fix checks its precondition first, so applying it twice (two clicks, a stale report) changes nothing more.
 */
export async function applyFix(api: PbxApi, input: PrerequisiteFix | PrerequisiteFixInput): Promise<void> {
  const fix = PrerequisiteFixSchema.parse(input);
  switch (fix.kind) {
    case 'installLicence': {
      const installed = (await api.licences()).find((l) => l.type === fix.licence);
      if (installed && installed.count - installed.used > 0) return;
      await api.installLicence(fix.licence, fix.count);
      return;
    }
    case 'assignLicence': {
      await checkUser(api, fix);
      const held = await api.userLicences(fix.userId);
      if (!held.includes(fix.licence)) await api.setUserLicences(fix.userId, [...held, fix.licence]);
      return;
    }
    case 'grantRight': {
      await checkUser(api, fix);
      const info = findRight(await api.permissions(), fix.right);
      if (!info) throw new Error(`this PBX has no right "${fix.right}"`);
      const holders = await optional(() => api.permissionUsers(info.id));
      if (holders?.some((u) => u.id === fix.userId)) return;
      await api.setPermissionForUsers(info.id, [fix.userId], true);
      return;
    }
    case 'activateDesktopApp':
      await checkUser(api, fix);
      await api.setAppSession(fix.userId, { active: true, platform: fix.platform });
      return;
    case 'importModule':
      await api.importModule(fix.module);
      return;
    case 'createConfiguration':
      if ((await api.configurations()).some((c) => c.module === TEAMS_MODULE_NAME)) return;
      await api.createConfiguration({ name: fix.name });
      return;
    case 'activateConfiguration':
      await api.updateConfiguration(fix.configurationId, { active: true });
      return;
    case 'deactivateConfiguration':
      await api.updateConfiguration(fix.configurationId, { active: false });
      return;
    case 'keepConfiguration': {
      const configs = await api.configurations();
      if (!configs.some((c) => c.id === fix.configurationId))
        throw new StaleFixError(`configuration ${fix.configurationId} no longer exists: run the check again`);
      for (const c of configs) {
        if (c.id !== fix.configurationId && c.module === TEAMS_MODULE_NAME && c.active)
          await api.updateConfiguration(c.id, { active: false });
      }
      if (!configs.find((c) => c.id === fix.configurationId)!.active)
        await api.updateConfiguration(fix.configurationId, { active: true });
      return;
    }
    case 'setMode':
      return changeAndRestart(api, fix.configurationId, () =>
        api.updateConfiguration(fix.configurationId, { mode: fix.mode }),
      );
    case 'setPbxName': {
      const pbxName = fix.pbxName;
      if (!pbxName) throw new Error('this fix needs the PBX\'s FQDN ("Name der Anlage")');
      return changeAndRestart(api, fix.configurationId, () =>
        api.updateConfiguration(fix.configurationId, { pbxName }),
      );
    }
    case 'enableAutoprovisioning':
      return changeAndRestart(api, fix.configurationId, () =>
        api.updateConfiguration(fix.configurationId, { autoprovisioning: true }),
      );
    case 'generateKey':
      return changeAndRestart(api, fix.configurationId, () => api.generateKey(fix.configurationId));
    case 'restartConnector':
      return restartConnector(api, fix.configurationId);
  }
}

/** A result's fixes in order (e.g. install a licence, then assign it). */
export async function applyFixes(
  api: PbxApi,
  fixes: readonly (PrerequisiteFix | PrerequisiteFixInput)[],
): Promise<void> {
  for (const fix of fixes) await applyFix(api, fix);
}
