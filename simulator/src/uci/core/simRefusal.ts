import { UCI_ERRORS } from '../../../../shared/schemas/uci.js';
import { SimError } from '../../state/errors.js';
import { RpcError } from './methods.js';

/**
 * A refusal of the PBX model (a SimError, as REST answers it with 4xx) as the UCI error that means the same:
 * 404 notFound, 403 forbidden, any other refused, with the model's stable code in `data`. Left as it is, the
 * transports would call it invalidParams, which blames the request rather than the PBX state.
 */
export function rethrowForUci(err: unknown): never {
  if (err instanceof SimError && err.status < 500) {
    const code =
      err.status === 404 ? UCI_ERRORS.notFound : err.status === 403 ? UCI_ERRORS.forbidden : UCI_ERRORS.refused;
    throw new RpcError(code, err.message, { code: err.code });
  }
  throw err;
}
