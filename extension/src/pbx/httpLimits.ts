/**
 * What every HTTP client of the extension does with an answer it did not expect to be large or to move: a body is
 * read up to a bound (a wrong or hostile server must not make the extension host buffer it), and a redirect is
 * named, not followed (it would carry the token or the login secret to wherever it points).
 */

/** The body was over the bound; the rest was not read. */
export class ResponseTooLargeError extends Error {
  constructor(
    readonly max: number,
    readonly declared?: number,
  ) {
    super(`the answer is over ${max} bytes${declared === undefined ? '' : ` (${declared})`}`);
  }
}

/** The body as text, refused beyond `max` bytes without buffering (or reading) the rest. */
export async function boundedText(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    void res.body?.cancel().catch(() => {});
    throw new ResponseTooLargeError(max, declared);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new ResponseTooLargeError(max);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A 3xx answer (fetch with `redirect: 'manual'`); its body is dropped unread. */
export function isRedirect(res: Response): boolean {
  if (res.status < 300 || res.status >= 400) return false;
  void res.body?.cancel().catch(() => {});
  return true;
}

/** Where a redirect points, without its query (which may hold a token) or credentials. */
export function redirectTarget(from: string, location: string | null): string {
  if (!location) return '(no Location header)';
  try {
    const url = new URL(location, from);
    url.search = '';
    url.hash = '';
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '(an invalid Location header)';
  }
}
