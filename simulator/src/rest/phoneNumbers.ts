import type { PHONE_NUMBERS_API } from '../../../shared/api/phoneNumbers.js';
import {
  assignmentOf,
  assignmentsOf,
  assignNumbers,
  findPhoneNumber,
  listPhoneNumbers,
  phoneNumberConfig,
  releaseNumber,
  releaseNumbers,
  replaceAssignments,
  toPhoneNumberDto,
  updatePhoneNumberConfig,
} from '../state/phoneNumbers.js';
import type { RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

/** The PBX's numbers, a user's number config and number assignments; the rules live in state/phoneNumbers.ts. */
export function phoneNumbersHandlers(ctx: RestContext): HandlersFor<keyof typeof PHONE_NUMBERS_API> {
  return {
    getPhoneNumbers: ({ query }) => listPhoneNumbers(ctx.holder.state, query),

    getPhoneNumber: ({ params }) =>
      toPhoneNumberDto(ctx.holder.state, findPhoneNumber(ctx.holder.state, params.phoneNumberId)),

    getPhoneNumberConfig: ({ params }) => phoneNumberConfig(ctx.holder.state, params.userId),

    putPhoneNumberConfig: ({ params, body }) =>
      ctx.holder.commit((s, emit) => updatePhoneNumberConfig(s, emit, params.userId, body)),

    listPhoneNumberAssignment: ({ params }) => assignmentsOf(ctx.holder.state, params.userId),

    assignPhoneNumber: ({ params, body }) =>
      ctx.holder.commit((s, emit) => assignNumbers(s, emit, params.userId, body)),

    updatePhoneNumberAssignments: ({ params, body }) =>
      ctx.holder.commit((s, emit) => replaceAssignments(s, emit, params.userId, body)),

    deletePhoneNumberAssignments: ({ params, body }) =>
      ctx.holder.commit((s, emit) => releaseNumbers(s, emit, params.userId, body)),

    getPhoneNumberAssignment: ({ params }) => assignmentOf(ctx.holder.state, params.userId, params.phoneNumberId),

    deletePhoneNumberAssignment: ({ params }) =>
      ctx.holder.commit((s, emit) => releaseNumber(s, emit, params.userId, params.phoneNumberId)),
  };
}
