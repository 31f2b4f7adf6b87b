import type { CALL_SERVICES_API } from '../../../shared/api/callServices.js';
import { findCallService, listCallServices, toCallService } from '../state/callServices.js';
import type { RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

export function callServicesHandlers(ctx: RestContext): HandlersFor<keyof typeof CALL_SERVICES_API> {
  return {
    getCallServices: ({ query }) => listCallServices(ctx.holder.state, query.type),
    getCallService: ({ params }) => toCallService(findCallService(ctx.holder.state, params.serviceId)),
  };
}
