import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import { FmcPhoneBodySchema, FmcPhoneQuerySchema, FmcPhoneSchema } from '../schemas/fmc.js';
import { endpoints } from './endpoint.js';

/*
 * REST 6.7 "iFMC". An iFMC phone belongs to a user: `userId` (a string, as the fact sheet types it) names whose,
 * default the caller; a user reaches only their own, an administrator anyone's (403 otherwise). Each iFMC phone
 * is also one of the user's phones (kind "ifmc", named "iFMC <number>"). The fact sheet documents a 404 whose
 * body is an FmcPhone; the simulator answers 404 with the usual error body, and 404 on DELETE and GET too.
 */

const fmcId = z.string().min(1);
const errors = { 403: ApiErrorSchema, 404: ApiErrorSchema };

export const FMC_API = endpoints({
  getFmcPhones: {
    method: 'get',
    path: '/fmcPhones',
    summary: "A user's iFMC phones (default: the caller's)",
    access: 'user',
    real: true,
    query: FmcPhoneQuerySchema,
    responses: { 200: z.array(FmcPhoneSchema), ...errors },
  },
  postFmcPhone: {
    method: 'post',
    path: '/fmcPhones',
    summary: 'Add an iFMC phone (and its phone) to a user; 201 without a body as documented, the Location names it',
    access: 'user',
    real: true,
    query: FmcPhoneQuerySchema,
    body: FmcPhoneBodySchema,
    responses: { 201: null, 400: ApiErrorSchema, ...errors, 409: ApiErrorSchema },
  },
  getFmcPhone: {
    method: 'get',
    path: '/fmcPhones/{fmcId}',
    summary: 'One iFMC phone',
    access: 'user',
    real: true,
    params: { fmcId },
    query: FmcPhoneQuerySchema,
    responses: { 200: FmcPhoneSchema, ...errors },
  },
  putFmcPhone: {
    method: 'put',
    path: '/fmcPhones/{fmcId}',
    summary: 'Change an iFMC phone (the path names it; id and telephoneId of the body are ignored)',
    access: 'user',
    real: true,
    params: { fmcId },
    query: FmcPhoneQuerySchema,
    body: FmcPhoneBodySchema,
    responses: { 204: null, 400: ApiErrorSchema, ...errors, 409: ApiErrorSchema },
  },
  deleteFmcPhone: {
    method: 'delete',
    path: '/fmcPhones/{fmcId}',
    summary: 'Remove an iFMC phone and its phone',
    access: 'user',
    real: true,
    params: { fmcId },
    query: FmcPhoneQuerySchema,
    responses: { 204: null, ...errors },
  },
});
