import { z } from 'zod';
import { ApiErrorSchema } from '../schemas/common.js';
import { CallServiceQuerySchema, CallServiceSchema } from '../schemas/callServices.js';
import { endpoints } from './endpoint.js';

/* Call services (REST 6.7, read-only): any signed-in user may read them, as they name what a number is for. */
export const CALL_SERVICES_API = endpoints({
  getCallServices: {
    method: 'get',
    path: '/callservices',
    summary: 'List call services, optionally only those of one type',
    access: 'user',
    real: true,
    query: CallServiceQuerySchema,
    responses: { 200: z.array(CallServiceSchema) },
  },
  getCallService: {
    method: 'get',
    path: '/callservices/{serviceId}',
    summary: 'One call service',
    access: 'user',
    real: true,
    responses: { 200: CallServiceSchema, 404: ApiErrorSchema },
  },
});
