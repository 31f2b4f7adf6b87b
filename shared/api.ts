/**
 * The simulator's REST surface as data: which path takes and answers which schema. The OpenAPI document
 * (`GET /rest/openapi.json`) is generated from this table, and a test checks it against the live routes.
 */
import { z } from 'zod';
import { AppSessionSchema, AppSessionUpdateSchema } from './schemas/app.js';
import { ApiErrorSchema } from './schemas/common.js';
import { EventListSchema, EventQuerySchema } from './schemas/events.js';
import { KeyFileSchema } from './schemas/keyfile.js';
import { LicenceInstallSchema, LicenceSchema, UserLicencesSchema } from './schemas/licences.js';
import { AuthTokenSchema, LoginChallengeSchema, LoginRequestSchema, ServerVersionSchema } from './schemas/login.js';
import {
  ConfigurationCreateSchema,
  ConfigurationSchema,
  ConfigurationUpdateSchema,
  ConnectorUpdateSchema,
  KeyGeneratedSchema,
  ModuleImportSchema,
  ModuleLogSchema,
  ModuleSchema,
} from './schemas/modules.js';
import { RegistrationListSchema } from './schemas/registrations.js';
import { CallListSchema } from './schemas/calls.js';
import { SimCredentialsSchema } from './schemas/credentials.js';
import { ScenarioApplySchema } from './schemas/scenario.js';
import { ReplayAcceptedSchema, ReplayRequestSchema } from './schemas/uci.js';
import { TeamsLoginFailureSchema, TeamsLoginRequestSchema, TeamsLoginSuccessSchema } from './schemas/teamsLogin.js';
import { PermissionIdListSchema, PermissionInfoSchema, UserCreateSchema, UserIdListSchema, UserSchema, UserUpdateSchema } from './schemas/users.js';

/** Who may call an endpoint: nobody signed in, any signed-in user, the user named in the path, or an admin. */
export type Access = 'public' | 'user' | 'self' | 'admin';

export interface Endpoint {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Relative to /rest, with `{param}` placeholders. */
  path: string;
  summary: string;
  access: Access;
  /** True for paths of the real STARFACE REST API. */
  real: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, z.ZodType | null>;
}

const Nothing = null;

export const ENDPOINTS: Endpoint[] = [
  { method: 'get', path: '/login', summary: 'Start a login: a fresh nonce (single use, 60 s)', access: 'public', real: true, responses: { 200: LoginChallengeSchema } },
  { method: 'post', path: '/login', summary: 'Log in with login:sha512hex(login + nonce + sha512hex(password))', access: 'public', real: true, body: LoginRequestSchema, responses: { 200: AuthTokenSchema, 400: ApiErrorSchema, 429: ApiErrorSchema } },
  { method: 'delete', path: '/login', summary: 'Log out (revoke the authToken)', access: 'user', real: true, responses: { 204: Nothing } },
  { method: 'get', path: '/users', summary: 'List users, optionally filtered by searchTerm', access: 'admin', real: true, query: z.object({ searchTerm: z.string().optional() }), responses: { 200: z.array(UserSchema) } },
  { method: 'post', path: '/users', summary: 'Create a user', access: 'admin', real: true, body: UserCreateSchema, responses: { 201: UserSchema, 409: ApiErrorSchema } },
  { method: 'get', path: '/users/me', summary: 'The signed-in user', access: 'user', real: true, responses: { 200: UserSchema } },
  { method: 'get', path: '/users/{userId}', summary: 'One user', access: 'self', real: true, responses: { 200: UserSchema, 404: ApiErrorSchema } },
  { method: 'put', path: '/users/{userId}', summary: 'Update a user (password optional, write-only)', access: 'admin', real: true, body: UserUpdateSchema, responses: { 200: UserSchema, 404: ApiErrorSchema, 409: ApiErrorSchema } },
  { method: 'delete', path: '/users/{userId}', summary: 'Delete a user and release their licences', access: 'admin', real: true, responses: { 204: Nothing, 404: ApiErrorSchema, 409: ApiErrorSchema } },
  { method: 'get', path: '/permissions', summary: 'All permissions (rights)', access: 'admin', real: true, responses: { 200: z.array(PermissionInfoSchema) } },
  { method: 'get', path: '/permissions/users/{userId}', summary: "A user's permissions", access: 'self', real: true, responses: { 200: z.array(PermissionInfoSchema), 404: ApiErrorSchema } },
  { method: 'put', path: '/permissions/users/{userId}', summary: "Set a user's permissions (ids); those not listed are removed", access: 'admin', real: true, body: PermissionIdListSchema, responses: { 204: Nothing, 404: ApiErrorSchema } },
  { method: 'get', path: '/permissions/{permissionId}/users', summary: 'Users who hold a permission', access: 'admin', real: true, responses: { 200: z.array(UserSchema), 404: ApiErrorSchema } },
  { method: 'put', path: '/permissions/{permissionId}/users', summary: 'Grant (granted=true) or revoke (granted=false) a permission for users', access: 'admin', real: true, query: z.object({ granted: z.enum(['true', 'false']) }), body: UserIdListSchema, responses: { 204: Nothing, 404: ApiErrorSchema } },
  { method: 'get', path: '/server/version', summary: 'The PBX version', access: 'user', real: true, responses: { 200: ServerVersionSchema } },
  { method: 'get', path: '/licenses', summary: 'Installed licences with used counts', access: 'admin', real: false, responses: { 200: z.array(LicenceSchema) } },
  { method: 'post', path: '/licenses', summary: 'Install licences of a type', access: 'admin', real: false, body: LicenceInstallSchema, responses: { 201: LicenceSchema } },
  { method: 'get', path: '/licenses/users/{userId}', summary: 'Licence types a user holds', access: 'self', real: false, responses: { 200: UserLicencesSchema } },
  { method: 'put', path: '/licenses/users/{userId}', summary: 'Set the licence types a user holds (409 beyond the installed count)', access: 'admin', real: false, body: UserLicencesSchema, responses: { 200: UserLicencesSchema, 409: ApiErrorSchema } },
  { method: 'get', path: '/modules', summary: 'The module library', access: 'admin', real: false, responses: { 200: z.array(ModuleSchema) } },
  { method: 'post', path: '/modules', summary: 'Import (or re-import) a module; configurations are kept', access: 'admin', real: false, body: ModuleImportSchema, responses: { 201: ModuleSchema } },
  { method: 'delete', path: '/modules/{id}', summary: 'Remove a module from the library; its configurations stay dormant', access: 'admin', real: false, responses: { 204: Nothing, 404: ApiErrorSchema } },
  { method: 'get', path: '/modules/configurations', summary: 'Module configurations', access: 'admin', real: false, responses: { 200: z.array(ConfigurationSchema) } },
  { method: 'post', path: '/modules/configurations', summary: 'Create a "Teams Integration" configuration', access: 'admin', real: false, body: ConfigurationCreateSchema, responses: { 201: ConfigurationSchema, 400: ApiErrorSchema, 409: ApiErrorSchema } },
  { method: 'get', path: '/modules/configurations/{id}', summary: 'One configuration', access: 'admin', real: false, responses: { 200: ConfigurationSchema, 404: ApiErrorSchema } },
  { method: 'put', path: '/modules/configurations/{id}', summary: 'Change settings; a running connector keeps the old revision until restarted (R17)', access: 'admin', real: false, body: ConfigurationUpdateSchema, responses: { 200: ConfigurationSchema, 400: ApiErrorSchema } },
  { method: 'delete', path: '/modules/configurations/{id}', summary: 'Delete a configuration', access: 'admin', real: false, responses: { 204: Nothing, 404: ApiErrorSchema } },
  { method: 'post', path: '/modules/configurations/{id}/key', summary: '"Neuen Schlüssel eintragen": generate a key; answers its fingerprint only', access: 'admin', real: false, responses: { 201: KeyGeneratedSchema } },
  { method: 'get', path: '/modules/configurations/{id}/keyfile', summary: 'Download the key file (409 without a key)', access: 'admin', real: false, responses: { 200: KeyFileSchema, 409: ApiErrorSchema } },
  { method: 'put', path: '/modules/configurations/{id}/connector', summary: 'Activate or deactivate the UCI connector', access: 'admin', real: false, body: ConnectorUpdateSchema, responses: { 200: ConfigurationSchema, 409: ApiErrorSchema } },
  { method: 'get', path: '/modules/configurations/{id}/log', summary: 'The module log (newest 500 entries)', access: 'admin', real: false, responses: { 200: ModuleLogSchema } },
  { method: 'get', path: '/sim/users/{userId}/app', summary: "A user's STARFACE desktop app session (R4)", access: 'admin', real: false, responses: { 200: AppSessionSchema } },
  { method: 'put', path: '/sim/users/{userId}/app', summary: "Set a user's desktop app session", access: 'admin', real: false, body: AppSessionUpdateSchema, responses: { 200: AppSessionSchema } },
  { method: 'post', path: '/sim/teams/login', summary: 'Sign in as the STARFACE App for Teams does; 403 lists every unmet requirement', access: 'public', real: false, body: TeamsLoginRequestSchema, responses: { 200: TeamsLoginSuccessSchema, 403: TeamsLoginFailureSchema, 429: ApiErrorSchema } },
  { method: 'get', path: '/sim/registrations', summary: 'Current SIP bindings (registrar)', access: 'admin', real: false, responses: { 200: RegistrationListSchema } },
  { method: 'get', path: '/sim/credentials', summary: "Every user's login and SIP password as far as the simulator knows them (the admin's is a hash only): a trainer's cheat sheet", access: 'admin', real: false, responses: { 200: SimCredentialsSchema } },
  { method: 'get', path: '/sim/calls', summary: 'Live calls through the SIP proxy, both parties with their UCI call states', access: 'admin', real: false, responses: { 200: CallListSchema } },
  { method: 'get', path: '/sim/events', summary: 'Events after sinceSeq (410 when they left the buffer)', access: 'admin', real: false, query: EventQuerySchema, responses: { 200: EventListSchema, 410: ApiErrorSchema } },
  { method: 'post', path: '/sim/scenario', summary: 'Replace the state with a scenario (built-in name or inline)', access: 'admin', real: false, body: ScenarioApplySchema, responses: { 200: z.object({ scenario: z.string(), lastSeq: z.number().int() }), 400: ApiErrorSchema } },
  { method: 'post', path: '/sim/replay', summary: 'Play recorded events (starface-sim record) back to UCI subscribers as new events marked data.replayed, spacing scaled by speed', access: 'admin', real: false, body: ReplayRequestSchema, responses: { 202: ReplayAcceptedSchema, 400: ApiErrorSchema } },
  { method: 'get', path: '/openapi.json', summary: 'This document', access: 'user', real: false, responses: { 200: z.object({ openapi: z.string() }).loose() } },
];
