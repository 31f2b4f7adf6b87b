import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import {
  PhoneNumberAssignmentBodySchema,
  PhoneNumberAssignmentSchema,
  PhoneNumberConfigBodySchema,
  PhoneNumberConfigSchema,
  PhoneNumberQuerySchema,
  PhoneNumberSchema,
} from '../schemas/phoneNumbers.js';
import { endpoints } from './endpoint.js';

/*
 * The PBX's numbers and their assignment to users (REST 6.7 "Phone Numbers"). `/phonenumbers` is the admin's;
 * a user reads their own number config and assignments, and the admin changes them (on STARFACE numbers are
 * assigned in the admin's user form). A number belongs to one user, group or service: assigning one that is
 * another's is 409. Unknown users and numbers are 404 although the fact sheet documents only 400/500 for some.
 */
export const PHONE_NUMBERS_API = endpoints({
  getPhoneNumbers: {
    method: 'get',
    path: '/phonenumbers',
    summary: 'The numbers of the PBX, optionally by type and by whether they are assigned',
    access: 'admin',
    real: true,
    query: PhoneNumberQuerySchema,
    responses: { 200: z.array(PhoneNumberSchema) },
  },
  getPhoneNumber: {
    method: 'get',
    path: '/phonenumbers/{phoneNumberId}',
    summary: 'One number of the PBX',
    access: 'admin',
    real: true,
    responses: { 200: PhoneNumberSchema, 404: ApiErrorSchema },
  },
  getPhoneNumberConfig: {
    method: 'get',
    path: '/users/{userId}/phonenumberconfig',
    summary: "A user's primary numbers and signalled number, with the numbers the user may signal",
    access: 'self',
    real: true,
    responses: { 200: PhoneNumberConfigSchema, 404: ApiErrorSchema },
  },
  putPhoneNumberConfig: {
    method: 'put',
    path: '/users/{userId}/phonenumberconfig',
    summary: "Set a user's primary and signalled numbers (possibleSignalnumbers is read-only)",
    access: 'admin',
    real: true,
    body: PhoneNumberConfigBodySchema,
    responses: { 200: PhoneNumberConfigSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
  },
  listPhoneNumberAssignment: {
    method: 'get',
    path: '/users/{userId}/phonenumberconfig/phonenumbers/',
    summary: "A user's numbers, each with the call service it is held for",
    access: 'self',
    real: true,
    responses: { 200: z.array(PhoneNumberAssignmentSchema), 400: ApiErrorSchema, 404: ApiErrorSchema },
  },
  assignPhoneNumber: {
    method: 'post',
    path: '/users/{userId}/phonenumberconfig/phonenumbers/',
    summary: 'Assign numbers to a user (all or none); answers the assignments made',
    access: 'admin',
    real: true,
    body: PhoneNumberAssignmentBodySchema,
    responses: {
      200: z.array(PhoneNumberAssignmentSchema),
      400: ApiErrorSchema,
      404: ApiErrorSchema,
      409: ApiErrorSchema,
    },
  },
  updatePhoneNumberAssignments: {
    method: 'put',
    path: '/users/{userId}/phonenumberconfig/phonenumbers',
    summary: "Set a user's numbers to exactly this list (others are released); answers the resulting list",
    access: 'admin',
    real: true,
    body: PhoneNumberAssignmentBodySchema,
    responses: {
      200: z.array(PhoneNumberAssignmentSchema),
      400: ApiErrorSchema,
      404: ApiErrorSchema,
      409: ApiErrorSchema,
    },
  },
  deletePhoneNumberAssignments: {
    method: 'post',
    path: '/users/{userId}/phonenumberconfig/phonenumbers/delete',
    summary: 'Release numbers of a user (all or none)',
    access: 'admin',
    real: true,
    body: PhoneNumberAssignmentBodySchema,
    responses: { 204: null, 400: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema },
  },
  getPhoneNumberAssignment: {
    method: 'get',
    path: '/users/{userId}/phonenumberconfig/phonenumbers/{phoneNumberId}',
    summary: 'One number of a user with its call service',
    access: 'self',
    real: true,
    responses: { 200: PhoneNumberAssignmentSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
  },
  deletePhoneNumberAssignment: {
    method: 'delete',
    path: '/users/{userId}/phonenumberconfig/phonenumbers/{phoneNumberId}',
    summary: 'Release one number of a user',
    access: 'admin',
    real: true,
    responses: { 204: null, 400: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema },
  },
});
