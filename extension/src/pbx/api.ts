import { z } from 'zod';
import { AppSessionSchema, type AppSessionUpdate } from '../../../shared/schemas/app.js';
import { EventListSchema } from '../../../shared/schemas/events.js';
import { KeyFileSchema } from '../../../shared/schemas/keyfile.js';
import { LicenceSchema, UserLicencesSchema } from '../../../shared/schemas/licences.js';
import { ServerVersionSchema } from '../../../shared/schemas/login.js';
import { ConfigurationSchema, KeyGeneratedSchema, ModuleLogSchema, ModuleSchema, type ConfigurationUpdate } from '../../../shared/schemas/modules.js';
import { PermissionInfoSchema, UserSchema } from '../../../shared/schemas/users.js';
import { RegistrationListSchema } from '../../../shared/schemas/registrations.js';
import type { PbxRestClient } from './restClient.js';

/** The REST calls the extension makes, each with the shared schema of its answer. */
export class PbxApi {
  constructor(readonly client: PbxRestClient) {}

  version = () => this.client.get('/server/version', ServerVersionSchema);
  me = () => this.client.get('/users/me', UserSchema);
  users = () => this.client.get('/users', z.array(UserSchema));
  permissions = () => this.client.get('/permissions', z.array(PermissionInfoSchema));
  userPermissions = (userId: number) => this.client.get(`/permissions/users/${userId}`, z.array(PermissionInfoSchema));
  setUserPermissions = (userId: number, ids: number[]) => this.client.send('PUT', `/permissions/users/${userId}`, ids);
  setPermissionForUsers = (permissionId: number, userIds: number[], granted: boolean) =>
    this.client.send('PUT', `/permissions/${permissionId}/users?granted=${granted}`, userIds);

  licences = () => this.client.get('/licenses', z.array(LicenceSchema));
  installLicence = (type: string, count: number) => this.client.send('POST', '/licenses', { type, count }, LicenceSchema);
  userLicences = (userId: number) => this.client.get(`/licenses/users/${userId}`, UserLicencesSchema);
  setUserLicences = (userId: number, types: string[]) => this.client.send('PUT', `/licenses/users/${userId}`, types, UserLicencesSchema);

  modules = () => this.client.get('/modules', z.array(ModuleSchema));
  configurations = () => this.client.get('/modules/configurations', z.array(ConfigurationSchema));
  configurationLog = (id: number) => this.client.get(`/modules/configurations/${id}/log`, ModuleLogSchema);
  updateConfiguration = (id: number, update: ConfigurationUpdate) => this.client.send('PUT', `/modules/configurations/${id}`, update, ConfigurationSchema);
  generateKey = (id: number) => this.client.send('POST', `/modules/configurations/${id}/key`, undefined, KeyGeneratedSchema);
  keyFile = (id: number) => this.client.get(`/modules/configurations/${id}/keyfile`, KeyFileSchema);
  setConnector = (id: number, active: boolean) => this.client.send('PUT', `/modules/configurations/${id}/connector`, { active }, ConfigurationSchema);

  appSession = (userId: number) => this.client.get(`/sim/users/${userId}/app`, AppSessionSchema);
  setAppSession = (userId: number, update: AppSessionUpdate) => this.client.send('PUT', `/sim/users/${userId}/app`, update, AppSessionSchema);
  registrations = () => this.client.get('/sim/registrations', RegistrationListSchema);
  events = (sinceSeq: number, limit = 1000) => this.client.get(`/sim/events?sinceSeq=${sinceSeq}&limit=${limit}`, EventListSchema);
}
