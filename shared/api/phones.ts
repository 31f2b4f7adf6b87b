import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import {
  NumberForPhoneAssignmentBodySchema,
  NumberForPhoneAssignmentSchema,
  PhoneAssignmentBodySchema,
  PhoneAssignmentSchema,
  PhoneConfigBodySchema,
  PhoneConfigSchema,
} from '../schemas/phones.js';
import { endpoints } from './endpoint.js';

/*
 * A user's phones (REST 6.7 "Users": phone config and phone assignments, and "Phone Numbers": the numbers on a
 * phone). Reads are the user's own or an admin's. Writes: the admin configures phones on STARFACE; the user may
 * change their own phone config (call waiting, DND, primary phone, display number), as in the UCC settings.
 * Unknown users and phones are 404 although the fact sheet documents only 500 for most of these: a client
 * can tell "no such thing" from a failure.
 */
export const PHONES_API = endpoints({
  getPhoneConfig: {
    method: 'get',
    path: '/users/{userId}/phoneconfig',
    summary: "A user's phone settings (0 stands for no primary phone / no display number)",
    access: 'self',
    real: true,
    responses: { 200: PhoneConfigSchema, 404: ApiErrorSchema },
  },
  putPhoneConfig: {
    method: 'put',
    path: '/users/{userId}/phoneconfig',
    // The fact sheet documents 204 and 200; the simulator answers 204 (no body).
    summary: "Change a user's phone settings (the user or an admin); answers 204",
    access: 'self',
    real: true,
    body: PhoneConfigBodySchema,
    responses: { 204: null, 400: ApiErrorSchema, 404: ApiErrorSchema },
  },
  listAssignedPhones: {
    method: 'get',
    path: '/users/{userId}/phoneconfig/phones',
    summary: "A user's phones (SIP devices and iFMC phones)",
    access: 'self',
    real: true,
    responses: { 200: z.array(PhoneAssignmentSchema), 404: ApiErrorSchema },
  },
  assignPhone: {
    method: 'post',
    path: '/users/{userId}/phoneconfig/phones',
    // The fact sheet documents 201 and 200 without a body; the simulator answers 201 with the assignment.
    summary: 'Give a user a new SIP phone (phoneId 0) named phoneName; answers 201 with the assignment',
    access: 'admin',
    real: true,
    body: PhoneAssignmentBodySchema,
    responses: { 201: PhoneAssignmentSchema, 400: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema },
  },
  getPhoneAssignment: {
    method: 'get',
    path: '/users/{userId}/phoneconfig/phones/{phoneId}',
    // The fact sheet documents a bodiless 200; the simulator answers the PhoneAssignment the list holds.
    summary: 'One phone of a user',
    access: 'self',
    real: true,
    responses: { 200: PhoneAssignmentSchema, 404: ApiErrorSchema },
  },
  deletePhoneAssignment: {
    method: 'delete',
    path: '/users/{userId}/phoneconfig/phones/{phoneId}',
    // The fact sheet documents 204 and 200; the simulator answers 204.
    summary: 'Remove a SIP phone of a user (iFMC phones go through /fmcPhones); answers 204',
    access: 'admin',
    real: true,
    responses: { 204: null, 404: ApiErrorSchema, 409: ApiErrorSchema },
  },
  getNumbersForAssignedPhone: {
    method: 'get',
    path: '/users/{userId}/phoneconfig/phones/{phoneId}/numbers',
    summary: "Each of the user's numbers and whether it rings on this phone",
    access: 'self',
    real: true,
    responses: { 200: z.array(NumberForPhoneAssignmentSchema), 404: ApiErrorSchema },
  },
  updateNumbersForAssignedPhones: {
    method: 'put',
    path: '/users/{userId}/phoneconfig/phones/{phoneId}/numbers',
    // The fact sheet documents no body and 204 and 200; the simulator takes the list GET answers (entries not
    // listed keep their state) and answers 204.
    summary: "Set which of the user's numbers ring on this phone; answers 204",
    access: 'admin',
    real: true,
    body: NumberForPhoneAssignmentBodySchema,
    responses: { 204: null, 400: ApiErrorSchema, 404: ApiErrorSchema },
  },
});
