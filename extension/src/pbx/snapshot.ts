import type { AppSession } from '../../../shared/schemas/app.js';
import type { Licence } from '../../../shared/schemas/licences.js';
import type { Configuration, Module, ModuleLogEntry } from '../../../shared/schemas/modules.js';
import type { PermissionInfo, User } from '../../../shared/schemas/users.js';
import type { PbxApi } from './api.js';
import { PbxError } from './restClient.js';

/** A user's details, loaded when the user's node is opened: a PBX with 1,000 users should not cost 3,000 requests per refresh. */
export interface UserDetails {
  rights: PermissionInfo[];
  /** null: this PBX has no licence resource (real STARFACE REST). */
  licences: string[] | null;
  app: AppSession | null;
}

export interface ConfigurationData {
  configuration: Configuration;
  log: ModuleLogEntry[];
}

/** What the extension knows of one PBX at one moment. `null` parts are what this PBX's REST API does not offer. */
export interface PbxData {
  loadedAt: number;
  version: string;
  users: User[];
  permissions: PermissionInfo[];
  licences: Licence[] | null;
  modules: Module[] | null;
  configurations: ConfigurationData[] | null;
  /** True when the simulator-only resources answered. */
  simulator: boolean;
}

/** A simulator-only resource: a 404 means a real PBX, which has no such path. */
async function optional<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof PbxError && err.isNotFound) return null;
    throw err;
  }
}

/** Loads everything the tree shows, in parallel where the PBX allows it. */
export async function loadPbxData(api: PbxApi, now: () => number = Date.now): Promise<PbxData> {
  const [version, users, permissions, licences, modules, configurations] = await Promise.all([
    api.version(),
    api.users(),
    api.permissions(),
    optional(api.licences),
    optional(api.modules),
    optional(api.configurations),
  ]);
  const simulator = licences !== null && modules !== null && configurations !== null;
  const configurationData =
    configurations &&
    (await Promise.all(configurations.map(async (configuration) => ({ configuration, log: (await api.configurationLog(configuration.id)).entries }))));
  return {
    loadedAt: now(),
    version: version.version,
    users,
    permissions,
    licences,
    modules,
    configurations: configurationData,
    simulator,
  };
}

export async function loadUserDetails(api: PbxApi, userId: number, simulator: boolean): Promise<UserDetails> {
  const [rights, licences, app] = await Promise.all([
    api.userPermissions(userId),
    simulator ? api.userLicences(userId) : Promise.resolve(null),
    simulator ? api.appSession(userId) : Promise.resolve(null),
  ]);
  return { rights, licences, app };
}
