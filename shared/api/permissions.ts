import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import {
  PermissionGrantQuerySchema,
  PermissionIdListSchema,
  PermissionInfoSchema,
  UserIdListSchema,
  UserSchema,
} from '../schemas/users.js';
import { endpoints } from './endpoint.js';

export const PERMISSIONS_API = endpoints({
  getPermissions: {
    method: 'get',
    path: '/permissions',
    summary: 'All permissions (rights)',
    access: 'admin',
    real: true,
    responses: { 200: z.array(PermissionInfoSchema) },
  },
  getUserPermissions: {
    method: 'get',
    path: '/permissions/users/{userId}',
    summary: "A user's permissions",
    access: 'self',
    real: true,
    responses: { 200: z.array(PermissionInfoSchema), 404: ApiErrorSchema },
  },
  putUserPermissions: {
    method: 'put',
    path: '/permissions/users/{userId}',
    summary: "Set a user's permissions (ids); those not listed are removed (200, no body, as documented)",
    access: 'admin',
    real: true,
    body: PermissionIdListSchema,
    responses: { 200: null, 404: ApiErrorSchema },
  },
  getUsersWithPermission: {
    method: 'get',
    path: '/permissions/{permissionId}/users',
    summary: 'Users who hold a permission',
    access: 'admin',
    real: true,
    responses: { 200: z.array(UserSchema), 404: ApiErrorSchema },
  },
  updatePermissionForUsers: {
    method: 'put',
    path: '/permissions/{permissionId}/users',
    summary: 'Grant (granted=true) or revoke (granted=false, any case) a permission for users (200, no body)',
    access: 'admin',
    real: true,
    query: PermissionGrantQuerySchema,
    body: UserIdListSchema,
    responses: { 200: null, 404: ApiErrorSchema },
  },
});
