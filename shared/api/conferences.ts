import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import {
  ConferenceConfigurationBodySchema,
  ConferenceConfigurationQuerySchema,
  ConferenceConfigurationSchema,
  ConferenceConfigurationTextsSchema,
  DefaultTextsQuerySchema,
  ManagedConferenceBodySchema,
  ManagedConferenceListQuerySchema,
  ManagedConferenceSchema,
  ManagedConferenceSummarySchema,
  StartConferenceQuerySchema,
} from '../schemas/conferences.js';
import { endpoints } from './endpoint.js';

/*
 * Conferences of the REST API 6.7: the PBX-wide invitation settings and each user's managed conferences. A
 * user's list holds the conferences they own and, read-only, those they take part in; changing one needs its
 * owner or an administrator (403 otherwise). Unknown ids are 404 also where the fact sheet documents only 500.
 */

const E = ApiErrorSchema;

export const CONFERENCES_API = endpoints({
  getConferenceConfiguration: {
    method: 'get',
    path: '/conferenceConfiguration',
    summary: 'The invitation mail, language, server address and dial-in numbers of conferences',
    access: 'user',
    real: true,
    responses: { 200: ConferenceConfigurationSchema },
  },
  putConferenceConfiguration: {
    method: 'put',
    path: '/conferenceConfiguration',
    summary: 'Change the conference settings (variables are fixed and ignored); 200 without a body',
    access: 'admin',
    real: true,
    query: ConferenceConfigurationQuerySchema,
    body: ConferenceConfigurationBodySchema,
    responses: { 200: null, 400: E, 401: E, 404: E },
  },
  getDefaultTexts: {
    method: 'get',
    path: '/conferenceConfiguration/defaults',
    summary: 'The default invitation subject and body for a locale (German and English; others get English)',
    access: 'user',
    real: true,
    query: DefaultTextsQuerySchema,
    responses: { 200: ConferenceConfigurationTextsSchema },
  },
  getManagedConferenceList: {
    method: 'get',
    path: '/users/{userId}/managedConferences',
    summary: "A user's conferences (owned, and read-only those they take part in); paging from page 0",
    access: 'self',
    real: true,
    query: ManagedConferenceListQuerySchema,
    responses: { 200: z.array(ManagedConferenceSummarySchema), 400: E, 404: E },
  },
  postManagedConference: {
    method: 'post',
    path: '/users/{userId}/managedConferences',
    summary: 'Plan a conference; 201 without a body (as documented), the new conference in the Location header',
    access: 'user',
    real: true,
    body: ManagedConferenceBodySchema,
    responses: { 201: null, 400: E, 403: E, 404: E, 409: E },
  },
  getManagedConference: {
    method: 'get',
    path: '/users/{userId}/managedConferences/{conferenceId}',
    summary: 'One conference with its participants',
    access: 'user',
    real: true,
    responses: { 200: ManagedConferenceSchema, 401: E, 403: E, 404: E },
  },
  putManagedConference: {
    method: 'put',
    path: '/users/{userId}/managedConferences/{conferenceId}',
    summary: 'Replace a conference (participants without a participantId are added, missing ones removed)',
    access: 'user',
    real: true,
    body: ManagedConferenceBodySchema,
    responses: { 204: null, 400: E, 401: E, 403: E, 404: E, 409: E },
  },
  deleteManagedConference: {
    method: 'delete',
    path: '/users/{userId}/managedConferences/{conferenceId}',
    summary: 'Delete a conference (ends it if it runs)',
    access: 'user',
    real: true,
    responses: { 204: null, 403: E, 404: E },
  },
  startManagedConference: {
    method: 'put',
    path: '/users/{userId}/managedConferences/{conferenceId}/start',
    summary: 'Start a conference now: it becomes active; phoneName picks the owner phone it is started from',
    access: 'user',
    real: true,
    query: StartConferenceQuerySchema,
    responses: { 204: null, 400: E, 403: E, 404: E },
  },
});
