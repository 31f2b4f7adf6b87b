import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import { KeyFileSchema } from '../schemas/keyfile.js';
import {
  ConfigurationCreateSchema,
  ConfigurationSchema,
  ConfigurationUpdateSchema,
  ConnectorUpdateSchema,
  KeyGeneratedSchema,
  ModuleImportSchema,
  ModuleLogSchema,
  ModuleSchema,
} from '../schemas/modules.js';
import { endpoints } from './endpoint.js';

/** The module library and its configurations ("Teams Integration"): admin UI only on a real PBX. */
export const MODULES_API = endpoints({
  getModules: { method: 'get', path: '/modules', summary: 'The module library', access: 'admin', real: false, responses: { 200: z.array(ModuleSchema) } },
  postModule: { method: 'post', path: '/modules', summary: 'Import (or re-import) a module; configurations are kept', access: 'admin', real: false, body: ModuleImportSchema, responses: { 201: ModuleSchema } },
  deleteModule: { method: 'delete', path: '/modules/{id}', summary: 'Remove a module from the library; its configurations stay dormant', access: 'admin', real: false, responses: { 204: null, 404: ApiErrorSchema } },
  getConfigurations: { method: 'get', path: '/modules/configurations', summary: 'Module configurations', access: 'admin', real: false, responses: { 200: z.array(ConfigurationSchema) } },
  postConfiguration: { method: 'post', path: '/modules/configurations', summary: 'Create a "Teams Integration" configuration', access: 'admin', real: false, body: ConfigurationCreateSchema, responses: { 201: ConfigurationSchema, 400: ApiErrorSchema, 409: ApiErrorSchema } },
  getConfiguration: { method: 'get', path: '/modules/configurations/{id}', summary: 'One configuration', access: 'admin', real: false, responses: { 200: ConfigurationSchema, 404: ApiErrorSchema } },
  putConfiguration: { method: 'put', path: '/modules/configurations/{id}', summary: 'Change settings; a running connector keeps the old revision until restarted (R17)', access: 'admin', real: false, body: ConfigurationUpdateSchema, responses: { 200: ConfigurationSchema, 400: ApiErrorSchema } },
  deleteConfiguration: { method: 'delete', path: '/modules/configurations/{id}', summary: 'Delete a configuration', access: 'admin', real: false, responses: { 204: null, 404: ApiErrorSchema } },
  postConfigurationKey: { method: 'post', path: '/modules/configurations/{id}/key', summary: '"Neuen Schlüssel eintragen": generate a key; answers its fingerprint only', access: 'admin', real: false, responses: { 201: KeyGeneratedSchema } },
  getConfigurationKeyFile: { method: 'get', path: '/modules/configurations/{id}/keyfile', summary: 'Download the key file (409 without a key)', access: 'admin', real: false, responses: { 200: KeyFileSchema, 409: ApiErrorSchema } },
  putConfigurationConnector: { method: 'put', path: '/modules/configurations/{id}/connector', summary: 'Activate or deactivate the UCI connector', access: 'admin', real: false, body: ConnectorUpdateSchema, responses: { 200: ConfigurationSchema, 409: ApiErrorSchema } },
  getConfigurationLog: { method: 'get', path: '/modules/configurations/{id}/log', summary: 'The module log (newest 500 entries)', access: 'admin', real: false, responses: { 200: ModuleLogSchema } },
});
