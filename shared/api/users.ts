import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import { UserCreateSchema, UserSchema, UserSearchQuerySchema, UserUpdateSchema } from '../schemas/users.js';
import { endpoints } from './endpoint.js';

export const USERS_API = endpoints({
  getUsers: {
    method: 'get',
    path: '/users',
    summary: 'List users, optionally filtered by searchTerm',
    access: 'admin',
    real: true,
    query: UserSearchQuerySchema,
    responses: { 200: z.array(UserSchema) },
  },
  postUser: {
    method: 'post',
    path: '/users',
    summary: 'Create a user',
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
    summary: 'One user',
    access: 'self',
    real: true,
    responses: { 200: UserSchema, 404: ApiErrorSchema },
  },
  putUser: {
    method: 'put',
    path: '/users/{userId}',
    summary: 'Update a user (password optional, write-only)',
    access: 'admin',
    real: true,
    body: UserUpdateSchema,
    responses: { 200: UserSchema, 404: ApiErrorSchema, 409: ApiErrorSchema },
  },
  deleteUser: {
    method: 'delete',
    path: '/users/{userId}',
    summary: 'Delete a user and release their licences',
    access: 'admin',
    real: true,
    responses: { 204: null, 404: ApiErrorSchema, 409: ApiErrorSchema },
  },
});
