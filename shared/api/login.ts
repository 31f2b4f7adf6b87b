import { ApiErrorSchema } from '../schemas/common.js';
import { AuthTokenSchema, LoginChallengeSchema, LoginRequestSchema, ServerVersionSchema } from '../schemas/login.js';
import { endpoints } from './endpoint.js';

/** Sign-in (the real handshake) and the server facts. Ids are the real API's operationIds where it has one. */
export const LOGIN_API = endpoints({
  getLogin: {
    method: 'get',
    path: '/login',
    summary: 'Start a login: a fresh nonce (single use, 60 s)',
    access: 'public',
    real: true,
    responses: { 200: LoginChallengeSchema },
  },
  login: {
    method: 'post',
    path: '/login',
    summary: 'Log in with login:sha512hex(login + nonce + sha512hex(password))',
    access: 'public',
    real: true,
    body: LoginRequestSchema,
    responses: { 200: AuthTokenSchema, 400: ApiErrorSchema, 429: ApiErrorSchema },
  },
  logout: {
    method: 'delete',
    path: '/login',
    summary: 'Log out (revoke the authToken)',
    access: 'user',
    real: true,
    responses: { 204: null },
  },
  getServerVersion: {
    method: 'get',
    path: '/server/version',
    summary: 'The PBX version',
    access: 'user',
    real: true,
    responses: { 200: ServerVersionSchema },
  },
});
