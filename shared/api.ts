/**
 * The REST table: every endpoint by id, grouped per resource in `shared/api/`. One entry drives the simulator's
 * route with its access check and input parsing (`simulator/src/rest/endpoints.ts`), the OpenAPI document
 * (`GET /rest/openapi.json`) and the extension's typed client call (`PbxRestClient.call(id, …)`).
 */
import { CALL_SERVICES_API } from './api/callServices.js';
import { CONFERENCES_API } from './api/conferences.js';
import { CONTACTS_API } from './api/contacts.js';
import type { Endpoint } from './api/endpoint.js';
import { FMC_API } from './api/fmc.js';
import { FUNCTION_KEYS_API } from './api/functionKeys.js';
import { GROUPS_API } from './api/groups.js';
import { LICENCES_API } from './api/licences.js';
import { LOGIN_API } from './api/login.js';
import { MODULES_API } from './api/modules.js';
import { PERMISSIONS_API } from './api/permissions.js';
import { PHONE_NUMBERS_API } from './api/phoneNumbers.js';
import { PHONES_API } from './api/phones.js';
import { REDIRECTS_API } from './api/redirects.js';
import { SIM_API } from './api/sim.js';
import { USERS_API } from './api/users.js';
import { VOICEMAIL_API } from './api/voicemail.js';

export type { Access, Endpoint } from './api/endpoint.js';

const GROUPS = [
  LOGIN_API,
  USERS_API,
  PERMISSIONS_API,
  LICENCES_API,
  MODULES_API,
  SIM_API,
  PHONES_API,
  PHONE_NUMBERS_API,
  GROUPS_API,
  REDIRECTS_API,
  CALL_SERVICES_API,
  CONTACTS_API,
  CONFERENCES_API,
  FUNCTION_KEYS_API,
  VOICEMAIL_API,
  FMC_API,
] as const;
export const API = {
  ...LOGIN_API,
  ...USERS_API,
  ...PERMISSIONS_API,
  ...LICENCES_API,
  ...MODULES_API,
  ...SIM_API,
  ...PHONES_API,
  ...PHONE_NUMBERS_API,
  ...GROUPS_API,
  ...REDIRECTS_API,
  ...CALL_SERVICES_API,
  ...CONTACTS_API,
  ...CONFERENCES_API,
  ...FUNCTION_KEYS_API,
  ...VOICEMAIL_API,
  ...FMC_API,
};
export type Api = typeof API;
export type EndpointId = keyof Api;

/** The table as a list, each entry with its id (the OpenAPI operationId). */
export const ENDPOINTS: readonly (Endpoint & { id: EndpointId })[] = Object.entries(API).map(([id, e]) => ({
  id: id as EndpointId,
  ...e,
}));

// A spread drops a repeated id silently, and express would route only the first of two equal method+paths.
if (ENDPOINTS.length !== GROUPS.reduce((n, g) => n + Object.keys(g).length, 0))
  throw new Error('shared/api: an endpoint id is used twice');
if (new Set(ENDPOINTS.map((e) => `${e.method} ${e.path}`)).size !== ENDPOINTS.length)
  throw new Error('shared/api: a method and path are listed twice');
