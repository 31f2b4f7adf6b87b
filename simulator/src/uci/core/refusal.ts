import { UCI_ERRORS } from '../../../../shared/schemas/uci.js';
import { SimError } from '../../state/errors.js';
import { RpcError } from './methods.js';

const CODES: Record<number, number> = {
  403: UCI_ERRORS.forbidden,
  404: UCI_ERRORS.notFound,
  409: UCI_ERRORS.refused,
};

/**
 * A refusal of a state function (written for the REST API) as a UCI error: the rule is the REST one, but the
 * message names the UCI member (`fields` maps REST body paths such as `redirectDestination.phoneNumber` to it),
 * so a UCI client is not told about a body it never sent. Anything else passes through unchanged.
 */
export function uciRefusal(
  err: unknown,
  fields: Readonly<Record<string, string>> = {},
  prefix = '',
  otherCode: number = UCI_ERRORS.invalidParams,
): unknown {
  if (!(err instanceof SimError) || err.status >= 500) return err;
  const details: unknown = Array.isArray(err.details) ? err.details[0] : err.details;
  const detail = (details ?? {}) as { path?: unknown; field?: unknown; message?: unknown };
  const restField =
    typeof detail.path === 'string' ? detail.path : typeof detail.field === 'string' ? detail.field : '';
  // A field error's own message says what is wrong; its REST text starts with "Invalid body.<path>:".
  const message = Array.isArray(err.details) && typeof detail.message === 'string' ? detail.message : err.message;
  const field = fields[restField] ?? restField;
  return new RpcError(CODES[err.status] ?? otherCode, `${prefix}${field ? `"${field}": ` : ''}${message}`, {
    code: err.code,
  });
}

/**
 * A refusal of the PBX state (not of the request's shape) for methods without body fields: any 4xx other
 * than 403 and 404 is `refused`, which blames the PBX state rather than the request.
 */
export function rethrowForUci(err: unknown): never {
  throw uciRefusal(err, {}, '', UCI_ERRORS.refused);
}
