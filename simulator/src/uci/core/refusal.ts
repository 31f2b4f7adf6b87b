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
export function uciRefusal(err: unknown, fields: Readonly<Record<string, string>> = {}, prefix = ''): unknown {
  if (!(err instanceof SimError) || err.status >= 500) return err;
  const details: unknown = Array.isArray(err.details) ? err.details[0] : err.details;
  const detail = (details ?? {}) as { path?: unknown; field?: unknown; message?: unknown };
  const restField =
    typeof detail.path === 'string' ? detail.path : typeof detail.field === 'string' ? detail.field : '';
  // A field error's own message says what is wrong; its REST text starts with "Invalid body.<path>:".
  const message = Array.isArray(err.details) && typeof detail.message === 'string' ? detail.message : err.message;
  const field = fields[restField] ?? restField;
  return new RpcError(
    CODES[err.status] ?? UCI_ERRORS.invalidParams,
    `${prefix}${field ? `"${field}": ` : ''}${message}`,
  );
}
