import { z } from 'zod';
import { AccountSchema } from '../schemas/accounts.js';
import { ApiErrorSchema } from '../schemas/common.js';
import { UserCreateSchema, UserSchema, UserSearchQuerySchema, UserUpdateSchema } from '../schemas/users.js';
import { BinaryBodySchema, endpoints } from './endpoint.js';

/** What an avatar may be: the media types the simulator recognises by their magic bytes. */
export const AVATAR_MEDIA_TYPES = ['image/png', 'image/jpeg'] as const;

export const USERS_API = endpoints({
  getUsers: {
    method: 'get',
    path: '/users',
    // The API documents a 200 with the users the caller can access, never a 403. A STARFACE user sees every
    // colleague in the client's phone book, so every signed-in user gets every user, in the same shape as an
    // admin does (the shape carries no secret: `password` is always empty).
    summary: 'List users, optionally filtered by searchTerm (every signed-in user sees all users)',
    access: 'user',
    real: true,
    query: UserSearchQuerySchema,
    responses: { 200: z.array(UserSchema) },
  },
  postUser: {
    method: 'post',
    path: '/users',
    // The fact sheet documents 201 and 200: 201 (Created, with Location) is answered.
    summary: 'Create a user (201; login may be a number, password optional: without one the user cannot sign in)',
    access: 'admin',
    real: true,
    body: UserCreateSchema,
    responses: { 201: UserSchema, 409: ApiErrorSchema },
  },
  usersMeGet: {
    method: 'get',
    path: '/users/me',
    summary: 'The signed-in user',
    access: 'user',
    real: true,
    responses: { 200: UserSchema },
  },
  getUser: {
    method: 'get',
    path: '/users/{userId}',
    // Consistent with GET /users: whoever may list a user may read that user.
    summary: 'One user (any signed-in user may read any user, as in the list)',
    access: 'user',
    real: true,
    responses: { 200: UserSchema, 404: ApiErrorSchema },
  },
  putUser: {
    method: 'put',
    path: '/users/{userId}',
    summary: 'Update a user with the whole object as GET returned it (password "", null or absent: unchanged)',
    access: 'admin',
    real: true,
    body: UserUpdateSchema,
    responses: { 204: null, 404: ApiErrorSchema, 409: ApiErrorSchema },
  },
  deleteUser: {
    method: 'delete',
    path: '/users/{userId}',
    summary: 'Delete a user and release their licences',
    access: 'admin',
    real: true,
    responses: { 204: null, 404: ApiErrorSchema, 409: ApiErrorSchema },
  },
  getAccountsList: {
    method: 'get',
    path: '/accounts',
    // Users and groups in their one account id space; what function keys and the phone book offer to everyone.
    summary: 'Users and groups as accounts (every signed-in user)',
    access: 'user',
    real: true,
    responses: { 200: z.array(AccountSchema) },
  },
  getAvatar: {
    method: 'get',
    path: '/users/{userId}/avatar',
    // Colleagues' pictures show in every client's phone book, so any signed-in user may read any avatar.
    summary: "A user's avatar image (PNG or JPEG bytes); 404 when the user has none",
    access: 'user',
    real: true,
    binary: { response: AVATAR_MEDIA_TYPES },
    responses: { 200: BinaryBodySchema, 404: ApiErrorSchema },
  },
  putAvatar: {
    method: 'put',
    path: '/users/{userId}/avatar',
    summary: 'Set the avatar: the raw PNG or JPEG bytes (at most 256 KiB, else 413); the user or an admin',
    access: 'self',
    real: true,
    binary: { request: AVATAR_MEDIA_TYPES },
    body: BinaryBodySchema,
    responses: { 204: null, 404: ApiErrorSchema, 413: ApiErrorSchema },
  },
  deleteAvatar: {
    method: 'delete',
    path: '/users/{userId}/avatar',
    summary: 'Remove the avatar (404 when there is none); the user or an admin',
    access: 'self',
    real: true,
    responses: { 204: null, 404: ApiErrorSchema },
  },
});
