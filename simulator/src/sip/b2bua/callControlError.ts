/** Why placeCallWithPhone was refused before anything rang; the UCI side maps `kind` to an error code. */
export class CallControlError extends Error {
  constructor(
    readonly kind: 'no-phone' | 'call-id-in-use',
    message: string,
  ) {
    super(message);
  }
}
