import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import {
  ContactBodySchema,
  ContactListQuerySchema,
  ContactListSchema,
  ContactSchema,
  ContactsSchemeSchema,
  SchemeQuerySchema,
  TagBodySchema,
  TagListQuerySchema,
  TagSchema,
  UserIdQuerySchema,
} from '../schemas/contacts.js';
import { endpoints } from './endpoint.js';

/*
 * The address book of the REST API 6.7 (contacts, tags, the scheme). Every signed-in user reads the central
 * address book and their own private one; `userId` names whose private book an operation covers (the caller's
 * own, or anyone's for an administrator). Who writes what is decided per contact in the handler
 * (simulator/src/state/contacts.ts). The fact sheet documents only 2xx and 500 here; the simulator also answers
 * 400 (bad input, naming the field), 403 (another user's book, or the central one without the right),
 * 404 (an unknown or invisible id — a real client gets a 500 there) and 409 (a tag name taken).
 */

const ContactId = { contactId: z.string().min(1).max(100) };
const TagId = { tagId: z.string().min(1).max(100) };
const E = ApiErrorSchema;

export const CONTACTS_API = endpoints({
  getContactList: {
    method: 'get',
    path: '/contacts',
    summary: 'A page of contact summaries: search terms (all must match), tags (any), paging from page 0, sorting',
    access: 'user',
    real: true,
    query: ContactListQuerySchema,
    responses: { 200: ContactListSchema, 400: E, 403: E, 404: E },
  },
  getScheme: {
    method: 'get',
    path: '/contacts/scheme',
    summary: 'The layout of a contact: blocks of attributes, the summary and the phone numbers',
    access: 'user',
    real: true,
    query: SchemeQuerySchema,
    responses: { 200: ContactsSchemeSchema },
  },
  getTagList: {
    method: 'get',
    path: '/contacts/tags',
    summary: 'The tags of the central address book and of the private one',
    access: 'user',
    real: true,
    query: TagListQuerySchema,
    responses: { 200: z.array(TagSchema), 400: E, 403: E, 404: E },
  },
  postTag: {
    method: 'post',
    path: '/contacts/tags',
    summary: 'Create a tag (private with userId or owner, else central)',
    access: 'user',
    real: true,
    query: UserIdQuerySchema,
    body: TagBodySchema,
    responses: { 201: TagSchema, 400: E, 403: E, 404: E, 409: E },
  },
  getTag: {
    method: 'get',
    path: '/contacts/tags/{tagId}',
    summary: 'One tag',
    access: 'user',
    real: true,
    params: TagId,
    query: UserIdQuerySchema,
    responses: { 200: TagSchema, 403: E, 404: E },
  },
  putTag: {
    method: 'put',
    path: '/contacts/tags/{tagId}',
    summary: 'Rename a tag or change its alias (its address book stays)',
    access: 'user',
    real: true,
    params: TagId,
    query: UserIdQuerySchema,
    body: TagBodySchema,
    responses: { 204: null, 400: E, 403: E, 404: E, 409: E },
  },
  deleteTag: {
    method: 'delete',
    path: '/contacts/tags/{tagId}',
    summary: 'Delete a tag; its contacts lose it',
    access: 'user',
    real: true,
    params: TagId,
    responses: { 204: null, 403: E, 404: E },
  },
  postContact: {
    method: 'post',
    path: '/contacts',
    summary: 'Create a contact (in the private book of userId, else in the central one)',
    access: 'user',
    real: true,
    query: UserIdQuerySchema,
    body: ContactBodySchema,
    responses: { 201: ContactSchema, 400: E, 403: E, 404: E },
  },
  getContact: {
    method: 'get',
    path: '/contacts/{contactId}',
    summary: 'One contact, laid out in the blocks of the scheme',
    access: 'user',
    real: true,
    params: ContactId,
    query: UserIdQuerySchema,
    responses: { 200: ContactSchema, 403: E, 404: E },
  },
  putContact: {
    method: 'put',
    path: '/contacts/{contactId}',
    summary: "Replace a contact's values and tags",
    access: 'user',
    real: true,
    params: ContactId,
    query: UserIdQuerySchema,
    body: ContactBodySchema,
    responses: { 204: null, 400: E, 403: E, 404: E },
  },
  deleteContact: {
    method: 'delete',
    path: '/contacts/{contactId}',
    summary: "Delete a contact (not a user's own contact: 409)",
    access: 'user',
    real: true,
    params: ContactId,
    responses: { 204: null, 403: E, 404: E, 409: E },
  },
});
