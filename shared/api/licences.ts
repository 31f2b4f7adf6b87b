import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import { LicenceInstallSchema, LicenceSchema, UserLicencesSchema } from '../schemas/licences.js';
import { endpoints } from './endpoint.js';

/** Licences: the real PBX shows them in its admin UI only; the simulator offers them over REST. */
export const LICENCES_API = endpoints({
  getLicences: {
    method: 'get',
    path: '/licenses',
    summary: 'Installed licences with used counts',
    access: 'admin',
    real: false,
    responses: { 200: z.array(LicenceSchema) },
  },
  postLicence: {
    method: 'post',
    path: '/licenses',
    summary: 'Install licences of a type',
    access: 'admin',
    real: false,
    body: LicenceInstallSchema,
    responses: { 201: LicenceSchema },
  },
  getUserLicences: {
    method: 'get',
    path: '/licenses/users/{userId}',
    summary: 'Licence types a user holds',
    access: 'self',
    real: false,
    responses: { 200: UserLicencesSchema },
  },
  putUserLicences: {
    method: 'put',
    path: '/licenses/users/{userId}',
    summary: 'Set the licence types a user holds (409 beyond the installed count)',
    access: 'admin',
    real: false,
    body: UserLicencesSchema,
    responses: { 200: UserLicencesSchema, 409: ApiErrorSchema },
  },
});
