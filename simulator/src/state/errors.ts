/** A refusal with a stable code; the REST layer answers it as `{code, message, details}` with `status`. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: number | string) =>
  new SimError(404, 'NOT_FOUND', `${what} ${id} does not exist`, { id });
export const conflict = (code: string, message: string, details?: unknown) => new SimError(409, code, message, details);
export const invalid = (code: string, message: string, details?: unknown) => new SimError(400, code, message, details);
export const forbidden = (message: string) => new SimError(403, 'FORBIDDEN', message);
