import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import { GroupBodySchema, GroupListItemSchema, GroupSchema, GroupSearchQuerySchema } from '../schemas/groups.js';
import { endpoints } from './endpoint.js';

/*
 * Groups (REST 6.7, tag "Groups"). The fact sheet documents only 2xx and 500; the simulator adds what a model
 * needs, as {code, message, details}: 404 for an unknown group (even where only 500 is documented), 409 for a
 * name or a number that is taken, 400 naming the field. Reading is for every signed-in user (the list is what
 * the phone book and the group login keys show; one group's edit form for its members and administrators),
 * writing for "Administration".
 */
export const GROUPS_API = endpoints({
  getGroups: {
    method: 'get',
    path: '/groups',
    summary: 'List groups (name, internal and external number), optionally filtered by searchTerm',
    access: 'user',
    real: true,
    query: GroupSearchQuerySchema,
    responses: { 200: z.array(GroupListItemSchema) },
  },
  getGroup: {
    method: 'get',
    path: '/groups/{groupid}',
    summary: "One group with its assignable users and numbers (administrators and the group's members)",
    access: 'user',
    real: true,
    responses: { 200: GroupSchema, 403: ApiErrorSchema, 404: ApiErrorSchema },
  },
  createGroup: {
    method: 'post',
    path: '/groups',
    summary: 'Create a group (204 as documented; the Location header names the new group)',
    access: 'admin',
    real: true,
    body: GroupBodySchema,
    responses: { 204: null, 409: ApiErrorSchema },
  },
  saveGroup: {
    method: 'put',
    path: '/groups',
    summary: 'Save a group named by the id in the body',
    access: 'admin',
    real: true,
    body: GroupBodySchema,
    responses: { 204: null, 404: ApiErrorSchema, 409: ApiErrorSchema },
  },
  deleteGroup: {
    method: 'delete',
    path: '/groups/{groupid}',
    summary: 'Delete a group; its numbers become spare',
    access: 'admin',
    real: true,
    responses: { 204: null, 404: ApiErrorSchema },
  },
});
