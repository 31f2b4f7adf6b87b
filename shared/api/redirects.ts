import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import { RedirectionBodySchema, RedirectionSchema, RedirectQuerySchema } from '../schemas/redirects.js';
import { endpoints } from './endpoint.js';

/**
 * Redirections (REST 6.7, tag "Redirects"): one per number of a user or group and trigger; no POST or DELETE.
 * Who may: a user reads their own and those of the groups they belong to, and changes their own with the right
 * "Umleitung" (redirect_perm) and their groups' with "Gruppe umleiten" (group_redirect_perm), as in the
 * STARFACE user UI; "Administration" reads and changes all. Anything else is 403.
 */
const RedirectIdParam = z.string().min(1).max(100);

export const REDIRECTS_API = endpoints({
  getRedirects: {
    method: 'get',
    path: '/redirects',
    summary: "The redirections of the caller's (or actOnBehalfOf's) numbers and of their groups' numbers",
    access: 'user',
    real: true,
    query: RedirectQuerySchema,
    responses: { 200: z.array(RedirectionSchema), 403: ApiErrorSchema, 404: ApiErrorSchema },
  },
  redirectsRedirectIdGet: {
    method: 'get',
    path: '/redirects/{redirectId}',
    summary: 'One redirection',
    access: 'user',
    real: true,
    params: { redirectId: RedirectIdParam },
    query: RedirectQuerySchema,
    responses: { 200: RedirectionSchema, 403: ApiErrorSchema, 404: ApiErrorSchema },
  },
  redirectsRedirectIdPut: {
    method: 'put',
    path: '/redirects/{redirectId}',
    // The fact sheet documents 204 and 200 (with the Redirection): the simulator answers 204, listed first.
    summary: 'Enable, disable or retarget a redirection (204; the API also documents 200)',
    access: 'user',
    real: true,
    params: { redirectId: RedirectIdParam },
    query: RedirectQuerySchema,
    body: RedirectionBodySchema,
    responses: { 204: null, 403: ApiErrorSchema, 404: ApiErrorSchema },
  },
});
