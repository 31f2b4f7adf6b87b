import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import {
  VoicemailboxBodySchema,
  VoicemailboxListItemSchema,
  VoicemailboxSchema,
  VoicemailboxSearchQuerySchema,
} from '../schemas/voicemail.js';
import { endpoints } from './endpoint.js';

/*
 * REST 6.7 "Voicemail Boxes". Administrators create, change and delete boxes; any user reads the boxes they
 * belong to (as a user of the box or a member of one of its groups), an administrator every box. The PIN
 * (`password`) is write-only: answered empty. Unknown ids are 404 although the fact sheet documents only 500;
 * a box number taken is 409.
 */

export const VOICEMAIL_API = endpoints({
  getVoicemailboxes: {
    method: 'get',
    path: '/voicemailboxes',
    summary: 'The voicemail boxes the caller may see (administrators: all), optionally filtered by searchTerm',
    access: 'user',
    real: true,
    query: VoicemailboxSearchQuerySchema,
    responses: { 200: z.array(VoicemailboxListItemSchema) },
  },
  createVoicemailbox: {
    method: 'post',
    path: '/voicemailboxes',
    summary: 'Create a voicemail box (number required); 204 as documented, the new box is in the Location header',
    access: 'admin',
    real: true,
    body: VoicemailboxBodySchema,
    responses: { 204: null, 400: ApiErrorSchema, 403: ApiErrorSchema, 409: ApiErrorSchema },
  },
  saveVoicemailbox: {
    method: 'put',
    path: '/voicemailboxes',
    summary: 'Change the voicemail box the body names by id; absent fields stay as they are',
    access: 'admin',
    real: true,
    body: VoicemailboxBodySchema,
    responses: {
      204: null,
      400: ApiErrorSchema,
      403: ApiErrorSchema,
      404: ApiErrorSchema,
      409: ApiErrorSchema,
    },
  },
  getVoicemailbox: {
    method: 'get',
    path: '/voicemailboxes/{voicemailboxid}',
    summary: 'One voicemail box (its PIN answered empty)',
    access: 'user',
    real: true,
    responses: {
      200: VoicemailboxSchema,
      400: ApiErrorSchema,
      403: ApiErrorSchema,
      404: ApiErrorSchema,
    },
  },
  deleteVoicemailbox: {
    method: 'delete',
    path: '/voicemailboxes/{voicemailboxid}',
    summary: 'Delete a voicemail box (409 while a redirect leads to it)',
    access: 'admin',
    real: true,
    responses: {
      204: null,
      400: ApiErrorSchema,
      403: ApiErrorSchema,
      404: ApiErrorSchema,
      409: ApiErrorSchema,
    },
  },
});
