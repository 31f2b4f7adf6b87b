import { z } from 'zod';
import { AppSessionSchema, type AppSessionUpdate } from '../../../shared/schemas/app.js';
import { EventListSchema } from '../../../shared/schemas/events.js';
import { KeyFileSchema } from '../../../shared/schemas/keyfile.js';
import { LicenceSchema, UserLicencesSchema } from '../../../shared/schemas/licences.js';
import { ServerVersionSchema } from '../../../shared/schemas/login.js';
import { ConfigurationSchema, KeyGeneratedSchema, ModuleLogSchema, ModuleSchema, type ConfigurationCreate, type ConfigurationUpdate } from '../../../shared/schemas/modules.js';
import { TeamsLoginFailureSchema, TeamsLoginSuccessSchema, type TeamsLoginRequest } from '../../../shared/schemas/teamsLogin.js';
import { PermissionInfoSchema, UserSchema } from '../../../shared/schemas/users.js';
import { RegistrationListSchema } from '../../../shared/schemas/registrations.js';
import { SimCredentialsSchema } from '../../../shared/schemas/credentials.js';
import { PbxError, type PbxRestClient } from './restClient.js';

/** The REST calls the extension makes, each with the shared schema of its answer. */
export class PbxApi {
  constructor(readonly client: PbxRestClient) {}

  version = () => this.client.get('/server/version', ServerVersionSchema);
  me = () => this.client.get('/users/me', UserSchema);
  users = () => this.client.get('/users', z.array(UserSchema));
  permissions = () => this.client.get('/permissions', z.array(PermissionInfoSchema));
  userPermissions = (userId: number) => this.client.get(`/permissions/users/${userId}`, z.array(PermissionInfoSchema));
  permissionUsers = (permissionId: number) => this.client.get(`/permissions/${permissionId}/users`, z.array(UserSchema));
  setUserPermissions = (userId: number, ids: number[]) => this.client.send('PUT', `/permissions/users/${userId}`, ids);
  setPermissionForUsers = (permissionId: number, userIds: number[], granted: boolean) =>
    this.client.send('PUT', `/permissions/${permissionId}/users?granted=${granted}`, userIds);

  licences = () => this.client.get('/licenses', z.array(LicenceSchema));
  installLicence = (type: string, count: number) => this.client.send('POST', '/licenses', { type, count }, LicenceSchema);
  userLicences = (userId: number) => this.client.get(`/licenses/users/${userId}`, UserLicencesSchema);
  setUserLicences = (userId: number, types: string[]) => this.client.send('PUT', `/licenses/users/${userId}`, types, UserLicencesSchema);

  modules = () => this.client.get('/modules', z.array(ModuleSchema));
  importModule = (name: string) => this.client.send('POST', '/modules', { name }, ModuleSchema);
  createConfiguration = (create: Partial<ConfigurationCreate> & { name: string }) => this.client.send('POST', '/modules/configurations', create, ConfigurationSchema);
  configurations = () => this.client.get('/modules/configurations', z.array(ConfigurationSchema));
  configurationLog = (id: number) => this.client.get(`/modules/configurations/${id}/log`, ModuleLogSchema);
  updateConfiguration = (id: number, update: ConfigurationUpdate) => this.client.send('PUT', `/modules/configurations/${id}`, update, ConfigurationSchema);
  generateKey = (id: number) => this.client.send('POST', `/modules/configurations/${id}/key`, undefined, KeyGeneratedSchema);
  keyFile = (id: number) => this.client.get(`/modules/configurations/${id}/keyfile`, KeyFileSchema);
  setConnector = (id: number, active: boolean) => this.client.send('PUT', `/modules/configurations/${id}/connector`, { active }, ConfigurationSchema);

  appSession = (userId: number) => this.client.get(`/sim/users/${userId}/app`, AppSessionSchema);
  setAppSession = (userId: number, update: AppSessionUpdate) => this.client.send('PUT', `/sim/users/${userId}/app`, update, AppSessionSchema);
  registrations = () => this.client.get('/sim/registrations', RegistrationListSchema);
  credentials = () => this.client.get('/sim/credentials', SimCredentialsSchema);
  events = (sinceSeq: number, limit = 1000) => this.client.get(`/sim/events?sinceSeq=${sinceSeq}&limit=${limit}`, EventListSchema);

  /**
   * What the STARFACE App for Teams does at sign-in (no authToken: it sends the user's credentials). A refusal (403)
   * carries the unmet requirements, so the body is read whatever the status; other errors throw.
   */
  teamsLogin = async (req: TeamsLoginRequest, timeoutMs = 10_000) => {
    let res: Response;
    try {
      res = await fetch(`${this.client.baseUrl}/sim/teams/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Version': '2', Accept: 'application/json' },
        body: JSON.stringify(req),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new PbxError(`Teams sign-in: ${this.client.baseUrl} did not answer (${(err as Error).message})`, undefined, 'UNREACHABLE');
    }
    const body = (await res.json().catch(() => undefined)) as { code?: string; message?: string } | undefined;
    if (res.status === 200) return TeamsLoginSuccessSchema.parse(body);
    if (res.status === 403) return TeamsLoginFailureSchema.parse(body);
    throw new PbxError(body?.message ?? `Teams sign-in answered HTTP ${res.status}`, res.status, body?.code ?? `HTTP_${res.status}`);
  };
}
