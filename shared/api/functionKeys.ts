import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import {
  EditFunctionKeySchema,
  FunctionKeyBodySchema,
  FunctionKeyListBodySchema,
  FunctionKeyQuerySchema,
  FunctionKeySchema,
  FunctionKeySetErrorSchema,
  FunctionKeySetOnPhoneQuerySchema,
  FunctionKeySetSchema,
} from '../schemas/functionKeys.js';
import { endpoints } from './endpoint.js';

/*
 * REST 6.7 "Function keys". Set and key ids are strings (the fact sheet types them so). A set belongs to one
 * user: access is "user" in the table and the handler lets the owner and administrators through (403 for
 * anyone else); `actOnBehalfOf` names the user an administrator acts for. Unknown set or key ids are 404
 * although the fact sheet documents only 500: a real client cannot tell them apart from a failure otherwise.
 */

const fkSetId = z.string().min(1);
const keyId = z.string().min(1);
const errors = { 403: ApiErrorSchema, 404: ApiErrorSchema };

export const FUNCTION_KEYS_API = endpoints({
  getFunctionKeySets: {
    method: 'get',
    path: '/functionkeysets',
    summary: 'The function key sets of the caller (or of the user named by actOnBehalfOf)',
    access: 'user',
    real: true,
    query: FunctionKeyQuerySchema,
    responses: { 200: z.array(FunctionKeySetSchema), ...errors },
  },
  getEditFunctionKeyDefaults: {
    method: 'get',
    path: '/functionkeysets/edit/defaults',
    summary: "The edit form of every key type with its defaults and the caller's choices",
    access: 'user',
    real: true,
    responses: { 200: EditFunctionKeySchema },
  },
  getFunctionKeys: {
    method: 'get',
    path: '/functionkeysets/{fkSetId}/',
    summary: 'The keys of a set, by position',
    access: 'user',
    real: true,
    params: { fkSetId },
    query: FunctionKeyQuerySchema,
    responses: { 200: z.array(FunctionKeySchema), ...errors },
  },
  createFunctionKey: {
    method: 'post',
    path: '/functionkeysets/{fkSetId}/',
    summary: 'Add a key to a set (409 when its position holds a key already)',
    access: 'user',
    real: true,
    params: { fkSetId },
    query: FunctionKeyQuerySchema,
    body: FunctionKeyBodySchema,
    responses: { 201: FunctionKeySchema, 400: ApiErrorSchema, ...errors, 409: ApiErrorSchema },
  },
  updateFunctionKeySet: {
    method: 'put',
    path: '/functionkeysets/{fkSetId}/',
    summary:
      "Replace a set's keys; a key that is DUPLICATE or CORRUPT is 400 with the FunctionKeySetError list (a malformed body: the usual error)",
    access: 'user',
    real: true,
    params: { fkSetId },
    query: FunctionKeyQuerySchema,
    body: FunctionKeyListBodySchema,
    responses: { 204: null, 400: z.union([z.array(FunctionKeySetErrorSchema), ApiErrorSchema]), ...errors },
  },
  getEditFunctionKey: {
    method: 'get',
    path: '/functionkeysets/{fkSetId}/edit/{keyId}',
    summary: "The edit form of one key (the member of its type) with the owner's choices",
    access: 'user',
    real: true,
    params: { fkSetId, keyId },
    query: FunctionKeyQuerySchema,
    responses: { 200: EditFunctionKeySchema, ...errors },
  },
  getPhonesForFunctionKeySet: {
    method: 'get',
    path: '/functionkeysets/{fkSetId}/phones',
    summary: 'The names of the phones that show the set',
    access: 'user',
    real: true,
    params: { fkSetId },
    query: FunctionKeyQuerySchema,
    responses: { 200: z.array(z.string()), ...errors },
  },
  putFunctionKeySetOnPhone: {
    method: 'put',
    path: '/functionkeysets/{fkSetId}/phone',
    summary: "Show the set on one of its owner's phones (phone: its name or id); the phone leaves any other set",
    access: 'user',
    real: true,
    params: { fkSetId },
    query: FunctionKeySetOnPhoneQuerySchema,
    responses: { 200: null, 400: ApiErrorSchema, ...errors },
  },
  getFunctionKey: {
    method: 'get',
    path: '/functionkeysets/{fkSetId}/{keyId}',
    summary: 'One key of a set',
    access: 'user',
    real: true,
    params: { fkSetId, keyId },
    query: FunctionKeyQuerySchema,
    responses: { 200: FunctionKeySchema, ...errors },
  },
  updateFunctionKey: {
    method: 'put',
    path: '/functionkeysets/{fkSetId}/{keyId}',
    summary: 'Replace one key (its type and fields); the path names it, id and accountId of the body are ignored',
    access: 'user',
    real: true,
    params: { fkSetId, keyId },
    query: FunctionKeyQuerySchema,
    body: FunctionKeyBodySchema,
    responses: { 200: null, 400: ApiErrorSchema, ...errors, 409: ApiErrorSchema },
  },
  deleteFunctionKey: {
    method: 'delete',
    path: '/functionkeysets/{fkSetId}/{keyId}',
    summary: 'Remove a key from a set',
    access: 'user',
    real: true,
    params: { fkSetId, keyId },
    query: FunctionKeyQuerySchema,
    responses: { 204: null, ...errors },
  },
});
