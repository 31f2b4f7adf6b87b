import type { AppSession } from '../../../shared/schemas/app.js';
import type { Licence } from '../../../shared/schemas/licences.js';
import type { Configuration, Module, ModuleLogEntry } from '../../../shared/schemas/modules.js';
import type { PermissionInfo, User } from '../../../shared/schemas/users.js';
import type { Registration } from '../../../shared/schemas/registrations.js';
import type { PbxApi } from './api.js';
import { loadGroups, type GroupData } from './groupsSnapshot.js';
import { PbxError } from './restClient.js';
import { loadUserTelephony, type UserTelephony } from './telephony.js';

/** A user's details, loaded when the user's node is opened: a PBX with 1,000 users should not cost 3,000 requests per refresh. */
export interface UserDetails {
  rights: PermissionInfo[];
  /** null: this PBX has no licence resource (real STARFACE REST). */
  licences: string[] | null;
  app: AppSession | null;
  /** The user's numbers and phones; null (or absent) where the PBX or the user's rights do not offer them. */
  telephony?: UserTelephony | null;
}

export interface ConfigurationData {
  configuration: Configuration;
  log: ModuleLogEntry[];
}

/**
 * What the extension knows of one PBX at one moment. `null` parts are what this PBX's REST API does not offer
 * (a real STARFACE has no licence or module resources) or what the signed-in user may not read.
 */
export interface PbxData {
  loadedAt: number;
  version: string;
  /** False for a user without the right "Administration": the PBX then shows only their own data. */
  admin: boolean;
  users: User[];
  licences: Licence[] | null;
  modules: Module[] | null;
  configurations: ConfigurationData[] | null;
  /** SIP bindings of the simulator's registrar; null on a real PBX. */
  registrations: Registration[] | null;
  /** True when the simulator-only resources answered. */
  simulator: boolean;
  /** Groups with members and numbers; null where the PBX refuses or lacks them; absent in hand-made snapshots. */
  groups?: GroupData[] | null;
}

/** A resource the PBX may lack (404: a real STARFACE) or refuse (403: not an administrator). */
export async function optional<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof PbxError && (err.isNotFound || err.status === 403)) return null;
    throw err;
  }
}

/** Loads everything the tree shows, in parallel where the PBX allows it. */
export async function loadPbxData(api: PbxApi, now: () => number = Date.now): Promise<PbxData> {
  const [version, me] = await Promise.all([api.version(), api.me()]);
  const [admin, groups] = await Promise.all([api.isAdministrator(me.id), optional(() => loadGroups(api))]);
  const everyone = admin ? await optional(api.users) : null;
  if (everyone === null) {
    // Not an administrator: the PBX lets a user read only their own user, rights and licences.
    return {
      loadedAt: now(),
      version: version.version,
      admin: false,
      users: [me],
      licences: null,
      modules: null,
      configurations: null,
      registrations: null,
      simulator: false,
      groups,
    };
  }
  const [licences, modules, configurations, registrations] = await Promise.all([
    optional(api.licences),
    optional(api.modules),
    optional(api.configurations),
    optional(api.registrations),
  ]);
  const simulator = licences !== null && modules !== null && configurations !== null;
  const configurationData =
    configurations &&
    (await Promise.all(
      configurations.map(async (configuration) => ({
        configuration,
        log: (await api.configurationLog(configuration.id)).entries,
      })),
    ));
  return {
    loadedAt: now(),
    version: version.version,
    admin: true,
    users: everyone,
    licences,
    modules,
    configurations: configurationData,
    registrations,
    simulator,
    groups,
  };
}

/** Licences and the desktop app exist only on the simulator, and only an administrator may read the app. */
export async function loadUserDetails(api: PbxApi, userId: number): Promise<UserDetails> {
  const [rights, licences, app, telephony] = await Promise.all([
    api.userPermissions(userId),
    optional(() => api.userLicences(userId)),
    optional(() => api.appSession(userId)),
    loadUserTelephony(api, userId),
  ]);
  return { rights, licences, app, telephony };
}
