import type { LICENCES_API } from '../../../shared/api/licences.js';
import { assignLicences, installLicence, toLicenceDtos } from '../state/licences.js';
import { findUser } from '../state/users.js';
import type { RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

export function licencesHandlers(ctx: RestContext): HandlersFor<keyof typeof LICENCES_API> {
  return {
    getLicences: () => toLicenceDtos(ctx.holder.state),

    postLicence: ({ body }) => ctx.holder.commit((s, emit) => installLicence(s, emit, body.type, body.count)),

    getUserLicences: ({ params }) => findUser(ctx.holder.state, params.userId).licences,

    putUserLicences: ({ params, body }) =>
      ctx.holder.commit((s, emit) => {
        const user = findUser(s, params.userId);
        assignLicences(s, emit, user, body);
        return user.licences;
      }),
  };
}
