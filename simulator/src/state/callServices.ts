import type { CallService } from '../../../shared/schemas/callServices.js';
import { notFound } from './errors.js';
import type { PbxState } from './model.js';
import type { CallServiceRecord } from './telephonyModel.js';

/* Call services of the REST API 6.7 (read-only there): what a number is assigned for. */

export function toCallService(c: CallServiceRecord): CallService {
  return { serviceId: c.id, serviceName: c.name, label: c.label };
}

/** `type`: only services of that type, compared in any case; an unknown type is an empty list, not an error. */
export function listCallServices(state: PbxState, type: string | undefined): CallService[] {
  const t = type?.trim().toLowerCase();
  return state.callServices.filter((c) => !t || c.type.toLowerCase() === t).map(toCallService);
}

export function findCallService(state: PbxState, id: number): CallServiceRecord {
  const service = state.callServices.find((c) => c.id === id);
  if (!service) throw notFound('Call service', id);
  return service;
}
