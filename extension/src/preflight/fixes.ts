import { LICENCE_TYPES, rightByKey, MODE_LABELS } from '../../../shared/catalogue.js';
import { text, type Localized } from '../../../shared/i18n.js';
import { PreflightFixSchema, type PreflightFix, type PreflightFixInput } from '../../../shared/schemas/preflight.js';
import type { PbxApi } from '../pbx/api.js';

const licenceLabel = (type: string) => LICENCE_TYPES.find((l) => l.type === type)?.label ?? text(type, type);

/** The fix as a button or menu says it, in English and German. */
export function fixTitle(fix: PreflightFix): Localized {
  switch (fix.kind) {
    case 'installLicence':
      return text(`Install ${fix.count} "${fix.licence}" licence(s)`, `${fix.count} Lizenz(en) "${fix.licence}" einspielen`);
    case 'assignLicence':
      return text(`Assign a "${licenceLabel(fix.licence).en}" licence to user ${fix.userId}`, `Benutzer ${fix.userId} eine Lizenz "${licenceLabel(fix.licence).de}" zuweisen`);
    case 'grantRight': {
      const label = rightByKey(fix.right)?.label ?? text(fix.right, fix.right);
      return text(`Grant the right "${label.de}" to user ${fix.userId}`, `Benutzer ${fix.userId} das Recht "${label.de}" geben`);
    }
    case 'activateDesktopApp': {
      const os = fix.platform === 'macos' ? 'macOS' : 'Windows';
      return text(`Sign user ${fix.userId} in to the STARFACE App for ${os}`, `Benutzer ${fix.userId} in der STARFACE App für ${os} anmelden`);
    }
    case 'importModule':
      return text(`Import the module "${fix.module}"`, `Modul "${fix.module}" importieren`);
    case 'createConfiguration':
      return text(`Create the configuration "${fix.name}"`, `Konfiguration "${fix.name}" anlegen`);
    case 'activateConfiguration':
      return text(`Activate configuration ${fix.configurationId}`, `Konfiguration ${fix.configurationId} aktivieren`);
    case 'deactivateConfiguration':
      return text(`Deactivate configuration ${fix.configurationId}`, `Konfiguration ${fix.configurationId} deaktivieren`);
    case 'setMode':
      return text(`Switch the mode to "${MODE_LABELS[fix.mode].de}" and restart the connector`, `Modus auf "${MODE_LABELS[fix.mode].de}" stellen und den Connector neu starten`);
    case 'setPbxName':
      return text(`Set "Name der Anlage" to ${fix.pbxName} and restart the connector`, `"Name der Anlage" auf ${fix.pbxName} setzen und den Connector neu starten`);
    case 'enableAutoprovisioning':
      return text('Enable autoprovisioning and restart the connector', 'Autoprovisionierung aktivieren und den Connector neu starten');
    case 'generateKey':
      return text('Generate a new key and restart the connector', 'Neuen Schlüssel eintragen und den Connector neu starten');
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

/** Performs one fix through the PBX's REST API; throws the PBX's refusal (e.g. LICENCE_EXHAUSTED) as a PbxError. */
export async function applyFix(api: PbxApi, input: PreflightFix | PreflightFixInput): Promise<void> {
  const fix = PreflightFixSchema.parse(input);
  switch (fix.kind) {
    case 'installLicence':
      await api.installLicence(fix.licence, fix.count);
      return;
    case 'assignLicence': {
      const held = await api.userLicences(fix.userId);
      if (!held.includes(fix.licence)) await api.setUserLicences(fix.userId, [...held, fix.licence]);
      return;
    }
    case 'grantRight': {
      const info = (await api.permissions()).find((p) => p.permission === fix.right || p.description === rightByKey(fix.right)?.description);
      if (!info) throw new Error(`this PBX has no right "${fix.right}"`);
      await api.setPermissionForUsers(info.id, [fix.userId], true);
      return;
    }
    case 'activateDesktopApp':
      await api.setAppSession(fix.userId, { active: true, platform: fix.platform });
      return;
    case 'importModule':
      await api.importModule(fix.module);
      return;
    case 'createConfiguration':
      await api.createConfiguration({ name: fix.name });
      return;
    case 'activateConfiguration':
      await api.updateConfiguration(fix.configurationId, { active: true });
      return;
    case 'deactivateConfiguration':
      await api.updateConfiguration(fix.configurationId, { active: false });
      return;
    case 'setMode':
      return changeAndRestart(api, fix.configurationId, () => api.updateConfiguration(fix.configurationId, { mode: fix.mode }));
    case 'setPbxName':
      return changeAndRestart(api, fix.configurationId, () => api.updateConfiguration(fix.configurationId, { pbxName: fix.pbxName }));
    case 'enableAutoprovisioning':
      return changeAndRestart(api, fix.configurationId, () => api.updateConfiguration(fix.configurationId, { autoprovisioning: true }));
    case 'generateKey':
      return changeAndRestart(api, fix.configurationId, () => api.generateKey(fix.configurationId));
    case 'restartConnector':
      return restartConnector(api, fix.configurationId);
  }
}

/** A result's fixes in order (e.g. install a licence, then assign it). */
export async function applyFixes(api: PbxApi, fixes: readonly (PreflightFix | PreflightFixInput)[]): Promise<void> {
  for (const fix of fixes) await applyFix(api, fix);
}
