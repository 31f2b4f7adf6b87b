// What a number typed on a dial pad or picked from a contact may look like. No imports: the Teams App rehearsal's
// webview bundles it, and zod must stay out of that bundle.
export const DIAL_NUMBER_PATTERN = /^\+?[0-9*#]{1,32}$/;
