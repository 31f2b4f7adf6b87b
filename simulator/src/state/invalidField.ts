import { SimError } from './errors.js';

/**
 * A 400 for one field of a body that parsed but breaks a rule of the model (an unknown user id, an empty name),
 * shaped like the REST layer's own VALIDATION_FAILED so that clients read both the same way.
 */
export function invalidField(path: string, message: string): SimError {
  return new SimError(400, 'VALIDATION_FAILED', `Invalid body.${path}: ${message}`, [
    { path, message, code: 'custom' },
  ]);
}
