import type { PHONES_API } from '../../../shared/api/phones.js';
import {
  assignPhone,
  findUserPhone,
  numbersForPhone,
  phoneConfig,
  phonesOfUser,
  removePhone,
  toPhoneAssignment,
  updateNumbersForPhone,
  updatePhoneConfig,
} from '../state/phones.js';
import type { RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

/** A user's phone config, phones and the numbers on each phone; the rules live in state/phones.ts. */
export function phonesHandlers(ctx: RestContext): HandlersFor<keyof typeof PHONES_API> {
  return {
    getPhoneConfig: ({ params }) => phoneConfig(ctx.holder.state, params.userId),

    putPhoneConfig: ({ params, body }) =>
      ctx.holder.commit((s, emit) => updatePhoneConfig(s, emit, params.userId, body)),

    listAssignedPhones: ({ params }) => phonesOfUser(ctx.holder.state, params.userId).map(toPhoneAssignment),

    assignPhone: async ({ params, body, req, res }) => {
      const phone = await ctx.holder.commit((s, emit) => assignPhone(s, emit, params.userId, body));
      res.location(`${req.baseUrl}/users/${params.userId}/phoneconfig/phones/${phone.id}`);
      return toPhoneAssignment(phone);
    },

    getPhoneAssignment: ({ params }) =>
      toPhoneAssignment(findUserPhone(ctx.holder.state, params.userId, params.phoneId)),

    deletePhoneAssignment: ({ params }) =>
      ctx.holder.commit((s, emit) => removePhone(s, emit, params.userId, params.phoneId)),

    getNumbersForAssignedPhone: ({ params }) => numbersForPhone(ctx.holder.state, params.userId, params.phoneId),

    updateNumbersForAssignedPhones: ({ params, body }) =>
      ctx.holder.commit((s, emit) => updateNumbersForPhone(s, emit, params.userId, params.phoneId, body)),
  };
}
