import { API } from '../../../shared/api.js';
import { fillPath } from '../../../shared/api/endpoint.js';
import { RIGHT_ADMIN, resolveRight, type LicenceType, type TEAMS_MODULE_NAME } from '../../../shared/catalogue.js';
import type { AppSessionUpdate } from '../../../shared/schemas/app.js';
import type { ConfigurationCreate, ConfigurationUpdate } from '../../../shared/schemas/modules.js';
import {
  TeamsLoginFailureSchema,
  TeamsLoginSuccessSchema,
  type TeamsLoginRequest,
} from '../../../shared/schemas/teamsLogin.js';
import { boundedText, isRedirect, ResponseTooLargeError } from './httpLimits.js';
import { PbxError, redirectError, REST_MAX_RESPONSE_BYTES, tooLargeError, type PbxRestClient } from './restClient.js';

/**
 * The REST calls the extension makes, named for what they do. Paths, methods and answer schemas come from the
 * REST table (`shared/api.ts`) through `PbxRestClient.call()`; a call the extension needs once can use that
 * directly.
 */
export class PbxApi {
  constructor(readonly client: PbxRestClient) {}

  version = () => this.client.call('getServerVersion');
  me = () => this.client.call('usersMeGet');
  users = () => this.client.call('getUsers');
  permissions = () => this.client.call('getPermissions');
  /**
   * Whether the user holds "Administration", from their own rights (which every user may read): the PBX answers
   * GET /users to every user, so its answer no longer tells an administrator apart. The right is matched by key
   * or by its German name, as a PBX may use other keys.
   */
  isAdministrator = async (userId: number): Promise<boolean> =>
    (await this.userPermissions(userId)).some(
      (p) =>
        p.permission === RIGHT_ADMIN || (p.description !== undefined && resolveRight(p.description) === RIGHT_ADMIN),
    );
  userPermissions = (userId: number) => this.client.call('getUserPermissions', { params: { userId } });
  permissionUsers = (permissionId: number) => this.client.call('getUsersWithPermission', { params: { permissionId } });
  setUserPermissions = (userId: number, ids: number[]) =>
    this.client.call('putUserPermissions', { params: { userId }, body: ids });
  setPermissionForUsers = (permissionId: number, userIds: number[], granted: boolean) =>
    this.client.call('updatePermissionForUsers', { params: { permissionId }, query: { granted }, body: userIds });

  licences = () => this.client.call('getLicences');
  // Licence and module names as the user typed or picked them: the PBX judges them, and its refusal says why.
  installLicence = (type: string, count: number) =>
    this.client.call('postLicence', { body: { type: type as LicenceType, count } });
  userLicences = (userId: number) => this.client.call('getUserLicences', { params: { userId } });
  setUserLicences = (userId: number, types: string[]) =>
    this.client.call('putUserLicences', { params: { userId }, body: types as LicenceType[] });

  modules = () => this.client.call('getModules');
  importModule = (name: string) => this.client.call('postModule', { body: { name: name as typeof TEAMS_MODULE_NAME } });
  createConfiguration = (create: Partial<ConfigurationCreate> & { name: string }) =>
    this.client.call('postConfiguration', { body: create });
  configurations = () => this.client.call('getConfigurations');
  configurationLog = (id: number) => this.client.call('getConfigurationLog', { params: { id } });
  updateConfiguration = (id: number, update: ConfigurationUpdate) =>
    this.client.call('putConfiguration', { params: { id }, body: update });
  generateKey = (id: number) => this.client.call('postConfigurationKey', { params: { id } });
  keyFile = (id: number) => this.client.call('getConfigurationKeyFile', { params: { id } });
  setConnector = (id: number, active: boolean) =>
    this.client.call('putConfigurationConnector', { params: { id }, body: { active } });

  appSession = (userId: number) => this.client.call('getAppSession', { params: { userId } });
  setAppSession = (userId: number, update: AppSessionUpdate) =>
    this.client.call('putAppSession', { params: { userId }, body: update });
  registrations = () => this.client.call('getRegistrations');
  credentials = () => this.client.call('getCredentials');
  events = (sinceSeq: number, limit = 1000) => this.client.call('getEvents', { query: { sinceSeq, limit } });
  /** The user's newest calls (the simulator's call journal; a real STARFACE answers 404). */
  callJournal = (userId: number, limit: number) =>
    this.client.call('getCallJournal', { params: { userId }, query: { limit } });

  /**
   * What the STARFACE App for Teams does at sign-in (no authToken: it sends the user's credentials). A refusal (403)
   * carries the unmet requirements, so the body is read whatever the status; other errors throw.
   */
  teamsLogin = async (req: TeamsLoginRequest, timeoutMs = 10_000) => {
    const path = fillPath(API.teamsLogin);
    const method = API.teamsLogin.method.toUpperCase();
    let res: Response;
    try {
      // Not followed: a redirect would carry the user's password in the body to the other place.
      res = await this.client.transport(`${this.client.baseUrl}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-Version': '2', Accept: 'application/json' },
        body: JSON.stringify(req),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
    } catch (err) {
      throw new PbxError(
        `Teams sign-in: ${this.client.baseUrl} did not answer (${(err as Error).message})`,
        undefined,
        'UNREACHABLE',
      );
    }
    if (isRedirect(res)) throw redirectError(method, path, `${this.client.baseUrl}${path}`, res);
    let body: { code?: string; message?: string } | undefined;
    try {
      body = JSON.parse(await boundedText(res, REST_MAX_RESPONSE_BYTES)) as typeof body;
    } catch (err) {
      if (err instanceof ResponseTooLargeError) throw tooLargeError(method, path, err, res.status);
      body = undefined;
    }
    if (res.status === 200) return TeamsLoginSuccessSchema.parse(body);
    if (res.status === 403) return TeamsLoginFailureSchema.parse(body);
    throw new PbxError(
      body?.message ?? `Teams sign-in answered HTTP ${res.status}`,
      res.status,
      body?.code ?? `HTTP_${res.status}`,
    );
  };
}
