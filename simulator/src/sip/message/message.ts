import { displayName, SipHeaders } from './headers.js';
import { parseNameAddr, parseParams, parseUri } from './uri.js';

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  version: string;
  headers: SipHeaders;
  body: Buffer;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  version: string;
  headers: SipHeaders;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

/**
 * A message that could not be accepted. `status` is the answer to send (400 or 505) when the message got far
 * enough to be answered — a request whose Via, From, To, Call-ID and CSeq could be read — else undefined: drop it.
 */
export interface ParseFailure {
  reason: string;
  status?: 400 | 505;
  /** The request as far as it was read, to build the error response from. */
  partial?: SipRequest;
}

export type ParseResult = { ok: true; message: SipMessage } | ({ ok: false } & ParseFailure);

export const MAX_CSEQ = 2 ** 31 - 1;
/**
 * The body of every message without one: most SIP messages have none, and a Buffer each (two or three per
 * request) was a good part of what a registrar under load allocated. Zero bytes: nothing in it can change.
 */
const EMPTY_BODY: Buffer = Buffer.alloc(0);
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

export interface Via {
  protocol: string;
  transport: string;
  host: string;
  port?: number;
  params: Record<string, string | null>;
}

export function parseVia(value: string): Via | undefined {
  const m =
    /^\s*(SIP\s*\/\s*2\.0)\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+([^\s;:]+|\[[^\]]+\])(?:\s*:\s*(\d{1,5}))?\s*((?:;.*)?)$/i.exec(
      value,
    );
  if (!m) return undefined;
  const params = parseParams(m[5]!.trim().replace(/^;/, ''));
  if (!params) return undefined;
  const port = m[4] === undefined ? undefined : Number(m[4]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { protocol: 'SIP/2.0', transport: m[2]!.toUpperCase(), host: m[3]!.toLowerCase(), port, params };
}

export function parseCSeq(value: string | undefined): { seq: number; method: string } | undefined {
  const m = /^\s*(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)\s*$/.exec(value ?? '');
  if (!m) return undefined;
  const seq = Number(m[1]);
  if (seq > MAX_CSEQ) return undefined;
  return { seq, method: m[2]! };
}

/** The tag parameter of a From or To value. */
export function tagOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const na = parseNameAddr(value);
  const tag = na?.params.tag;
  return tag ?? undefined;
}

/** The branch of the topmost Via. */
export function topBranch(msg: SipMessage): string | undefined {
  const top = msg.headers.getAll('via')[0];
  const via = top === undefined ? undefined : parseVia(top);
  const b = via?.params.branch;
  return b ?? undefined;
}

/** `text` split at every LF, a CR before it dropped: what `split(/\r?\n/)` gives, without a regular expression. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      lines.push(text.slice(start));
      return lines;
    }
    lines.push(text.slice(start, nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl));
    start = nl + 1;
  }
}

function headerEnd(buf: Buffer): { end: number; sep: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf < 0 && lf < 0) return undefined;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { end: crlf, sep: 4 };
  return { end: lf, sep: 2 };
}

/** Content-Length as a number, `undefined` when absent, NaN when not a valid count. */
export function contentLength(headers: SipHeaders): number | undefined {
  const all = headers.getAll('content-length');
  if (all.length === 0) return undefined;
  if (all.length > 1 || !/^\s*\d{1,9}\s*$/.test(all[0]!)) return Number.NaN;
  return Number(all[0]);
}

/**
 * Parses one whole message, as a datagram or as framed by a stream transport. Never throws. With `stream`,
 * the Content-Length framing was already applied by the transport (the body is exactly what it announced).
 */
export function parseMessage(buf: Buffer): ParseResult {
  try {
    return parseUnsafe(buf);
  } catch (err) {
    return { ok: false, reason: `unparseable message (${(err as Error).message})` };
  }
}

function parseUnsafe(raw: Buffer): ParseResult {
  // Leading CRLFs before the start line are to be ignored (RFC 3261 §7.5).
  let offset = 0;
  while (offset < raw.length && (raw[offset] === 0x0d || raw[offset] === 0x0a)) offset++;
  const buf = offset ? raw.subarray(offset) : raw;
  const split = headerEnd(buf);
  const head = (split ? buf.subarray(0, split.end) : buf).toString('utf8');
  const bodyStart = split ? split.end + split.sep : buf.length;
  const bodyBytes = bodyStart < buf.length ? buf.subarray(bodyStart) : EMPTY_BODY;
  const lines = splitLines(head);
  const startLine = lines[0]!;
  const headers = new SipHeaders();
  let badHeader: string | undefined;
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l]!;
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      if (!headers.extendLast(line.trim())) badHeader ??= 'a continuation line before any header';
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!name || !TOKEN.test(name)) {
      badHeader ??= `malformed header line "${line.slice(0, 40)}"`;
      continue;
    }
    headers.append(name, line.slice(colon + 1).trim());
  }

  const responseLine = /^SIP\/(\d+\.\d+) (\d{3})(?: (.*))?$/i.exec(startLine);
  if (/^SIP\//i.test(startLine)) {
    if (!responseLine) return { ok: false, reason: 'malformed status line' };
    if (responseLine[1] !== '2.0') return { ok: false, reason: `SIP version ${responseLine[1]} in a response` };
    const status = Number(responseLine[2]);
    if (status < 100 || status > 699) return { ok: false, reason: `status code ${status} out of range` };
    const message: SipResponse = {
      kind: 'response',
      status,
      reason: responseLine[3] ?? '',
      version: 'SIP/2.0',
      headers,
      body: bodyBytes,
    };
    const problem = badHeader ?? checkCommon(message, bodyBytes);
    return problem ? { ok: false, reason: problem } : { ok: true, message };
  }

  const requestLine = /^([A-Za-z0-9\-.!%*_+`'~]+) (\S+) (SIP\/\d+\.\d+)$/i.exec(startLine);
  // Only a start line that is not a strict request line needs the loose reading.
  const looseRequest = requestLine ? null : /^([A-Za-z0-9\-.!%*_+`'~]+)\s+(.*?)\s+(SIP\/\S+)\s*$/i.exec(startLine);
  const read = requestLine ?? looseRequest;
  // The request as far as it was read, built only when it is refused.
  const refuse = (reason: string, status: 400 | 505 = 400): ParseResult => {
    const partial: SipRequest | undefined = read
      ? { kind: 'request', method: read[1]!, uri: read[2]!, version: 'SIP/2.0', headers, body: bodyBytes }
      : undefined;
    return partial && canAnswer(headers) ? { ok: false, reason, status, partial } : { ok: false, reason };
  };

  if (!requestLine) {
    if (!looseRequest) return { ok: false, reason: 'malformed start line' };
    return refuse(/\s/.test(looseRequest[2]!) ? 'Request-URI with whitespace' : 'malformed request line');
  }
  if (requestLine[3]!.toUpperCase() !== 'SIP/2.0') return refuse(`SIP version ${requestLine[3]} not supported`, 505);
  const uri = requestLine[2]!;
  const target = parseUri(uri);
  if (!target) return refuse('malformed Request-URI');
  // Header fields are not allowed in a Request-URI (RFC 3261 §19.1.1).
  if (target.headers) return refuse('header fields in the Request-URI');
  const request: SipRequest = {
    kind: 'request',
    method: requestLine[1]!,
    uri,
    version: 'SIP/2.0',
    headers,
    body: bodyBytes,
  };
  if (badHeader) return refuse(badHeader);
  for (const field of ['via', 'to', 'from', 'call-id', 'cseq']) {
    if (!headers.has(field)) return refuse(`Missing header ${displayName(field)}`);
  }
  const cseq = parseCSeq(headers.get('cseq'));
  if (!cseq) return refuse('malformed CSeq');
  if (cseq.method.toUpperCase() !== request.method.toUpperCase())
    return refuse('CSeq method does not match the request method');
  const maxForwards = headers.get('max-forwards');
  if (maxForwards !== undefined && !/^\s*\d{1,9}\s*$/.test(maxForwards)) return refuse('malformed Max-Forwards');
  if (maxForwards !== undefined && Number(maxForwards) > 255) return refuse('Max-Forwards out of range');
  const expires = headers.get('expires');
  if (expires !== undefined && (!/^\s*\d{1,10}\s*$/.test(expires) || Number(expires) > 2 ** 32 - 1))
    return refuse('malformed Expires');
  const date = headers.get('date');
  // RFC 3261 §20.17: an RFC 1123 date, always in GMT.
  if (date !== undefined && !/^\s*[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT\s*$/.test(date))
    return refuse('malformed Date');
  const problem = checkCommon(request, bodyBytes);
  return problem ? refuse(problem) : { ok: true, message: request };
}

/**
 * Enough to address an error response: a Via (copied as it is; the answer goes back on the flow it came
 * from), From, To, Call-ID and a CSeq with a number and a method, however malformed the rest.
 */
function canAnswer(headers: SipHeaders): boolean {
  return (
    headers.has('via') &&
    headers.has('from') &&
    headers.has('to') &&
    headers.has('call-id') &&
    /^\s*\d+\s+\S+\s*$/.test(headers.get('cseq') ?? '')
  );
}

function checkCommon(message: SipMessage, body: Buffer): string | undefined {
  const h = message.headers;
  for (const via of h.getAll('via')) if (!parseVia(via)) return 'malformed Via';
  for (const field of ['to', 'from']) {
    const values = h.getAll(field);
    if (values.length > 1) return `more than one ${displayName(field)}`;
    if (values.length === 1 && !parseNameAddr(values[0]!)) return `malformed ${displayName(field)}`;
  }
  if (h.count('call-id') > 1 || h.count('cseq') > 1) return 'duplicated Call-ID or CSeq';
  const contacts = h.getAll('contact');
  if (!(contacts.length === 1 && contacts[0] === '*')) {
    for (const c of contacts) if (!parseNameAddr(c)) return 'malformed Contact';
  }
  const length = contentLength(h);
  if (length !== undefined) {
    if (Number.isNaN(length)) return 'malformed Content-Length';
    if (length > body.length) return `Content-Length ${length} is larger than the body (${body.length} bytes)`;
    // Extra bytes after the announced body are ignored (RFC 3261 §18.3); keep what was announced.
    message.body = length === 0 ? EMPTY_BODY : body.subarray(0, length);
  }
  return undefined;
}

export function serialize(message: SipMessage): Buffer {
  const start =
    message.kind === 'request'
      ? `${message.method} ${message.uri} SIP/2.0`
      : `SIP/2.0 ${message.status} ${message.reason}`;
  // Joined once: a chain of += made a rope of small strings that Buffer.from then had to flatten.
  const lines = [start];
  for (const f of message.headers.fieldList()) {
    if (f.key === 'content-length') continue;
    lines.push(`${f.name}: ${f.value}`);
  }
  lines.push(`Content-Length: ${message.body.length}`, '', '');
  const head = lines.join('\r\n');
  if (message.body.length === 0) return Buffer.from(head, 'utf8');
  return Buffer.concat([Buffer.from(head, 'utf8'), message.body]);
}

export const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  603: 'Decline',
};

/** A response to `req` (RFC 3261 §8.2.6): Via, From, To, Call-ID and CSeq copied; a To tag added when missing. */
export function createResponse(
  req: SipRequest,
  status: number,
  reason = REASONS[status] ?? '',
  toTag?: string,
): SipResponse {
  const headers = new SipHeaders();
  for (const via of req.headers.getAll('via')) headers.append('Via', via);
  headers.append('From', req.headers.get('from') ?? '');
  let to = req.headers.get('to') ?? '';
  if (status > 100 && toTag && !/;\s*tag=/i.test(to)) to += `;tag=${toTag}`;
  headers.append('To', to);
  headers.append('Call-ID', req.headers.get('call-id') ?? '');
  headers.append('CSeq', req.headers.get('cseq') ?? '');
  return { kind: 'response', status, reason, version: 'SIP/2.0', headers, body: EMPTY_BODY };
}
